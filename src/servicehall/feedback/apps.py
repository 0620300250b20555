from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "servicehall.feedback"
    verbose_name = _("Feedback and complaints")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from servicehall.feedback import links, tasks  # noqa: F401  (worker jobs; links to customer records)
