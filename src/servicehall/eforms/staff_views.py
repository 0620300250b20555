"""E-form pages for staff: the manager's list of the hall's forms, the editor (field by field, preview,
publish; errors beside the field), the effect on service time (page and CSV), and at the window the
clerk's form for the current ticket and its PDF on the official layout."""

import csv
import datetime
import io

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from servicehall.catalog.models import ServiceItem
from servicehall.catalog.selectors import item_get
from servicehall.core.actors import actor_from_request
from servicehall.core.csvcells import SafeWriter
from servicehall.core.errors import DomainError, PermissionDenied
from servicehall.core.permissions import has_role
from servicehall.core.selectors import hall_get
from servicehall.eforms import selectors, services
from servicehall.eforms.choices import FieldType
from servicehall.eforms.definition import PREFILL_FIELDS
from servicehall.eforms.editor import editor_rows, posted_definition
from servicehall.eforms.pdf import form_pdf
from servicehall.eforms.rendering import field_rows, posted_answers
from servicehall.eforms.services import files as file_services
from servicehall.eforms.services.common import MANAGERS, STAFF
from servicehall.eforms.views import pdf_response


def _hall(request, hall_code: str, roles):
    hall = hall_get(code=hall_code)
    if not has_role(request.user, hall, *roles):
        raise PermissionDenied()
    return hall


@login_required
def staff_forms(request, hall_code: str):
    """Every active item of the hall with its form's published and draft versions."""
    hall = _hall(request, hall_code, MANAGERS)
    forms = {f.item_id: f for f in selectors.forms_of_hall(hall=hall)}
    rows = []
    for item in ServiceItem.objects.filter(hall=hall, active=True).order_by("code"):
        versions = list(forms[item.pk].versions.all()) if item.pk in forms else []
        rows.append(
            {
                "item": item,
                "published": next((v for v in versions if v.status == "published"), None),
                "draft": next((v for v in versions if v.status == "draft"), None),
            }
        )
    return render(request, "eforms/staff_forms.html", {"hall": hall, "rows": rows})


def _editor_context(hall, item, draft, definition, errors) -> dict:
    return {
        "hall": hall,
        "item": item,
        "draft": draft,
        "published": selectors.has_published_form(item=item),
        "errors": errors,
        "ed": editor_rows(definition, errors),
        "types": FieldType.choices,
        "prefills": PREFILL_FIELDS,
    }


@login_required
def editor(request, hall_code: str, item_code: str):
    """Edit the item's draft field by field; "save" keeps it a draft, "publish" saves and publishes. The
    draft is created on the first save (opening the page writes nothing)."""
    hall = _hall(request, hall_code, MANAGERS)
    item = item_get(hall=hall, code=item_code[:64])
    actor = actor_from_request(request)
    draft, definition = selectors.editable_definition(item=item)
    errors = {}
    if request.method == "POST":
        definition = posted_definition(request.POST)
        try:
            draft = services.form_version_draft(actor=actor, item=item)
            draft = services.form_version_save(
                actor=actor, version=draft, definition=definition, note=(request.POST.get("note") or "")[:200]
            )
            if request.POST.get("action") == "publish":
                services.form_version_publish(actor=actor, version=draft)
                return redirect(reverse("eforms:staff-forms", args=[hall.code]) + f"?published={item.code}")
            return redirect(reverse("eforms:editor", args=[hall.code, item.code]) + "?saved=1")
        except DomainError as exc:
            errors = exc.form_errors()
    context = _editor_context(hall, item, draft, definition, errors)
    context["saved"] = "saved" in request.GET
    return render(request, "eforms/editor.html", context, status=422 if errors else 200)


@login_required
def preview(request, hall_code: str, item_code: str):
    """The draft as the citizen will see it on a phone (nothing can be sent from here)."""
    hall = _hall(request, hall_code, MANAGERS)
    item = item_get(hall=hall, code=item_code[:64])
    draft, definition = selectors.editable_definition(item=item)
    sections = field_rows(definition, {}, {})
    return render(
        request, "eforms/preview.html", {"hall": hall, "item": item, "draft": draft, "sections": sections}
    )


def _period(request) -> tuple[int, datetime.datetime, datetime.datetime]:
    try:
        days = max(1, min(int(request.GET.get("days") or 90), 3660))
    except ValueError:
        days = 90
    until = timezone.now() + datetime.timedelta(seconds=1)
    return days, until - datetime.timedelta(days=days), until


