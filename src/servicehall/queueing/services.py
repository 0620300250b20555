"""Every write of the queue: issuing tickets, counter sessions, and each ticket action.

Each action is one service: it locks the rows it reads-then-writes, checks the move against
``choices.TRANSITIONS``, saves with ``update_fields``, writes the audit row and the outbox event, all in
one transaction. Locks: numbering takes the (hall, prefix, day) sequence row by an upsert; calling takes
the counter's open session row (``select_for_update``) and claims the chosen ticket with a conditional
``UPDATE … WHERE status = 'waiting'`` (compare-and-set), retrying if another counter won it. SQLite runs
every write transaction ``IMMEDIATE``, which serialises them.
"""

import datetime

from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.catalog.models import ServiceItem
from servicehall.core import crypto
from servicehall.core.actors import Actor
from servicehall.core.audit import audit_record
from servicehall.core.choices import DeviceKind, Role
from servicehall.core.errors import Conflict, Invalid, NotAuthenticated, PermissionDenied
from servicehall.core.identity import is_valid_mobile, mask_phone, normalize_phone
from servicehall.core.models import Counter, Hall
from servicehall.core.notify import send_text
from servicehall.core.permissions import has_role, require_role
from servicehall.core.ratelimit import rate_limit
from servicehall.core.selectors import opening_periods
from servicehall.live.services import event_emit
from servicehall.queueing import policy, selectors
from servicehall.queueing.choices import (
    NORMAL,
    OPEN_STATUSES,
    TRANSITIONS,
    Channel,
    CounterState,
    Outcome,
    TicketAction,
    TicketStatus,
)
from servicehall.queueing.models import CounterService, CounterSession, QueueSettings, Ticket, TicketSequence

STAFF = (Role.MANAGER, Role.CLERK)
CLAIM_ATTEMPTS = 16


# --- helpers -------------------------------------------------------------------------------------------

def _seconds(later: datetime.datetime, earlier: datetime.datetime | None) -> int:
    return max(0, int((later - earlier).total_seconds())) if earlier else 0


def _add(total: int | None, seconds: int) -> int:
    return (total or 0) + seconds


def _transition(ticket: Ticket, action: str) -> str:
    """The new status for ``action``, or a 409 that says, in words, why not."""
    new = TRANSITIONS.get((ticket.status, action))
    if new is None:
        raise Conflict(
            _("Ticket %(number)s is %(status)s; it cannot be given the action “%(action)s”.") % {
                "number": ticket.number, "status": TicketStatus(ticket.status).label,
                "action": TicketAction(action).label},
            code="illegal_transition")
    return new


def _waiting_count(hall_id: int, service_id: int, day: datetime.date) -> int:
    return Ticket.objects.filter(hall_id=hall_id, service_id=service_id, day=day,
                                 status=TicketStatus.WAITING).count()


def _payload(ticket: Ticket, action: str, *, waiting: dict[str, int] | None = None, counter=None) -> dict:
    """What every screen receives: number, service, window and counts, never personal data."""
    counter = counter if counter is not None else ticket.counter
    return {
        "action": action, "number": ticket.number, "status": ticket.status, "priority": ticket.is_priority,
        "service": ticket.service.code, "service_name": ticket.service.name, "prefix": ticket.prefix,
        "counter": counter.number if counter else None, "counter_name": counter.name if counter else None,
        "waiting": waiting if waiting is not None else {
            ticket.service.code: _waiting_count(ticket.hall_id, ticket.service_id, ticket.day)},
    }


def _audit(actor: Actor, action: str, ticket: Ticket, **extra) -> None:
    audit_record(actor=actor, action=f"ticket.{action}", hall=ticket.hall, obj=ticket,
                 after={"status": ticket.status, "counter": ticket.counter_id, **extra})


def _lock(ticket: Ticket) -> Ticket:
    """Re-read the ticket under a row lock (PostgreSQL; SQLite is already serialised)."""
    return (Ticket.objects.select_for_update(of=("self",)).select_related("service", "counter", "hall")
            .get(pk=ticket.pk))


def _session_for(actor: Actor, hall: Hall) -> CounterSession | None:
    session = selectors.session_of_clerk(user=actor.user)
    return session if session is not None and session.counter.hall_id == hall.pk else None


