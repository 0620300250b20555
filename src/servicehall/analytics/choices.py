"""The what-if simulation job's states and its one transition table."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from servicehall.core.transitions import Transitions


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class JobAction(models.TextChoices):
    START = "start", _("Start")
    FINISH = "finish", _("Finish")
    FAIL = "fail", _("Fail")


JOB_TRANSITIONS = Transitions(
    status=JobStatus,
    action=JobAction,
    edges={
        (JobStatus.QUEUED, JobAction.START): JobStatus.RUNNING,
        (JobStatus.QUEUED, JobAction.FAIL): JobStatus.FAILED,
        (JobStatus.RUNNING, JobAction.FINISH): JobStatus.DONE,
        (JobStatus.RUNNING, JobAction.FAIL): JobStatus.FAILED,
    },
    message=_("Simulation %(code)s is %(status)s; it cannot be given the action “%(action)s”."),
    describe=lambda job: {"code": job.pk},
)


class AlertKind(models.TextChoices):
    """What the live dashboard watches. Each kind has its threshold in ``AlertSettings`` (the wait and
    the count also per service, ``ServiceAlertRule``)."""

    LONG_WAIT = "long_wait", _("Long wait")
    MANY_WAITING = "many_waiting", _("Many waiting")
    IDLE_COUNTER = "idle_counter", _("Window idle while people wait")
    LONG_PAUSE = "long_pause", _("Long pause")
    LATE_APPOINTMENT = "late_appointment", _("Appointment not called")


class AlertStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RESOLVED = "resolved", _("Resolved")


class AlertAction(models.TextChoices):
    RESOLVE = "resolve", _("Resolve")


# An alert is resolved by the sweep when its condition clears, never by hand: a manager records what was
# done (``Alert.note``), and a condition that is still true would open it again at once.
ALERT_TRANSITIONS = Transitions(
    status=AlertStatus,
    action=AlertAction,
    edges={(AlertStatus.OPEN, AlertAction.RESOLVE): AlertStatus.RESOLVED},
    message=_("Alert %(code)s is %(status)s; it cannot be given the action “%(action)s”."),
    describe=lambda alert: {"code": alert.pk},
)
