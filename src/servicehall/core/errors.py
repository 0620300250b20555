"""Domain errors. Services raise them; the API turns them into JSON ``{"error", "message", "fields"}``
with the status below, and pages show the message beside the field."""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    status = 400
    code = "bad_request"
    default_message = _("The request could not be processed.")

    def __init__(self, message=None, *, code: str | None = None, fields: dict | None = None):
        self.message = message if message is not None else self.default_message
        if code:
            self.code = code
        self.fields = fields or {}
        super().__init__(str(self.message))

    def field_messages(self) -> dict[str, list[str]]:
        """Each field's messages as plain text: what the API's ``fields`` carries."""
        return {k: [str(m) for m in v] for k, v in self.fields.items()}

    def form_errors(self) -> dict[str, list[str]]:
        """What a page shows beside its fields: the field messages, or the message under ``general`` when
        the error names no field (a form must never fail without saying why)."""
        return self.field_messages() or {"general": [str(self.message)]}


class BadInput(DomainError):
    """Input no field can hold (a NUL byte, a broken character, JSON nested without end): refused before
    any view reads it."""

    status = 400
    code = "bad_input"
    default_message = _(
        "The request contains characters, dates or nesting that cannot be accepted (for example a NUL "
        "byte, or a year before 1900 or after 2099). Correct them and try again."
    )


class ServerError(DomainError):
    """Not raised by services: what the site's 500 handler answers (nothing of the real error is shown)."""

    status = 500
    code = "server_error"
    default_message = _("Something went wrong on our side. Nothing was saved; please try again in a moment.")


class Unavailable(DomainError):
    """Not raised by services: the answer while the database cannot be reached (a restart, a fail-over).
    Nothing was saved; the caller should retry after ``retry_after_seconds``."""

    status = 503
    code = "unavailable"
    default_message = _("The system is busy. Please wait a moment and try again.")
    retry_after_seconds = 5


class NotAuthenticated(DomainError):
    status = 401
    code = "not_authenticated"
    default_message = _("Please sign in.")


class PermissionDenied(DomainError):
    status = 403
    code = "forbidden"
    default_message = _("You do not have permission to do this in this hall.")


class NotFound(DomainError):
    status = 404
    code = "not_found"
    default_message = _("Not found.")


class Conflict(DomainError):
    status = 409
    code = "conflict"
    default_message = _("This cannot be done in the current state.")


class Invalid(DomainError):
    status = 422
    code = "invalid"
    default_message = _("Some fields are not valid.")


class RateLimited(DomainError):
    status = 429
    code = "rate_limited"
    default_message = _("Too many requests. Please wait a moment and try again.")
