"""The kiosk's "find a window" (找窗口), server side: the tile appears once the hall has a published map;
a service or a window number opens the way from this kiosk, drawn turned to the kiosk's facing with "you
are here" at the kiosk; the step asked for decides which floor is shown; step-free takes the lift."""

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _shown_floor(page: str) -> str:
    """The level of the one map figure not hidden."""
    figures = re.findall(r'<figure class="kroute-map"\s+data-level="(-?\d+)" (hidden)?', page)
    shown = [level for level, hidden in figures if not hidden]
    assert len(shown) == 1, figures
    return shown[0]


def test_the_tile_appears_on_the_kiosk_home_once_the_hall_has_a_map(kiosk_client, items_a, api_as):
    assert 'id="find-window"' not in _page(kiosk_client, "/kiosk/hall-a/")
    assert kiosk_client.get("/kiosk/hall-a/find/").status_code == 404
    from tests.navigation.imdf_files import archive

    status, _body = api_as("manager_a").call(
        "PUT", "halls/hall-a/map", content_type="application/zip", raw=archive()
    )
    assert status == 200
    assert 'id="find-window"' in _page(kiosk_client, "/kiosk/hall-a/")


def test_the_find_page_offers_the_windows_on_the_map_and_the_services_found(kiosk_client, hall_map):
    page = _page(kiosk_client, "/kiosk/hall-a/find/")
    assert re.findall(r'data-counter="(\d+)"', page) == ["1", "3"]  # window 2 is not on the map
    found = _page(kiosk_client, "/kiosk/hall-a/find/?q=HJ")
    assert "/kiosk/hall-a/find/route/?service=HJ-001" in found


def test_the_way_starts_at_this_kiosk_turned_to_its_facing_with_you_are_here(kiosk_client, hall_map):
    page = _page(kiosk_client, "/kiosk/hall-a/find/route/?to=counter:3")
    steps = re.findall(r'<li\s+class="kroute-step[^"]*"\s+data-level="(-?\d+)"', page)
    assert steps[0] == "0" and steps[-1] == "1"  # from the ground floor up to window 3
    assert "从自助机出发" in page
    assert "走楼梯上到" in page
    assert page.count('class="you-are-here"') == 1 and "您在这里" in page
    assert 'transform="rotate(' in page  # turned: the test kiosk faces east, up is east
    assert page.count('class="route"') == 2  # the leg of each floor
    assert _shown_floor(page) == "0"


def test_the_floor_shown_is_the_floor_of_the_step_asked_for(kiosk_client, hall_map):
    page = _page(kiosk_client, "/kiosk/hall-a/find/route/?to=counter:3")
    steps = re.findall(r'<li\s+class="kroute-step[^"]*"\s+data-level="(-?\d+)"', page)
    last = len(steps) - 1
    later = _page(kiosk_client, f"/kiosk/hall-a/find/route/?to=counter:3&step={last}")
    assert _shown_floor(later) == "1"
    assert re.search(rf'class="kroute-step[^"]*is-current"\s+data-level="1" data-index="{last}"', later)
    assert _shown_floor(_page(kiosk_client, "/kiosk/hall-a/find/route/?to=counter:3&step=x")) == "0"
    assert _shown_floor(_page(kiosk_client, "/kiosk/hall-a/find/route/?to=counter:3&level=1")) == "1"
    assert _shown_floor(_page(kiosk_client, "/kiosk/hall-a/find/route/?to=counter:3&level=7")) == "0"


def test_a_service_goes_to_its_window_and_step_free_takes_the_lift(kiosk_client, hall_map):
    page = _page(kiosk_client, "/kiosk/hall-a/find/route/?service=HJ-001")
    assert "3 号窗口" in page and "走楼梯" in page
    step_free = _page(kiosk_client, "/kiosk/hall-a/find/route/?service=HJ-001&step_free=1")
    assert "乘电梯到" in step_free and "走楼梯上到" not in step_free


def test_a_screen_that_is_not_a_kiosk_on_the_map_is_shown_the_way_from_the_entrance(hall_map):
    page = _page(Client(HTTP_ACCEPT_LANGUAGE="en"), "/kiosk/hall-a/find/route/?to=counter:3")
    assert "from the entrance" in page and 'class="you-are-here"' not in page
    assert Client().get("/kiosk/hall-a/find/route/?to=counter:99").status_code == 404


def test_the_slip_says_where_the_services_windows_are_with_the_way_there(kiosk_client, hall_map, clock):
    taken = kiosk_client.post(
        "/kiosk/hall-a/items/HJ-001/ticket", {"priority": "normal", "step": "identify", "skip": "1"}
    )
    assert taken.status_code == 302, taken.status_code
    slip = _page(kiosk_client, taken["Location"])
    # "请到2楼 3 号窗口" (English until the catalogues are merged: "Please go to 2楼 window 3")
    assert re.search(r'id="slip-where">[^<]*2楼[^<]*\b3\b', slip)
    assert 'id="slip-way"' in slip and "/kiosk/hall-a/find/route/?service=HJ-001" in slip


def test_a_slip_without_a_map_says_nothing_of_the_place(kiosk_client, clock):
    taken = kiosk_client.post(
        "/kiosk/hall-a/items/HJ-001/ticket", {"priority": "normal", "step": "identify", "skip": "1"}
    )
    slip = _page(kiosk_client, taken["Location"])
    assert "Please go to" not in slip and 'id="slip-where"' not in slip


def test_a_service_whose_windows_are_not_on_the_map_says_so(kiosk_client, hall_map):
    response = kiosk_client.get("/kiosk/hall-a/find/route/?service=GJ-001")  # window 2: not on the map
    assert response.status_code == 404
    assert 'id="find-no-place"' in response.content.decode()
