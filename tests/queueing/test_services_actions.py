"""Every action on a called ticket (``queueing.services.actions``): each legal transition and the refusal
of every other, recall and no-show, transfer, park and resume, cancel, and the durations each move
records. Time is frozen by ``clock`` (a fixed Wednesday, 09:00 in Asia/Shanghai) and moved explicitly."""

import pytest

from servicehall.core.errors import Conflict, Invalid, PermissionDenied
from servicehall.core.models import AuditEntry
from servicehall.live.models import Event
from servicehall.queueing import services
from servicehall.queueing.choices import TRANSITIONS, TicketAction, TicketStatus
from servicehall.queueing.models import Ticket
from tests.queueing.conftest import bring_to, configure, counts, finish, fresh, window

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

S, A = TicketStatus, TicketAction


def act(action, ticket, actor, q):
    match action:
        case A.CALL:
            return services.ticket_call(actor=actor, ticket=ticket, counter=q.window("3"))
        case A.RECALL:
            return services.ticket_recall(actor=actor, ticket=ticket)
        case A.START:
            return services.ticket_start(actor=actor, ticket=ticket)
        case A.COMPLETE:
            return services.ticket_complete(actor=actor, ticket=ticket, outcome="accepted")
        case A.NO_SHOW:
            return services.ticket_no_show(actor=actor, ticket=ticket)
        case A.REACTIVATE:
            return services.ticket_reactivate(actor=actor, ticket=ticket)
        case A.TRANSFER:
            return services.ticket_transfer(
                actor=actor, ticket=ticket, service_code="GJ-001", note="请补材料", allow_no_window=True
            )
        case A.PARK:
            return services.ticket_park(actor=actor, ticket=ticket)
        case A.RESUME:
            return services.ticket_resume(actor=actor, ticket=ticket)
        case A.CANCEL:
            return services.ticket_cancel(actor=actor, ticket=ticket, reason="本人放弃")
    raise AssertionError(action)


ILLEGAL = [(s, a) for s in S.values for a in A.values if (s, a) not in TRANSITIONS]


class TestTransitions:
    @pytest.mark.parametrize(
        ("status", "action"), list(TRANSITIONS), ids=[f"{s}-{a}" for s, a in TRANSITIONS]
    )
    def test_every_transition_in_the_table_works(self, q, actors, clock, status, action):
        ticket = bring_to(status, q, actors)
        if action == A.CALL:
            q.open("3", by="clerk_a2")
            actor = actors["clerk_a2"]
        else:
            actor = actors["clerk_a"]
        if action == A.NO_SHOW:
            clock.advance(minutes=5)
        events, audits = counts()
        result = act(action, ticket, actor, q)
        assert fresh(result).status == TRANSITIONS[(status, action)]
        assert counts() == (events + 1, audits + 1)

    @pytest.mark.parametrize(("status", "action"), ILLEGAL, ids=[f"{s}-{a}" for s, a in ILLEGAL])
    def test_an_illegal_action_is_refused_and_changes_nothing(self, q, actors, status, action):
        ticket = bring_to(status, q, actors)
        q.open("3", by="manager_a")
        before_row = Ticket.objects.filter(pk=ticket.pk).values().get()
        before = counts()
        with pytest.raises(Conflict) as refused:
            act(action, ticket, actors["manager_a"], q)
        assert refused.value.code == "illegal_transition"
        assert ticket.number in str(refused.value.message)
        assert Ticket.objects.filter(pk=ticket.pk).values().get() == before_row
        assert counts() == before

    @pytest.mark.parametrize("action", [A.START, A.RECALL, A.COMPLETE, A.NO_SHOW, A.PARK, A.RESUME])
    def test_the_clerk_at_a_counter_asking_an_illegal_action_of_a_waiting_ticket_gets_a_conflict(
        self, q, actors, action
    ):
        ticket = q.issue()
        q.open("1")
        with pytest.raises(Conflict) as refused:
            act(action, ticket, actors["clerk_a"], q)
        assert refused.value.code == "illegal_transition"

    def test_a_clerk_cannot_act_on_a_ticket_at_another_counter(self, q, actors):
        ticket = q.issue()
        q.open("1")
        q.call_next("1")
        q.open("2", by="clerk_a2")
        with pytest.raises(PermissionDenied) as refused:
            services.ticket_start(actor=actors["clerk_a2"], ticket=ticket)
        assert refused.value.code == "not_your_ticket"
        with pytest.raises(PermissionDenied):
            services.ticket_start(actor=actors["clerk_b"], ticket=ticket)
        assert fresh(ticket).status == S.CALLED

    def test_a_manager_may_step_in_at_any_counter(self, q, actors):
        ticket = q.issue()
        q.open("1")
        q.call_next("1")
        assert services.ticket_start(actor=actors["manager_a"], ticket=ticket).status == S.SERVING

    def test_an_unknown_outcome_is_invalid(self, q, actors):
        ticket = bring_to(S.SERVING, q, actors)
        with pytest.raises(Invalid) as refused:
            services.ticket_complete(actor=actors["clerk_a"], ticket=ticket, outcome="lost")
        assert "outcome" in refused.value.fields
        assert fresh(ticket).status == S.SERVING


