"""Feedback pages: the public form and the tracking page (code + mobile, rating), the staff list with
"my overdue items" and the item page whose buttons are the table's; the clerk complained about sees
"hidden" where the complainant's mobile would be."""

import datetime

import pytest

from servicehall.feedback import services
from servicehall.feedback.models import FeedbackItem
from tests.feedback.conftest import PHONE

pytestmark = pytest.mark.django_db


def test_the_public_form_takes_a_complaint_and_shows_the_code(client, hall_a, clock):
    response = client.post(
        f"/feedback/{hall_a.code}/",
        {"type": "complaint", "subject": "hall", "text": "空调坏了", "phone": PHONE},
    )
    item = FeedbackItem.objects.get()
    assert response.status_code == 200 and item.code in response.content.decode()
    html = client.post("/feedback/track/", {"code": item.code, "phone": PHONE}).content.decode()
    assert 'id="fb-status"' in html and PHONE not in html


def test_the_public_form_shows_errors_beside_the_fields(client, hall_a, clock):
    html = client.post(
        f"/feedback/{hall_a.code}/", {"type": "complaint", "subject": "hall", "text": "x"}
    ).content
    assert b"field-error" in html and not FeedbackItem.objects.exists()


def test_the_citizen_rates_an_answered_item_on_the_tracking_page(client, actors, complaint):
    services.feedback_accept(actor=actors["manager_a"], item=complaint)
    services.feedback_answer(actor=actors["manager_a"], item=complaint, reply="已修复")
    html = client.post("/feedback/track/", {"code": complaint.code, "phone": PHONE}).content.decode()
    assert "已修复" in html and 'name="rating"' in html
    client.post("/feedback/track/", {"code": complaint.code, "phone": PHONE, "rating": "satisfied"})
    assert FeedbackItem.objects.get(pk=complaint.pk).status == "closed"


def test_staff_list_shows_my_overdue_items_and_the_item_page_offers_the_tables_steps(
    client, staff, hall_a, complaint, clock
):
    client.force_login(staff["manager_a"])
    clock.set(complaint.answer_due_at + datetime.timedelta(hours=1))
    html = client.get(f"/staff/{hall_a.code}/feedback/?overdue=1").content.decode()
    assert complaint.code in html and "overdue" in html
    html = client.get(f"/staff/{hall_a.code}/feedback/{complaint.public_id}/").content.decode()
    assert 'data-step="accept"' in html and 'data-step="reject"' in html and 'data-step="answer"' not in html
    client.post(f"/staff/{hall_a.code}/feedback/{complaint.public_id}/", {"action": "accept"})
    assert FeedbackItem.objects.get(pk=complaint.pk).status == "accepted"


def test_the_clerk_complained_about_sees_hidden_instead_of_the_mobile(client, staff, actors, hall_a, q):
    q.issue()
    q.open("1")
    ticket = q.call_next("1")
    item = services.feedback_submit(
        actor=actors["citizen"],
        hall=hall_a,
        type="complaint",
        subject="clerk",
        text="态度差",
        phone=PHONE,
        ticket=ticket.public_id,
    )
    client.force_login(staff["clerk_a"])
    html = client.get(f"/staff/{hall_a.code}/feedback/{item.public_id}/").content.decode()
    assert "139****5678" not in html and ticket.number not in html
    client.force_login(staff["manager_a"])
    assert "139****5678" in client.get(f"/staff/{hall_a.code}/feedback/{item.public_id}/").content.decode()
