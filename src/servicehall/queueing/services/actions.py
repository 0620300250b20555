"""Actions on a called, served or parked ticket: recall, start, complete, no-show, reactivate, transfer,
park, resume, cancel."""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from servicehall.catalog.models import ServiceItem
from servicehall.core import crypto
from servicehall.core.actors import Actor
from servicehall.core.errors import Conflict, Invalid, PermissionDenied
from servicehall.core.models import Counter
from servicehall.core.notify import public_url, send_text
from servicehall.core.permissions import has_role, require_role
from servicehall.core.transitions import transition
from servicehall.live.services import event_emit
from servicehall.queueing import selectors
from servicehall.queueing.choices import (
    TRANSITIONS,
    Outcome,
    TicketAction,
    TicketStatus,
)
from servicehall.queueing.models import Ticket
from servicehall.queueing.services.common import (
    STAFF,
    _add,
    _audit,
    _lock,
    _payload,
    _require_at_counter,
    _seconds,
    _waiting_count,
)
from servicehall.staff.selectors import qualified_counters


def _save(
    actor: Actor,
    ticket: Ticket,
    action: str,
    fields: list[str],
    *,
    kind: str | None = None,
    counter=None,
    waiting=None,
    **audit_extra,
) -> Ticket:
    ticket.save(update_fields=fields)
    event_emit(
        hall=ticket.hall,
        kind=kind or f"ticket.{action.replace('-', '_')}",
        payload=_payload(ticket, action, counter=counter, waiting=waiting),
    )
    _audit(actor, action, ticket, **audit_extra)
    return ticket


@transaction.atomic
def ticket_recall(*, actor: Actor, ticket: Ticket) -> Ticket:
    """Announce the ticket again (up to the hall's recall limit)."""
    ticket = _lock(ticket)
    _require_at_counter(actor, ticket)
    ticket.status = transition(TRANSITIONS, ticket, TicketAction.RECALL)
    conf = selectors.settings_get(hall=ticket.hall)
    if ticket.recall_count >= conf.recall_limit:
        raise Conflict(
            ngettext(
                "Ticket %(number)s has been recalled %(n)s time: mark it a no-show.",
                "Ticket %(number)s has been recalled %(n)s times: mark it a no-show.",
                ticket.recall_count,
            )
            % {"number": ticket.number, "n": ticket.recall_count},
            code="recall_limit",
        )
    ticket.recall_count += 1
    ticket.recalled_at = timezone.now()
    return _save(actor, ticket, "recall", ["recall_count", "recalled_at"], kind="ticket.called")


@transaction.atomic
def ticket_start(*, actor: Actor, ticket: Ticket) -> Ticket:
    """The citizen arrived at the window: service begins (walking time ends)."""
    ticket = _lock(ticket)
    _require_at_counter(actor, ticket)
    ticket.status = transition(TRANSITIONS, ticket, TicketAction.START)
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
    ticket.status = transition(TRANSITIONS, ticket, TicketAction.COMPLETE)
    now = timezone.now()
    ticket.service_seconds = _add(ticket.service_seconds, _seconds(now, ticket.started_at))
    ticket.completed_at, ticket.outcome = now, outcome
    saved = _save(
        actor, ticket, "complete", ["status", "completed_at", "service_seconds", "outcome"], outcome=outcome
    )
    _invite_rating(ticket)
    return saved


def _invite_rating(ticket: Ticket) -> None:
    """A citizen who left a mobile number gets the link to rate the service (好差评 by text), after commit."""
    phone = crypto.decrypt(ticket.phone_encrypted)
    if not phone:
        return
    with translation.override(settings.LANGUAGE_CODE):  # the citizen's text, whatever the clerk's screen
        text = _("[%(hall)s] %(number)s is done. How was the service? Rate it here: %(link)s") % {
            "hall": ticket.hall.name,
            "number": ticket.number,
            "link": public_url(reverse("quality:rate", args=[ticket.public_id])),
        }
    transaction.on_commit(lambda: send_text(phone, text))


@transaction.atomic
def ticket_no_show(*, actor: Actor, ticket: Ticket) -> Ticket:
    """Mark a called ticket that did not come: after the recalls, or after the no-show timeout."""
    ticket = _lock(ticket)
    _require_at_counter(actor, ticket)
    ticket.status = transition(TRANSITIONS, ticket, TicketAction.NO_SHOW)
    conf = selectors.settings_get(hall=ticket.hall)
    now = timezone.now()
    waited = _seconds(now, ticket.recalled_at or ticket.called_at)
    if ticket.recall_count < conf.recall_limit and waited < conf.no_show_after_seconds:
        raise Conflict(
            _(
                "Recall ticket %(number)s first (%(done)s of %(limit)s recalls), or wait %(left)s more "
                "seconds."
            )
            % {
                "number": ticket.number,
                "done": ticket.recall_count,
                "limit": conf.recall_limit,
                "left": conf.no_show_after_seconds - waited,
            },
            code="too_early",
        )
    ticket.no_show_at = now
    return _save(actor, ticket, "no-show", ["status", "no_show_at"])