def _require_at_counter(actor: Actor, ticket: Ticket) -> None:
    """Counter actions belong to the clerk signed in where the ticket is; a manager may step in."""
    require_role(actor, ticket.hall, *STAFF)
    if has_role(actor.user, ticket.hall, Role.MANAGER) or ticket.counter_id is None:
        return  # a ticket at no counter can take none of these actions: the transition table answers 409
    session = _session_for(actor, ticket.hall)
    if session is None or session.counter_id != ticket.counter_id:
        where = ticket.counter.number if ticket.counter else "—"
        raise PermissionDenied(
            _("Ticket %(number)s is at window %(counter)s; only the clerk signed in there can do this.")
            % {"number": ticket.number, "counter": where}, code="not_your_ticket")


# --- issuing -------------------------------------------------------------------------------------------

def _next_number(hall: Hall, prefix: str, day: datetime.date) -> int:
    """Increment and return today's number for the prefix in one statement (never count() + 1)."""
    table = TicketSequence._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (hall_id, prefix, day, last_number) VALUES (%s, %s, %s, 1) "  # noqa: S608
            f"ON CONFLICT (hall_id, prefix, day) DO UPDATE SET last_number = {table}.last_number + 1 "
            "RETURNING last_number",
            [hall.pk, prefix, day.isoformat()])
        return cursor.fetchone()[0]


def _check_open(hall: Hall, conf: QueueSettings, local: datetime.datetime) -> None:
    """Public channels issue only during opening hours (a hall without hours set is always open)."""
    periods = opening_periods(hall=hall)
    if not periods:
        return
    today = sorted((o, c) for wd, o, c in periods if wd == local.weekday())
    cutoff = datetime.timedelta(minutes=conf.stop_issuing_minutes)
    now_t = local.time()
    for opens, closes in today:
        last = (datetime.datetime.combine(local.date(), closes) - cutoff).time()
        if opens <= now_t < last:
            return
    later = [o for o, _c in today if o > now_t]
    if later:
        raise Conflict(_("Not open yet: tickets are issued from %(time)s.") % {"time": later[0].strftime("%H:%M")},
                       code="not_open")
    raise Conflict(_("The hall has stopped issuing tickets for today. Please come back on the next working day."),
                   code="closed")


def _issue_rights(actor: Actor, hall: Hall, channel: str | None, priority: str, conf: QueueSettings) -> str:
    """Decide the channel and check who may use it and the priority class."""
    staff = has_role(actor.user, hall, *STAFF)
    device = actor.device if actor.device is not None and actor.device.hall_id == hall.pk else None
    if actor.device is not None and device is None:
        raise PermissionDenied(_("This device belongs to another hall."))
    if channel is None:
        channel = Channel.KIOSK if device else Channel.COUNTER if staff else Channel.WEB
    # An anonymous caller is asked to sign in (401), like every staff-only action; a known one is refused.
    refuse = PermissionDenied if actor.user_id is not None or actor.device is not None else NotAuthenticated
    if channel in (Channel.COUNTER,) and not staff:
        raise refuse(_("Only staff of this hall can issue tickets at the counter."))
    if channel == Channel.APPOINTMENT and not (staff or (device and device.kind == DeviceKind.KIOSK)):
        raise refuse(_("Appointment tickets come from check-in at a kiosk or by staff."))
    if channel == Channel.KIOSK and not (staff or (device and device.kind == DeviceKind.KIOSK)):
        raise refuse(_("Kiosk tickets come from a registered kiosk of this hall."))
    if channel == Channel.WEB and not (staff or device):
        if not conf.allow_remote_tickets:
            if actor.user_id is None:
                raise NotAuthenticated(_("This hall issues tickets only on site, at the kiosk or the counter."),
                                       code="remote_tickets_disabled")
            raise PermissionDenied(_("This hall issues tickets only on site, at the kiosk or the counter."))
        rate_limit(actor=actor, scope="ticket_issue", per_minute=10)
    klass = conf.priority_class(priority)
    if klass is None:
        raise Invalid(fields={"priority": [_("Unknown priority class.")]})
    if priority != NORMAL and not (staff or device):
        raise PermissionDenied(_("Priority tickets are issued at the kiosk or by staff."))
    return channel


