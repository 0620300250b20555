"""The e-forms API: the contract's published form (404 when none), the manager's draft, a citizen's form
saved and resumed, the console's form of a ticket, and bad input answered 4xx with the fields."""

import pytest

from servicehall.eforms.models import FilledForm
from tests.eforms.conftest import GOOD, PHONE, definition

SB = "SB-001"


def form_path(hall, code=SB):
    return f"halls/{hall.code}/services/{code}/form"


def test_the_published_form_is_public_with_its_answers_schema(api_as, hall_a, published):
    status, body = api_as(None, language="en").call("GET", form_path(hall_a))
    assert status == 200
    assert body["version"] == 1 and body["status"] == "published" and body["item"] == SB
    assert body["definition"]["sections"][0]["fields"][0]["label"]["en"] == "Name"
    assert body["answers_schema"]["allOf"][0]["then"] == {"required": ["uscc"]}


def test_an_item_without_a_published_form_is_404(api_as, hall_a, published, items_a):
    assert api_as(None).call("GET", form_path(hall_a, "GJ-001"))[0] == 404
    assert api_as(None).call("GET", form_path(hall_a, "NOPE"))[0] == 404


def test_a_draft_is_not_public(api_as, hall_a, items_a, actors):
    from servicehall.eforms import services

    services.form_version_draft(actor=actors["manager_a"], item=items_a[SB])
    assert api_as(None).call("GET", form_path(hall_a))[0] == 404


def test_the_manager_edits_and_publishes_through_the_api(api_as, hall_a, items_a, clock):
    api = api_as("manager_a", language="en")
    status, body = api.call("PUT", form_path(hall_a) + "/draft", {"definition": definition(), "note": "v1"})
    assert status == 200 and body["status"] == "draft"
    bad = definition()
    bad["sections"][0]["fields"][1]["key"] = "name"
    status, body = api.call("PUT", form_path(hall_a) + "/draft", {"definition": bad})
    assert status == 422 and "name" in body["fields"]
    status, body = api.call("POST", form_path(hall_a) + "/publish")
    assert status == 200 and body["status"] == "published"
    assert api_as(None).call("GET", form_path(hall_a))[0] == 200


def test_a_citizen_saves_and_resumes_a_form(api_as, hall_a, published):
    api = api_as(None, language="en")
    status, body = api.call(
        "POST", form_path(hall_a).replace("/form", "/filled"), {"answers": GOOD, "mobile": PHONE}
    )
    assert status == 201 and body["status"] == "draft"
    code = body["code"]
    assert body["resume_url"].endswith(f"?code={code}")
    status, body = api.call("GET", f"filled-forms/{code}?mobile={PHONE}")
    assert status == 200 and body["answers"]["name"] == "张三"
    assert {"key": "name", "label": "Name", "value": "张三"} in body["labelled"]
    assert api.call("GET", f"filled-forms/{code}?mobile=13800000000")[0] == 404
    status, body = api.call(
        "PUT", f"filled-forms/{code}", {"answers": GOOD, "mobile": PHONE, "complete": True}
    )
    assert status == 200 and body["status"] == "complete"


@pytest.mark.parametrize(
    "answers",
    [
        {**GOOD, "name": "a\u0000b"},
        {**GOOD, "birthday": "0001-01-01"},
        {**GOOD, "birthday": "9999-12-31"},
        {**GOOD, "amount": 1e308},
        {**GOOD, "name": {"a": {"b": {"c": [1, [2, [3]]]}}}},
        {**GOOD, "name": "长" * 200_000},
        {**GOOD, "amount": "NaN"},
        {**GOOD, "for_company": ["yes"]},
    ],
)
def test_bad_answers_are_refused_with_4xx_and_nothing_saved(api_as, hall_a, published, answers):
    status, body = api_as(None, language="en").call(
        "POST", form_path(hall_a).replace("/form", "/filled"), {"answers": answers, "mobile": PHONE}
    )
    assert 400 <= status < 500, body
    assert not FilledForm.objects.exists()
    if status == 422:
        assert body["fields"]


@pytest.mark.parametrize("answers", [[], "text", 12, None])
def test_answers_that_are_not_an_object_are_422(api_as, hall_a, published, answers):
    status, _body = api_as(None).call(
        "POST", form_path(hall_a).replace("/form", "/filled"), {"answers": answers, "mobile": PHONE}
    )
    assert status == 422


def test_the_console_reads_and_links_the_form_of_a_ticket(api_as, hall_a, published, q):
    api = api_as(None)
    status, body = api.call(
        "POST", form_path(hall_a).replace("/form", "/filled"), {"answers": GOOD, "mobile": PHONE}
    )
    code = body["code"]
    ticket = q.issue(SB)
    clerk = api_as("clerk_a", language="en")
    status, body = clerk.call("GET", f"tickets/{ticket.public_id}/form")
    assert status == 200 and body["filled"] is None and body["has_form"] is True
    status, body = clerk.call("POST", f"tickets/{ticket.public_id}/form", {"code": code.lower()})
    assert status == 200 and body["filled"]["code"] == code
    assert body["pdf_url"].endswith(f"/filled/{code}.pdf")
    assert api_as("manager_b").call("GET", f"tickets/{ticket.public_id}/form")[0] == 403
    assert api_as("clerk_a").call("POST", f"tickets/{ticket.public_id}/form", {"code": "ZZZZZZZZ"})[0] == 404


def test_the_citizen_links_with_the_mobile_and_learns_nothing_else(api_as, hall_a, published, q):
    api = api_as(None)
    _status, body = api.call(
        "POST", form_path(hall_a).replace("/form", "/filled"), {"answers": GOOD, "mobile": PHONE}
    )
    ticket = q.issue(SB)
    path = f"tickets/{ticket.public_id}/form"
    assert api.call("POST", path, {"code": body["code"], "mobile": "13800000000"})[0] == 404
    status, linked = api.call("POST", path, {"code": body["code"], "mobile": PHONE})
    assert status == 200 and linked == {"ticket": ticket.public_id, "linked": True}
