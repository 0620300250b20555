"""Forms of the analytics pages: the what-if scenario, the staffing day and the pooling pair."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class WhatIfForm(forms.Form):
    date = forms.TypedChoiceField(label=_("Day"), coerce=str)
    arrivals_percent = forms.IntegerField(
        label=_("Change in arrivals (%)"), initial=0, min_value=-90, max_value=400
    )
    counters_open = forms.CharField(
        label=_("Counters open"),
        required=False,
        max_length=400,
        help_text=_("One number for the whole day, or one per half hour separated by commas; empty: all."),
    )
    service = forms.TypedChoiceField(
        label=_("Service whose service time changes"), required=False, coerce=str
    )
    service_time_percent = forms.IntegerField(
        label=_("Change in its service time (%)"), initial=0, min_value=-90, max_value=400
    )
    priority_per_normal = forms.IntegerField(
        label=_("Priority calls per normal call"), required=False, min_value=1, max_value=20
    )
    merge = forms.MultipleChoiceField(
        label=_("Merge into one comprehensive window"), required=False, widget=forms.CheckboxSelectMultiple
    )
    replications = forms.IntegerField(label=_("Replications"), initial=10, min_value=2, max_value=50)

    def __init__(self, *args, dates, services, intervals: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.intervals = intervals
        self.fields["date"].choices = dates
        self.fields["service"].choices = [("", "—"), *services]
        self.fields["merge"].choices = services

    def clean_counters_open(self):
        raw = self.cleaned_data["counters_open"].replace("，", ",").strip()
        if not raw:
            return None
        try:
            numbers = [int(p) for p in raw.split(",")]
        except ValueError:
            raise ValidationError(_("Whole numbers separated by commas.")) from None
        if any(not 0 <= n <= 500 for n in numbers):
            raise ValidationError(_("Between 0 and 500 counters per interval."))
        if len(numbers) == 1:
            return numbers * self.intervals
        if len(numbers) != self.intervals:
            raise ValidationError(_("Give one number per interval (%(n)s).") % {"n": self.intervals})
        return numbers

    def clean_merge(self):
        merge = self.cleaned_data["merge"]
        if len(merge) == 1:
            raise ValidationError(_("Merge at least two services."))
        return merge

    def scenario(self) -> dict:
        import datetime

        data = self.cleaned_data
        factors = {}
        if data.get("service") and data["service_time_percent"]:
            factors[data["service"]] = 1 + data["service_time_percent"] / 100
        return {
            "date": datetime.date.fromisoformat(data["date"]),
            "arrivals_factor": 1 + data["arrivals_percent"] / 100,
            "counters_open": data["counters_open"],
            "service_time_factors": factors,
            "priority_per_normal": data["priority_per_normal"],
            "merge": data["merge"],
            "replications": data["replications"],
        }


class AlertSettingsForm(forms.ModelForm):
    """The hall's alert thresholds (0 switches a rule off)."""

    class Meta:
        from servicehall.analytics.models import AlertSettings

        model = AlertSettings
        fields = [
            "wait_minutes",
            "waiting_count",
            "idle_minutes",
            "pause_minutes",
            "appointment_grace_minutes",
        ]


def _whole(text: str):
    """A posted threshold: blank → None (the hall's), digits → int, anything else kept for the service to
    refuse beside its field."""
    text = (text or "").strip()[:12]
    if not text:
        return None
    return int(text) if text.isdigit() else text


def service_rule_rows(post, items) -> tuple[list[dict], dict]:
    """The per-service threshold table as rows for ``alert_rules_set``, and what was typed per service
    (shown again when the save is refused)."""
    rows, typed = [], {}
    for item in items:
        wait, count = post.get(f"wait-{item.code}", ""), post.get(f"count-{item.code}", "")
        typed[item.code] = {"wait_minutes": wait[:12], "waiting_count": count[:12]}
        if wait.strip() or count.strip():
            rows.append({"service": item.code, "wait_minutes": _whole(wait), "waiting_count": _whole(count)})
    return rows, typed


class ChangeMarkForm(forms.Form):
    """A change the hall made, for the before/after page."""

    day = forms.DateField(label=_("Day of the change"), widget=forms.DateInput(attrs={"type": "date"}))
    title = forms.CharField(label=_("What changed"), max_length=200)
    services = forms.MultipleChoiceField(
        label=_("Services it touched (none: the whole hall, without a control)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    window_days = forms.IntegerField(
        label=_("Days compared on each side"), initial=28, min_value=7, max_value=90
    )

    def __init__(self, *args, services=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["services"].choices = list(services)