def ticket_issue(*, actor: Actor, hall: Hall, service_code: str, channel: str | None = None,
                 priority: str = NORMAL, phone: str = "", customer_id: int | None = None) -> Ticket:
    """Issue a ticket. Public channels respect opening hours; every channel respects the service's daily
    cap. The number comes from the sequence row in this transaction, so a refused or failed issue leaves
    no gap. The returned ticket carries ``people_ahead`` and ``estimated_wait_seconds``."""
    conf = selectors.settings_get(hall=hall)
    channel = _issue_rights(actor, hall, channel, priority or NORMAL, conf)
    priority = priority or NORMAL
    phone = normalize_phone(phone or "")
    if phone and not is_valid_mobile(phone):
        raise Invalid(fields={"phone": [_("Enter an 11-digit mobile number.")]})
    item = ServiceItem.objects.filter(hall=hall, code=service_code, active=True).first()
    if item is None:
        raise Invalid(fields={"service": [_("No such service in this hall.")]})
    now = timezone.now()
    local = selectors.local_now(hall, now)
    if channel in (Channel.KIOSK, Channel.WEB) and not has_role(actor.user, hall, *STAFF):
        _check_open(hall, conf, local)
    is_priority = bool(conf.priority_class(priority).get("priority"))
    with transaction.atomic():
        seq = _next_number(hall, item.ticket_prefix, local.date())
        cap = conf.daily_caps.get(item.code) if isinstance(conf.daily_caps, dict) else None
        # Services may share a prefix, so count this service's tickets; the upsert above holds the prefix's
        # sequence row, which serialises every issue that could change this count.
        if cap and Ticket.objects.filter(hall=hall, service=item, day=local.date()).count() >= int(cap):
            raise Conflict(_("Today's tickets for this service have all been issued (%(cap)s). "
                             "Please book an appointment or come back tomorrow.") % {"cap": cap}, code="sold_out")
        ticket = Ticket.objects.create(
            hall=hall, service=item, day=local.date(), prefix=item.ticket_prefix, seq=seq,
            number=f"{item.ticket_prefix}{seq:03d}", channel=channel, priority=priority, is_priority=is_priority,
            phone_encrypted=crypto.encrypt(phone), phone_hint=mask_phone(phone) if phone else "",
            customer_id=customer_id, issued_at=now, queued_at=now, waiting_since=now,
        )
        waiting = _waiting_count(hall.pk, item.pk, local.date())
        if is_priority:
            ahead = Ticket.objects.filter(hall=hall, service=item, status=TicketStatus.WAITING, is_priority=True,
                                          queued_at__lte=now).exclude(pk=ticket.pk).count()
        else:
            ahead = waiting - 1
        event_emit(hall=hall, kind="ticket.issued", payload=_payload(ticket, "issue", waiting={item.code: waiting},
                                                                      counter=False))
        audit_record(actor=actor, action="ticket.issue", hall=hall, obj=ticket,
                     after={"number": ticket.number, "service": item.code, "channel": channel, "priority": priority})
    ticket.people_ahead = ahead
    ticket.estimated_wait_seconds = selectors.estimate_wait_seconds(
        service_id=item.pk, hall_id=hall.pk, ahead=ahead, default_minutes=conf.default_service_minutes, ticket=ticket)
    return ticket


# --- end of day ----------------------------------------------------------------------------------------

def tickets_close_previous_days(*, hall: Hall) -> int:
    """End yesterday's queue: tickets of earlier local days still open are cancelled ("the hall closed")
    and counter sessions left open overnight are closed. Run by the worker after midnight and by every
    counter opening, so a hall without a worker never calls yesterday's tickets. Returns tickets closed."""
    now = timezone.now()
    local = selectors.local_now(hall, now)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    with transaction.atomic():
        closed = Ticket.objects.filter(hall=hall, day__lt=local.date(), status__in=OPEN_STATUSES).update(
            status=TicketStatus.CANCELLED, cancelled_at=now, cancel_reason="end of day")
        CounterSession.objects.filter(counter__hall=hall, closed_at__isnull=True, opened_at__lt=midnight).update(
            closed_at=now, state=CounterState.CLOSED)
        if closed:
            event_emit(hall=hall, kind="queue.day_closed", payload={"closed": closed})
    return closed


# --- counter sessions ----------------------------------------------------------------------------------

def _windows_changed(hall_id: int) -> None:
    """Open windows feed the wait estimate (cached briefly); drop the cache once the change commits."""
    transaction.on_commit(lambda: cache.delete(f"q:windows:{hall_id}"))


def _counter_event(counter: Counter, session: CounterSession | None, kind: str) -> None:
    _windows_changed(counter.hall_id)
    event_emit(hall=counter.hall, kind=kind, payload={
        "counter": counter.number, "counter_name": counter.name,
        "state": session.state if session and session.closed_at is None else CounterState.CLOSED,
        "pause_reason": session.pause_reason if session else ""})


