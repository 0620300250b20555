"""Booking storms over real HTTP: ``servicehall serve`` in its own process, 64 clients booking at the same
instant, on the suite's database (SQLite, or PostgreSQL with ``SERVICEHALL_DATABASE_URL``).

The server runs at the real time (a frozen clock in the test process cannot reach it), so the tests pick
their slots at the real time too: the working plan is set over the API to take bookings every day of the
week, 00:00-23:59, with no minimum notice, and today and the next two days (local time of the hall) are
entered in the hall's calendar table as working days, so that neither a weekend nor a public holiday
(春节 and 国庆 close a week) closes them; the slots used are the first ones the slots endpoint reports
``open`` that start at least ``LEAD`` from now, so the storm is over long before they begin. This passes
at any hour, on any day, in any year.

What must hold afterwards:

* one slot of 100 seats, 2,000 attempts from 64 connections, each with its own mobile number and resident
  ID: exactly 100 answers 201 and 1,900 answers 409 ``slot_full`` with a message, nothing else; the slot
  row says 100 taken, exactly 100 bookings hold its seats, and they are the 201s, with unique codes;
* two slots of 50 seats, bookings into either while some of those who got a seat cancel and some move to
  the other slot (in both directions at once): only 201/200/409 answers, never a 5xx; for each slot the
  seats taken equal its seat-holding bookings and never exceed its capacity; 201s minus cancellations
  equal the bookings left; every booking is in the slot and state its last answer said;
* one person sent to 64 different slots at once, with a limit of 2 active bookings: exactly 2 booked,
  62 answers 409 ``person_limit``, and only 2 seats taken.
"""

import datetime
import itertools
import threading
import time
from collections import Counter as Tally
from dataclasses import dataclass

import httpx
import pytest
from django.contrib.auth import get_user_model

from servicehall.appointments.choices import SEAT_STATUSES, AppointmentStatus
from servicehall.appointments.models import Appointment, Slot
from servicehall.core import services as core_services
from servicehall.core.actors import Actor
from servicehall.core.choices import Role
from servicehall.core.identity import resident_id_check_char
from servicehall.core.models import AuditEntry
from tests.serverproc import AnswerLog, load_hall_create

pytestmark = pytest.mark.slow

S = AppointmentStatus
CONNECTIONS = 64
WAIT_SECONDS = 300  # generous ceilings on waiting for threads; never a timed assertion
LEAD = datetime.timedelta(minutes=30)  # the slots used start at least this long after the real now
HALL_CODE, SERVICE = "storm-hall", "YY-001"


@dataclass
class StormHall:
    code: str
    service: str
    clerk_token: str  # a clerk's API token: books on citizens' behalf, no rate limit, no check question
    manager_token: str

    @property
    def hall(self):
        from servicehall.core.models import Hall

        return Hall.objects.get(code=self.code)


@pytest.fixture
def storm_hall(transactional_db):
    """One hall, one bookable service, a clerk and a manager with API tokens, built through the services
    and committed (``transactional_db``) so that the server process sees them."""
    base = load_hall_create(counters=1, code=HALL_CODE, services=((SERVICE, "出入境证件办理", "Y"),))
    users = get_user_model().objects
    root = Actor(user=users.get(username=f"{HALL_CODE}-root"))
    manager = users.create_user(username=f"{HALL_CODE}-manager", password=None)
    core_services.membership_grant(actor=root, user=manager, hall=base.hall, role=Role.MANAGER)
    token = core_services.token_create(actor=Actor(user=manager), user=manager, name="storm")
    return StormHall(code=HALL_CODE, service=SERVICE, clerk_token=base.desks[0].token, manager_token=token)


@pytest.fixture
def server_data(storm_hall):
    return storm_hall


@pytest.fixture
def server_connections():
    return CONNECTIONS + 10


def _client(server, token: str) -> httpx.Client:
    return httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {token}"}, timeout=60)


