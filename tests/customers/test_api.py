"""The customers API contract: the per-record endpoints' permission matrix, the masked search, the
timeline, the erase 409 with reasons, and the console's "identify the citizen" with its history hint."""

import datetime

import pytest

from servicehall.customers import links, services
from servicehall.customers.models import Person
from servicehall.queueing import services as queue
from servicehall.queueing.choices import Outcome
from tests.customers.conftest import make_id

pytestmark = pytest.mark.django_db
MASKED = "320102********" + make_id()[-4:]

# (name, method, path under customers/{id}, body, roles of hall A that may call it)
RECORD_ENDPOINTS = [
    ("detail", "GET", "", None, {"manager", "clerk"}),
    ("timeline", "GET", "/timeline", None, {"manager", "clerk"}),
    ("reveal", "POST", "/reveal", {"reason": "核对身份信息"}, {"manager", "clerk"}),
    ("export", "POST", "/export", {"reason": "本人申请查阅"}, {"manager"}),
    ("erase", "POST", "/erase", {"reason": "本人申请删除"}, {"manager"}),
]
CALLERS = {
    "manager_a": "manager",
    "clerk_a": "clerk",
    "evaluator_a": "evaluator",
    "manager_b": None,
    "admin": "admin",
    None: None,
}


@pytest.mark.parametrize("caller", list(CALLERS), ids=lambda c: c or "anonymous")
@pytest.mark.parametrize("endpoint", RECORD_ENDPOINTS, ids=[e[0] for e in RECORD_ENDPOINTS])
def test_every_record_endpoint_answers_only_the_roles_of_its_hall(endpoint, caller, api_as, person):
    name, method, suffix, body, allowed = endpoint
    status, payload = api_as(caller).call(method, f"customers/{person.pk}{suffix}", body)
    role = CALLERS[caller]
    if role == "admin" or role in allowed:
        assert status == 200, (name, caller, payload)
    else:
        assert status == (401 if caller is None else 403), (name, caller, payload)


def test_search_answers_masked_matches_only(api_as, hall_a, person):
    status, rows = api_as("clerk_a").call("GET", f"halls/{hall_a.code}/customers?id_number={make_id()}")
    assert status == 200 and [r["id"] for r in rows] == [person.pk]
    assert rows[0]["id_number"] == MASKED and rows[0]["phone"] == "138****5678"
    assert "13812345678" not in str(rows) and make_id() not in str(rows)
    status, rows = api_as("clerk_a").call("GET", f"halls/{hall_a.code}/customers?phone=1381234")
    assert status == 200 and rows == []
    status, payload = api_as("clerk_a").call("GET", f"halls/{hall_a.code}/customers")
    assert status == 422 and "id_number" in payload["fields"]


def test_erase_answers_409_with_the_reasons_to_keep(api_as, person, monkeypatch):
    kind = links.LinkKind(name="case", move=lambda *a: 0, erase_block=lambda p: "案件材料须依法保存")
    monkeypatch.setitem(links.LINKS, "case", kind)
    status, payload = api_as("manager_a").call("POST", f"customers/{person.pk}/erase", {"reason": "本人申请"})
    assert status == 409 and payload["error"] == "must_keep"
    assert payload["fields"] == {"reasons": ["案件材料须依法保存"]}


def test_the_console_sees_a_returning_persons_history(api_as, actors, hall_a, q, clock):
    clerk = actors["clerk_a"]
    clock.at(10, days=-7)
    q.open("1")
    q.issue()
    old = queue.ticket_call_next(actor=clerk, counter=q.window("1"))
    services.ticket_citizen_identify(actor=clerk, ticket=old, id_number=make_id())
    queue.ticket_start(actor=clerk, ticket=old)
    queue.ticket_complete(actor=clerk, ticket=old, outcome=Outcome.MATERIALS_MISSING)
    queue.counter_close(actor=clerk, counter=q.window("1"))
    clock.at(9, 30)
    q.open("1")
    q.issue()
    today = queue.ticket_call_next(actor=clerk, counter=q.window("1"))
    api = api_as("clerk_a", language="en")
    status, before = api.call("GET", f"tickets/{today.public_id}/customer")
    assert status == 200 and before["customer"] is None
    status, data = api.call("POST", f"tickets/{today.public_id}/identify", {"id_number": make_id()})
    assert status == 200, data
    assert data["customer"]["id_number"] == MASKED
    assert data["hint"]["visits"] == 1 and data["hint"]["same_matter"] is True
    day = clock.now.date() - datetime.timedelta(days=7)
    assert data["hint"]["text"] == (
        f"Came 1 time, last on {day:%m-%d}, same matter (Materials missing: told what to bring)"
    )
    assert data["hint"]["repeat_within_window"] is True
    status, timeline = api.call("GET", f"customers/{data['customer']['id']}/timeline")
    assert [e["number"] for e in timeline] == [today.number, old.number]
    assert timeline[1]["outcome"] == "materials_missing" and timeline[1]["wait_seconds"] is not None


def test_identify_the_citizen_refuses_a_bad_number_beside_the_field(api_as, q, clock):
    ticket = q.issue()
    status, payload = api_as("clerk_a").call(
        "POST", f"tickets/{ticket.public_id}/identify", {"id_number": "123"}
    )
    assert status == 422 and "id_number" in payload["fields"]
    assert not Person.objects.exists()


def test_segment_statistics_show_repeat_visits_and_age_bands_without_personal_data(
    api_as, actors, hall_a, q, clock
):
    clerk = actors["clerk_a"]
    elder, _c = services.person_identify(actor=clerk, hall=hall_a, id_number=make_id(birth="19500101"))
    young, _c = services.person_identify(actor=clerk, hall=hall_a, id_number=make_id(birth="20000101"))
    for who in (elder, elder, young):  # the elder comes twice for the same matter
        services.ticket_citizen_identify(actor=clerk, ticket=q.issue(), id_number=crypto_id(who))
        clock.advance(minutes=30)
    q.issue()  # anonymous
    day = clock.now.date().isoformat()
    status, stats = api_as("manager_a").call(
        "GET", f"halls/{hall_a.code}/customers/statistics?date_from={day}&date_to={day}"
    )
    assert status == 200, stats
    assert (stats["visits"], stats["identified_visits"], stats["anonymous_visits"]) == (4, 3, 1)
    assert stats["people"] == 2 and stats["new_people"] == 2 and stats["repeat_visits"] == 1
    bands = {s["segment"]: s for s in stats["segments"]}
    assert bands["60+"]["visits"] == 2 and bands["60+"]["repeat_visit_pct"] == 50.0
    assert bands["18-34"]["people"] == 1 and bands["anonymous"]["visits"] == 1
    assert make_id(birth="19500101") not in str(stats)
    assert (
        api_as("clerk_a").call(
            "GET", f"halls/{hall_a.code}/customers/statistics?date_from={day}&date_to={day}"
        )[0]
        == 403
    )


def crypto_id(person):
    from servicehall.core import crypto

    return crypto.decrypt(person.id_encrypted)
