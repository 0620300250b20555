"""Every write of the queue: issuing tickets, counter sessions, and each ticket action (one module per
seam: ``issuing``, ``counters``, ``calling``, ``actions``; shared helpers in ``common``).

Each action is one service: it locks the rows it reads-then-writes, checks the move against
``choices.TRANSITIONS``, saves with ``update_fields``, writes the audit row and the outbox event, all in
one transaction. Locks: numbering takes the (hall, prefix, day) sequence row by an upsert; calling takes
the counter's open session row (``select_for_update``), reads its candidates with ``FOR UPDATE SKIP LOCKED``
(PostgreSQL) and claims the chosen ticket with a conditional ``UPDATE … WHERE status = 'waiting'``
(compare-and-set), choosing again if another counter won it. SQLite runs every write transaction
``IMMEDIATE``, which serialises them.
"""

from servicehall.queueing.services.actions import (
    ticket_cancel,
    ticket_complete,
    ticket_no_show,
    ticket_park,
    ticket_reactivate,
    ticket_recall,
    ticket_resume,
    ticket_start,
    ticket_transfer,
)
from servicehall.queueing.services.calling import ticket_call, ticket_call_next
from servicehall.queueing.services.counters import (
    counter_close,
    counter_open,
    counter_pause,
    counter_services_set,
    counter_unpause,
    settings_update,
    tickets_close_previous_days,
)
from servicehall.queueing.services.customers import ticket_identify, tickets_move_customer
from servicehall.queueing.services.issuing import ticket_issue

__all__ = [
    "counter_close",
    "counter_open",
    "counter_pause",
    "counter_services_set",
    "counter_unpause",
    "settings_update",
    "ticket_call",
    "ticket_call_next",
    "ticket_cancel",
    "ticket_complete",
    "ticket_identify",
    "ticket_issue",
    "ticket_no_show",
    "ticket_park",
    "ticket_reactivate",
    "ticket_recall",
    "ticket_resume",
    "ticket_start",
    "ticket_transfer",
    "tickets_close_previous_days",
    "tickets_move_customer",
]
