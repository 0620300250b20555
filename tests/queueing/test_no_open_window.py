"""An estimate with no open window says so: no "about 0 minutes" and no "your turn is near" while nobody
can call the ticket; the service summary and the ticket say which services have no open window."""

import pytest
from django.test import Client

from tests.conftest import ApiClient

pytestmark = pytest.mark.django_db


def test_a_ticket_with_no_open_window_says_so_and_gets_it_once_a_window_opens(
    q, hall_a, actors, django_capture_on_commit_callbacks
):
    ticket = q.issue()
    api = ApiClient()
    _status, body = api.call("GET", f"tickets/{ticket.public_id}")
    assert body["window_open"] is False
    with django_capture_on_commit_callbacks(execute=True):
        q.open("1")  # window 1 serves SB-001
    _status, body = api.call("GET", f"tickets/{ticket.public_id}")
    assert body["window_open"] is True


def test_the_summary_names_the_services_without_an_open_window(q, hall_a):
    q.open("3")  # window 3 serves HJ-001 only
    _status, body = ApiClient().call("GET", f"halls/{hall_a.code}/queue")
    open_by_code = {s["code"]: s["window_open"] for s in body["services"]}
    assert open_by_code == {"SB-001": False, "GJ-001": False, "HJ-001": True}


def test_the_slip_does_not_promise_you_are_next_when_no_window_serves_it(q, hall_a, kiosk_a, admin_actor):
    ticket = q.issue()
    html = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get(f"/kiosk/{hall_a.code}/tickets/{ticket.public_id}/")
    text = html.content.decode()
    assert html.status_code == 200
    assert "暂无窗口" in text and "下一位就是您" not in text


def test_the_board_state_names_the_services_no_open_window_calls(
    q, hall_a, django_capture_on_commit_callbacks
):
    """The board marks a line with no window: what it redraws from lists those services, afresh after a
    window opens (not from the estimate's snapshot)."""
    url = f"/display/{hall_a.code}/state"
    assert set(Client().get(url).json()["no_window"]) == {"SB-001", "GJ-001", "HJ-001"}
    with django_capture_on_commit_callbacks(execute=True):
        q.open("3")  # window 3 serves HJ-001 only
    assert set(Client().get(url).json()["no_window"]) == {"SB-001", "GJ-001"}


def test_the_board_page_carries_the_no_window_note_for_every_line(q, hall_a):
    html = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get(f"/display/{hall_a.code}/").content.decode()
    assert html.count('class="w-note"') == html.count('class="wait-row"') > 0
    assert "暂无窗口办理" in html
