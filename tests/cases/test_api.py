"""The API contract: the application (201 shape, 422 with field errors, bad input of any kind a 4xx),
the citizen's progress (a wrong mobile is the same 404 as an unknown number; rate-limited; nothing
personal beyond the masked mobile), staff steps (409 on an illegal step, other halls refused), uploads."""

import pytest
from django.core.cache import cache

from servicehall.cases.models import Case
from tests.cases.conftest import LICENCE, OTHER_PHONE, PHONE, png

pytestmark = pytest.mark.django_db
BODY = {"service": LICENCE, "answers": {"company": "青山咖啡有限公司", "capital": 50}, "phone": PHONE}


def test_an_application_answers_201_with_the_contract_fields(api_as, hall_a, licence, clock):
    status, body = api_as(None).call("POST", f"halls/{hall_a.code}/applications", BODY)
    assert status == 201
    assert set(body) == {"id", "case_number", "status", "due_at", "track_url"}
    assert body["status"] == "submitted" and body["case_number"] in body["track_url"]
    case = Case.objects.get(public_id=body["id"])
    assert PHONE not in case.phone_encrypted and "青山" not in case.answers_encrypted  # encrypted at rest


@pytest.mark.parametrize(
    "change, field",
    [
        ({"phone": "12345"}, "phone"),
        ({"service": "NOPE"}, "service"),
        ({"answers": {"company": "x" * 600}}, "company"),
        ({"answers": {"nested": {"a": [1, 2]}}}, "nested"),
        ({"answers": {"n": 10**20}}, "n"),
        ({"id_number": "110101199003074478"}, "id_number"),  # wrong check character
        ({"answers": "not an object"}, "answers"),
    ],
)
def test_bad_applications_are_422_with_the_field_and_nothing_is_created(
    api_as, hall_a, licence, clock, change, field
):
    status, body = api_as(None, language="en").call(
        "POST", f"halls/{hall_a.code}/applications", {**BODY, **change}
    )
    assert status == 422 and body["error"] == "invalid"
    assert any(field[:10] in key for key in body["fields"]), body
    assert not Case.objects.exists()


def test_a_nul_byte_or_a_huge_body_is_a_4xx_never_a_500(api_as, hall_a, licence, clock):
    api = api_as(None)
    status, _body = api.call("POST", f"halls/{hall_a.code}/applications", raw='{"service": 1, "answers": [}')
    assert 400 <= status < 500
    for change in ({"phone": "1\x0023"}, {"answers": {"bad\x00key": "v"}}):
        status, _body = api.call("POST", f"halls/{hall_a.code}/applications", {**BODY, **change})
        assert 400 <= status < 500
    assert not Case.objects.exists()
    status, _body = api.call("POST", "halls/nowhere/applications", BODY)
    assert status == 404


def test_the_progress_query_refuses_a_wrong_mobile_exactly_as_an_unknown_number(api_as, online):
    api = api_as(None, language="en")
    good_status, good = api.call("GET", f"cases/{online.number}?phone={PHONE}")
    assert good_status == 200 and good["number"] == online.number and good["status"] == "submitted"
    assert good["phone"] == "139****5678" and "answers" not in good and "id_number" not in good
    wrong = api.call("GET", f"cases/{online.number}?phone={OTHER_PHONE}")
    unknown = api.call("GET", f"cases/20990101001{online.number[-4:]}?phone={PHONE}")
    assert wrong == unknown and wrong[0] == 404


def test_the_progress_query_is_rate_limited_per_case_number(api_as, online):
    cache.clear()
    api = api_as(None)
    statuses = [api.call("GET", f"cases/{online.number}?phone=1390000{n:04d}")[0] for n in range(12)]
    assert statuses[:10] == [404] * 10 and statuses[-1] == 429


def test_staff_steps_answer_the_staff_record_and_409_on_an_illegal_step(api_as, online):
    clerk, manager = api_as("clerk_a", language="en"), api_as("manager_a")
    status, body = clerk.call("POST", f"cases/{online.public_id}/approve", {})
    assert status == 403  # a clerk does not decide
    status, body = clerk.call("POST", f"cases/{online.public_id}/accept", {})
    assert status == 200 and body["status"] == "accepted"
    status, body = clerk.call("POST", f"cases/{online.public_id}/accept", {})
    assert status == 409 and body["error"] == "illegal_transition" and online.number in body["message"]
    status, body = clerk.call(
        "POST", f"cases/{online.public_id}/request-materials", {"missing": ["公司章程"]}
    )
    assert status == 200 and body["notice"] == ["公司章程"]
    status, body = manager.call("POST", f"cases/{online.public_id}/reject", {"reason": ""})
    assert status == 422 and "reason" in body["fields"]
    assert api_as("manager_b").call("POST", f"cases/{online.public_id}/close", {})[0] == 403
    assert api_as(None).call("POST", f"cases/{online.public_id}/close", {})[0] == 401
    assert clerk.call("POST", f"cases/{online.public_id}/explode", {})[0] == 404


def test_the_citizen_uploads_what_the_notice_asks_for_and_the_case_resumes(api_as, online, actors, client):
    from servicehall.cases import services

    case = services.case_accept(actor=actors["clerk_a"], case=online)
    services.case_request_materials(actor=actors["clerk_a"], case=case, missing=["公司章程"])
    status, body = api_as(None).call("GET", f"cases/{online.number}?phone={PHONE}")
    assert body["needed"]["missing"] == ["公司章程"] and body["can_upload"] and body["clock_paused"]
    response = client.post(f"/api/v1/cases/{online.number}/attachments", {"phone": PHONE, "files": [png()]})
    assert response.status_code == 201
    body = response.json()
    assert (
        body["status"] == "under_review" and body["needed"] is None and body["files"][0]["name"] == "scan.png"
    )
    again = client.post(f"/api/v1/cases/{online.number}/attachments", {"phone": PHONE, "files": [png()]})
    assert again.status_code == 409  # nothing is needed any more


def test_the_hall_list_is_for_its_staff(api_as, online, hall_a):
    status, rows = api_as("clerk_a").call("GET", f"halls/{hall_a.code}/cases")
    assert status == 200 and [r["number"] for r in rows] == [online.number]
    assert api_as("manager_b").call("GET", f"halls/{hall_a.code}/cases")[0] == 403
