"""Issuing tickets (``queueing.services.issuing``), through the real rules: numbering per prefix and day,
the daily caps, opening hours (and a change of them), who may issue, the citizen's phone, and the wait
estimated at issue. Time is frozen by ``clock`` (a fixed Wednesday, 09:00 in Asia/Shanghai) and moved
explicitly."""

import datetime
import json

import pytest

from servicehall.catalog.services import item_save
from servicehall.core import crypto
from servicehall.core.errors import Conflict, Invalid, NotAuthenticated, PermissionDenied
from servicehall.core.models import AuditEntry
from servicehall.core.services import hall_set_opening_hours
from servicehall.live.models import Event
from servicehall.queueing import selectors, services
from servicehall.queueing.choices import TicketStatus
from servicehall.queueing.models import Ticket
from tests.queueing.conftest import MORNING, configure, counts, fresh, item_data

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

S = TicketStatus


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
