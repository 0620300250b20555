"""Quality fixtures: the queue fixtures of hall A (catalogue, actors, kiosk, frozen clock), a rating pad at
window 1, and a ticket served to the end at window 1 by clerk_a."""

import pytest

from servicehall.core import services as core_services
from servicehall.core.actors import Actor
from servicehall.core.choices import DeviceKind
from servicehall.queueing import services as queue
from tests.queueing import conftest as queue_fixtures

SHANGHAI = queue_fixtures.SHANGHAI
actors, clerk_a2, clock = queue_fixtures.actors, queue_fixtures.clerk_a2, queue_fixtures.clock
items_a, kiosk_a, q = queue_fixtures.items_a, queue_fixtures.kiosk_a, queue_fixtures.q


@pytest.fixture
def pad(admin_actor, hall_a, items_a):
    device, _raw = core_services.device_create(
        actor=admin_actor,
        hall=hall_a,
        kind=DeviceKind.RATING_PAD,
        name="1号窗口评价器",
        counter=queue_fixtures.window(hall_a, "1"),
    )
    return Actor(device=device, ip="10.0.0.9")


@pytest.fixture
def served(q, actors):
    """Serve tickets to the end at window 1: ``served()`` returns the completed ticket."""

    def serve(phone: str = ""):
        ticket = q.issue(phone=phone) if phone else q.issue()
        if not getattr(serve, "opened", False):
            q.open("1")
            serve.opened = True
        called = q.call_next("1")
        queue.ticket_start(actor=actors["clerk_a"], ticket=called)
        done = queue.ticket_complete(actor=actors["clerk_a"], ticket=called)
        assert done.pk == ticket.pk
        return done

    return serve
