"""Counter sessions (open, pause, close), the end of a day's queue, and the settings a manager changes: the
hall's queue settings and the services each counter calls."""

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.catalog.models import ServiceItem
from servicehall.core.actors import Actor
from servicehall.core.audit import SystemActor, audit_record
from servicehall.core.choices import Role
from servicehall.core.errors import Conflict, Invalid, PermissionDenied
from servicehall.core.models import Counter, Hall
from servicehall.core.permissions import has_role, require_role
from servicehall.core.transitions import transition
from servicehall.live.services import event_emit
from servicehall.queueing import selectors
from servicehall.queueing.choices import (
    COUNTER_TRANSITIONS,
    NORMAL,
    OPEN_STATUSES,
    CounterAction,
    CounterState,
    TicketStatus,
)
from servicehall.queueing.models import CounterService, CounterSession, QueueSettings, Ticket
from servicehall.queueing.services.common import (
    STAFF,
)


def tickets_close_previous_days(*, hall: Hall, trigger: str = "worker") -> int:
    """End yesterday's queue: tickets of earlier local days still open are cancelled ("the hall closed")
    and counter sessions left open overnight are closed. Run by the worker after midnight and by every
    counter opening (``trigger="counter.open"``), so a hall without a worker never calls yesterday's
    tickets. The rows are read locked, then changed by id; when anything changed, one audit row
    ``queue.day_closed`` by the system actor lists the ids. Returns the number of tickets closed."""
    now = timezone.now()
    local = selectors.local_now(hall, now)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    with transaction.atomic():
        ticket_ids = list(
            Ticket.objects.select_for_update()
            .filter(hall=hall, day__lt=local.date(), status__in=OPEN_STATUSES)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        session_ids = list(
            CounterSession.objects.select_for_update(of=("self",))
            .filter(counter__hall=hall, closed_at__isnull=True, opened_at__lt=midnight)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if not ticket_ids and not session_ids:
            return 0
        closed = 0
        if ticket_ids:
            closed = Ticket.objects.filter(pk__in=ticket_ids).update(
                status=TicketStatus.CANCELLED, cancelled_at=now, cancel_reason="end of day"
            )
        if session_ids:
            CounterSession.objects.filter(pk__in=session_ids).update(closed_at=now, state=CounterState.CLOSED)
        if closed:
            event_emit(hall=hall, kind="queue.day_closed", payload={"closed": closed})
        audit_record(
            actor=SystemActor(job="queueing.close_previous_days"),
            action="queue.day_closed",
            hall=hall,
            object_type="queueing.ticket",
            object_repr=f"{len(ticket_ids)} ticket(s) cancelled, {len(session_ids)} session(s) closed"[:200],
            after={
                "trigger": trigger,
                "before_day": local.date(),
                "tickets_cancelled": ticket_ids,
                "sessions_closed": session_ids,
            },
        )
    return closed


# --- counter sessions ----------------------------------------------------------------------------------


def _windows_changed(hall_id: int) -> None:
    """Open windows feed the wait estimate (cached briefly); drop the cache once the change commits."""
    transaction.on_commit(lambda: cache.delete(f"q:windows:{hall_id}"))


def _counter_event(counter: Counter, session: CounterSession | None, kind: str) -> None:
    _windows_changed(counter.hall_id)
    event_emit(
        hall=counter.hall,
        kind=kind,
        payload={
            "counter": counter.number,
            "counter_name": counter.name,
            "state": session.state if session and session.closed_at is None else CounterState.CLOSED,
            "pause_reason": session.pause_reason if session else "",
        },
    )


@transaction.atomic
def counter_open(*, actor: Actor, counter: Counter) -> CounterSession:
    """Sign the clerk in at the counter. Idempotent for the same clerk; refused while another clerk is
    signed in there, or while the clerk still has a ticket at another counter (then closes that one)."""
    require_role(actor, counter.hall, *STAFF)
    if not counter.active:
        raise Conflict(_("This window is not in use."), code="counter_inactive")
    tickets_close_previous_days(hall=counter.hall, trigger="counter.open")
    existing = (
        CounterSession.objects.select_for_update().filter(counter=counter, closed_at__isnull=True).first()
    )
    if existing is not None:
        if existing.clerk_id == actor.user_id:
            return existing
        raise Conflict(
            _("Window %(counter)s is in use by %(clerk)s.")
            % {"counter": counter.number, "clerk": existing.clerk},
            code="counter_in_use",
        )
    mine = (
        CounterSession.objects.select_for_update()
        .filter(clerk_id=actor.user_id, closed_at__isnull=True)
        .first()
    )
    if mine is not None:
        _close_session(actor, mine)
    try:
        with transaction.atomic():
            session = CounterSession.objects.create(
                counter=counter, clerk=actor.user, opened_at=timezone.now()
            )
    except IntegrityError as exc:
        raise Conflict(
            _("Window %(counter)s was just opened by someone else.") % {"counter": counter.number},
            code="counter_in_use",
        ) from exc
    _counter_event(counter, session, "counter.opened")
    audit_record(actor=actor, action="counter.open", hall=counter.hall, obj=counter)
    return session


def _close_session(actor: Actor, session: CounterSession) -> None:
    busy = Ticket.objects.filter(
        counter_id=session.counter_id, status__in=[TicketStatus.CALLED, TicketStatus.SERVING]
    ).first()
    if busy is not None:
        raise Conflict(
            _("Ticket %(number)s is still at window %(counter)s: complete, transfer or mark it first.")
            % {"number": busy.number, "counter": session.counter.number},
            code="counter_busy",
        )
    session.state = transition(COUNTER_TRANSITIONS, session, CounterAction.CLOSE)
    session.closed_at = timezone.now()
    session.save(update_fields=["closed_at", "state"])
    _counter_event(session.counter, session, "counter.closed")
    audit_record(actor=actor, action="counter.close", hall=session.counter.hall, obj=session.counter)


def _own_session(actor: Actor, counter: Counter, *, manager_may: bool = False) -> CounterSession:
    require_role(actor, counter.hall, *STAFF)
    session = (
        CounterSession.objects.select_for_update(of=("self",))
        .select_related("counter", "counter__hall")
        .filter(counter=counter, closed_at__isnull=True)
        .first()
    )
    if session is None:
        raise Conflict(
            _("Window %(counter)s is closed: open it first.") % {"counter": counter.number},
            code="counter_closed",
        )
    if session.clerk_id != actor.user_id and not (
        manager_may and has_role(actor.user, counter.hall, Role.MANAGER)
    ):
        raise PermissionDenied(
            _("Window %(counter)s is signed in by %(clerk)s.")
            % {"counter": counter.number, "clerk": session.clerk},
            code="not_your_counter",
        )
    return session


@transaction.atomic
def counter_close(*, actor: Actor, counter: Counter) -> None:
    """Sign out of the counter (a manager may close any counter). Refused while a ticket is at it."""
    session = _own_session(actor, counter, manager_may=True)
    _close_session(actor, session)


@transaction.atomic
def counter_pause(*, actor: Actor, counter: Counter, reason: str) -> CounterSession:
    session = _own_session(actor, counter)
    reason = (reason or "").strip()[:100]
    if not reason:
        raise Invalid(fields={"reason": [_("Say why the window pauses (shown to citizens).")]})
    session.state = transition(COUNTER_TRANSITIONS, session, CounterAction.PAUSE)
    session.pause_reason = reason
    session.state_since = timezone.now()
    session.save(update_fields=["state", "pause_reason", "state_since"])
    _counter_event(counter, session, "counter.paused")
    audit_record(
        actor=actor, action="counter.pause", hall=counter.hall, obj=counter, after={"reason": reason}
    )
    return session


@transaction.atomic
def counter_unpause(*, actor: Actor, counter: Counter) -> CounterSession:
    session = _own_session(actor, counter)
    session.state = transition(COUNTER_TRANSITIONS, session, CounterAction.RESUME)
    session.pause_reason = ""
    session.state_since = timezone.now()
    session.save(update_fields=["state", "pause_reason", "state_since"])
    _counter_event(counter, session, "counter.opened")
    audit_record(actor=actor, action="counter.unpause", hall=counter.hall, obj=counter)
    return session


@transaction.atomic
def settings_update(*, actor: Actor, hall: Hall, **changes) -> QueueSettings:
    """Change the hall's queue settings (manager only), validated like a form."""
    from servicehall.core.services import hall_settings_update

    def check(conf: QueueSettings) -> None:
        classes = conf.priority_classes
        if not isinstance(classes, list) or not any(
            isinstance(c, dict) and c.get("code") == NORMAL for c in classes
        ):
            raise Invalid(fields={"priority_classes": [_("The class “normal” must stay.")]})

    return hall_settings_update(
        model=QueueSettings, actor=actor, hall=hall, action="queue.settings", changes=changes, check=check
    )


@transaction.atomic
def counter_services_set(*, actor: Actor, counter: Counter, rows: list[dict]) -> list[CounterService]:
    """Replace the services a counter calls, each with its tier and weight (manager only). An empty list
    returns the counter to the catalogue's windows of each item."""
    require_role(actor, counter.hall, Role.MANAGER)
    # Two managers saving at once must not both delete and then both insert: hold the counter row.
    Counter.objects.select_for_update(of=("self",)).filter(pk=counter.pk).order_by("pk").first()
    codes = [r["service"] for r in rows]
    items = {
        i.code: i for i in ServiceItem.objects.filter(hall_id=counter.hall_id, code__in=codes, active=True)
    }
    errors = {
        f"{i}.service": [_("No such service in this hall.")] for i, c in enumerate(codes) if c not in items
    }
    if len(set(codes)) != len(codes):
        errors["services"] = [_("Each service may be listed once.")]
    if errors:
        raise Invalid(fields=errors)
    before = list(
        CounterService.objects.filter(counter=counter).values_list("service__code", "order", "weight")
    )
    CounterService.objects.filter(counter=counter).delete()
    created = CounterService.objects.bulk_create(
        CounterService(
            counter=counter, service=items[r["service"]], order=r.get("order", 1), weight=r.get("weight", 1)
        )
        for r in rows
    )
    _windows_changed(counter.hall_id)
    audit_record(
        actor=actor,
        action="counter.services",
        hall=counter.hall,
        obj=counter,
        before={"services": before},
        after={"services": rows},
    )
    return created
