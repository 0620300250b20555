"""Customer fixtures: the queue's fixtures (hall A's catalogue, actors, a frozen clock, short verbs), and
resident ID numbers with correct check characters made for the tests (``make_id``)."""

import pytest

from servicehall.core.identity import resident_id_check_char
from servicehall.customers import services
from tests.appointments.conftest import plan  # noqa: F401  (fixture: a booking plan for SB-001)
from tests.queueing.conftest import (  # noqa: F401  (fixtures)
    actors,
    clerk_a2,
    clock,
    items_a,
    items_b,
    kiosk_a,
    q,
)


def make_id(region: str = "320102", birth: str = "19900101", seq: str = "123") -> str:
    first17 = f"{region}{birth}{seq}"
    return first17 + resident_id_check_char(first17)


# GB 11643-1999's own example and python-stdnum's doctest vector, both published.
STANDARD_ID = "11010519491231002X"
STDNUM_ID = "360426199101010071"


@pytest.fixture
def person(actors, hall_a, clock):  # noqa: F811  (the imported fixtures)
    found, _created = services.person_identify(
        actor=actors["clerk_a"], hall=hall_a, id_number=make_id(), name="张三丰", phone="13812345678"
    )
    return found
