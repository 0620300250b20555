"""The permission matrix: every API endpoint, every role, both halls. A clerk of hall A can do nothing in
hall B, a manager of hall B nothing in hall A, and anonymous callers only read public information."""

import contextlib

import pytest

from servicehall.catalog.models import ServiceItem
from servicehall.core.models import Counter

pytestmark = pytest.mark.django_db

ITEM = {
    "code": "T-001",
    "name": "测试事项",
    "department": "测试局",
    "category": "测试",
    "ticket_prefix": "T",
    "counters": ["1"],
}


FORM_DRAFT = {
    "definition": {
        "sections": [
            {
                "key": "a",
                "title": {"zh_hans": "申请人"},
                "fields": [{"key": "name", "type": "text", "label": {"zh_hans": "姓名"}, "required": True}],
            }
        ]
    }
}


def _counter(hall):
    return Counter.objects.get(hall=hall, number="1")


# (name, method, path template, body, roles of the target hall that may call it; "public" = anyone)
ENDPOINTS = [
    ("list halls", "GET", "halls", None, "public"),
    ("hall detail", "GET", "halls/{hall}", None, "public"),
    ("list counters", "GET", "halls/{hall}/counters", None, "public"),
    ("list inactive counters", "GET", "halls/{hall}/counters?include_inactive=true", None, {"manager"}),
    ("add counter", "POST", "halls/{hall}/counters", {"number": "{unique}", "name": "新窗口"}, {"manager"}),
    ("change counter", "PATCH", "counters/{counter}", {"name": "改名窗口"}, {"manager"}),
    ("audit trail", "GET", "halls/{hall}/audit", None, {"manager"}),
    ("list services", "GET", "halls/{hall}/services", None, "public"),
    ("save service", "PUT", "halls/{hall}/services/T-001", ITEM, {"manager"}),
    ("export catalogue", "GET", "halls/{hall}/catalog/export", None, {"manager", "clerk", "evaluator"}),
    ("import catalogue", "POST", "halls/{hall}/catalog/import?format=json", {"items": [ITEM]}, {"manager"}),
    # The queue (issue 3). {ticket} is a ticket prepared in the state QUEUE_SETUP names.
    (
        "take a number at the counter",
        "POST",
        "halls/{hall}/tickets",
        {"service": "Q-001", "channel": "counter"},
        {"manager", "clerk"},
    ),
    ("follow a ticket", "GET", "tickets/{ticket}", None, "public"),
    ("queue summary", "GET", "halls/{hall}/queue", None, "public"),
    ("open counter", "POST", "counters/{counter}/open", None, {"manager", "clerk"}),
    ("close counter", "POST", "counters/{counter}/close", None, {"manager", "clerk"}),
    ("pause counter", "POST", "counters/{counter}/pause", {"reason": "休息"}, {"manager", "clerk"}),
    ("unpause counter", "POST", "counters/{counter}/unpause", None, {"manager", "clerk"}),
    ("counter state", "GET", "counters/{counter}/state", None, {"manager", "clerk"}),
    ("call next", "POST", "counters/{counter}/call-next", None, {"manager", "clerk"}),
    ("call a ticket", "POST", "tickets/{ticket}/call", {"counter": "{counter}"}, {"manager", "clerk"}),
    ("recall a ticket", "POST", "tickets/{ticket}/recall", None, {"manager", "clerk"}),
    ("start service", "POST", "tickets/{ticket}/start", None, {"manager", "clerk"}),
    ("complete service", "POST", "tickets/{ticket}/complete", {"outcome": "done"}, {"manager", "clerk"}),
    ("mark a no-show", "POST", "tickets/{ticket}/no-show", None, {"manager", "clerk"}),
    ("reactivate a no-show", "POST", "tickets/{ticket}/reactivate", None, {"manager", "clerk"}),
    (
        "transfer a ticket",
        "POST",
        "tickets/{ticket}/transfer",
        {"service": "Q-001", "note": "转"},
        {"manager", "clerk"},
    ),
    ("park a ticket", "POST", "tickets/{ticket}/park", {"note": "填表"}, {"manager", "clerk"}),
    ("resume a ticket", "POST", "tickets/{ticket}/resume", None, {"manager", "clerk"}),
    ("cancel a waiting ticket", "POST", "tickets/{ticket}/cancel", {"reason": ""}, "public"),
    ("read queue settings", "GET", "halls/{hall}/queue/settings", None, {"manager"}),
    ("change queue settings", "PATCH", "halls/{hall}/queue/settings", {"recall_limit": 3}, {"manager"}),
    ("counter services", "GET", "counters/{counter}/services", None, "public"),
    # Appointments (issue 13 item 2): public holds that lapsed, per address.
    ("expired holds per address", "GET", "halls/{hall}/appointments/expired-holds", None, {"manager"}),
    # Customer records (issue 15): per-record endpoints have their own matrix in tests/customers/test_api.py.
    ("find customers", "GET", "halls/{hall}/customers?phone=13812345678", None, {"manager", "clerk"}),
    ("identify a person", "POST", "halls/{hall}/customers", {"phone": "13812345678"}, {"manager", "clerk"}),
    (
        "identify the citizen",
        "POST",
        "tickets/{ticket}/identify",
        {"phone": "13812345678"},
        {"manager", "clerk"},
    ),
    ("a ticket's customer", "GET", "tickets/{ticket}/customer", None, {"manager", "clerk"}),
    ("leave feedback", "POST", "halls/{hall}/feedback", {"type": "suggestion", "text": "建议"}, "public"),
    ("the hall's feedback", "GET", "halls/{hall}/feedback", None, {"manager", "clerk"}),
    ("feedback statistics", "GET", "halls/{hall}/feedback/statistics", None, "public"),
    # Online consultation (issue 16): thread actions have their own tests in tests/consult/test_api.py.
    (
        "ask the assistant",
        "POST",
        "halls/{hall}/assistant",
        {"question": "护照", "lang": "zh-hans"},
        "public",
    ),
    ("the FAQ", "GET", "halls/{hall}/faq", None, "public"),
    ("the hall's consultations", "GET", "halls/{hall}/consultations", None, {"manager", "clerk"}),
    (
        "add an FAQ entry",
        "POST",
        "halls/{hall}/faq",
        {"question": "能停车吗？", "answer": "有停车场。"},
        {"manager"},
    ),
    (
        "set counter services",
        "PUT",
        "counters/{counter}/services",
        [{"service": "Q-001", "order": 1}],
        {"manager"},
    ),
    # Hall navigation (issue 14): the map is put as an IMDF zip (bytes); reads need a published map.
    ("put the map", "PUT", "halls/{hall}/map", "imdf", {"manager"}),
    ("read the map", "GET", "halls/{hall}/map", None, "public"),
    ("export the map", "GET", "halls/{hall}/map.imdf", None, "public"),
    ("route to a window", "GET", "halls/{hall}/route?from=entrance&to=counter:1", None, "public"),
    # Operating guides (issue 17): {ticket} carries the procedure's id (see _prepare_guides).
    (
        "operating guide of an item",
        "GET",
        "halls/{hall}/services/Q-001/guide",
        None,
        {"manager", "clerk", "evaluator"},
    ),
    (
        "log a procedure use",
        "POST",
        "halls/{hall}/procedures/{ticket}/uses",
        {"happened": "断网"},
        {"manager", "clerk"},
    ),
    # Operations analytics (issue 18). The Erlang C calculator is open to the staff of any hall
    # (tests/analytics/test_api.py), which this matrix of hall roles does not model.
    ("arrival forecast", "GET", "halls/{hall}/forecast", None, {"manager"}),
    ("staffing for a day", "GET", "halls/{hall}/staffing", None, {"manager"}),
    ("run a what-if simulation", "POST", "halls/{hall}/simulations", {"replications": 2}, {"manager"}),
    # Electronic forms (issue 16): the manager's draft and publishing, the console's form of a ticket.
    ("a form's draft", "GET", "halls/{hall}/services/Q-001/form/draft", None, {"manager"}),
    ("save a form's draft", "PUT", "halls/{hall}/services/Q-001/form/draft", FORM_DRAFT, {"manager"}),
    ("publish a form", "POST", "halls/{hall}/services/Q-001/form/publish", None, {"manager"}),
    ("the form of a ticket", "GET", "tickets/{ticket}/form", None, {"manager", "clerk"}),
    ("the effect of forms", "GET", "halls/{hall}/forms/effect", None, {"manager"}),
    # Cases (issue 16): {ticket} is a case's id for the case endpoints (CASE_SETUP), a called ticket for
    # "case for a ticket".
    (
        "apply for a service",
        "POST",
        "halls/{hall}/applications",
        {"service": "Q-001", "answers": {"note": "x"}, "phone": "13812345678"},
        "public",
    ),
    ("the hall's cases", "GET", "halls/{hall}/cases", None, {"manager", "clerk"}),
    ("a case (staff)", "GET", "cases/{ticket}", None, {"manager", "clerk"}),
    ("accept a case", "POST", "cases/{ticket}/accept", {}, {"manager", "clerk"}),
    ("approve a case", "POST", "cases/{ticket}/approve", {}, {"manager"}),
    ("case for a ticket", "POST", "tickets/{ticket}/case", {"phone": "13812345678"}, {"manager", "clerk"}),
    # Staff (issue 17): a clerk's skills, the weekly rota.
    ("a clerk's skills", "GET", "halls/{hall}/staff/clerk_a/skills", None, {"manager"}),
    ("replace a clerk's skills", "PUT", "halls/{hall}/staff/clerk_a/skills", [], {"manager"}),
    ("the week's rota", "GET", "halls/{hall}/rota?week=2030-W10", None, {"manager", "clerk"}),
    ("replace the week's rota", "PUT", "halls/{hall}/rota?week=2030-W10", [], {"manager"}),
    ("transfer targets", "GET", "halls/{hall}/transfer-targets", None, {"manager", "clerk"}),
    # Training (issue 17): exams and attempts have their own matrix in tests/training/test_api.py.
    ("a clerk's progress", "GET", "halls/{hall}/staff/clerk_a/progress", None, {"manager", "clerk"}),
    ("the hall's courses", "GET", "halls/{hall}/courses", None, {"manager", "clerk"}),
]
GUIDE_SETUP = {"operating guide of an item", "log a procedure use"}
# Case endpoints: name -> the state the case is moved to first ("submitted" or "accepted").
CASE_SETUP = {"a case (staff)": "submitted", "accept a case": "submitted", "approve a case": "accepted"}
NAV_READS = {"read the map", "export the map", "route to a window"}
# Queue endpoints need a catalogue item, and some a ticket in a state (moved there by clerk_a at window 1)
# or the caller signed in at window 1 first: name -> (ticket state or None, caller signs in first).
QUEUE_SETUP = {
    "take a number at the counter": (None, False),
    "follow a ticket": ("waiting", False),
    "close counter": (None, True),
    "pause counter": (None, True),
    "unpause counter": (None, True),
    "call next": (None, True),
    "call a ticket": ("waiting", True),
    "recall a ticket": ("called", False),
    "start service": ("called", False),
    "complete service": ("serving", False),
    "mark a no-show": ("recalled", False),
    "reactivate a no-show": ("no_show", False),
    "transfer a ticket": ("called", False),
    "park a ticket": ("serving", False),
    "resume a ticket": ("parked", False),
    "cancel a waiting ticket": ("waiting", False),
    "set counter services": (None, False),
    "identify the citizen": ("called", False),
    "a ticket's customer": ("called", False),
    "a form's draft": (None, False),
    "save a form's draft": (None, False),
    "publish a form": (None, False),
    "the form of a ticket": ("called", False),
    "apply for a service": (None, False),
    "case for a ticket": ("called", False),
}
CALLERS = {
    # caller: (role in hall A or None, role in hall B or None)
    "manager_a": ("manager", None),
    "clerk_a": ("clerk", None),
    "evaluator_a": ("evaluator", None),
    "manager_b": (None, "manager"),
    "clerk_b": (None, "clerk"),
    "admin": ("admin", "admin"),
    None: (None, None),
}


