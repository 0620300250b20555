"""Staff fixtures: the queue fixtures of hall A (catalogue SB-001/GJ-001/HJ-001, actors, kiosk, frozen
clock) and a helper to grant skills through the real service."""

import pytest

from servicehall.catalog.models import ServiceItem
from servicehall.staff import services
from tests.queueing import conftest as queue_fixtures

SHANGHAI = queue_fixtures.SHANGHAI
actors, clerk_a2, clock = queue_fixtures.actors, queue_fixtures.clerk_a2, queue_fixtures.clock
items_a, items_b, kiosk_a, q = (
    queue_fixtures.items_a,
    queue_fixtures.items_b,
    queue_fixtures.kiosk_a,
    queue_fixtures.q,
)
window = queue_fixtures.window


@pytest.fixture
def grant(actors, hall_a, items_a):
    """``grant("clerk_a", "SB-001", "qualified")`` through ``skill_set`` as hall A's manager."""

    def give(username, code, level="qualified"):
        user = actors[username].user
        item = ServiceItem.objects.get(hall=hall_a, code=code)
        return services.skill_set(actor=actors["manager_a"], hall=hall_a, user=user, item=item, level=level)

    return give


@pytest.fixture(autouse=True)
def _four_week_history():
    """The staff tests measure the rota's own yardstick (the four-week history); the analytics app's
    forecast, which replaces it when installed, has its own tests (tests/analytics/test_rota_load.py)."""
    from servicehall.staff import need

    before = need.load_provider()
    need.load_provider_set(None)
    yield
    need.load_provider_set(before)