def open_slots(server, hall: StormHall, *, seats: int, count: int) -> list[str]:
    """Set the plan (every weekday 00:00-23:59, 30-minute slots, ``seats`` seats, no minimum notice) and
    force today and the next two days open, all over the API as a manager would; return the start
    (ISO, as the API spells it) of the first ``count`` open slots that begin ``LEAD`` or more from now."""
    tz = hall.hall.tzinfo
    today = datetime.datetime.now(tz).date()
    days = [today + datetime.timedelta(days=n) for n in range(3)]
    plan = {
        "periods": {str(d): [["00:00", "23:59"]] for d in range(7)},
        "slot_minutes": 30,
        "seats_per_slot": seats,
        "walk_in_seats": 0,
        "horizon_days": 7,
        "min_notice_minutes": 0,
        "real_name": False,
        "active": True,
    }
    with _client(server, hall.manager_token) as client:
        r = client.put(f"/api/v1/halls/{hall.code}/services/{hall.service}/plan", json=plan)
        assert r.status_code == 200 and r.json()["capacity"] == seats, r.text
        for day in days:
            r = client.put(
                f"/api/v1/halls/{hall.code}/calendar/{day.isoformat()}",
                json={"kind": "workday", "name": "storm test"},
            )
            assert r.status_code == 200 and r.json()["open"] is True, r.text
        r = client.get(
            f"/api/v1/halls/{hall.code}/services/{hall.service}/slots",
            params={"date_from": days[0].isoformat(), "date_to": days[-1].isoformat()},
        )
    assert r.status_code == 200, r.text
    earliest = datetime.datetime.now(datetime.UTC) + LEAD
    found = [
        s
        for s in r.json()
        if s["state"] == "open" and datetime.datetime.fromisoformat(s["start"]) >= earliest
    ]
    assert len(found) >= count, r.json()
    assert all((s["capacity"], s["remaining"]) == (seats, seats) for s in found[:count]), found[:count]
    return [s["start"] for s in found[:count]]


