"""Forms of the customer pages: the exact look-up (certificate number or mobile)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from servicehall.customers.choices import CertificateType


class LookupForm(forms.Form):
    id_type = forms.ChoiceField(label=_("Certificate type"), choices=CertificateType.choices, required=False)
    id_number = forms.CharField(label=_("Certificate number"), max_length=32, required=False)
    phone = forms.CharField(label=_("Mobile"), max_length=20, required=False)
