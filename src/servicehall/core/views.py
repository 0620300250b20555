"""Core pages: the landing page, staff log-in with lock-out, the staff home, the audit browser and the
hall information board. Thin: parse, call a service or selector, render."""

import datetime
import sys

from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseServerError
from django.shortcuts import redirect, render
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from servicehall.core import audit_labels, selectors
from servicehall.core.choices import Role
from servicehall.core.errors import (
    BadInput,
    DomainError,
    NotFound,
    PermissionDenied,
    ServerError,
    Unavailable,
)
from servicehall.core.forms import LOCKED_MESSAGE, AuditFilterForm, LoginForm
from servicehall.core.middleware import is_outage
from servicehall.core.permissions import halls_for, has_role, roles_in_hall


def error_page(request, error: DomainError):
    """A domain error as a page in the site's layout (the error page middleware and the 404 handler)."""
    return render(request, "core/error.html", {"error": error}, status=error.status)


def not_found(request, exception=None):
    """Django's handler404, for an address no route matches: the same answer as a record that is not
    there (the API's JSON under /api/, otherwise the error page with a way back), not Django's bare
    "Not Found"."""
    from servicehall.api import domain_error_response

    error = NotFound()
    return (
        domain_error_response(request, error)
        if request.path.startswith("/api/")
        else error_page(request, error)
    )


def server_error(request):
    """Django's handler500: JSON under /api/, elsewhere a page that needs neither the database nor a
    context processor (it may be the database that failed). Nothing of the real error is shown."""
    from servicehall.api import domain_error_response

    if is_outage(sys.exc_info()[1]):
        return service_unavailable(request)
    error = ServerError()
    if request.path.startswith("/api/"):
        return domain_error_response(request, error)
    return HttpResponseServerError(loader.get_template("core/server_error.html").render({"error": error}))


def bad_input(request):
    """400 for text no field can store (``core.middleware.BadInputMiddleware``): the API's JSON error
    under /api/, the error page elsewhere. Nothing was read or changed."""
    from servicehall.api import domain_error_response

    error = BadInput()
    return (
        domain_error_response(request, error)
        if request.path.startswith("/api/")
        else error_page(request, error)
    )


def service_unavailable(request):
    """503 while the database is away: JSON under /api/, elsewhere a page that needs no database and
    reloads itself after ``Retry-After`` seconds (the kiosk and the board recover without staff)."""
    from servicehall.api import domain_error_response

    error = Unavailable()
    if request.path.startswith("/api/"):
        response = domain_error_response(request, error)
    else:
        page = loader.get_template("core/server_error.html").render(
            {"error": error, "refresh_seconds": error.retry_after_seconds}
        )
        response = HttpResponse(page, status=error.status)
    response["Retry-After"] = str(error.retry_after_seconds)
    response["Cache-Control"] = "no-store"
    return response


def landing(request):
    halls = list(selectors.hall_list())
    return render(request, "core/landing.html", {"halls": halls})


@require_http_methods(["GET", "POST"])
def login_view(request):
    form = LoginForm(request.POST or None)
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if request.method == "POST" and form.is_valid():
        user = authenticate(
            request, username=form.cleaned_data["username"], password=form.cleaned_data["password"]
        )
        if getattr(request, "login_locked", False):
            form.add_error(None, LOCKED_MESSAGE)
        elif user is None:
            form.add_error("password", _("The username or password is not correct."))
        else:
            login(request, user)
            if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
                next_url = ""
            return redirect(next_url or "core:home")
    return render(request, "core/login.html", {"form": form, "next": next_url})


@require_POST
def logout_view(request):
    logout(request)
    return redirect("core:login")


@login_required
def home(request):
    halls = []
    for hall in halls_for(request.user):
        roles = sorted(roles_in_hall(request.user, hall))
        halls.append(
            {
                "hall": hall,
                "roles": [Role(r).label for r in roles],
                "is_manager": has_role(request.user, hall, Role.MANAGER),
                "counters": selectors.counter_list(hall=hall),
            }
        )
    return render(request, "core/home.html", {"halls": halls})


@login_required
def audit_browse(request, hall_code: str):
    hall = selectors.hall_get(code=hall_code)
    if not has_role(request.user, hall, Role.MANAGER):
        raise PermissionDenied()
    form = AuditFilterForm(request.GET or None)
    entries = selectors.audit_list(halls=[hall])
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        tz = hall.tzinfo
        entries = selectors.audit_list(
            halls=[hall],
            action=data["action"],
            actor=data["actor"],
            date_from=datetime.datetime.combine(data["date_from"], datetime.time(), tz)
            if data["date_from"]
            else None,
            date_to=(
                datetime.datetime.combine(data["date_to"] + datetime.timedelta(days=1), datetime.time(), tz)
                if data["date_to"]
                else None
            ),
        )
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    related: dict = {}  # rows named in the changes, each looked up once for the page
    rows = [
        {
            "entry": e,
            "action": audit_labels.action_label(e.action),
            "actor": audit_labels.actor_name(e),
            "changes": audit_labels.changes(e, hall.tzinfo, related),
        }
        for e in page
    ]
    return render(
        request,
        "core/audit.html",
        {"hall": hall, "form": form, "page": page, "rows": rows, "query": query.urlencode()},
    )
