"""Cases (办件): an application for a service item that moves through review to a result.

The case number is readable and printed on the receipt (受理回执); together with the mobile (or the ID
number) it was given with, it lets the citizen follow the case (compared by keyed digest: the number
alone reveals nothing). The form answers are personal: kept encrypted (``core.crypto``), with the form
version they were given to and a labelled copy for display. The deadline is a moment in the hall's
working days (``core.calendar``), moved on by the working days a 补正 paused it. Every ticket that served
the case is a ``CaseVisit``: the trips a citizen made, measured (最多跑一次).
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from servicehall.cases.choices import CaseChannel, CaseStatus, DeliveryMethod
from servicehall.catalog.models import ServiceItem
from servicehall.core.models import Counter, Hall


def new_public_id() -> str:
    return secrets.token_urlsafe(16)


class Case(models.Model):
    """One application (办件) with a timestamp per state, the one-time notice of what is missing, the
    decision, the delivery and the deadline."""

    public_id = models.CharField(max_length=32, unique=True, default=new_public_id, editable=False)
    number = models.CharField(_("case number"), max_length=20, unique=True)
    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="cases")
    service = models.ForeignKey(
        ServiceItem, on_delete=models.PROTECT, related_name="cases", verbose_name=_("service")
    )
    channel = models.CharField(_("channel"), max_length=10, choices=CaseChannel)
    person = models.ForeignKey(
        "customers.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("person"),
    )
    organisation = models.ForeignKey(
        "customers.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("organisation"),
    )
    phone_encrypted = models.TextField(blank=True, default="")
    phone_hint = models.CharField(_("mobile"), max_length=16, blank=True, default="")
    phone_digest = models.CharField(max_length=64, blank=True, default="", db_index=True)
    id_hint = models.CharField(_("ID number"), max_length=24, blank=True, default="")
    id_digest = models.CharField(max_length=64, blank=True, default="", db_index=True)
    answers_encrypted = models.TextField(blank=True, default="")
    labelled_encrypted = models.TextField(blank=True, default="")
    form_version_id = models.BigIntegerField(_("form version"), null=True, blank=True)
    # The e-form (eforms.FilledForm code) an online application was sent from: one form, one application.
    form_code = models.CharField(_("form code"), max_length=8, blank=True, default="")
    materials = models.JSONField(_("materials checklist"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=CaseStatus, default=CaseStatus.SUBMITTED)
    submitted_at = models.DateTimeField(_("submitted at"))
    prereviewed_at = models.DateTimeField(_("pre-reviewed at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )
    counter = models.ForeignKey(
        Counter,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted at window"),
    )
    review_started_at = models.DateTimeField(_("review started at"), null=True, blank=True)
    materials_requested_at = models.DateTimeField(_("materials requested at"), null=True, blank=True)
    materials_supplied_at = models.DateTimeField(_("materials supplied at"), null=True, blank=True)
    notice = models.JSONField(_("one-time notice: what is missing"), default=list, blank=True)
    notice_note = models.CharField(_("note to the applicant"), max_length=500, blank=True, default="")
    paused_working_days = models.PositiveSmallIntegerField(_("working days paused"), default=0)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    rejected_at = models.DateTimeField(_("rejected at"), null=True, blank=True)
    reject_reason = models.CharField(_("legal reason"), max_length=500, blank=True, default="")
    ready_at = models.DateTimeField(_("result ready at"), null=True, blank=True)
    collect_counter = models.ForeignKey(
        Counter,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("collect at window"),
    )
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    delivery_method = models.CharField(
        _("delivery"), max_length=12, choices=DeliveryMethod, blank=True, default=""
    )
    tracking_number = models.CharField(_("postal tracking number"), max_length=40, blank=True, default="")
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    due_at = models.DateTimeField(_("promised by"))
    legal_due_at = models.DateTimeField(_("legal deadline"))
    # The deadline sweep's marks (each once per deadline: cleared when 补正 moves the deadline on).
    reminded_at = models.DateTimeField(_("due-soon reminder at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("overdue escalation at"), null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["form_code"], condition=~models.Q(form_code=""), name="case_one_per_filled_form"
            )
        ]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            models.Index(fields=["hall", "status", "due_at"], name="case_due"),
            models.Index(fields=["hall", "submitted_at"], name="case_hall_at"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def decided_at(self):
        return self.approved_at or self.rejected_at


class CaseVisit(models.Model):
    """A trip to the hall that served the case: a ticket (an appointment check-in issues one too)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="visits")
    ticket = models.OneToOneField(
        "queueing.Ticket", on_delete=models.CASCADE, related_name="case_visit", verbose_name=_("ticket")
    )
    at = models.DateTimeField(_("visited at"))

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")

    def __str__(self) -> str:
        return f"{self.case_id}:{self.ticket_id}"


class CaseAttachment(models.Model):
    """A file of the case (a material uploaded by the applicant or staff, or the electronic certificate),
    its type checked by content, kept under ``VAR_DIR/media/cases`` with a random name; served only to the
    hall's staff or to the applicant proving the case number and mobile (``attachments``)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    certificate = models.BooleanField(_("electronic certificate"), default=False)
    stored_name = models.CharField(max_length=64, unique=True, editable=False)
    original_name = models.CharField(_("file name"), max_length=120)
    content_type = models.CharField(max_length=40)
    size_bytes = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded at"))
    by_applicant = models.BooleanField(_("uploaded by the applicant"), default=False)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("case attachment")
        verbose_name_plural = _("case attachments")

    def __str__(self) -> str:
        return self.original_name
