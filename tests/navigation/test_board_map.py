"""The display board's small map (``?map=1``): off by default, drawn from the published map one floor per
figure with every window's number on it (board.js shows the called one's floor), absent without a map."""

import re

import pytest
from django.test import Client

from tests.navigation.imdf_files import archive

pytestmark = pytest.mark.django_db


def test_the_board_has_a_map_only_when_asked_and_the_hall_has_one(api_as, hall_a, kiosk_token):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert 'id="board-map"' not in client.get(f"/display/{hall_a.code}/?map=1").content.decode()
    status, _body = api_as("manager_a").call(
        "PUT", f"halls/{hall_a.code}/map", content_type="application/zip", raw=archive()
    )
    assert status == 200
    assert 'id="board-map"' not in client.get(f"/display/{hall_a.code}/").content.decode()
    page = client.get(f"/display/{hall_a.code}/?map=1").content.decode()
    floors = re.findall(r'class="board-floor" data-level="(-?\d+)"', page)
    assert floors == ["0", "1"]
    assert 'data-counter="1"' in page and 'data-counter="3"' in page  # window 1 below, 3 upstairs
    assert "<script>" not in page  # the strict CSP: the map is drawn, board.js switches it
