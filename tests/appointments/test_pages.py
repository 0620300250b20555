"""The booking portal, the kiosk check-in and the manager's calendar, through Django's test client:
forms show errors beside the field and change nothing; the flow books, confirms, changes and cancels."""

import datetime
import re

import pytest
from django.test import Client

from servicehall.appointments.choices import AppointmentStatus
from servicehall.appointments.models import Appointment, Slot
from servicehall.core.challenge import NUMERALS
from tests.appointments.conftest import SHANGHAI

S = AppointmentStatus


def at(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2030, 3, day, hour, minute, tzinfo=SHANGHAI)


def solve(html: str) -> tuple[str, str]:
    """Answer the page's check question as a person would: read it, add the two numbers."""
    question = re.search(r"([一二三四五六七八九])加([一二三四五六七八九])等于几", html)
    token = re.search(r'name="challenge" value="([^"]+)"', html).group(1)
    return token, str(NUMERALS.index(question.group(1)) + NUMERALS.index(question.group(2)))


@pytest.fixture
def citizen():
    return Client(HTTP_ACCEPT_LANGUAGE="zh-hans")


def test_book_on_the_portal_then_change_and_cancel(clock, hall_a, plan, citizen):
    page = citizen.get("/book/hall-a/")
    assert page.status_code == 200 and "社保参保登记" in page.content.decode()
    page = citizen.get("/book/hall-a/s/SB-001/?day=2030-03-07")
    html = page.content.decode()
    assert "10:00" in html and "2 个名额" in html or "2 seats" in html
    # The check question is on the slots page, answered before a seat is held: a wrong answer is shown
    # beside its field and holds nothing.
    token, answer = solve(html)
    wrong = citizen.post(
        "/book/hall-a/s/SB-001/hold",
        {"start": at(7, 10).isoformat(), "challenge": token, "answer": str(int(answer) + 1)},
    )
    assert wrong.status_code == 422 and 'id="e-answer"' in wrong.content.decode()
    assert not Appointment.objects.exists()
    token, answer = solve(wrong.content.decode())
    held = citizen.post(
        "/book/hall-a/s/SB-001/hold", {"start": at(7, 10).isoformat(), "challenge": token, "answer": answer}
    )
    assert held.status_code == 302
    details_url = held["Location"]
    form = citizen.get(details_url).content.decode()
    assert 'name="answer"' not in form  # asked once, before the hold
    # Errors are shown beside their field, and nothing is booked.
    bad = citizen.post(details_url, {"name": "", "phone": "123"})
    html = bad.content.decode()
    assert bad.status_code == 422 and 'id="e-name"' in html and 'id="e-phone"' in html
    assert Appointment.objects.get().status == S.HELD
    ok = citizen.post(details_url, {"name": "张三", "phone": "13812345678"})
    assert ok.status_code == 302
    appt = Appointment.objects.get()
    assert appt.status == S.BOOKED
    confirm = citizen.get(ok["Location"]).content.decode()
    assert appt.code in confirm and "138****5678" in confirm and "<svg" in confirm and "居民身份证" in confirm
    # Change the time, then cancel.
    moved = citizen.post(f"/book/hall-a/a/{appt.public_id}/move", {"start": at(8, 14).isoformat()})
    assert moved.status_code == 302
    appt.refresh_from_db()
    assert appt.start == at(8, 14)
    cancelled = citizen.post(f"/book/hall-a/a/{appt.public_id}/cancel")
    assert cancelled.status_code == 302
    appt.refresh_from_db()
    assert appt.status == S.CANCELLED and sum(s.taken for s in Slot.objects.all()) == 0


def test_find_by_code_and_phone(clock, book, citizen):
    appt = book(at(7, 10), phone="13812345678")
    wrong = citizen.post("/book/hall-a/find/", {"code": appt.code, "phone": "13800000000"})
    assert wrong.status_code == 422 and 'id="e-code"' in wrong.content.decode()
    found = citizen.post("/book/hall-a/find/", {"code": appt.code.lower(), "phone": "138 1234 5678"})
    assert found.status_code == 302 and appt.public_id in found["Location"]


def test_full_slot_offers_the_waitlist(clock, book, citizen):
    book(at(7, 10))
    book(at(7, 10))
    html = citizen.get("/book/hall-a/s/SB-001/?day=2030-03-07").content.decode()
    assert "/book/hall-a/s/SB-001/waitlist?start=" in html
    url = f"/book/hall-a/s/SB-001/waitlist?start={at(7, 10).isoformat()}"
    token, answer = solve(citizen.get(url).content.decode())
    joined = citizen.post(
        url,
        {
            "start": at(7, 10).isoformat(),
            "name": "王五",
            "phone": "13700000001",
            "challenge": token,
            "answer": answer,
        },
    )
    assert joined.status_code == 201, re.findall(r"error[^>]*>([^<]+)", joined.content.decode())
    assert "1" in joined.content.decode()