@transaction.atomic
def counter_open(*, actor: Actor, counter: Counter) -> CounterSession:
    """Sign the clerk in at the counter. Idempotent for the same clerk; refused while another clerk is
    signed in there, or while the clerk still has a ticket at another counter (then closes that one)."""
    require_role(actor, counter.hall, *STAFF)
    if not counter.active:
        raise Conflict(_("This window is not in use."), code="counter_inactive")
    tickets_close_previous_days(hall=counter.hall)
    existing = CounterSession.objects.select_for_update().filter(counter=counter, closed_at__isnull=True).first()
    if existing is not None:
        if existing.clerk_id == actor.user_id:
            return existing
        raise Conflict(_("Window %(counter)s is in use by %(clerk)s.") % {
            "counter": counter.number, "clerk": existing.clerk}, code="counter_in_use")
    mine = CounterSession.objects.select_for_update().filter(clerk_id=actor.user_id, closed_at__isnull=True).first()
    if mine is not None:
        _close_session(actor, mine)
    try:
        with transaction.atomic():
            session = CounterSession.objects.create(counter=counter, clerk=actor.user, opened_at=timezone.now())
    except IntegrityError as exc:
        raise Conflict(_("Window %(counter)s was just opened by someone else.") % {"counter": counter.number},
                       code="counter_in_use") from exc
    _counter_event(counter, session, "counter.opened")
    audit_record(actor=actor, action="counter.open", hall=counter.hall, obj=counter)
    return session


def _close_session(actor: Actor, session: CounterSession) -> None:
    busy = Ticket.objects.filter(counter_id=session.counter_id,
                                 status__in=[TicketStatus.CALLED, TicketStatus.SERVING]).first()
    if busy is not None:
        raise Conflict(_("Ticket %(number)s is still at window %(counter)s: complete, transfer or mark it first.")
                       % {"number": busy.number, "counter": session.counter.number}, code="counter_busy")
    session.closed_at = timezone.now()
    session.state = CounterState.CLOSED
    session.save(update_fields=["closed_at", "state"])
    _counter_event(session.counter, session, "counter.closed")
    audit_record(actor=actor, action="counter.close", hall=session.counter.hall, obj=session.counter)


def _own_session(actor: Actor, counter: Counter, *, manager_may: bool = False) -> CounterSession:
    require_role(actor, counter.hall, *STAFF)
    session = (CounterSession.objects.select_for_update(of=("self",))
               .select_related("counter", "counter__hall")
               .filter(counter=counter, closed_at__isnull=True).first())
    if session is None:
        raise Conflict(_("Window %(counter)s is closed: open it first.") % {"counter": counter.number},
                       code="counter_closed")
    if session.clerk_id != actor.user_id and not (manager_may and has_role(actor.user, counter.hall, Role.MANAGER)):
        raise PermissionDenied(_("Window %(counter)s is signed in by %(clerk)s.") % {
            "counter": counter.number, "clerk": session.clerk}, code="not_your_counter")
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
    session.state, session.pause_reason = CounterState.PAUSED, reason
    session.save(update_fields=["state", "pause_reason"])
    _counter_event(counter, session, "counter.paused")
    audit_record(actor=actor, action="counter.pause", hall=counter.hall, obj=counter, after={"reason": reason})
    return session


@transaction.atomic
def counter_unpause(*, actor: Actor, counter: Counter) -> CounterSession:
    session = _own_session(actor, counter)
    session.state, session.pause_reason = CounterState.OPEN, ""
    session.save(update_fields=["state", "pause_reason"])
    _counter_event(counter, session, "counter.opened")
    audit_record(actor=actor, action="counter.unpause", hall=counter.hall, obj=counter)
    return session


# --- calling -------------------------------------------------------------------------------------------

def _candidates(counter: Counter, services: dict[int, tuple[int, float]],
                skipped: set[int] = frozenset()) -> list[policy.Candidate]:
    """The oldest waiting ticket of each (service, class kind) plus the oldest directed here: enough for
    the policy (within one service and kind the oldest always wins), and a handful of indexed reads.

    On PostgreSQL each read locks its row with ``FOR UPDATE SKIP LOCKED``: counters calling at the same
    instant each get their own candidates (the next oldest when the oldest is being claimed) instead of
    queueing behind one another's transaction. The locks not used are released at commit."""
    fields = ("id", "queued_at", "is_priority", "service_id", "target_counter_id")
    today = selectors.local_now(counter.hall).date()
    base = Ticket.objects.filter(hall_id=counter.hall_id, day=today, status=TicketStatus.WAITING)
    if skipped:
        base = base.exclude(pk__in=skipped)
    if connection.features.has_select_for_update_skip_locked:
        base = base.select_for_update(skip_locked=True, of=("self",))
    rows = []
    for service_id in services:
        for flag in (True, False):
            rows += base.filter(service_id=service_id, is_priority=flag, target_counter__isnull=True) \
                .order_by("queued_at", "id").values_list(*fields)[:1]
    rows += base.filter(target_counter=counter).order_by("queued_at", "id").values_list(*fields)[:1]
    return [policy.Candidate(*r) for r in rows]


