"""Cases pages. The citizen's: progress by case number + mobile on the phone/web and at the kiosk (upload
what the one-time notice asks for, withdraw, the receipt, their own files). The staff's: the hall's list
(due soon, overdue), one case with the steps the viewer's role may take, the window's case for the ticket
being served, and the visit ledger with on-time rates (page and CSV). Thin: a form, one service or
selector, render; errors beside the fields."""

import csv
import datetime
from types import SimpleNamespace

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.cases import attachments, selectors, services
from servicehall.cases.api import STAFF_ACTIONS
from servicehall.cases.choices import TRANSITIONS, CaseAction, CaseStatus, DeliveryMethod
from servicehall.cases.forms import ApplyFromFormForm, StepForm, TrackForm, WindowForm
from servicehall.cases.receipt import receipt_pdf
from servicehall.cases.services.citizen import case_lookup
from servicehall.cases.services.common import DECIDERS, STAFF
from servicehall.core.actors import Actor, actor_from_request, client_ip
from servicehall.core.choices import DeviceKind, Role
from servicehall.core.devices import paired_device
from servicehall.core.errors import DomainError, NotFound, PermissionDenied
from servicehall.core.forms import form_errors
from servicehall.core.permissions import has_role
from servicehall.core.selectors import hall_get

PROVEN = "cases_proven"


def _remember(request, case) -> None:
    """The session proved number + mobile for this case: its receipt and files may be downloaded."""
    proven = [p for p in request.session.get(PROVEN, []) if p != case.public_id][-9:]
    request.session[PROVEN] = [*proven, case.public_id]


def _citizen_step(actor, data: dict, files):
    who = {"number": data["number"], "phone": data["phone"], "id_number": data["id_number"]}
    if data["step"] == "upload":
        return services.case_supply_by_citizen(actor=actor, files=files, **who)
    if data["step"] == "withdraw":
        return services.case_withdraw_by_citizen(actor=actor, **who)
    return case_lookup(actor=actor, **who)


def _progress(request, actor, template: str, context: dict):
    form = TrackForm(request.POST or None, initial={"number": request.GET.get("number", "")[:20]})
    view, errors = None, {}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = _citizen_step(actor, data, request.FILES.getlist("files"))
        except DomainError as exc:
            errors = exc.form_errors()
            case = None
            if data["step"]:  # a refused upload keeps the case on the page, the error beside the field
                try:
                    case = case_lookup(
                        actor=actor, number=data["number"], phone=data["phone"], id_number=data["id_number"]
                    )
                except DomainError:
                    case = None
        if case is not None:
            _remember(request, case)
            view = selectors.citizen_view(case)
    errors = errors or form_errors(form)
    context = {**context, "form": form, "view": view, "errors": errors}
    return render(
        request,
        template,
        context,
        status=422 if errors and view is None and request.method == "POST" else 200,
    )


def track(request):
    """Where is my case? On the phone or the web (390×844 first)."""
    return _progress(request, actor_from_request(request), "cases/track.html", {})


def apply_from_form(request):
    """Apply online with a completed e-form (linked from the form's last page): the code and the mobile
    prove it; success shows the new case's progress with its receipt, errors stay beside the fields."""
    form = ApplyFromFormForm(request.POST or None, initial={"code": request.GET.get("code", "")[:8]})
    errors = {}
    if request.method == "POST" and form.is_valid():
        try:
            case, created = services.case_submit_from_form(
                actor=actor_from_request(request),
                code=form.cleaned_data["code"],
                phone=form.cleaned_data["phone"],
            )
        except DomainError as exc:
            errors = exc.form_errors()
        else:
            _remember(request, case)
            context = {"form": TrackForm(initial={"number": case.number}), "errors": {}, "applied": created}
            return render(request, "cases/track.html", {**context, "view": selectors.citizen_view(case)})
    errors = errors or form_errors(form)
    status = 422 if errors else 200
    return render(request, "cases/apply.html", {"form": form, "errors": errors}, status=status)


def kiosk_progress(request, hall_code: str):
    """Progress query at the kiosk: big keys (the kiosk's on-screen keyboard), print the status."""
    hall = hall_get(code=hall_code)
    device = paired_device(request, hall=hall, kind=DeviceKind.KIOSK)
    actor = Actor(device=device, ip=client_ip(request)) if device else actor_from_request(request)
    return _progress(request, actor, "cases/kiosk.html", {"hall": hall})


def _proven_case(request, number: str):
    case = selectors.Case.objects.select_related("hall", "service").filter(number=number[:20]).first()
    if case is None or case.public_id not in request.session.get(PROVEN, []):
        raise NotFound(_("No case with this number and mobile number."), code="case_not_found")
    return case


