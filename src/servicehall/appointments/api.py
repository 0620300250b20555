"""The appointments API (a contract): slots, booking, holds, cancel, reschedule, waitlist, check-in,
``.ics``; and the manager's calendar, plans and settings. Thin: parse, call one service or selector, shape."""

import datetime

from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from pydantic import field_validator

from servicehall.appointments import selectors, services
from servicehall.appointments.choices import AppointmentStatus
from servicehall.appointments.ics import appointment_ics
from servicehall.appointments.models import Appointment
from servicehall.catalog.selectors import item_get
from servicehall.core import calendar
from servicehall.core.challenge import challenge_new
from servicehall.core.choices import DayKind, Role
from servicehall.core.errors import Invalid
from servicehall.core.permissions import has_role, require_role
from servicehall.core.ratelimit import rate_limit
from servicehall.core.selectors import hall_get

router = Router(tags=["appointments"])


class SlotOut(Schema):
    start: datetime.datetime
    end: datetime.datetime
    capacity: int
    remaining: int
    state: str = Field(
        description="open, full, closed, past (too late to book) or not_yet (beyond the horizon)"
    )


class PersonIn(Schema):
    name: str = Field(max_length=30)
    phone: str = Field(max_length=20)
    id_number: str = Field(
        "", max_length=20, description="Resident ID, required where the service books by real name"
    )
    challenge: str = Field(
        "", max_length=400, description="Token of GET /appointments/challenge (public callers)"
    )
    answer: str = Field("", max_length=10)


class BookIn(PersonIn):
    hall: str = Field(max_length=32)
    service: str = Field(max_length=64)
    start: datetime.datetime


class HoldIn(Schema):
    hall: str = Field(max_length=32)
    service: str = Field(max_length=64)
    start: datetime.datetime
    phone: str = Field(
        "", max_length=20, description="Optional: the mobile number; counts against the hold cap per number"
    )
    challenge: str = Field(
        "", max_length=400, description="Token of GET /appointments/challenge (public callers)"
    )
    answer: str = Field("", max_length=10)


class ExpiredHoldsOut(Schema):
    address: str
    count: int
    last_at: datetime.datetime


class AppointmentOut(Schema):
    id: str
    code: str
    hall: str
    service: str
    service_name: str
    start: datetime.datetime
    end: datetime.datetime
    status: AppointmentStatus
    name: str = Field(description="Masked")
    phone: str = Field(description="Masked")
    id_number: str = Field(description="Masked")
    hold_expires_at: datetime.datetime | None
    ticket: str | None = Field(description="Queue ticket id after check-in")
    ticket_number: str | None
    manage_url: str
    ics_url: str


class CancelIn(Schema):
    reason: str = Field("", max_length=200)
    phone: str | None = Field(
        None, max_length=20, description="Needed with the booking code instead of the link"
    )


class RescheduleIn(Schema):
    start: datetime.datetime
    phone: str | None = Field(None, max_length=20)


class CheckInIn(Schema):
    hall: str = Field(max_length=32)
    code: str = Field("", max_length=12)
    phone: str = Field("", max_length=20)
    id_number: str = Field("", max_length=20)


class WaitlistOut(Schema):
    id: str
    status: str
    position: int


class DayOut(Schema):
    date: datetime.date
    open: bool
    kind: str
    name: str
    source: str
    provisional: bool


class CalendarOut(Schema):
    days: list[DayOut]
    missing_years: list[int] = Field(description="Years whose official calendar is not known yet")
    official_until: int


class CalendarDayIn(Schema):
    kind: str = Field(description="holiday, workday, closed, or empty to clear")
    name: str = Field("", max_length=60)


class CloseIn(Schema):
    date: datetime.date
    reason: str = Field(min_length=1, max_length=200)
    service: str | None = None
    start: datetime.datetime | None = Field(None, description="Close only this slot")


class SettingsIn(Schema):
    hold_minutes: int | None = None
    check_in_before_minutes: int | None = None
    check_in_after_minutes: int | None = None
    late_policy: str | None = None
    max_per_service_day: int | None = None
    max_active: int | None = None
    no_show_limit: int | None = None
    no_show_window_days: int | None = None
    suspension_days: int | None = None
    waitlist_offer_minutes: int | None = None
    remind_day_before: bool | None = None
    remind_hour_before: bool | None = None
    challenge_public: bool | None = None
    max_holds_per_address: int | None = Field(None, description="Active public holds per client address")
    max_holds_per_phone: int | None = Field(None, description="Active public holds per mobile number")
    scarce_percent: int | None = Field(None, description="A day is nearly full below this % of seats left")
    hold_minutes_when_scarce: int | None = Field(None, description="Hold length on a nearly full day")


