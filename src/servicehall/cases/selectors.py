"""Reads of cases: the citizen's progress by case number + mobile (or ID number; a wrong pair reads as
"not found", whether the case exists or not), the staff record, the hall's lists (due soon, overdue), the
on-time rate (the quality report's ``on_time_cases``) and the visit ledger (最多跑一次 measured)."""

import datetime
import hmac

from django.db.models import Count, F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.cases.choices import (
    ACTIVE,
    BEFORE_DECISION,
    STAMPS,
    WAITING_FOR_CITIZEN,
    CaseStatus,
)
from servicehall.cases.models import Case
from servicehall.cases.services.common import decrypt_json, id_digest, phone_digest
from servicehall.core import calendar
from servicehall.core.errors import NotFound
from servicehall.core.identity import (
    is_valid_mobile,
    is_valid_resident_id,
    mask_phone,
    mask_resident_id,
    normalize_resident_id,
)
from servicehall.core.models import Hall

S = CaseStatus
# The order the steps are shown in (a withdrawn case shows its withdrawal last).
STEP_ORDER = [
    S.SUBMITTED,
    S.PREREVIEWED,
    S.ACCEPTED,
    S.UNDER_REVIEW,
    S.MATERIALS_REQUESTED,
    S.APPROVED,
    S.REJECTED,
    S.RESULT_READY,
    S.DELIVERED,
    S.CLOSED,
    S.WITHDRAWN,
]


def not_found() -> NotFound:
    return NotFound(_("No case with this number and mobile number."), code="case_not_found")


def case_for_citizen(*, number: str, phone: str = "", id_number: str = "") -> Case:
    """The case with this number whose mobile (or ID number) matches, compared by keyed digest in constant
    time; the same 404 when the number is unknown or the pair does not match."""
    number = "".join(ch for ch in str(number or "") if ch.isalnum())[:20]
    case = Case.objects.select_related("hall", "service", "collect_counter").filter(number=number).first()
    if phone:
        stored, wanted = (case.phone_digest if case else ""), phone_digest(phone[:20])
    elif id_number:
        stored, wanted = (case.id_digest if case else ""), id_digest(id_number[:24])
    else:
        raise not_found()
    if case is None or not stored or not hmac.compare_digest(stored, wanted):
        raise not_found()
    return case


def steps(case: Case) -> list[dict]:
    """The states the case went through, with their moments, in the order of the procedure."""
    out = []
    for state in STEP_ORDER:
        at = getattr(case, STAMPS[state])
        if state == S.MATERIALS_REQUESTED and case.accepted_at is None:
            state = S.CORRECTION
        if at:
            out.append({"state": str(state), "label": S(state).label, "at": at})
    if case.materials_supplied_at:
        out.append({"state": "supplied", "label": _("Materials supplied"), "at": case.materials_supplied_at})
    return sorted(out, key=lambda s: s["at"])


def collect_place(case: Case) -> dict | None:
    counter = case.collect_counter
    if case.status != S.RESULT_READY:
        return None
    if counter is None:
        return {"window": "", "name": case.hall.name_local, "route_url": ""}
    route = reverse("navigation:route", args=[case.hall.code]) + f"?to=counter:{counter.number}"
    return {"window": counter.number, "name": counter.name_local, "route_url": route}


def citizen_view(case: Case) -> dict:
    """What the applicant reads: steps with dates, what is needed from them now (the one-time notice),
    the deadline, where to collect the result. Nothing personal beyond the masked mobile they gave."""
    needed = None
    if case.status in WAITING_FOR_CITIZEN:
        needed = {
            "missing": list(case.notice),
            "note": case.notice_note,
            "since": case.materials_requested_at,
        }
    return {
        "number": case.number,
        "hall": case.hall.code,
        "service": {"code": case.service.code, "name": case.service.name_local},
        "status": case.status,
        "status_label": case.get_status_display(),
        "channel": case.channel,
        "phone": case.phone_hint,
        "submitted_at": case.submitted_at,
        "steps": steps(case),
        "needed": needed,
        "due_at": case.due_at if case.status in BEFORE_DECISION else None,
        "clock_paused": case.status == S.MATERIALS_REQUESTED,
        "decided_at": case.decided_at,
        "reject_reason": case.reject_reason if case.status in (S.REJECTED, S.CLOSED) else "",
        "collect": collect_place(case),
        "delivery": {
            "method": case.delivery_method,
            "label": case.get_delivery_method_display() if case.delivery_method else "",
            "tracking_number": case.tracking_number,
        },
        "visits": case.visits.count(),
        "visits_required": case.service.visits_required,
        "files": [
            {"id": a.pk, "name": a.original_name, "certificate": a.certificate, "uploaded_at": a.uploaded_at}
            for a in case.attachments.filter(Q(by_applicant=True) | Q(certificate=True))
        ],
        "can_upload": case.status in WAITING_FOR_CITIZEN,
        "can_withdraw": case.status in BEFORE_DECISION,
    }


