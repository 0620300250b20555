"""A clerk's profile in a hall (department, photo for the window), skills per service item that decide
what the clerk may call, the hall's staff settings, and the weekly rota.

Skills are what a window calls in practice: a counter session offers the services both the counter
serves and the signed-in clerk is qualified for (``staff.selectors.callable_services``)."""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from servicehall.catalog.models import Department, ServiceItem
from servicehall.core.models import Counter, Hall
from servicehall.staff.choices import HalfDay, LearningRule, RotaKind, SkillLevel


def new_photo_key() -> str:
    return secrets.token_urlsafe(12)


class StaffSettings(models.Model):
    """What a hall manager decides about staff. A hall without a row uses these defaults (skills
    enforced); migration 0002 wrote a row with ``enforce_skills=False`` for each hall that existed
    before skills did, so those halls call exactly as before until their manager turns it on."""

    hall = models.OneToOneField(Hall, on_delete=models.CASCADE, related_name="staff_settings")
    enforce_skills = models.BooleanField(
        _("windows call only what the clerk is qualified for"),
        default=True,
        help_text=_("Takes effect once the hall has recorded at least one skill."),
    )
    learning_rule = models.CharField(
        _("clerks still learning an item"),
        max_length=20,
        choices=LearningRule,
        default=LearningRule.NEVER,
    )
    show_clerk = models.BooleanField(
        _("show the clerk's name and staff number at the window (亮证上岗)"), default=True
    )
    show_photo = models.BooleanField(_("show the clerk's photo at the window"), default=False)

    class Meta:
        verbose_name = _("staff settings")
        verbose_name_plural = _("staff settings")

    def __str__(self) -> str:
        return f"{self.hall.code}"


class StaffProfile(models.Model):
    """A member of staff as a hall knows them: department, photo shown at the window, whether they still
    work here. Deactivating keeps the account and all history (tickets, audit) but ends sign-in."""

    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="staff_profiles")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profiles"
    )
    department = models.ForeignKey(
        Department, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("department")
    )
    # Re-encoded by Pillow to a small JPEG (no EXIF), so the stored bytes are always a clean image.
    photo = models.BinaryField(_("photo"), null=True, blank=True, editable=False)
    photo_key = models.CharField(max_length=32, default=new_photo_key, unique=True, editable=False)
    deactivated_at = models.DateTimeField(_("deactivated at"), null=True, blank=True)
    # The work mobile the hall texts about this clerk's training (a certificate about to expire): stored
    # encrypted like every phone number here, shown masked (``mobile_hint``) everywhere.
    mobile_encrypted = models.TextField(_("mobile (encrypted)"), blank=True, default="", editable=False)
    mobile_hint = models.CharField(_("mobile"), max_length=20, blank=True, default="", editable=False)

    class Meta:
        ordering = ["hall", "user__username"]
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")
        constraints = [models.UniqueConstraint(fields=["hall", "user"], name="staffprofile_unique")]

    def __str__(self) -> str:
        return f"{self.hall.code} {self.user}"


class Skill(models.Model):
    """A clerk's qualification for one service item of a hall, who granted it and when (the audit trail
    keeps every change). No row: the clerk may not serve the item where the hall enforces skills."""

    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="skills")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="skills")
    item = models.ForeignKey(
        ServiceItem, on_delete=models.CASCADE, related_name="skills", verbose_name=_("service")
    )
    level = models.CharField(_("level"), max_length=12, choices=SkillLevel)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("granted by"),
    )
    granted_by_label = models.CharField(_("granted by"), max_length=150, blank=True)
    granted_at = models.DateTimeField(_("granted at"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        ordering = ["hall", "user", "item__code"]
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        constraints = [models.UniqueConstraint(fields=["hall", "user", "item"], name="skill_unique")]
        indexes = [models.Index(fields=["hall", "user", "level"], name="skill_lookup")]

    def __str__(self) -> str:
        return f"{self.user} {self.item.code} {self.level}"


class RotaEntry(models.Model):
    """One half-day of one clerk in the weekly plan: at a counter, or on leave."""

    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="rota_entries")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rota_entries")
    date = models.DateField(_("date"))
    half = models.CharField(_("half-day"), max_length=2, choices=HalfDay)
    kind = models.CharField(_("kind"), max_length=8, choices=RotaKind, default=RotaKind.WORK)
    counter = models.ForeignKey(
        Counter, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("counter")
    )

    class Meta:
        ordering = ["hall", "date", "half", "counter__number"]
        verbose_name = _("rota entry")
        verbose_name_plural = _("rota entries")
        constraints = [
            models.UniqueConstraint(fields=["hall", "user", "date", "half"], name="rota_one_place_per_half"),
            models.UniqueConstraint(
                fields=["counter", "date", "half"],
                condition=models.Q(counter__isnull=False),
                name="rota_one_clerk_per_counter",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(kind="work", counter__isnull=False)
                    | models.Q(kind="leave", counter__isnull=True)
                ),
                name="rota_work_has_counter",
            ),
        ]
        indexes = [models.Index(fields=["hall", "date"], name="rota_day")]

    def __str__(self) -> str:
        return f"{self.date} {self.half} {self.user} {self.counter or self.kind}"
