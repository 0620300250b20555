"""Forms of the consultation pages: ask the assistant, ask a person, follow a thread, the staff's answer,
promotion to the FAQ and the FAQ editor."""

from django import forms
from django.utils.translation import gettext_lazy as _


class AskForm(forms.Form):
    question = forms.CharField(label=_("Your question"), max_length=300)


class PersonForm(forms.Form):
    question = forms.CharField(label=_("Your question"), max_length=1000, widget=forms.Textarea)
    phone = forms.CharField(label=_("Mobile number (to follow the answer)"), max_length=20)
    item = forms.CharField(max_length=64, required=False)


class TrackForm(forms.Form):
    code = forms.CharField(label=_("Consultation code"), max_length=8)
    phone = forms.CharField(label=_("Mobile number"), max_length=20)
    text = forms.CharField(label=_("Ask more"), max_length=1000, required=False)
    action = forms.CharField(max_length=12, required=False)


class AnswerForm(forms.Form):
    action = forms.CharField(max_length=12)
    text = forms.CharField(max_length=2000, required=False)
    message = forms.IntegerField(required=False, min_value=1, max_value=2**62)
    question = forms.CharField(max_length=200, required=False)
    question_en = forms.CharField(max_length=300, required=False)
    answer_en = forms.CharField(max_length=3000, required=False)


class FaqForm(forms.Form):
    item = forms.CharField(label=_("Service item"), max_length=64, required=False)
    question = forms.CharField(label=_("Question (simplified Chinese)"), max_length=200)
    question_zh_hant = forms.CharField(
        label=_("Question (traditional Chinese)"), max_length=200, required=False
    )
    question_en = forms.CharField(label=_("Question (English)"), max_length=300, required=False)
    answer = forms.CharField(label=_("Answer (simplified Chinese)"), max_length=2000, widget=forms.Textarea)
    answer_zh_hant = forms.CharField(
        label=_("Answer (traditional Chinese)"), max_length=2000, required=False, widget=forms.Textarea
    )
    answer_en = forms.CharField(
        label=_("Answer (English)"), max_length=3000, required=False, widget=forms.Textarea
    )
