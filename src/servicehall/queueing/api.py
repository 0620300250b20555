"""The queue API (a contract other systems use): issue and track tickets, counter sessions, calling and
every ticket action, the hall's queue summary. Thin: parse, call one service or selector, shape."""

import datetime
from typing import Literal

from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from servicehall.core.choices import Role
from servicehall.core.errors import Invalid
from servicehall.core.models import Counter
from servicehall.core.permissions import has_role, require_role
from servicehall.core.ratelimit import rate_limit
from servicehall.core.selectors import hall_get
from servicehall.queueing import selectors, services
from servicehall.queueing.choices import Channel, Outcome, TicketStatus
from servicehall.queueing.models import Ticket

router = Router(tags=["queue"])


class TicketIn(Schema):
    service: str = Field(min_length=1, max_length=64, description="Service item code")
    channel: Channel | None = None
    priority: str = Field("normal", max_length=30)
    phone: str = Field("", max_length=20, description="Mobile number for 'your turn is near'")


class TicketOut(Schema):
    id: str = Field(description="Unguessable public id, used in the tracking link and ticket actions")
    number: str
    service: str
    service_name: str
    service_name_local: str = Field("", description="The service's name in the request's language")
    status: TicketStatus
    channel: str
    priority: str
    position: int = Field(description="1 = next for this service; 0 when no longer waiting")
    people_ahead: int
    estimated_wait_seconds: int
    window_open: bool = Field(
        True, description="False while no open window can call it: the estimate then assumes one opens"
    )
    transferred: bool = Field(
        False, description="Waiting again after a transfer (to another service or window)"
    )
    issued_at: datetime.datetime
    called_at: datetime.datetime | None
    counter: str | None = Field(description="Window number once called")
    counter_name: str | None
    counter_name_local: str | None = Field(None, description="The window's name in the request's language")
    phone: str = Field(description="Masked mobile number")
    note: str | None = Field(None, description="Transfer note (staff only)")
    track_url: str


class QueueRow(Schema):
    id: str
    number: str
    service_name: str
    service_name_local: str = ""
    priority: str
    since: datetime.datetime = Field(description="Waiting since (or no-show since)")


class CounterState(Schema):
    id: int
    number: str
    state: str
    clerk: str | None
    pause_reason: str
    current: TicketOut | None
    parked: list[TicketOut]
    waiting: list[dict]
    queue: list[QueueRow] = Field(description="The next waiting tickets of this counter's services")
    no_shows: list[QueueRow] = Field(description="No-shows that may still be reactivated")
    call_specific: bool
    today: dict | None


class CallIn(Schema):
    counter: int


class CompleteIn(Schema):
    outcome: Outcome = Outcome.DONE


class TransferIn(Schema):
    service: str | None = Field(None, max_length=64)
    counter: int | None = None
    note: str = Field("", max_length=200)
    keep_arrival: bool | None = None
    allow_no_window: bool = Field(
        False, description="Transfer to a service no open window serves (confirmed)"
    )


class NoteIn(Schema):
    note: str = Field("", max_length=200)


class ReasonIn(Schema):
    reason: str = Field("", max_length=200)


class PauseIn(Schema):
    reason: str = Field(min_length=1, max_length=100)


