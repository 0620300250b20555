"""Skills at the window (SQLite; the concurrent version is test_concurrency.py): call-next, calling one
ticket and transfers respect the clerk's skills where the hall enforces them; a hall without skills
calls as before; learners serve only with a mentor signed in where the hall allows it."""

import pytest

from servicehall.core.errors import Conflict
from servicehall.queueing import services as queue
from servicehall.staff import selectors, services
from servicehall.staff.models import StaffSettings


def test_a_hall_without_skills_calls_as_before(q, clock):
    q.issue("GJ-001")
    q.open("2")
    assert q.call_next("2").service.code == "GJ-001"


def test_call_next_skips_what_the_clerk_may_not_serve(q, clock, grant, actors):
    grant("clerk_a", "SB-001")  # window 2 serves SB-001 and GJ-001
    gj = q.issue("GJ-001")
    clock.advance(minutes=1)
    sb = q.issue("SB-001")
    q.open("2")
    assert q.call_next("2").pk == sb.pk  # the older GJ-001 ticket is left for someone qualified
    queue.ticket_start(actor=actors["clerk_a"], ticket=sb)
    queue.ticket_complete(actor=actors["clerk_a"], ticket=sb)
    assert q.call_next("2") is None
    grant("clerk_a2", "GJ-001")
    q.open("1", by="clerk_a2")  # window 1 serves only SB-001: still nothing for clerk_a2
    assert q.call_next("1", by="clerk_a2") is None
    gj.refresh_from_db()
    assert gj.status == "waiting"


def test_a_clerk_without_any_skill_calls_nothing_once_the_hall_records_skills(q, clock, grant):
    grant("clerk_a2", "HJ-001")
    q.issue("SB-001")
    q.open("1")
    assert q.call_next("1") is None


def test_an_existing_hall_keeps_calling_until_its_manager_enforces(q, clock, grant, actors, hall_a):
    StaffSettings.objects.create(hall=hall_a, enforce_skills=False)  # what migration 0002 writes
    grant("clerk_a2", "HJ-001")
    q.issue("SB-001")
    q.open("1")
    assert q.call_next("1") is not None
    services.settings_update(actor=actors["manager_a"], hall=hall_a, enforce_skills=True)
    assert selectors.skills_enforced(hall=hall_a)


def test_calling_one_ticket_is_refused_without_the_skill(q, clock, grant, actors):
    grant("clerk_a", "GJ-001")
    ticket = q.issue("SB-001")
    q.open("2")
    with pytest.raises(Conflict) as exc:
        queue.ticket_call(actor=actors["clerk_a"], ticket=ticket, counter=q.window("2"))
    assert exc.value.code == "not_qualified"


def test_learners_serve_with_a_mentor_signed_in_where_the_hall_allows(q, clock, grant, actors, hall_a):
    grant("clerk_a", "SB-001", "learning")
    grant("clerk_a2", "SB-001", "qualified")
    q.issue("SB-001")
    q.open("1")
    assert q.call_next("1") is None  # the default: learners do not serve
    services.settings_update(actor=actors["manager_a"], hall=hall_a, learning_rule="with_mentor")
    assert q.call_next("1") is None  # no mentor signed in yet
    q.open("2", by="clerk_a2")
    assert q.call_next("1").service.code == "SB-001"


def test_transfers_go_only_to_qualified_windows(q, clock, grant, actors):
    grant("clerk_a", "SB-001")
    grant("clerk_a2", "SB-001")
    ticket = q.issue("SB-001")
    q.open("1")
    q.open("2", by="clerk_a2")
    called = q.call_next("1")
    assert called.pk == ticket.pk
    with pytest.raises(Conflict) as exc:
        queue.ticket_transfer(actor=actors["clerk_a"], ticket=called, service_code="GJ-001")
    assert exc.value.code == "no_open_window"  # window 2 serves GJ-001, but its clerk may not
    grant("clerk_a2", "GJ-001")
    moved = queue.ticket_transfer(actor=actors["clerk_a"], ticket=called, counter=q.window("2"))
    assert moved.target_counter.number == "2"
