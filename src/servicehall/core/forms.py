"""Forms of the core pages."""

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.utils.translation import gettext_lazy as _

LOCKED_MESSAGE = _(
    "Too many failed attempts from here. Sign-in is locked for a while; try again later or ask a manager."
)


def form_errors(form) -> dict[str, list[str]]:
    """A bound form's errors as ``{field: [messages]}``: the shape a service's ``Invalid`` gives, so a page
    shows both the same way, beside the field."""
    return {k: [str(m) for m in v] for k, v in form.errors.items()}


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class AuditFilterForm(forms.Form):
    action = forms.CharField(label=_("Action"), required=False, max_length=60)
    actor = forms.CharField(label=_("Actor"), required=False, max_length=150)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", _("The end date is before the start date."))
        return data


class AdminLoginForm(AdminAuthenticationForm):
    """The admin's sign-in: the same backend and lock-out as the site's; says so when locked."""

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError:
            if getattr(self.request, "login_locked", False):
                raise forms.ValidationError(LOCKED_MESSAGE, code="locked") from None
            raise
