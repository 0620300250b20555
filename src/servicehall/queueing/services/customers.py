"""The queue's side of customer records (issue 15): a ticket is linked to the person who identified
themselves, and the links follow a merge. Only ``Ticket.customer_id`` is written here; the customer
record itself belongs to ``servicehall.customers``, which calls these services."""

from django.db import transaction

from servicehall.core.actors import Actor
from servicehall.core.audit import audit_record
from servicehall.core.models import Hall
from servicehall.core.permissions import require_role
from servicehall.queueing.models import Ticket
from servicehall.queueing.services.common import STAFF, _lock


@transaction.atomic
def ticket_identify(*, actor: Actor, ticket: Ticket, customer_id: int | None) -> Ticket:
    """Link the ticket to a customer record (or unlink it with ``None``): staff of the ticket's hall
    only. Takes the ticket's row lock."""
    require_role(actor, ticket.hall, *STAFF)
    ticket = _lock(ticket)
    before = ticket.customer_id
    ticket.customer_id = customer_id
    ticket.save(update_fields=["customer_id"])
    audit_record(
        actor=actor,
        action="ticket.identify",
        hall=ticket.hall,
        obj=ticket,
        before={"customer_id": before},
        after={"customer_id": customer_id},
    )
    return ticket


@transaction.atomic
def tickets_move_customer(*, actor: Actor, hall: Hall, from_ids: list[int], to_id: int) -> int:
    """Point every ticket of the records ``from_ids`` at ``to_id`` (a merge of duplicates): one update and
    one audit row listing the tickets. The caller holds the customer records' locks."""
    require_role(actor, hall, *STAFF)
    tickets = Ticket.objects.filter(hall=hall, customer_id__in=from_ids)
    ids = list(tickets.values_list("id", flat=True))
    if ids:
        Ticket.objects.filter(id__in=ids).update(customer_id=to_id)
        audit_record(
            actor=actor,
            action="ticket.customer_moved",
            hall=hall,
            object_type="queueing.ticket",
            object_repr=f"{len(ids)} tickets",
            before={"customer_ids": from_ids},
            after={"customer_id": to_id, "tickets": ids},
        )
    return len(ids)
