"""The rota pages: the week's plan as a grid (clerk × half-day; a window, leave or nothing), the plan
against the need per day, and today's gaps with the clerks signed in where the plan does not put them."""

import datetime

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from servicehall.core.actors import actor_from_request
from servicehall.core.errors import DomainError
from servicehall.core.models import Counter
from servicehall.staff import coverage, selectors, services
from servicehall.staff.api import parse_week
from servicehall.staff.choices import HalfDay, RotaKind
from servicehall.staff.need import clerks_needed_total
from servicehall.staff.views import manager_hall


def _monday(request, hall) -> datetime.date:
    week = request.GET.get("week", "")[:10]
    return parse_week(week) if week else _monday_today(hall)


def _posted_rows(post, clerks, days) -> list[dict]:
    """The grid's cells (``cell-<username>-<date>-<half>``: a window number, ``leave`` or empty)."""
    rows = []
    for clerk in clerks:
        for day in days:
            for half in HalfDay.values:
                value = post.get(f"cell-{clerk.username}-{day.isoformat()}-{half}", "")[:10]
                if value == RotaKind.LEAVE:
                    rows.append({"user": clerk.username, "date": day, "half": half, "kind": RotaKind.LEAVE})
                elif value:
                    rows.append(
                        {"user": clerk.username, "date": day, "half": half, "kind": "work", "counter": value}
                    )
    return rows


def _summary(hall, days, plan) -> list[dict]:
    """Per day and half: clerks at a window, on leave, and clerks needed (sum over services)."""
    out = []
    for day in days:
        needed = clerks_needed_total(hall=hall, day=day)
        for half in HalfDay.values:
            cells = [p for p in plan if p["date"] == day.isoformat() and p["half"] == half]
            out.append(
                {
                    "day": day,
                    "half": half,
                    "working": sum(1 for p in cells if p["kind"] == RotaKind.WORK),
                    "leave": sum(1 for p in cells if p["kind"] == RotaKind.LEAVE),
                    "needed": needed.get(half),
                }
            )
    return out


@login_required
def rota(request, hall_code: str):
    """The week's plan, saved as a whole (``rota_week_replace``): nothing changes when a cell is wrong."""
    hall = manager_hall(request, hall_code)
    errors, saved, status = {}, False, 200
    try:
        monday = _monday(request, hall)
    except DomainError as exc:
        errors, monday, status = exc.form_errors(), _monday_today(hall), exc.status
    days = [monday + datetime.timedelta(days=d) for d in range(7)]
    clerks = list(selectors.active_staff(hall=hall))
    if request.method == "POST" and not errors:
        try:
            services.rota_week_replace(
                actor=actor_from_request(request),
                hall=hall,
                monday=monday,
                rows=_posted_rows(request.POST, clerks, days),
            )
            saved = True
        except DomainError as exc:
            errors, status = exc.form_errors(), exc.status
    plan = selectors.rota_week(hall=hall, monday=monday)
    cells = {(p["user"], p["date"], p["half"]): (p["counter"] or p["kind"]) for p in plan}
    grid = [
        (c, [(d, h, cells.get((c.username, d.isoformat(), h), "")) for d in days for h in HalfDay.values])
        for c in clerks
    ]
    context = {
        "hall": hall,
        "monday": monday,
        "week": f"{monday:%G-W%V}",
        "previous": f"{monday - datetime.timedelta(days=7):%G-W%V}",
        "next": f"{monday + datetime.timedelta(days=7):%G-W%V}",
        "days": days,
        "halves": HalfDay.choices,
        "grid": grid,
        "counters": Counter.objects.filter(hall=hall, active=True).order_by("floor__level", "id"),
        "summary": _summary(hall, days, plan),
        "errors": errors,
        "saved": saved,
    }
    return render(request, "staff/rota.html", context, status=status)


def _monday_today(hall) -> datetime.date:
    today = coverage.local_now(hall).date()
    return today - datetime.timedelta(days=today.weekday())


@login_required
def today(request, hall_code: str):
    """Today's gaps ("10:00–12:00 社保: 1 qualified clerk planned, 3 needed") and who is signed in
    off plan."""
    hall = manager_hall(request, hall_code)
    day = coverage.local_now(hall).date()
    rows = coverage.day_coverage(hall=hall, day=day)
    context = {
        "hall": hall,
        "day": day,
        "rows": rows,
        "gaps": [r for r in rows if r["gap"]],
        "off_plan": coverage.off_plan_sessions(hall=hall),
        "enforced": selectors.skills_enforced(hall=hall),
    }
    return render(request, "staff/today.html", context)
