"""The hall's staffing targets and forecast settings, and the what-if simulation jobs a manager runs."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from servicehall.analytics.choices import JobStatus
from servicehall.core.models import Hall


def validate_peak_days(value) -> None:
    from django.core.exceptions import ValidationError

    if not isinstance(value, list) or len(value) > 31:
        raise ValidationError(_("A list of days of the month (1-31)."))
    for day in value:
        if not isinstance(day, int) or isinstance(day, bool) or not 1 <= day <= 31:
            raise ValidationError(_("A list of days of the month (1-31)."))


class AnalyticsSettings(models.Model):
    """What a hall manager aims at: the service level ("80% called within 15 minutes"), the longest
    average wait, the share of staffed time nobody serves (breaks), and the hall's own peak days of the
    month (social insurance, tax deadlines) the forecast learns. A hall without a row uses the defaults."""

    hall = models.OneToOneField(Hall, on_delete=models.CASCADE, related_name="analytics_settings")
    target_minutes = models.PositiveSmallIntegerField(
        _("target wait (minutes)"), default=15, validators=[MinValueValidator(1), MaxValueValidator(240)]
    )
    service_level_percent = models.PositiveSmallIntegerField(
        _("share called within the target (%)"),
        default=80,
        validators=[MinValueValidator(1), MaxValueValidator(99)],
    )
    max_average_wait_minutes = models.PositiveSmallIntegerField(
        _("longest average wait (minutes)"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(240)],
    )
    shrinkage_percent = models.PositiveSmallIntegerField(
        _("shrinkage: breaks and other time not serving (%)"),
        default=15,
        validators=[MaxValueValidator(80)],
    )
    peak_days = models.JSONField(
        _("peak days of the month"),
        default=list,
        blank=True,
        validators=[validate_peak_days],
        help_text=_("For example [15, 25]: days with more visitors (social insurance, tax deadlines)."),
    )

    class Meta:
        verbose_name = _("analytics settings")
        verbose_name_plural = _("analytics settings")

    def __str__(self) -> str:
        return f"{self.hall.code}"


class SimulationJob(models.Model):
    """A what-if scenario and its simulated answer. Simulating a day with replications takes seconds, so
    it runs beside the request (a thread, or the worker when the thread died) and the page polls its
    progress. ``result`` holds the baseline and the scenario side by side."""

    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="simulation_jobs")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(_("status"), max_length=10, choices=JobStatus, default=JobStatus.QUEUED)
    scenario = models.JSONField(_("scenario"))
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    result = models.JSONField(_("result"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True, default="")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("simulation")
        verbose_name_plural = _("simulations")
        constraints = [
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="simulation_progress_le_100")
        ]

    def __str__(self) -> str:
        return f"{self.hall_id} #{self.pk} {self.status}"
