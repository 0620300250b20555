"""The hall's staffing targets and forecast settings, and the what-if simulation jobs a manager runs."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from servicehall.analytics.choices import AlertKind, AlertStatus, JobStatus
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


class AlertSettings(models.Model):
    """When the live dashboard raises an alert, and whom it texts. Thresholds of 0 switch a rule off.
    ``duty_phones_encrypted`` holds the mobiles of the managers on duty (comma-separated, encrypted like
    every personal value; shown masked); an alert is texted to them once, when it opens, and, with
    ``text_managers``, to every manager of the hall who has a work mobile on their staff record."""

    hall = models.OneToOneField(Hall, on_delete=models.CASCADE, related_name="alert_settings")
    wait_minutes = models.PositiveSmallIntegerField(
        _("longest wait over (minutes)"), default=30, validators=[MaxValueValidator(600)]
    )
    waiting_count = models.PositiveSmallIntegerField(
        _("people waiting for one service over"), default=20, validators=[MaxValueValidator(5000)]
    )
    idle_minutes = models.PositiveSmallIntegerField(
        _("window idle while its services have people waiting, over (minutes)"),
        default=3,
        validators=[MaxValueValidator(240)],
    )
    pause_minutes = models.PositiveSmallIntegerField(
        _("window paused over (minutes)"), default=15, validators=[MaxValueValidator(600)]
    )
    appointment_grace_minutes = models.PositiveSmallIntegerField(
        _("checked-in appointment not called this long after its slot ended (minutes)"),
        default=10,
        validators=[MaxValueValidator(240)],
    )
    duty_phones_encrypted = models.TextField(_("mobiles on duty (encrypted)"), blank=True, default="")
    duty_phones_hint = models.CharField(_("mobiles on duty"), max_length=120, blank=True, default="")
    text_managers = models.BooleanField(
        _("also text the hall's managers at their work mobiles"),
        default=False,
        help_text=_("Each manager sets their work mobile on their training page."),
    )

    class Meta:
        verbose_name = _("alert settings")
        verbose_name_plural = _("alert settings")

    def __str__(self) -> str:
        return f"{self.hall.code}"


class ServiceAlertRule(models.Model):
    """A service's own wait and count thresholds (a busy 社保 line tolerates more people than 户籍);
    an empty value uses the hall's."""

    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="service_alert_rules")
    service = models.ForeignKey("catalog.ServiceItem", on_delete=models.CASCADE, related_name="+")
    wait_minutes = models.PositiveSmallIntegerField(
        _("longest wait over (minutes)"), null=True, blank=True, validators=[MaxValueValidator(600)]
    )
    waiting_count = models.PositiveSmallIntegerField(
        _("people waiting over"), null=True, blank=True, validators=[MaxValueValidator(5000)]
    )

    class Meta:
        verbose_name = _("service alert threshold")
        verbose_name_plural = _("service alert thresholds")
        constraints = [models.UniqueConstraint(fields=["hall", "service"], name="one_alert_rule_per_service")]

    def __str__(self) -> str:
        return f"{self.hall_id} {self.service_id}"


