"""The queue's services, through the real rules: numbering, caps, hours, rights, counter sessions, calling,
every transition, durations, events, audit and the "your turn is near" text. Time is frozen by ``clock``
(a fixed Wednesday, 09:00 in Asia/Shanghai) and moved explicitly."""

import datetime
import json

import pytest

from servicehall.catalog.services import item_save
from servicehall.core import crypto
from servicehall.core.errors import Conflict, DomainError, Invalid, NotAuthenticated, PermissionDenied
from servicehall.core.models import AuditEntry
from servicehall.core.services import hall_set_opening_hours
from servicehall.live.models import Event
from servicehall.queueing import selectors, services
from servicehall.queueing.choices import TRANSITIONS, TicketAction, TicketStatus
from servicehall.queueing.models import CounterService, CounterSession, Ticket
from tests.queueing.conftest import MORNING, item_data, window

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

S, A = TicketStatus, TicketAction


def fresh(ticket: Ticket) -> Ticket:
    return Ticket.objects.select_related("service", "counter", "target_counter").get(pk=ticket.pk)


def counts() -> tuple[int, int]:
    return Event.objects.count(), AuditEntry.objects.count()


def configure(actors, hall, **changes):
    return services.settings_update(actor=actors["manager_a"], hall=hall, **changes)


# --- issuing -------------------------------------------------------------------------------------------


class TestNumbering:
    def test_numbers_count_up_per_prefix_and_prefixes_are_independent(self, q):
        numbers = [
            q.issue("SB-001").number,
            q.issue("SB-001").number,
            q.issue("GJ-001").number,
            q.issue("SB-001").number,
            q.issue("HJ-001").number,
        ]
        assert numbers == ["A001", "A002", "B001", "A003", "C001"]

    def test_each_hall_numbers_its_own_tickets(self, q, actors, hall_b, items_b):
        assert q.issue("SB-001").number == "A001"
        other = services.ticket_issue(actor=actors["manager_b"], hall=hall_b, service_code="SB-001")
        assert other.number == "A001"
        assert q.issue("SB-001").number == "A002"

    def test_numbering_restarts_at_local_midnight(self, q, clock):
        clock.at(23, 59)
        assert [q.issue().number, q.issue().number] == ["A001", "A002"]
        clock.at(0, 1, days=1)
        ticket = q.issue()
        assert ticket.number == "A001"
        assert ticket.day == MORNING.date() + datetime.timedelta(days=1)

    def test_utc_midnight_does_not_restart_the_numbers(self, q, clock):
        # 08:00 in Shanghai is midnight UTC.
        clock.at(7, 59)
        first = q.issue()
        clock.at(8, 1)
        second = q.issue()
        assert (first.number, second.number) == ("A001", "A002")
        assert first.day == second.day == MORNING.date()

    def test_a_ticket_carries_its_service_channel_and_an_unguessable_public_id(self, q):
        ticket = q.issue()
        other = q.issue()
        assert ticket.service.code == "SB-001"
        assert ticket.channel == "kiosk"
        assert ticket.status == S.WAITING
        assert len(ticket.public_id) >= 20 and ticket.public_id != other.public_id


class TestDailyCap:
    def test_a_service_past_its_cap_is_sold_out_without_using_a_number(self, q, actors, hall_a):
        configure(actors, hall_a, daily_caps={"SB-001": 2})
        assert [q.issue().number, q.issue().number] == ["A001", "A002"]
        before = counts()
        with pytest.raises(Conflict) as refused:
            q.issue()
        assert refused.value.code == "sold_out"
        assert str(refused.value.message)
        assert counts() == before
        assert Ticket.objects.count() == 2
        configure(actors, hall_a, daily_caps={"SB-001": 3})
        assert q.issue().number == "A003"

    def test_the_cap_applies_at_every_channel(self, q, actors, hall_a):
        configure(actors, hall_a, daily_caps={"SB-001": 1})
        q.issue()
        with pytest.raises(Conflict) as refused:
            q.issue(by="clerk_a", channel="counter")
        assert refused.value.code == "sold_out"

    def test_the_cap_of_one_service_is_not_used_up_by_another_service_with_the_same_prefix(
        self, q, actors, hall_a, admin_actor
    ):
        item_save(actor=admin_actor, hall=hall_a, data=item_data("SB-002", "社保转移", "A", ["1"]))
        configure(actors, hall_a, daily_caps={"SB-001": 2})
        assert [q.issue("SB-002").number, q.issue("SB-002").number] == ["A001", "A002"]
        assert q.issue("SB-001").number == "A003"
        assert q.issue("SB-001").number == "A004"
        with pytest.raises(Conflict):
            q.issue("SB-001")
        assert q.issue("SB-002").number == "A005"


