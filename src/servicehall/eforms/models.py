"""Electronic forms (电子填报): a hall's form per service item, its versions, and the forms citizens fill.

The form itself is data (``FormVersion.definition``: sections of typed fields with labels in three
languages, checked against ``schema.DEFINITION_SCHEMA``), so a manager changes it in the browser without
a release. Answers keep the version they were given to (``FilledForm.version`` is protected), so a form
filled last week still reads and prints with last week's labels after a new version is published.
Answers are personal data: stored encrypted (``core.crypto``), found by a short code plus the mobile's
keyed digest, the way feedback items are.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from servicehall.catalog.models import ServiceItem
from servicehall.core.models import Hall
from servicehall.eforms.choices import Channel, FilledStatus, VersionStatus

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


class Form(models.Model):
    """The form of one service item in one hall: the container of its versions."""

    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="eforms")
    item = models.OneToOneField(
        ServiceItem, on_delete=models.CASCADE, related_name="eform", verbose_name=_("service item")
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["hall", "item__code"]
        verbose_name = _("electronic form")
        verbose_name_plural = _("electronic forms")

    def __str__(self) -> str:
        return f"{self.item.code} {self.item.name}"


class FormVersion(models.Model):
    """One version of a form's definition. Drafts are edited; publishing one retires the version that was
    published before (one published version per form, enforced by a constraint); a published or retired
    version never changes, because answers point to it."""

    form = models.ForeignKey(Form, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=10, choices=VersionStatus, default=VersionStatus.DRAFT)
    definition = models.JSONField(_("definition"), default=dict)
    note = models.CharField(_("what changed"), max_length=200, blank=True, default="")
    created_at = models.DateTimeField(_("created at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    updated_at = models.DateTimeField(_("updated at"))
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)

    class Meta:
        ordering = ["form", "-number"]
        verbose_name = _("form version")
        verbose_name_plural = _("form versions")
        constraints = [
            models.UniqueConstraint(fields=["form", "number"], name="eform_version_unique_number"),
            models.UniqueConstraint(
                fields=["form"],
                condition=models.Q(status="published"),
                name="eform_one_published_version",
            ),
            models.UniqueConstraint(
                fields=["form"], condition=models.Q(status="draft"), name="eform_one_draft_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.form} v{self.number}"


class FilledForm(models.Model):
    """A form filled by a citizen (phone, web, kiosk) or by the clerk at the window: the encrypted answers,
    the version they were given to, the mobile it can be resumed with (digest and mask only), and the
    ticket it came with once the citizen or the clerk gives the ticket's number."""

    code = models.CharField(_("form code"), max_length=8, unique=True, default=new_code, editable=False)
    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="filled_forms")
    version = models.ForeignKey(
        FormVersion, on_delete=models.PROTECT, related_name="filled", verbose_name=_("form version")
    )
    item = models.ForeignKey(
        ServiceItem, on_delete=models.CASCADE, related_name="filled_forms", verbose_name=_("service item")
    )
    status = models.CharField(_("status"), max_length=10, choices=FilledStatus, default=FilledStatus.DRAFT)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel, default=Channel.WEB)
    answers_encrypted = models.TextField(blank=True, default="")
    phone_hint = models.CharField(_("mobile"), max_length=16, blank=True, default="")
    phone_digest = models.CharField(max_length=64, blank=True, default="", db_index=True)
    person_id = models.BigIntegerField(null=True, blank=True, help_text="Customer record, when identified.")
    prefilled_fields = models.JSONField(_("prefilled fields"), default=list, blank=True)
    ticket = models.OneToOneField(
        "queueing.Ticket",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="filled_form",
        verbose_name=_("ticket"),
    )
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    linked_at = models.DateTimeField(_("linked to the ticket at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("filled form")
        verbose_name_plural = _("filled forms")
        indexes = [models.Index(fields=["hall", "item", "status"], name="eform_filled_item")]

    def __str__(self) -> str:
        return self.code


class FormFile(models.Model):
    """A document the citizen uploaded for a ``file`` field of their form instead of bringing it (one per
    field: a new upload replaces the old). Stored through ``core.media`` (area ``eforms``) under a random
    name; only the hall's staff read it, audited; an application made from the form gets its own copy."""

    filled = models.ForeignKey(FilledForm, on_delete=models.CASCADE, related_name="files")
    key = models.CharField(_("field"), max_length=40)
    stored_name = models.CharField(max_length=64, unique=True)
    original_name = models.CharField(_("file name"), max_length=120)
    content_type = models.CharField(max_length=40)
    size_bytes = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        ordering = ["filled", "key"]
        verbose_name = _("uploaded document")
        verbose_name_plural = _("uploaded documents")
        constraints = [models.UniqueConstraint(fields=["filled", "key"], name="eform_one_file_per_field")]

    def __str__(self) -> str:
        return f"{self.filled.code} {self.key}: {self.original_name}"
