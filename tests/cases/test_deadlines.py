"""Deadlines in the hall's working days: across the 2025 National Day holiday and its 调休 make-up
weekend days (Sun 28 Sep and Sat 11 Oct were working days), stopped during 补正 and moved on by the
working days it lasted; the due-soon and overdue lists."""

import datetime

import pytest

from servicehall.cases import selectors, services
from tests.cases.conftest import apply
from tests.queueing.conftest import SHANGHAI

pytestmark = pytest.mark.django_db


def at(y, m, d, h=9, minute=0):
    return datetime.datetime(y, m, d, h, minute, tzinfo=SHANGHAI)


def test_acceptance_counts_the_make_up_sunday_and_skips_the_golden_week(hall_a, licence, clock, actors):
    clock.set(at(2025, 9, 26))  # a Friday
    case = services.case_accept(actor=actors["clerk_a"], case=apply(hall_a))
    # promised 3: Sun 28 Sep (调休 working day), Mon 29, Tue 30
    assert case.due_at == at(2025, 9, 30)
    # legal 10: 28, 29, 30 Sep, then 9, 10, 11 (Saturday, 调休), 13, 14, 15, 16 Oct
    assert case.legal_due_at == at(2025, 10, 16)


def test_materials_requested_stop_the_clock_and_the_supply_moves_it_on(hall_a, licence, clock, actors):
    clock.set(at(2025, 9, 30))
    case = services.case_accept(actor=actors["clerk_a"], case=apply(hall_a))
    assert case.due_at == at(2025, 10, 11)  # 9, 10 and the make-up Saturday 11 Oct
    clock.set(at(2025, 9, 30, 10))
    case = services.case_request_materials(actor=actors["clerk_a"], case=case, missing=["公司章程"])
    clock.set(at(2025, 10, 10, 15))  # supplied after the holiday: Thu 9 and Fri 10 were paused
    case = services.case_supply(actor=actors["clerk_a"], case=case)
    assert case.status == "under_review" and case.paused_working_days == 2
    assert case.due_at == at(2025, 10, 14)  # 11 Oct + two working days (13, 14)
    assert case.legal_due_at > at(2025, 10, 16)


def test_a_case_waiting_for_the_citizen_is_never_listed_overdue(hall_a, licence, clock, actors):
    clock.set(at(2025, 9, 26))
    waiting = services.case_accept(actor=actors["clerk_a"], case=apply(hall_a))
    services.case_request_materials(actor=actors["clerk_a"], case=waiting, missing=["公司章程"])
    running = services.case_accept(actor=actors["clerk_a"], case=apply(hall_a, phone="13900000001"))
    clock.set(at(2025, 9, 29))  # one working day before the promise (30 Sep)
    assert [c.number for c in selectors.cases_for_hall(hall=hall_a, due="soon")] == [running.number]
    assert list(selectors.cases_for_hall(hall=hall_a, due="overdue")) == []
    clock.set(at(2025, 10, 9))
    assert [c.number for c in selectors.cases_for_hall(hall=hall_a, due="overdue")] == [running.number]


def test_the_on_time_rate_counts_decisions_by_the_promised_moment(hall_a, licence, clock, actors):
    clock.set(at(2025, 9, 26))
    early = services.case_accept(actor=actors["clerk_a"], case=apply(hall_a))
    late = services.case_accept(actor=actors["clerk_a"], case=apply(hall_a, phone="13900000001"))
    clock.set(at(2025, 9, 29))
    services.case_approve(actor=actors["manager_a"], case=early)
    clock.set(at(2025, 10, 9))
    services.case_reject(actor=actors["manager_a"], case=late, reason="材料不符合法定形式")
    rates = selectors.on_time_rates(hall=hall_a, since=at(2025, 9, 1), until=at(2025, 11, 1))
    assert rates["hall"] == {"on_time": 1, "decided": 2, "rate": 50.0}
    assert rates["items"][licence.pk]["rate"] == 50.0


def test_the_sweep_reminds_once_escalates_once_and_a_supply_starts_again(hall_a, licence, clock, actors):
    """Reminded within two working days of the promise, escalated once it has passed, each once; a 补正
    that moves the deadline on clears both marks; a case waiting for the citizen is left alone."""
    from servicehall.core.models import AuditEntry
    from servicehall.live.models import Event

    clock.set(at(2025, 9, 26))  # Friday; promised by Tue 30 Sep (the 调休 Sunday counts)
    case = services.case_accept(actor=actors["clerk_a"], case=apply(hall_a))
    assert services.cases_sweep_deadlines(hall=hall_a) == {"reminded": 0, "escalated": 0}
    clock.set(at(2025, 9, 28))  # two working days before
    assert services.cases_sweep_deadlines(hall=hall_a) == {"reminded": 1, "escalated": 0}
    assert services.cases_sweep_deadlines(hall=hall_a) == {"reminded": 0, "escalated": 0}
    clock.set(at(2025, 9, 30, 10))
    assert services.cases_sweep_deadlines(hall=hall_a) == {"reminded": 0, "escalated": 1}
    assert services.cases_sweep_deadlines(hall=hall_a) == {"reminded": 0, "escalated": 0}
    rows = AuditEntry.objects.filter(action__in=["cases.remind", "cases.escalate"]).order_by("id")
    assert [(r.action, r.after["cases"]) for r in rows] == [
        ("cases.remind", [case.number]),
        ("cases.escalate", [case.number]),
    ]
    assert {r.actor_label for r in rows} == {"system:cases.deadlines"}
    assert Event.objects.filter(kind="cases.escalate").count() == 1


def test_a_supply_that_moves_the_deadline_on_clears_the_marks(hall_a, licence, clock, actors):
    clock.set(at(2025, 9, 26))
    case = services.case_accept(actor=actors["clerk_a"], case=apply(hall_a))
    clock.set(at(2025, 9, 28))
    assert services.cases_sweep_deadlines(hall=hall_a)["reminded"] == 1
    case = services.case_request_materials(actor=actors["clerk_a"], case=case, missing=["公司章程"])
    clock.set(at(2025, 10, 10, 9))  # the clock was stopped: nothing is overdue
    assert services.cases_sweep_deadlines(hall=hall_a) == {"reminded": 0, "escalated": 0}
    case = services.case_supply(actor=actors["clerk_a"], case=case)
    assert case.reminded_at is None and case.escalated_at is None and case.due_at > clock.now
    assert services.cases_sweep_deadlines(hall=hall_a)["reminded"] == 1  # the new deadline is near


def test_the_staff_home_counts_the_halls_cases_due_soon_and_overdue(
    client, staff, hall_a, licence, clock, actors
):
    clock.set(at(2025, 9, 26))
    services.case_accept(actor=actors["clerk_a"], case=apply(hall_a))
    clock.set(at(2025, 10, 9))
    client.force_login(staff["clerk_a"])
    page = client.get("/staff/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="home-cases-overdue" data-count="1"' in page and 'id="home-cases-soon" data-count="0"' in page