def citizen(n: int) -> dict:
    """The details of the n-th citizen: a name, a valid mobile number (13x-19x) and a valid resident ID,
    each different for every n."""
    phone = f"1{3 + n % 7}{n:09d}"
    birth = datetime.date(1960, 1, 1) + datetime.timedelta(days=n // 1000)
    first17 = f"110105{birth:%Y%m%d}{n % 1000:03d}"
    return {"name": f"市民{n}", "phone": phone, "id_number": first17 + resident_id_check_char(first17)}


def same_instant(a: str, b: str) -> bool:
    return datetime.datetime.fromisoformat(a) == datetime.datetime.fromisoformat(b)


def storm(server, token: str, work, attempts: int) -> list[str]:
    """Run ``work(client, n)`` for n in 0..attempts-1 from ``CONNECTIONS`` threads, each with its own
    keep-alive connection, all starting at the same instant. Returns what went wrong in the threads."""
    numbers = itertools.count()
    take = threading.Lock()
    start = threading.Barrier(CONNECTIONS, timeout=WAIT_SECONDS)
    problems: list[str] = []

    def run() -> None:
        try:
            with _client(server, token) as client:
                start.wait()
                while True:
                    with take:
                        n = next(numbers)
                    if n >= attempts:
                        return
                    work(client, n)
        except Exception as exc:
            problems.append(f"{threading.current_thread().name}: {exc!r}")
            start.abort()

    threads = [threading.Thread(target=run, name=f"client-{i}") for i in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT_SECONDS)
    assert not [t.name for t in threads if t.is_alive()], "storm threads still running"
    return problems


def seat_problems(hall) -> list[str]:
    """Every slot whose seat count is not its seat-holding bookings, or is above its capacity."""
    problems = []
    for slot in Slot.objects.filter(hall=hall):
        holding = Appointment.objects.filter(slot=slot, status__in=SEAT_STATUSES).count()
        if slot.taken != holding or slot.taken > slot.capacity:
            problems.append(
                f"{slot}: taken {slot.taken}, capacity {slot.capacity}, seat-holding bookings {holding}"
            )
    return problems


def test_two_thousand_attempts_at_sixty_four_connections_fill_a_hundred_seats_exactly(server, storm_hall):
    attempts, seats = 2000, 100
    hall = storm_hall
    (start,) = open_slots(server, hall, seats=seats, count=1)
    log = AnswerLog()

    def book(client: httpx.Client, n: int) -> None:
        log.call(
            client,
            "POST",
            "/api/v1/appointments",
            "book",
            json={"hall": hall.code, "service": hall.service, "start": start, **citizen(n)},
        )

    began = time.monotonic()
    problems = storm(server, hall.clerk_token, book, attempts)
    seconds = time.monotonic() - began
    assert problems == [], f"{problems}\n{server.log_tail()}"

    # The answers: exactly the seats were given, every other attempt was told the slot is full.
    answers = log.of("book")
    statuses = Tally(a.status for a in answers)
    assert log.server_errors() == [], server.log_tail()
    assert statuses == {201: seats, 409: attempts - seats}, (
        statuses,
        [a for a in answers if a.status not in (201, 409)][:5],
    )
    refusals = log.of("book", 409)
    assert Tally(a.body["error"] for a in refusals) == {"slot_full": attempts - seats}
    assert all(isinstance(a.body["message"], str) and a.body["message"].strip() for a in refusals)
    booked = log.of("book", 201)
    assert all(a.body["status"] == S.BOOKED and same_instant(a.body["start"], start) for a in booked)
    codes = [a.body["code"] for a in booked]
    assert len(set(codes)) == seats, "a booking code was given twice"

    # The database: the slot says 100 taken, and exactly the 201s hold its seats.
    slot = Slot.objects.get(hall=hall.hall)
    assert (slot.capacity, slot.taken) == (seats, seats)
    rows = Appointment.objects.filter(hall=hall.hall)
    assert rows.count() == seats, "a refused attempt left a row behind"
    assert rows.filter(slot=slot, status=S.BOOKED).count() == seats
    assert dict(rows.values_list("public_id", "code")) == {a.body["id"]: a.body["code"] for a in booked}
    assert seat_problems(hall.hall) == []
    assert AuditEntry.objects.filter(hall=hall.hall, action="appointment.book").count() == seats
    print(f"\nstorm A: {attempts} attempts in {seconds:.1f} s ({attempts / seconds:.0f}/s)")


def test_bookings_cancellations_and_moves_between_two_slots_at_once_keep_every_seat_count_exact(
    server, storm_hall
):
    attempts, seats = 1000, 50
    hall = storm_hall
    starts = open_slots(server, hall, seats=seats, count=2)
    log = AnswerLog()
    final: dict[str, tuple[str, str]] = {}  # booking id -> (status, start) as its last answer said
    record = threading.Lock()
    unexpected: list[str] = []

    def expect(answer, allowed: set[int], what: str, n: int) -> bool:
        if answer.status not in allowed:
            unexpected.append(f"attempt {n} {what}: {answer}")
            return False
        if answer.status == 409 and answer.body.get("error") != "slot_full":
            unexpected.append(f"attempt {n} {what}: 409 for a reason other than a full slot: {answer}")
        return answer.status != 409

    def work(client: httpx.Client, n: int) -> None:
        here, there = starts[n % 2], starts[(n + 1) % 2]
        body = {"hall": hall.code, "service": hall.service, "start": here, **citizen(n)}
        answer = log.call(client, "POST", "/api/v1/appointments", "book", json=body)
        if not expect(answer, {201, 409}, "book", n):
            return
        appt = answer.body["id"]
        with record:
            final[appt] = (answer.body["status"], here)
        if n % 6 in (0, 1):  # a third of those who got a seat give it back
            answer = log.call(
                client, "POST", f"/api/v1/appointments/{appt}/cancel", "cancel", json={"reason": "storm"}
            )
            if expect(answer, {200}, "cancel", n):
                with record:
                    final[appt] = (answer.body["status"], here)
        elif n % 6 in (2, 3):  # a third try to move to the other slot (both directions at once)
            answer = log.call(
                client, "POST", f"/api/v1/appointments/{appt}/reschedule", "reschedule", json={"start": there}
            )
            if expect(answer, {200, 409}, "reschedule", n):
                with record:
                    final[appt] = (answer.body["status"], there)
                if n % 12 == 2:  # and some of those who moved cancel after all
                    answer = log.call(
                        client,
                        "POST",
                        f"/api/v1/appointments/{appt}/cancel",
                        "cancel",
                        json={"reason": "storm, after moving"},
                    )
                    if expect(answer, {200}, "cancel", n):
                        with record:
                            final[appt] = (answer.body["status"], there)

    began = time.monotonic()
    problems = storm(server, hall.clerk_token, work, attempts)
    seconds = time.monotonic() - began
    assert problems == [], f"{problems}\n{server.log_tail()}"
    assert log.server_errors() == [], f"{log.server_errors()[:5]}\n{server.log_tail()}"
    assert unexpected == [], unexpected[:10]

    booked, cancels = log.of("book", 201), log.of("cancel", 200)
    moved, refused_moves = log.of("reschedule", 200), log.of("reschedule", 409)
    # The storm did what it is for: seats came back and were taken again, moves went both ways and some
    # were refused for a full slot.
    assert len(booked) > 2 * seats and cancels, (len(booked), len(cancels))
    assert moved and refused_moves, (len(moved), len(refused_moves))
    assert all(a.body["status"] == S.BOOKED for a in booked + moved)
    assert all(a.body["status"] == S.CANCELLED for a in cancels)
    assert len({a.body["code"] for a in booked}) == len(booked), "a booking code was given twice"

    # Seats: per slot, taken == seat-holding bookings <= capacity.
    assert seat_problems(hall.hall) == []
    slots = {s.start: s for s in Slot.objects.filter(hall=hall.hall)}
    assert len(slots) == 2 and all(s.capacity == seats for s in slots.values())
    rows = Appointment.objects.filter(hall=hall.hall)
    assert len(booked) - len(cancels) == rows.filter(status=S.BOOKED).count()
    assert rows.count() == len(booked), "a refused attempt left a row behind"
    assert set(rows.values_list("status", flat=True)) <= {S.BOOKED, S.CANCELLED}

    # Every booking is where, and as, its last answer said.
    in_db = {a.public_id: (a.status, a.start) for a in rows}
    assert set(in_db) == set(final)
    wrong = [
        (appt, final[appt], in_db[appt])
        for appt in final
        if final[appt][0] != in_db[appt][0]
        or datetime.datetime.fromisoformat(final[appt][1]) != in_db[appt][1]
    ]
    assert wrong == [], wrong[:5]
    for start in starts:
        slot = slots[datetime.datetime.fromisoformat(start)]
        kept = sum(1 for status, at in final.values() if status == S.BOOKED and same_instant(at, start))
        assert slot.taken == kept
    print(
        f"\nstorm B: {len(log.answers)} requests in {seconds:.1f} s ({len(log.answers) / seconds:.0f}/s); "
        f"{len(booked)} booked, {len(cancels)} cancelled, {len(moved)} moved, {len(refused_moves)} moves "
        f"refused; seats taken {[s.taken for s in slots.values()]}"
    )


def test_one_person_booking_from_sixty_four_connections_at_once_gets_only_the_hall_limit(server, storm_hall):
    """A script sends one citizen's details to 64 different slots at the same instant. The hall allows two
    active bookings per person (and up to ten per service and day, so that limit does not decide):
    exactly two are booked, every other attempt is told the limit, and no slot keeps a seat for a refusal."""
    hall, limit = storm_hall, 2
    with _client(server, hall.manager_token) as client:
        r = client.patch(
            f"/api/v1/halls/{hall.code}/appointments/settings",
            json={"max_active": limit, "max_per_service_day": 10},
        )
        assert r.status_code == 200, r.text
    starts = open_slots(server, hall, seats=5, count=CONNECTIONS)
    person = citizen(7)
    log = AnswerLog()

    def book(client: httpx.Client, n: int) -> None:
        log.call(
            client,
            "POST",
            "/api/v1/appointments",
            "book",
            json={"hall": hall.code, "service": hall.service, "start": starts[n], **person},
        )

    problems = storm(server, hall.clerk_token, book, CONNECTIONS)
    assert problems == [], f"{problems}\n{server.log_tail()}"
    assert log.server_errors() == [], server.log_tail()
    answers = log.of("book")
    assert Tally(a.status for a in answers) == {201: limit, 409: CONNECTIONS - limit}
    assert {a.body.get("error") for a in log.of("book", 409)} == {"person_limit"}
    assert Appointment.objects.filter(hall=hall.hall, status=S.BOOKED).count() == limit
    assert sum(Slot.objects.filter(hall=hall.hall).values_list("taken", flat=True)) == limit
    assert seat_problems(hall.hall) == []