class TestOpeningHours:
    @pytest.fixture(autouse=True)
    def hours(self, actors, hall_a):
        day = MORNING.weekday()
        hall_set_opening_hours(
            actor=actors["manager_a"],
            hall=hall_a,
            periods=[
                (day, datetime.time(8, 30), datetime.time(12, 0)),
                (day, datetime.time(13, 30), datetime.time(17, 0)),
            ],
        )

    def test_a_kiosk_ticket_before_opening_says_when_the_hall_opens(self, q, clock):
        clock.at(8, 0)
        with pytest.raises(Conflict) as refused:
            q.issue()
        assert refused.value.code == "not_open"
        assert "08:30" in str(refused.value.message)
        assert not Ticket.objects.exists()

    def test_at_lunch_the_message_names_the_afternoon_opening(self, q, clock):
        clock.at(12, 30)
        with pytest.raises(Conflict) as refused:
            q.issue()
        assert refused.value.code == "not_open"
        assert "13:30" in str(refused.value.message)

    def test_after_closing_tickets_are_refused_as_closed(self, q, clock):
        clock.at(17, 0)
        with pytest.raises(Conflict) as refused:
            q.issue()
        assert refused.value.code == "closed"

    def test_on_a_day_without_hours_the_hall_is_closed(self, q, clock):
        clock.at(10, 0, days=1)
        with pytest.raises(Conflict) as refused:
            q.issue()
        assert refused.value.code == "closed"

    def test_during_opening_hours_tickets_are_issued(self, q, clock):
        clock.at(8, 30)
        assert q.issue().number == "A001"
        clock.at(16, 59)
        assert q.issue().number == "A002"

    def test_issuing_stops_the_configured_minutes_before_closing(self, q, clock, actors, hall_a):
        configure(actors, hall_a, stop_issuing_minutes=30)
        clock.at(16, 29)
        q.issue()
        clock.at(16, 30)
        with pytest.raises(Conflict) as refused:
            q.issue()
        assert refused.value.code == "closed"

    def test_staff_may_issue_at_the_counter_outside_opening_hours(self, q, clock):
        clock.at(7, 0)
        assert q.issue(by="clerk_a", channel="counter").channel == "counter"

    def test_web_tickets_respect_opening_hours_too(self, q, clock, actors, hall_a):
        configure(actors, hall_a, allow_remote_tickets=True)
        clock.at(8, 0)
        with pytest.raises(Conflict) as refused:
            q.issue(by="citizen")
        assert refused.value.code == "not_open"

    def test_the_hours_use_the_halls_time_zone(self, q, clock):
        # 08:45 in Shanghai is 00:45 UTC: open here, although UTC says it is night.
        clock.at(8, 45)
        assert clock.now.astimezone(datetime.UTC).hour == 0
        assert q.issue().number == "A001"