def case_get(*, public_id: str) -> Case:
    case = (
        Case.objects.select_related("hall", "service", "person", "accepted_by", "counter", "collect_counter")
        .filter(public_id=(public_id or "")[:32])
        .first()
    )
    if case is None:
        raise NotFound(_("No such case."), code="case_not_found")
    return case


def masked_answers(labelled: list[dict]) -> list[dict]:
    """The labelled answers with ID numbers and mobiles masked (``core.identity``), as every staff page
    shows them; the full values stay encrypted in the case (the e-form's PDF prints them)."""
    out = []
    for row in labelled:
        value = row.get("value")
        if isinstance(value, str) and is_valid_resident_id(normalize_resident_id(value)):
            value = mask_resident_id(normalize_resident_id(value))
        elif isinstance(value, str) and is_valid_mobile(value.strip()):
            value = mask_phone(value.strip())
        out.append({**row, "value": value})
    return out


def localized_materials(case: Case) -> list[dict]:
    """The checklist with each material's name in the reader's language (the stored name when the
    catalogue no longer has it)."""
    names = {m.pk: m.name_local for m in case.service.materials.all()}
    return [{**m, "name": names.get(m.get("id"), m.get("name", ""))} for m in case.materials]


def staff_view(case: Case) -> dict:
    """The full record for the hall's staff (the mobile and ID masked; answers decrypted for review)."""
    now = timezone.now()
    return {
        "id": case.public_id,
        "number": case.number,
        "hall": case.hall.code,
        "service": {"code": case.service.code, "name": case.service.name_local},
        "status": case.status,
        "status_label": case.get_status_display(),
        "channel": case.channel,
        "channel_label": case.get_channel_display(),
        "phone": case.phone_hint,
        "id_number": case.id_hint,
        "person": case.person_id,
        "form_version": case.form_version_id,
        "answers": masked_answers(decrypt_json(case.labelled_encrypted, [])),
        "materials": localized_materials(case),
        "notice": case.notice,
        "notice_note": case.notice_note,
        "steps": steps(case),
        "due_at": case.due_at,
        "legal_due_at": case.legal_due_at,
        "paused_working_days": case.paused_working_days,
        "overdue": case.status in ACTIVE and case.due_at <= now,
        "reject_reason": case.reject_reason,
        "delivery_method": case.delivery_method,
        "tracking_number": case.tracking_number,
        "collect_window": case.collect_counter.number if case.collect_counter_id else "",
        "visits": [
            {"ticket": v.ticket.number, "day": v.ticket.day, "at": v.at}
            for v in case.visits.select_related("ticket")
        ],
        "visits_required": case.service.visits_required,
        "visits_required_label": case.service.get_visits_required_display(),
        "files": [
            {"id": a.pk, "name": a.original_name, "size_bytes": a.size_bytes, "certificate": a.certificate}
            for a in case.attachments.all()
        ],
    }