def _fill(value, hall, counter, unique, ticket=""):
    if isinstance(value, str):
        return value.format(hall=hall.code, counter=counter.pk, unique=unique, ticket=ticket)
    if isinstance(value, dict):
        return {k: _fill(v, hall, counter, unique, ticket) for k, v in value.items()}
    return value


def _prepare_queue(name, caller, staff, admin_actor, hall, counter) -> str:
    """Build what a queue endpoint acts on, through the services; returns the ticket's public id or ""."""
    from servicehall.catalog.services import item_save
    from servicehall.core.actors import Actor
    from servicehall.core.errors import DomainError
    from servicehall.queueing import services as queue

    state, caller_signs_in = QUEUE_SETUP.get(name, (None, False))
    item_save(actor=admin_actor, hall=hall, data={**ITEM, "code": "Q-001", "ticket_prefix": "Q"})
    public_id = ""
    if state is not None:
        clerk = Actor(user=staff["clerk_a"])
        ticket = queue.ticket_issue(actor=clerk, hall=hall, service_code="Q-001")
        public_id = ticket.public_id
        if state != "waiting":
            queue.counter_open(actor=clerk, counter=counter)
            queue.ticket_call_next(actor=clerk, counter=counter)
            if state in ("recalled", "no_show"):
                for _ in range(2):
                    queue.ticket_recall(actor=clerk, ticket=ticket)
            if state == "no_show":
                queue.ticket_no_show(actor=clerk, ticket=ticket)
            if state in ("serving", "parked"):
                queue.ticket_start(actor=clerk, ticket=ticket)
            if state == "parked":
                queue.ticket_park(actor=clerk, ticket=ticket)
    if caller_signs_in and caller is not None:
        with contextlib.suppress(DomainError):  # a caller who may not sign in here must be refused below too
            queue.counter_open(actor=Actor(user=staff[caller]), counter=counter)
    return public_id


