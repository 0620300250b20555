from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "servicehall.catalog"
    verbose_name = _("Service catalogue")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from servicehall.catalog.models import ServiceItem
        from servicehall.core import memo

        memo.depends_on("item", ServiceItem)