def _notify_near(ticket: Ticket, conf: QueueSettings) -> None:
    """Text "your turn is near" once to waiting citizens with a phone within the configured position."""
    if not conf.notify_near_position:
        return
    head = list(Ticket.objects.filter(hall_id=ticket.hall_id, service_id=ticket.service_id, day=ticket.day,
                                      status=TicketStatus.WAITING)
                .order_by("-is_priority", "queued_at", "id")
                .values_list("id", "phone_encrypted", "near_notified_at", "number")[:conf.notify_near_position])
    due = [(pk, enc, number) for pk, enc, notified, number in head if enc and notified is None]
    if not due:
        return
    mine = Ticket.objects.filter(pk__in=[d[0] for d in due], near_notified_at__isnull=True)
    if connection.features.has_select_for_update_skip_locked:
        # A row another counter holds (its call-next candidate) is left for the next call: waiting for it
        # here could deadlock with that counter, which may be waiting for one of ours.
        mine = Ticket.objects.filter(pk__in=list(mine.select_for_update(skip_locked=True, of=("self",))
                                                 .values_list("id", flat=True)))
    marked = set(mine.values_list("id", flat=True))
    Ticket.objects.filter(pk__in=marked).update(near_notified_at=timezone.now())
    due = [d for d in due if d[0] in marked]
    hall_name = ticket.hall.name
    for _pk, enc, number in due:
        text = _("[%(hall)s] Ticket %(number)s: your turn is near. Please come to the waiting area.") % {
            "hall": hall_name, "number": number}
        phone = crypto.decrypt(enc)
        transaction.on_commit(lambda p=phone, t=text: send_text(p, t))


def _claim(ticket_id: int, counter: Counter, actor: Actor, now) -> Ticket | None:
    """Compare-and-set: the ticket becomes ours only if it is still waiting (on PostgreSQL the candidates
    are already locked by ``_candidates``, so this only guards SQLite and the unexpected)."""
    won = Ticket.objects.filter(pk=ticket_id, status=TicketStatus.WAITING).update(
        status=TicketStatus.CALLED, counter=counter, clerk_id=actor.user_id, called_at=now, recalled_at=None,
        recall_count=0, target_counter=None)
    if not won:
        return None
    ticket = Ticket.objects.select_related("service", "hall").get(pk=ticket_id)
    ticket.counter = counter
    ticket.wait_seconds = _add(ticket.wait_seconds, _seconds(now, ticket.waiting_since))
    update = ["wait_seconds"]
    if ticket.first_called_at is None:
        ticket.first_called_at = now
        update.append("first_called_at")
    ticket.save(update_fields=update)
    return ticket


def _announce_call(actor: Actor, ticket: Ticket, conf: QueueSettings, action: str, **audit_extra) -> None:
    event_emit(hall=ticket.hall, kind="ticket.called", payload=_payload(ticket, action))
    _audit(actor, action, ticket, **audit_extra)
    _notify_near(ticket, conf)


def _ready_session(actor: Actor, counter: Counter) -> CounterSession:
    session = _own_session(actor, counter)
    if session.state == CounterState.PAUSED:
        raise Conflict(_("Window %(counter)s is paused: resume it first.") % {"counter": counter.number},
                       code="counter_paused")
    current = selectors.counter_current(counter=counter)
    if current is not None:
        raise Conflict(_("Ticket %(number)s is still at this window: complete it, mark it a no-show or "
                         "transfer it first.") % {"number": current.number}, code="counter_busy")
    return session


