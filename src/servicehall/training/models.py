"""Training (courses, sessions, materials, attendance, exams, certificates, required courses per service
item) and levels with promotion criteria. Everything belongs to one hall; the exam's correct answers live
only here and never leave the server (see ``selectors.exam_questions``)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from servicehall.catalog.models import ServiceItem
from servicehall.core.localize import LocalizedText
from servicehall.core.models import Hall, english_name_field, traditional_name_field
from servicehall.training.choices import (
    AttemptStatus,
    CertificateStatus,
    CourseCategory,
    Criterion,
    ExpiryEffect,
    NoticeKind,
    QuestionKind,
)

USER = settings.AUTH_USER_MODEL


class TrainingSettings(models.Model):
    """A hall's training policy: the yearly hours target per clerk, how early an expiring certificate
    warns, and what an expired required certificate does to the clerk's qualification."""

    hall = models.OneToOneField(Hall, on_delete=models.CASCADE, related_name="training_settings")
    annual_hours_target = models.PositiveSmallIntegerField(
        _("training hours per clerk per year"), default=40, validators=[MaxValueValidator(1000)]
    )
    warn_days = models.PositiveSmallIntegerField(
        _("warn this many days before a certificate expires"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    expiry_effect = models.CharField(
        _("when a required certificate expires"),
        max_length=10,
        choices=ExpiryEffect,
        default=ExpiryEffect.LEARNING,
    )

    class Meta:
        verbose_name = _("training settings")
        verbose_name_plural = _("training settings")

    def __str__(self) -> str:
        return str(self.hall)


class Course(models.Model):
    """A training course; with questions and ``exam_questions`` > 0 it has an exam whose pass issues a
    certificate valid for ``certificate_months`` (0: never expires)."""

    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="courses")
    code = models.SlugField(_("code"), max_length=32)
    category = models.CharField(_("category"), max_length=20, choices=CourseCategory)
    name = models.CharField(_("name"), max_length=120)
    name_en = english_name_field(120)
    name_zh_hant = traditional_name_field(120)
    hours = models.DecimalField(
        _("hours"), max_digits=5, decimal_places=1, default=2, validators=[MinValueValidator(0)]
    )
    exam_questions = models.PositiveSmallIntegerField(
        _("questions per exam"), default=0, validators=[MaxValueValidator(100)]
    )
    exam_minutes = models.PositiveSmallIntegerField(
        _("exam time limit (minutes)"), default=20, validators=[MinValueValidator(1), MaxValueValidator(240)]
    )
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (of 100)"), default=80, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    certificate_months = models.PositiveSmallIntegerField(
        _("certificate valid for (months, 0 = no expiry)"), default=12, validators=[MaxValueValidator(120)]
    )
    active = models.BooleanField(_("active"), default=True)

    name_local = LocalizedText("name")

    class Meta:
        ordering = ["hall", "category", "code"]
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        constraints = [models.UniqueConstraint(fields=["hall", "code"], name="course_code_unique")]

    def __str__(self) -> str:
        return self.name

    @property
    def has_exam(self) -> bool:
        return self.exam_questions > 0


class TrainingSession(models.Model):
    """One sitting of a course: when, who teaches, where (or online)."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField(_("starts at"))
    hours = models.DecimalField(
        _("hours"), max_digits=4, decimal_places=1, validators=[MinValueValidator(0), MaxValueValidator(24)]
    )
    trainer = models.CharField(_("trainer"), max_length=60)
    place = models.CharField(_("place"), max_length=100, blank=True)
    online = models.BooleanField(_("online"), default=False)

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")

    def __str__(self) -> str:
        return f"{self.course} {self.starts_at:%Y-%m-%d}"


class Attendance(models.Model):
    """A clerk enrolled in a session, and whether they came (hours count only when present)."""

    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="attendance")
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+", verbose_name=_("clerk"))
    present = models.BooleanField(_("present"), default=False)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [models.UniqueConstraint(fields=["session", "user"], name="attendance_unique")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.session}"


class Material(models.Model):
    """A course file (PDF or image), checked by content and stored under ``VAR_DIR/media/training`` with a
    random name; served only to the hall's staff."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="materials")
    stored_name = models.CharField(max_length=64, unique=True)
    original_name = models.CharField(_("file name"), max_length=120)
    content_type = models.CharField(max_length=40)
    size_bytes = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        ordering = ["course", "original_name"]
        verbose_name = _("course material")
        verbose_name_plural = _("course materials")

    def __str__(self) -> str:
        return self.original_name


