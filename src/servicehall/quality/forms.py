"""Forms of the quality pages. The templates write their own inputs (their names are these fields'
names); the forms parse and check what comes back."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from servicehall.quality.fuzzy import OPERATORS

RANKS = ("counter", "clerk", "service")
REPORT_FORMATS = ("pdf", "csv")


class IsoDateField(forms.Field):
    """A date typed as ISO 8601 (what ``<input type="date">`` sends); anything else is no date (the
    filter then falls back to its default instead of refusing the page)."""

    def to_python(self, value):
        try:
            return datetime.date.fromisoformat(value or "")
        except (TypeError, ValueError):
            return None


class ReportFilterForm(forms.Form):
    """The report page's filter (GET): indicator system, period, scope (one window, clerk or service item,
    from the ids the hall has), ranking, fuzzy operator and export format.

    ``today`` is the hall's date; ``units_for(date_from, date_to)`` gives the choosable units per kind
    (``{"counter": [(id, label), ...], "clerk": ..., "service": ...}``; the clerks are those who served in
    the period). A period that ends before it starts, or a unit that is not offered, is an error beside its
    field; a date that is no date, an unknown ranking or operator fall back to the defaults."""

    system = forms.CharField(required=False, strip=False)
    to = IsoDateField(required=False)
    counter = forms.CharField(required=False, strip=False)
    clerk = forms.CharField(required=False, strip=False)
    service = forms.CharField(required=False, strip=False)
    rank = forms.CharField(required=False, strip=False)
    fuzzy = forms.CharField(required=False, strip=False)
    format = forms.CharField(required=False, strip=False)

    def __init__(self, data, *, today: datetime.date, units_for):
        super().__init__(data)
        self.fields["from"] = IsoDateField(required=False)  # a Python keyword: declared here
        self.today, self.units_for = today, units_for
        self.units: dict[str, list[tuple[int, str]]] = {}

    def clean(self):
        data = super().clean()
        date_to = data.get("to") or self.today
        date_from = data.get("from") or date_to - datetime.timedelta(days=29)
        if date_from > date_to:
            self.add_error("from", _("The start is after the end."))
            date_from = date_to
        data["date_from"], data["date_to"] = date_from, date_to
        self.units = self.units_for(date_from, date_to)
        chosen = {}
        for kind, options in self.units.items():
            wanted = data.get(kind) or ""
            if not wanted:
                continue
            offered = {str(pk): pk for pk, _label in options}  # compared as text: "²" is no id
            if wanted in offered:
                chosen[kind] = offered[wanted]
            else:
                self.add_error(kind, _("Choose one from the list."))
        data["units"] = chosen
        data["rank"] = data.get("rank") if data.get("rank") in RANKS else "counter"
        data["operator"] = data.get("fuzzy") if data.get("fuzzy") in OPERATORS else None
        return data

    def filters(self) -> dict:
        """The cleaned filter, also when some field was refused (the page still shows a report)."""
        self.is_valid()
        return self.cleaned_data


def _positive(value: float | None) -> None:
    if value is not None and not value > 0:
        raise ValidationError(_("Give a positive number on Saaty's scale (1/9 to 9)."), code="min_value")


class AhpJudgementForm(forms.Form):
    """One expert's pairwise comparisons of a node's children on the indicator-system page: ``parent``
    (the node's code; empty: the dimensions) and ``a_<i>_<j>`` for every pair i < j of its ``size``
    children, the value on Saaty's scale of child i against child j (empty: 1, equally important). The
    consistency check is the service's (``judgement_submit``)."""

    parent = forms.CharField(required=False)

    def __init__(self, data, *, size: int = 0):
        super().__init__(data)
        self.size = size
        for i, j in self.pairs():
            self.fields[f"a_{i}_{j}"] = forms.FloatField(required=False, validators=[_positive])

    def pairs(self) -> list[tuple[int, int]]:
        return [(i, j) for i in range(self.size) for j in range(i + 1, self.size)]

    def matrix(self) -> list[list[float]]:
        """The reciprocal matrix of the cleaned comparisons (call after ``is_valid()``)."""
        matrix = [[1.0] * self.size for _k in range(self.size)]
        for i, j in self.pairs():
            value = self.cleaned_data.get(f"a_{i}_{j}") or 1.0
            matrix[i][j], matrix[j][i] = value, 1 / value
        return matrix


class TagsField(forms.Field):
    """Every value of a repeated field (checkboxes), the first ten."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        return [str(v) for v in (value or [])][:10]


class RatingForm(forms.Form):
    """The five levels, reason tags and a comment, as the pad, kiosk and phone pages post them. What the
    rating service refuses (an unknown level, a bad level without a reason, an unknown tag) it refuses
    beside the field, so this form only reads: a level that is no number is 0, for the service to say
    which levels there are."""

    level = forms.CharField(required=False)
    tags = TagsField(required=False)
    comment = forms.CharField(required=False, strip=False)

    def clean_level(self) -> int:
        try:
            return int(self.cleaned_data.get("level") or 0)
        except ValueError:
            return 0

    def clean_comment(self) -> str:
        return (self.cleaned_data.get("comment") or "")[:500]

    def values(self) -> dict:
        """``level``, ``tags`` and ``comment`` as ``rating_submit`` takes them."""
        self.is_valid()
        return {k: self.cleaned_data.get(k, d) for k, d in (("level", 0), ("tags", []), ("comment", ""))}


class ArchiveFilterForm(forms.Form):
    """The case archive's filter (GET): the days a case closed, the rated window, the responsible clerk,
    how it ended and whether it closed after its deadline. ``counters`` and ``clerks`` are the hall's
    ``(id, label)`` choices; a value not offered, or a period that ends before it starts, is an error beside
    its field (400), never a 500."""

    date_from = IsoDateField(required=False)
    date_to = IsoDateField(required=False)
    counter = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    clerk = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    outcome = forms.ChoiceField(required=False)
    overdue = forms.ChoiceField(required=False, choices=[("", ""), ("yes", ""), ("no", "")])

    def __init__(self, data, *, counters, clerks, outcomes):
        super().__init__(data)
        self.fields["counter"].choices = [("", "")] + [(str(k), v) for k, v in counters]
        self.fields["clerk"].choices = [("", "")] + [(str(k), v) for k, v in clerks]
        self.fields["outcome"].choices = [("", ""), *outcomes]

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The period ends before it starts."))
        return data

    def filters(self) -> dict:
        """The selector's keyword arguments (call after ``is_valid``)."""
        data = self.cleaned_data
        return {
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
            "counter_id": data.get("counter"),
            "clerk_id": data.get("clerk"),
            "outcome": data.get("outcome") or "",
            "overdue": {"yes": True, "no": False}.get(data.get("overdue") or ""),
        }
