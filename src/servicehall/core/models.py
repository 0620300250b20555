"""Halls, floors, counters, accounts with per-hall roles, API and device tokens, the audit log and the
outbox of texts to citizens."""

import hashlib
import secrets
import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from servicehall.core.choices import WEEKDAYS, CounterKind, DayKind, DeviceKind, NotificationStatus, Role
from servicehall.core.localize import LocalizedText

code_validator = RegexValidator(
    r"^[a-z0-9][a-z0-9-]{1,31}$",
    _("Use 2-32 lower-case letters, digits or hyphens."),
)


def english_name_field(max_length: int):
    """The English twin of a name (``core.localize``): blank means "show the Chinese name"."""
    return models.CharField(_("English name"), max_length=max_length, blank=True)


def traditional_name_field(max_length: int):
    """An optional hand-written traditional-Chinese name, for when the OpenCC conversion of the simplified
    name reads wrong; blank means "convert"."""
    return models.CharField(
        _("name in traditional Chinese"),
        max_length=max_length,
        blank=True,
        help_text=_("Leave blank to convert the simplified name automatically."),
    )


def validate_time_zone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except Exception as exc:
        raise ValidationError(_("Unknown time zone.")) from exc


class Hall(models.Model):
    """A service hall (政务服务中心). Every permission, queue and report is scoped to one hall."""

    code = models.SlugField(_("code"), max_length=32, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=100)
    name_en = english_name_field(100)
    name_zh_hant = traditional_name_field(100)
    address = models.CharField(_("address"), max_length=200, blank=True)
    address_en = models.CharField(_("English address"), max_length=200, blank=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Asia/Shanghai", validators=[validate_time_zone]
    )
    phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    email = models.EmailField(_("contact email"), blank=True)
    active = models.BooleanField(_("active"), default=True)

    name_local = LocalizedText("name")
    address_local = LocalizedText("address")

    class Meta:
        ordering = ["code"]
        verbose_name = _("hall")
        verbose_name_plural = _("halls")

    def __str__(self) -> str:
        return self.name

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)


class OpeningHours(models.Model):
    """One opening period of a hall on a weekday; a weekday may have two (morning and afternoon)."""

    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=WEEKDAYS)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        ordering = ["hall", "weekday", "opens"]
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes__gt=models.F("opens")), name="hours_close_after_open"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}-{self.closes:%H:%M}"


class Floor(models.Model):
    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="floors")
    level = models.SmallIntegerField(_("level"))
    name = models.CharField(_("name"), max_length=60)
    name_en = english_name_field(60)
    name_zh_hant = traditional_name_field(60)

    name_local = LocalizedText("name")

    class Meta:
        ordering = ["hall", "level"]
        verbose_name = _("floor")
        verbose_name_plural = _("floors")
        constraints = [models.UniqueConstraint(fields=["hall", "level"], name="floor_unique_level")]

    def __str__(self) -> str:
        return f"{self.hall.code} {self.name}"


class Counter(models.Model):
    """A service window (窗口). ``number`` is what citizens see and hear: "请 A012 号到 3 号窗口"."""

    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="counters")
    floor = models.ForeignKey(Floor, on_delete=models.PROTECT, related_name="counters", null=True, blank=True)
    number = models.CharField(_("number"), max_length=10)
    name = models.CharField(_("name"), max_length=60)
    name_en = english_name_field(80)
    name_zh_hant = traditional_name_field(60)
    kind = models.CharField(_("kind"), max_length=20, choices=CounterKind, default=CounterKind.DEDICATED)
    active = models.BooleanField(_("active"), default=True)

    name_local = LocalizedText("name")

    class Meta:
        ordering = ["hall", "floor__level", "id"]
        verbose_name = _("counter")
        verbose_name_plural = _("counters")
        constraints = [models.UniqueConstraint(fields=["hall", "number"], name="counter_unique_number")]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    def clean(self) -> None:
        if self.floor_id and self.floor.hall_id != self.hall_id:
            raise ValidationError({"floor": _("The floor belongs to another hall.")})


