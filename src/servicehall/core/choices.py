"""Named choices of the core app: roles, counter kinds, device kinds, audit actions."""

from django.db import models
from django.utils.translation import gettext_lazy as _


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
