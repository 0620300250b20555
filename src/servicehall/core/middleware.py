"""A strict Content-Security-Policy on every response: only this server's scripts, styles, fonts and
images, no inline script, nothing framed. The Django admin and the API docs page get inline styles and
(docs only) the inline bootstrap script their vendored templates need."""

import json
import logging
import re
import time

from django.db import DatabaseError, InterfaceError, OperationalError

log = logging.getLogger("servicehall.outage")

STRICT = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; media-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
ADMIN = STRICT.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
DOCS = ADMIN.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            path = request.path
            if path.startswith("/api/v1/docs"):
                policy = DOCS
            elif path.startswith("/admin/"):
                policy = ADMIN
            else:
                policy = STRICT
            response["Content-Security-Policy"] = policy
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response


class DomainErrorPageMiddleware:
    """Pages raise the same domain errors as services; show them as a readable page with their status
    (a log-in prompt for 401) instead of a server error."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.contrib.auth.views import redirect_to_login

        from servicehall.core.errors import DomainError, NotAuthenticated
        from servicehall.core.views import error_page

        if not isinstance(exception, DomainError):
            return None
        if isinstance(exception, NotAuthenticated):
            return redirect_to_login(request.get_full_path())
        return error_page(request, exception)


class NoStoreMiddleware:
    """Pages and API answers are not kept by browsers or proxies unless a view says otherwise: staff pages,
    a booking's page, the tracking page and the audit carry personal data, and a shared kiosk or a
    proxy must not hand them to the next person. Static files (served before this) keep their caching."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Cache-Control" not in response:
            response["Cache-Control"] = "no-store"
        return response


# A whole value that is an ISO date or date-time: its year must be one the working calendar can compute
# (the lunar holidays are known from 1900 to 2099). Year 1 or 9999 made date arithmetic overflow (500).
ISO_DATE = re.compile(r"^(\d{4})-\d{2}-\d{2}(?:[T ][\d:.]*(?:Z|[+-]\d{2}:?\d{2})?)?$")
YEARS = range(1900, 2100)


def _bad_text(value: str) -> bool:
    """NUL (PostgreSQL text cannot hold it), a lone surrogate (no encoding can write it), or a date whose
    year no calendar of ours covers."""
    if "\x00" in value:
        return True
    if len(value) <= 40 and value[:1].isdigit():
        match = ISO_DATE.match(value.strip())
        if match and int(match.group(1)) not in YEARS:
            return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _bad_json(value, depth: int = 0) -> bool:
    if depth > 64:
        return True
    if isinstance(value, str):
        return _bad_text(value)
    if isinstance(value, dict):
        return any(_bad_text(k) or _bad_json(v, depth + 1) for k, v in value.items())
    if isinstance(value, list):
        return any(_bad_json(v, depth + 1) for v in value)
    return False


class BadInputMiddleware:
    """Text no field can store is refused at the door with a 400 that says so, on every path: NUL bytes,
    lone surrogates and dates outside 1900-2099 in the path, the query, a form or a JSON body, and JSON
    nested deeper than any of our forms (64 levels). Without this, each view would need the check, and
    one that forgot it answered 500 (PostgreSQL, date arithmetic). Uploaded files are left to their view
    (read and checked there, not stored)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._refused(request):
            from servicehall.core.views import bad_input

            return bad_input(request)
        return self.get_response(request)

    @staticmethod
    def _refused(request) -> bool:
        if any(_bad_text(piece) for piece in request.path.split("/")) or any(
            _bad_text(k) or any(_bad_text(v) for v in values) for k, values in request.GET.lists()
        ):
            return True
        ctype = request.content_type or ""
        if request.method == "POST" and ctype in {"application/x-www-form-urlencoded", "multipart/form-data"}:
            return any(
                _bad_text(k) or any(_bad_text(v) for v in values) for k, values in request.POST.lists()
            )
        if ctype.endswith("json") and request.body:
            if b"\x00" in request.body:
                return True
            try:
                return _bad_json(json.loads(request.body))
            except RecursionError:
                return True
            except ValueError:
                return False  # not JSON at all: the endpoint's own parser says why
        return False


# Errors that mean "the database is not there right now", not "this request is wrong".
OUTAGE_ERRORS = (OperationalError, InterfaceError)
_last_outage_log = [0.0]  # per process: one log line per outage, not a traceback per request


def is_outage(exception: BaseException | None) -> bool:
    """Whether ``exception`` (or what caused it) says the database cannot be reached."""
    for _depth in range(8):  # a chain of causes is short; never loop on a cycle
        if exception is None or isinstance(exception, OUTAGE_ERRORS):
            return exception is not None
        if isinstance(exception, DatabaseError):
            return False
        exception = exception.__cause__ or exception.__context__
    return False


def note_outage(exception: BaseException) -> None:
    """Log the outage once a minute per process (what failed, in one line)."""
    now = time.monotonic()
    if now - _last_outage_log[0] >= 60:
        _last_outage_log[0] = now
        log.error("database unavailable, answering 503: %s", str(exception).strip().splitlines()[0][:200])


class DatabaseOutageMiddleware:
    """A database outage answers 503 with ``Retry-After`` and a calm message (JSON under /api/, a page
    that refreshes itself elsewhere: the kiosk and the board come back on their own), instead of a 500
    and a traceback per request. Nothing was saved: the request's transaction did not commit."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_outage(exception):
            return None
        from servicehall.core.views import service_unavailable

        note_outage(exception)
        return service_unavailable(request)
