"""Counter sessions (``queueing.services.counters``): opening, pausing and closing a window, and the end of
the day that closes what yesterday left. Time is frozen by ``clock`` (a fixed Wednesday, 09:00 in
Asia/Shanghai) and moved explicitly."""

import pytest

from servicehall.core.errors import Conflict, Invalid, PermissionDenied
from servicehall.live.models import Event
from servicehall.queueing import services
from servicehall.queueing.choices import TicketStatus
from servicehall.queueing.models import CounterSession
from tests.queueing.conftest import counts

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


class TestCounterSessions:
    def test_opening_a_counter_signs_the_clerk_in_once(self, q, staff):
        session = q.open("1")
        assert (session.clerk, session.state, session.closed_at) == (staff["clerk_a"], "open", None)
        assert q.open("1").pk == session.pk
        assert CounterSession.objects.count() == 1

    def test_another_clerk_cannot_open_a_counter_in_use(self, q):
        q.open("1")
        with pytest.raises(Conflict) as refused:
            q.open("1", by="clerk_a2")
        assert refused.value.code == "counter_in_use"

    def test_a_clerk_moving_to_another_counter_leaves_the_first(self, q):
        first = q.open("1")
        q.open("2")
        first.refresh_from_db()
        assert first.closed_at is not None
        assert CounterSession.objects.filter(closed_at__isnull=True).get().counter.number == "2"

    def test_a_clerk_cannot_move_while_a_ticket_is_at_the_counter(self, q):
        q.issue()
        q.open("1")
        q.call_next("1")
        with pytest.raises(Conflict) as refused:
            q.open("2")
        assert refused.value.code == "counter_busy"
        assert CounterSession.objects.get(closed_at__isnull=True).counter.number == "1"

    def test_closing_is_refused_while_a_ticket_is_at_the_counter(self, q, actors):
        ticket = q.issue()
        q.open("1")
        q.call_next("1")
        with pytest.raises(Conflict) as refused:
            services.counter_close(actor=actors["clerk_a"], counter=q.window("1"))
        assert refused.value.code == "counter_busy"
        services.ticket_start(actor=actors["clerk_a"], ticket=ticket)
        services.ticket_complete(actor=actors["clerk_a"], ticket=ticket)
        services.counter_close(actor=actors["clerk_a"], counter=q.window("1"))
        assert not CounterSession.objects.filter(closed_at__isnull=True).exists()

    def test_a_manager_may_close_a_clerks_counter_but_another_clerk_may_not(self, q, actors):
        q.open("1")
        with pytest.raises(PermissionDenied):
            services.counter_close(actor=actors["clerk_a2"], counter=q.window("1"))
        services.counter_close(actor=actors["manager_a"], counter=q.window("1"))
        assert not CounterSession.objects.filter(closed_at__isnull=True).exists()

    def test_a_closed_counter_cannot_be_closed_or_called_from(self, q, actors):
        with pytest.raises(Conflict) as refused:
            services.counter_close(actor=actors["clerk_a"], counter=q.window("1"))
        assert refused.value.code == "counter_closed"
        with pytest.raises(Conflict):
            q.call_next("1")

    def test_pausing_needs_a_reason_and_stops_calling_until_resumed(self, q, actors):
        q.issue()
        q.open("1")
        with pytest.raises(Invalid):
            services.counter_pause(actor=actors["clerk_a"], counter=q.window("1"), reason="  ")
        session = services.counter_pause(actor=actors["clerk_a"], counter=q.window("1"), reason="系统维护")
        assert (session.state, session.pause_reason) == ("paused", "系统维护")
        with pytest.raises(Conflict) as refused:
            q.call_next("1")
        assert refused.value.code == "counter_paused"
        services.counter_unpause(actor=actors["clerk_a"], counter=q.window("1"))
        assert q.call_next("1").number == "A001"

    def test_staff_of_another_hall_or_an_evaluator_cannot_open_a_counter(self, q):
        with pytest.raises(PermissionDenied):
            q.open("1", by="clerk_b")
        with pytest.raises(PermissionDenied):
            q.open("1", by="evaluator_a")
        assert not CounterSession.objects.exists()

    def test_each_session_change_writes_one_event_and_one_audit_entry(self, q, actors):
        steps = [
            lambda: q.open("1"),
            lambda: services.counter_pause(actor=actors["clerk_a"], counter=q.window("1"), reason="休息"),
            lambda: services.counter_unpause(actor=actors["clerk_a"], counter=q.window("1")),
            lambda: services.counter_close(actor=actors["clerk_a"], counter=q.window("1")),
        ]
        kinds = []
        for step in steps:
            events, audits = counts()
            step()
            assert counts() == (events + 1, audits + 1)
            kinds.append(Event.objects.latest("id").kind)
        assert kinds == ["counter.opened", "counter.paused", "counter.opened", "counter.closed"]


class TestEndOfDay:
    def test_yesterdays_waiting_tickets_are_never_called_today_and_are_closed_at_the_first_opening(
        self, q, clock
    ):
        left = q.issue()
        clock.at(9, 0, days=1)
        today = q.issue()
        assert today.number == "A001"  # numbering restarted
        q.open("1")  # the first window opened today ends yesterday's queue
        left.refresh_from_db()
        assert left.status == TicketStatus.CANCELLED and left.cancel_reason == "end of day"
        assert q.call_next("1").number == "A001"
        assert Event.objects.filter(kind="queue.day_closed").count() == 1

    def test_a_window_left_open_overnight_is_closed_by_the_worker_job(self, q, clock):
        from servicehall.queueing.tasks import close_previous_days

        q.open("1")
        q.issue()
        clock.at(0, 30, days=1)
        assert close_previous_days() == "closed 1"
        assert CounterSession.objects.get().closed_at is not None
        assert close_previous_days() == "closed 0"
