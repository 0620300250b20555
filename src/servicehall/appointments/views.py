"""Pages of appointments: the citizen's booking portal (phone first), the kiosk's check-in and the
manager's calendar. Thin: parse, call one service or selector, render; refusals are shown beside the
field they concern."""

import datetime

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from servicehall.appointments import selectors, services
from servicehall.appointments.choices import AppointmentStatus
from servicehall.catalog.selectors import item_get
from servicehall.core import calendar, crypto
from servicehall.core.actors import Actor, actor_from_request, client_ip
from servicehall.core.challenge import challenge_new
from servicehall.core.choices import DayKind, DeviceKind, Role
from servicehall.core.devices import paired_device
from servicehall.core.errors import DomainError, Invalid, PermissionDenied
from servicehall.core.identity import normalize_phone
from servicehall.core.permissions import has_role, require_role
from servicehall.core.qr import qr_svg
from servicehall.core.selectors import hall_get


def _actor(request) -> Actor:
    return actor_from_request(request)


def _parse_start(hall, text: str) -> datetime.datetime:
    try:
        # A "+08:00" offset in an unencoded link arrives as " 08:00".
        start = datetime.datetime.fromisoformat((text or "").strip().replace(" ", "+"))
    except ValueError as exc:
        raise Invalid(fields={"start": [_("Choose a time from the list.")]}) from exc
    return start if start.tzinfo else start.replace(tzinfo=hall.tzinfo)


