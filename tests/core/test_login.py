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


def _post(client, password, ip, username="clerk_a"):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def _admin_login(client, password, ip="10.9.9.9"):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": "root", "password": password, "next": "/admin/"},
        REMOTE_ADDR=ip,
    )


def test_the_admin_sign_in_has_the_same_lock_out_and_audit_as_the_site(client, staff):
    from servicehall.core.models import AuditEntry, LoginFailure

    with time_machine.travel(T0, tick=False):
        for _ in range(5):
            assert _admin_login(client, "wrong").status_code == 200
        assert LoginFailure.objects.filter(username="root").count() == 5
        assert AuditEntry.objects.filter(action="login.failure", object_repr="root").count() == 5
        locked = _admin_login(client, "x-root-pass-123")
        assert locked.status_code == 200  # not the redirect into the admin
        assert "_auth_user_id" not in client.session
        assert "locked" in locked.content.decode().lower() or "锁定" in locked.content.decode()
        assert AuditEntry.objects.filter(action="login.locked", object_repr="root").count() == 1
    with time_machine.travel(T0 + datetime.timedelta(minutes=16), tick=False):
        assert _admin_login(client, "x-root-pass-123").status_code == 302
        assert AuditEntry.objects.filter(action="login.success", ip="10.9.9.9").exists()


def test_a_stranger_cannot_lock_a_clerk_out_of_the_address_the_clerk_uses(client, staff):
    from django.test import Client

    with time_machine.travel(T0, tick=False):
        desk = Client()
        assert _post(desk, "x-pass-12345", "10.0.0.7").status_code == 302  # the clerk's own desk
        stranger = Client()
        for n in range(12):
            _post(stranger, "wrong", f"192.0.2.{n % 3}")  # guessing from three addresses
        assert _post(stranger, "x-pass-12345", "192.0.2.0").status_code == 200  # the account, from there
        assert _post(Client(), "x-pass-12345", "198.51.100.1").status_code == 200  # an unknown address too
        assert _post(Client(), "x-pass-12345", "10.0.0.7").status_code == 302  # the desk still signs in


def test_repeated_lock_outs_of_one_pair_last_longer_each_time(client, staff):
    from django.test import Client

    with time_machine.travel(T0, tick=False) as clock:
        for _ in range(5):
            _post(client, "wrong", "192.0.2.50")
        clock.move_to(T0 + datetime.timedelta(minutes=16))
        for _ in range(5):
            _post(client, "wrong", "192.0.2.50")  # locked again at once; tries while locked count too
        clock.move_to(T0 + datetime.timedelta(minutes=16 + 20))
        assert _post(client, "x-pass-12345", "192.0.2.50").status_code == 200  # 30 minutes now, not 15
        # that try counted too: 30 minutes from it
        clock.move_to(T0 + datetime.timedelta(minutes=16 + 20 + 29))
        assert _post(Client(), "x-pass-12345", "192.0.2.50").status_code == 200
        clock.move_to(T0 + datetime.timedelta(minutes=16 + 20 + 29 + 31))
        assert _post(Client(), "x-pass-12345", "192.0.2.50").status_code == 302
