"""Forms of the training pages; each POST of a page is one of them. The services check the rest (another
hall's clerk, a question's options) and their errors are shown beside the field."""

from django import forms
from django.utils.translation import gettext_lazy as _

from servicehall.training.choices import CourseCategory, Criterion, ExpiryEffect, QuestionKind

COURSE_DEFAULTS = {
    "hours": 2,
    "exam_questions": 0,
    "exam_minutes": 20,
    "pass_mark": 80,
    "certificate_months": 12,
}


class CourseForm(forms.Form):
    code = forms.SlugField(label=_("Course code"), max_length=32)
    category = forms.ChoiceField(label=_("Category"), choices=CourseCategory.choices)
    name = forms.CharField(label=_("Name (simplified Chinese)"), max_length=120)
    name_en = forms.CharField(label=_("Name (English)"), max_length=120, required=False)
    name_zh_hant = forms.CharField(label=_("Name (traditional Chinese)"), max_length=120, required=False)
    hours = forms.DecimalField(label=_("Hours"), min_value=0, max_value=999, decimal_places=1)
    exam_questions = forms.IntegerField(
        label=_("Questions per exam (0: no exam)"), min_value=0, max_value=100
    )
    exam_minutes = forms.IntegerField(label=_("Exam time limit (minutes)"), min_value=1, max_value=240)
    pass_mark = forms.IntegerField(label=_("Pass mark (of 100)"), min_value=1, max_value=100)
    certificate_months = forms.IntegerField(
        label=_("Certificate valid for (months, 0: no expiry)"), min_value=0, max_value=120
    )


class SessionForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=_("Starts at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    hours = forms.DecimalField(label=_("Hours"), min_value=0, max_value=24, decimal_places=1)
    trainer = forms.CharField(label=_("Trainer"), max_length=60)
    place = forms.CharField(label=_("Place"), max_length=100, required=False)
    online = forms.BooleanField(label=_("Online"), required=False)


class AttendanceForm(forms.Form):
    session = forms.IntegerField(min_value=1, max_value=2**62)
    user = forms.IntegerField(label=_("Clerk"), min_value=1, max_value=2**62)
    present = forms.BooleanField(label=_("Present"), required=False)


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=QuestionKind.choices)
    text = forms.CharField(label=_("Question (simplified Chinese)"), max_length=500)
    text_en = forms.CharField(label=_("Question (English)"), max_length=500, required=False)
    options = forms.CharField(
        label=_("Options, one per line (not needed for true/false)"),
        max_length=1600,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    correct = forms.CharField(
        label=_("Correct options (numbers from 1, comma-separated; true/false: 1 = true)"), max_length=20
    )

    def clean_correct(self):
        parts = [p.strip() for p in self.cleaned_data["correct"].replace("，", ",").split(",") if p.strip()]
        if not parts or not all(p.isdigit() and len(p) < 3 for p in parts):
            raise forms.ValidationError(_("Give the numbers of the correct options, e.g. 1 or 1,3."))
        return [int(p) - 1 for p in parts]

    def clean_options(self):
        return [line.strip() for line in self.cleaned_data["options"].splitlines() if line.strip()]


class MaterialForm(forms.Form):
    file = forms.FileField(label=_("File (PDF or PNG, up to 10 MB)"))


class RequiredForm(forms.Form):
    services = forms.CharField(
        label=_("Service items that require this course (codes, comma-separated)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_services(self):
        return [c.strip() for c in self.cleaned_data["services"].replace("，", ",").split(",") if c.strip()]


class SettingsForm(forms.Form):
    annual_hours_target = forms.IntegerField(
        label=_("Training hours per clerk per year"), min_value=0, max_value=1000
    )
    warn_days = forms.IntegerField(
        label=_("Warn days before a certificate expires"), min_value=1, max_value=365
    )
    expiry_effect = forms.ChoiceField(
        label=_("When a required certificate expires"), choices=ExpiryEffect.choices
    )


class LevelForm(forms.Form):
    rank = forms.IntegerField(label=_("Rank (0: entry level)"), min_value=0, max_value=20)
    name = forms.CharField(label=_("Name (simplified Chinese)"), max_length=40)
    name_en = forms.CharField(label=_("Name (English)"), max_length=40, required=False)


class CriteriaForm(forms.Form):
    """One optional threshold per criterion (shares in percent on the page, 0..1 in the data)."""

    level = forms.IntegerField(min_value=1, max_value=2**62)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for code, label in Criterion.choices:
            self.fields[code] = forms.DecimalField(
                label=label, required=False, min_value=0, max_value=100000, decimal_places=3
            )


class PromoteForm(forms.Form):
    username = forms.CharField(max_length=150)
    rank = forms.IntegerField(min_value=0, max_value=20)


class AnswerForm(forms.Form):
    """The exam page's answers come as ``q<id>`` fields with option indexes; read in the view."""
