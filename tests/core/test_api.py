"""The API's contract: error shape, languages, OpenAPI, and the public read endpoints."""

import datetime

import pytest
import time_machine

pytestmark = pytest.mark.django_db


def test_bad_input_is_a_422_json_error_with_field_messages_and_changes_nothing(api_as, hall_a):
    status, payload = api_as("manager_a").call(
        "POST", f"halls/{hall_a.code}/counters", {"number": "", "name": "x", "kind": "bogus"}
    )
    assert status == 422
    assert payload["error"] == "invalid"
    assert {"number", "kind"} <= set(payload["fields"])
    status, counters = api_as(None).call("GET", f"halls/{hall_a.code}/counters")
    assert [c["number"] for c in counters] == ["1", "2", "3"]


@pytest.mark.parametrize(
    "language,expected", [("zh-hans", "登录"), ("zh-hant", "登錄"), ("en", "Please sign in")]
)
def test_error_messages_speak_the_callers_language(api_as, hall_a, language, expected):
    status, payload = api_as(None, language=language).call("GET", f"halls/{hall_a.code}/audit")
    assert status == 401
    assert expected in payload["message"]


def test_an_unknown_hall_is_a_json_404(api_as):
    status, payload = api_as(None).call("GET", "halls/nowhere/services")
    assert status == 404
    assert payload["error"] == "hall_not_found"


def test_halls_and_counters_list_what_displays_and_kiosks_need(api_as, hall_a, hall_b):
    status, halls = api_as(None).call("GET", "halls")
    assert status == 200
    assert [h["code"] for h in halls] == ["hall-a", "hall-b"]
    assert halls[0]["name"] == "甲区政务服务中心"
    status, counters = api_as(None).call("GET", f"halls/{hall_a.code}/counters")
    assert {"id", "number", "name", "services"} <= set(counters[0])


def test_the_openapi_document_describes_the_contract(api_as):
    status, spec = api_as(None).call("GET", "openapi.json")
    assert status == 200
    for path in ("/api/v1/halls", "/api/v1/halls/{hall_code}/counters", "/api/v1/halls/{hall_code}/services"):
        assert path in spec["paths"]


def test_the_me_endpoint_lists_roles_per_hall(api_as):
    status, me = api_as("clerk_a").call("GET", "me")
    assert status == 200
    assert me["halls"] == {"hall-a": ["clerk"]}


def test_public_endpoints_are_rate_limited_per_address(api_as, hall_a, settings):
    settings.SERVICEHALL_PUBLIC_RATE_PER_MINUTE = 5
    api = api_as(None)
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, 0, 5, tzinfo=datetime.UTC), tick=False):
        statuses = [api.call("GET", f"halls/{hall_a.code}/services")[0] for _ in range(7)]
        assert statuses[:5] == [200] * 5
        assert statuses[5:] == [429, 429]
        assert api.call("GET", f"halls/{hall_a.code}/services")[1]["error"] == "rate_limited"
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, 1, 5, tzinfo=datetime.UTC), tick=False):
        assert api.call("GET", f"halls/{hall_a.code}/services")[0] == 200
    # staff with a token act for citizens and are not limited
    staff_api = api_as("clerk_a")
    assert all(staff_api.call("GET", f"halls/{hall_a.code}/services")[0] == 200 for _ in range(7))
