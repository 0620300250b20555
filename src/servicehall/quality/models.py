"""The service-quality evaluation system: versioned indicator systems (dimensions → indicators) with
weights (direct or AHP), expert judgements, 好差评 ratings and bad-rating rectification cases, and each
hall's quality settings."""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from servicehall.catalog.models import ServiceItem
from servicehall.core.localize import pick
from servicehall.core.models import Counter, Hall
from servicehall.quality.choices import (
    ClerkCard,
    DefaultRule,
    Direction,
    IndicatorKind,
    Metric,
    RatingChannel,
    RatingLevel,
    RectificationOutcome,
    RectificationStatus,
    SystemStatus,
)

# How long a pad asks about a completed service unless the hall says otherwise: enough to tap a level, a
# reason and a few words; short enough that the next citizen at the window never finds the form of the
# one before.
PAD_TIMEOUT_SECONDS = 120


def default_reason_tags():
    """Reason tags offered per level (GB/T 39734 lists what a rating may be about); a hall may change them."""
    good = ["服务热情", "办事高效", "一次办成", "指引清楚", "环境舒适"]
    bad = ["等候时间长", "服务态度差", "材料要求不清", "多次跑腿", "办理时间长", "系统故障"]
    return {"5": good, "4": good, "3": ["一般", "有待改进"], "2": bad, "1": bad}


class QualitySettings(models.Model):
    """What a hall decides about ratings and rectification. A hall without a row uses these defaults."""

    hall = models.OneToOneField(Hall, on_delete=models.CASCADE, related_name="quality_settings")
    rating_window_days = models.PositiveSmallIntegerField(
        _("a service may be rated within (days)"), default=7, validators=[MinValueValidator(1)]
    )
    default_rule = models.CharField(
        _("when nobody rates"), max_length=10, choices=DefaultRule, default=DefaultRule.NONE
    )
    reason_tags = models.JSONField(_("reason tags per level"), default=default_reason_tags)
    revisit_working_days = models.PositiveSmallIntegerField(
        _("revisit a bad rating within (working days)"), default=1, validators=[MinValueValidator(1)]
    )
    rectify_working_days = models.PositiveSmallIntegerField(
        _("rectify within (working days)"), default=15, validators=[MinValueValidator(1)]
    )
    # The pad at a window asks about the service just completed there for this long, then goes back to
    # waiting; a pad rating posted later is refused (the citizen has gone: the next one may be at the pad).
    pad_timeout_seconds = models.PositiveSmallIntegerField(
        _("the pad asks about a completed service for (seconds)"),
        default=PAD_TIMEOUT_SECONDS,
        validators=[MinValueValidator(30), MaxValueValidator(600)],
    )
    # 亮证: the pad shows who serves at the window (name, staff number, badge). Off: nothing personal.
    pad_clerk_card = models.CharField(
        _("the pad shows the clerk"), max_length=10, choices=ClerkCard, default=ClerkCard.OFF
    )

    class Meta:
        verbose_name = _("quality settings")
        verbose_name_plural = _("quality settings")

    def __str__(self) -> str:
        return str(self.hall)


