from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "servicehall.core"
    verbose_name = _("Halls and accounts")
    default_auto_field = "django.db.models.BigAutoField"