class Alert(models.Model):
    """One episode of a watched condition, from the sweep that saw it to the sweep that saw it clear.
    At most one open alert per hall, kind and subject (the database says so), so a condition that lasts
    an hour is one alert, texted once. Kept after it resolves, with what the managers did."""

    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(_("kind"), max_length=20, choices=AlertKind)
    subject = models.CharField(_("subject"), max_length=64)  # a service code, a window number, a booking
    subject_label = models.CharField(_("about"), max_length=200)  # in the hall's language, as opened
    status = models.CharField(_("status"), max_length=10, choices=AlertStatus, default=AlertStatus.OPEN)
    value = models.PositiveIntegerField(_("value"))  # minutes or people, as the kind says
    threshold = models.PositiveIntegerField(_("threshold"))
    peak = models.PositiveIntegerField(_("worst value"))
    # What to do, as data (drawn in the reader's language): for a queue {service, more, windows}; for an
    # appointment {service, ticket}.
    advice = models.JSONField(_("advice"), default=dict, blank=True)
    opened_at = models.DateTimeField(_("opened at"))
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    notified_at = models.DateTimeField(_("texted at"), null=True, blank=True)
    note = models.CharField(_("what was done"), max_length=500, blank=True, default="")
    noted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    noted_at = models.DateTimeField(_("noted at"), null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        constraints = [
            models.UniqueConstraint(
                fields=["hall", "kind", "subject"],
                condition=models.Q(status="open"),
                name="one_open_alert_per_subject",
            )
        ]
        indexes = [models.Index(fields=["hall", "status", "opened_at"], name="alert_hall_status")]

    def __str__(self) -> str:
        return f"{self.hall_id} {self.kind} {self.subject} {self.status}"


class ChangeMark(models.Model):
    """A change the hall made on ``day`` ("online booking for 不动产 opened", "e-forms for 营业执照", "a
    new clerk trained") and the services it touched; the before/after page compares ``window_days``
    on each side. No services listed: the whole hall changed, and there is no control."""

    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="change_marks")
    day = models.DateField(_("day of the change"))
    title = models.CharField(_("what changed"), max_length=200)
    services = models.ManyToManyField("catalog.ServiceItem", blank=True, related_name="+")
    window_days = models.PositiveSmallIntegerField(
        _("days compared on each side"), default=28, validators=[MinValueValidator(7), MaxValueValidator(90)]
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-day", "-id"]
        verbose_name = _("marked change")
        verbose_name_plural = _("marked changes")

    def __str__(self) -> str:
        return f"{self.day} {self.title}"


class HourSummary(models.Model):
    """Tickets of one closed day, hour (hall time) and service: what the hour × weekday grid and the
    trend by day read instead of the raw tickets. Derived data, rebuilt from the tickets by the worker
    (``analytics.summaries``); the raw tickets stay the truth."""

    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    hour = models.PositiveSmallIntegerField()
    service = models.ForeignKey("catalog.ServiceItem", on_delete=models.CASCADE, related_name="+")
    arrivals = models.PositiveIntegerField(default=0)
    waited = models.PositiveIntegerField(default=0)  # tickets with a measured wait
    wait_seconds = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["hall", "day", "hour", "service"], name="hoursummary_once")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.hour}h {self.service_id}: {self.arrivals}"


class DaySummary(models.Model):
    """Tickets of one closed day per service, window and clerk (``counter_id``/``clerk_id`` are the
        tickets' own ids, null for tickets never called): the sums of the history table and the histogram of
        whole waiting minutes (``{"minute": tickets}``) its 90th percentile comes from, and the tickets per
    channel. A window's clerk
        changes at most a few times a day, so a day has tens of rows where it had thousands of tickets."""

    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    service = models.ForeignKey("catalog.ServiceItem", on_delete=models.CASCADE, related_name="+")
    # as on the tickets: a deleted window or account leaves its tickets (and these rows) without one
    counter = models.ForeignKey("core.Counter", on_delete=models.SET_NULL, null=True, related_name="+")
    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    arrivals = models.PositiveIntegerField(default=0)
    served = models.PositiveIntegerField(default=0)
    no_shows = models.PositiveIntegerField(default=0)
    abandoned = models.PositiveIntegerField(default=0)
    transfers = models.PositiveIntegerField(default=0)
    appointments = models.PositiveIntegerField(default=0)
    waited = models.PositiveIntegerField(default=0)
    wait_seconds = models.BigIntegerField(default=0)
    timed = models.PositiveIntegerField(default=0)
    service_seconds = models.BigIntegerField(default=0)
    walked = models.PositiveIntegerField(default=0)  # tickets with a measured walk to the window
    walk_seconds = models.BigIntegerField(default=0)
    histogram = models.JSONField(default=dict)
    channels = models.JSONField(default=dict)  # {"kiosk": tickets, ...}

    class Meta:
        indexes = [models.Index(fields=["hall", "day"], name="daysummary_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.service_id}/{self.counter_id}/{self.clerk_id}: {self.arrivals}"


class SummaryState(models.Model):
    """How far a hall's summaries reach: every day up to ``built_through`` (a closed day) is summarised;
    the history reads later days from the raw tickets."""

    hall = models.OneToOneField(Hall, on_delete=models.CASCADE, related_name="+")
    built_through = models.DateField(null=True)
    built_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"{self.hall_id} through {self.built_through}"
