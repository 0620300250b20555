"""Tickets, their daily numbering, counter sessions, the services each counter calls, and the per-hall
queue settings a manager may change."""

import hashlib
import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from servicehall.catalog.models import ServiceItem
from servicehall.core.models import Counter, Hall
from servicehall.queueing.choices import (
    DEFAULT_PRIORITY_CLASSES,
    FINAL_STATUSES,
    Channel,
    CounterState,
    Outcome,
    TicketStatus,
)


def default_priority_classes():
    # deep enough that no hall's row shares a channel list with the defaults (or with another hall)
    return [{**c, "channels": list(c["channels"])} for c in DEFAULT_PRIORITY_CLASSES]


class QueueSettings(models.Model):
    """What a hall manager decides about the queue. A hall without a row uses these defaults."""

    hall = models.OneToOneField(Hall, on_delete=models.CASCADE, related_name="queue_settings")
    allow_remote_tickets = models.BooleanField(
        _("allow tickets from phones and the web"),
        default=False,
        help_text=_("Citizens may take a number before arriving (virtual queue)."),
    )
    allow_call_specific = models.BooleanField(_("allow calling a specific ticket"), default=True)
    priority_classes = models.JSONField(_("priority classes"), default=default_priority_classes)
    priority_per_normal = models.PositiveSmallIntegerField(
        _("priority calls per normal call"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text=_("When both wait, at most this many priority tickets are called before a normal one."),
    )
    max_wait_minutes = models.PositiveSmallIntegerField(
        _("waiting ceiling (minutes)"),
        default=45,
        validators=[MinValueValidator(1)],
        help_text=_("A ticket waiting this long is called before any later ticket, whatever its class."),
    )
    recall_limit = models.PositiveSmallIntegerField(_("recalls allowed"), default=2)
    no_show_after_seconds = models.PositiveIntegerField(
        _("no-show after (seconds)"),
        default=180,
        help_text=_("A called ticket may be marked a no-show after the recalls or after this time."),
    )
    reactivate_within_minutes = models.PositiveSmallIntegerField(
        _("reactivate a no-show within (minutes)"), default=30
    )
    transfer_keeps_arrival = models.BooleanField(
        _("transferred tickets keep their arrival time"),
        default=True,
        help_text=_("Otherwise a transferred ticket goes to the back of the new queue."),
    )
    notify_near_position = models.PositiveSmallIntegerField(
        _("text “your turn is near” at this place in the queue"), default=3
    )
    default_service_minutes = models.PositiveSmallIntegerField(
        _("assumed service time without data (minutes)"), default=8, validators=[MinValueValidator(1)]
    )
    stop_issuing_minutes = models.PositiveSmallIntegerField(
        _("stop issuing before closing (minutes)"), default=0
    )
    daily_caps = models.JSONField(
        _("daily ticket caps per service"),
        default=dict,
        blank=True,
        help_text=_('For example {"SB-001": 200}.'),
    )

    class Meta:
        verbose_name = _("queue settings")
        verbose_name_plural = _("queue settings")

    def __str__(self) -> str:
        return f"{self.hall.code}"

    def priority_class(self, code: str) -> dict | None:
        return next((c for c in self.priority_classes if c.get("code") == code), None)


class TicketSequence(models.Model):
    """The last number issued for one prefix on one local day of a hall. Incremented by a single
    ``INSERT … ON CONFLICT … DO UPDATE … RETURNING`` in the issuing transaction, so numbers are unique,
    and gapless because a failed issue rolls its increment back."""

    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="+")
    prefix = models.CharField(max_length=2)
    day = models.DateField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["hall", "prefix", "day"], name="ticketseq_unique")]
        verbose_name = _("ticket sequence")
        verbose_name_plural = _("ticket sequences")

    def __str__(self) -> str:
        return f"{self.hall_id} {self.prefix} {self.day} {self.last_number}"


def new_public_id() -> str:
    return secrets.token_urlsafe(16)


def rating_code_for(public_id: str) -> str:
    """The four digits printed on the slip beside the number: typed with the number at the kiosk to rate
    the service. Anyone can read a number off the board, only the slip's holder has this code (it comes
    from the unguessable ``public_id``, so it needs no column and cannot be listed)."""
    digest = hashlib.sha256(f"rating:{public_id}".encode()).digest()
    return f"{int.from_bytes(digest[:4], 'big') % 10000:04d}"


