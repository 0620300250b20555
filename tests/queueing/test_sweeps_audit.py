"""The worker's sweeps of the queue leave an audit trail: closing yesterday's still-open tickets and the
counter sessions left open overnight writes one row per hall, by the system actor, listing the ids."""

import pytest

from servicehall.core.models import AuditEntry
from servicehall.queueing.choices import TicketStatus
from servicehall.queueing.models import CounterSession, Ticket
from servicehall.queueing.tasks import close_previous_days

pytestmark = pytest.mark.django_db


def _day_closed(hall):
    return list(AuditEntry.objects.filter(action="queue.day_closed", hall=hall).order_by("pk"))


class TestClosePreviousDays:
    def test_the_worker_writes_one_audit_row_listing_what_it_closed(self, q, clock, hall_a, hall_b):
        session = q.open("1")
        first, second = q.issue(), q.issue()
        assert q.call_next("1").pk == first.pk  # one called, one still waiting at midnight
        clock.at(0, 30, days=1)
        assert close_previous_days() == "closed 2"
        [entry] = _day_closed(hall_a)
        assert entry.actor_id is None
        assert entry.actor_label == "system:queueing.close_previous_days"
        assert entry.after["trigger"] == "worker"
        assert entry.after["tickets_cancelled"] == sorted([first.pk, second.pk])
        assert entry.after["sessions_closed"] == [session.pk]
        assert set(Ticket.objects.values_list("status", flat=True)) == {TicketStatus.CANCELLED}
        assert _day_closed(hall_b) == []  # a hall with nothing to close gets no row

    def test_a_sweep_with_nothing_to_close_writes_nothing(self, q, clock, hall_a):
        q.issue()
        clock.at(0, 30, days=1)
        close_previous_days()
        close_previous_days()
        assert len(_day_closed(hall_a)) == 1

    def test_the_first_opening_of_the_day_records_that_it_ended_yesterdays_queue(self, q, clock, hall_a):
        left = q.issue()
        clock.at(9, 0, days=1)
        q.open("2")
        [entry] = _day_closed(hall_a)
        assert entry.after == {
            "trigger": "counter.open",
            "before_day": clock.now.date().isoformat(),
            "tickets_cancelled": [left.pk],
            "sessions_closed": [],
        }
        assert entry.actor_label == "system:queueing.close_previous_days"

    def test_a_session_left_open_overnight_alone_is_audited_too(self, q, clock, hall_a):
        session = q.open("1")
        clock.at(0, 30, days=1)
        assert close_previous_days() == "closed 0"
        assert CounterSession.objects.get(pk=session.pk).closed_at is not None
        [entry] = _day_closed(hall_a)
        assert (entry.after["tickets_cancelled"], entry.after["sessions_closed"]) == ([], [session.pk])