class PlanIn(Schema):
    periods: dict[str, list[list[str]]] | None = None
    makeup_weekday: int | None = None
    slot_minutes: int | None = None
    seats_per_slot: int | None = None
    walk_in_seats: int | None = None
    horizon_days: int | None = None
    min_notice_minutes: int | None = None
    cutoff_time: datetime.time | None = None
    real_name: bool | None = None
    active: bool | None = None

    @field_validator("cutoff_time")
    @classmethod
    def _local_time(cls, value: datetime.time | None) -> datetime.time | None:
        # A cut-off is a time of the hall's day: a zone on it is meaningless (and was a 500 on save).
        if value is not None and value.tzinfo is not None:
            raise ValueError("give the time of day without a zone, e.g. 17:00")
        return value


def appointment_out(request, appt: Appointment) -> dict:
    manage = request.build_absolute_uri(services.manage_path(appt))
    return {
        "id": appt.public_id,
        "code": appt.code,
        "hall": appt.hall.code,
        "service": appt.service.code,
        "service_name": appt.service.name,
        "start": appt.start,
        "end": appt.end,
        "status": appt.status,
        "name": appt.name_hint,
        "phone": appt.phone_hint,
        "id_number": appt.id_hint,
        "hold_expires_at": appt.hold_expires_at if appt.status == AppointmentStatus.HELD else None,
        "ticket": appt.ticket.public_id if appt.ticket_id else None,
        "ticket_number": appt.ticket.number if appt.ticket_id else None,
        "manage_url": manage,
        "ics_url": request.build_absolute_uri(reverse("api:appointment_ics", args=[appt.public_id])),
    }


def _range(hall, plan, date_from, date_to) -> tuple[datetime.date, datetime.date]:
    today = timezone.now().astimezone(hall.tzinfo).date()
    date_from = date_from or today
    date_to = date_to or (date_from + datetime.timedelta(days=plan.horizon_days if plan else 7))
    if date_to < date_from:
        raise Invalid(fields={"date_to": [_("The end date is before the start date.")]})
    if (date_to - date_from).days > selectors.MAX_RANGE_DAYS:
        raise Invalid(
            fields={"date_to": [_("Ask for at most %(n)s days at once.") % {"n": selectors.MAX_RANGE_DAYS}]}
        )
    return date_from, date_to


@router.get(
    "/halls/{hall_code}/services/{item_code}/slots",
    response=list[SlotOut],
    summary="Bookable slots with the seats left",
)
def slots(
    request,
    hall_code: str,
    item_code: str,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
):
    rate_limit(actor=request.auth, scope="slots", per_minute=300)
    hall = hall_get(code=hall_code)
    plan = selectors.plan_for_booking(hall=hall, service_code=item_code)
    date_from, date_to = _range(hall, plan, date_from, date_to)
    grid, _days = selectors.slot_grid(hall=hall, plan=plan, date_from=date_from, date_to=date_to)
    return [
        {"start": s.start, "end": s.end, "capacity": s.capacity, "remaining": s.remaining, "state": s.state}
        for s in grid
    ]


@router.get("/appointments/challenge", summary="A check question for public booking (no outside service)")
def challenge(request):
    question, token = challenge_new()
    return {"question": question, "token": token}


@router.post("/appointments", response={201: AppointmentOut}, summary="Book a slot")
def book(request, payload: BookIn):
    hall = hall_get(code=payload.hall)
    appt = services.appointment_book(
        actor=request.auth,
        hall=hall,
        service_code=payload.service,
        start=payload.start,
        name=payload.name,
        phone=payload.phone,
        id_number=payload.id_number,
        challenge=payload.challenge,
        answer=payload.answer,
    )
    return Status(201, appointment_out(request, appt))


@router.post(
    "/appointments/holds", response={201: AppointmentOut}, summary="Hold a seat while the form is filled"
)
def hold(request, payload: HoldIn):
    hall = hall_get(code=payload.hall)
    appt = services.appointment_hold(
        actor=request.auth,
        hall=hall,
        service_code=payload.service,
        start=payload.start,
        phone=payload.phone,
        challenge=payload.challenge,
        answer=payload.answer,
    )
    return Status(201, appointment_out(request, appt))


