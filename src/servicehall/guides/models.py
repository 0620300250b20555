"""Standard operating guides (标准化指导) and special-event procedures (特殊事件操作流程).

Texts are written in simplified Chinese with an English twin (``x_en``); traditional Chinese is the
OpenCC conversion (``core.localize``). Lists of steps are JSON lists of strings, one step each.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from servicehall.core.localize import LocalizedList, LocalizedText
from servicehall.core.models import Counter, Hall, english_name_field, traditional_name_field
from servicehall.guides.choices import GuideStatus


class Guide(models.Model):
    """One version of the guide clerks follow for a service item. Versions are never edited once
    published: a change is a new draft, published over the old one (kept as superseded), so the page
    can answer which version a clerk was shown on a given day. At most one draft and one published
    version per item."""

    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(
        "catalog.ServiceItem", on_delete=models.CASCADE, related_name="+", verbose_name=_("service item")
    )
    version = models.PositiveIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=12, choices=GuideStatus, default=GuideStatus.DRAFT)
    steps = models.JSONField(_("steps to follow"), default=list, blank=True)
    steps_en = models.JSONField(_("English steps"), default=list, blank=True)
    mistakes = models.JSONField(_("common mistakes"), default=list, blank=True)
    mistakes_en = models.JSONField(_("English common mistakes"), default=list, blank=True)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    legal_basis_en = models.TextField(_("English legal basis"), blank=True)
    collection_note = models.TextField(
        _("why these personal fields"),
        blank=True,
        help_text=_("Why the item needs the personal fields it may collect (PIPL art. 6)."),
    )
    collection_note_en = models.TextField(_("English: why these personal fields"), blank=True)
    note = models.CharField(_("what changed"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"))
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    superseded_at = models.DateTimeField(_("superseded at"), null=True, blank=True)

    steps_local = LocalizedList("steps")
    mistakes_local = LocalizedList("mistakes")
    legal_basis_local = LocalizedText("legal_basis")
    collection_note_local = LocalizedText("collection_note")

    class Meta:
        ordering = ["item", "-version"]
        verbose_name = _("operating guide")
        verbose_name_plural = _("operating guides")
        constraints = [
            models.UniqueConstraint(fields=["item", "version"], name="guide_unique_version"),
            models.UniqueConstraint(
                fields=["item"], condition=models.Q(status="published"), name="guide_one_published"
            ),
            models.UniqueConstraint(
                fields=["item"], condition=models.Q(status="draft"), name="guide_one_draft"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_id} v{self.version} ({self.status})"


class MaterialCheck(models.Model):
    """What the clerk checks in one material of the item (seal, validity, names matching…). Linked to
    the catalogue's material; the name is kept so an old version still reads after the catalogue
    dropped the material."""

    guide = models.ForeignKey(Guide, on_delete=models.CASCADE, related_name="checks")
    material = models.ForeignKey(
        "catalog.Material", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    material_name = models.CharField(_("material"), max_length=120)
    material_name_en = models.CharField(_("English material name"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    points = models.TextField(_("what to check"), blank=True)
    points_en = models.TextField(_("English: what to check"), blank=True)

    material_name_local = LocalizedText("material_name")
    points_local = LocalizedText("points")

    class Meta:
        ordering = ["guide", "position", "id"]
        verbose_name = _("material check")
        verbose_name_plural = _("material checks")

    def __str__(self) -> str:
        return self.material_name


class Procedure(models.Model):
    """A special-event procedure (system failure, an agitated citizen, evacuation, assisting elderly or
    disabled citizens): a checklist a clerk opens from the console, edited by the hall's managers."""

    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="+")
    code = models.SlugField(_("code"), max_length=40)
    title = models.CharField(_("title"), max_length=80)
    title_en = english_name_field(160)
    title_zh_hant = traditional_name_field(80)
    summary = models.CharField(_("when to use it"), max_length=300, blank=True)
    summary_en = models.CharField(_("English: when to use it"), max_length=500, blank=True)
    steps = models.JSONField(_("checklist steps"), default=list, blank=True)
    steps_en = models.JSONField(_("English checklist"), default=list, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated at"))

    title_local = LocalizedText("title")
    summary_local = LocalizedText("summary")
    steps_local = LocalizedList("steps")

    class Meta:
        ordering = ["hall", "position", "id"]
        verbose_name = _("special-event procedure")
        verbose_name_plural = _("special-event procedures")
        constraints = [models.UniqueConstraint(fields=["hall", "code"], name="procedure_unique_code")]

    def __str__(self) -> str:
        return self.title


class ProcedureUse(models.Model):
    """One use of a procedure: when, at which window, by whom, what happened and how it ended. The
    ticks of the checklist stay on the clerk's screen; only how many were ticked is kept."""

    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="+")
    procedure = models.ForeignKey(
        Procedure, on_delete=models.PROTECT, related_name="uses", verbose_name=_("procedure")
    )
    counter = models.ForeignKey(
        Counter, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("window")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    used_at = models.DateTimeField(_("used at"))
    happened = models.TextField(_("what happened"), max_length=1000)
    outcome = models.CharField(_("outcome"), max_length=300, blank=True)
    ticked = models.PositiveSmallIntegerField(_("steps ticked"), default=0)
    steps_total = models.PositiveSmallIntegerField(_("steps in the checklist"), default=0)

    class Meta:
        ordering = ["-used_at", "-id"]
        verbose_name = _("procedure use")
        verbose_name_plural = _("procedure uses")
        indexes = [models.Index(fields=["hall", "used_at"], name="procedure_use_hall_at")]

    def __str__(self) -> str:
        return f"{self.procedure_id} @ {self.used_at:%Y-%m-%d %H:%M}"
