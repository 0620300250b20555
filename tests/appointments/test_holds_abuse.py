"""Holds cost the holder something (security review, issue 13 item 2: one address held 20 seats a minute for
5 minutes each). A public hold needs the check question first; active holds are capped per address and per
mobile number; a nearly full day holds for less; the manager sees the holds that lapsed per address. A
refused hold changes nothing: no booking, no seat taken."""

import datetime

import pytest
from django.test import Client

from servicehall.appointments import selectors, services
from servicehall.appointments.choices import AppointmentStatus
from servicehall.appointments.models import Appointment, Slot
from servicehall.core.actors import Actor
from servicehall.core.errors import Conflict, Invalid
from tests.appointments.conftest import SHANGHAI, answered
from tests.appointments.test_pages import solve

S = AppointmentStatus
# The 13 half-hour slots of a day of the default plan.
TIMES = (
    [(h, m) for h in (9, 10, 11) for m in (0, 30)]
    + [(13, 30)]
    + [(h, m) for h in (14, 15, 16) for m in (0, 30)]
)


def at(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2030, 3, day, hour, minute, tzinfo=SHANGHAI)


def taken() -> int:
    return sum(Slot.objects.values_list("taken", flat=True))


def hold(actor, hall, start, **kw):
    return services.appointment_hold(actor=actor, hall=hall, service_code="SB-001", start=start, **kw)


def unchanged(before_taken: int, before_count: int) -> bool:
    return taken() == before_taken and Appointment.objects.count() == before_count


# ---------------------------------------------------------------- 1. the check question first


def test_a_public_hold_needs_the_check_question_first(clock, actors, hall_a, plan):
    with pytest.raises(Invalid) as exc:
        hold(actors["citizen"], hall_a, at(7, 10))
    assert exc.value.code == "challenge_failed" and "answer" in exc.value.fields
    assert unchanged(0, 0)
    held = hold(actors["citizen"], hall_a, at(7, 10), **answered())
    assert held.status == S.HELD and taken() == 1
    # Staff and hall devices hold on a citizen's behalf without it.
    assert hold(actors["clerk_a"], hall_a, at(7, 11)).status == S.HELD
    assert hold(actors["kiosk"], hall_a, at(7, 11)).status == S.HELD


def test_the_holds_api_asks_the_question_of_anonymous_callers_only(clock, plan, api_as):
    body = {"hall": "hall-a", "service": "SB-001", "start": at(7, 10).isoformat()}
    status, err = api_as(None).call("POST", "appointments/holds", body)
    assert status == 422 and err["error"] == "challenge_failed" and "answer" in err["fields"]
    assert unchanged(0, 0)
    status, ok = api_as(None).call("POST", "appointments/holds", {**body, **answered()})
    assert status == 201 and ok["status"] == "held"
    status, ok = api_as("clerk_a").call("POST", "appointments/holds", body)  # a staff token: no question
    assert status == 201


def test_the_slots_page_asks_the_question_before_holding_and_staff_never_see_it(clock, plan, staff):
    citizen = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = citizen.get("/book/hall-a/s/SB-001/?day=2030-03-07").content.decode()
    assert 'id="f-answer"' in html and 'name="challenge"' in html
    refused = citizen.post("/book/hall-a/s/SB-001/hold", {"start": at(7, 10).isoformat()})
    assert refused.status_code == 422 and 'id="e-answer"' in refused.content.decode()
    assert unchanged(0, 0)
    token, answer = solve(refused.content.decode())
    held = citizen.post(
        "/book/hall-a/s/SB-001/hold", {"start": at(7, 10).isoformat(), "challenge": token, "answer": answer}
    )
    assert held.status_code == 302 and taken() == 1
    clerk = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    clerk.force_login(staff["clerk_a"])
    assert 'id="f-answer"' not in clerk.get("/book/hall-a/s/SB-001/?day=2030-03-07").content.decode()
    assert clerk.post("/book/hall-a/s/SB-001/hold", {"start": at(7, 11).isoformat()}).status_code == 302


