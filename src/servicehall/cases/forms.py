"""Forms of the cases pages: the citizen's look-up (case number + mobile or ID number) and steps, the
staff's step on a case, and the window's case for the ticket being served."""

from django import forms
from django.utils.translation import gettext_lazy as _

from servicehall.cases.choices import CaseAction, DeliveryMethod


class TrackForm(forms.Form):
    number = forms.CharField(label=_("Case number"), max_length=20)
    phone = forms.CharField(label=_("Mobile number"), max_length=20, required=False)
    id_number = forms.CharField(label=_("Or resident ID number"), max_length=24, required=False)
    step = forms.ChoiceField(
        choices=[("", ""), ("upload", "upload"), ("withdraw", "withdraw")], required=False
    )

    def clean(self):
        data = super().clean()
        if not data.get("phone") and not data.get("id_number"):
            self.add_error("phone", _("Enter the mobile number (or the ID number) you applied with."))
        return data


class StepForm(forms.Form):
    action = forms.ChoiceField(choices=CaseAction.choices)
    missing_other = forms.CharField(
        label=_("Other missing items (one per line)"), max_length=2000, required=False, widget=forms.Textarea
    )
    note = forms.CharField(label=_("Note to the applicant"), max_length=500, required=False)
    reason = forms.CharField(label=_("Legal reason"), max_length=500, required=False)
    method = forms.ChoiceField(
        label=_("Delivery"), choices=[("", "—"), *DeliveryMethod.choices], required=False
    )
    tracking_number = forms.CharField(label=_("Postal tracking number"), max_length=40, required=False)
    counter = forms.IntegerField(
        label=_("Collect at window"), min_value=1, max_value=2**31 - 1, required=False
    )


class WindowForm(forms.Form):
    number = forms.CharField(label=_("Existing case number"), max_length=20, required=False)
    phone = forms.CharField(label=_("Mobile number"), max_length=20, required=False)
    id_number = forms.CharField(label=_("Resident ID number"), max_length=24, required=False)


class ApplyFromFormForm(forms.Form):
    """Send a completed e-form as an online application: its code and the mobile it was left with."""

    code = forms.CharField(label=_("Form code"), max_length=8)
    phone = forms.CharField(label=_("Mobile number"), max_length=20)