def ticket_out(request, ticket: Ticket, *, staff: bool | None = None) -> dict:
    if staff is None:
        staff = has_role(request.auth.user, ticket.hall, Role.MANAGER, Role.CLERK)
    ahead = getattr(ticket, "people_ahead", None)
    if ahead is None:
        ahead = selectors.people_ahead(ticket=ticket)
    estimate = getattr(ticket, "estimated_wait_seconds", None)
    if estimate is None:
        conf = selectors.settings_get(hall=ticket.hall) if ticket.status == TicketStatus.WAITING else None
        estimate = (
            selectors.estimate_wait_seconds(
                service_id=ticket.service_id,
                hall_id=ticket.hall_id,
                ahead=ahead,
                default_minutes=conf.default_service_minutes,
                ticket=ticket,
            )
            if conf
            else 0
        )
    return {
        "id": ticket.public_id,
        "number": ticket.number,
        "service": ticket.service.code,
        "service_name": ticket.service.name,
        "service_name_local": ticket.service.name_local,
        "status": ticket.status,
        "channel": ticket.channel,
        "priority": ticket.priority,
        "position": ahead + 1 if ticket.status == TicketStatus.WAITING else 0,
        "people_ahead": ahead,
        "estimated_wait_seconds": estimate,
        # False while no open window serves it: the estimate is then a guess, and pages say so
        "transferred": ticket.status == TicketStatus.WAITING and ticket.transfer_count > 0,
        "window_open": ticket.status != TicketStatus.WAITING
        or selectors.window_open(hall_id=ticket.hall_id, service_id=ticket.service_id, ticket=ticket),
        "issued_at": ticket.issued_at,
        "called_at": ticket.called_at,
        "counter": ticket.counter.number if ticket.counter else None,
        "counter_name": ticket.counter.name if ticket.counter else None,
        "counter_name_local": ticket.counter.name_local if ticket.counter else None,
        "phone": ticket.phone_hint,
        "note": ticket.note if staff else None,
        "track_url": request.build_absolute_uri(reverse("queueing:track", args=[ticket.public_id])),
    }


def _counter(counter_id: int) -> Counter:
    from servicehall.core.selectors import counter_get

    return counter_get(counter_id=counter_id)


@router.post("/halls/{hall_code}/tickets", response={201: TicketOut}, summary="Take a number")
def issue(request, hall_code: str, payload: TicketIn):
    hall = hall_get(code=hall_code)
    ticket = services.ticket_issue(
        actor=request.auth,
        hall=hall,
        service_code=payload.service,
        channel=payload.channel,
        priority=payload.priority,
        phone=payload.phone,
    )
    return Status(201, ticket_out(request, ticket))


@router.get("/tickets/{ticket_id}", response=TicketOut, summary="Follow a ticket (public, by its id)")
def track(request, ticket_id: str):
    rate_limit(actor=request.auth, scope="ticket_track", per_minute=600)
    return ticket_out(request, selectors.ticket_get(public_id=ticket_id))


@router.get("/halls/{hall_code}/queue", summary="Waiting counts, estimated waits, counter states")
def queue(request, hall_code: str):
    return selectors.queue_summary(hall=hall_get(code=hall_code))


@router.post("/counters/{counter_id}/open", response=CounterState, summary="Sign in to a counter")
def counter_open(request, counter_id: int):
    counter = _counter(counter_id)
    services.counter_open(actor=request.auth, counter=counter)
    return _counter_state(request, counter)


@router.post("/counters/{counter_id}/close", response=CounterState, summary="Sign out of a counter")
def counter_close(request, counter_id: int):
    counter = _counter(counter_id)
    services.counter_close(actor=request.auth, counter=counter)
    return _counter_state(request, counter)


@router.post("/counters/{counter_id}/pause", response=CounterState, summary="Pause a counter, with a reason")
def counter_pause(request, counter_id: int, payload: PauseIn):
    counter = _counter(counter_id)
    services.counter_pause(actor=request.auth, counter=counter, reason=payload.reason)
    return _counter_state(request, counter)


@router.post("/counters/{counter_id}/unpause", response=CounterState, summary="Resume calling at a counter")
def counter_unpause(request, counter_id: int):
    counter = _counter(counter_id)
    services.counter_unpause(actor=request.auth, counter=counter)
    return _counter_state(request, counter)


@router.get("/counters/{counter_id}/state", response=CounterState, summary="The console's view of a counter")
def counter_state(request, counter_id: int):
    counter = _counter(counter_id)
    require_role(request.auth, counter.hall, Role.MANAGER, Role.CLERK)
    return _counter_state(request, counter)


def _row(ticket: Ticket, since) -> dict:
    return {
        "id": ticket.public_id,
        "number": ticket.number,
        "service_name": ticket.service.name,
        "service_name_local": ticket.service.name_local,
        "priority": ticket.priority,
        "since": since,
    }