def _prepare_guides(admin_actor, hall) -> str:
    """A published guide for Q-001 and a procedure; returns the procedure's id."""
    from servicehall.catalog.services import item_save
    from servicehall.guides import services as guides

    item = item_save(actor=admin_actor, hall=hall, data={**ITEM, "code": "Q-001", "ticket_prefix": "Q"})
    draft = guides.guide_draft_start(actor=admin_actor, item=item)
    guides.guide_draft_save(actor=admin_actor, guide=draft, data={"steps": ["核验身份"]})
    guides.guide_publish(actor=admin_actor, guide=draft)
    data = {"code": "manual-calling", "title": "系统故障时手工叫号", "steps": ["启用纸质号票"]}
    return str(guides.procedure_save(actor=admin_actor, hall=hall, data=data).pk)


def _prepare_case(name, staff, admin_actor, hall) -> str:
    """An online application for Q-001 (accepted by clerk_a when CASE_SETUP says so); its id."""
    from servicehall.cases import services as cases
    from servicehall.catalog.services import item_save
    from servicehall.core.actors import Actor

    item_save(actor=admin_actor, hall=hall, data={**ITEM, "code": "Q-001", "ticket_prefix": "Q"})
    case = cases.application_submit(
        actor=Actor(ip="10.0.0.9"), hall=hall, service="Q-001", answers={}, phone="13812345678"
    )
    if CASE_SETUP[name] == "accepted":
        case = cases.case_accept(actor=Actor(user=staff["clerk_a"]), case=case)
    return case.public_id