class TestIssueRights:
    def test_remote_tickets_are_refused_unless_the_hall_allows_them(self, q, actors, hall_a):
        with pytest.raises((NotAuthenticated, PermissionDenied)):
            q.issue(by="citizen")
        assert not Ticket.objects.exists()
        configure(actors, hall_a, allow_remote_tickets=True)
        ticket = q.issue(by="citizen")
        assert (ticket.channel, ticket.number) == ("web", "A001")

    def test_only_a_kiosk_or_staff_issue_kiosk_tickets(self, q):
        with pytest.raises(NotAuthenticated):
            q.issue(by="citizen", channel="kiosk")
        with pytest.raises(PermissionDenied):
            q.issue(by="evaluator_a", channel="kiosk")
        assert q.issue(by="clerk_a", channel="kiosk").channel == "kiosk"

    def test_only_staff_issue_counter_tickets(self, q):
        with pytest.raises(PermissionDenied):
            q.issue(by="kiosk", channel="counter")
        with pytest.raises(PermissionDenied):
            q.issue(by="evaluator_a", channel="counter")
        assert q.issue(by="clerk_a").channel == "counter"

    def test_a_kiosk_of_another_hall_cannot_issue_here(self, actors, hall_b, items_b):
        with pytest.raises(PermissionDenied):
            services.ticket_issue(actor=actors["kiosk"], hall=hall_b, service_code="SB-001")

    def test_a_clerk_of_another_hall_cannot_issue_here(self, q):
        with pytest.raises(PermissionDenied):
            q.issue(by="clerk_b", channel="counter")

    def test_an_unknown_priority_class_is_invalid(self, q):
        with pytest.raises(Invalid) as refused:
            q.issue(priority="vip")
        assert "priority" in refused.value.fields

    def test_a_priority_class_marks_the_ticket_as_priority(self, q):
        assert q.issue(priority="elderly").is_priority is True
        assert q.issue(priority="normal").is_priority is False

    def test_a_hall_may_define_its_own_priority_classes(self, q, actors, hall_a):
        configure(
            actors,
            hall_a,
            priority_classes=[
                {"code": "normal", "name": "普通", "priority": False},
                {"code": "veteran", "name": "退役军人", "priority": True},
            ],
        )
        assert q.issue(priority="veteran").is_priority is True
        with pytest.raises(Invalid):
            q.issue(priority="elderly")

    def test_the_normal_class_cannot_be_removed(self, actors, hall_a):
        with pytest.raises(Invalid) as refused:
            configure(actors, hall_a, priority_classes=[{"code": "vip", "name": "贵宾", "priority": True}])
        assert "priority_classes" in refused.value.fields

    def test_citizens_cannot_give_themselves_priority_on_the_web(self, q, actors, hall_a):
        configure(actors, hall_a, allow_remote_tickets=True)
        with pytest.raises(PermissionDenied):
            q.issue(by="citizen", priority="elderly")

    def test_an_unknown_or_inactive_service_is_invalid(self, q, admin_actor, hall_a):
        with pytest.raises(Invalid) as refused:
            q.issue("NOPE-1")
        assert "service" in refused.value.fields
        item_save(
            actor=admin_actor, hall=hall_a, data={**item_data("OLD-1", "停办事项", "Z", []), "active": False}
        )
        with pytest.raises(Invalid):
            q.issue("OLD-1")

    def test_a_service_of_another_hall_is_invalid_here(self, q, items_b, admin_actor, hall_b):
        item_save(actor=admin_actor, hall=hall_b, data=item_data("ONLY-B", "乙区事项", "Q", []))
        with pytest.raises(Invalid):
            q.issue("ONLY-B")

    def test_only_a_manager_changes_the_queue_settings(self, actors, hall_a):
        with pytest.raises(PermissionDenied):
            services.settings_update(actor=actors["clerk_a"], hall=hall_a, recall_limit=5)
        with pytest.raises(PermissionDenied):
            services.settings_update(actor=actors["manager_b"], hall=hall_a, recall_limit=5)


