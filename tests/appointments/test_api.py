"""The appointments API contract: shapes, status codes, readable 409s, 422 field errors, who may do what."""

import datetime

import pytest
from icalendar import Calendar

from servicehall.appointments.models import Appointment, Slot
from servicehall.core.challenge import NUMERALS
from tests.appointments.conftest import ID_OK, SHANGHAI


def at(day: int, hour: int, minute: int = 0) -> str:
    return datetime.datetime(2030, 3, day, hour, minute, tzinfo=SHANGHAI).isoformat()


def body(start, phone="13812345678", **kw):
    return {"hall": "hall-a", "service": "SB-001", "start": start, "name": "张三", "phone": phone, **kw}


@pytest.fixture
def clerk(api_as):
    return api_as("clerk_a")


def test_slots_contract(clock, plan, api_as):
    status, rows = api_as(None).call(
        "GET", "halls/hall-a/services/SB-001/slots?date_from=2030-03-07&date_to=2030-03-08"
    )
    assert status == 200 and len(rows) == 26  # 13 half-hour slots a day
    first = rows[0]
    assert set(first) >= {"start", "end", "capacity", "remaining", "state"}
    assert first["start"].startswith("2030-03-07T09:00:00") and first["capacity"] == first["remaining"] == 2
    status, err = api_as(None).call(
        "GET", "halls/hall-a/services/SB-001/slots?date_from=2030-03-08&date_to=2030-03-01"
    )
    assert status == 422 and "date_to" in err["fields"]
    status, err = api_as(None).call(
        "GET", "halls/hall-a/services/SB-001/slots?date_from=2030-03-01&date_to=2030-12-01"
    )
    assert status == 422
    status, err = api_as(None).call("GET", "halls/hall-a/services/GJ-001/slots")
    assert status == 409 and err["error"] == "not_bookable" and "公积金提取" in err["message"]


def test_book_contract_and_full_slot(clock, plan, clerk):
    status, a = clerk.call("POST", "appointments", body(at(7, 10)))
    assert status == 201 and set(a) >= {"id", "code", "start", "status"} and a["status"] == "booked"
    assert a["phone"] == "138****5678" and a["ics_url"].endswith(f"/api/v1/appointments/{a['id']}/ics")
    clerk.call("POST", "appointments", body(at(7, 10), phone="13812345679"))
    status, err = clerk.call("POST", "appointments", body(at(7, 10), phone="13812345670"))
    assert status == 409 and err["error"] == "slot_full" and err["message"]
    assert Slot.objects.get().taken == 2


def test_invalid_id_number_says_so(clock, plan, clerk):
    status, err = clerk.call("POST", "appointments", body(at(7, 10), id_number="110105194912310021"))
    assert status == 422 and "id_number" in err["fields"]
    assert "身份证" in err["fields"]["id_number"][0] or "resident ID" in err["fields"]["id_number"][0]
    status, err = clerk.call("POST", "appointments", body("not a date"))
    assert status == 422 and "start" in err["fields"]
    assert not Appointment.objects.exists()


def test_public_booking_needs_the_check_question_and_is_rate_limited(clock, plan, api_as):
    citizen = api_as(None)
    status, err = citizen.call("POST", "appointments", body(at(7, 10)))
    assert status == 422 and err["error"] == "challenge_failed" and "answer" in err["fields"]
    status, ch = citizen.call("GET", "appointments/challenge")
    a, b = (NUMERALS.index(c) for c in ch["question"].split("加")[0][-1] + ch["question"].split("加")[1][0])
    status, ok = citizen.call(
        "POST", "appointments", body(at(7, 10), challenge=ch["token"], answer=str(a + b))
    )
    assert status == 201
    # The same token cannot be used twice.
    status, err = citizen.call(
        "POST", "appointments", body(at(7, 11), phone="13812345670", challenge=ch["token"], answer=str(a + b))
    )
    assert status == 422 and err["error"] == "challenge_failed"
    seen = {
        citizen.call("POST", "appointments", body(at(7, 11), phone=f"1381234{i:04d}"))[0] for i in range(12)
    }
    assert 429 in seen


