"""Kiosk fixtures: hall A's queue fixtures (catalogue, actors, kiosk, frozen clock) and a ticket served to
the end, borrowed from the queue and quality tests, plus a browser session paired as a kiosk of hall A."""

import pytest
from django.test import Client

from servicehall.core import services as core_services
from servicehall.core.choices import DeviceKind
from tests.quality import conftest as quality_fixtures
from tests.queueing import conftest as queue_fixtures

actors, clerk_a2, clock = queue_fixtures.actors, queue_fixtures.clerk_a2, queue_fixtures.clock
items_a, kiosk_a, q = queue_fixtures.items_a, queue_fixtures.kiosk_a, queue_fixtures.q
served = quality_fixtures.served


@pytest.fixture
def kiosk_client(admin_actor, hall_a, items_a):
    """A browser paired as a kiosk of hall A (as staff do once when installing it)."""
    _device, raw = core_services.device_create(
        actor=admin_actor, hall=hall_a, kind=DeviceKind.KIOSK, name="入口自助机"
    )
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert client.get(f"/kiosk/hall-a/pair/?token={raw}").status_code == 302
    return client


@pytest.fixture
def hall_map(api_as, kiosk_client):
    """Hall A's two-storey test map published (after the kiosk is paired: the map places the kiosk by its
    device's name): window 1 downstairs, window 3 upstairs, stairs and a lift."""
    from tests.navigation.imdf_files import archive

    status, body = api_as("manager_a").call(
        "PUT", "halls/hall-a/map", content_type="application/zip", raw=archive()
    )
    assert status == 200, body
    return body