@login_required
def effect(request, hall_code: str):
    """Service time of tickets that came with a form filled before against those without, per item."""
    hall = _hall(request, hall_code, MANAGERS)
    days, since, until = _period(request)
    rows = selectors.form_effect(hall=hall, since=since, until=until)
    if request.GET.get("format") == "csv":
        return _effect_csv(hall, rows, days)
    return render(request, "eforms/effect.html", {"hall": hall, "rows": rows, "days": days})


def _effect_csv(hall, rows, days) -> HttpResponse:
    buffer = io.StringIO()
    writer = SafeWriter(csv.writer(buffer))
    writer.writerow(
        [
            "item",
            "name",
            "with_form_count",
            "with_form_mean_s",
            "with_form_median_s",
            "without_count",
            "without_mean_s",
            "without_median_s",
            "median_saved_s",
        ]
    )
    for r in rows:
        w, o = r["with_form"], r["without_form"]
        writer.writerow(
            [
                r["item"],
                r["name"],
                w["count"],
                w["mean_seconds"],
                w["median_seconds"],
                o["count"],
                o["mean_seconds"],
                o["median_seconds"],
                r["median_saved_seconds"],
            ]
        )
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="form-effect-{hall.code}-{days}d.csv"'
    return response


def _ticket(hall, ticket_id: str):
    from servicehall.queueing.selectors import ticket_get

    ticket = ticket_get(public_id=ticket_id[:32])
    if ticket.hall_id != hall.pk:
        raise PermissionDenied()
    return ticket


@login_required
def counter_fill(request, hall_code: str, ticket_id: str):
    """The clerk fills (or corrects) the form of the ticket at the window; the citizen's record prefills
    the personal fields the item may collect (reading it is audited)."""
    hall = _hall(request, hall_code, STAFF)
    ticket = _ticket(hall, ticket_id)
    actor = actor_from_request(request)
    filled = selectors.filled_of_ticket(ticket=ticket)
    version = filled.version if filled else selectors.published_version(item=ticket.service)
    errors, prefilled = {}, []
    if request.method == "POST":
        values = posted_answers(version.definition, request.POST)
        try:
            filled = services.filled_fill_at_counter(
                actor=actor, ticket=ticket, answers=values, complete=request.POST.get("action") == "complete"
            )
            return redirect(reverse("eforms:counter-fill", args=[hall.code, ticket.public_id]) + "?saved=1")
        except DomainError as exc:
            errors = exc.form_errors()
    elif filled:
        values = selectors.filled_answers(filled)
    else:
        values = services.counter_prefill(actor=actor, ticket=ticket)
        prefilled = sorted(values)
    context = {
        "hall": hall,
        "ticket": ticket,
        "filled": filled,
        "prefilled": prefilled,
        "errors": errors,
        "saved": "saved" in request.GET,
        "sections": field_rows(version.definition, values, errors),
    }
    return render(request, "eforms/counter_fill.html", context, status=422 if errors else 200)


@login_required
def filled_pdf(request, hall_code: str, code: str):
    """A filled form on the official layout, for the citizen's signature (staff of the hall only)."""
    hall = _hall(request, hall_code, STAFF)
    filled = selectors.filled_get(code=code)
    if filled.hall_id != hall.pk:
        raise PermissionDenied()
    printed = timezone.localtime(timezone.now(), hall.tzinfo)
    pdf = form_pdf(
        version=filled.version,
        answers=selectors.filled_answers(filled),
        printed_at=printed,
        code=filled.code,
        ticket_number=filled.ticket.number if filled.ticket_id else "",
    )
    return pdf_response(pdf, filled.code)


@login_required
def filled_file(request, hall_code: str, code: str, key: str):
    """A document the citizen uploaded with their form, for the staff of the hall (audited)."""
    hall = _hall(request, hall_code, STAFF)
    filled = selectors.filled_get(code=code)
    if filled.hall_id != hall.pk:
        raise PermissionDenied()
    handle, record = file_services.form_file_open(actor=actor_from_request(request), filled=filled, key=key)
    return FileResponse(
        handle, content_type=record.content_type, as_attachment=True, filename=record.original_name
    )