class User(AbstractUser):
    """A staff account. Its powers come from ``HallMembership`` rows, one per hall and role."""

    display_name = models.CharField(_("display name"), max_length=60, blank=True)
    # 工号, shown on the window's rating pad where the hall enables it (亮证上岗): public, so never an
    # identity-card or phone number.
    staff_number = models.CharField(
        _("staff number"),
        max_length=12,
        blank=True,
        validators=[
            RegexValidator(
                r"^(?!\d{11})[A-Za-z0-9-]{1,12}$",
                _("Up to 12 letters, digits or hyphens, and not a phone number."),
            )
        ],
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.username


class HallMembership(models.Model):
    """Gives one user one role in one hall; nothing outside that hall follows from it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role)

    class Meta:
        ordering = ["hall", "role", "user"]
        verbose_name = _("hall membership")
        verbose_name_plural = _("hall memberships")
        constraints = [models.UniqueConstraint(fields=["user", "hall", "role"], name="membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.hall.code}: {self.get_role_display()}"


def hash_token(raw: str) -> str:
    """Tokens are stored only as SHA-256 digests: a leaked database does not leak working tokens."""
    return hashlib.sha256(raw.encode()).hexdigest()


def new_raw_token(prefix: str) -> str:
    return f"{prefix}_{secrets.token_urlsafe(32)}"


class ApiToken(models.Model):
    """A bearer token for the API, acting as its user with that user's hall roles."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=60, blank=True)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    hint = models.CharField(_("hint"), max_length=12, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.user} {self.hint}…"


class Device(models.Model):
    """A kiosk, display board or rating pad of one hall, authenticated by its own token."""

    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="devices")
    kind = models.CharField(_("kind"), max_length=20, choices=DeviceKind)
    name = models.CharField(_("name"), max_length=60)
    counter = models.ForeignKey(
        Counter, on_delete=models.SET_NULL, null=True, blank=True, related_name="devices"
    )
    digest = models.CharField(max_length=64, unique=True, editable=False)
    hint = models.CharField(_("hint"), max_length=12, editable=False)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_seen_at = models.DateTimeField(_("last seen at"), null=True, blank=True)

    class Meta:
        ordering = ["hall", "kind", "name"]
        verbose_name = _("device")
        verbose_name_plural = _("devices")

    def __str__(self) -> str:
        return f"{self.hall.code} {self.get_kind_display()} {self.name}"


class DevicePairing(models.Model):
    """A browser paired as a device (a kiosk, a rating pad). Its cookie carries this row's id and a secret
    whose digest is kept here, never the device's API token: a cookie copied off a kiosk opens only that
    kiosk's pages, not the API, and switching the device off or pairing it again ends it."""

    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="pairings")
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("paired at"), auto_now_add=True)

    class Meta:
        verbose_name = _("device pairing")
        verbose_name_plural = _("device pairings")

    def __str__(self) -> str:
        return f"{self.device} #{self.pk}"


class LoginFailure(models.Model):
    """One failed log-in; recent rows per username or address lock further attempts (kept in the database
    so every server process sees the same count)."""

    username = models.CharField(max_length=150, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("failed log-in")
        verbose_name_plural = _("failed log-ins")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username}"


class AuditEntry(models.Model):
    """Who did what, when, from where, with the state before and after. Append-only: nothing edits it."""

    at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(_("actor"), max_length=150)
    hall = models.ForeignKey(Hall, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    action = models.CharField(_("action"), max_length=60, db_index=True)
    object_type = models.CharField(_("object type"), max_length=60, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    ip = models.GenericIPAddressField(_("address"), null=True, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [models.Index(fields=["hall", "-at"], name="audit_hall_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_label} {self.action}"


class CalendarDay(models.Model):
    """One row of the hall's calendar table (see ``DayKind`` and ``core.calendar``): the days on which the
    hall departs from the national calendar. Every app that counts days (bookings, the queue, deadlines in
    working days) reads it through ``core.calendar``."""

    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="calendar_days")
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=10, choices=DayKind)
    name = models.CharField(_("name"), max_length=60, blank=True)

    class Meta:
        ordering = ["hall", "date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        constraints = [models.UniqueConstraint(fields=["hall", "date"], name="calendar_day_unique")]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.name}"


class Notification(models.Model):
    """One text to a citizen ("your turn is near", a waitlist offer), kept until it is delivered so that a
    failing SMS gateway delays it instead of losing it (``core.notify``): tried at once after the commit
    that caused it, then again by the worker with back-off, given up (audited) after the last attempt.
    The phone is personal data: encrypted here, masked in ``phone_hint``, and delivered or given-up rows
    are deleted after 30 days."""

    phone_encrypted = models.TextField(_("phone (encrypted)"))
    phone_hint = models.CharField(_("phone"), max_length=20, blank=True)
    text = models.TextField(_("text"))
    status = models.CharField(
        _("status"), max_length=10, choices=NotificationStatus, default=NotificationStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    failed_at = models.DateTimeField(_("failed at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("text message")
        verbose_name_plural = _("text messages")
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="notification_due")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status=NotificationStatus.SENT) | models.Q(sent_at__isnull=False),
                name="notification_sent_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.phone_hint} {self.get_status_display()}"