def test_cancel_reschedule_detail_and_ics(clock, plan, clerk, api_as):
    _s, a = clerk.call("POST", "appointments", body(at(7, 10)))
    status, moved = api_as(None).call("POST", f"appointments/{a['id']}/reschedule", {"start": at(7, 14)})
    assert status == 200 and moved["start"].startswith("2030-03-07T14:00")
    status, ics = api_as(None).call("GET", f"appointments/{a['id']}/ics")
    assert status == 200
    event = next(iter(Calendar.from_ical(ics).walk("VEVENT")))
    assert event.decoded("dtstart").astimezone(SHANGHAI).hour == 14
    status, err = api_as(None).call("POST", f"appointments/{a['id']}/cancel", {"phone": "13900000000"})
    assert status == 403 and err["error"] == "phone_mismatch"
    status, done = api_as(None).call("POST", f"appointments/{a['id']}/cancel", {"reason": "有事"})
    assert status == 200 and done["status"] == "cancelled"
    status, err = api_as(None).call("POST", f"appointments/{a['id']}/cancel", {})
    assert status == 409 and err["error"] == "illegal_transition"
    assert api_as(None).call("GET", "appointments/nope")[0] == 404


def test_check_in_returns_an_appointment_ticket(clock, plan, clerk, api_as, kiosk_token):
    from tests.conftest import ApiClient

    _s, a = clerk.call("POST", "appointments", body(at(6, 10), id_number=ID_OK))
    clock.at(9, 45)
    assert api_as(None).call("POST", "appointments/check-in", {"hall": "hall-a", "code": a["code"]})[0] == 401
    kiosk = ApiClient(kiosk_token)
    status, out = kiosk.call("POST", "appointments/check-in", {"hall": "hall-a", "id_number": ID_OK.lower()})
    assert status == 200 and out["ticket"]["priority"] == "appointment" and out["ticket"]["number"] == "A001"
    assert out["appointment"]["status"] == "checked_in" and out["appointment"]["ticket_number"] == "A001"
    status, again = kiosk.call("POST", "appointments/check-in", {"hall": "hall-a", "code": a["code"]})
    assert status == 200 and again["ticket"]["id"] == out["ticket"]["id"]


def test_manager_endpoints_are_for_managers_of_the_hall(clock, plan, api_as):
    assert api_as("clerk_a").call("PUT", "halls/hall-a/services/SB-001/plan", {"seats_per_slot": 5})[0] == 403
    assert (
        api_as("manager_b").call("PATCH", "halls/hall-a/appointments/settings", {"hold_minutes": 3})[0] == 403
    )
    status, out = api_as("manager_a").call(
        "PUT", "halls/hall-a/services/SB-001/plan", {"seats_per_slot": 5, "walk_in_seats": 1}
    )
    assert status == 200 and out["capacity"] == 4
    status, err = api_as("manager_a").call(
        "PUT", "halls/hall-a/services/SB-001/plan", {"periods": {"0": [["12:00", "09:00"]]}}
    )
    assert status == 422 and "periods" in err["fields"]
    status, err = api_as("manager_a").call("PATCH", "halls/hall-a/appointments/settings", {"hold_minutes": 0})
    assert status == 422 and "hold_minutes" in err["fields"]
    status, out = api_as("manager_a").call(
        "PUT", "halls/hall-a/calendar/2030-03-08", {"kind": "closed", "name": "停水"}
    )
    assert status == 200 and out["kind"] == "closed" and not out["open"]
    status, cal = api_as(None).call("GET", "halls/hall-a/calendar?date_from=2030-03-07&date_to=2030-03-09")
    assert [d["open"] for d in cal["days"]] == [True, False, False]
    status, day = api_as("clerk_a").call("GET", "halls/hall-a/appointments?date=2030-03-07")
    assert status == 200 and day["appointments"] == []
    assert api_as("clerk_b").call("GET", "halls/hall-a/appointments?date=2030-03-07")[0] == 403


def test_a_full_slot_answers_409_without_a_warning_in_the_server_log(clock, plan, clerk, caplog):
    clerk.call("POST", "appointments", body(at(7, 10)))
    clerk.call("POST", "appointments", body(at(7, 10), phone="13812345679"))
    with caplog.at_level("INFO", logger="django.request"):
        status, _err = clerk.call("POST", "appointments", body(at(7, 10), phone="13812345670"))
        forbidden, _err = clerk.call("GET", "halls/hall-b/appointments?date=2030-03-07")
    assert (status, forbidden) == (409, 403)
    logged = [r.getMessage() for r in caplog.records if r.name == "django.request"]
    assert logged == ["Forbidden: /api/v1/halls/hall-b/appointments"], logged