class Question(models.Model):
    """A question of a course's bank. ``options`` are ``[{"text", "text_en", "text_zh_hant"}]``;
    ``correct`` the indexes of the right options (one for single choice and true/false)."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="questions")
    kind = models.CharField(_("kind"), max_length=12, choices=QuestionKind)
    text = models.CharField(_("question"), max_length=500)
    text_en = models.CharField(_("question in English"), max_length=500, blank=True)
    text_zh_hant = models.CharField(_("question in traditional Chinese"), max_length=500, blank=True)
    options = models.JSONField(_("options"), default=list)
    correct = models.JSONField(_("correct options"), default=list)
    active = models.BooleanField(_("active"), default=True)

    text_local = LocalizedText("text")

    class Meta:
        ordering = ["course", "id"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self) -> str:
        return self.text[:60]


class ExamAttempt(models.Model):
    """One clerk's attempt at a course's exam: the questions drawn, a deadline kept by the server, the
    answers and the score once submitted."""

    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="+")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="attempts")
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+", verbose_name=_("clerk"))
    question_ids = models.JSONField(default=list)
    answers = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=AttemptStatus, default=AttemptStatus.IN_PROGRESS
    )
    started_at = models.DateTimeField(_("started at"))
    deadline = models.DateTimeField(_("deadline"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    expired_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    passed = models.BooleanField(_("passed"), default=False)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("exam attempt")
        verbose_name_plural = _("exam attempts")
        indexes = [models.Index(fields=["user", "course", "status"], name="attempt_user_course")]

    def __str__(self) -> str:
        return f"{self.user} · {self.course} · {self.started_at:%Y-%m-%d}"


class Certificate(models.Model):
    """Issued on a passed exam; valid until ``expires_on`` (the first day it no longer counts)."""

    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="+")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="certificates")
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+", verbose_name=_("clerk"))
    attempt = models.OneToOneField(ExamAttempt, on_delete=models.SET_NULL, null=True, blank=True)
    issued_on = models.DateField(_("issued on"))
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=CertificateStatus, default=CertificateStatus.VALID
    )
    warned_at = models.DateTimeField(_("expiry warning sent at"), null=True, blank=True)
    expired_at = models.DateTimeField(_("expired at"), null=True, blank=True)
    superseded_at = models.DateTimeField(_("replaced at"), null=True, blank=True)

    class Meta:
        ordering = ["expires_on"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [
            models.UniqueConstraint(
                fields=["course", "user"],
                condition=models.Q(status="valid"),
                name="certificate_one_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.course}"


class RequiredCourse(models.Model):
    """Serving ``service`` needs a valid certificate of ``course``."""

    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="+")
    service = models.ForeignKey(
        ServiceItem, on_delete=models.CASCADE, related_name="+", verbose_name=_("service item")
    )
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="required_for")

    class Meta:
        verbose_name = _("required course")
        verbose_name_plural = _("required courses")
        constraints = [models.UniqueConstraint(fields=["service", "course"], name="required_course_unique")]

    def __str__(self) -> str:
        return f"{self.service} ← {self.course}"


class QualificationDrop(models.Model):
    """A qualification dropped to "learning" because a required certificate expired: the record kept by
    training itself (and the hint to the skills of the staff app, which the sweep also calls)."""

    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    service = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="+")
    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="drops")
    dropped_on = models.DateField(_("dropped on"))

    class Meta:
        verbose_name = _("qualification dropped")
        verbose_name_plural = _("qualifications dropped")
        constraints = [
            models.UniqueConstraint(fields=["certificate", "service"], name="drop_once_per_certificate")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.service} · {self.dropped_on}"


class TrainingNotice(models.Model):
    """A warning to a clerk or their manager (a certificate expiring or expired), shown on their training
    page; sent once per certificate and kind."""

    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(_("kind"), max_length=10, choices=NoticeKind)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("training notice")
        verbose_name_plural = _("training notices")
        constraints = [models.UniqueConstraint(fields=["certificate", "user", "kind"], name="notice_once")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_kind_display()}"


class Level(models.Model):
    """A career level of the hall (见习 → 初级 → …), ``rank`` 0 the entry level."""

    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="levels")
    rank = models.PositiveSmallIntegerField(_("rank"), validators=[MaxValueValidator(20)])
    name = models.CharField(_("name"), max_length=40)
    name_en = english_name_field(40)
    name_zh_hant = traditional_name_field(40)

    name_local = LocalizedText("name")

    class Meta:
        ordering = ["hall", "rank"]
        verbose_name = _("level")
        verbose_name_plural = _("levels")
        constraints = [models.UniqueConstraint(fields=["hall", "rank"], name="level_rank_unique")]

    def __str__(self) -> str:
        return self.name


class LevelCriterion(models.Model):
    """What reaching ``level`` requires on one measured figure (shares as 0..1)."""

    level = models.ForeignKey(Level, on_delete=models.CASCADE, related_name="criteria")
    code = models.CharField(_("criterion"), max_length=20, choices=Criterion)
    threshold = models.DecimalField(
        _("threshold"), max_digits=8, decimal_places=3, validators=[MinValueValidator(0)]
    )

    class Meta:
        ordering = ["level", "id"]
        verbose_name = _("level criterion")
        verbose_name_plural = _("level criteria")
        constraints = [models.UniqueConstraint(fields=["level", "code"], name="criterion_once_per_level")]

    def __str__(self) -> str:
        return f"{self.level}: {self.get_code_display()} {self.threshold}"


class ClerkLevel(models.Model):
    """A clerk's level in a hall since a day; without a row the clerk is at the entry level."""

    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    level = models.ForeignKey(Level, on_delete=models.PROTECT, related_name="+")
    since = models.DateField(_("since"))

    class Meta:
        verbose_name = _("clerk's level")
        verbose_name_plural = _("clerks' levels")
        constraints = [models.UniqueConstraint(fields=["hall", "user"], name="clerk_level_unique")]

    def __str__(self) -> str:
        return f"{self.user} · {self.level}"