@router.post("/appointments/check-in", summary="Check in a booking: returns the queue ticket")
def check_in(request, payload: CheckInIn):
    from servicehall.queueing.api import ticket_out

    hall = hall_get(code=payload.hall)
    appt = services.appointment_check_in(
        actor=request.auth, hall=hall, code=payload.code, phone=payload.phone, id_number=payload.id_number
    )
    return {
        "appointment": appointment_out(request, appt),
        "late": appt.checked_in_late,
        "ticket": ticket_out(request, appt.ticket),
    }


@router.post(
    "/appointments/waitlist", response={201: WaitlistOut}, summary="Join the waitlist of a full slot"
)
def waitlist(request, payload: BookIn):
    hall = hall_get(code=payload.hall)
    entry = services.waitlist_join(
        actor=request.auth,
        hall=hall,
        service_code=payload.service,
        start=payload.start,
        name=payload.name,
        phone=payload.phone,
        id_number=payload.id_number,
        challenge=payload.challenge,
        answer=payload.answer,
    )
    return Status(
        201,
        {
            "id": entry.public_id,
            "status": entry.status,
            "position": selectors.waitlist_length(slot_id=entry.slot_id),
        },
    )


@router.get(
    "/appointments/{appointment_id}", response=AppointmentOut, summary="A booking (public, by its id)"
)
def detail(request, appointment_id: str):
    rate_limit(actor=request.auth, scope="appointment_get", per_minute=120)
    return appointment_out(request, selectors.appointment_get(public_id=appointment_id))


@router.post("/appointments/{appointment_id}/confirm", response=AppointmentOut, summary="Confirm a hold")
def confirm(request, appointment_id: str, payload: PersonIn):
    appt = services.appointment_confirm(
        actor=request.auth,
        appt=selectors.appointment_get(public_id=appointment_id),
        name=payload.name,
        phone=payload.phone,
        id_number=payload.id_number,
        challenge=payload.challenge,
        answer=payload.answer,
    )
    return appointment_out(request, appt)


@router.post("/appointments/{appointment_id}/cancel", response=AppointmentOut, summary="Cancel a booking")
def cancel(request, appointment_id: str, payload: CancelIn):
    appt = services.appointment_cancel(
        actor=request.auth,
        appt=selectors.appointment_get(public_id=appointment_id),
        reason=payload.reason,
        phone=payload.phone,
    )
    return appointment_out(request, appt)


@router.post("/appointments/{appointment_id}/reschedule", response=AppointmentOut, summary="Move a booking")
def reschedule(request, appointment_id: str, payload: RescheduleIn):
    appt = services.appointment_reschedule(
        actor=request.auth,
        appt=selectors.appointment_get(public_id=appointment_id),
        start=payload.start,
        phone=payload.phone,
    )
    return appointment_out(request, appt)


