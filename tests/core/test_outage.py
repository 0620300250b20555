"""A database outage (a restart, a fail-over) answers 503 with Retry-After and a calm message, logs one
line instead of a traceback per request, and the next request after the database is back is served.

The outage is real: the connection is pointed at a PostgreSQL port nobody listens on, or at a SQLite file
in a directory that does not exist, and closed, so the next query fails as it would in production."""

import logging

import pytest
from django.db import connection
from django.test import Client

from servicehall.core import middleware

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def outage():
    """Make the database unreachable until the returned ``end()`` is called (or the test ends)."""
    saved = dict(connection.settings_dict)

    def begin():
        connection.close()
        if connection.vendor == "postgresql":
            connection.settings_dict["PORT"] = "1"  # nothing listens there
            connection.settings_dict["HOST"] = "127.0.0.1"
        else:
            connection.settings_dict["NAME"] = "/nonexistent-dir/servicehall.sqlite3"

    def end():
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)

    middleware._last_outage_log[0] = -1e9
    yield begin, end
    end()


def test_the_api_answers_503_with_retry_after_in_the_callers_language_and_recovers(outage, hall_a, caplog):
    begin, end = outage
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert client.get(f"/api/v1/halls/{hall_a.code}/queue").status_code == 200
    begin()
    with caplog.at_level(logging.WARNING):
        answers = [client.get(f"/api/v1/halls/{hall_a.code}/queue") for _ in range(5)]
    assert {r.status_code for r in answers} == {503}
    body = answers[0].json()
    assert body["error"] == "unavailable" and "稍" in body["message"]
    assert answers[0]["Retry-After"] == "5"
    outage_lines = [r for r in caplog.records if r.name == "servicehall.outage"]
    assert len(outage_lines) == 1 and outage_lines[0].exc_info is None
    assert not [r for r in caplog.records if r.exc_info]  # no traceback per request
    end()
    assert client.get(f"/api/v1/halls/{hall_a.code}/queue").status_code == 200


def test_the_kiosk_page_shows_a_calm_message_that_reloads_itself(outage, hall_a):
    begin, _end = outage
    begin()
    response = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get(f"/kiosk/{hall_a.code}/")
    assert response.status_code == 503
    html = response.content.decode()
    assert '<meta http-equiv="refresh" content="5">' in html
    assert "系统繁忙" in html and "Traceback" not in html
    assert response["Retry-After"] == "5"


@pytest.mark.parametrize("path", ["/staff/{hall}/audit/", "/kiosk/{hall}/", "/api/v1/halls/{hall}/queue"])
def test_pages_and_answers_are_not_stored_by_browsers_or_proxies(path, staff, hall_a):
    client = Client()
    client.force_login(staff["manager_a"])
    response = client.get(path.format(hall=hall_a.code))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