@transaction.atomic
def ticket_call_next(*, actor: Actor, counter: Counter) -> Ticket | None:
    """Call the next ticket for the clerk's counter by the calling policy, or None if nobody waits for it.
    Locks the counter's session row; claims the ticket by compare-and-set, so two counters calling at the
    same instant never get the same ticket."""
    session = _ready_session(actor, counter)
    conf = selectors.settings_get(hall=counter.hall)
    rules = policy.Rules(priority_per_normal=conf.priority_per_normal,
                         max_wait=datetime.timedelta(minutes=conf.max_wait_minutes))
    services = selectors.counter_services(counter=counter)
    skipped: set[int] = set()
    for _attempt in range(CLAIM_ATTEMPTS):
        now = timezone.now()
        choice = policy.choose_next(_candidates(counter, services, skipped), counter_id=counter.pk,
                                    services=services, streak=session.priority_streak, rules=rules, now=now)
        if choice is None:
            return None
        ticket = _claim(choice.id, counter, actor, now)
        if ticket is not None:
            break
        skipped.add(choice.id)  # another counter is claiming it: take the policy's next choice
    else:
        raise Conflict(_("Many windows are calling at once; please press again."), code="busy")
    if session.priority_streak != choice.streak:
        session.priority_streak = choice.streak
        session.save(update_fields=["priority_streak"])
    _announce_call(actor, ticket, conf, "call", rule=choice.reason)
    return ticket


@transaction.atomic
def ticket_call(*, actor: Actor, ticket: Ticket, counter: Counter) -> Ticket:
    """Call one particular ticket (when the hall allows it); always audited."""
    if counter.hall_id != ticket.hall_id:
        raise Invalid(fields={"counter": [_("The window is in another hall.")]})
    _ready_session(actor, counter)
    conf = selectors.settings_get(hall=ticket.hall)
    if not conf.allow_call_specific:
        raise PermissionDenied(_("This hall does not allow calling a particular ticket."), code="call_specific_off")
    _transition(ticket, TicketAction.CALL)
    claimed = _claim(ticket.pk, counter, actor, timezone.now())
    if claimed is None:
        raise Conflict(_("Ticket %(number)s was just called elsewhere.") % {"number": ticket.number},
                       code="illegal_transition")
    _announce_call(actor, claimed, conf, "call", specific=True)
    return claimed


# --- actions on a called or served ticket --------------------------------------------------------------

def _save(actor: Actor, ticket: Ticket, action: str, fields: list[str], *, kind: str | None = None,
          counter=None, waiting=None, **audit_extra) -> Ticket:
    ticket.save(update_fields=fields)
    event_emit(hall=ticket.hall, kind=kind or f"ticket.{action.replace('-', '_')}",
               payload=_payload(ticket, action, counter=counter, waiting=waiting))
    _audit(actor, action, ticket, **audit_extra)
    return ticket


@transaction.atomic
def ticket_recall(*, actor: Actor, ticket: Ticket) -> Ticket:
    """Announce the ticket again (up to the hall's recall limit)."""
    ticket = _lock(ticket)
    _require_at_counter(actor, ticket)
    ticket.status = _transition(ticket, TicketAction.RECALL)
    conf = selectors.settings_get(hall=ticket.hall)
    if ticket.recall_count >= conf.recall_limit:
        raise Conflict(_("Ticket %(number)s has been recalled %(n)s times: mark it a no-show.") % {
            "number": ticket.number, "n": ticket.recall_count}, code="recall_limit")
    ticket.recall_count += 1
    ticket.recalled_at = timezone.now()
    return _save(actor, ticket, "recall", ["recall_count", "recalled_at"], kind="ticket.called")


@transaction.atomic
def ticket_start(*, actor: Actor, ticket: Ticket) -> Ticket:
    """The citizen arrived at the window: service begins (walking time ends)."""
    ticket = _lock(ticket)
    _require_at_counter(actor, ticket)
    ticket.status = _transition(ticket, TicketAction.START)
    now = timezone.now()
    ticket.walk_seconds = _add(ticket.walk_seconds, _seconds(now, ticket.called_at))
    ticket.started_at = now
    return _save(actor, ticket, "start", ["status", "started_at", "walk_seconds"])


@transaction.atomic
def ticket_complete(*, actor: Actor, ticket: Ticket, outcome: str = Outcome.DONE) -> Ticket:
    ticket = _lock(ticket)
    _require_at_counter(actor, ticket)
    if outcome not in Outcome.values:
        raise Invalid(fields={"outcome": [_("Unknown outcome.")]})
    ticket.status = _transition(ticket, TicketAction.COMPLETE)
    now = timezone.now()
    ticket.service_seconds = _add(ticket.service_seconds, _seconds(now, ticket.started_at))
    ticket.completed_at, ticket.outcome = now, outcome
    return _save(actor, ticket, "complete", ["status", "completed_at", "service_seconds", "outcome"],
                 outcome=outcome)


