"""Booking states and the one transition table, late-arrival policies, waitlist states."""

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