def _publish_map(admin_actor, hall) -> None:
    from servicehall.navigation.services import map_import
    from tests.navigation.imdf_files import archive

    map_import(actor=admin_actor, hall=hall, data=archive())


@pytest.mark.parametrize("caller", list(CALLERS), ids=lambda c: c or "anonymous")
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[e[0] for e in ENDPOINTS])
def test_every_endpoint_answers_only_the_roles_of_its_own_hall(
    endpoint, caller, api_as, hall_a, hall_b, staff, admin_actor
):
    name, method, path, body, allowed = endpoint
    api = api_as(caller)
    role_a, _role_b = CALLERS[caller]
    counter = _counter(hall_a)
    ticket = _prepare_queue(name, caller, staff, admin_actor, hall_a, counter) if name in QUEUE_SETUP else ""
    if name in CASE_SETUP:
        ticket = _prepare_case(name, staff, admin_actor, hall_a)
    if name in NAV_READS:
        _publish_map(admin_actor, hall_a)
    if name in GUIDE_SETUP:
        ticket = _prepare_guides(admin_actor, hall_a)
    if body == "imdf":
        from tests.navigation.imdf_files import archive

        status, payload = api.call(
            method, _fill(path, hall_a, counter, "9"), content_type="application/zip", raw=archive()
        )
    else:
        status, payload = api.call(
            method, _fill(path, hall_a, counter, "9", ticket), _fill(body, hall_a, counter, "9", ticket)
        )
    if allowed == "public" or role_a == "admin" or role_a in allowed:
        assert 200 <= status < 300, (name, caller, status, payload)
    elif caller is None:
        assert status == 401, (name, status, payload)
        assert payload["error"] == "not_authenticated"
    else:
        assert status == 403, (name, caller, status, payload)
        assert payload["error"] == "forbidden"
        assert payload["message"]


