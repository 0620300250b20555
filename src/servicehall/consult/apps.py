from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultConfig(AppConfig):
    name = "servicehall.consult"
    verbose_name = _("Online consultation and the assistant")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from servicehall.consult import index  # noqa: F401  (drops a hall's index when its knowledge changes)
