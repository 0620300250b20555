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
