"""Booking rules through the services, on a frozen clock (Wednesday 2030-03-06 09:00, Asia/Shanghai)."""

import datetime
import json

import pytest
from icalendar import Calendar

from servicehall.appointments import selectors, services
from servicehall.appointments.choices import SEAT_STATUSES, AppointmentStatus, LatePolicy, WaitlistStatus
from servicehall.appointments.models import Appointment, BookingQuota, Slot
from servicehall.core.errors import Conflict, Invalid, NotAuthenticated, PermissionDenied
from servicehall.queueing.models import Ticket
from tests.appointments.conftest import ID_OK, SHANGHAI, answered
from tests.conftest import sent_texts

S = AppointmentStatus


def at(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2030, 3, day, hour, minute, tzinfo=SHANGHAI)


def seats_consistent():
    """Every slot's seat count equals its bookings that hold a seat."""
    for slot in Slot.objects.all():
        held = Appointment.objects.filter(slot=slot, status__in=SEAT_STATUSES).count()
        assert slot.taken == held, (slot, held)
        assert slot.taken <= slot.capacity


@pytest.fixture
def var(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.SERVICEHALL_NOTIFY_BACKEND = "file"
    return tmp_path


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run the after-commit callbacks (the texts) of what happens inside the block, as a commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_slots_follow_the_plan_breaks_and_default_seats(clock, hall_a, plan):
    grid, days = selectors.slot_grid(
        hall=hall_a,
        plan=plan,
        date_from=clock.now.date(),
        date_to=clock.now.date() + datetime.timedelta(days=8),
    )
    thursday = [s for s in grid if s.start.astimezone(SHANGHAI).date() == datetime.date(2030, 3, 7)]
    times = [s.start.astimezone(SHANGHAI).strftime("%H:%M") for s in thursday]
    assert times[:6] == ["09:00", "09:30", "10:00", "10:30", "11:00", "11:30"]
    assert "12:00" not in times and "13:00" not in times and times[6] == "13:30" and times[-1] == "16:30"
    assert {s.capacity for s in thursday} == {2}  # windows 1 and 2 serve SB-001
    # Saturday and Sunday have no slots; today's before 10:00 are too late (60 minutes' notice).
    assert not [s for s in grid if s.start.astimezone(SHANGHAI).weekday() >= 5]
    today = [s for s in grid if s.start.astimezone(SHANGHAI).date() == clock.now.date()]
    assert [s.state for s in today[:3]] == ["past", "past", "open"]
    # Beyond the 7-day horizon (Thursday 14th): shown, but not bookable yet.
    assert grid[-1].state == "not_yet"


def test_booking_takes_a_seat_and_the_last_seat_goes_once(clock, book):
    a = book(at(7, 10))
    b = book(at(7, 10))
    assert a.status == b.status == S.BOOKED and a.code != b.code and len(a.code) == 8
    with pytest.raises(Conflict) as exc:
        book(at(7, 10))
    assert exc.value.code == "slot_full"
    slot = Slot.objects.get()
    assert (slot.capacity, slot.taken) == (2, 2)
    seats_consistent()


def test_bad_input_is_refused_and_changes_nothing(clock, book, actors, hall_a):
    with pytest.raises(Invalid) as exc:
        book(at(7, 10), phone="12345")
    assert "phone" in exc.value.fields
    with pytest.raises(Invalid) as exc:
        book(at(7, 10), id_number="110105194912310021")  # wrong check character
    assert "校验码" in str(exc.value.fields["id_number"][0])  # "the last check character"
    with pytest.raises(Invalid):
        book(at(7, 10, 10))  # no slot starts at 10:10
    with pytest.raises(Conflict) as exc:
        book(at(9, 10))  # Saturday
    assert exc.value.code == "day_closed"
    with pytest.raises(Conflict) as exc:
        book(at(6, 9, 30))  # in 30 minutes: less than the notice
    assert exc.value.code == "too_late"
    with pytest.raises(Conflict) as exc:
        book(at(20, 10))  # beyond the horizon
    assert exc.value.code == "not_open_yet"
    assert not Appointment.objects.exists() and not Slot.objects.filter(taken__gt=0).exists()


def test_real_name_service_needs_a_valid_resident_id(clock, book, actors, hall_a, plan):
    services.plan_save(actor=actors["manager_a"], hall=hall_a, service=plan.service, real_name=True)
    with pytest.raises(Invalid) as exc:
        book(at(7, 10))
    assert "id_number" in exc.value.fields
    appt = book(at(7, 10), id_number=ID_OK.lower())
    assert appt.id_hint == "110105********002X" and ID_OK not in appt.id_encrypted


def test_personal_data_is_encrypted_masked_and_audited_without_clear_values(clock, book):
    appt = book(at(7, 10), phone="13812345678", name="张三丰")
    appt.refresh_from_db()
    assert appt.phone_hint == "138****5678" and appt.name_hint == "张**"
    assert "13812345678" not in appt.phone_encrypted and "张三丰" not in appt.name_encrypted
    from servicehall.core.models import AuditEntry

    entry = AuditEntry.objects.get(action="appointment.book")
    assert "13812345678" not in json.dumps(entry.after, ensure_ascii=False)


def test_one_booking_per_person_service_and_day(clock, book):
    book(at(7, 10), phone="13900000001")
    with pytest.raises(Conflict) as exc:
        book(at(7, 14), phone="139 0000 0001")
    assert exc.value.code == "person_limit"
    book(at(8, 10), phone="13900000001")  # another day is fine
    seats_consistent()


def test_cancel_frees_the_seat_and_the_quota(clock, book, actors):
    a = book(at(7, 10), phone="13900000001")
    book(at(7, 10))
    services.appointment_cancel(actor=actors["citizen"], appt=a)
    assert Slot.objects.get().taken == 1
    assert BookingQuota.objects.get(person=a.person).active == 0
    again = book(at(7, 10), phone="13900000001")
    assert again.status == S.BOOKED
    with pytest.raises(Conflict) as exc:
        services.appointment_cancel(actor=actors["citizen"], appt=a)
    assert exc.value.code == "illegal_transition"
    seats_consistent()


def test_cancel_by_code_needs_the_matching_phone(clock, book, actors):
    a = book(at(7, 10), phone="13900000001")
    with pytest.raises(PermissionDenied):
        services.appointment_cancel(actor=actors["citizen"], appt=a, phone="13900000002")
    services.appointment_cancel(actor=actors["citizen"], appt=a, phone="13900000001")


def test_reschedule_keeps_the_booking_when_the_new_slot_is_full(clock, book, actors):
    a = book(at(7, 10))
    book(at(7, 14))
    book(at(7, 14))
    with pytest.raises(Conflict) as exc:
        services.appointment_reschedule(actor=actors["citizen"], appt=a, start=at(7, 14))
    assert exc.value.code == "slot_full" and "10:00" in str(exc.value.message)
    a.refresh_from_db()
    assert a.start == at(7, 10) and a.status == S.BOOKED
    moved = services.appointment_reschedule(actor=actors["citizen"], appt=a, start=at(8, 9))
    assert moved.start == at(8, 9) and moved.day == datetime.date(2030, 3, 8) and moved.reschedules == 1
    assert {(s.start, s.taken) for s in Slot.objects.all()} == {(at(7, 10), 0), (at(7, 14), 2), (at(8, 9), 1)}
    seats_consistent()


def test_a_hold_keeps_the_seat_then_expires_by_itself(clock, actors, hall_a, plan, book):
    held = services.appointment_hold(
        actor=actors["citizen"], hall=hall_a, service_code="SB-001", start=at(7, 10), **answered()
    )
    book(at(7, 10))
    with pytest.raises(Conflict):
        book(at(7, 10))  # the hold still counts
    clock.advance(minutes=6)
    third = book(at(7, 10))  # the full slot frees the expired hold itself
    assert third.status == S.BOOKED
    held.refresh_from_db()
    assert held.status == S.EXPIRED
    with pytest.raises(Conflict) as exc:
        services.appointment_confirm(actor=actors["clerk_a"], appt=held, name="李四", phone="13911112222")
    assert exc.value.code == "illegal_transition"
    seats_consistent()


def test_confirming_an_expired_hold_tells_so_and_frees_the_seat(clock, actors, hall_a, plan):
    held = services.appointment_hold(
        actor=actors["citizen"], hall=hall_a, service_code="SB-001", start=at(7, 10), **answered()
    )
    clock.advance(minutes=5)
    with pytest.raises(Conflict) as exc:
        services.appointment_confirm(actor=actors["clerk_a"], appt=held, name="李四", phone="13911112222")
    assert exc.value.code == "hold_expired"
    held.refresh_from_db()
    assert held.status == S.EXPIRED and Slot.objects.get().taken == 0


def test_worker_expires_holds(clock, actors, hall_a, plan):
    services.appointment_hold(
        actor=actors["citizen"], hall=hall_a, service_code="SB-001", start=at(7, 10), **answered()
    )
    assert services.holds_expire() == 0
    clock.advance(minutes=5, seconds=1)
    assert services.holds_expire() == 1
    assert Slot.objects.get().taken == 0


def test_waitlist_gets_the_freed_seat_with_a_time_limited_offer(clock, book, actors, hall_a, var, commit):
    a = book(at(7, 10))
    book(at(7, 10))
    entry = services.waitlist_join(
        actor=actors["clerk_a"],
        hall=hall_a,
        service_code="SB-001",
        start=at(7, 10),
        name="王五",
        phone="13700000001",
    )
    second = services.waitlist_join(
        actor=actors["clerk_a"],
        hall=hall_a,
        service_code="SB-001",
        start=at(7, 10),
        name="赵六",
        phone="13700000002",
    )
    with commit():
        services.appointment_cancel(actor=actors["citizen"], appt=a)
    offer = Appointment.objects.get(waitlist_entry=entry)
    assert offer.status == S.HELD and offer.hold_expires_at == clock.now + datetime.timedelta(minutes=30)
    assert Slot.objects.get().taken == 2  # the seat went straight to the waitlist
    assert any(t["phone"] == "13700000001" and "/book/hall-a/a/" in t["text"] for t in sent_texts())
    # The first does not answer: the offer passes to the next in line.
    clock.advance(minutes=31)
    services.holds_expire()
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.EXPIRED
    offer2 = Appointment.objects.get(waitlist_entry=second)
    confirmed = services.appointment_confirm(
        actor=actors["citizen"], appt=offer2, name="", phone="", skip_challenge=True
    )
    assert confirmed.status == S.BOOKED and confirmed.phone_hint == "137****0002"
    second.refresh_from_db()
    assert second.status == WaitlistStatus.BOOKED
    seats_consistent()


def test_check_in_turns_the_booking_into_an_appointment_ticket(clock, book, actors, hall_a, var):
    appt = book(at(6, 10), phone="13900000009")
    clock.at(9, 20)
    with pytest.raises(Conflict) as exc:
        services.appointment_check_in(actor=actors["kiosk"], hall=hall_a, code=appt.code)
    assert exc.value.code == "too_early" and "09:30" in str(exc.value.message)
    clock.at(9, 45)
    done = services.appointment_check_in(actor=actors["kiosk"], hall=hall_a, code=appt.code.lower())
    assert done.status == S.CHECKED_IN and not done.checked_in_late
    ticket = done.ticket
    assert (ticket.channel, ticket.priority, ticket.is_priority, ticket.service.code) == (
        "appointment",
        "appointment",
        True,
        "SB-001",
    )
    # Asking again (a kiosk that lost the answer) returns the same ticket, not a second one.
    again = services.appointment_check_in(actor=actors["kiosk"], hall=hall_a, phone="13900000009")
    assert again.ticket.pk == ticket.pk and Ticket.objects.count() == 1


def test_check_in_needs_a_kiosk_or_staff(clock, book, actors, hall_a):
    appt = book(at(6, 10))
    clock.at(9, 45)
    with pytest.raises(NotAuthenticated):
        services.appointment_check_in(actor=actors["citizen"], hall=hall_a, code=appt.code)


def test_late_arrival_policy(clock, book, actors, hall_a):
    a = book(at(6, 10))
    b = book(at(6, 10))
    clock.at(10, 20)
    late = services.appointment_check_in(actor=actors["kiosk"], hall=hall_a, code=a.code)
    assert late.checked_in_late and late.ticket.priority == "normal" and not late.ticket.is_priority
    services.settings_update(actor=actors["manager_a"], hall=hall_a, late_policy=LatePolicy.REFUSE)
    with pytest.raises(Conflict) as exc:
        services.appointment_check_in(actor=actors["kiosk"], hall=hall_a, code=b.code)
    assert exc.value.code == "late" and "10:15" in str(exc.value.message)


def test_no_shows_and_suspension(clock, book, actors, hall_a):
    phone = "13600000001"
    for day in (6, 7, 8):
        clock.at(9, 0, days=day - 6)
        book(at(day, 15), phone=phone)
        clock.at(16, 0, days=day - 6)
        assert services.no_shows_mark() == 1
    clock.at(9, 0, days=5)  # Monday 11th
    with pytest.raises(Conflict) as exc:
        book(at(12, 10), phone=phone)
    assert exc.value.code == "suspended" and "2030-04-07" in str(exc.value.message)
    clock.set(at(8, 16) + datetime.timedelta(days=30, minutes=1))
    standing = selectors.person_standing(
        hall=hall_a,
        phone_digest=Appointment.objects.first().phone_digest,
        id_digest="",
        person="",
        now=clock.now,
        since=clock.now - datetime.timedelta(days=90),
    )
    assert standing["no_shows"] == 3


def test_reminders_a_day_and_an_hour_before_once_each(clock, book, var, commit):
    book(at(8, 10), phone="13500000001")  # booked two days ahead
    book(at(6, 10, 30), phone="13500000002")  # booked 90 minutes ahead: no day-before reminder
    clock.at(10, 0, days=1)  # Thursday 10:00: 24 h before the first
    with commit():
        assert services.reminders_send() == 1
    assert services.reminders_send() == 0
    clock.set(at(8, 9, 0))
    with commit():
        assert services.reminders_send() == 1
    sent = [t["phone"] for t in sent_texts() if "Reminder" in t["text"] or "提醒" in t["text"]]
    assert sent == ["13500000001", "13500000001"]


def test_closing_a_day_cancels_and_texts_everyone_affected(clock, book, actors, hall_a, var, commit):
    a = book(at(7, 10), phone="13400000001")
    b = book(at(7, 14), phone="13400000002")
    with commit():
        n = services.day_close(
            actor=actors["manager_a"], hall=hall_a, date=datetime.date(2030, 3, 7), reason="停电检修"
        )
    assert n == 2
    for appt in (a, b):
        appt.refresh_from_db()
        assert appt.status == S.CANCELLED and appt.cancel_reason == "停电检修"
    told = {t["phone"] for t in sent_texts() if "停电检修" in t["text"]}
    assert told == {"13400000001", "13400000002"}
    with pytest.raises(Conflict) as exc:
        book(at(7, 11))
    assert exc.value.code == "day_closed"
    with pytest.raises(PermissionDenied):
        services.day_close(actor=actors["clerk_a"], hall=hall_a, date=datetime.date(2030, 3, 8), reason="x")
    seats_consistent()


def test_closing_a_slot(clock, book, actors, hall_a, plan):
    a = book(at(7, 10))
    assert (
        services.slot_close(
            actor=actors["manager_a"], hall=hall_a, service=plan.service, start=at(7, 10), reason="系统升级"
        )
        == 1
    )
    with pytest.raises(Conflict) as exc:
        book(at(7, 10))
    assert exc.value.code == "slot_closed"
    book(at(7, 10, 30))
    a.refresh_from_db()
    assert a.status == S.CANCELLED
    seats_consistent()


def test_smaller_plan_never_takes_a_seat_away(clock, book, actors, hall_a, plan):
    book(at(7, 10))
    book(at(7, 10))
    services.plan_save(actor=actors["manager_a"], hall=hall_a, service=plan.service, seats_per_slot=1)
    slot = Slot.objects.get()
    assert (slot.capacity, slot.taken) == (2, 2)
    services.plan_save(
        actor=actors["manager_a"], hall=hall_a, service=plan.service, seats_per_slot=5, walk_in_seats=1
    )
    slot.refresh_from_db()
    assert slot.capacity == 4


def test_ics_is_a_valid_calendar_with_place_and_materials(clock, book, hall_a):
    from servicehall.appointments.ics import appointment_ics

    appt = book(at(7, 10))
    cal = Calendar.from_ical(appointment_ics(appt, manage_url="https://hall.example/book/x"))
    event = next(iter(cal.walk("VEVENT")))
    assert event.decoded("dtstart") == at(7, 10) and event.decoded("dtend") == at(7, 10, 30)
    assert "甲区政务服务中心" in str(event["location"]) and "人民路 1 号" in str(event["location"])
    assert "居民身份证" in str(event["description"]) and appt.code in str(event["description"])
    assert str(event["uid"]) == f"{appt.public_id}@servicehall"
    assert next(iter(cal.walk("VALARM")))["trigger"].dt == datetime.timedelta(hours=-1)


def test_joining_a_waitlist_twice_is_refused_and_changes_nothing(clock, book, actors, hall_a):
    from servicehall.appointments.models import WaitlistEntry

    book(at(7, 10))
    book(at(7, 10))
    join = dict(
        actor=actors["clerk_a"],
        hall=hall_a,
        service_code="SB-001",
        start=at(7, 10),
        name="王五",
        phone="13700000001",
    )
    services.waitlist_join(**join)
    with pytest.raises(Conflict) as exc:
        services.waitlist_join(**join)
    assert exc.value.code == "already_waiting" and WaitlistEntry.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_booking_reads_the_calendar_afresh_not_from_the_memo(clock, book, hall_a):
    """Another worker closes a day (no signal reaches this process): the next booking here is refused,
    although this process's pages still remember the day as open for a few seconds."""
    from servicehall.core import calendar
    from servicehall.core.choices import DayKind
    from servicehall.core.models import CalendarDay

    day = at(7, 10).date()
    assert calendar.hall_days(hall_a, day, day)[day].open  # remembered as open
    CalendarDay.objects.bulk_create(
        [CalendarDay(hall=hall_a, date=day, kind=DayKind.CLOSED, name="停电检修")]
    )
    assert calendar.hall_days(hall_a, day, day)[day].open  # the memo still says open ...
    with pytest.raises(Conflict) as exc:
        book(at(7, 10))  # ... the booking does not believe it
    assert exc.value.code == "day_closed" and not Appointment.objects.exists()