# ---------------------------------------------------------------- 2. caps per address and per mobile


def test_active_holds_are_capped_per_address(clock, actors, hall_a, plan):
    citizen = actors["citizen"]
    hold(citizen, hall_a, at(7, 9), **answered())
    hold(citizen, hall_a, at(7, 10), **answered())
    with pytest.raises(Conflict) as exc:
        hold(citizen, hall_a, at(7, 11), **answered())
    assert exc.value.code == "hold_limit" and "start" in exc.value.fields and exc.value.message
    assert unchanged(2, 2) and not Slot.objects.filter(start=at(7, 11), taken__gt=0).exists()
    # Another address may; staff are never capped.
    hold(Actor(ip="10.0.0.6"), hall_a, at(7, 11), **answered())
    for hour in (11, 14, 15):
        hold(actors["clerk_a"], hall_a, at(7, hour, 30))
    # A hold that expired no longer counts.
    clock.advance(minutes=5, seconds=1)
    assert hold(citizen, hall_a, at(8, 9), **answered()).held_from == "10.0.0.5"


def test_active_holds_are_capped_per_mobile_number(clock, actors, hall_a, plan, api_as):
    hold(actors["citizen"], hall_a, at(7, 9), phone="13812345678", **answered())
    before = (taken(), Appointment.objects.count())
    with pytest.raises(Conflict) as exc:  # from another address, the same number
        hold(Actor(ip="10.0.0.6"), hall_a, at(7, 10), phone="138 1234 5678", **answered())
    assert exc.value.code == "hold_limit" and "phone" in exc.value.fields
    assert unchanged(*before)
    body = {"hall": "hall-a", "service": "SB-001", "start": at(7, 10).isoformat(), "phone": "13812345678"}
    status, err = api_as(None).call("POST", "appointments/holds", {**body, **answered()})
    assert status == 409 and err["error"] == "hold_limit" and err["fields"]["phone"] and err["message"]
    assert unchanged(*before)
    status, err = api_as(None).call("POST", "appointments/holds", {**body, "phone": "123", **answered()})
    assert status == 422 and "phone" in err["fields"]
    # A confirmed hold is a booking, no longer a hold.
    held = Appointment.objects.get()
    services.appointment_confirm(actor=actors["citizen"], appt=held, name="张三", phone="13812345678")
    assert hold(Actor(ip="10.0.0.6"), hall_a, at(7, 10), phone="13812345678", **answered())


def test_the_page_says_why_a_further_hold_is_refused(clock, plan):
    citizen = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = citizen.get("/book/hall-a/s/SB-001/?day=2030-03-07").content.decode()
    for hour in (9, 10, 11):
        token, answer = solve(html)
        response = citizen.post(
            "/book/hall-a/s/SB-001/hold",
            {"start": at(7, hour).isoformat(), "challenge": token, "answer": answer},
        )
        html = citizen.get("/book/hall-a/s/SB-001/?day=2030-03-07").content.decode()
    assert response.status_code == 409 and 'role="alert"' in response.content.decode()
    assert Appointment.objects.filter(held_from="127.0.0.1").count() == 2 and taken() == 2


def test_the_caps_are_hall_settings(clock, actors, hall_a, plan, api_as):
    manager = api_as("manager_a")
    status, conf = manager.call("GET", "halls/hall-a/appointments/settings")
    assert status == 200 and conf["max_holds_per_address"] == 2 and conf["max_holds_per_phone"] == 1
    assert conf["scarce_percent"] == 20 and conf["hold_minutes_when_scarce"] == 2
    status, conf = manager.call("PATCH", "halls/hall-a/appointments/settings", {"max_holds_per_address": 3})
    assert status == 200 and conf["max_holds_per_address"] == 3
    for hour in (9, 10, 11):
        hold(actors["citizen"], hall_a, at(7, hour), **answered())
    for field, value in (
        ("max_holds_per_address", 0),
        ("scarce_percent", 101),
        ("hold_minutes_when_scarce", 0),
    ):
        status, err = manager.call("PATCH", "halls/hall-a/appointments/settings", {field: value})
        assert status == 422 and field in err["fields"], (field, err)


