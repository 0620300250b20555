"""Calling (``queueing.services.calling``): who is called next at which window, and the "your turn is
near" text sent once the call commits. Time is frozen by ``clock`` (a fixed Wednesday, 09:00 in
Asia/Shanghai) and moved explicitly."""

import pytest

from servicehall.core.errors import Conflict, PermissionDenied
from servicehall.core.models import AuditEntry
from servicehall.live.models import Event
from servicehall.queueing import services
from servicehall.queueing.choices import TicketStatus
from servicehall.queueing.models import CounterService, Ticket
from tests.conftest import sent_texts
from tests.queueing.conftest import configure, counts, finish, fresh

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

S = TicketStatus


class TestCallNext:
    def test_nobody_waiting_gives_none_and_changes_nothing(self, q):
        q.open("1")
        before = counts()
        assert q.call_next("1") is None
        assert counts() == before

    def test_a_call_marks_the_ticket_called_at_the_counter_by_the_clerk(self, q, staff, clock):
        ticket = q.issue()
        q.open("1")
        clock.advance(minutes=4)
        called = fresh(q.call_next("1"))
        assert called.pk == ticket.pk
        assert (called.status, called.counter.number, called.clerk) == (S.CALLED, "1", staff["clerk_a"])
        assert called.called_at == called.first_called_at == clock.now
        event = Event.objects.latest("id")
        assert (event.kind, event.payload["number"], event.payload["counter"]) == (
            "ticket.called",
            "A001",
            "1",
        )

    def test_tickets_are_called_in_arrival_order(self, q, actors, clock):
        numbers = []
        for _ in range(3):
            q.issue()
            clock.advance(minutes=1)
        q.open("1")
        for _ in range(3):
            ticket = q.call_next("1")
            numbers.append(ticket.number)
            finish(actors, ticket)
        assert numbers == ["A001", "A002", "A003"]

    def test_a_counter_calls_only_the_services_it_serves(self, q):
        q.issue("HJ-001")
        q.open("1")
        assert q.call_next("1") is None
        q.open("3", by="clerk_a2")
        assert q.call_next("3", by="clerk_a2").number == "C001"

    def test_two_counters_never_get_the_same_ticket(self, q):
        q.issue()
        q.issue()
        q.open("1")
        q.open("2", by="clerk_a2")
        first, second = q.call_next("1"), q.call_next("2", by="clerk_a2")
        assert {first.number, second.number} == {"A001", "A002"}
        assert Ticket.objects.filter(status=S.CALLED).values("counter").distinct().count() == 2

    def test_a_counter_with_a_ticket_still_at_it_cannot_call_the_next(self, q):
        q.issue()
        q.issue()
        q.open("1")
        q.call_next("1")
        with pytest.raises(Conflict) as refused:
            q.call_next("1")
        assert refused.value.code == "counter_busy"

    def test_only_the_clerk_signed_in_may_call_at_a_counter(self, q):
        q.issue()
        q.open("1")
        with pytest.raises(PermissionDenied):
            q.call_next("1", by="clerk_a2")
        with pytest.raises(PermissionDenied):
            q.call_next("1", by="clerk_b")

    def test_the_interleave_runs_across_calls(self, q, actors, clock):
        for _ in range(4):
            q.issue(priority="elderly")
            q.issue()
            clock.advance(minutes=1)
        q.open("1")
        kinds = []
        for _ in range(6):
            ticket = q.call_next("1")
            kinds.append("P" if ticket.is_priority else "N")
            finish(actors, ticket)
        assert "".join(kinds) == "PPNPPN"

    def test_a_ticket_past_the_ceiling_is_called_before_priority_tickets(self, q, actors, hall_a, clock):
        configure(actors, hall_a, max_wait_minutes=30)
        old = q.issue()
        clock.advance(minutes=29)
        q.issue(priority="elderly")
        clock.advance(minutes=1)
        q.open("1")
        assert q.call_next("1").pk == old.pk
        assert AuditEntry.objects.filter(action="ticket.call").latest("id").after["rule"] == "ceiling"

    def test_a_counters_own_tiers_decide_which_service_goes_first(self, q, items_a, clock):
        # No service sets a counter's tiers yet, so the rows are written directly (see the report).
        CounterService.objects.create(counter=q.window("2"), service=items_a["SB-001"], order=2)
        CounterService.objects.create(counter=q.window("2"), service=items_a["GJ-001"], order=1)
        q.issue("SB-001")
        clock.advance(minutes=5)
        q.issue("GJ-001")
        q.open("2")
        assert q.call_next("2").number == "B001"

    def test_calling_a_particular_ticket_is_audited_and_can_be_switched_off(self, q, actors, hall_a):
        q.issue()
        second = q.issue()
        q.open("1")
        called = services.ticket_call(actor=actors["clerk_a"], ticket=second, counter=q.window("1"))
        assert (called.number, called.status) == ("A002", S.CALLED)
        assert AuditEntry.objects.filter(action="ticket.call").latest("id").after["specific"] is True
        finish(actors, called)
        configure(actors, hall_a, allow_call_specific=False)
        with pytest.raises(PermissionDenied):
            services.ticket_call(
                actor=actors["clerk_a"], ticket=Ticket.objects.get(number="A001"), counter=q.window("1")
            )