class TestPhone:
    def test_a_phone_is_stored_encrypted_and_shown_masked(self, q):
        ticket = fresh(q.issue(phone="138 1234 5678"))
        assert ticket.phone_hint == "138****5678"
        assert ticket.phone_encrypted and "13812345678" not in ticket.phone_encrypted
        assert crypto.decrypt(ticket.phone_encrypted) == "13812345678"

    @pytest.mark.parametrize("phone", ["12345", "1381234567", "23812345678", "1381234567a"])
    def test_a_bad_phone_is_invalid_and_issues_nothing(self, q, phone):
        with pytest.raises(Invalid) as refused:
            q.issue(phone=phone)
        assert "phone" in refused.value.fields
        assert not Ticket.objects.exists()

    def test_without_a_phone_nothing_is_stored(self, q):
        ticket = fresh(q.issue())
        assert (ticket.phone_encrypted, ticket.phone_hint) == ("", "")

    def test_the_phone_never_reaches_an_event_or_the_audit_trail(self, q):
        ticket = q.issue(phone="13812345678")
        q.open()
        q.call_next()
        for event in Event.objects.all():
            assert "5678" not in json.dumps(event.payload) and "phone" not in event.payload
        entries = AuditEntry.objects.filter(object_type="queueing.ticket", object_id=str(ticket.pk))
        assert entries.count() == 2
        for entry in entries:
            assert "13812345678" not in json.dumps([entry.before, entry.after])


# --- counter sessions ----------------------------------------------------------------------------------


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


# --- calling -------------------------------------------------------------------------------------------


def finish(actors, ticket, by="clerk_a"):
    services.ticket_start(actor=actors[by], ticket=ticket)
    services.ticket_complete(actor=actors[by], ticket=ticket)


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


# --- every transition ----------------------------------------------------------------------------------


def bring_to(status, q, actors) -> Ticket:
    """A ticket of hall A in ``status``; anything at a counter is at window 1 with clerk_a."""
    clerk = actors["clerk_a"]
    ticket = q.issue()
    if status == S.WAITING:
        return fresh(ticket)
    if status == S.CANCELLED:
        return services.ticket_cancel(actor=clerk, ticket=ticket)
    q.open("1")
    ticket = q.call_next("1")
    if status == S.NO_SHOW:
        for _ in range(2):
            services.ticket_recall(actor=clerk, ticket=ticket)
        return services.ticket_no_show(actor=clerk, ticket=ticket)
    if status == S.CALLED:
        return fresh(ticket)
    services.ticket_start(actor=clerk, ticket=ticket)
    if status == S.COMPLETED:
        return services.ticket_complete(actor=clerk, ticket=ticket)
    if status == S.PARKED:
        return services.ticket_park(actor=clerk, ticket=ticket)
    return fresh(ticket)


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
                actor=actor, ticket=ticket, service_code="GJ-001", note="请补材料"
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
                actor=actors["clerk_a"], ticket=ticket, service_code="GJ-001", note="请到公积金窗口"
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
        moved = services.ticket_transfer(actor=actors["clerk_a"], ticket=ticket, service_code="GJ-001")
        assert fresh(moved).queued_at == clock.now
        q.open("2", by="clerk_a2")
        assert q.call_next("2", by="clerk_a2").number == "B001"

    def test_the_clerk_may_choose_per_transfer(self, q, actors, clock):
        ticket = bring_to(S.CALLED, q, actors)
        clock.advance(minutes=3)
        moved = services.ticket_transfer(
            actor=actors["clerk_a"], ticket=ticket, service_code="GJ-001", keep_arrival=False
        )
        assert fresh(moved).queued_at == clock.now
        assert AuditEntry.objects.filter(action="ticket.transfer").latest("id").after["keep_arrival"] is False

    def test_a_transfer_to_a_window_is_called_only_there_and_before_its_own_queue(self, q, actors, clock):
        ticket = bring_to(S.SERVING, q, actors)
        clock.advance(minutes=1)
        q.issue("HJ-001")
        q.issue("SB-001")
        clock.advance(minutes=1)
        services.ticket_transfer(actor=actors["clerk_a"], ticket=ticket, counter=q.window("3"), note="复核")
        moved = fresh(ticket)
        assert (moved.target_counter.number, moved.service.code) == ("3", "SB-001")
        q.open("2", by="clerk_a2")
        assert q.call_next("2", by="clerk_a2").number == "A002"
        q.open("3", by="manager_a")
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
        services.ticket_transfer(actor=actors["clerk_a"], ticket=ticket, service_code="GJ-001")
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
        services.ticket_transfer(actor=actors["clerk_a"], ticket=ticket, service_code="GJ-001")
        q.open("2", by="clerk_a2")
        clock.at(10, 10)
        q.call_next("2", by="clerk_a2")
        clock.at(10, 30)
        services.ticket_cancel(actor=actors["clerk_a2"], ticket=ticket)
        assert fresh(ticket).service_seconds == 300


