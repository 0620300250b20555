"""The feedback API contract: public submission (201 with id, code, status, track_url, due_at;
rate-limited), the citizen's view by code + mobile, staff actions with 409 on an illegal step, the
citizen's rating, and the public statistics without personal data."""

import pytest

from servicehall.feedback.models import FeedbackItem
from tests.feedback.conftest import PHONE

pytestmark = pytest.mark.django_db
BODY = {"type": "complaint", "subject": "window", "text": "三号窗口长时间无人", "phone": PHONE}


def test_a_citizen_leaves_a_complaint_and_follows_it(api_as, hall_a, clock):
    status, out = api_as(None).call("POST", f"halls/{hall_a.code}/feedback", BODY)
    assert status == 201, out
    assert set(out) == {"id", "code", "status", "track_url", "due_at"} and out["status"] == "received"
    assert out["track_url"].endswith(f"/feedback/track/?code={out['code']}")
    status, view = api_as(None).call("GET", f"feedback/{out['code']}?phone={PHONE}")
    assert status == 200 and view["status"] == "received" and "phone" not in view
    status, _ = api_as(None).call("GET", f"feedback/{out['code']}?phone=13900000000")
    assert status == 404


def test_staff_steps_and_an_illegal_one_is_409(api_as, hall_a, clock):
    _s, out = api_as(None).call("POST", f"halls/{hall_a.code}/feedback", BODY)
    manager = api_as("manager_a", language="en")
    status, payload = manager.call("POST", f"feedback/{out['id']}/answer", {"reply": "已处理"})
    assert status == 409 and payload["error"] == "illegal_transition"
    assert out["code"] in payload["message"]
    for action, body in [
        ("accept", {}),
        ("assign", {"department": "综合科"}),
        ("answer", {"reply": "已安排人员值守。"}),
    ]:
        status, payload = manager.call("POST", f"feedback/{out['id']}/{action}", body)
        assert status == 200, (action, payload)
    status, view = api_as(None).call(
        "POST", f"feedback/{out['code']}/rate", {"phone": PHONE, "rating": "satisfied"}
    )
    assert status == 200 and view["status"] == "closed"
    status, _ = api_as("clerk_a").call("POST", f"feedback/{out['id']}/reopen", {})
    assert status == 403
    assert manager.call("POST", f"feedback/{out['id']}/fly", {})[0] == 404


def test_public_submission_is_rate_limited_and_checks_fields(api_as, hall_a, clock):
    api = api_as(None)
    status, payload = api.call("POST", f"halls/{hall_a.code}/feedback", {**BODY, "text": "短"})
    assert status == 422 and "text" in payload["fields"]
    status, payload = api.call("POST", f"halls/{hall_a.code}/feedback", {**BODY, "channel": "hotline"})
    assert status == 422 and "channel" in payload["fields"]
    codes = [
        api.call("POST", f"halls/{hall_a.code}/feedback", {**BODY, "phone": ""} | {"type": "suggestion"})[0]
        for _ in range(6)
    ]
    assert codes[:5] == [201] * 5 and codes[5] == 429


def test_staff_enter_a_12345_transfer_with_its_number(api_as, hall_a, clock):
    body = {**BODY, "channel": "hotline", "external_no": "12345-20300306-0001"}
    status, out = api_as("clerk_a").call("POST", f"halls/{hall_a.code}/feedback", body)
    assert status == 201
    assert FeedbackItem.objects.get(code=out["code"]).external_no == "12345-20300306-0001"


def test_public_statistics_have_counts_and_no_personal_data(api_as, hall_a, clock):
    api_as(None).call("POST", f"halls/{hall_a.code}/feedback", BODY)
    status, stats = api_as(None).call("GET", f"halls/{hall_a.code}/feedback/statistics")
    assert status == 200 and stats["received"] == 1 and stats["by_type"]["complaint"] == 1
    assert PHONE not in str(stats) and "139****" not in str(stats)


def test_a_bad_ratings_comment_becomes_a_complaint_once(api_as, actors, hall_a, q, clock):
    from servicehall.quality.services import rating_submit
    from servicehall.queueing import services as queue

    q.issue()
    q.open("1")
    ticket = q.call_next("1")
    queue.ticket_start(actor=actors["clerk_a"], ticket=ticket)
    queue.ticket_complete(actor=actors["clerk_a"], ticket=ticket)
    rating = rating_submit(actor=actors["citizen"], ticket=ticket, level=1, comment="办事员一直在玩手机")
    assert api_as("clerk_a").call("POST", f"ratings/{rating.public_id}/complaint")[0] == 403
    status, out = api_as("evaluator_a").call("POST", f"ratings/{rating.public_id}/complaint")
    assert status == 201, out
    item = FeedbackItem.objects.get(code=out["code"])
    assert (item.type, item.channel, item.text, item.ticket_id) == (
        "complaint",
        "rating",
        rating.comment,
        ticket.pk,
    )
    assert item.phone_digest == ""
    status, payload = api_as("manager_a").call("POST", f"ratings/{rating.public_id}/complaint")
    assert status == 409 and payload["error"] == "already_a_complaint"
