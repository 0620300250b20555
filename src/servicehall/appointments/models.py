"""Working plans, the hall's calendar table, slots with their seat count, bookings, per-person quotas
and waitlists.

Capacity is enforced by the database: ``Slot.taken`` only ever changes in one conditional ``UPDATE``
(``taken < capacity``), and a check constraint forbids ``taken > capacity``. ``Slot.taken`` always equals
the number of the slot's bookings in ``SEAT_STATUSES``; the tests hold the services to that.
"""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from servicehall.appointments.choices import (
    AppointmentStatus,
    BookingChannel,
    LatePolicy,
    WaitlistStatus,
)
from servicehall.catalog.models import ServiceItem
from servicehall.core.models import Hall

# Booking codes avoid 0/O, 1/I/L so they can be read out over the phone and typed on a kiosk.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_public_id() -> str:
    return secrets.token_urlsafe(16)


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


def default_periods():
    """Monday to Friday, 09:00-12:00 and 13:30-17:00: the common hours of a Chinese service hall."""
    return {str(d): [["09:00", "12:00"], ["13:30", "17:00"]] for d in range(5)}


class AppointmentSettings(models.Model):
    """What a hall manager decides about bookings. A hall without a row uses these defaults."""

    hall = models.OneToOneField(Hall, on_delete=models.CASCADE, related_name="appointment_settings")
    hold_minutes = models.PositiveSmallIntegerField(
        _("hold a chosen seat for (minutes)"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    check_in_before_minutes = models.PositiveSmallIntegerField(
        _("check-in opens before the slot (minutes)"), default=30
    )
    check_in_after_minutes = models.PositiveSmallIntegerField(
        _("check-in closes after the slot starts (minutes)"), default=15
    )
    late_policy = models.CharField(
        _("late arrival"), max_length=20, choices=LatePolicy, default=LatePolicy.NORMAL_TICKET
    )
    max_per_service_day = models.PositiveSmallIntegerField(
        _("active bookings per person, service and day"), default=1, validators=[MinValueValidator(1)]
    )
    max_active = models.PositiveSmallIntegerField(
        _("active bookings per person in this hall"), default=3, validators=[MinValueValidator(1)]
    )
    no_show_limit = models.PositiveSmallIntegerField(
        _("no-shows that suspend booking"), default=3, validators=[MinValueValidator(1)]
    )
    no_show_window_days = models.PositiveSmallIntegerField(_("counted over (days)"), default=90)
    suspension_days = models.PositiveSmallIntegerField(_("suspension (days)"), default=30)
    waitlist_offer_minutes = models.PositiveSmallIntegerField(
        _("a freed seat is held for the next on the waitlist (minutes)"),
        default=30,
        validators=[MinValueValidator(1)],
    )
    remind_day_before = models.BooleanField(_("remind the day before"), default=True)
    remind_hour_before = models.BooleanField(_("remind an hour before"), default=True)
    challenge_public = models.BooleanField(_("ask a check question on the public form"), default=True)
    max_holds_per_address = models.PositiveSmallIntegerField(
        _("seats one address may hold at once (public booking)"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
    )
    max_holds_per_phone = models.PositiveSmallIntegerField(
        _("seats one mobile number may hold at once (public booking)"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
    )
    scarce_percent = models.PositiveSmallIntegerField(
        _("a day is nearly full below this share of its seats left (%)"),
        default=20,
        validators=[MaxValueValidator(100)],
        help_text=_("0: never shorten holds."),
    )
    hold_minutes_when_scarce = models.PositiveSmallIntegerField(
        _("hold a chosen seat on a nearly full day for (minutes)"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )

    class Meta:
        verbose_name = _("appointment settings")
        verbose_name_plural = _("appointment settings")

    def __str__(self) -> str:
        return str(self.hall)


class WorkingPlan(models.Model):
    """When a service takes bookings. ``periods`` maps a weekday (0 = Monday) to its periods; the gap
    between two periods is the break. A make-up working day (调休) uses the hours of ``makeup_weekday``."""

    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="working_plans")
    service = models.OneToOneField(
        ServiceItem, on_delete=models.CASCADE, related_name="working_plan", verbose_name=_("service")
    )
    periods = models.JSONField(_("weekly hours"), default=default_periods)
    makeup_weekday = models.PositiveSmallIntegerField(
        _("a make-up working day follows the hours of"), default=0, validators=[MaxValueValidator(6)]
    )
    slot_minutes = models.PositiveSmallIntegerField(
        _("slot length (minutes)"), default=30, validators=[MinValueValidator(5), MaxValueValidator(240)]
    )
    seats_per_slot = models.PositiveSmallIntegerField(
        _("seats per slot"),
        null=True,
        blank=True,
        help_text=_("Empty: the number of counters that serve the service."),
    )
    walk_in_seats = models.PositiveSmallIntegerField(_("seats per slot kept for walk-ins"), default=0)
    horizon_days = models.PositiveSmallIntegerField(
        _("bookable days ahead"), default=7, validators=[MinValueValidator(1), MaxValueValidator(92)]
    )
    min_notice_minutes = models.PositiveIntegerField(_("minimum notice (minutes)"), default=60)
    cutoff_time = models.TimeField(
        _("daily cut-off"),
        null=True,
        blank=True,
        help_text=_("Bookings for a day close at this time on the working day before. Empty: no cut-off."),
    )
    real_name = models.BooleanField(_("real-name booking (resident ID required)"), default=False)
    active = models.BooleanField(_("takes bookings"), default=True)

    class Meta:
        ordering = ["hall", "service"]
        verbose_name = _("working plan")
        verbose_name_plural = _("working plans")

    def __str__(self) -> str:
        return f"{self.service}"


class Slot(models.Model):
    """A bookable time of one service, created when it is first booked or closed. Slots nobody touched
    exist only in the working plan."""

    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="slots")
    service = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="slots")
    day = models.DateField(_("day"))
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    capacity = models.PositiveSmallIntegerField(_("seats"))
    taken = models.PositiveSmallIntegerField(_("seats taken"), default=0)
    closed = models.BooleanField(_("closed"), default=False)
    closed_reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        ordering = ["service", "start"]
        verbose_name = _("slot")
        verbose_name_plural = _("slots")
        constraints = [
            models.UniqueConstraint(fields=["service", "start"], name="slot_unique_start"),
            models.CheckConstraint(
                condition=models.Q(taken__lte=models.F("capacity")), name="slot_never_overbooked"
            ),
        ]
        indexes = [models.Index(fields=["hall", "day"], name="slot_hall_day")]

    def __str__(self) -> str:
        return f"{self.service} {self.start:%Y-%m-%d %H:%M} {self.taken}/{self.capacity}"

    @property
    def remaining(self) -> int:
        return 0 if self.closed else max(0, self.capacity - self.taken)


class PersonalData(models.Model):
    """Name, mobile number and resident ID: encrypted, a masked hint for screens, and keyed digests to
    find a person's bookings (limits, no-shows, check-in) without decrypting anything."""

    name_encrypted = models.TextField(blank=True, default="")
    name_hint = models.CharField(_("name"), max_length=30, blank=True)
    phone_encrypted = models.TextField(blank=True, default="")
    phone_hint = models.CharField(_("mobile"), max_length=20, blank=True)
    phone_digest = models.CharField(max_length=64, blank=True, db_index=True)
    id_encrypted = models.TextField(blank=True, default="")
    id_hint = models.CharField(_("resident ID"), max_length=20, blank=True)
    id_digest = models.CharField(max_length=64, blank=True, db_index=True)

    class Meta:
        abstract = True


class Appointment(PersonalData):
    """A booking. ``public_id`` is the unguessable id of the API and the confirmation link; ``code`` is
    the short booking code read out at the kiosk."""

    public_id = models.CharField(max_length=32, unique=True, default=new_public_id, editable=False)
    code = models.CharField(_("booking code"), max_length=8, unique=True, default=new_code, editable=False)
    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="appointments")
    service = models.ForeignKey(
        ServiceItem, on_delete=models.PROTECT, related_name="appointments", verbose_name=_("service")
    )
    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="appointments")
    day = models.DateField(_("day"))
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    status = models.CharField(
        _("status"), max_length=12, choices=AppointmentStatus, default=AppointmentStatus.HELD
    )
    channel = models.CharField(
        _("channel"), max_length=10, choices=BookingChannel, default=BookingChannel.WEB
    )
    person = models.CharField(
        max_length=64,
        blank=True,
        db_index=True,
        help_text="The digest the per-person limits count by (resident ID, else mobile).",
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))
    hold_expires_at = models.DateTimeField(_("hold expires at"), null=True, blank=True)
    held_from = models.GenericIPAddressField(
        _("held from (address)"),
        null=True,
        blank=True,
        help_text=_("The address of a public hold: the caps per address count by it, the manager sees it."),
    )
    booked_at = models.DateTimeField(_("booked at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.CharField(_("cancel reason"), max_length=200, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_in_late = models.BooleanField(_("checked in late"), default=False)
    no_show_at = models.DateTimeField(_("no-show at"), null=True, blank=True)
    reminded_day_at = models.DateTimeField(null=True, blank=True)
    reminded_hour_at = models.DateTimeField(null=True, blank=True)
    reschedules = models.PositiveSmallIntegerField(_("times rescheduled"), default=0)
    ticket = models.OneToOneField(
        "queueing.Ticket", on_delete=models.SET_NULL, null=True, blank=True, related_name="appointment"
    )
    waitlist_entry = models.OneToOneField(
        "WaitlistEntry", on_delete=models.SET_NULL, null=True, blank=True, related_name="appointment"
    )
    # The customer record of a real-name booking (issue 15), like ``Ticket.customer_id``: the check-in
    # ticket inherits it. Set by the booking services through ``customers.touchpoints``.
    customer_id = models.BigIntegerField(null=True, blank=True, help_text="Customer record, when linked.")

    class Meta:
        ordering = ["start", "id"]
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        indexes = [
            models.Index(fields=["hall", "day", "status"], name="appt_hall_day_status"),
            models.Index(fields=["status", "hold_expires_at"], name="appt_status_hold"),
            models.Index(fields=["hall", "held_from", "status"], name="appt_held_from"),
            models.Index(
                fields=["customer_id", "start"],
                condition=models.Q(customer_id__isnull=False),
                name="appt_customer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.service} {self.start:%Y-%m-%d %H:%M}"


class BookingQuota(models.Model):
    """How many active bookings one person holds for one service on one day. Changed only by conditional
    upserts, so two concurrent bookings by the same person cannot both pass the limit."""

    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="+")
    service = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    person = models.CharField(max_length=64)
    active = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("booking quota")
        verbose_name_plural = _("booking quotas")
        constraints = [models.UniqueConstraint(fields=["service", "day", "person"], name="quota_unique")]

    def __str__(self) -> str:
        return f"{self.service} {self.day} {self.active}"


class WaitlistEntry(PersonalData):
    """A citizen waiting for a seat in a full slot. A freed seat becomes a held booking offered to the
    first entry in line for ``waitlist_offer_minutes``."""

    public_id = models.CharField(max_length=32, unique=True, default=new_public_id, editable=False)
    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="waitlist")
    service = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="+")
    slot = models.ForeignKey(Slot, on_delete=models.CASCADE, related_name="waitlist")
    status = models.CharField(
        _("status"), max_length=10, choices=WaitlistStatus, default=WaitlistStatus.WAITING
    )
    person = models.CharField(max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField(_("joined at"))
    offered_at = models.DateTimeField(_("offered at"), null=True, blank=True)

    class Meta:
        ordering = ["slot", "created_at", "id"]
        verbose_name = _("waitlist entry")
        verbose_name_plural = _("waitlist entries")
        constraints = [
            models.UniqueConstraint(
                fields=["slot", "person"], condition=models.Q(status="waiting"), name="waitlist_once_per_slot"
            )
        ]

    def __str__(self) -> str:
        return f"{self.slot} {self.get_status_display()}"
