"""Forms of the staff administration pages. Each is parsed here and handed to one service; a refusal of
the service comes back beside the same fields."""

from django import forms
from django.utils.translation import gettext_lazy as _

from servicehall.core.choices import CounterKind, DeviceKind, Role
from servicehall.staff.choices import LearningRule

ROLE_CHOICES = [(Role.CLERK, Role.CLERK.label), (Role.EVALUATOR, Role.EVALUATOR.label)]


class StaffCreateForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    display_name = forms.CharField(label=_("Name"), max_length=60)
    staff_number = forms.CharField(label=_("Staff number"), max_length=12, required=False)
    department = forms.TypedChoiceField(label=_("Department"), coerce=int, required=False, empty_value=None)
    role = forms.ChoiceField(label=_("Role"), choices=ROLE_CHOICES)
    mobile = forms.CharField(
        label=_("Work mobile (for training notices; optional)"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )

    def __init__(self, *args, departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [("", "—"), *[(d.pk, d.name_local) for d in departments]]


class StaffProfileForm(forms.Form):
    display_name = forms.CharField(label=_("Name"), max_length=60)
    staff_number = forms.CharField(label=_("Staff number"), max_length=12, required=False)
    department = forms.TypedChoiceField(label=_("Department"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [("", "—"), *[(d.pk, d.name_local) for d in departments]]


class MobileForm(forms.Form):
    """A clerk's work mobile: typed anew (the saved one is only ever shown masked); empty clears it."""

    mobile = forms.CharField(
        label=_("Work mobile"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )


class PhotoForm(forms.Form):
    photo = forms.FileField(label=_("Photo (PNG or JPEG, at most 2 MB)"))


class RolesForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label=_("Roles"), choices=ROLE_CHOICES, widget=forms.CheckboxSelectMultiple
    )


class TokenForm(forms.Form):
    name = forms.CharField(label=_("What the token is for"), max_length=60)


class CounterForm(forms.Form):
    number = forms.CharField(label=_("Number"), max_length=10)
    name = forms.CharField(label=_("Name"), max_length=60)
    name_en = forms.CharField(label=_("English name"), max_length=80, required=False)
    floor = forms.TypedChoiceField(label=_("Floor"), coerce=int, required=False, empty_value=None)
    kind = forms.ChoiceField(label=_("Kind"), choices=CounterKind.choices)
    active = forms.BooleanField(label=_("In use"), required=False)

    def __init__(self, *args, floors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["floor"].choices = [("", "—"), *[(f.pk, f.name_local) for f in floors]]


class ItemSettingsForm(forms.Form):
    ticket_prefix = forms.CharField(label=_("Ticket prefix"), max_length=2)
    daily_cap = forms.IntegerField(label=_("Daily cap"), min_value=0, max_value=9999, required=False)
    standard_minutes = forms.IntegerField(label=_("Standard minutes"), min_value=0, max_value=480)


class DeviceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=DeviceKind.choices)
    name = forms.CharField(label=_("Name"), max_length=60)
    counter = forms.TypedChoiceField(label=_("Window"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, counters=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["counter"].choices = [
            ("", "—"),
            *[(c.pk, f"{c.number} {c.name_local}") for c in counters],
        ]


class StaffSettingsForm(forms.Form):
    enforce_skills = forms.BooleanField(
        label=_("Windows call only what the clerk is qualified for"), required=False
    )
    learning_rule = forms.ChoiceField(label=_("Clerks still learning an item"), choices=LearningRule.choices)
    show_clerk = forms.BooleanField(
        label=_("Show the clerk's name and staff number at the window"), required=False
    )
    show_photo = forms.BooleanField(label=_("Show the clerk's photo at the window"), required=False)
