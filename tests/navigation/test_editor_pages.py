"""The plan editor page's server side: for the hall manager only (linked from their staff home); a
refused edit (a NUL, a huge number, a polygon that crosses itself) shows the page again with a 422 and
the reason, and changes nothing; a name with markup is drawn as text."""

import pytest
from django.test import Client

from servicehall.core.models import AuditEntry
from servicehall.navigation.models import Point, Space

pytestmark = pytest.mark.django_db

RECT = "0,0; 20,0; 20,10; 0,10"


@pytest.fixture
def manager_client(staff):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(staff["manager_a"])
    return client


def url(hall, edit=False):
    return f"/staff/{hall.code}/navigation/" + ("edit/" if edit else "")


def test_only_the_hall_manager_may_open_the_editor_and_only_they_see_its_link(staff, hall_a):
    client = Client()
    assert client.get(url(hall_a)).status_code == 302  # to the sign-in page
    for name in ("clerk_a", "manager_b"):
        client.force_login(staff[name])
        assert client.get(url(hall_a)).status_code == 403
        assert client.post(url(hall_a, True), {"op": "start"}).status_code == 403
        assert url(hall_a) not in client.get("/staff/").content.decode()
    client.force_login(staff["manager_a"])
    assert url(hall_a) in client.get("/staff/").content.decode()
    assert 'id="ed-start"' in client.get(url(hall_a)).content.decode()


def test_a_refused_edit_is_a_422_page_with_the_reason_and_nothing_changes(manager_client, hall_a):
    c = manager_client
    assert c.post(url(hall_a, True), {"op": "start"}).status_code == 302
    ok = c.post(url(hall_a, True), {"op": "space_save", "level": "0", "kind": "walkway", "coords": RECT})
    assert ok.status_code == 302 and "sel=space" in ok["Location"]
    audits = AuditEntry.objects.count()
    for data in (
        {"op": "space_save", "level": "0", "kind": "room", "coords": "0,0; 10,10; 10,0; 0,10"},
        {"op": "space_save", "level": "0", "kind": "room", "coords": "0,0; 1e400,0; 0,5"},
        {"op": "point_save", "level": "0", "kind": "kiosk", "x": "99", "y": "5"},
        {"op": "point_save", "level": "0", "kind": "counter", "counter": "77", "x": "5", "y": "5"},
        {"op": "opening_save", "level": "0", "kind": "door", "coords": "1,1"},
        {"op": "level_save", "ordinal": "0"},
    ):
        page = c.post(url(hall_a, True), data)
        assert page.status_code == 422, (data, page.status_code)
        assert 'id="ed-errors"' in page.content.decode()
    assert c.post(url(hall_a, True), {"op": "nonsense"}).status_code == 400
    # a NUL is refused before the view (core's bad-input guard), as everywhere
    nul = {"op": "point_save", "level": "0", "kind": "kiosk", "x": "5\x00", "y": "5"}
    assert c.post(url(hall_a, True), nul).status_code == 400
    assert AuditEntry.objects.count() == audits
    assert Space.objects.count() == 1 and Point.objects.count() == 0


def test_a_window_is_placed_from_the_list_of_windows_not_on_the_map(manager_client, hall_a):
    c = manager_client
    c.post(url(hall_a, True), {"op": "start"})
    c.post(url(hall_a, True), {"op": "space_save", "level": "0", "kind": "walkway", "coords": RECT})
    page = c.get(url(hall_a)).content.decode()
    assert page.count("data-counter=") == 3  # windows 1, 2, 3 of the hall, none placed
    c.post(
        url(hall_a, True),
        {
            "op": "point_save",
            "level": "0",
            "kind": "counter",
            "counter": "2",
            "x": "4",
            "y": "9",
            "facing_deg": "-90",
        },
    )
    point = Point.objects.get(counter__number="2")
    assert (point.x, point.y, point.facing_deg) == (4.0, 9.0, 270.0)
    page = c.get(url(hall_a)).content.decode()
    assert page.count("data-counter=") == 2
    assert "Window 2 is not placed" not in page and "Window 1 is not placed on the map." in page


def test_a_name_with_markup_is_drawn_as_text(manager_client, hall_a):
    c = manager_client
    c.post(url(hall_a, True), {"op": "start"})
    c.post(
        url(hall_a, True),
        {"op": "space_save", "level": "0", "kind": "room", "coords": RECT, "name_en": "<script>x</script>"},
    )
    page = c.get(url(hall_a)).content.decode()
    assert "<script>x</script>" not in page and "&lt;script&gt;x&lt;/script&gt;" in page