class TestEstimate:
    """The estimated wait at issue (docs/queue-estimate.md). No history: every service counts the hall's
    8 minutes (480 s). SB-001 is called by windows 1 and 2, GJ-001 by window 2 only."""

    def test_without_an_open_window_the_people_ahead_of_the_service_count_at_one_window(self, q):
        q.issue()
        q.issue("GJ-001")
        third = q.issue()
        assert (third.people_ahead, third.estimated_wait_seconds) == (1, 480)

    def test_the_work_ahead_is_pooled_over_the_windows_that_share_it(self, q, clock):
        clock.at(9, 0)
        q.open("1")
        q.open("2", by="clerk_a2")
        first = q.issue()
        assert first.estimated_wait_seconds == 0  # nobody ahead, a window free
        assert q.call_next("1").pk == first.pk  # window 1 busy since 09:00
        clock.at(9, 3)
        q.issue("GJ-001")
        q.issue()
        # A003: W = {1, 2}. Ahead: B001 (only window 2 calls it: share 1) and A002 (share 1): 2 × 480; window
        # 1 still needs 480 − 180 = 300 s. (480 + 480 + 300) / 2 = 630 (the same-service formula said 240).
        sb = q.issue()
        assert (sb.people_ahead, sb.estimated_wait_seconds) == (1, 630)
        # B002: W = {2}. B001 counts fully, A002 and A003 half (windows 1 and 2 call them); window 2 is free:
        # 480 + 240 + 240 = 960.
        gj = q.issue("GJ-001")
        assert (gj.people_ahead, gj.estimated_wait_seconds) == (1, 960)
        # An elderly citizen has no priority ticket ahead and window 2 is free: called at once.
        assert q.issue(priority="elderly").estimated_wait_seconds == 0
        # Later, the busy window counts at least 15 % of a case: at 09:20, A003 waits (480 + 480 + 72 +
        # 480 [the priority ticket, ahead of every normal one] ) / 2 = 756.
        clock.at(9, 20)
        assert (
            selectors.estimate_wait_seconds(
                service_id=sb.service_id, hall_id=sb.hall_id, ahead=1, default_minutes=8, ticket=fresh(sb)
            )
            == 756
        )

    def test_the_queue_summary_gives_the_wait_of_a_new_normal_ticket(self, q, hall_a, clock):
        clock.at(9, 0)
        q.open("2", by="clerk_a2")
        q.issue()
        q.issue("GJ-001")
        by_code = {s["code"]: s for s in selectors.queue_summary(hall=hall_a)["services"]}
        # Window 2 alone calls both; HJ-001's window 3 is closed and nobody waits for it.
        assert [by_code[c]["estimated_wait_seconds"] for c in ("SB-001", "GJ-001", "HJ-001")] == [960, 960, 0]