@transaction.atomic
def ticket_no_show(*, actor: Actor, ticket: Ticket) -> Ticket:
    """Mark a called ticket that did not come: after the recalls, or after the no-show timeout."""
    ticket = _lock(ticket)
    _require_at_counter(actor, ticket)
    ticket.status = _transition(ticket, TicketAction.NO_SHOW)
    conf = selectors.settings_get(hall=ticket.hall)
    now = timezone.now()
    waited = _seconds(now, ticket.recalled_at or ticket.called_at)
    if ticket.recall_count < conf.recall_limit and waited < conf.no_show_after_seconds:
        raise Conflict(_("Recall ticket %(number)s first (%(done)s of %(limit)s recalls), or wait %(left)s more "
                         "seconds.") % {"number": ticket.number, "done": ticket.recall_count,
                                        "limit": conf.recall_limit, "left": conf.no_show_after_seconds - waited},
                       code="too_early")
    ticket.no_show_at = now
    return _save(actor, ticket, "no-show", ["status", "no_show_at"])


@transaction.atomic
def ticket_reactivate(*, actor: Actor, ticket: Ticket) -> Ticket:
    """Put a no-show back in the queue at its original place, within the hall's window."""
    ticket = _lock(ticket)
    require_role(actor, ticket.hall, *STAFF)
    ticket.status = _transition(ticket, TicketAction.REACTIVATE)
    conf = selectors.settings_get(hall=ticket.hall)
    now = timezone.now()
    if _seconds(now, ticket.no_show_at) > conf.reactivate_within_minutes * 60:
        raise Conflict(_("Ticket %(number)s missed its turn more than %(m)s minutes ago: take a new ticket.")
                       % {"number": ticket.number, "m": conf.reactivate_within_minutes}, code="too_late")
    previous = ticket.counter
    ticket.waiting_since, ticket.counter, ticket.clerk = now, None, None
    return _save(actor, ticket, "reactivate", ["status", "waiting_since", "counter", "clerk"], counter=previous)


@transaction.atomic
def ticket_transfer(*, actor: Actor, ticket: Ticket, service_code: str | None = None,
                    counter: Counter | None = None, note: str = "", keep_arrival: bool | None = None) -> Ticket:
    """Send the ticket to another service's queue or to one particular window, with a note for the next
    clerk. It keeps its arrival time or goes to the back, as the hall decides (or the clerk, per call)."""
    ticket = _lock(ticket)
    _require_at_counter(actor, ticket)
    ticket_status = _transition(ticket, TicketAction.TRANSFER)
    if not service_code and counter is None:
        raise Invalid(fields={"service": [_("Choose a service or a window to transfer to.")]})
    target_service = ticket.service
    if service_code:
        target_service = ServiceItem.objects.filter(hall_id=ticket.hall_id, code=service_code, active=True).first()
        if target_service is None:
            raise Invalid(fields={"service": [_("No such service in this hall.")]})
    if counter is not None and (counter.hall_id != ticket.hall_id or not counter.active):
        raise Invalid(fields={"counter": [_("No such window in this hall.")]})
    conf = selectors.settings_get(hall=ticket.hall)
    keep = conf.transfer_keeps_arrival if keep_arrival is None else keep_arrival
    now = timezone.now()
    if ticket.status == TicketStatus.SERVING:
        ticket.service_seconds = _add(ticket.service_seconds, _seconds(now, ticket.started_at))
    old_service, previous = ticket.service, ticket.counter
    ticket.status = ticket_status
    ticket.service, ticket.target_counter = target_service, counter
    ticket.note = (note or "").strip()[:200]
    ticket.transfer_count += 1
    ticket.waiting_since = now
    if not keep:
        ticket.queued_at = now
    ticket.counter, ticket.clerk = None, None
    ticket.save(update_fields=["status", "service", "target_counter", "note", "transfer_count", "waiting_since",
                               "queued_at", "counter", "clerk", "service_seconds"])
    waiting = {s.code: _waiting_count(ticket.hall_id, s.pk, ticket.day) for s in {old_service, target_service}}
    event_emit(hall=ticket.hall, kind="ticket.transferred",
               payload=_payload(ticket, "transfer", counter=previous, waiting=waiting))
    _audit(actor, "transfer", ticket, service=target_service.code, to_counter=counter.pk if counter else None,
           keep_arrival=keep)
    return ticket


