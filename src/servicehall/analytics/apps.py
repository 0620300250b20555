from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "servicehall.analytics"
    verbose_name = _("Operations analytics")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from servicehall.analytics import tasks  # noqa: F401  (worker jobs)
