"""Clients racing on cases, with real concurrent clients (threads with their own connections, on
PostgreSQL where the row locks are real): simultaneous applications get distinct case numbers in order
(the hall's row lock serialises the day's numbering), and of clerks pressing "accept" on one case at
once, one wins and the others get the table's 409."""

import threading

import pytest
from django.db import connection, connections

from servicehall.cases import services
from servicehall.cases.models import Case
from servicehall.core.errors import Conflict
from tests.cases.conftest import apply

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]
THREADS = 8


def _race(target) -> list:
    barrier, results, lock = threading.Barrier(THREADS), [], threading.Lock()

    def run():
        try:
            barrier.wait()
            outcome = target()
        except Exception as exc:  # noqa: BLE001 - the test counts what each client got
            outcome = exc
        finally:
            connections.close_all()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=run) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return results


@pytest.mark.django_db(transaction=True)
def test_simultaneous_applications_get_distinct_numbers_and_one_accept_wins(hall_a, licence, clock, actors):
    made = _race(lambda: apply(hall_a, actor=actors["clerk_a"]))
    assert all(isinstance(c, Case) for c in made), made
    numbers = sorted(c.number for c in made)
    assert len(set(numbers)) == THREADS and [int(n[-4:]) for n in numbers] == list(range(1, THREADS + 1))
    case = made[0]
    accepted = _race(lambda: services.case_accept(actor=actors["clerk_a"], case=case))
    wins = [a for a in accepted if isinstance(a, Case)]
    assert len(wins) == 1 and all(isinstance(a, Conflict) for a in accepted if a not in wins), accepted