def _counter_state(request, counter: Counter) -> dict:
    conf = selectors.settings_get(hall=counter.hall)
    mine = list(selectors.counter_services(counter=counter))
    session = selectors.open_session(counter=counter)
    current = selectors.counter_current(counter=counter)
    return {
        "id": counter.pk,
        "number": counter.number,
        "state": session.state if session else "closed",
        "clerk": str(session.clerk) if session else None,
        "pause_reason": session.pause_reason if session else "",
        "current": ticket_out(request, current, staff=True) if current else None,
        "parked": [ticket_out(request, t, staff=True) for t in selectors.counter_parked(counter=counter)],
        "waiting": selectors.counter_waiting(counter=counter),
        "queue": [
            _row(t, t.queued_at)
            for t in selectors.waiting_list(hall=counter.hall, service_ids=mine, limit=10)
        ],
        "no_shows": [
            _row(t, t.no_show_at)
            for t in selectors.no_shows_recent(
                hall=counter.hall, within_minutes=conf.reactivate_within_minutes, service_ids=mine, limit=10
            )
        ],
        "call_specific": conf.allow_call_specific,
        "today": selectors.clerk_counts_today(user=request.auth.user, hall=counter.hall)
        if request.auth.user_id
        else None,
    }


@router.post(
    "/counters/{counter_id}/call-next",
    response={200: TicketOut, 204: None},
    summary="Call the next ticket for this counter",
)
def call_next(request, counter_id: int):
    counter = _counter(counter_id)
    ticket = services.ticket_call_next(actor=request.auth, counter=counter)
    if ticket is None:
        return Status(204, None)
    return ticket_out(request, ticket, staff=True)


def _ticket(ticket_id: str) -> Ticket:
    return selectors.ticket_get(public_id=ticket_id)


@router.post("/tickets/{ticket_id}/call", response=TicketOut, summary="Call this particular ticket")
def call(request, ticket_id: str, payload: CallIn):
    ticket = services.ticket_call(
        actor=request.auth, ticket=_ticket(ticket_id), counter=_counter(payload.counter)
    )
    return ticket_out(request, ticket, staff=True)


@router.post("/tickets/{ticket_id}/recall", response=TicketOut, summary="Announce again")
def recall(request, ticket_id: str):
    return ticket_out(
        request, services.ticket_recall(actor=request.auth, ticket=_ticket(ticket_id)), staff=True
    )


@router.post("/tickets/{ticket_id}/start", response=TicketOut, summary="Start service")
def start(request, ticket_id: str):
    return ticket_out(
        request, services.ticket_start(actor=request.auth, ticket=_ticket(ticket_id)), staff=True
    )


@router.post("/tickets/{ticket_id}/complete", response=TicketOut, summary="Complete, with an outcome")
def complete(request, ticket_id: str, payload: CompleteIn | None = None):
    outcome = payload.outcome if payload else Outcome.DONE
    ticket = services.ticket_complete(actor=request.auth, ticket=_ticket(ticket_id), outcome=outcome)
    return ticket_out(request, ticket, staff=True)


@router.post("/tickets/{ticket_id}/no-show", response=TicketOut, summary="Mark a no-show")
def no_show(request, ticket_id: str):
    return ticket_out(
        request, services.ticket_no_show(actor=request.auth, ticket=_ticket(ticket_id)), staff=True
    )


@router.post("/tickets/{ticket_id}/reactivate", response=TicketOut, summary="Put a no-show back in the queue")
def reactivate(request, ticket_id: str):
    ticket = services.ticket_reactivate(actor=request.auth, ticket=_ticket(ticket_id))
    return ticket_out(request, ticket, staff=True)


@router.post("/tickets/{ticket_id}/transfer", response=TicketOut, summary="Transfer to a service or a window")
def transfer(request, ticket_id: str, payload: TransferIn):
    counter = _counter(payload.counter) if payload.counter is not None else None
    ticket = services.ticket_transfer(
        actor=request.auth,
        ticket=_ticket(ticket_id),
        service_code=payload.service,
        counter=counter,
        note=payload.note,
        keep_arrival=payload.keep_arrival,
        allow_no_window=payload.allow_no_window,
    )
    return ticket_out(request, ticket, staff=True)


@router.post("/tickets/{ticket_id}/park", response=TicketOut, summary="Park while the citizen fills a form")
def park(request, ticket_id: str, payload: NoteIn | None = None):
    ticket = services.ticket_park(
        actor=request.auth, ticket=_ticket(ticket_id), note=payload.note if payload else ""
    )
    return ticket_out(request, ticket, staff=True)


