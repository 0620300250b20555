"""The route page's server side: a "you are here" poster opens a window chooser from that point; the
posters page (hall manager) has one QR code per point, each opening the route page from there."""

import re

import pytest
from django.test import Client

from servicehall.core.models import Device
from tests.navigation.imdf_files import U

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(api_as, hall_a, kiosk_token):
    status, _body = api_as("manager_a").call(
        "PUT", f"halls/{hall_a.code}/map", content_type="application/zip", raw=_archive()
    )
    assert status == 200


def _archive():
    from tests.navigation.imdf_files import archive

    return archive()


def test_a_poster_opens_a_window_chooser_and_a_window_the_route_from_there(published, hall_a):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    page = client.get(f"/route/{hall_a.code}/", {"from": U["kiosk"]}).content.decode()
    links = re.findall(r'href="(\?to=counter%3A\d+[^"]*)"', page)
    assert len(links) == 2  # windows 1 and 3 are on the map
    route = client.get(f"/route/{hall_a.code}/" + links[0].replace("&amp;", "&"))
    assert route.status_code == 200
    text = route.content.decode()
    assert 'id="nav-steps"' in text and "Start at" in text


def test_the_posters_page_is_for_the_hall_manager_and_has_a_qr_per_point(published, hall_a, staff):
    client = Client()
    assert client.get(f"/route/{hall_a.code}/posters/").status_code == 302  # to the sign-in page
    client.force_login(staff["clerk_a"])
    assert client.get(f"/route/{hall_a.code}/posters/").status_code == 403
    client.force_login(staff["manager_a"])
    page = client.get(f"/route/{hall_a.code}/posters/").content.decode()
    assert page.count('class="nav-poster"') == 2  # the kiosk and the toilets; counters have none
    assert f"from={U['kiosk']}" in page and "<svg" in page
    assert Device.objects.filter(name="入口自助机").exists()


def test_the_route_page_of_a_hall_without_a_map_is_404(hall_a):
    assert Client().get(f"/route/{hall_a.code}/", {"to": "counter:1"}).status_code == 404
