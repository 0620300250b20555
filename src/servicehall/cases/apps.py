from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "servicehall.cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        # Register the cases' links to customer records (merge, erasure, the person's timeline).
        from servicehall.cases import links, tasks  # noqa: F401  (and the worker's deadline sweep)