class TestRecallAndNoShow:
    def test_a_ticket_is_recalled_up_to_the_limit(self, q, actors, hall_a):
        configure(actors, hall_a, recall_limit=2)
        ticket = bring_to(S.CALLED, q, actors)
        for n in (1, 2):
            recalled = services.ticket_recall(actor=actors["clerk_a"], ticket=ticket)
            assert (recalled.recall_count, recalled.status) == (n, S.CALLED)
            event = Event.objects.latest("id")
            assert (event.kind, event.payload["action"]) == ("ticket.called", "recall")
        with pytest.raises(Conflict) as refused:
            services.ticket_recall(actor=actors["clerk_a"], ticket=ticket)
        assert refused.value.code == "recall_limit"
        assert fresh(ticket).recall_count == 2

    def test_the_recall_limit_counts_one_recall_in_the_singular_in_english(self, q, actors, hall_a):
        from django.utils import translation

        configure(actors, hall_a, recall_limit=1)
        ticket = bring_to(S.CALLED, q, actors)
        services.ticket_recall(actor=actors["clerk_a"], ticket=ticket)
        with translation.override("en"), pytest.raises(Conflict) as refused:
            services.ticket_recall(actor=actors["clerk_a"], ticket=ticket)
        assert "has been recalled 1 time:" in refused.value.message

    def test_a_no_show_is_refused_before_the_recalls_or_the_timeout(self, q, actors, clock):
        ticket = bring_to(S.CALLED, q, actors)
        clock.advance(seconds=179)
        with pytest.raises(Conflict) as refused:
            services.ticket_no_show(actor=actors["clerk_a"], ticket=ticket)
        assert refused.value.code == "too_early"
        assert fresh(ticket).status == S.CALLED

    def test_a_no_show_is_allowed_after_the_timeout(self, q, actors, clock):
        ticket = bring_to(S.CALLED, q, actors)
        clock.advance(seconds=180)
        marked = services.ticket_no_show(actor=actors["clerk_a"], ticket=ticket)
        assert (marked.status, marked.no_show_at) == (S.NO_SHOW, clock.now)

    def test_a_no_show_is_allowed_right_after_the_last_recall(self, q, actors):
        ticket = bring_to(S.CALLED, q, actors)
        services.ticket_recall(actor=actors["clerk_a"], ticket=ticket)
        with pytest.raises(Conflict):
            services.ticket_no_show(actor=actors["clerk_a"], ticket=ticket)
        services.ticket_recall(actor=actors["clerk_a"], ticket=ticket)
        assert services.ticket_no_show(actor=actors["clerk_a"], ticket=ticket).status == S.NO_SHOW

    def test_a_recall_restarts_the_no_show_timeout(self, q, actors, clock):
        ticket = bring_to(S.CALLED, q, actors)
        clock.advance(seconds=170)
        services.ticket_recall(actor=actors["clerk_a"], ticket=ticket)
        clock.advance(seconds=170)
        with pytest.raises(Conflict):
            services.ticket_no_show(actor=actors["clerk_a"], ticket=ticket)
        clock.advance(seconds=10)
        assert services.ticket_no_show(actor=actors["clerk_a"], ticket=ticket).status == S.NO_SHOW

    def test_a_no_show_is_reactivated_at_its_original_place_within_the_window(self, q, actors, clock):
        ticket = bring_to(S.NO_SHOW, q, actors)
        queued_at = fresh(ticket).queued_at
        clock.advance(minutes=5)
        later = q.issue()
        clock.advance(minutes=25)
        back = fresh(services.ticket_reactivate(actor=actors["clerk_a"], ticket=ticket))
        assert (back.status, back.counter, back.queued_at) == (S.WAITING, None, queued_at)
        assert q.call_next("1").pk == ticket.pk
        assert fresh(later).status == S.WAITING

    def test_a_no_show_cannot_be_reactivated_after_the_window(self, q, actors, clock):
        ticket = bring_to(S.NO_SHOW, q, actors)
        clock.advance(minutes=30, seconds=1)
        before = counts()
        with pytest.raises(Conflict) as refused:
            services.ticket_reactivate(actor=actors["clerk_a"], ticket=ticket)
        assert refused.value.code == "too_late"
        assert fresh(ticket).status == S.NO_SHOW
        assert counts() == before