def cases_for_hall(
    *, hall: Hall, status: str = "", due: str = "", service: str = "", number: str = ""
) -> QuerySet[Case]:
    """The hall's cases, filtered: ``due`` is ``soon`` (due within 2 working days) or ``overdue``."""
    qs = Case.objects.filter(hall=hall).select_related("service").annotate(visit_count=Count("visits"))
    if status in S.values:
        qs = qs.filter(status=status)
    if service:
        qs = qs.filter(service__code=service[:64])
    if number:
        qs = qs.filter(number__startswith="".join(c for c in number if c.isalnum())[:20])
    now = timezone.now()
    if due == "overdue":
        qs = qs.filter(status__in=ACTIVE, due_at__lte=now).order_by("due_at")
    elif due == "soon":
        horizon = calendar.add_working_days(hall, now, 2)
        qs = qs.filter(status__in=ACTIVE, due_at__gt=now, due_at__lte=horizon).order_by("due_at")
    return qs


def on_time_by_unit(*, hall: Hall, since, until, field: str | None = None, **scope) -> dict:
    """Cases decided in ``[since, until)``: ``{unit: (on time, decided)}`` per ``field`` (``service_id``,
    ``counter_id``, ``clerk_id``; None: all, keyed None) within ``scope``: the quality report's
    ``on_time_cases``. On time: decided by the promised deadline (moved on by any 补正 pause)."""
    units = {"service_id": "service_id", "counter_id": "counter_id", "clerk_id": "accepted_by_id"}
    qs = Case.objects.filter(hall=hall).filter(
        Q(approved_at__gte=since, approved_at__lt=until) | Q(rejected_at__gte=since, rejected_at__lt=until)
    )
    qs = qs.filter(**{units[k]: v for k, v in scope.items() if v})
    on_time = Q(approved_at__lte=F("due_at")) | Q(rejected_at__lte=F("due_at"))
    key = units[field] if field else None
    aggregates = {"n": Count("id"), "ok": Count("id", filter=on_time)}
    if key is None:
        row = qs.aggregate(**aggregates)
        return {None: (row["ok"], row["n"])}
    rows = qs.values(key).annotate(**aggregates).order_by()
    return {row[key]: (row["ok"], row["n"]) for row in rows}


def on_time_rates(*, hall: Hall, since, until) -> dict:
    """Per service item and for the hall: decided, on time and the rate (%)."""

    def rate(ok, n):
        return round(100 * ok / n, 1) if n else None

    per = on_time_by_unit(hall=hall, since=since, until=until, field="service_id")
    ok, n = on_time_by_unit(hall=hall, since=since, until=until)[None]
    return {
        "hall": {"on_time": ok, "decided": n, "rate": rate(ok, n)},
        "items": {sid: {"on_time": o, "decided": d, "rate": rate(o, d)} for sid, (o, d) in per.items()},
    }


def visit_ledger(*, hall: Hall, since: datetime.datetime, until: datetime.datetime) -> dict:
    """最多跑一次 measured: cases submitted in ``[since, until)`` (withdrawn ones left out) per service item
    and month: how many, the share done in at most one visit and in none (fully online)."""
    rows = (
        Case.objects.filter(hall=hall, submitted_at__gte=since, submitted_at__lt=until)
        .exclude(status=S.WITHDRAWN)
        .annotate(v=Count("visits"))
        .values_list("service_id", "service__code", "submitted_at", "v")
    )
    items: dict = {}
    months: dict = {}
    total = {"cases": 0, "le1": 0, "zero": 0}
    tz = hall.tzinfo
    for service_id, code, at, visits in rows.iterator():
        month = at.astimezone(tz).strftime("%Y-%m")
        for bucket in (
            items.setdefault(service_id, {"code": code, "cases": 0, "le1": 0, "zero": 0}),
            months.setdefault(month, {"cases": 0, "le1": 0, "zero": 0}),
            total,
        ):
            bucket["cases"] += 1
            bucket["le1"] += visits <= 1
            bucket["zero"] += visits == 0
    for bucket in [*items.values(), *months.values(), total]:
        n = bucket["cases"]
        bucket["le1_pct"] = round(100 * bucket["le1"] / n, 1) if n else None
        bucket["zero_pct"] = round(100 * bucket["zero"] / n, 1) if n else None
    return {"items": items, "months": dict(sorted(months.items())), "hall": total}


def cases_open_for_person(person) -> int:
    from servicehall.cases.choices import OPEN_STATES

    return Case.objects.filter(person=person, status__in=OPEN_STATES).count()