@router.get("/appointments/{appointment_id}/ics", url_name="appointment_ics", summary="The booking as .ics")
def ics(request, appointment_id: str):
    appt = selectors.appointment_get(public_id=appointment_id)
    conf = selectors.settings_get(hall=appt.hall)
    body = appointment_ics(
        appt,
        manage_url=request.build_absolute_uri(services.manage_path(appt)),
        check_in_before_minutes=conf.check_in_before_minutes,
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="appointment-{appt.code}.ics"'
    return response


# ---------------------------------------------------------------- manager


@router.get("/halls/{hall_code}/appointments", summary="Bookings of a day (staff; personal data masked)")
def day_list(request, hall_code: str, date: datetime.date, service: str | None = None):
    hall = hall_get(code=hall_code)
    require_role(request.auth, hall, Role.MANAGER, Role.CLERK)
    item = item_get(hall=hall, code=service) if service else None
    rows = [appointment_out(request, a) for a in selectors.day_bookings(hall=hall, day=date, service=item)]
    return {
        "date": date,
        "appointments": rows,
        "statistics": selectors.statistics(hall=hall, date_from=date, date_to=date),
    }


@router.get(
    "/halls/{hall_code}/appointments/statistics", summary="Bookings, cancellations, no-shows, punctuality"
)
def stats(request, hall_code: str, date_from: datetime.date, date_to: datetime.date):
    hall = hall_get(code=hall_code)
    require_role(request.auth, hall, Role.MANAGER, Role.EVALUATOR)
    return selectors.statistics(hall=hall, date_from=date_from, date_to=date_to)


@router.get(
    "/halls/{hall_code}/appointments/expired-holds",
    response=list[ExpiredHoldsOut],
    summary="Public holds that expired unconfirmed in the last 7 days, per address (manager)",
)
def expired_holds(request, hall_code: str):
    hall = hall_get(code=hall_code)
    require_role(request.auth, hall, Role.MANAGER)
    return selectors.expired_holds_by_address(hall=hall)


@router.post(
    "/halls/{hall_code}/appointments/close", summary="Close a day or a slot; bookings cancelled, told why"
)
def close(request, hall_code: str, payload: CloseIn):
    hall = hall_get(code=hall_code)
    item = item_get(hall=hall, code=payload.service) if payload.service else None
    if payload.start is not None:
        if item is None:
            raise Invalid(fields={"service": [_("Name the service whose slot is closed.")]})
        n = services.slot_close(
            actor=request.auth, hall=hall, service=item, start=payload.start, reason=payload.reason
        )
    else:
        n = services.day_close(
            actor=request.auth, hall=hall, date=payload.date, reason=payload.reason, service=item
        )
    return {"cancelled": n}


@router.get("/halls/{hall_code}/calendar", response=CalendarOut, summary="The hall's working calendar")
def hall_calendar(
    request, hall_code: str, date_from: datetime.date | None = None, date_to: datetime.date | None = None
):
    hall = hall_get(code=hall_code)
    date_from, date_to = _range(hall, None, date_from, date_to)
    days = calendar.hall_days(hall, date_from, date_to)
    today = timezone.now().astimezone(hall.tzinfo).date()
    return {
        "days": [vars(d) for d in days.values()],
        "missing_years": calendar.missing_years(hall, today),
        "official_until": calendar.official_last_year(),
    }


@router.put("/halls/{hall_code}/calendar/{date}", summary="Set a day of the hall's calendar table (manager)")
def calendar_day(request, hall_code: str, date: datetime.date, payload: CalendarDayIn):
    hall = hall_get(code=hall_code)
    if payload.kind and payload.kind not in DayKind.values:
        raise Invalid(fields={"kind": [_("Choose holiday, workday or closed.")]})
    services.calendar_day_set(actor=request.auth, hall=hall, date=date, kind=payload.kind, name=payload.name)
    info = calendar.hall_days(hall, date, date)[date]
    return vars(info)


@router.get("/halls/{hall_code}/appointments/settings", summary="Booking settings of the hall")
def settings_read(request, hall_code: str):
    hall = hall_get(code=hall_code)
    require_role(request.auth, hall, Role.MANAGER)
    conf = selectors.settings_get(hall=hall)
    return {f: getattr(conf, f) for f in SettingsIn.model_fields}


@router.patch("/halls/{hall_code}/appointments/settings", summary="Change booking settings (manager)")
def settings_write(request, hall_code: str, payload: SettingsIn):
    hall = hall_get(code=hall_code)
    changes = payload.model_dump(exclude_none=True)
    conf = services.settings_update(actor=request.auth, hall=hall, **changes)
    return {f: getattr(conf, f) for f in SettingsIn.model_fields}


@router.put("/halls/{hall_code}/services/{item_code}/plan", summary="Set a service's working plan (manager)")
def plan_write(request, hall_code: str, item_code: str, payload: PlanIn):
    hall = hall_get(code=hall_code)
    item = item_get(hall=hall, code=item_code)
    plan = services.plan_save(
        actor=request.auth, hall=hall, service=item, **payload.model_dump(exclude_none=True)
    )
    return {f: getattr(plan, f) for f in PlanIn.model_fields} | {
        "capacity": selectors.plan_capacity(plan=plan)
    }


@router.get("/halls/{hall_code}/services/{item_code}/plan", summary="A service's working plan")
def plan_read(request, hall_code: str, item_code: str):
    hall = hall_get(code=hall_code)
    item = item_get(hall=hall, code=item_code)
    plan = selectors.plan_get(item=item)
    if plan is None:
        return {"active": False}
    if not has_role(request.auth.user, hall, Role.MANAGER, Role.CLERK):
        return {
            "active": True,
            "slot_minutes": plan.slot_minutes,
            "horizon_days": plan.horizon_days,
            "real_name": plan.real_name,
        }
    return {f: getattr(plan, f) for f in PlanIn.model_fields} | {
        "capacity": selectors.plan_capacity(plan=plan)
    }
