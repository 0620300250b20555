"""Clients racing on cases, with real concurrent clients (threads with their own connections, on
PostgreSQL where the row locks are real): simultaneous applications get distinct case numbers in order
(the hall's row lock serialises the day's numbering), and of clerks pressing "accept" on one case at
once, one wins and the others get the table's 409."""

import pytest
from django.db import connection

from servicehall.cases import services
from servicehall.cases.models import Case
from servicehall.core.errors import Conflict
from tests.cases.conftest import apply
from tests.concurrency import race

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]
THREADS = 8


@pytest.mark.django_db(transaction=True)
def test_simultaneous_applications_get_distinct_numbers_and_one_accept_wins(hall_a, licence, clock, actors):
    made = race(lambda: apply(hall_a, actor=actors["clerk_a"]))
    assert all(isinstance(c, Case) for c in made), made
    numbers = sorted(c.number for c in made)
    assert len(set(numbers)) == THREADS and [int(n[-4:]) for n in numbers] == list(range(1, THREADS + 1))
    case = made[0]
    accepted = race(lambda: services.case_accept(actor=actors["clerk_a"], case=case))
    wins = [a for a in accepted if isinstance(a, Case)]
    assert len(wins) == 1 and all(isinstance(a, Conflict) for a in accepted if a not in wins), accepted