class TestTransfer:
    def test_a_transfer_to_another_service_keeps_the_arrival_time_by_default(self, q, actors, clock):
        ticket = bring_to(S.SERVING, q, actors)
        queued_at = fresh(ticket).queued_at
        clock.advance(minutes=2)
        q.issue("GJ-001")
        clock.advance(minutes=2)
        moved = fresh(
            services.ticket_transfer(
                actor=actors["clerk_a"],
                ticket=ticket,
                service_code="GJ-001",
                note="请到公积金窗口",
                allow_no_window=True,
            )
        )
        assert (moved.status, moved.service.code, moved.counter, moved.clerk) == (
            S.WAITING,
            "GJ-001",
            None,
            None,
        )
        assert (moved.queued_at, moved.note, moved.transfer_count) == (queued_at, "请到公积金窗口", 1)
        assert moved.number == "A001" and moved.issued_at == queued_at
        q.open("2", by="clerk_a2")
        assert q.call_next("2", by="clerk_a2").pk == ticket.pk

    def test_a_transfer_goes_to_the_back_when_the_hall_says_so(self, q, actors, hall_a, clock):
        configure(actors, hall_a, transfer_keeps_arrival=False)
        ticket = bring_to(S.CALLED, q, actors)
        clock.advance(minutes=2)
        q.issue("GJ-001")
        clock.advance(minutes=2)
        moved = services.ticket_transfer(
            actor=actors["clerk_a"], ticket=ticket, service_code="GJ-001", allow_no_window=True
        )
        assert fresh(moved).queued_at == clock.now
        q.open("2", by="clerk_a2")
        assert q.call_next("2", by="clerk_a2").number == "B001"

    def test_the_clerk_may_choose_per_transfer(self, q, actors, clock):
        ticket = bring_to(S.CALLED, q, actors)
        clock.advance(minutes=3)
        moved = services.ticket_transfer(
            actor=actors["clerk_a"],
            ticket=ticket,
            service_code="GJ-001",
            keep_arrival=False,
            allow_no_window=True,
        )
        assert fresh(moved).queued_at == clock.now
        assert AuditEntry.objects.filter(action="ticket.transfer").latest("id").after["keep_arrival"] is False

    def test_a_transfer_to_a_window_is_called_only_there_and_before_its_own_queue(self, q, actors, clock):
        ticket = bring_to(S.SERVING, q, actors)
        clock.advance(minutes=1)
        q.issue("HJ-001")
        q.issue("SB-001")
        clock.advance(minutes=1)
        q.open("3", by="manager_a")  # a transfer goes only to a window that is open
        services.ticket_transfer(actor=actors["clerk_a"], ticket=ticket, counter=q.window("3"), note="复核")
        moved = fresh(ticket)
        assert (moved.target_counter.number, moved.service.code) == ("3", "SB-001")
        q.open("2", by="clerk_a2")
        assert q.call_next("2", by="clerk_a2").number == "A002"
        called = q.call_next("3", by="manager_a")
        assert called.pk == ticket.pk
        assert fresh(called).target_counter is None

    def test_a_transfer_needs_a_valid_destination(self, q, actors, hall_b):
        ticket = bring_to(S.CALLED, q, actors)
        for kwargs in ({}, {"service_code": "NOPE"}, {"counter": window(hall_b, "1")}):
            with pytest.raises(Invalid):
                services.ticket_transfer(actor=actors["clerk_a"], ticket=ticket, **kwargs)
        assert fresh(ticket).status == S.CALLED


class TestParkAndResume:
    def test_a_parked_ticket_frees_the_counter_and_resumes_there(self, q, actors):
        parked = bring_to(S.PARKED, q, actors)
        other = q.issue()
        with pytest.raises(Conflict) as refused:
            services.ticket_start(actor=actors["clerk_a"], ticket=other)
        assert refused.value.code == "illegal_transition"
        called = q.call_next("1")
        assert called.pk == other.pk
        with pytest.raises(Conflict) as refused:
            services.ticket_resume(actor=actors["clerk_a"], ticket=parked)
        assert refused.value.code == "counter_busy"
        finish(actors, called)
        resumed = services.ticket_resume(actor=actors["clerk_a"], ticket=parked)
        assert (resumed.status, resumed.counter.number) == (S.SERVING, "1")

    def test_a_note_when_parking_is_kept(self, q, actors):
        ticket = bring_to(S.SERVING, q, actors)
        services.ticket_park(actor=actors["clerk_a"], ticket=ticket, note="填写申请表")
        assert fresh(ticket).note == "填写申请表"


