from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QualityConfig(AppConfig):
    name = "servicehall.quality"
    verbose_name = _("Service quality")

    def ready(self) -> None:
        from servicehall.core.audit_labels import register_value_labels
        from servicehall.quality import tasks  # noqa: F401  (registers the worker jobs)
        from servicehall.quality.choices import CLEANING_RULE_LABELS

        register_value_labels("counts", CLEANING_RULE_LABELS)
