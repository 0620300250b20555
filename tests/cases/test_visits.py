"""The visit ledger (最多跑一次 measured): a case accepted at the window from a ticket has one visit, a
later ticket linked by number makes two; a fully online case has none; the shares per item and month."""

import datetime

import pytest

from servicehall.cases import selectors, services
from servicehall.cases.models import Case
from servicehall.core.errors import Invalid, NotFound
from tests.cases.conftest import apply

pytestmark = pytest.mark.django_db


def served(q, service="XK-001", *, first=True):
    """A ticket of the licence called at window 2 (opened first)."""
    q.issue(service)
    if first:
        q.open("2")
    return q.call_next("2")


def finish(actors, ticket):
    from servicehall.queueing.services import ticket_complete, ticket_start

    ticket_start(actor=actors["clerk_a"], ticket=ticket)
    ticket_complete(actor=actors["clerk_a"], ticket=ticket, outcome="accepted")


def test_two_tickets_for_one_case_are_two_visits(hall_a, licence, clock, actors, q):
    first = served(q)
    case = services.case_open_at_window(actor=actors["clerk_a"], ticket=first, phone="13912345678")
    assert case.status == "accepted" and case.channel == "window" and case.counter.number == "2"
    finish(actors, first)
    clock.advance(hours=2)
    second = served(q, first=False)
    services.case_link_ticket(actor=actors["clerk_a"], ticket=second, number=case.number)
    assert selectors.citizen_view(Case.objects.get(pk=case.pk))["visits"] == 2
    with pytest.raises(Invalid):  # a ticket serves one case
        services.case_link_ticket(actor=actors["clerk_a"], ticket=second, number=case.number)


def test_a_ticket_is_linked_only_to_a_case_of_its_own_hall(hall_a, licence, clock, actors, q):
    ticket = served(q)
    with pytest.raises(NotFound):
        services.case_link_ticket(actor=actors["clerk_a"], ticket=ticket, number="000")


def test_the_ledger_shares_per_item_and_month(hall_a, licence, clock, actors, q):
    online = apply(hall_a)  # no visit at all
    ticket = served(q)
    window = services.case_open_at_window(actor=actors["clerk_a"], ticket=ticket, phone="13912345678")
    finish(actors, ticket)
    clock.advance(hours=1)
    services.case_link_ticket(actor=actors["clerk_a"], ticket=served(q, first=False), number=window.number)
    since = clock.now - datetime.timedelta(days=1)
    ledger = selectors.visit_ledger(hall=hall_a, since=since, until=clock.now + datetime.timedelta(days=1))
    row = ledger["items"][licence.pk]
    assert (row["cases"], row["le1"], row["zero"]) == (2, 1, 1)
    assert row["le1_pct"] == 50.0 and row["zero_pct"] == 50.0
    assert list(ledger["months"]) == [clock.now.strftime("%Y-%m")]
    assert online.number != window.number