class Ticket(models.Model):
    """A queue ticket (号). ``public_id`` is the unguessable id in tracking links and the API; ``number``
    (``A012``) is what the board shows and the voice says. ``queued_at`` orders the queue (a transfer to
    the back resets it; ``issued_at`` never changes). Durations are summed over every visit to a counter."""

    public_id = models.CharField(max_length=32, unique=True, default=new_public_id, editable=False)
    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="tickets")

    service = models.ForeignKey(
        ServiceItem, on_delete=models.PROTECT, related_name="tickets", verbose_name=_("service")
    )
    day = models.DateField(_("day"))
    prefix = models.CharField(max_length=2)
    seq = models.PositiveIntegerField()
    number = models.CharField(pgettext_lazy("ticket", "number"), max_length=8)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel)
    priority = models.CharField(_("priority class"), max_length=30, default="normal")
    is_priority = models.BooleanField(default=False)
    status = models.CharField(_("status"), max_length=20, choices=TicketStatus, default=TicketStatus.WAITING)
    counter = models.ForeignKey(
        Counter, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("counter")
    )
    target_counter = models.ForeignKey(
        Counter,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("transferred to counter"),
    )
    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    phone_encrypted = models.TextField(blank=True, default="")
    phone_hint = models.CharField(_("phone"), max_length=16, blank=True, default="")
    customer_id = models.BigIntegerField(null=True, blank=True, help_text="Customer record, when linked.")
    note = models.CharField(_("note for the next clerk"), max_length=200, blank=True, default="")
    outcome = models.CharField(_("outcome"), max_length=30, choices=Outcome, blank=True, default="")
    cancel_reason = models.CharField(_("reason"), max_length=200, blank=True, default="")
    recall_count = models.PositiveSmallIntegerField(default=0)
    transfer_count = models.PositiveSmallIntegerField(default=0)
    issued_at = models.DateTimeField(_("issued at"))
    queued_at = models.DateTimeField(_("in the queue since"))
    waiting_since = models.DateTimeField(help_text="Start of the current waiting period (for wait_seconds).")
    first_called_at = models.DateTimeField(null=True, blank=True)
    called_at = models.DateTimeField(_("called at"), null=True, blank=True)
    recalled_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(_("service started at"), null=True, blank=True)
    parked_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    no_show_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    wait_seconds = models.PositiveIntegerField(_("waiting time (s)"), null=True, blank=True)
    walk_seconds = models.PositiveIntegerField(_("walking time (s)"), null=True, blank=True)
    service_seconds = models.PositiveIntegerField(_("service time (s)"), null=True, blank=True)
    near_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["hall", "day", "queued_at", "id"]
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        constraints = [
            models.UniqueConstraint(fields=["hall", "day", "prefix", "seq"], name="ticket_unique_number"),
        ]
        indexes = [
            models.Index(
                fields=["hall", "status", "service", "is_priority", "queued_at"], name="ticket_queue"
            ),
            models.Index(fields=["target_counter", "status"], name="ticket_directed"),
            # The waiting count per service, asked inside every issue and call: only waiting rows.
            models.Index(
                fields=["hall", "service", "day"], condition=models.Q(status="waiting"), name="ticket_waiting"
            ),
            models.Index(fields=["counter", "status"], name="ticket_at_counter"),
            models.Index(fields=["hall", "day", "status"], name="ticket_day"),
            # A person's history (customers' timeline and console hint): only linked rows.
            models.Index(
                fields=["customer_id", "issued_at"],
                condition=models.Q(customer_id__isnull=False),
                name="ticket_customer",
            ),
            # Customers' people per segment: the period's linked tickets read in person order from the
            # index alone (no heap, no hash of millions of rows).
            models.Index(
                fields=["hall", "customer_id", "day"],
                condition=models.Q(customer_id__isnull=False),
                name="ticket_hall_customer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.day})"

    @property
    def rating_code(self) -> str:
        return rating_code_for(self.public_id)

    @property
    def is_final(self) -> bool:
        """Served, missed or given up: nothing more happens to it in the queue."""
        return self.status in FINAL_STATUSES


class CounterService(models.Model):
    """A service a counter calls, with its tier (``order``: lower is called first) and ``weight`` within a
    tier (a ticket's waiting time counts ``weight`` times). A counter without rows calls the services the
    catalogue lists for it, all in one tier with weight 1."""

    counter = models.ForeignKey(Counter, on_delete=models.CASCADE, related_name="queue_services")
    service = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="+")
    order = models.PositiveSmallIntegerField(_("tier"), default=1)
    weight = models.DecimalField(
        _("weight"), max_digits=4, decimal_places=2, default=1, validators=[MinValueValidator(0.1)]
    )

    class Meta:
        ordering = ["counter", "order", "service"]
        verbose_name = _("counter service")
        verbose_name_plural = _("counter services")
        constraints = [models.UniqueConstraint(fields=["counter", "service"], name="counterservice_unique")]

    def __str__(self) -> str:
        return f"{self.counter} → {self.service}"


class CounterSession(models.Model):
    """A clerk signed in at a counter, from ``opened_at`` until ``closed_at``. At most one open session per
    counter and per clerk (enforced by the database). ``priority_streak`` counts priority calls since the
    last normal call, for the interleave rule."""

    counter = models.ForeignKey(Counter, on_delete=models.CASCADE, related_name="sessions")
    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="counter_sessions"
    )
    state = models.CharField(_("state"), max_length=10, choices=CounterState, default=CounterState.OPEN)
    pause_reason = models.CharField(_("pause reason"), max_length=100, blank=True, default="")
    opened_at = models.DateTimeField(_("opened at"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # When the state last changed (pause, resume); empty means since ``opened_at``. The dashboard's
    # "paused for 25 minutes" and the long-pause alert read it.
    state_since = models.DateTimeField(_("state since"), null=True, blank=True)
    priority_streak = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = _("counter session")
        verbose_name_plural = _("counter sessions")
        constraints = [
            models.UniqueConstraint(
                fields=["counter"],
                condition=models.Q(closed_at__isnull=True),
                name="one_open_session_per_counter",
            ),
            models.UniqueConstraint(
                fields=["clerk"],
                condition=models.Q(closed_at__isnull=True),
                name="one_open_session_per_clerk",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.counter} {self.clerk} {self.opened_at:%Y-%m-%d %H:%M}"