def citizen_receipt(request, number: str):
    return _pdf(_proven_case(request, number))


def citizen_file(request, number: str, attachment_id: int):
    case = _proven_case(request, number)
    handle, att = attachments.attachment_open(
        actor=actor_from_request(request), case=case, attachment_id=attachment_id, applicant=True
    )
    return FileResponse(handle, content_type=att.content_type, as_attachment=True, filename=att.original_name)


def _pdf(case) -> HttpResponse:
    response = HttpResponse(receipt_pdf(case=case), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="receipt-{case.number}.pdf"'
    return response


# ---------------------------------------------------------------- staff


def _staff_hall(request, hall_code: str):
    hall = hall_get(code=hall_code)
    if not has_role(request.user, hall, *STAFF):
        raise PermissionDenied()
    return hall


def _staff_case(request, hall_code: str, case_id: str):
    hall = _staff_hall(request, hall_code)
    case = selectors.case_get(public_id=case_id)
    if case.hall_id != hall.pk:
        raise NotFound(_("No such case."), code="case_not_found")
    return hall, case


@login_required
def staff_list(request, hall_code: str):
    hall = _staff_hall(request, hall_code)
    status, due = request.GET.get("status", "")[:20], request.GET.get("due", "")[:10]
    number = request.GET.get("number", "")[:20]
    cases = selectors.cases_for_hall(hall=hall, status=status, due=due, number=number)[:200]
    now = timezone.now()
    context = {
        "hall": hall,
        "cases": cases,
        "status": status,
        "due": due,
        "number": number,
        "now": now,
        "statuses": CaseStatus.choices,
        "active": selectors.ACTIVE,
    }
    return render(request, "cases/staff_list.html", context)


# Steps that need no input beyond the button (accept also has a form with the materials checklist).
SIMPLE_ACTIONS = ("prereview", "accept", "review", "supply", "approve", "close", "withdraw")


def _allowed_actions(user, case) -> list[tuple[str, str]]:
    decider = has_role(user, case.hall, *DECIDERS)
    return [
        (a, CaseAction(a).label)
        for a in TRANSITIONS.actions_from(case.status)
        if decider or a not in (CaseAction.APPROVE, CaseAction.REJECT)
    ]


def _step_data(request, form: StepForm, case) -> SimpleNamespace:
    data = form.cleaned_data
    missing = [m for m in request.POST.getlist("missing_material") if m][:20]
    missing += [line for line in (data["missing_other"] or "").splitlines() if line.strip()]
    materials = {}
    for m in case.materials:
        flags = [f for f in request.POST.getlist(f"m-{m['id']}") if f]
        materials[str(m["id"])] = flags
    return SimpleNamespace(
        missing=missing,
        note=data["note"],
        reason=data["reason"],
        method=data["method"],
        tracking_number=data["tracking_number"],
        counter=data["counter"],
        materials=materials if data["action"] == CaseAction.ACCEPT else None,
    )


@login_required
def staff_case(request, hall_code: str, case_id: str):
    hall, case = _staff_case(request, hall_code, case_id)
    errors, form = {}, StepForm(request.POST or None)
    if request.method == "POST":
        actor = actor_from_request(request)
        try:
            if request.FILES.getlist("files"):
                attachments.attachments_add(
                    actor=actor,
                    case=case,
                    files=request.FILES.getlist("files"),
                    certificate=request.POST.get("certificate") == "1",
                )
                return redirect("cases:staff-case", hall.code, case.public_id)
            if form.is_valid() and form.cleaned_data["action"] in STAFF_ACTIONS:
                STAFF_ACTIONS[form.cleaned_data["action"]](actor, case, _step_data(request, form, case))
                return redirect("cases:staff-case", hall.code, case.public_id)
        except DomainError as exc:
            errors = exc.form_errors()
        errors = errors or form_errors(form)
        case = selectors.case_get(public_id=case.public_id)
    context = {
        "hall": hall,
        "case": case,
        "view": selectors.staff_view(case),
        "errors": errors,
        "actions": _allowed_actions(request.user, case),
        "catalogue": list(case.service.materials.all()),
        "counters": list(case.service.counters.all()) or list(hall.counters.all()),
        "simple": SIMPLE_ACTIONS,
        "methods": DeliveryMethod.choices,
    }
    return render(request, "cases/staff_case.html", context, status=422 if errors else 200)


@login_required
def staff_receipt(request, hall_code: str, case_id: str):
    _hall, case = _staff_case(request, hall_code, case_id)
    return _pdf(case)


@login_required
def staff_file(request, hall_code: str, case_id: str, attachment_id: int):
    _hall, case = _staff_case(request, hall_code, case_id)
    handle, att = attachments.attachment_open(
        actor=actor_from_request(request), case=case, attachment_id=attachment_id
    )
    return FileResponse(handle, content_type=att.content_type, as_attachment=True, filename=att.original_name)


@login_required
def window_case(request, hall_code: str, ticket_id: str):
    """From the counter console: accept a case from the ticket being served, or link it to a case."""
    from servicehall.queueing.selectors import ticket_get

    hall = _staff_hall(request, hall_code)
    ticket = ticket_get(public_id=ticket_id[:32])
    if ticket.hall_id != hall.pk:
        raise NotFound()
    form, errors = WindowForm(request.POST or None), {}
    if request.method == "POST" and form.is_valid():
        actor, data = actor_from_request(request), form.cleaned_data
        try:
            if data["number"]:
                case = services.case_link_ticket(actor=actor, ticket=ticket, number=data["number"]).case
            else:
                materials = {
                    str(m.pk): request.POST.getlist(f"m-{m.pk}") for m in ticket.service.materials.all()
                }
                case = services.case_open_at_window(
                    actor=actor,
                    ticket=ticket,
                    phone=data["phone"],
                    id_number=data["id_number"],
                    materials=materials,
                )
            return redirect("cases:staff-case", hall.code, case.public_id)
        except DomainError as exc:
            errors = exc.form_errors()
    errors = errors or form_errors(form)
    context = {
        "hall": hall,
        "ticket": ticket,
        "form": form,
        "errors": errors,
        "catalogue": list(ticket.service.materials.all()),
    }
    return render(request, "cases/window.html", context, status=422 if errors else 200)


def _date(text, default: datetime.date) -> datetime.date:
    try:
        day = datetime.date.fromisoformat((text or "")[:10])
    except ValueError:
        return default
    return min(max(day, datetime.date(2000, 1, 1)), datetime.date(2100, 12, 31))


def _period(request, hall) -> tuple[datetime.datetime, datetime.datetime]:
    """``?from=&to=`` (dates, inclusive); by default the last six calendar months."""
    today = timezone.localdate(timezone=hall.tzinfo)
    since = _date(
        request.GET.get("from"), (today.replace(day=1) - datetime.timedelta(days=140)).replace(day=1)
    )
    until = _date(request.GET.get("to"), today)
    until = min(max(until, since), since + datetime.timedelta(days=3660))
    start = datetime.datetime.combine(since, datetime.time(), tzinfo=hall.tzinfo)
    end = datetime.datetime.combine(until + datetime.timedelta(days=1), datetime.time(), tzinfo=hall.tzinfo)
    return start, end


@login_required
def staff_ledger(request, hall_code: str):
    """最多跑一次 measured, and the on-time rate, per item and for the hall; ``?format=csv``."""
    hall = hall_get(code=hall_code)
    if not has_role(request.user, hall, Role.MANAGER, Role.EVALUATOR):
        raise PermissionDenied()
    since, until = _period(request, hall)
    ledger = selectors.visit_ledger(hall=hall, since=since, until=until)
    rates = selectors.on_time_rates(hall=hall, since=since, until=until)
    items = {i.pk: i for i in hall.service_items.all()}
    rows = [
        {"item": items.get(sid), **row, **rates["items"].get(sid, {})}
        for sid, row in sorted(ledger["items"].items(), key=lambda kv: kv[1]["code"])
    ]
    if request.GET.get("format") == "csv":
        return _ledger_csv(rows, ledger)
    context = {
        "hall": hall,
        "rows": rows,
        "ledger": ledger,
        "rates": rates,
        "since": since.date(),
        "until": (until - datetime.timedelta(days=1)).date(),
    }
    return render(request, "cases/ledger.html", context)


def _ledger_csv(rows, ledger) -> HttpResponse:
    from servicehall.core.csvcells import SafeWriter

    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="visit-ledger.csv"'
    response.write("\ufeff")
    out = SafeWriter(csv.writer(response))
    out.writerow(["scope", "item", "cases", "at_most_one_visit_pct", "zero_visits_pct", "on_time_pct"])
    for r in rows:
        name = r["item"].name_local if r["item"] else r["code"]
        out.writerow(["item", name, r["cases"], r["le1_pct"], r["zero_pct"], r.get("rate")])
    for month, m in ledger["months"].items():
        out.writerow(["month", month, m["cases"], m["le1_pct"], m["zero_pct"], ""])
    h = ledger["hall"]
    out.writerow(["hall", "", h["cases"], h["le1_pct"], h["zero_pct"], ""])
    return response
