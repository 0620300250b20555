from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "servicehall.core"
    verbose_name = _("Halls and accounts")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.contrib.auth import get_user_model

        from servicehall.core import memo
        from servicehall.core.models import ApiToken, CalendarDay, Device, Hall, HallMembership

        memo.depends_on("token", ApiToken, get_user_model())
        memo.depends_on("device", Device, Hall)
        memo.depends_on("hall", Hall)
        memo.depends_on("roles", HallMembership)
        memo.depends_on("calendar", CalendarDay)
