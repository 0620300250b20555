from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "servicehall.training"
    label = "training"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Training and levels")

    def ready(self) -> None:
        from servicehall.training import tasks  # noqa: F401  (registers the worker jobs)
