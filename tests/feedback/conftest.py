"""Feedback fixtures: the queue's and customers' fixtures, and a citizen's complaint through the service."""

import pytest

from servicehall.feedback import services
from tests.customers.conftest import person  # noqa: F401  (fixture)
from tests.queueing.conftest import actors, clerk_a2, clock, items_a, kiosk_a, q  # noqa: F401  (fixtures)

PHONE = "13912345678"


@pytest.fixture
def complaint(actors, hall_a, clock):  # noqa: F811  (the imported fixtures)
    return services.feedback_submit(
        actor=actors["citizen"],
        hall=hall_a,
        type="complaint",
        subject="hall",
        text="等了两个小时没人叫号",
        phone=PHONE,
    )
