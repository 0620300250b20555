"""Transfer to another hall: a step of the one table (refused once answered), audited in both halls, the
receiving hall's deadlines counted from the transfer, the sending hall loses the item, the citizen's code
still works; and "my overdue items" for the signed-in member of staff on the staff home and the console."""

import datetime

import pytest

from servicehall.core import calendar
from servicehall.core.errors import Conflict, Invalid, PermissionDenied
from servicehall.core.models import AuditEntry
from servicehall.feedback import selectors, services
from servicehall.feedback.models import FeedbackItem
from tests.feedback.conftest import PHONE

pytestmark = pytest.mark.django_db


def test_a_transferred_item_starts_again_in_the_receiving_hall_under_its_deadlines(
    actors, hall_a, hall_b, complaint, clock
):
    services.settings_update(
        actor=actors["manager_b"], hall=hall_b, answer_working_days={"complaint": 2}, ack_working_days=1
    )
    services.feedback_accept(actor=actors["manager_a"], item=complaint)
    services.feedback_assign(actor=actors["manager_a"], item=complaint, department="综合科")
    clock.advance(hours=1)
    item = services.feedback_transfer(
        actor=actors["manager_a"], item=complaint, to_hall_code="hall-b", reason="属乙区中心办理事项"
    )
    assert (item.hall, item.status, item.transferred_from, item.department) == (
        hall_b,
        "received",
        hall_a,
        "",
    )
    assert item.answer_due_at == calendar.add_working_days(hall_b, clock.now, 2)
    assert {e.hall_id for e in AuditEntry.objects.filter(action="feedback.transfer")} == {
        hall_a.pk,
        hall_b.pk,
    }
    assert not selectors.items_for_hall(hall=hall_a).exists()
    assert list(selectors.items_for_hall(hall=hall_b)) == [item]
    assert selectors.item_for_citizen(code=item.code, phone=PHONE).hall == hall_b
    services.feedback_accept(actor=actors["manager_b"], item=item)  # the receiving hall handles it


def test_transfer_is_refused_once_answered_to_the_same_hall_and_to_a_clerk(actors, hall_b, complaint):
    with pytest.raises(PermissionDenied):
        services.feedback_transfer(
            actor=actors["clerk_a"], item=complaint, to_hall_code="hall-b", reason="属乙区"
        )
    with pytest.raises(Invalid):
        services.feedback_transfer(
            actor=actors["manager_a"], item=complaint, to_hall_code="hall-a", reason="属乙区"
        )
    services.feedback_accept(actor=actors["manager_a"], item=complaint)
    services.feedback_answer(actor=actors["manager_a"], item=complaint, reply="已处理完毕。")
    with pytest.raises(Conflict):
        services.feedback_transfer(
            actor=actors["manager_a"], item=complaint, to_hall_code="hall-b", reason="属乙区"
        )
    assert FeedbackItem.objects.get(pk=complaint.pk).hall.code == "hall-a"


def test_the_staff_item_page_transfers_and_the_item_leaves_the_list(client, staff, hall_a, hall_b, complaint):
    client.force_login(staff["manager_a"])
    page = client.get(f"/staff/{hall_a.code}/feedback/{complaint.public_id}/").content.decode()
    assert 'data-step="transfer"' in page and "乙区政务服务中心" in page
    response = client.post(
        f"/staff/{hall_a.code}/feedback/{complaint.public_id}/",
        {"action": "transfer", "hall": "hall-b", "reason": "属乙区中心办理事项"},
    )
    assert response.status_code == 302 and response["Location"].endswith(f"/staff/{hall_a.code}/feedback/")
    assert complaint.code not in client.get(f"/staff/{hall_a.code}/feedback/").content.decode()
    client.force_login(staff["manager_b"])
    page = client.get(f"/staff/{hall_b.code}/feedback/{complaint.public_id}/").content.decode()
    assert 'id="fb-transferred"' in page and "甲区政务服务中心" in page


def test_the_api_transfers_with_409_on_an_illegal_step(api_as, actors, hall_b, complaint):
    manager = api_as("manager_a")
    body = {"hall": "hall-b", "reason": "属乙区中心办理事项"}
    status, out = manager.call("POST", f"feedback/{complaint.public_id}/transfer", body)
    assert status == 200 and out["status"] == "received" and out["transferred_from"] == "甲区政务服务中心"
    status, out = manager.call("POST", f"feedback/{complaint.public_id}/accept", {})
    assert status == 403  # it is hall B's now: hall A's manager no longer acts on it
    FeedbackItem.objects.filter(pk=complaint.pk).update(status="closed")
    status, out = api_as("manager_b").call(
        "POST", f"feedback/{complaint.public_id}/transfer", {**body, "hall": "hall-a"}
    )
    assert status == 409


def test_home_and_console_show_my_overdue_items_with_a_count_and_a_link(
    client, staff, actors, hall_a, complaint, clock, clerk_a2
):
    services.feedback_accept(actor=actors["manager_a"], item=complaint)
    services.feedback_assign(actor=actors["manager_a"], item=complaint, assignee_id=staff["clerk_a"].pk)
    link = f"/staff/{hall_a.code}/feedback/?overdue=1"
    client.force_login(staff["clerk_a"])
    assert 'data-overdue="0"' in client.get("/staff/").content.decode()
    clock.set(complaint.answer_due_at + datetime.timedelta(hours=1))
    for url in ("/staff/", f"/console/{hall_a.code}/"):
        html = client.get(url).content.decode()
        assert 'data-overdue="1"' in html and link in html, url
    client.force_login(clerk_a2)  # not theirs: assigned to another clerk
    assert 'data-overdue="1"' not in client.get("/staff/").content.decode()