# ---------------------------------------------------------------- 3. a shorter hold on a nearly full day


def test_a_nearly_full_day_holds_for_less(clock, actors, hall_a, items_a, book):
    services.plan_save(actor=actors["manager_a"], hall=hall_a, service=items_a["SB-001"], seats_per_slot=1)
    for hour, minute in TIMES[:10]:
        book(at(7, hour, minute))
    clerk = actors["clerk_a"]
    # 3 of 13 seats left (23 %): the usual 5 minutes.
    first = hold(clerk, hall_a, at(7, *TIMES[10]))
    assert first.hold_expires_at == clock.now + datetime.timedelta(minutes=5)
    # 2 left (15 %, under 20 %): 2 minutes; and the expired hold says how long it was held.
    second = hold(clerk, hall_a, at(7, *TIMES[11]))
    assert second.hold_expires_at == clock.now + datetime.timedelta(minutes=2)
    clock.advance(minutes=2)
    with pytest.raises(Conflict) as exc:
        services.appointment_confirm(actor=clerk, appt=second, name="李四", phone="13911112222")
    assert exc.value.code == "hold_expired" and "2" in str(exc.value.message)
    # Another day of the same service is not nearly full.
    assert hold(clerk, hall_a, at(8, 9)).hold_expires_at == clock.now + datetime.timedelta(minutes=5)
    # 0 %: never shortened.
    services.settings_update(actor=actors["manager_a"], hall=hall_a, scarce_percent=0)
    assert hold(clerk, hall_a, at(7, *TIMES[12])).hold_expires_at == clock.now + datetime.timedelta(minutes=5)


# ---------------------------------------------------------------- 4. the manager sees lapsed holds


def test_the_manager_sees_holds_that_expired_unconfirmed_per_address(
    clock, actors, hall_a, plan, api_as, staff
):
    hold(actors["citizen"], hall_a, at(7, 9), **answered())
    hold(actors["citizen"], hall_a, at(7, 10), **answered())
    other = hold(Actor(ip="10.0.0.6"), hall_a, at(7, 11), **answered())
    confirmed = hold(Actor(ip="10.0.0.7"), hall_a, at(7, 14), **answered())
    services.appointment_confirm(actor=actors["citizen"], appt=confirmed, name="张三", phone="13812345678")
    staff_hold = hold(actors["clerk_a"], hall_a, at(7, 15))
    assert staff_hold.held_from is None and other.held_from == "10.0.0.6"
    clock.advance(minutes=6)
    assert services.holds_expire() == 4
    rows = selectors.expired_holds_by_address(hall=hall_a)
    assert [(r["address"], r["count"]) for r in rows] == [("10.0.0.5", 2), ("10.0.0.6", 1)]
    assert rows[0]["last_at"] == clock.now - datetime.timedelta(minutes=1)
    assert selectors.expired_holds_by_address(hall=hall_a, now=clock.now + datetime.timedelta(days=8)) == []

    status, out = api_as("manager_a").call("GET", "halls/hall-a/appointments/expired-holds")
    assert status == 200 and [(r["address"], r["count"]) for r in out] == [("10.0.0.5", 2), ("10.0.0.6", 1)]
    assert api_as("clerk_a").call("GET", "halls/hall-a/appointments/expired-holds")[0] == 403

    manager = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    manager.force_login(staff["manager_a"])
    html = manager.get("/staff/hall-a/appointments/?service=SB-001&date=2030-03-07").content.decode()
    assert 'id="expired-holds"' in html and "10.0.0.5" in html and "10.0.0.6" in html
    clerk = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    clerk.force_login(staff["clerk_a"])
    html = clerk.get("/staff/hall-a/appointments/?service=SB-001&date=2030-03-07").content.decode()
    assert "10.0.0.5" not in html
