"""Forms of the customer pages: the exact look-up (certificate number or mobile)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from servicehall.customers.choices import CertificateType


class LookupForm(forms.Form):
    id_type = forms.ChoiceField(label=_("Certificate type"), choices=CertificateType.choices, required=False)
    id_number = forms.CharField(label=_("Certificate number"), max_length=32, required=False)
    phone = forms.CharField(label=_("Mobile"), max_length=20, required=False)


class PeriodForm(forms.Form):
    """The statistics page's period (at most a year, ending after it starts)."""

    date_from = forms.DateField(
        label=_("From"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    date_to = forms.DateField(
        label=_("To"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and (end < start or (end - start).days > 366):
            self.add_error("date_to", _("Choose a period of at most a year, ending after it starts."))
        return data
