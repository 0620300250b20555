"""A transfer cannot strand a citizen: a particular window must be open now, a service nobody serves now
needs the clerk's confirmation, and the citizen's phone says where the ticket went and its place."""

import pytest

from servicehall.core.errors import Conflict
from servicehall.queueing import services
from servicehall.queueing.choices import TicketStatus
from servicehall.queueing.models import Ticket
from tests.conftest import ApiClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def serving(q, actors):
    ticket = q.issue()
    q.open("1")
    q.call_next("1")
    return Ticket.objects.get(pk=ticket.pk)


def test_a_transfer_to_a_closed_window_is_refused_and_nothing_moves(q, actors, serving):
    with pytest.raises(Conflict) as refused:
        services.ticket_transfer(actor=actors["clerk_a"], ticket=serving, counter=q.window("3"))
    assert refused.value.code == "window_not_open" and refused.value.fields["counter"]
    again = Ticket.objects.get(pk=serving.pk)
    assert again.status == TicketStatus.CALLED and again.counter.number == "1" and again.transfer_count == 0


def test_a_transfer_to_a_paused_window_is_refused(q, actors, serving, django_capture_on_commit_callbacks):
    q.open("3", by="clerk_a2")
    services.counter_pause(actor=actors["clerk_a2"], counter=q.window("3"), reason="午休")
    with pytest.raises(Conflict):
        services.ticket_transfer(actor=actors["clerk_a"], ticket=serving, counter=q.window("3"))


def test_a_service_nobody_serves_now_needs_the_clerks_confirmation(q, actors, serving):
    with pytest.raises(Conflict) as refused:
        services.ticket_transfer(actor=actors["clerk_a"], ticket=serving, service_code="GJ-001")
    assert refused.value.code == "no_open_window" and "公积金提取" in str(refused.value.message)
    moved = services.ticket_transfer(
        actor=actors["clerk_a"], ticket=serving, service_code="GJ-001", allow_no_window=True
    )
    assert moved.status == TicketStatus.WAITING and moved.service.code == "GJ-001"


def test_a_transfer_to_a_served_service_needs_no_confirmation_and_the_phone_says_where_it_went(
    q, actors, serving
):
    q.open("2", by="clerk_a2")  # window 2 serves GJ-001
    q.issue("GJ-001")
    moved = services.ticket_transfer(
        actor=actors["clerk_a"], ticket=serving, service_code="GJ-001", keep_arrival=False
    )
    _status, body = ApiClient().call("GET", f"tickets/{moved.public_id}")
    assert body["transferred"] is True and body["service_name"] == "公积金提取"
    assert body["position"] == 2 and body["window_open"] is True
