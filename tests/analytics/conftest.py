"""Analytics fixtures: hall A's catalogue and clock from the queue's fixtures, and sixteen weeks of ticket
history. The history is written with ``bulk_create`` on purpose: months of tickets issued through the
queue's services would take minutes, and the analytics app only reads them."""

import datetime
import random

import pytest

from servicehall.core import calendar
from servicehall.queueing.choices import Channel, TicketStatus
from servicehall.queueing.models import Ticket
from tests.queueing.conftest import MORNING, SHANGHAI, actors, clerk_a2, clock, items_a, kiosk_a, q  # noqa: F401  (fixtures)

PER_DAY = {"SB-001": 40, "GJ-001": 16, "HJ-001": 8}


@pytest.fixture
def history(hall_a, items_a):  # noqa: F811  (the imported fixture)
    """Sixteen weeks of completed walk-in tickets before the frozen morning (more on Mondays)."""
    rng = random.Random(3)
    rows = []
    for back in range(112, 0, -1):
        day = MORNING.date() - datetime.timedelta(days=back)
        if not calendar.national_day(day).open:
            continue
        for code, per_day in PER_DAY.items():
            item = items_a[code]
            n = int(per_day * (1.5 if day.weekday() == 0 else 1.0))
            for seq in range(1, n + 1):
                minute = rng.randrange(9 * 60, 17 * 60)
                issued = datetime.datetime.combine(
                    day, datetime.time(minute // 60, minute % 60), tzinfo=SHANGHAI
                )
                wait, service = rng.randrange(0, 900), rng.randrange(180, 600)
                called = issued + datetime.timedelta(seconds=wait)
                rows.append(
                    Ticket(
                        hall=hall_a,
                        service=item,
                        day=day,
                        prefix=item.ticket_prefix,
                        seq=seq,
                        number=f"{item.ticket_prefix}{seq:03d}",
                        channel=Channel.KIOSK,
                        status=TicketStatus.COMPLETED,
                        issued_at=issued,
                        queued_at=issued,
                        waiting_since=issued,
                        first_called_at=called,
                        called_at=called,
                        completed_at=called + datetime.timedelta(seconds=service),
                        wait_seconds=wait,
                        service_seconds=service,
                    )
                )
    Ticket.objects.bulk_create(rows)
    return rows
