from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "servicehall.customers"
    verbose_name = _("Customer records")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from servicehall.customers import tasks  # noqa: F401  (registers the worker jobs)
