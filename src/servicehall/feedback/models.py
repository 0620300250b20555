"""Feedback from citizens (在线留言、投诉、建议、表扬、咨询) and its deadline-driven handling.

An item is tracked by its short ``code`` plus the mobile number it was left with (encrypted, found by a
keyed digest); staff see the full record, except that the member of staff a complaint is about never
sees who complained (``selectors.item_for_staff``). Deadlines are moments computed in the hall's working
days (``core.calendar.add_working_days``) when the item arrives.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from servicehall.catalog.models import ServiceItem
from servicehall.core.models import Counter, Hall
from servicehall.feedback.choices import (
    FeedbackChannel,
    FeedbackStatus,
    FeedbackType,
    HandlingRating,
    Subject,
)

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


def new_public_id() -> str:
    return secrets.token_urlsafe(16)


def default_answer_days() -> dict:
    return {"complaint": 5, "suggestion": 10, "message": 5, "praise": 10, "consultation": 3}


class FeedbackSettings(models.Model):
    """A hall's deadlines in working days (acknowledge, answer per type) and the reminder lead."""

    hall = models.OneToOneField(Hall, on_delete=models.CASCADE, related_name="feedback_settings")
    ack_working_days = models.PositiveSmallIntegerField(_("acknowledge within (working days)"), default=1)
    answer_working_days = models.JSONField(
        _("answer within (working days, per type)"), default=default_answer_days
    )
    remind_working_days = models.PositiveSmallIntegerField(
        _("remind this many working days before"), default=1
    )

    class Meta:
        verbose_name = _("feedback settings")
        verbose_name_plural = _("feedback settings")

    def __str__(self) -> str:
        return str(self.hall)

    def answer_days(self, kind: str) -> int:
        return int((self.answer_working_days or {}).get(kind) or default_answer_days()[kind])


class FeedbackItem(models.Model):
    """One message, complaint, suggestion, praise or consultation, with every step timestamped."""

    public_id = models.CharField(max_length=32, unique=True, default=new_public_id, editable=False)
    code = models.CharField(_("tracking code"), max_length=8, unique=True, default=new_code, editable=False)
    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="feedback_items")
    type = models.CharField(_("type"), max_length=20, choices=FeedbackType)
    subject = models.CharField(_("about"), max_length=20, choices=Subject, default=Subject.HALL)
    subject_counter = models.ForeignKey(
        Counter, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("window")
    )
    subject_clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("member of staff concerned"),
    )
    subject_service = models.ForeignKey(
        ServiceItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("service"),
    )
    text = models.TextField(_("text"), max_length=2000)
    channel = models.CharField(
        _("channel"), max_length=10, choices=FeedbackChannel, default=FeedbackChannel.WEB
    )
    external_no = models.CharField(_("12345 hotline number"), max_length=40, blank=True, default="")
    person = models.ForeignKey(
        "customers.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="feedback_items"
    )
    phone_encrypted = models.TextField(blank=True, default="")
    phone_hint = models.CharField(_("mobile"), max_length=16, blank=True, default="")
    phone_digest = models.CharField(max_length=64, blank=True, default="", db_index=True)
    # The mobile is proved by a 6-digit code texted to it (``verification``): until then the item is
    # handled but marked unverified, and nothing more is texted to the number.
    phone_verified_at = models.DateTimeField(_("mobile verified at"), null=True, blank=True)
    otp_digest = models.CharField(max_length=64, blank=True, default="")
    otp_expires_at = models.DateTimeField(null=True, blank=True)
    otp_attempts = models.PositiveSmallIntegerField(default=0)
    ticket = models.ForeignKey(
        "queueing.Ticket", on_delete=models.SET_NULL, null=True, blank=True, related_name="feedback_items"
    )
    status = models.CharField(
        _("status"), max_length=15, choices=FeedbackStatus, default=FeedbackStatus.RECEIVED
    )
    received_at = models.DateTimeField(_("received at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    rejected_at = models.DateTimeField(_("rejected at"), null=True, blank=True)
    reject_reason = models.CharField(_("reason"), max_length=300, blank=True, default="")
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned to"),
    )
    department = models.CharField(_("department"), max_length=100, blank=True, default="")
    investigating_at = models.DateTimeField(_("investigation started at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    reply = models.TextField(_("reply"), max_length=2000, blank=True, default="")
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)
    handling_rating = models.CharField(
        _("rating of the handling"), max_length=12, choices=HandlingRating, blank=True
    )
    reopen_count = models.PositiveSmallIntegerField(default=0)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    merged_at = models.DateTimeField(_("merged at"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)
    transferred_at = models.DateTimeField(_("transferred at"), null=True, blank=True)
    transferred_from = models.ForeignKey(
        Hall,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("transferred from"),
    )
    transfer_reason = models.CharField(_("reason for the transfer"), max_length=300, blank=True, default="")
    ack_due_at = models.DateTimeField(_("acknowledge by"))
    answer_due_at = models.DateTimeField(_("answer by"))
    reminded_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("feedback item")
        verbose_name_plural = _("feedback items")
        indexes = [
            models.Index(fields=["hall", "status", "answer_due_at"], name="feedback_due"),
            models.Index(fields=["hall", "received_at"], name="feedback_hall_at"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.get_type_display()}"


class FeedbackAttachment(models.Model):
    """A photo (PNG/JPEG) or PDF left with an item, its type checked by content. The file lives outside
    the static files under ``VAR_DIR/media/feedback`` with a random name; only the staff who may see the
    item's complainant download it (``attachments.attachment_open``, audited)."""

    item = models.ForeignKey(FeedbackItem, on_delete=models.CASCADE, related_name="attachments")
    stored_name = models.CharField(max_length=64, unique=True, editable=False)
    original_name = models.CharField(_("file name"), max_length=120)
    content_type = models.CharField(max_length=40)
    size_bytes = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name
