"""Named choices of feedback (在线留言、投诉、建议、表扬、咨询) and the one transition table of an item's
status, after GB/T 36113-2018 (政务服务中心服务投诉处置规范): 受理 → 调查 → 处置 → 意见反馈 → 资料归档."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from servicehall.core.transitions import Transitions


class FeedbackType(models.TextChoices):
    COMPLAINT = "complaint", _("Complaint")
    SUGGESTION = "suggestion", _("Suggestion")
    MESSAGE = "message", _("Message")
    PRAISE = "praise", _("Praise")
    CONSULTATION = "consultation", _("Consultation")


class Subject(models.TextChoices):
    """What the item is about."""

    HALL = "hall", _("The hall")
    WINDOW = "window", _("A window")
    CLERK = "clerk", _("A member of staff")
    SERVICE = "service", _("A service item")
    ENVIRONMENT = "environment", _("Environment and facilities")
    SYSTEM = "system", _("Online system or kiosk")


class FeedbackChannel(models.TextChoices):
    WEB = "web", _("Web or phone page")
    KIOSK = "kiosk", _("Kiosk")
    COUNTER = "counter", _("At the window, for the citizen")
    RATING = "rating", _("From a bad rating")
    HOTLINE = "hotline", _("12345 hotline transfer")


class HandlingRating(models.TextChoices):
    """The citizen's rating of how the item was handled (意见反馈)."""

    SATISFIED = "satisfied", _("Satisfied")
    BASIC = "basic", _("Basically satisfied")
    UNSATISFIED = "unsatisfied", _("Unsatisfied")


class FeedbackStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected as out of scope")
    ASSIGNED = "assigned", _("Assigned")
    INVESTIGATING = "investigating", _("Under investigation")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")
    MERGED = "merged", _("Merged into another item")
    ARCHIVED = "archived", _("Archived")


class FeedbackAction(models.TextChoices):
    ACCEPT = "accept", _("Accept")
    REJECT = "reject", _("Reject")
    ASSIGN = "assign", _("Assign")
    INVESTIGATE = "investigate", _("Start investigating")
    ANSWER = "answer", _("Answer")
    RATE = "rate", _("Rate the handling")
    REOPEN = "reopen", _("Reopen")
    CLOSE = "close", _("Close")
    MERGE = "merge", _("Merge into another item")
    ARCHIVE = "archive", _("Archive")
    TRANSFER = "transfer", _("Transfer to another hall")


S, A = FeedbackStatus, FeedbackAction
OPEN_STATES = (S.RECEIVED, S.ACCEPTED, S.ASSIGNED, S.INVESTIGATING)

TRANSITIONS = Transitions(
    status=FeedbackStatus,
    action=FeedbackAction,
    edges={
        (S.RECEIVED, A.ACCEPT): S.ACCEPTED,
        (S.RECEIVED, A.REJECT): S.REJECTED,
        (S.ACCEPTED, A.ASSIGN): S.ASSIGNED,
        (S.ASSIGNED, A.ASSIGN): S.ASSIGNED,  # reassigned to another department or person
        (S.INVESTIGATING, A.ASSIGN): S.ASSIGNED,
        (S.ASSIGNED, A.INVESTIGATE): S.INVESTIGATING,
        (S.ACCEPTED, A.ANSWER): S.ANSWERED,  # a consultation answered at once
        (S.ASSIGNED, A.ANSWER): S.ANSWERED,
        (S.INVESTIGATING, A.ANSWER): S.ANSWERED,
        (S.ANSWERED, A.RATE): S.CLOSED,  # satisfied or basically satisfied (unsatisfied reopens once)
        (S.ANSWERED, A.REOPEN): S.INVESTIGATING,
        (S.CLOSED, A.REOPEN): S.INVESTIGATING,
        (S.ANSWERED, A.CLOSE): S.CLOSED,  # no rating came within the follow-up period
        (S.RECEIVED, A.MERGE): S.MERGED,
        (S.ACCEPTED, A.MERGE): S.MERGED,
        # to the hall responsible, where it starts again as received, under that hall's deadlines
        (S.RECEIVED, A.TRANSFER): S.RECEIVED,
        (S.ACCEPTED, A.TRANSFER): S.RECEIVED,
        (S.ASSIGNED, A.TRANSFER): S.RECEIVED,
        (S.INVESTIGATING, A.TRANSFER): S.RECEIVED,
        (S.CLOSED, A.ARCHIVE): S.ARCHIVED,
        (S.REJECTED, A.ARCHIVE): S.ARCHIVED,
        (S.MERGED, A.ARCHIVE): S.ARCHIVED,
    },
    message=_("Feedback %(code)s is “%(status)s”: “%(action)s” cannot be done now."),
    describe=lambda item: {"code": item.code},
)