class TestEventsAndAudit:
    def test_a_ticket_issue_writes_one_event_and_one_audit_entry(self, q):
        before = counts()
        ticket = q.issue(phone="13812345678")
        assert counts() == (before[0] + 1, before[1] + 1)
        event = Event.objects.latest("id")
        assert event.kind == "ticket.issued"
        assert event.payload["number"] == ticket.number and event.payload["waiting"] == {"SB-001": 1}
        assert "13812345678" not in json.dumps(event.payload)
        entry = AuditEntry.objects.latest("id")
        assert (entry.action, entry.object_id) == ("ticket.issue", str(ticket.pk))

    def test_every_action_writes_one_event_without_personal_data_and_one_audit_entry(self, q, actors, clock):
        clerk = actors["clerk_a"]
        ticket = q.issue(phone="13812345678")
        q.open("1")
        steps = [
            ("ticket.called", lambda: q.call_next("1")),
            ("ticket.called", lambda: services.ticket_recall(actor=clerk, ticket=ticket)),
            ("ticket.start", lambda: services.ticket_start(actor=clerk, ticket=ticket)),
            ("ticket.park", lambda: services.ticket_park(actor=clerk, ticket=ticket)),
            ("ticket.resume", lambda: services.ticket_resume(actor=clerk, ticket=ticket)),
            (
                "ticket.transferred",
                lambda: services.ticket_transfer(actor=clerk, ticket=ticket, service_code="GJ-001"),
            ),
            ("ticket.cancel", lambda: services.ticket_cancel(actor=clerk, ticket=ticket)),
        ]
        for kind, step in steps:
            before = counts()
            step()
            assert counts() == (before[0] + 1, before[1] + 1), kind
            event = Event.objects.latest("id")
            assert event.kind == kind
            assert event.payload["number"] == "A001"
            assert not {"phone", "phone_hint", "customer_id", "name"} & set(event.payload)
            assert "5678" not in json.dumps(event.payload, ensure_ascii=False)
            entry = AuditEntry.objects.latest("id")
            assert (entry.object_type, entry.object_id) == ("queueing.ticket", str(ticket.pk))

    def test_a_refused_change_writes_no_event_and_no_audit(self, q, actors):
        ticket = bring_to(S.CALLED, q, actors)
        before = counts()
        for attempt in (
            lambda: services.ticket_complete(actor=actors["clerk_a"], ticket=ticket),
            lambda: services.ticket_no_show(actor=actors["clerk_a"], ticket=ticket),
            lambda: services.ticket_start(actor=actors["clerk_a2"], ticket=ticket),
            lambda: q.call_next("1"),
            lambda: q.issue("NOPE"),
        ):
            with pytest.raises(DomainError):
                attempt()
        assert counts() == before

    def test_events_go_to_the_tickets_own_hall(self, q, hall_a):
        q.issue()
        assert set(Event.objects.values_list("hall_id", flat=True)) == {hall_a.pk}


class TestNearNotification:
    @pytest.fixture(autouse=True)
    def file_backend(self, settings, tmp_path):
        settings.VAR_DIR = tmp_path
        settings.SERVICEHALL_NOTIFY_BACKEND = "file"
        return tmp_path / "notifications.jsonl"

    def sent(self, path) -> list[dict]:
        return (
            [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
            if path.exists()
            else []
        )

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
        assert [(m["phone"], "A003" in m["text"]) for m in self.sent(file_backend)] == [("13800000003", True)]
        finish(actors, first)
        with django_capture_on_commit_callbacks(execute=True):
            second = q.call_next("1")  # A003, A004, A005 now
        assert [m["phone"] for m in self.sent(file_backend)] == ["13800000003", "13800000005"]
        for _ in range(3):
            finish(actors, second)
            with django_capture_on_commit_callbacks(execute=True):
                second = q.call_next("1")
        assert len(self.sent(file_backend)) == 2

    def test_nothing_is_sent_before_the_call_commits(
        self, q, clock, file_backend, django_capture_on_commit_callbacks
    ):
        q.issue()
        q.issue(phone="13800000002")
        q.open("1")
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            q.call_next("1")
        assert callbacks and self.sent(file_backend) == []

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
        sent = self.sent(file_backend)
        assert [m["phone"] for m in sent] == ["13800000009"]  # the ticket without a number texts nobody
        assert f"https://zwfw.example.gov.cn/t/{with_phone.public_id}/rate" in sent[0]["text"]
        assert with_phone.number in sent[0]["text"] and "评价" in sent[0]["text"]


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


class TestOpeningHoursChange:
    def test_new_hours_apply_to_the_next_ticket_once_committed(
        self, q, clock, actors, hall_a, django_capture_on_commit_callbacks
    ):
        clock.at(10, 0)
        assert q.issue().number == "A001"  # no hours yet: always open (and the hours are now cached)
        with django_capture_on_commit_callbacks(execute=True):
            hall_set_opening_hours(
                actor=actors["manager_a"],
                hall=hall_a,
                periods=[(MORNING.weekday(), datetime.time(13, 0), datetime.time(17, 0))],
            )
        with pytest.raises(Conflict) as refused:
            q.issue()
        assert refused.value.code == "not_open"
