"""Booking states and their transition table, late-arrival policies, waitlist states and their table."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from servicehall.core.transitions import Transitions


class AppointmentStatus(models.TextChoices):
    HELD = "held", _("Held")
    BOOKED = "booked", _("Booked")
    CHECKED_IN = "checked_in", _("Checked in")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Hold expired")
    NO_SHOW = "no_show", pgettext_lazy("appointment", "No-show")


class AppointmentAction(models.TextChoices):
    CONFIRM = "confirm", _("Confirm")
    EXPIRE = "expire", _("Expire the hold")
    CANCEL = "cancel", _("Cancel")
    RESCHEDULE = "reschedule", _("Reschedule")
    CHECK_IN = "check_in", _("Check in")
    NO_SHOW = "no_show", _("Mark as no-show")


S, A = AppointmentStatus, AppointmentAction

# The only place that says which action may happen in which state, and where it leads.
TRANSITIONS = Transitions(
    status=AppointmentStatus,
    action=AppointmentAction,
    edges={
        (S.HELD, A.CONFIRM): S.BOOKED,
        (S.HELD, A.EXPIRE): S.EXPIRED,
        (S.HELD, A.CANCEL): S.CANCELLED,
        (S.BOOKED, A.CANCEL): S.CANCELLED,
        (S.BOOKED, A.RESCHEDULE): S.BOOKED,
        (S.BOOKED, A.CHECK_IN): S.CHECKED_IN,
        (S.BOOKED, A.NO_SHOW): S.NO_SHOW,
    },
    message=_("Booking %(code)s is %(status)s; it cannot be given the action “%(action)s”."),
    describe=lambda appt: {"code": appt.code},
)

# A booking in one of these states occupies its seat: ``Slot.taken`` counts exactly these rows.
SEAT_STATUSES = (S.HELD, S.BOOKED, S.CHECKED_IN, S.NO_SHOW)
# A booking in one of these states counts against the per-person limits.
ACTIVE_STATUSES = (S.HELD, S.BOOKED)


class LatePolicy(models.TextChoices):
    NORMAL_TICKET = "normal_ticket", _("Give a normal ticket")
    REFUSE = "refuse", _("Refuse and ask to book again")


class BookingChannel(models.TextChoices):
    WEB = "web", _("Phone or web")
    STAFF = "staff", _("Staff on the citizen's behalf")
    API = "api", _("Integrated system")
    WAITLIST = "waitlist", _("Waitlist offer")


class WaitlistStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    OFFERED = "offered", _("Seat offered")
    BOOKED = "booked", _("Booked")
    EXPIRED = "expired", _("Offer expired")
    CANCELLED = "cancelled", _("Left the waitlist")


class WaitlistAction(models.TextChoices):
    OFFER = "offer", _("Offer a freed seat")
    BOOK = "book", _("Book the offered seat")
    EXPIRE = "expire", _("Let the offer lapse")
    CANCEL = "cancel", _("Cancel the offered booking")
    CLOSE = "close", _("Close the slot")


W, WA = WaitlistStatus, WaitlistAction

# A waitlist entry follows the held booking it is offered: booked when the citizen confirms, lapsed when the
# hold expires, cancelled with it; closing the slot cancels the entries still waiting.
WAITLIST_TRANSITIONS = Transitions(
    status=WaitlistStatus,
    action=WaitlistAction,
    edges={
        (W.WAITING, WA.OFFER): W.OFFERED,
        (W.WAITING, WA.CLOSE): W.CANCELLED,
        (W.OFFERED, WA.BOOK): W.BOOKED,
        (W.OFFERED, WA.EXPIRE): W.EXPIRED,
        (W.OFFERED, WA.CANCEL): W.CANCELLED,
        (W.BOOKED, WA.CANCEL): W.CANCELLED,
    },
    message=_("This waitlist entry is %(status)s; it cannot be given the action “%(action)s”."),
)