class TestNearNotification:
    @pytest.fixture(autouse=True)
    def file_backend(self, settings, tmp_path):
        settings.VAR_DIR = tmp_path
        settings.SERVICEHALL_NOTIFY_BACKEND = "file"
        return tmp_path / "notifications.jsonl"

    def test_your_turn_is_near_is_sent_once_when_a_ticket_reaches_the_position(
        self, q, actors, clock, file_backend, django_capture_on_commit_callbacks
    ):
        phones = {3: "13800000003", 5: "13800000005"}
        for n in range(1, 7):
            q.issue(phone=phones.get(n, ""))
            clock.advance(minutes=1)
        q.open("1")
        with django_capture_on_commit_callbacks(execute=True):
            first = q.call_next("1")  # A002, A003, A004 are now positions 1-3
        assert [(m["phone"], "A003" in m["text"]) for m in sent_texts()] == [("13800000003", True)]
        finish(actors, first)
        with django_capture_on_commit_callbacks(execute=True):
            second = q.call_next("1")  # A003, A004, A005 now
        assert [m["phone"] for m in sent_texts()] == ["13800000003", "13800000005"]
        for _ in range(3):
            finish(actors, second)
            with django_capture_on_commit_callbacks(execute=True):
                second = q.call_next("1")
        assert len(sent_texts()) == 2

    def test_nothing_is_sent_before_the_call_commits(
        self, q, clock, file_backend, django_capture_on_commit_callbacks
    ):
        q.issue()
        q.issue(phone="13800000002")
        q.open("1")
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            q.call_next("1")
        assert callbacks and sent_texts(status=None) == []  # not even recorded

    def test_a_completed_service_texts_the_link_to_rate_it_in_chinese(
        self, q, actors, clock, file_backend, settings, django_capture_on_commit_callbacks
    ):
        from django.utils import translation

        settings.SERVICEHALL_PUBLIC_URL = "https://zwfw.example.gov.cn"
        with_phone = q.issue(phone="13800000009")
        q.issue()
        q.open("1")
        for _ in range(2):
            ticket = q.call_next("1")
            services.ticket_start(actor=actors["clerk_a"], ticket=ticket)
            with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
                services.ticket_complete(actor=actors["clerk_a"], ticket=ticket)
        sent = sent_texts()
        assert [m["phone"] for m in sent] == ["13800000009"]  # the ticket without a number texts nobody
        assert f"https://zwfw.example.gov.cn/t/{with_phone.public_id}/rate" in sent[0]["text"]
        assert with_phone.number in sent[0]["text"] and "评价" in sent[0]["text"]
