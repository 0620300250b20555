"""What every queue service shares (``queueing.services.common``): one outbox event without personal data
and one audit entry per change, none for a refused one, each in the ticket's own hall. Time is frozen
by ``clock`` (a fixed Wednesday, 09:00 in Asia/Shanghai)."""

import json

import pytest

from servicehall.core.errors import DomainError
from servicehall.core.models import AuditEntry
from servicehall.live.models import Event
from servicehall.queueing import services
from servicehall.queueing.choices import TicketStatus
from tests.queueing.conftest import bring_to, counts

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

S = TicketStatus


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
                lambda: services.ticket_transfer(
                    actor=clerk, ticket=ticket, service_code="GJ-001", allow_no_window=True
                ),
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
