"""Forms of the managers' guide pages: a guide draft (one field pair per material), a procedure, the
usage-log filters. Lists (steps, mistakes, checklists) are written one per line."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from servicehall.guides.services import MAX_TEXT

LINES = {"rows": 8}


def _lines(label):
    return forms.CharField(label=label, required=False, max_length=20000, widget=forms.Textarea(attrs=LINES))


def _text(label, rows=3, max_length=MAX_TEXT):
    return forms.CharField(
        label=label, required=False, max_length=max_length, widget=forms.Textarea(attrs={"rows": rows})
    )


class GuideForm(forms.Form):
    """The draft's texts; ``check_<id>`` / ``check_en_<id>`` fields are added per material check."""

    steps = _lines(_("Steps (one per line)"))
    steps_en = _lines(_("Steps in English (one per line)"))
    mistakes = _lines(_("Common mistakes (one per line)"))
    mistakes_en = _lines(_("Common mistakes in English (one per line)"))
    legal_basis = _text(_("Legal basis"))
    legal_basis_en = _text(_("Legal basis in English"))
    collection_note = _text(_("Why the item needs these personal fields"))
    collection_note_en = _text(_("Why the item needs these personal fields, in English"))
    note = forms.CharField(label=_("What changed in this version"), required=False, max_length=200)

    def __init__(self, *args, checks=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.checks = list(checks)
        for c in self.checks:
            self.fields[f"check_{c.pk}"] = _text(c.material_name, rows=3, max_length=1000)
            self.fields[f"check_en_{c.pk}"] = _text(_("In English"), rows=3, max_length=1000)

    def check_rows(self):
        """(material check, Chinese field, English field) for the template."""
        return [(c, self[f"check_{c.pk}"], self[f"check_en_{c.pk}"]) for c in self.checks]

    def service_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if not k.startswith("check_")}
        data["checks"] = {
            str(c.pk): {
                "points": self.cleaned_data[f"check_{c.pk}"],
                "points_en": self.cleaned_data[f"check_en_{c.pk}"],
            }
            for c in self.checks
        }
        return data


class ProcedureForm(forms.Form):
    code = forms.SlugField(label=_("Procedure code"), max_length=40)
    title = forms.CharField(label=_("Title"), max_length=80)
    title_en = forms.CharField(label=_("Title in English"), max_length=160, required=False)
    title_zh_hant = forms.CharField(
        label=_("Title in traditional Chinese (blank: converted)"), max_length=80, required=False
    )
    summary = forms.CharField(label=_("When to use it"), max_length=300, required=False)
    summary_en = forms.CharField(label=_("When to use it, in English"), max_length=500, required=False)
    steps = _lines(_("Checklist (one step per line)"))
    steps_en = _lines(_("Checklist in English (one step per line)"))
    position = forms.IntegerField(label=_("Order"), min_value=0, max_value=999, initial=0)
    active = forms.BooleanField(label=_("In use (shown in the console)"), required=False, initial=True)


def _date(label):
    return forms.DateField(label=label, required=False, widget=forms.DateInput(attrs={"type": "date"}))


class UseFilterForm(forms.Form):
    since = _date(_("From"))
    until = _date(_("To"))
    procedure = forms.TypedChoiceField(label=_("Procedure"), required=False, coerce=int, empty_value=None)
    counter = forms.TypedChoiceField(label=_("Window"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, procedures=(), counters=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["procedure"].choices = [("", _("All"))] + [(p.pk, p.title_local) for p in procedures]
        self.fields["counter"].choices = [("", _("All"))] + [(c.pk, c.number) for c in counters]

    def clean(self):
        data = super().clean()
        for name in ("since", "until"):
            day = data.get(name)
            if day and not datetime.date(2000, 1, 1) <= day <= datetime.date(2099, 12, 31):
                self.add_error(name, _("Choose a date between 2000 and 2099."))
        if data.get("since") and data.get("until") and data["until"] < data["since"]:
            self.add_error("until", _("The end date is before the start date."))
        return data
