"""Proving the mobile: a 6-digit code texted through the outbox, stored as a digest, short-lived, a few
tries, resends rate-limited; the API's submission keeps its contract (the item is accepted, unverified);
an unverified number is texted nothing more; suggestions stay anonymous; staff entries are vouched for."""

import re

import pytest

from servicehall.core.errors import Conflict, Invalid, RateLimited
from servicehall.feedback import services, verification
from servicehall.feedback.models import FeedbackItem
from tests.conftest import sent_texts
from tests.feedback.conftest import PHONE

pytestmark = pytest.mark.django_db
BODY = {"type": "complaint", "subject": "window", "text": "三号窗口长时间无人", "phone": PHONE}


def _texted_code() -> str:
    return re.search(r"\b(\d{6})\b", sent_texts()[-1]["text"]).group(1)


def test_the_api_accepts_the_item_unverified_and_the_texted_code_proves_the_mobile(api_as, hall_a, clock):
    citizen = api_as(None)
    status, out = citizen.call("POST", f"halls/{hall_a.code}/feedback", BODY)
    assert status == 201 and set(out) == {"id", "code", "status", "track_url", "due_at"}
    otp = _texted_code()
    item = FeedbackItem.objects.get(code=out["code"])
    assert item.phone_verified_at is None and otp not in item.otp_digest and len(item.otp_digest) == 64
    _s, view = citizen.call("GET", f"feedback/{out['code']}?phone={PHONE}")
    assert view["phone_verified"] is False
    wrong = "000000" if otp != "000000" else "111111"
    status, payload = citizen.call("POST", f"feedback/{out['code']}/verify", {"phone": PHONE, "otp": wrong})
    assert status == 422 and "otp" in payload["fields"]
    status, view = citizen.call("POST", f"feedback/{out['code']}/verify", {"phone": PHONE, "otp": otp})
    assert status == 200 and view["phone_verified"] is True
    staff_view = api_as("manager_a").call("GET", f"feedback/{out['id']}")[1]
    assert staff_view["phone_verified"] is True


def test_the_code_expires_and_allows_only_a_few_tries(actors, hall_a, clock):
    item = services.feedback_submit(actor=actors["citizen"], hall=hall_a, **BODY)
    otp = _texted_code()
    for _ in range(verification.MAX_ATTEMPTS):
        with pytest.raises(Invalid):
            verification.feedback_verify_phone(
                actor=actors["citizen"], code=item.code, phone=PHONE, otp="99999x"
            )
    with pytest.raises(Conflict):  # the right code no longer works after the tries are used up
        verification.feedback_verify_phone(actor=actors["citizen"], code=item.code, phone=PHONE, otp=otp)
    clock.advance(minutes=2)
    verification.feedback_resend_code(actor=actors["citizen"], code=item.code, phone=PHONE)
    fresh = _texted_code()
    clock.advance(seconds=verification.CODE_TTL.total_seconds() + 1)
    with pytest.raises(Conflict):
        verification.feedback_verify_phone(actor=actors["citizen"], code=item.code, phone=PHONE, otp=fresh)


def test_resending_a_code_is_rate_limited_per_mobile(actors, hall_a, clock):
    item = services.feedback_submit(actor=actors["citizen"], hall=hall_a, **BODY)
    verification.feedback_resend_code(actor=actors["citizen"], code=item.code, phone=PHONE)
    with pytest.raises(RateLimited):
        verification.feedback_resend_code(actor=actors["citizen"], code=item.code, phone=PHONE)


def test_an_unverified_mobile_gets_no_answer_text_but_a_verified_one_does(actors, hall_a, clock):
    manager = actors["manager_a"]
    item = services.feedback_submit(actor=actors["citizen"], hall=hall_a, **BODY)
    services.feedback_accept(actor=manager, item=item)
    before = len(sent_texts())
    services.feedback_answer(actor=manager, item=item, reply="已安排人员值守。")
    assert len(sent_texts()) == before  # the one code text, nothing more
    other = services.feedback_submit(actor=actors["citizen"], hall=hall_a, **BODY)
    verification.feedback_verify_phone(
        actor=actors["citizen"], code=other.code, phone=PHONE, otp=_texted_code()
    )
    services.feedback_accept(actor=manager, item=other)
    before = len(sent_texts())
    services.feedback_answer(actor=manager, item=other, reply="已安排人员值守。")
    assert len(sent_texts()) == before + 1 and f"?code={other.code}" in sent_texts()[-1]["text"]


def test_a_suggestion_stays_anonymous_and_staff_entries_are_vouched_for(api_as, actors, hall_a, clock):
    status, out = api_as(None).call(
        "POST", f"halls/{hall_a.code}/feedback", {**BODY, "type": "suggestion", "phone": ""}
    )
    assert status == 201 and sent_texts() == []
    item = services.feedback_submit(
        actor=actors["manager_a"], hall=hall_a, channel="hotline", external_no="12345-1", **BODY
    )
    assert item.phone_verified_at is not None and not re.search(r"\b\d{6}\b", sent_texts()[-1]["text"])
    on_the_web = services.feedback_submit(actor=actors["manager_a"], hall=hall_a, **BODY)
    assert on_the_web.phone_verified_at is None


def test_the_phone_page_confirms_the_mobile_with_the_code(client, hall_a, clock):
    page = client.post(f"/feedback/{hall_a.code}/", {k: v for k, v in BODY.items()})
    assert b'id="fb-verify"' in page.content
    code = FeedbackItem.objects.get().code
    page = client.post("/feedback/track/", {"code": code, "phone": PHONE, "otp": "12345x"})
    html = page.content
    assert b'id="fb-view"' in html and b'id="v-otp"' in html and b"aria-invalid" in html
    page = client.post("/feedback/track/", {"code": code, "phone": PHONE, "otp": _texted_code()})
    assert (
        page.status_code == 200 and b'id="fb-verify"' not in page.content and b'id="fb-view"' in page.content
    )
    assert PHONE.encode() not in page.content
