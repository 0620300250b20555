"""Helpers shared by the queue services: transitions, payloads, audit, locks, durations."""

import datetime

from django.utils.translation import gettext as _

from servicehall.core.actors import Actor
from servicehall.core.audit import audit_record
from servicehall.core.choices import Role
from servicehall.core.errors import PermissionDenied
from servicehall.core.models import Hall
from servicehall.core.permissions import has_role, require_role
from servicehall.queueing import selectors
from servicehall.queueing.choices import (
    TicketStatus,
)
from servicehall.queueing.models import CounterSession, Ticket

STAFF = (Role.MANAGER, Role.CLERK)
CLAIM_ATTEMPTS = 16


def _seconds(later: datetime.datetime, earlier: datetime.datetime | None) -> int:
    return max(0, int((later - earlier).total_seconds())) if earlier else 0


def _add(total: int | None, seconds: int) -> int:
    return (total or 0) + seconds


def _waiting_count(hall_id: int, service_id: int, day: datetime.date) -> int:
    return Ticket.objects.filter(
        hall_id=hall_id, service_id=service_id, day=day, status=TicketStatus.WAITING
    ).count()


def _payload(
    ticket: Ticket,
    action: str,
    *,
    waiting: dict[str, int] | None = None,
    counter=None,
    at_counter: bool = True,
) -> dict:
    """What every screen receives: number, service, window and counts, never personal data. ``counter``
    names the window to show when it is not the ticket's own (a transfer shows where it came from)."""
    counter = None if not at_counter else counter if counter is not None else ticket.counter
    return {
        "action": action,
        "number": ticket.number,
        "status": ticket.status,
        "priority": ticket.is_priority,
        "class": ticket.priority,
        "service": ticket.service.code,
        "service_name": ticket.service.name,
        "prefix": ticket.prefix,
        "counter": counter.number if counter else None,
        "counter_name": counter.name if counter else None,
        "waiting": waiting
        if waiting is not None
        else {ticket.service.code: _waiting_count(ticket.hall_id, ticket.service_id, ticket.day)},
    }


def _audit(actor: Actor, action: str, ticket: Ticket, **extra) -> None:
    audit_record(
        actor=actor,
        action=f"ticket.{action}",
        hall=ticket.hall,
        obj=ticket,
        after={"status": ticket.status, "counter": ticket.counter_id, **extra},
    )


def _lock(ticket: Ticket) -> Ticket:
    """Re-read the ticket under a row lock (PostgreSQL; SQLite is already serialised)."""
    return (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("service", "counter", "hall")
        .get(pk=ticket.pk)
    )


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
            % {"number": ticket.number, "counter": where},
            code="not_your_ticket",
        )
