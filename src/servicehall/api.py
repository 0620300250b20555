"""The JSON API under /api/v1/: one NinjaAPI, routers from each domain app, one error shape.

Errors are ``{"error": code, "message": text in the caller's language, "fields": {...}}`` with the
right 4xx status. Callers authenticate with ``Authorization: Bearer <token>`` (an API token of a staff
account, or a device token of a kiosk or display) or with the session cookie of the staff pages, in which
case unsafe methods need the CSRF token like any form.
"""

from django.http import Http404
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer

from servicehall.core.actors import Actor, client_ip
from servicehall.core.errors import DomainError, NotAuthenticated, PermissionDenied
from servicehall.core.services import authenticate_device, authenticate_token

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class ActorAuth(HttpBearer):
    """Resolves who is calling. Never refuses by itself: endpoints decide through ``core.permissions``,
    so public endpoints can share it and still know a staff caller or a device."""

    openapi_description = "API token (sht_…) of a staff account, or device token (shd_…) of a kiosk/display"

    def __call__(self, request):
        header = request.headers.get("Authorization", "")
        ip = client_ip(request)
        if header:
            scheme, _sep, raw = header.partition(" ")
            if scheme.lower() != "bearer" or not raw.strip():
                raise NotAuthenticated(_("Use the header Authorization: Bearer <token>."))
            raw = raw.strip()
            if raw.startswith("shd_"):
                device = authenticate_device(raw)
                if device is None:
                    raise NotAuthenticated(_("The device token is not valid."), code="invalid_token")
                request.device = device
                return Actor(device=device, ip=ip)
            user = authenticate_token(raw)
            if user is None:
                raise NotAuthenticated(_("The API token is not valid."), code="invalid_token")
            request.user = user
            return Actor(user=user, ip=ip)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if request.method not in SAFE_METHODS:
                reason = CsrfViewMiddleware(lambda r: None).process_view(request, None, (), {})
                if reason is not None:
                    raise PermissionDenied(
                        _("CSRF check failed: reload the page and try again."), code="csrf_failed"
                    )
            return Actor(user=user, ip=ip)
        return Actor(ip=ip)

    def authenticate(self, request, token):  # pragma: no cover - __call__ does the work
        return None


api = NinjaAPI(
    title="ServiceHall API",
    version="1",
    description=(
        "Halls, counters, the service catalogue and (as modules land) queue, appointments and quality."
    ),
    urls_namespace="api",
    auth=ActorAuth(),
)


def _error(request, status: int, code: str, message, fields=None):
    return api.create_response(
        request, {"error": code, "message": str(message), "fields": fields or {}}, status=status
    )


@api.exception_handler(DomainError)
def domain_error_response(request, exc: DomainError):
    """A domain error as the API's JSON error (``error``, ``message``, ``fields``); also what the site's
    404 and 500 handlers answer under /api/, so a mistyped path has the same shape as a refused request."""
    return _error(request, exc.status, exc.code, exc.message, exc.field_messages())


@api.exception_handler(NinjaValidationError)
def _validation_error(request, exc: NinjaValidationError):
    fields: dict[str, list[str]] = {}
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", []) if p not in {"body", "query", "path", "payload"}]
        fields.setdefault(".".join(loc) or "body", []).append(err.get("msg", ""))
    return _error(request, 422, "invalid", _("Some fields are not valid."), fields)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return _error(request, 404, "not_found", _("Not found."))


@api.exception_handler(AuthenticationError)
def _auth_error(request, exc):
    return _error(request, 401, "not_authenticated", _("Please sign in."))


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    return _error(request, exc.status_code, "http_error", str(exc))


def _register_routers() -> None:
    from servicehall.analytics.api import router as analytics_router
    from servicehall.appointments.api import router as appointments_router
    from servicehall.cases.api import router as cases_router
    from servicehall.catalog.api import router as catalog_router
    from servicehall.consult.api import router as consult_router
    from servicehall.core.api import router as core_router
    from servicehall.customers.api import router as customers_router
    from servicehall.eforms.api import router as eforms_router
    from servicehall.feedback.api import router as feedback_router
    from servicehall.guides.api import router as guides_router
    from servicehall.navigation.api import router as navigation_router
    from servicehall.quality.api import router as quality_router
    from servicehall.queueing.api import router as queue_router
    from servicehall.staff.api import router as staff_router
    from servicehall.training.api import router as training_router

    api.add_router("", core_router)
    api.add_router("", catalog_router)
    api.add_router("", queue_router)
    api.add_router("", appointments_router)
    api.add_router("", quality_router)
    api.add_router("", navigation_router)
    api.add_router("", customers_router)
    api.add_router("", feedback_router)
    api.add_router("", guides_router)
    api.add_router("", consult_router)
    api.add_router("", analytics_router)
    api.add_router("", eforms_router)
    api.add_router("", cases_router)
    api.add_router("", staff_router)
    api.add_router("", training_router)


_register_routers()
