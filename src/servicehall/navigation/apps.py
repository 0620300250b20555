from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NavigationConfig(AppConfig):
    name = "servicehall.navigation"
    verbose_name = _("Hall navigation")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from servicehall.core import memo
        from servicehall.navigation.models import MapVersion

        memo.depends_on("MapVersion", MapVersion)
