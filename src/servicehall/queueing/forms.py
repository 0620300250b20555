"""Forms of the queue pages."""

from django import forms


class PhoneTakeForm(forms.Form):
    """Taking a number from a phone. The class is free text on purpose: the issuing service decides what
    the web channel may issue (a forged class gets the service's reason beside the field, not a generic
    "not one of the choices")."""

    priority = forms.CharField(max_length=30, required=False)
    phone = forms.CharField(max_length=20, required=False)