@transaction.atomic
def ticket_reactivate(*, actor: Actor, ticket: Ticket) -> Ticket:
    """Put a no-show back in the queue at its original place, within the hall's window."""
    ticket = _lock(ticket)
    require_role(actor, ticket.hall, *STAFF)
    ticket.status = transition(TRANSITIONS, ticket, TicketAction.REACTIVATE)
    conf = selectors.settings_get(hall=ticket.hall)
    now = timezone.now()
    if _seconds(now, ticket.no_show_at) > conf.reactivate_within_minutes * 60:
        raise Conflict(
            ngettext(
                "Ticket %(number)s missed its turn more than %(m)s minute ago: take a new ticket.",
                "Ticket %(number)s missed its turn more than %(m)s minutes ago: take a new ticket.",
                conf.reactivate_within_minutes,
            )
            % {"number": ticket.number, "m": conf.reactivate_within_minutes},
            code="too_late",
        )
    previous = ticket.counter
    ticket.waiting_since, ticket.counter, ticket.clerk = now, None, None
    return _save(
        actor, ticket, "reactivate", ["status", "waiting_since", "counter", "clerk"], counter=previous
    )


def _check_transfer_target(ticket: Ticket, service, counter: Counter | None, allow_no_window: bool) -> None:
    open_windows = selectors.open_window_services(hall_id=ticket.hall_id)
    if counter is not None:
        if counter.pk not in open_windows:
            message = _("Window %(counter)s is not open now: the citizen would wait for nobody.") % {
                "counter": counter.number
            }
            raise Conflict(message, code="window_not_open", fields={"counter": [message]})
        if not qualified_counters(hall=ticket.hall, service_id=service.pk, counter_ids=[counter.pk]):
            message = _("The clerk at window %(counter)s is not qualified for %(service)s.") % {
                "counter": counter.number,
                "service": service.name_local,
            }
            raise Conflict(message, code="not_qualified", fields={"counter": [message]})
        return
    serving = [c for c, calls in open_windows.items() if service.pk in calls]
    serving = qualified_counters(hall=ticket.hall, service_id=service.pk, counter_ids=serving)
    if not allow_no_window and not serving:
        message = _("No open window serves %(service)s right now. Transfer anyway?") % {
            "service": service.name
        }
        raise Conflict(message, code="no_open_window", fields={"service": [message]})


@transaction.atomic
def ticket_transfer(
    *,
    actor: Actor,
    ticket: Ticket,
    service_code: str | None = None,
    counter: Counter | None = None,
    note: str = "",
    keep_arrival: bool | None = None,
    allow_no_window: bool = False,
) -> Ticket:
    """Send the ticket to another service's queue or to one particular window, with a note for the next
    clerk. It keeps its arrival time or goes to the back, as the hall decides (or the clerk, per call).

    A transfer must not strand the citizen: a particular window must be open now (not closed, not
    paused), and a service nobody serves right now needs the clerk's confirmation (``allow_no_window``,
    after the console has warned), since the citizen would wait for a window that may not open."""
    ticket = _lock(ticket)
    _require_at_counter(actor, ticket)
    ticket_status = transition(TRANSITIONS, ticket, TicketAction.TRANSFER)
    if not service_code and counter is None:
        raise Invalid(fields={"service": [_("Choose a service or a window to transfer to.")]})
    target_service = ticket.service
    if service_code:
        target_service = ServiceItem.objects.filter(
            hall_id=ticket.hall_id, code=service_code, active=True
        ).first()
        if target_service is None:
            raise Invalid(fields={"service": [_("No such service in this hall.")]})
    if counter is not None and (counter.hall_id != ticket.hall_id or not counter.active):
        raise Invalid(fields={"counter": [_("No such window in this hall.")]})
    _check_transfer_target(ticket, target_service, counter, allow_no_window)
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
    ticket.save(
        update_fields=[
            "status",
            "service",
            "target_counter",
            "note",
            "transfer_count",
            "waiting_since",
            "queued_at",
            "counter",
            "clerk",
            "service_seconds",
        ]
    )
    waiting = {
        s.code: _waiting_count(ticket.hall_id, s.pk, ticket.day) for s in {old_service, target_service}
    }
    event_emit(
        hall=ticket.hall,
        kind="ticket.transferred",
        payload=_payload(ticket, "transfer", counter=previous, waiting=waiting),
    )
    _audit(
        actor,
        "transfer",
        ticket,
        service=target_service.code,
        to_counter=counter.pk if counter else None,
        keep_arrival=keep,
    )
    return ticket


@transaction.atomic
def ticket_park(*, actor: Actor, ticket: Ticket, note: str = "") -> Ticket:
    """Set the ticket aside while the citizen fills in a form; the clerk serves others meanwhile."""
    ticket = _lock(ticket)
    _require_at_counter(actor, ticket)
    ticket.status = transition(TRANSITIONS, ticket, TicketAction.PARK)
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
    ticket.status = transition(TRANSITIONS, ticket, TicketAction.RESUME)
    current = selectors.counter_current(counter=ticket.counter) if ticket.counter else None
    if current is not None:
        raise Conflict(
            _("Ticket %(number)s is still at this window: finish it before resuming another.")
            % {"number": current.number},
            code="counter_busy",
        )
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
    ticket.status = transition(TRANSITIONS, ticket, TicketAction.CANCEL)
    now = timezone.now()
    if serving:
        ticket.service_seconds = _add(ticket.service_seconds, _seconds(now, ticket.started_at))
    ticket.cancelled_at, ticket.cancel_reason = now, (reason or "").strip()[:200]
    return _save(actor, ticket, "cancel", ["status", "cancelled_at", "cancel_reason", "service_seconds"])