class TestCancel:
    def test_staff_may_cancel_a_ticket_being_served(self, q, actors):
        ticket = bring_to(S.SERVING, q, actors)
        cancelled = services.ticket_cancel(actor=actors["clerk_a"], ticket=ticket, reason="材料不全")
        assert (cancelled.status, cancelled.cancel_reason) == (S.CANCELLED, "材料不全")

    def test_a_citizen_may_cancel_their_ticket_only_while_it_waits(self, q, actors):
        waiting = q.issue()
        assert services.ticket_cancel(actor=actors["citizen"], ticket=waiting).status == S.CANCELLED
        called = bring_to(S.CALLED, q, actors)
        with pytest.raises(PermissionDenied):
            services.ticket_cancel(actor=actors["citizen"], ticket=called)
        assert fresh(called).status == S.CALLED

    def test_a_cancelled_ticket_is_not_called(self, q, actors):
        ticket = q.issue()
        services.ticket_cancel(actor=actors["citizen"], ticket=ticket)
        q.open("1")
        assert q.call_next("1") is None


class TestDurations:
    def test_wait_walk_and_service_seconds_are_stored(self, q, actors, clock):
        clock.at(9, 0)
        ticket = q.issue()
        q.open("1")
        clock.at(9, 10)
        q.call_next("1")
        clock.at(9, 11)
        services.ticket_start(actor=actors["clerk_a"], ticket=ticket)
        clock.at(9, 20)
        services.ticket_complete(actor=actors["clerk_a"], ticket=ticket)
        done = fresh(ticket)
        assert (done.wait_seconds, done.walk_seconds, done.service_seconds) == (600, 60, 540)
        assert (done.called_at, done.started_at, done.completed_at) == (
            clock.at(9, 10),
            clock.at(9, 11),
            clock.at(9, 20),
        )

    def test_durations_add_up_over_a_transfer(self, q, actors, clock):
        clock.at(9, 0)
        ticket = q.issue()
        q.open("1")
        clock.at(9, 5)
        q.call_next("1")
        clock.at(9, 6)
        services.ticket_start(actor=actors["clerk_a"], ticket=ticket)
        clock.at(9, 10)
        services.ticket_transfer(
            actor=actors["clerk_a"], ticket=ticket, service_code="GJ-001", allow_no_window=True
        )
        q.open("2", by="clerk_a2")
        clock.at(9, 20)
        q.call_next("2", by="clerk_a2")
        clock.at(9, 22)
        services.ticket_start(actor=actors["clerk_a2"], ticket=ticket)
        clock.at(9, 30)
        services.ticket_complete(actor=actors["clerk_a2"], ticket=ticket)
        done = fresh(ticket)
        assert (done.wait_seconds, done.walk_seconds, done.service_seconds) == (
            300 + 600,
            60 + 120,
            240 + 480,
        )
        assert done.first_called_at == clock.at(9, 5)

    def test_service_time_excludes_the_time_parked(self, q, actors, clock):
        ticket = bring_to(S.CALLED, q, actors)
        clock.at(10, 0)
        services.ticket_start(actor=actors["clerk_a"], ticket=ticket)
        clock.at(10, 5)
        services.ticket_park(actor=actors["clerk_a"], ticket=ticket)
        clock.at(10, 20)
        services.ticket_resume(actor=actors["clerk_a"], ticket=ticket)
        clock.at(10, 22)
        services.ticket_complete(actor=actors["clerk_a"], ticket=ticket)
        assert fresh(ticket).service_seconds == 300 + 120

    def test_cancelling_after_a_resume_counts_the_resumed_service_time(self, q, actors, clock):
        ticket = bring_to(S.CALLED, q, actors)
        clock.at(10, 0)
        services.ticket_start(actor=actors["clerk_a"], ticket=ticket)
        clock.at(10, 5)
        services.ticket_park(actor=actors["clerk_a"], ticket=ticket)
        clock.at(10, 20)
        services.ticket_resume(actor=actors["clerk_a"], ticket=ticket)
        clock.at(10, 22)
        services.ticket_cancel(actor=actors["clerk_a"], ticket=ticket)
        assert fresh(ticket).service_seconds == 300 + 120

    def test_cancelling_a_called_ticket_adds_no_service_time(self, q, actors, clock):
        ticket = bring_to(S.CALLED, q, actors)
        clock.at(10, 0)
        services.ticket_start(actor=actors["clerk_a"], ticket=ticket)
        clock.at(10, 5)
        services.ticket_transfer(
            actor=actors["clerk_a"], ticket=ticket, service_code="GJ-001", allow_no_window=True
        )
        q.open("2", by="clerk_a2")
        clock.at(10, 10)
        q.call_next("2", by="clerk_a2")
        clock.at(10, 30)
        services.ticket_cancel(actor=actors["clerk_a2"], ticket=ticket)
        assert fresh(ticket).service_seconds == 300