def _parse_day(text: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(text) if text else None
    except ValueError:
        return None


# ---------------------------------------------------------------- citizen portal


def portal(request, hall_code: str):
    hall = hall_get(code=hall_code)
    items = list(selectors.bookable_items(hall=hall))
    return render(request, "appointments/portal.html", {"hall": hall, "items": items})


def _slots_page(request, hall, item_code: str, *, errors=None, status=200, move=None):
    item = item_get(hall=hall, code=item_code)
    plan = selectors.plan_get(item=item)
    if plan is None:
        return render(
            request,
            "appointments/portal.html",
            {
                "hall": hall,
                "items": list(selectors.bookable_items(hall=hall)),
                "errors": {
                    "general": [_("%(service)s takes no appointments.") % {"service": item.name_local}]
                },
            },
            status=409,
        )
    today = timezone.now().astimezone(hall.tzinfo).date()
    last = today + datetime.timedelta(days=plan.horizon_days)
    grid, days = selectors.slot_grid(hall=hall, plan=plan, date_from=today, date_to=last)
    by_day: dict = {}
    for s in grid:
        by_day.setdefault(s.start.astimezone(hall.tzinfo).date(), []).append(s)
    day_rows = []
    for d, info in days.items():
        slots = by_day.get(d, [])
        left = sum(s.remaining for s in slots if s.bookable)
        day_rows.append(
            {
                "date": d,
                "info": info,
                "left": left,
                "any": bool(slots),
                "full": bool(slots) and not left and any(s.state == "full" for s in slots),
            }
        )
    chosen = _parse_day(request.GET.get("day"))
    if chosen is None and move is not None:
        chosen = move.start.astimezone(hall.tzinfo).date()  # changing a booking opens on its day
    if chosen not in days:
        chosen = next((r["date"] for r in day_rows if r["left"]), today)
    question, token = challenge_new()
    return render(
        request,
        "appointments/slots.html",
        {
            "hall": hall,
            "item": item,
            "plan": plan,
            "days": day_rows,
            "chosen": chosen,
            "chosen_info": days.get(chosen),
            "slots": by_day.get(chosen, []),
            "any_bookable": any(s.bookable for s in by_day.get(chosen, [])),
            "errors": errors or {},
            "move": move,
            "materials": list(item.materials.all()),
            "missing_years": [y for y in calendar.missing_years(hall, today) if y <= last.year],
            # The check question is answered before a seat is held (not when moving a booking by its link).
            "ask_challenge": move is None
            and not request.user.is_authenticated
            and selectors.settings_get(hall=hall).challenge_public,
            "question": question,
            "challenge": token,
        },
        status=status,
    )


def slots(request, hall_code: str, item_code: str):
    hall = hall_get(code=hall_code)
    move = None
    if request.GET.get("move"):
        move = selectors.appointment_get(public_id=request.GET["move"])
        if move.hall_id != hall.pk:
            move = None
    return _slots_page(request, hall, item_code, move=move)


@require_POST
def hold(request, hall_code: str, item_code: str):
    """Hold the chosen seat (a citizen has answered the check question on the slots page), then ask for the
    details (the hold expires by itself)."""
    hall = hall_get(code=hall_code)
    try:
        appt = services.appointment_hold(
            actor=_actor(request),
            hall=hall,
            service_code=item_code,
            start=_parse_start(hall, request.POST.get("start")),
            challenge=request.POST.get("challenge", ""),
            answer=request.POST.get("answer", ""),
        )
    except DomainError as exc:
        return _slots_page(request, hall, item_code, errors=exc.form_errors(), status=exc.status)
    return redirect("appointments:details", hall_code=hall.code, public_id=appt.public_id)


def _details_page(request, hall, appt, *, form=None, errors=None, status=200):
    plan = selectors.plan_get(item=appt.service)
    return render(
        request,
        "appointments/details.html",
        {
            "hall": hall,
            "appt": appt,
            "plan": plan,
            "form": form or {},
            "errors": errors or {},
            "start_local": appt.start.astimezone(hall.tzinfo),
            "seconds_left": max(0, int((appt.hold_expires_at - timezone.now()).total_seconds()))
            if appt.hold_expires_at
            else 0,
        },
        status=status,
    )


def details(request, hall_code: str, public_id: str):
    hall = hall_get(code=hall_code)
    appt = selectors.appointment_get(public_id=public_id)
    if appt.hall_id != hall.pk or appt.status != AppointmentStatus.HELD or appt.phone_encrypted:
        return redirect("appointments:manage", hall_code=hall.code, public_id=appt.public_id)
    if request.method != "POST":
        return _details_page(request, hall, appt)
    form = {k: (request.POST.get(k) or "")[:30] for k in ("name", "phone", "id_number")}
    try:
        services.appointment_confirm(
            actor=_actor(request),
            appt=appt,
            name=form["name"],
            phone=form["phone"],
            id_number=form["id_number"],
        )
    except DomainError as exc:
        if exc.code == "hold_expired":
            return _slots_page(request, hall, appt.service.code, errors=exc.form_errors(), status=exc.status)
        return _details_page(request, hall, appt, form=form, errors=exc.form_errors(), status=exc.status)
    return redirect(reverse("appointments:manage", args=[hall.code, appt.public_id]) + "?new=1")


def manage(request, hall_code: str, public_id: str, *, errors=None, status=200):
    """The confirmation: code, QR for the kiosk, time, place, materials, .ics, cancel and change."""
    hall = hall_get(code=hall_code)
    appt = selectors.appointment_get(public_id=public_id)
    if appt.hall_id != hall.pk:
        return redirect("appointments:portal", hall_code=hall.code)
    conf = selectors.settings_get(hall=hall)
    return render(
        request,
        "appointments/manage.html",
        {
            "hall": hall,
            "appt": appt,
            "errors": errors or {},
            "new": request.GET.get("new") == "1",
            "moved": request.GET.get("moved") == "1",
            "start_local": appt.start.astimezone(hall.tzinfo),
            "end_local": appt.end.astimezone(hall.tzinfo),
            "qr_svg": qr_svg(appt.code),
            "materials": list(appt.service.materials.all()),
            "conf": conf,
            "check_in_from": (
                appt.start - datetime.timedelta(minutes=conf.check_in_before_minutes)
            ).astimezone(hall.tzinfo),
            "offer": appt.status == AppointmentStatus.HELD and bool(appt.phone_encrypted),
            "can_change": appt.status == AppointmentStatus.BOOKED and appt.start > timezone.now(),
        },
        status=status,
    )


@require_POST
def cancel(request, hall_code: str, public_id: str):
    hall = hall_get(code=hall_code)
    appt = selectors.appointment_get(public_id=public_id)
    try:
        services.appointment_cancel(actor=_actor(request), appt=appt, reason=_("Cancelled by the citizen"))
    except DomainError as exc:
        return manage(request, hall.code, public_id, errors=exc.form_errors(), status=exc.status)
    return redirect("appointments:manage", hall_code=hall.code, public_id=public_id)


@require_POST
def accept(request, hall_code: str, public_id: str):
    """Confirm a seat offered from the waitlist (the details are already known)."""
    hall = hall_get(code=hall_code)
    appt = selectors.appointment_get(public_id=public_id)
    try:
        services.appointment_confirm(actor=_actor(request), appt=appt, name="", phone="", skip_challenge=True)
    except DomainError as exc:
        return manage(request, hall.code, public_id, errors=exc.form_errors(), status=exc.status)
    return redirect(reverse("appointments:manage", args=[hall.code, public_id]) + "?new=1")


@require_POST
def move(request, hall_code: str, public_id: str):
    hall = hall_get(code=hall_code)
    appt = selectors.appointment_get(public_id=public_id)
    try:
        services.appointment_reschedule(
            actor=_actor(request), appt=appt, start=_parse_start(hall, request.POST.get("start"))
        )
    except DomainError as exc:
        return _slots_page(
            request, hall, appt.service.code, errors=exc.form_errors(), status=exc.status, move=appt
        )
    return redirect(reverse("appointments:manage", args=[hall.code, public_id]) + "?moved=1")


def find(request, hall_code: str):
    """Find a booking by its code and the mobile number it was booked with."""
    hall = hall_get(code=hall_code)
    form = {
        "code": (request.POST.get("code") or "").strip().upper()[:12],
        "phone": (request.POST.get("phone") or "")[:20],
    }
    errors = {}
    if request.method == "POST":
        from servicehall.core.ratelimit import rate_limit

        try:
            rate_limit(actor=_actor(request), scope="appointment_find", per_minute=10)
            appt = selectors.appointment_by_code(hall=hall, code=form["code"])
            if (
                appt is None
                or crypto.digest(normalize_phone(form["phone"]), purpose="phone") != appt.phone_digest
            ):
                raise Invalid(fields={"code": [_("No booking matches this code and mobile number.")]})
            return redirect("appointments:manage", hall_code=hall.code, public_id=appt.public_id)
        except DomainError as exc:
            errors = exc.form_errors()
    return render(
        request,
        "appointments/find.html",
        {"hall": hall, "form": form, "errors": errors},
        status=422 if errors else 200,
    )


def waitlist(request, hall_code: str, item_code: str):
    hall = hall_get(code=hall_code)
    item = item_get(hall=hall, code=item_code)
    start_text = request.POST.get("start") or request.GET.get("start") or ""
    form = {k: (request.POST.get(k) or "")[:30] for k in ("name", "phone", "id_number")}
    errors, entry = {}, None
    if request.method == "POST":
        try:
            entry = services.waitlist_join(
                actor=_actor(request),
                hall=hall,
                service_code=item.code,
                start=_parse_start(hall, start_text),
                name=form["name"],
                phone=form["phone"],
                id_number=form["id_number"],
                challenge=request.POST.get("challenge", ""),
                answer=request.POST.get("answer", ""),
            )
        except DomainError as exc:
            errors = exc.form_errors()
    question, token = challenge_new()
    plan = selectors.plan_get(item=item)
    try:
        start_local = _parse_start(hall, start_text).astimezone(hall.tzinfo)
    except DomainError:
        start_local = None
    return render(
        request,
        "appointments/waitlist.html",
        {
            "hall": hall,
            "item": item,
            "plan": plan,
            "start": start_text,
            "start_local": start_local,
            "form": form,
            "errors": errors,
            "entry": entry,
            "question": question,
            "challenge": token,
            "position": selectors.waitlist_length(slot_id=entry.slot_id) if entry else None,
            "ask_challenge": not request.user.is_authenticated
            and selectors.settings_get(hall=hall).challenge_public,
        },
        status=422 if errors else 201 if entry else 200,
    )


# ---------------------------------------------------------------- kiosk


def kiosk_check_in(request, hall_code: str):
    """Check in at the kiosk with the booking code (typed or scanned from the confirmation's QR), or the
    mobile number or resident ID used to book; the ticket is printed like any other."""

    hall = hall_get(code=hall_code)
    form = {k: (request.POST.get(k) or "").strip()[:20] for k in ("code", "phone", "id_number")}
    errors = {}
    if request.method == "POST":
        device = paired_device(request, hall=hall, kind=DeviceKind.KIOSK)
        actor = Actor(device=device, ip=client_ip(request)) if device else _actor(request)
        try:
            appt = services.appointment_check_in(
                actor=actor, hall=hall, code=form["code"], phone=form["phone"], id_number=form["id_number"]
            )
            return redirect("kiosk:ticket", hall_code=hall.code, public_id=appt.ticket.public_id)
        except DomainError as exc:
            errors = exc.form_errors()
    return render(
        request,
        "appointments/kiosk_check_in.html",
        {"hall": hall, "form": form, "errors": errors},
        status=422 if errors else 200,
    )


# ---------------------------------------------------------------- manager


def _calendar_post(request, actor: Actor, hall, item, day: datetime.date) -> str:
    """The manager's actions on the calendar page: enter a day of the hall's calendar, close a slot, or
    close the day (for the service or the hall). Returns what to tell the manager."""
    if not has_role(request.user, hall, Role.MANAGER):
        raise PermissionDenied()
    if request.POST.get("action") == "calendar_day":
        when = _parse_day(request.POST.get("day"))
        if when is None:
            raise Invalid(fields={"day": [_("Enter a date (YYYY-MM-DD).")]})
        services.calendar_day_set(
            actor=actor,
            hall=hall,
            date=when,
            kind=request.POST.get("kind", ""),
            name=(request.POST.get("name") or "")[:60],
        )
        return _("The hall's calendar is updated for %(date)s.") % {"date": when.isoformat()}
    reason = (request.POST.get("reason") or "").strip()
    if request.POST.get("start") and item is not None:
        n = services.slot_close(
            actor=actor,
            hall=hall,
            service=item,
            start=_parse_start(hall, request.POST["start"]),
            reason=reason,
        )
    else:
        n = services.day_close(
            actor=actor,
            hall=hall,
            date=day,
            reason=reason,
            service=item if request.POST.get("scope") == "service" else None,
        )
    return _("Closed. %(n)s bookings were cancelled and told why.") % {"n": n}


@login_required
def calendar_view(request, hall_code: str):
    """Per service, a week of slots with seats booked and left; a day's bookings (masked) with their
    check-in state; closing a day or a slot, with a text to those affected."""
    hall = hall_get(code=hall_code)
    actor = _actor(request)
    require_role(actor, hall, Role.MANAGER, Role.CLERK)
    items = list(selectors.bookable_items(hall=hall))
    item = next((i for i in items if i.code == request.GET.get("service")), items[0] if items else None)
    today = timezone.now().astimezone(hall.tzinfo).date()
    day = _parse_day(request.GET.get("date")) or today
    # the calendar computes years up to 2099: the last week shown is the last one that ends in it
    day = min(day, datetime.date(2099, 12, 27))
    week_start = day - datetime.timedelta(days=day.weekday())
    errors, notice = {}, ""
    if request.method == "POST":
        try:
            notice = _calendar_post(request, actor, hall, item, day)
        except DomainError as exc:
            errors = exc.form_errors()
    week, days, day_slots = [], {}, []
    if item is not None:
        plan = selectors.plan_get(item=item)
        grid, days = selectors.slot_grid(
            hall=hall, plan=plan, date_from=week_start, date_to=week_start + datetime.timedelta(days=6)
        )
        times = sorted({s.start.astimezone(hall.tzinfo).time() for s in grid})
        cells = {
            (s.start.astimezone(hall.tzinfo).date(), s.start.astimezone(hall.tzinfo).time()): s for s in grid
        }
        week = [
            {"time": t, "cells": [cells.get((week_start + datetime.timedelta(days=i), t)) for i in range(7)]}
            for t in times
        ]
        day_slots = [s for s in grid if s.start.astimezone(hall.tzinfo).date() == day and s.state != "closed"]
    bookings = list(selectors.day_bookings(hall=hall, day=day, service=item))
    is_manager = has_role(request.user, hall, Role.MANAGER)
    return render(
        request,
        "appointments/calendar.html",
        {
            "hall": hall,
            "items": items,
            "item": item,
            "day": day,
            "today": today,
            "week_days": [
                {
                    "date": week_start + datetime.timedelta(days=i),
                    "info": days.get(week_start + datetime.timedelta(days=i)),
                }
                for i in range(7)
            ],
            "week": week,
            "bookings": bookings,
            "errors": errors,
            "notice": notice,
            "day_slots": day_slots,
            "prev_week": week_start - datetime.timedelta(days=7),
            "next_week": week_start + datetime.timedelta(days=7),
            "stats": selectors.statistics(
                hall=hall, date_from=week_start, date_to=week_start + datetime.timedelta(days=6)
            ),
            "missing_years": calendar.missing_years(hall, today),
            "expired_holds": selectors.expired_holds_by_address(hall=hall) if is_manager else [],
            "calendar_rows": calendar.calendar_rows(hall=hall, since=today - datetime.timedelta(days=31)),
            "day_kinds": DayKind.choices,
            "is_manager": is_manager,
        },
        status=422 if errors else 200,
    )
