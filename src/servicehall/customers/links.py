"""What other apps link to a customer record, registered by them: how to move their links when two
records are merged, and why a record must not be erased yet (a complaint still being handled, a case's
legal record). Customers cannot import the apps that import it, so they register here in their
``AppConfig.ready``; the tickets' and bookings' links are registered by this app itself (it calls their
services).
"""

from collections.abc import Callable
from dataclasses import dataclass

from servicehall.core.actors import Actor
from servicehall.core.models import Hall


@dataclass(frozen=True)
class LinkKind:
    """``move(actor, hall, from_ids, to_id) -> count`` re-points the links of merged records;
    ``erase_block(person) -> str`` is a reason (in the reader's language) to refuse erasure, or ``""``;
    ``erase(actor, person) -> count`` blanks the personal data the app keeps beside the link (a mobile
    left with a feedback item) when the person is erased; the link itself stays, anonymous."""

    name: str
    move: Callable[[Actor, Hall, list[int], int], int]
    erase_block: Callable[[object], str] | None = None
    erase: Callable[[Actor, object], int] | None = None


LINKS: dict[str, LinkKind] = {}


def register(kind: LinkKind) -> None:
    LINKS[kind.name] = kind


def _move_tickets(actor: Actor, hall: Hall, from_ids: list[int], to_id: int) -> int:
    from servicehall.queueing.services import tickets_move_customer

    return tickets_move_customer(actor=actor, hall=hall, from_ids=from_ids, to_id=to_id)


register(LinkKind(name="tickets", move=_move_tickets))


def _move_appointments(actor: Actor, hall: Hall, from_ids: list[int], to_id: int) -> int:
    from servicehall.appointments.services import appointments_move_customer

    return appointments_move_customer(actor=actor, hall=hall, from_ids=from_ids, to_id=to_id)


register(LinkKind(name="appointments", move=_move_appointments))
