"""Staff log-in with lock-out after repeated failures; the clock is controlled, never the wall clock."""

import datetime

import pytest
import time_machine

pytestmark = pytest.mark.django_db

T0 = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def _login(client, password):
    return client.post("/login/", {"username": "clerk_a", "password": password})


def test_a_correct_login_lands_on_the_staff_home(client, staff):
    response = _login(client, "x-pass-12345")
    assert response.status_code == 302 and response["Location"] == "/staff/"
    home = client.get("/staff/")
    assert "甲区政务服务中心" in home.content.decode()


def test_a_wrong_password_shows_the_error_beside_the_field(client, staff):
    response = _login(client, "wrong")
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["password"]


def test_five_failures_lock_the_account_even_for_the_right_password_until_the_window_passes(client, staff):
    with time_machine.travel(T0, tick=False):
        for _ in range(5):
            _login(client, "wrong")
        locked = _login(client, "x-pass-12345")
        assert locked.status_code == 200
        assert locked.context["form"].non_field_errors()
    with time_machine.travel(T0 + datetime.timedelta(minutes=16), tick=False):
        assert _login(client, "x-pass-12345").status_code == 302


def test_an_open_redirect_after_login_is_refused(client, staff):
    response = client.post(
        "/login/", {"username": "clerk_a", "password": "x-pass-12345", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/staff/"
