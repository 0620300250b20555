from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    name = "servicehall.staff"
    verbose_name = _("Staff, skills and rota")
    default_auto_field = "django.db.models.BigAutoField"
