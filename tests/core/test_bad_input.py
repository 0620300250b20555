"""Text no field can store is refused at the door with a clear 400 on every path, and nothing changes:
NUL bytes and lone surrogates in the path, the query, a form or a JSON body, and JSON nested without end.
On PostgreSQL each of these answered 500 before (a text column cannot hold NUL)."""

import json

import pytest
from django.test import Client

from servicehall.queueing.models import Ticket

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "/t/ab%00cd/",
        "/catalog/{hall}/?q=a%00b",
        "/kiosk/{hall}/?q=a%00b",
        "/catalog/ha%00ll/",
        "/catalog/{hall}/items/X%00Y/",
        "/q/1/?t=a%00b",
        "/api/v1/halls/{hall}/queue?x=%00",
    ],
)
def test_a_nul_byte_anywhere_in_the_address_answers_400_in_the_readers_language(path, hall_a):
    response = Client(HTTP_ACCEPT_LANGUAGE="en").get(path.format(hall=hall_a.code))
    assert response.status_code == 400
    if path.startswith("/api/"):
        assert response.json()["error"] == "bad_input" and "NUL" in response.json()["message"]
    else:
        assert "NUL" in response.content.decode()


@pytest.mark.parametrize(
    "body",
    [
        '{"service": "A\\u0000"}',
        '{"service": "\\ud800"}',
        '{"service": "S", "phone": {"x": "\\u0000"}}',
        "[" * 5000 + "]" * 5000,
        '{"a":' * 100 + "1" + "}" * 100,
    ],
)
def test_json_that_no_field_can_hold_is_refused_and_no_ticket_is_issued(body, hall_a, staff):
    from servicehall.core import services
    from servicehall.core.actors import Actor

    token = services.token_create(actor=Actor(user=staff["manager_a"]), user=staff["manager_a"], name="t")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    response = client.post(f"/api/v1/halls/{hall_a.code}/tickets", data=body, content_type="application/json")
    assert response.status_code == 400, response.content
    assert json.loads(response.content)["error"] == "bad_input"
    assert Ticket.objects.count() == 0


def test_a_form_with_a_nul_byte_is_refused(hall_a):
    response = Client().post("/login/", {"username": "a\x00b", "password": "x"})
    assert response.status_code == 400


@pytest.mark.parametrize("year", ["0001", "0083", "0105", "9999", "2100"])
@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/halls/{hall}/calendar?date_from={year}-01-01",
        "/api/v1/halls/{hall}/services/SB-001/slots?date_from={year}-01-01",
        "/api/v1/halls/{hall}/appointments?date={year}-12-31",
        "/staff/{hall}/audit/?date_from={year}-01-01",
        "/staff/{hall}/appointments/?date={year}-01-01",
    ],
)
def test_a_date_no_calendar_covers_answers_400_not_500(path, year, hall_a, staff):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(staff["manager_a"])
    response = client.get(path.format(hall=hall_a.code, year=year))
    assert response.status_code == 400, (path, year, response.status_code)


def test_a_calendar_day_in_year_9999_is_refused_and_nothing_is_written(hall_a, staff):
    from servicehall.core.models import CalendarDay

    client = Client()
    client.force_login(staff["manager_a"])
    response = client.put(
        f"/api/v1/halls/{hall_a.code}/calendar/9999-12-31",
        data=json.dumps({"kind": "closed", "name": "x"}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert not CalendarDay.objects.exists()
    ok = client.get(f"/api/v1/halls/{hall_a.code}/calendar?date_from=2030-01-01&date_to=2030-01-31")
    assert ok.status_code == 200


@pytest.mark.parametrize("who", [None, "clerk_a", "manager_a"])
@pytest.mark.parametrize("path", ["/api/v1/halls/{hall}/queue/settings"])
def test_a_null_setting_is_a_clear_4xx_for_everyone_and_changes_nothing(path, who, hall_a, staff):
    from servicehall.core.models import AuditEntry

    client = Client()
    if who:
        client.force_login(staff[who])
    before = AuditEntry.objects.count()
    for body in ({"daily_caps": None}, {"max_wait_minutes": None}, {"allow_remote_tickets": None}):
        response = client.patch(
            path.format(hall=hall_a.code), data=json.dumps(body), content_type="application/json"
        )
        assert 400 <= response.status_code < 500, (body, response.status_code, response.content)
        assert response.status_code == {None: 401, "clerk_a": 403, "manager_a": 422}[who], response.content
    assert AuditEntry.objects.count() == before
