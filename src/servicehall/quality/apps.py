from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QualityConfig(AppConfig):
    name = "servicehall.quality"
    verbose_name = _("Service quality")

    def ready(self) -> None:
        from servicehall.quality import tasks  # noqa: F401  (registers the worker jobs)
