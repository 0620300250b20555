from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EformsConfig(AppConfig):
    name = "servicehall.eforms"
    verbose_name = _("Electronic forms")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from servicehall.eforms import links  # noqa: F401  (links to customer records)
