"""Named choices of the core app: roles, counter kinds, device kinds, calendar days, the statuses of the
text outbox and their transition table."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from servicehall.core.transitions import Transitions


class Role(models.TextChoices):
    """What a person may do in one hall. System administrators are ``User.is_superuser`` instead."""

    MANAGER = "manager", _("Hall manager")
    CLERK = "clerk", _("Window clerk")
    EVALUATOR = "evaluator", _("Quality evaluator")


class CounterKind(models.TextChoices):
    """The kinds of window a Chinese hall runs (综合窗口, 专业窗口, 绿色通道, 潮汐窗口)."""

    COMPREHENSIVE = "comprehensive", _("Comprehensive window")
    DEDICATED = "dedicated", _("Dedicated window")
    PRIORITY = "priority", _("Priority lane")
    FLEXIBLE = "flexible", _("Flexible window")


class DeviceKind(models.TextChoices):
    KIOSK = "kiosk", _("Self-service kiosk")
    DISPLAY = "display", _("Display board")
    RATING_PAD = "rating_pad", _("Rating pad")


WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


class DayKind(models.TextChoices):
    """A row of the hall's own calendar table. ``holiday`` and ``workday`` complete the national calendar
    for years the ``chinese-calendar`` package does not know yet; ``closed`` closes the hall for a day."""

    HOLIDAY = "holiday", _("Public holiday (closed)")
    WORKDAY = "workday", _("Make-up working day (open)")
    CLOSED = "closed", _("Hall closed")


class NotificationStatus(models.TextChoices):
    """A text to a citizen in the outbox (``core.notify``): waiting to go out (or to be tried again),
    delivered, or given up after the last attempt."""

    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class NotificationAction(models.TextChoices):
    DELIVER = "deliver", _("Deliver")
    GIVE_UP = "give_up", _("Give up")


NOTIFICATION_TRANSITIONS = Transitions(
    status=NotificationStatus,
    action=NotificationAction,
    edges={
        (NotificationStatus.PENDING, NotificationAction.DELIVER): NotificationStatus.SENT,
        (NotificationStatus.PENDING, NotificationAction.GIVE_UP): NotificationStatus.FAILED,
    },
    message=_("Text message %(id)s is %(status)s; it cannot be given the action “%(action)s”."),
    describe=lambda notification: {"id": notification.pk},
)
