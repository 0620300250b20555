"""The staff API contract: skills list/replace and the weekly rota, with 403/404/409/422 as specified and
nothing changed by a refused request."""

import pytest

from servicehall.core.models import AuditEntry
from servicehall.staff.models import RotaEntry, Skill

SKILLS = "halls/hall-a/staff/clerk_a/skills"
ROTA = "halls/hall-a/rota?week=2030-W10"  # Monday 2030-03-04


def test_manager_replaces_and_lists_skills(api_as, items_a):
    api = api_as("manager_a", language="en")
    status, body = api.call(
        "PUT",
        SKILLS,
        [{"service": "SB-001", "level": "qualified"}, {"service": "GJ-001", "level": "learning"}],
    )
    assert status == 200, body
    assert {(s["service"], s["level"]) for s in body} == {("SB-001", "qualified"), ("GJ-001", "learning")}
    status, body = api.call("PUT", SKILLS, [{"service": "GJ-001", "level": "expert"}])
    assert status == 200 and [(s["service"], s["level"], s["granted_by"]) for s in body] == [
        ("GJ-001", "expert", "manager_a")
    ]
    status, body = api.call("GET", SKILLS)
    assert status == 200 and [s["service"] for s in body] == ["GJ-001"]
    assert AuditEntry.objects.filter(action="staff.skills").count() == 2


@pytest.mark.parametrize(
    "payload, field",
    [
        ([{"service": "NOPE", "level": "qualified"}], "0.service"),
        ([{"service": "SB-001", "level": "guru"}], "0.level"),
        ([{"service": "SB-001", "level": "expert"}, {"service": "SB-001", "level": "expert"}], "skills"),
        ([{"service": "SB-001"}], "0.level"),
        ({"service": "SB-001", "level": "expert"}, None),
        ([{"service": "SB\u0000", "level": "expert"}], None),
    ],
)
def test_bad_skills_are_422_and_change_nothing(api_as, items_a, payload, field):
    api = api_as("manager_a", language="en")
    api.call("PUT", SKILLS, [{"service": "HJ-001", "level": "qualified"}])
    status, body = api.call("PUT", SKILLS, payload)
    assert status in (400, 422), body
    if field:
        assert field in body["fields"], body
    assert list(Skill.objects.values_list("item__code", "level")) == [("HJ-001", "qualified")]


def test_who_may(api_as, items_a):
    for who, expected in (("clerk_a", 403), ("evaluator_a", 403), ("manager_b", 403), (None, 401)):
        status, _body = api_as(who).call("GET", SKILLS)
        assert status == expected, who
        status, _body = api_as(who).call("PUT", SKILLS, [])
        assert status == expected, who
    status, body = api_as("manager_a").call("GET", "halls/hall-a/staff/clerk_b/skills")
    assert status == 404 and body["error"] == "unknown_staff"
    status, _body = api_as("manager_a").call("GET", "halls/hall-a/staff/nobody/skills")
    assert status == 404
    status, _body = api_as("manager_a").call("GET", "halls/no-hall/staff/clerk_a/skills")
    assert status == 404


def test_rota_replace_and_read(api_as, items_a, clerk_a2):
    api = api_as("manager_a", language="en")
    week = [
        {"user": "clerk_a", "date": "2030-03-04", "half": "am", "kind": "work", "counter": "1"},
        {"user": "clerk_a2", "date": "2030-03-04", "half": "am", "kind": "work", "counter": "2"},
        {"user": "clerk_a2", "date": "2030-03-04", "half": "pm", "kind": "leave"},
    ]
    status, body = api.call("PUT", ROTA, week)
    assert status == 200, body
    assert body["week"] == "2030-W10" and body["start"] == "2030-03-04" and body["end"] == "2030-03-10"
    assert [(e["user"], e["half"], e["counter"]) for e in body["entries"]] == [
        ("clerk_a", "am", "1"),
        ("clerk_a2", "am", "2"),
        ("clerk_a2", "pm", None),
    ]
    status, body = api_as("clerk_a").call("GET", ROTA)
    assert status == 200 and len(body["entries"]) == 3
    assert api_as("clerk_a").call("PUT", ROTA, [])[0] == 403
    assert api_as("manager_b").call("GET", ROTA)[0] == 403


@pytest.mark.parametrize(
    "row, status, field",
    [
        ({"user": "clerk_a2", "date": "2030-03-04", "half": "am", "counter": "1"}, 409, "1.counter"),
        ({"user": "clerk_a", "date": "2030-03-04", "half": "am", "counter": "2"}, 422, "1.user"),
        ({"user": "clerk_a2", "date": "2030-03-11", "half": "am", "counter": "2"}, 422, "1.date"),
        ({"user": "clerk_b", "date": "2030-03-05", "half": "am", "counter": "2"}, 422, "1.user"),
        ({"user": "clerk_a2", "date": "2030-03-05", "half": "noon", "counter": "2"}, 422, "1.half"),
        ({"user": "clerk_a2", "date": "2030-03-05", "half": "am", "counter": "99"}, 422, "1.counter"),
        (
            {"user": "clerk_a2", "date": "2030-03-05", "half": "am", "kind": "leave", "counter": "2"},
            422,
            "1.counter",
        ),
        ({"user": "clerk_a2", "date": "9999-03-05", "half": "am", "counter": "2"}, 422, "1.date"),
    ],
)
def test_bad_rota_changes_nothing(api_as, items_a, clerk_a2, row, status, field):
    api = api_as("manager_a", language="en")
    first = {"user": "clerk_a", "date": "2030-03-04", "half": "am", "counter": "1"}
    assert api.call("PUT", ROTA, [first])[0] == 200
    got, body = api.call("PUT", ROTA, [first, row])
    assert got in (status, 400), body
    if got == status:
        assert field in body["fields"], body
    assert list(RotaEntry.objects.values_list("user__username", "counter__number")) == [("clerk_a", "1")]


@pytest.mark.parametrize("week", ["", "2030-10", "2030-W54", "1999-W01", "2030-W00", "x" * 500])
def test_bad_week_is_422(api_as, week):
    status, body = api_as("manager_a").call("GET", f"halls/hall-a/rota?week={week}")
    assert status == 422 and "week" in body["fields"]


def test_transfer_targets_say_what_each_open_windows_clerk_may_serve(api_as, q, clock, grant, clerk_a2):
    api = api_as("clerk_a")
    q.open("1")
    assert api.call("GET", "halls/hall-a/transfer-targets")[1]["enforced"] is False
    grant("clerk_a", "SB-001")
    q.open("2", by="clerk_a2")
    status, body = api.call("GET", "halls/hall-a/transfer-targets")
    assert status == 200 and body["enforced"] is True
    windows = {int(k): v for k, v in body["windows"].items()}
    assert windows == {q.window("1").pk: ["SB-001"], q.window("2").pk: []}
