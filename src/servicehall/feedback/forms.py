"""Forms of the feedback pages: leave an item, follow it (code + mobile), rate the handling, staff steps."""

from django import forms
from django.utils.translation import gettext_lazy as _

from servicehall.feedback.choices import FeedbackType, HandlingRating, Subject


class SubmitForm(forms.Form):
    type = forms.ChoiceField(label=_("Type of feedback"), choices=FeedbackType.choices)
    subject = forms.ChoiceField(label=_("What is it about?"), choices=Subject.choices, initial=Subject.HALL)
    text = forms.CharField(label=_("Your message"), max_length=2000, widget=forms.Textarea(attrs={"rows": 5}))
    phone = forms.CharField(
        label=_("Mobile number (to follow it and receive the answer)"), max_length=20, required=False
    )


class TrackForm(forms.Form):
    code = forms.CharField(label=_("Tracking code"), max_length=8)
    phone = forms.CharField(label=_("Mobile number"), max_length=20)
    rating = forms.ChoiceField(choices=HandlingRating.choices, required=False)
    otp = forms.CharField(label=_("Verification code (texted to your mobile)"), max_length=6, required=False)
    resend = forms.BooleanField(required=False)


class StepForm(forms.Form):
    action = forms.CharField(max_length=20)
    reason = forms.CharField(max_length=300, required=False)
    reply = forms.CharField(max_length=2000, required=False)
    department = forms.CharField(max_length=100, required=False)
    assignee = forms.IntegerField(required=False)
    hall = forms.CharField(max_length=32, required=False)