@transaction.atomic
def ticket_park(*, actor: Actor, ticket: Ticket, note: str = "") -> Ticket:
    """Set the ticket aside while the citizen fills in a form; the clerk serves others meanwhile."""
    ticket = _lock(ticket)
    _require_at_counter(actor, ticket)
    ticket.status = _transition(ticket, TicketAction.PARK)
    now = timezone.now()
    ticket.service_seconds = _add(ticket.service_seconds, _seconds(now, ticket.started_at))
    ticket.parked_at = now
    if note:
        ticket.note = note.strip()[:200]
    return _save(actor, ticket, "park", ["status", "parked_at", "service_seconds", "note"])


@transaction.atomic
def ticket_resume(*, actor: Actor, ticket: Ticket) -> Ticket:
    """Take a parked ticket back: service continues at the same window."""
    ticket = _lock(ticket)
    _require_at_counter(actor, ticket)
    ticket.status = _transition(ticket, TicketAction.RESUME)
    current = selectors.counter_current(counter=ticket.counter) if ticket.counter else None
    if current is not None:
        raise Conflict(_("Ticket %(number)s is still at this window: finish it before resuming another.")
                       % {"number": current.number}, code="counter_busy")
    ticket.started_at = timezone.now()
    return _save(actor, ticket, "resume", ["status", "started_at"])


@transaction.atomic
def ticket_cancel(*, actor: Actor, ticket: Ticket, reason: str = "") -> Ticket:
    """Cancel a ticket. Staff of the hall may cancel any open ticket; the citizen holding the tracking link
    may cancel their own while it still waits."""
    ticket = _lock(ticket)
    if not has_role(actor.user, ticket.hall, *STAFF) and ticket.status != TicketStatus.WAITING:
        raise PermissionDenied(_("Your ticket has been called; please speak to the window."))
    serving = ticket.status == TicketStatus.SERVING
    ticket.status = _transition(ticket, TicketAction.CANCEL)
    now = timezone.now()
    if serving:
        ticket.service_seconds = _add(ticket.service_seconds, _seconds(now, ticket.started_at))
    ticket.cancelled_at, ticket.cancel_reason = now, (reason or "").strip()[:200]
    return _save(actor, ticket, "cancel", ["status", "cancelled_at", "cancel_reason", "service_seconds"])


@transaction.atomic
def settings_update(*, actor: Actor, hall: Hall, **changes) -> QueueSettings:
    """Change the hall's queue settings (manager only), validated like a form."""
    from servicehall.core.audit import snapshot
    from servicehall.core.services import _validated

    require_role(actor, hall, Role.MANAGER)
    conf, _created = QueueSettings.objects.select_for_update().get_or_create(hall=hall)
    before = snapshot(conf)
    for key, value in changes.items():
        if not hasattr(conf, key) or key in {"id", "hall", "hall_id"}:
            raise Invalid(fields={key: [_("This field cannot be changed.")]})
        setattr(conf, key, value)
    classes = conf.priority_classes
    if not isinstance(classes, list) or not any(isinstance(c, dict) and c.get("code") == NORMAL for c in classes):
        raise Invalid(fields={"priority_classes": [_("The class “normal” must stay.")]})
    _validated(conf)
    conf.save()
    audit_record(actor=actor, action="queue.settings", hall=hall, obj=conf, before=before, after=snapshot(conf))
    return conf



@transaction.atomic
def counter_services_set(*, actor: Actor, counter: Counter, rows: list[dict]) -> list[CounterService]:
    """Replace the services a counter calls, each with its tier and weight (manager only). An empty list
    returns the counter to the catalogue's windows of each item."""
    require_role(actor, counter.hall, Role.MANAGER)
    codes = [r["service"] for r in rows]
    items = {i.code: i for i in ServiceItem.objects.filter(hall_id=counter.hall_id, code__in=codes, active=True)}
    errors = {f"{i}.service": [_("No such service in this hall.")] for i, c in enumerate(codes) if c not in items}
    if len(set(codes)) != len(codes):
        errors["services"] = [_("Each service may be listed once.")]
    if errors:
        raise Invalid(fields=errors)
    before = list(CounterService.objects.filter(counter=counter).values_list("service__code", "order", "weight"))
    CounterService.objects.filter(counter=counter).delete()
    created = CounterService.objects.bulk_create(
        CounterService(counter=counter, service=items[r["service"]], order=r.get("order", 1),
                       weight=r.get("weight", 1)) for r in rows)
    _windows_changed(counter.hall_id)
    audit_record(actor=actor, action="counter.services", hall=counter.hall, obj=counter,
                 before={"services": before}, after={"services": rows})
    return created
