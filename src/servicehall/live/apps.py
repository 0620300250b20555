from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LiveConfig(AppConfig):
    name = "servicehall.live"
    verbose_name = _("Live events")
    default_auto_field = "django.db.models.BigAutoField"