class IndicatorSystem(models.Model):
    """One version of a hall's indicator system. A published version is frozen: reports computed with it
    stay reproducible; changes go into a new draft version."""

    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="indicator_systems")
    name = models.CharField(_("name"), max_length=100)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    template = models.CharField(_("template"), max_length=30, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=SystemStatus, default=SystemStatus.DRAFT)
    ri_table = models.CharField(_("AHP random-index table"), max_length=30, default="saaty1980")
    created_at = models.DateTimeField(_("created at"))
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    based_on = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["hall", "name", "-version"]
        verbose_name = _("indicator system")
        verbose_name_plural = _("indicator systems")
        constraints = [
            models.UniqueConstraint(fields=["hall", "name", "version"], name="system_unique_version")
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class Indicator(models.Model):
    """A dimension (no parent) or an indicator under it (or a sub-indicator under an indicator).
    ``weight`` is the local weight among its siblings; global weights multiply down the tree."""

    system = models.ForeignKey(IndicatorSystem, on_delete=models.CASCADE, related_name="indicators")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=60)
    name_en = models.CharField(_("English name"), max_length=80, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=IndicatorKind)
    metric = models.CharField(_("operational metric"), max_length=30, choices=Metric, blank=True)
    direction = models.CharField(
        _("direction"), max_length=6, choices=Direction, default=Direction.HIGHER_BETTER
    )
    best = models.FloatField(_("value scoring 100"), null=True, blank=True)
    worst = models.FloatField(_("value scoring 0"), null=True, blank=True)
    items = models.JSONField(
        _("questionnaire items"),
        default=list,
        blank=True,
        help_text=_("Statements rated on the Likert scale, in Chinese (and English)."),
    )
    weight = models.FloatField(
        _("local weight"), default=0.0, validators=[MinValueValidator(0.0), MaxValueValidator(1.0)]
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["system", "position", "id"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [models.UniqueConstraint(fields=["system", "code"], name="indicator_unique_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Judgement(models.Model):
    """One expert's AHP pairwise comparisons of the children of one node (``parent`` empty: the
    dimensions), with the consistency check's result. Only consistent judgements are stored."""

    system = models.ForeignKey(IndicatorSystem, on_delete=models.CASCADE, related_name="judgements")
    parent = models.ForeignKey(Indicator, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    codes = models.JSONField(_("compared indicators"))
    matrix = models.JSONField(_("pairwise comparison matrix"))
    weights = models.JSONField(_("weights"))
    lambda_max = models.FloatField()
    ci = models.FloatField()
    cr = models.FloatField()
    ri_table = models.CharField(max_length=30)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["system", "parent", "expert"]
        verbose_name = _("AHP judgement")
        verbose_name_plural = _("AHP judgements")
        constraints = [
            models.UniqueConstraint(
                fields=["system", "parent", "expert"], name="judgement_once", nulls_distinct=False
            )
        ]

    def __str__(self) -> str:
        return f"{self.system} {self.parent or '—'} {self.expert}"


def new_rating_id() -> str:
    return secrets.token_urlsafe(12)


class Rating(models.Model):
    """A 好差评 rating of one service (one per ticket). Who rated is not recorded beyond the channel and
    the device; the clerk rated never sees more than the level, the tags and the comment."""

    public_id = models.CharField(max_length=24, unique=True, default=new_rating_id, editable=False)
    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="ratings")
    ticket = models.OneToOneField("queueing.Ticket", on_delete=models.PROTECT, related_name="rating")
    service = models.ForeignKey(ServiceItem, on_delete=models.PROTECT, related_name="+")
    counter = models.ForeignKey(Counter, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    level = models.PositiveSmallIntegerField(pgettext_lazy("rating", "level"), choices=RatingLevel)
    tags = models.JSONField(_("reasons"), default=list, blank=True)
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    channel = models.CharField(pgettext_lazy("rating", "channel"), max_length=10, choices=RatingChannel)
    is_default = models.BooleanField(_("default rating"), default=False)
    served_at = models.DateTimeField(_("served at"))
    rated_at = models.DateTimeField(_("rated at"))
    excluded = models.BooleanField(_("excluded after appeal"), default=False)

    class Meta:
        ordering = ["-rated_at"]
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        indexes = [models.Index(fields=["hall", "rated_at"], name="rating_hall_at")]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.get_level_display()}"


class Rectification(models.Model):
    """A bad rating's rectification case (差评整改): whoever handled the service answers for it
    (谁办理、谁负责), revisits the citizen, verifies, rectifies or explains, and closes."""

    rating = models.OneToOneField(Rating, on_delete=models.CASCADE, related_name="rectification")
    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="rectifications")
    department = models.CharField(_("responsible unit"), max_length=100)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible person"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=RectificationStatus, default=RectificationStatus.OPEN
    )
    opened_at = models.DateTimeField(_("opened at"))
    revisit_due = models.DateTimeField(_("revisit due"))
    rectify_due = models.DateTimeField(_("rectification due"))
    revisited_at = models.DateTimeField(_("revisited at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=RectificationOutcome, blank=True, default=""
    )
    overdue_alerted_at = models.DateTimeField(null=True, blank=True)
    log = models.JSONField(_("steps"), default=list, blank=True)
    follow_up_level = models.PositiveSmallIntegerField(
        _("follow-up rating"),
        choices=RatingLevel,
        null=True,
        blank=True,
        help_text=_("One, after the feedback."),
    )
    follow_up_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = _("rectification case")
        verbose_name_plural = _("rectification cases")
        indexes = [
            models.Index(fields=["hall", "status"], name="rect_hall_status"),
            models.Index(fields=["hall", "closed_at"], name="rect_hall_closed"),
        ]

    def __str__(self) -> str:
        return f"{self.rating} {self.get_status_display()}"

    def is_overdue(self, now) -> bool:
        """Past its revisit deadline while still waiting for the revisit, or past its rectification deadline;
        a closed case is never overdue. The office page marks it, the worker alerts the managers once."""
        if self.status == RectificationStatus.CLOSED:
            return False
        return (self.status == RectificationStatus.OPEN and self.revisit_due < now) or self.rectify_due < now


class Questionnaire(models.Model):
    """A questionnaire generated from an indicator-system version: Likert statements per subjective
    indicator (optionally SERVQUAL expectation/perception pairs and importance ratings) and free text.
    Editable as a draft; published versions are frozen so that responses always match their items."""

    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="questionnaires")
    system = models.ForeignKey(IndicatorSystem, on_delete=models.PROTECT, related_name="questionnaires")
    title = models.CharField(_("title"), max_length=100)
    title_en = models.CharField(_("English title"), max_length=100, blank=True)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    scale = models.PositiveSmallIntegerField(
        _("points on the scale"), choices=[(5, "5"), (7, "7")], default=5
    )
    servqual = models.BooleanField(_("SERVQUAL expectation and perception pairs"), default=False)
    importance = models.BooleanField(_("importance ratings"), default=False)
    items = models.JSONField(_("items"), default=list)
    status = models.CharField(_("status"), max_length=10, choices=SystemStatus, default=SystemStatus.DRAFT)
    created_at = models.DateTimeField(_("created at"))
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        ordering = ["hall", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["hall", "title", "version"], name="quality_questionnaire_version_unique"
            )
        ]
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"

    def localized_title(self, language: str) -> str:
        return pick(self.title, en=self.title_en, language=language)


class QuestionnaireResponse(models.Model):
    """One filled questionnaire, kept exactly as collected (cleaning flags, never edits)."""

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="responses")
    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="+")
    ticket = models.ForeignKey(
        "queueing.Ticket", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    channel = models.CharField(pgettext_lazy("rating", "channel"), max_length=10, choices=RatingChannel)
    device = models.ForeignKey(
        "core.Device", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answers = models.JSONField(_("answers"), default=dict)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"))
    # The one-use number of the page's signed start token: one stored response per page served, so a
    # token cannot be replayed to stuff answers (paper forms and rows from before it have none).
    nonce = models.CharField(_("start-token number"), max_length=32, null=True, blank=True, editable=False)

    class Meta:
        ordering = ["questionnaire", "submitted_at", "id"]
        verbose_name = _("questionnaire response")
        verbose_name_plural = _("questionnaire responses")
        indexes = [models.Index(fields=["questionnaire", "submitted_at"], name="response_q_at")]
        constraints = [
            models.UniqueConstraint(
                fields=["nonce"], condition=models.Q(nonce__isnull=False), name="response_nonce_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.questionnaire} #{self.pk}"


class CleaningRun(models.Model):
    """One run of the cleaning pipeline over a questionnaire's responses: its rules, counts per rule, the
    flags per response and the valid-response rate. Analyses name the run they used."""

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="cleaning_runs")
    rules = models.JSONField(_("rules"))
    counts = models.JSONField(_("responses failing each rule"))
    flags = models.JSONField(_("flags per response"), default=dict)
    total = models.PositiveIntegerField(_("responses"))
    valid = models.PositiveIntegerField(_("valid responses"))
    valid_rate = models.FloatField(_("valid-response rate"), null=True)
    created_at = models.DateTimeField(_("run at"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("cleaning run")
        verbose_name_plural = _("cleaning runs")

    def __str__(self) -> str:
        return f"{self.questionnaire} {self.created_at:%Y-%m-%d %H:%M} {self.valid}/{self.total}"
