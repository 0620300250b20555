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
