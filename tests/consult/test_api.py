"""The assistant's API contract (``POST /halls/{hall}/assistant`` → ``{answer, sources, confident}``),
bad input refused with 422, the rate limit, and the consultation endpoints (open, read, staff answer)."""

import pytest

from servicehall.consult.models import Thread
from tests.consult.conftest import PHONE

pytestmark = pytest.mark.django_db
PASSPORT = "11350199MB0F34538T-XK-001"


def test_the_answer_has_the_contract_shape_and_names_the_item_by_code(api_as, knowledge):
    status, out = api_as(None).call(
        "POST", f"halls/{knowledge.code}/assistant", {"question": "办护照要多少钱", "lang": "zh-hans"}
    )
    assert status == 200, out
    assert set(out) == {"answer", "sources", "confident"} and out["confident"] is True
    assert out["sources"][0] == {"kind": "item", "id": PASSPORT, "title": "普通护照签发"}
    assert "120" in out["answer"]


def test_a_traditional_question_finds_the_simplified_item_and_answers_in_traditional(api_as, knowledge):
    status, out = api_as(None).call(
        "POST", f"halls/{knowledge.code}/assistant", {"question": "護照要帶什麼材料", "lang": "zh-hant"}
    )
    assert status == 200 and out["confident"]
    assert out["sources"][0]["id"] == PASSPORT and out["sources"][0]["title"] == "普通護照簽發"


def test_an_english_question_gets_an_english_answer(api_as, knowledge):
    status, out = api_as(None, language="en").call(
        "POST",
        f"halls/{knowledge.code}/assistant",
        {"question": "how long does a passport take", "lang": "en"},
    )
    assert status == 200 and out["confident"]
    assert out["sources"][-1] == {"kind": "item", "id": PASSPORT, "title": "Issuing an ordinary passport"}
    assert "working days" in out["answer"] or "Time limit" in out["answer"] or "urgent" in out["answer"]


def test_a_question_the_hall_cannot_answer_is_declined_with_a_person_offered(api_as, knowledge):
    status, out = api_as(None, language="en").call(
        "POST",
        f"halls/{knowledge.code}/assistant",
        {"question": "what is the weather tomorrow", "lang": "en"},
    )
    assert status == 200
    assert out["confident"] is False and out["sources"] == []
    assert "ask a person" in out["answer"].lower()


@pytest.mark.parametrize(
    "body",
    [
        {"question": "", "lang": "zh-hans"},
        {"question": "   ", "lang": "zh-hans"},
        {"question": "护" * 301, "lang": "zh-hans"},
        {"question": "护照\x00", "lang": "zh-hans"},
        {"question": 12, "lang": "zh-hans"},
        {"question": ["护照"], "lang": "zh-hans"},
        {"question": {"a": {"b": 1}}, "lang": "zh-hans"},
        {"question": "护照", "lang": "fr"},
        {"question": "护照", "lang": 1},
        {"question": "护照"},
        {"lang": "en"},
    ],
)
def test_bad_input_is_a_422_never_a_500(api_as, knowledge, body):
    """A NUL byte is refused by the site-wide guard (400 ``bad_input``) before the endpoint sees it."""
    status, out = api_as(None).call("POST", f"halls/{knowledge.code}/assistant", body)
    nul = "\x00" in str(body.get("question"))
    assert (status, out["error"]) == ((400, "bad_input") if nul else (422, "invalid")), out


def test_an_unknown_hall_is_a_404(api_as, knowledge):
    status, _out = api_as(None).call("POST", "halls/nowhere/assistant", {"question": "护照", "lang": "en"})
    assert status == 404


def test_the_assistant_is_rate_limited_per_address(api_as, knowledge):
    client = api_as(None)
    statuses = [
        client.call("POST", f"halls/{knowledge.code}/assistant", {"question": "护照", "lang": "zh-hans"})[0]
        for _ in range(32)
    ]
    assert statuses[:30] == [200] * 30 and statuses[-1] == 429


def test_a_citizen_opens_a_thread_staff_answer_and_the_citizen_reads_it(api_as, knowledge, clock):
    body = {"question": "护照照片能自己带吗", "phone": PHONE, "item": PASSPORT, "lang": "zh-hans"}
    status, out = api_as(None).call("POST", f"halls/{knowledge.code}/consultations", body)
    assert status == 201, out
    assert set(out) == {"code", "status", "track_url"} and out["status"] == "open"
    thread = Thread.objects.get(code=out["code"])
    assert PHONE not in thread.phone_encrypted and thread.phone_hint != PHONE
    clerk = api_as("clerk_a")
    status, view = clerk.call(
        "POST",
        f"halls/{knowledge.code}/consultations/{thread.public_id}/answer",
        {"text": "可以，白底证件照。"},
    )
    assert status == 200 and view["status"] == "answered", view
    status, view = api_as(None).call("GET", f"consultations/{out['code']}?phone={PHONE}")
    assert status == 200 and [m["author"] for m in view["messages"]] == ["citizen", "staff"]
    assert "phone" not in view
    status, _ = api_as(None).call("GET", f"consultations/{out['code']}?phone=13900000000")
    assert status == 404


def test_staff_of_another_hall_cannot_read_or_answer(api_as, knowledge, thread):
    clerk_b = api_as("clerk_b")
    status, _ = clerk_b.call("GET", f"halls/{knowledge.code}/consultations")
    assert status == 403
    status, _ = clerk_b.call(
        "POST", f"halls/{knowledge.code}/consultations/{thread.public_id}/answer", {"text": "不行"}
    )
    assert status == 403
    status, _ = api_as(None).call("GET", f"halls/{knowledge.code}/consultations")
    assert status in (401, 403)
