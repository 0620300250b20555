"""Appointment fixtures: hall A's catalogue with a working plan for SB-001 (Monday to Friday, 09:00-12:00
and 13:30-17:00, 30-minute slots, two seats: windows 1 and 2 serve it), and the frozen clock of the queue
tests, moved to dates the tests name. Everything through the real services."""

import pytest

from servicehall.appointments import services
from servicehall.core.challenge import NUMERALS, challenge_new
from tests.queueing import conftest as queue_fixtures

# The queue tests' fixtures, shared: the catalogue, actors, kiosk and frozen clock.
SHANGHAI = queue_fixtures.SHANGHAI
actors, clerk_a2, clock = queue_fixtures.actors, queue_fixtures.clerk_a2, queue_fixtures.clock
items_a, kiosk_a, q = queue_fixtures.items_a, queue_fixtures.kiosk_a, queue_fixtures.q

ID_OK = "11010519491231002X"


def answered() -> dict:
    """A fresh check question answered as a citizen would: what an anonymous hold or booking passes."""
    question, token = challenge_new()  # "七加二等于几？"
    return {"challenge": token, "answer": str(NUMERALS.index(question[0]) + NUMERALS.index(question[2]))}


@pytest.fixture
def plan(actors, hall_a, items_a):
    return services.plan_save(actor=actors["manager_a"], hall=hall_a, service=items_a["SB-001"])


@pytest.fixture
def book(actors, hall_a, plan):
    """Book SB-001 in hall A as staff (no challenge), with a distinct mobile per call unless given."""
    counter = {"n": 0}

    def _book(start, *, phone=None, by="clerk_a", service="SB-001", **kw):
        counter["n"] += 1
        return services.appointment_book(
            actor=actors[by],
            hall=hall_a,
            service_code=service,
            start=start,
            name=kw.pop("name", "张三"),
            phone=phone or f"1380000{counter['n']:04d}",
            **kw,
        )

    return _book