def test_holiday_is_shown_closed_with_its_name(clock, hall_a, plan, citizen, actors):
    from servicehall.appointments import services

    services.calendar_day_set(
        actor=actors["manager_a"], hall=hall_a, date=datetime.date(2030, 3, 8), kind="holiday", name="测试节"
    )
    html = citizen.get("/book/hall-a/s/SB-001/?day=2030-03-08").content.decode()
    assert "测试节" in html and 'action="/book/hall-a/s/SB-001/hold"' not in html
    assert (
        'action="/book/hall-a/s/SB-001/hold"'
        in citizen.get("/book/hall-a/s/SB-001/?day=2030-03-07").content.decode()
    )


def test_kiosk_check_in_prints_the_ticket(clock, book, hall_a, kiosk_a, admin_actor):
    from servicehall.core import services as core_services
    from servicehall.core.choices import DeviceKind

    _device, raw = core_services.device_create(
        actor=admin_actor, hall=hall_a, kind=DeviceKind.KIOSK, name="k2"
    )
    appt = book(at(6, 10))
    kiosk = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    kiosk.get(f"/kiosk/hall-a/pair/?token={raw}")
    clock.at(9, 40)
    bad = kiosk.post("/kiosk/hall-a/check-in/", {"code": "ZZZZZZZZ"})
    assert bad.status_code == 422 and 'id="code-error"' in bad.content.decode()
    done = kiosk.post("/kiosk/hall-a/check-in/", {"code": appt.code})
    assert done.status_code == 302 and "/kiosk/hall-a/tickets/" in done["Location"]
    slip = kiosk.get(done["Location"]).content.decode()
    appt.refresh_from_db()
    assert appt.ticket.number in slip and appt.status == S.CHECKED_IN


def test_unpaired_browser_cannot_check_in(clock, book):
    appt = book(at(6, 10))
    clock.at(9, 40)
    page = Client().post("/kiosk/hall-a/check-in/", {"code": appt.code})
    assert page.status_code == 422
    appt.refresh_from_db()
    assert appt.status == S.BOOKED


def test_manager_calendar_shows_seats_and_closes_a_day(clock, book, staff):
    book(at(7, 10), phone="13812345678")
    manager = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    manager.force_login(staff["manager_a"])
    html = manager.get("/staff/hall-a/appointments/?service=SB-001&date=2030-03-07").content.decode()
    assert "1/2" in html and "138****5678" in html and "13812345678" not in html
    closed = manager.post(
        "/staff/hall-a/appointments/?service=SB-001&date=2030-03-07", {"reason": "", "scope": "service"}
    )
    assert closed.status_code == 422 and 'id="reason-error"' in closed.content.decode()
    closed = manager.post(
        "/staff/hall-a/appointments/?service=SB-001&date=2030-03-07",
        {"reason": "设备检修", "scope": "service"},
    )
    assert closed.status_code == 200 and Appointment.objects.get().status == S.CANCELLED
    clerk = Client()
    clerk.force_login(staff["clerk_b"])
    assert clerk.get("/staff/hall-a/appointments/").status_code == 403


def test_manager_enters_a_makeup_day_on_the_calendar_page(clock, hall_a, plan, staff):
    manager = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    manager.force_login(staff["manager_a"])
    url = "/staff/hall-a/appointments/?service=SB-001&date=2030-03-07"
    bad = manager.post(url, {"action": "calendar_day", "day": "", "kind": "workday"})
    assert bad.status_code == 422 and 'id="day-error"' in bad.content.decode()
    ok = manager.post(
        url, {"action": "calendar_day", "day": "2030-03-09", "kind": "workday", "name": "调休上班"}
    )
    assert ok.status_code == 200 and "调休上班" in ok.content.decode()
    html = Client().get("/book/hall-a/s/SB-001/?day=2030-03-09").content.decode()
    assert 'action="/book/hall-a/s/SB-001/hold"' in html  # a Saturday open for booking


def test_manager_closes_one_slot_from_the_calendar(clock, book, staff):
    a = book(at(7, 10))
    b = book(at(7, 14))
    manager = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    manager.force_login(staff["manager_a"])
    url = "/staff/hall-a/appointments/?service=SB-001&date=2030-03-07"
    assert f'value="{at(7, 10).isoformat()}"' in manager.get(url).content.decode()
    done = manager.post(url, {"reason": "系统升级", "scope": "service", "start": at(7, 10).isoformat()})
    assert done.status_code == 200
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.status, b.status) == (S.CANCELLED, S.BOOKED)
    assert Slot.objects.get(start=at(7, 10)).closed
