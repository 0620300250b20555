"""Calling: the next ticket by the policy, or one particular ticket."""

import datetime

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.core import crypto
from servicehall.core.actors import Actor
from servicehall.core.errors import Conflict, Invalid, PermissionDenied
from servicehall.core.models import Counter
from servicehall.core.notify import send_text
from servicehall.core.transitions import transition
from servicehall.live.services import event_emit
from servicehall.queueing import policy, selectors
from servicehall.queueing.choices import (
    TRANSITIONS,
    CounterState,
    TicketAction,
    TicketStatus,
)
from servicehall.queueing.models import CounterSession, QueueSettings, Ticket
from servicehall.queueing.services.common import (
    CLAIM_ATTEMPTS,
    _add,
    _audit,
    _payload,
    _seconds,
)
from servicehall.queueing.services.counters import _own_session
from servicehall.staff.selectors import servable_items


def _candidates(
    counter: Counter,
    services: dict[int, tuple[int, float]],
    skipped: set[int] = frozenset(),
    allowed: set[int] | None = None,
) -> list[policy.Candidate]:
    """The oldest waiting ticket of each (service, class kind) plus the oldest directed here: enough for
    the policy (within one service and kind the oldest always wins), and a handful of indexed reads.

    On PostgreSQL each read locks its row with ``FOR UPDATE SKIP LOCKED``: counters calling at the same
    instant each get their own candidates (the next oldest when the oldest is being claimed) instead of
    queueing behind one another's transaction. The locks not used are released at commit. ``allowed``
    (the clerk's skills, None when the hall does not enforce them) also limits tickets directed here."""
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
            rows += (
                base.filter(service_id=service_id, is_priority=flag, target_counter__isnull=True)
                .order_by("queued_at", "id")
                .values_list(*fields)[:1]
            )
    directed = base.filter(target_counter=counter)
    if allowed is not None:
        directed = directed.filter(service_id__in=allowed)
    rows += directed.order_by("queued_at", "id").values_list(*fields)[:1]
    return [policy.Candidate(*r) for r in rows]


def _notify_near(ticket: Ticket, conf: QueueSettings) -> None:
    """Text "your turn is near" once to waiting citizens with a phone within the configured position."""
    if not conf.notify_near_position:
        return
    head = list(
        Ticket.objects.filter(
            hall_id=ticket.hall_id, service_id=ticket.service_id, day=ticket.day, status=TicketStatus.WAITING
        )
        .order_by("-is_priority", "queued_at", "id")
        .values_list("id", "phone_encrypted", "near_notified_at", "number")[: conf.notify_near_position]
    )
    due = [(pk, enc, number) for pk, enc, notified, number in head if enc and notified is None]
    if not due:
        return
    mine = Ticket.objects.filter(pk__in=[d[0] for d in due], near_notified_at__isnull=True)
    if connection.features.has_select_for_update_skip_locked:
        # A row another counter holds (its call-next candidate) is left for the next call: waiting for it
        # here could deadlock with that counter, which may be waiting for one of ours.
        mine = Ticket.objects.filter(
            pk__in=list(mine.select_for_update(skip_locked=True, of=("self",)).values_list("id", flat=True))
        )
    marked = set(mine.values_list("id", flat=True))
    Ticket.objects.filter(pk__in=marked).update(near_notified_at=timezone.now())
    due = [d for d in due if d[0] in marked]
    hall_name = ticket.hall.name
    for _pk, enc, number in due:
        text = _("[%(hall)s] Ticket %(number)s: your turn is near. Please come to the waiting area.") % {
            "hall": hall_name,
            "number": number,
        }
        phone = crypto.decrypt(enc)
        transaction.on_commit(lambda p=phone, t=text: send_text(p, t))


def _claim(ticket_id: int, counter: Counter, actor: Actor, now) -> Ticket | None:
    """Compare-and-set: the ticket becomes ours only if it is still waiting (on PostgreSQL the candidates
    are already locked by ``_candidates``, so this only guards SQLite and the unexpected)."""
    won = Ticket.objects.filter(pk=ticket_id, status=TicketStatus.WAITING).update(
        status=TicketStatus.CALLED,
        counter=counter,
        clerk_id=actor.user_id,
        called_at=now,
        recalled_at=None,
        recall_count=0,
        target_counter=None,
    )
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
        raise Conflict(
            _("Window %(counter)s is paused: resume it first.") % {"counter": counter.number},
            code="counter_paused",
        )
    current = selectors.counter_current(counter=counter)
    if current is not None:
        raise Conflict(
            _(
                "Ticket %(number)s is still at this window: complete it, mark it a no-show or "
                "transfer it first."
            )
            % {"number": current.number},
            code="counter_busy",
        )
    return session


@transaction.atomic
def ticket_call_next(*, actor: Actor, counter: Counter) -> Ticket | None:
    """Call the next ticket for the clerk's counter by the calling policy, or None if nobody waits for it.
    Locks the counter's session row; claims the ticket by compare-and-set, so two counters calling at the
    same instant never get the same ticket."""
    session = _ready_session(actor, counter)
    conf = selectors.settings_get(hall=counter.hall)
    rules = policy.Rules(
        priority_per_normal=conf.priority_per_normal,
        max_wait=datetime.timedelta(minutes=conf.max_wait_minutes),
    )
    # Only what both the window serves and this clerk is qualified for (staff skills).
    allowed = servable_items(hall=counter.hall, user=actor.user)
    services = {
        sid: tier
        for sid, tier in selectors.counter_services(counter=counter).items()
        if allowed is None or sid in allowed
    }
    skipped: set[int] = set()
    for _attempt in range(CLAIM_ATTEMPTS):
        now = timezone.now()
        choice = policy.choose_next(
            _candidates(counter, services, skipped, allowed),
            counter_id=counter.pk,
            services=services,
            streak=session.priority_streak,
            rules=rules,
            now=now,
        )
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
        raise PermissionDenied(
            _("This hall does not allow calling a particular ticket."), code="call_specific_off"
        )
    transition(TRANSITIONS, ticket, TicketAction.CALL)
    allowed = servable_items(hall=ticket.hall, user=actor.user)
    if allowed is not None and ticket.service_id not in allowed:
        raise Conflict(
            _("You are not qualified for %(service)s yet: ask a qualified colleague.")
            % {"service": ticket.service.name_local},
            code="not_qualified",
        )
    claimed = _claim(ticket.pk, counter, actor, timezone.now())
    if claimed is None:
        raise Conflict(
            _("Ticket %(number)s was just called elsewhere.") % {"number": ticket.number},
            code="illegal_transition",
        )
    _announce_call(actor, claimed, conf, "call", specific=True)
    return claimed