def test_a_refused_write_changes_nothing(api_as, hall_a):
    counter = _counter(hall_a)
    status, _ = api_as("manager_b").call("PATCH", f"counters/{counter.pk}", {"name": "越权改名"})
    assert status == 403
    counter.refresh_from_db()
    assert counter.name == "1号窗口"
    status, _ = api_as("clerk_a").call("PUT", f"halls/{hall_a.code}/services/T-001", ITEM)
    assert status == 403
    assert not ServiceItem.objects.filter(code="T-001").exists()


def test_a_device_token_is_not_a_staff_account(kiosk_token, hall_a):
    from tests.conftest import ApiClient

    device = ApiClient(kiosk_token)
    assert device.call("GET", f"halls/{hall_a.code}/services")[0] == 200
    status, payload = device.call("PATCH", f"counters/{_counter(hall_a).pk}", {"name": "x"})
    assert status == 401
    assert payload["error"] == "not_authenticated"


def test_an_invalid_or_revoked_token_is_refused_with_a_clear_error(api_as, hall_a):
    from servicehall.core.models import ApiToken
    from tests.conftest import ApiClient

    status, payload = ApiClient("sht_not-a-real-token").call("GET", "halls")
    assert status == 401
    assert payload["error"] == "invalid_token"
    api = api_as("manager_a")
    assert api.call("GET", f"halls/{hall_a.code}/audit")[0] == 200
    ApiToken.objects.update(revoked_at="2026-01-01T00:00:00Z")
    assert api.call("GET", f"halls/{hall_a.code}/audit")[0] == 401


def test_session_writes_need_the_csrf_token(staff, hall_a):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(staff["manager_a"])
    response = client.patch(
        f"/api/v1/counters/{_counter(hall_a).pk}", data='{"name": "x"}', content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json()["error"] == "csrf_failed"
    assert client.get(f"/api/v1/halls/{hall_a.code}/audit").status_code == 200


@pytest.mark.parametrize("caller,expected", [("manager_a", 200), ("clerk_a", 403), ("manager_b", 403)])
def test_the_audit_page_is_for_managers_of_that_hall(client, staff, hall_a, caller, expected):
    client.force_login(staff[caller])
    assert client.get(f"/staff/{hall_a.code}/audit/").status_code == expected


def test_the_audit_page_sends_anonymous_visitors_to_sign_in(client, hall_a):
    response = client.get(f"/staff/{hall_a.code}/audit/")
    assert response.status_code == 302
    assert "/login/" in response["Location"]