@router.post("/tickets/{ticket_id}/resume", response=TicketOut, summary="Resume a parked ticket")
def resume(request, ticket_id: str):
    return ticket_out(
        request, services.ticket_resume(actor=request.auth, ticket=_ticket(ticket_id)), staff=True
    )


@router.post(
    "/tickets/{ticket_id}/cancel", response=TicketOut, summary="Cancel (staff, or the citizen while waiting)"
)
def cancel(request, ticket_id: str, payload: ReasonIn | None = None):
    ticket = services.ticket_cancel(
        actor=request.auth, ticket=_ticket(ticket_id), reason=payload.reason if payload else ""
    )
    return ticket_out(request, ticket)


class PriorityClassIn(Schema):
    code: str = Field(min_length=1, max_length=30, pattern=r"^[a-z][a-z0-9_]*$")
    name: str = Field(min_length=1, max_length=30)
    name_en: str = Field("", max_length=60)
    name_zh_hant: str = Field("", max_length=30)
    priority: bool
    # Where the class may be issued (a hall setting); omitted: the default for its kind (choices.py).
    channels: list[Literal["kiosk", "web", "counter", "appointment"]] | None = Field(None, max_length=4)
    verify: bool | None = None  # the window checks a proof (shown on the slip and the console)


class SettingsPatch(Schema):
    allow_remote_tickets: bool | None = None
    allow_call_specific: bool | None = None
    priority_classes: list[PriorityClassIn] | None = None
    priority_per_normal: int | None = Field(None, ge=1, le=20)
    max_wait_minutes: int | None = Field(None, ge=1, le=600)
    recall_limit: int | None = Field(None, ge=0, le=10)
    no_show_after_seconds: int | None = Field(None, ge=0, le=3600)
    reactivate_within_minutes: int | None = Field(None, ge=0, le=600)
    transfer_keeps_arrival: bool | None = None
    notify_near_position: int | None = Field(None, ge=0, le=50)
    default_service_minutes: int | None = Field(None, ge=1, le=240)
    stop_issuing_minutes: int | None = Field(None, ge=0, le=240)
    daily_caps: dict[str, int] | None = None


SETTING_FIELDS = list(SettingsPatch.model_fields)


def _settings_out(conf) -> dict:
    return {name: getattr(conf, name) for name in SETTING_FIELDS}


@router.get("/halls/{hall_code}/queue/settings", summary="The hall's queue settings")
def settings_get(request, hall_code: str):
    hall = hall_get(code=hall_code)
    require_role(request.auth, hall, Role.MANAGER)
    return _settings_out(selectors.settings_get(hall=hall))


@router.patch("/halls/{hall_code}/queue/settings", summary="Change the hall's queue settings (manager)")
def settings_patch(request, hall_code: str, payload: SettingsPatch):
    hall = hall_get(code=hall_code)
    require_role(request.auth, hall, Role.MANAGER)  # who asks comes before what the body says
    changes = payload.model_dump(exclude_unset=True)
    if isinstance(changes.get("daily_caps"), dict) and any(v < 0 for v in changes["daily_caps"].values()):
        raise Invalid(fields={"daily_caps": [_("A cap cannot be negative.")]})
    return _settings_out(services.settings_update(actor=request.auth, hall=hall, **changes))


class CounterServiceIn(Schema):
    service: str = Field(min_length=1, max_length=64)
    order: int = Field(1, ge=1, le=9, description="Tier: lower is called first")
    weight: float = Field(1.0, ge=0.1, le=10, description="Waiting time counts this many times within a tier")


@router.get("/counters/{counter_id}/services", summary="The services a counter calls, with tiers and weights")
def counter_services_get(request, counter_id: int):
    counter = _counter(counter_id)
    rows = selectors.counter_service_rows(counter=counter)
    return rows


@router.put("/counters/{counter_id}/services", summary="Set the services a counter calls (manager)")
def counter_services_put(request, counter_id: int, payload: list[CounterServiceIn]):
    counter = _counter(counter_id)
    services.counter_services_set(actor=request.auth, counter=counter, rows=[r.model_dump() for r in payload])
    return selectors.counter_service_rows(counter=counter)
