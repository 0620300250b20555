from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GuidesConfig(AppConfig):
    name = "servicehall.guides"
    verbose_name = _("Standard operating guides")
    default_auto_field = "django.db.models.BigAutoField"
