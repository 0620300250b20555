"""Named choices of online consultation (在线咨询) and the one transition table of a thread's status.

A thread is opened by a citizen's question (on the phone, at the kiosk, or handed over by the assistant),
answered by the hall's staff, followed up by the citizen while it is open or answered, and closed by
either side. A closed thread stays readable; a new question opens a new thread."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from servicehall.core.transitions import Transitions


class ThreadChannel(models.TextChoices):
    WEB = "web", _("Web or phone page")
    KIOSK = "kiosk", _("Kiosk")
    ASSISTANT = "assistant", _("Handed over by the assistant")


class ThreadStatus(models.TextChoices):
    OPEN = "open", _("Waiting for an answer")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")


class ThreadAction(models.TextChoices):
    ANSWER = "answer", _("Answer")
    FOLLOW_UP = "follow_up", _("Ask a follow-up question")
    CLOSE = "close", _("Close")


class Author(models.TextChoices):
    CITIZEN = "citizen", _("Citizen")
    STAFF = "staff", _("Staff")


S, A = ThreadStatus, ThreadAction

TRANSITIONS = Transitions(
    status=ThreadStatus,
    action=ThreadAction,
    edges={
        (S.OPEN, A.ANSWER): S.ANSWERED,
        (S.ANSWERED, A.ANSWER): S.ANSWERED,  # a second staff message (a correction, a detail)
        (S.OPEN, A.FOLLOW_UP): S.OPEN,
        (S.ANSWERED, A.FOLLOW_UP): S.OPEN,  # the citizen asks more: it waits for staff again
        (S.OPEN, A.CLOSE): S.CLOSED,  # staff: out of scope, a duplicate; or the citizen withdraws
        (S.ANSWERED, A.CLOSE): S.CLOSED,
    },
    message=_("Consultation %(code)s is “%(status)s”: “%(action)s” cannot be done now."),
    describe=lambda thread: {"code": thread.code},
)
