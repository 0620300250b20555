from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppointmentsConfig(AppConfig):
    name = "servicehall.appointments"
    verbose_name = _("Appointments")

    def ready(self) -> None:
        from servicehall.appointments import tasks  # noqa: F401  (registers the worker jobs)
