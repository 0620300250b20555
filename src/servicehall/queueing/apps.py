from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QueueingConfig(AppConfig):
    name = "servicehall.queueing"
    verbose_name = _("Queue and calling")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from servicehall.core import memo
        from servicehall.core.audit_labels import register_value_labels
        from servicehall.queueing import tasks  # noqa: F401  (registers the worker jobs)
        from servicehall.queueing.choices import NORMAL
        from servicehall.queueing.models import QueueSettings
        from servicehall.queueing.policy import CALL_REASON_LABELS

        memo.depends_on("QueueSettings", QueueSettings)
        register_value_labels("rule", CALL_REASON_LABELS)
        register_value_labels("priority", {NORMAL: _("Normal")})
