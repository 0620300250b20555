from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "servicehall.analytics"
    verbose_name = _("Operations analytics")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from servicehall.analytics import tasks  # noqa: F401  (worker jobs)

        if apps.is_installed("servicehall.staff"):  # the rota plans against the forecast
            from servicehall.analytics.selectors import forecast_load
            from servicehall.staff.need import load_provider_set

            load_provider_set(forecast_load)
