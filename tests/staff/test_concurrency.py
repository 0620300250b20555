"""Skills under real concurrency: ``servicehall serve`` in its own process and six clerks of one hall
pressing call-next at the same time from their own threads (on PostgreSQL with
``SERVICEHALL_DATABASE_URL``: the ``FOR UPDATE SKIP LOCKED`` path). Two clerks are qualified for every
service, two only for 社保, one is learning everything (the hall lets learners serve nothing), one has no
skill at all. Afterwards: every ticket was called exactly once, each by a clerk qualified for its
service, and the learner and the clerk without skills were never handed one."""

import threading

import httpx
import pytest
from django.contrib.auth import get_user_model

from servicehall.catalog.models import ServiceItem
from servicehall.core.actors import Actor
from servicehall.queueing import services as queue
from servicehall.queueing.models import Ticket
from servicehall.staff import services
from tests.serverproc import load_hall_create

pytestmark = pytest.mark.slow

COUNTERS = 6
TICKETS = 45
WAIT_SECONDS = 120
SKILLS = {  # desk index → {service code: level}
    0: {"SB-001": "qualified", "GJ-001": "expert", "HJ-001": "qualified"},
    1: {"SB-001": "expert", "GJ-001": "qualified", "HJ-001": "qualified"},
    2: {"SB-001": "qualified"},
    3: {"SB-001": "qualified"},
    4: {"SB-001": "learning", "GJ-001": "learning", "HJ-001": "learning"},
    5: {},
}


@pytest.fixture
def load_hall(transactional_db):
    return load_hall_create(counters=COUNTERS, code="skill-hall")


@pytest.fixture
def server_data(load_hall):
    return load_hall


def _prepare(load_hall) -> dict[int, set[str]]:
    hall = load_hall.hall
    admin = Actor(user=get_user_model().objects.get(username="skill-hall-root"))
    users = get_user_model().objects
    qualified = {}
    for index, desk in enumerate(load_hall.desks):
        clerk = users.get(pk=desk.clerk_id)
        for code, level in SKILLS[index].items():
            item = ServiceItem.objects.get(hall=hall, code=code)
            services.skill_set(actor=admin, hall=hall, user=clerk, item=item, level=level)
        qualified[desk.clerk_id] = {c for c, lv in SKILLS[index].items() if lv != "learning"}
    kiosk = Actor(user=admin.user)
    codes = ["SB-001", "GJ-001", "HJ-001"]
    for n in range(TICKETS):
        queue.ticket_issue(actor=kiosk, hall=hall, service_code=codes[n % 3])
    return qualified


def test_call_next_never_hands_a_ticket_to_an_unqualified_clerk(server, load_hall):
    qualified = _prepare(load_hall)
    start = threading.Barrier(COUNTERS, timeout=WAIT_SECONDS)
    drained = threading.Event()
    called: dict[int, list[tuple[str, str]]] = {d.clerk_id: [] for d in load_hall.desks}
    problems: list[str] = []
    able = [d for i, d in enumerate(load_hall.desks) if SKILLS[i] and i != 4]
    finished = threading.Barrier(len(able), action=drained.set, timeout=WAIT_SECONDS)

    def serve_at(desk) -> None:
        base = f"/api/v1/counters/{desk.counter_id}"
        headers = {"Authorization": f"Bearer {desk.token}"}
        try:
            with httpx.Client(base_url=server.url, headers=headers, timeout=60) as client:
                assert client.post(f"{base}/open").status_code == 200
                start.wait()
                while True:
                    answer = client.post(f"{base}/call-next")
                    if answer.status_code == 200:
                        body = answer.json()
                        called[desk.clerk_id].append((body["id"], body["service"]))
                        client.post(f"/api/v1/tickets/{body['id']}/start").raise_for_status()
                        done = client.post(f"/api/v1/tickets/{body['id']}/complete", json={"outcome": "done"})
                        done.raise_for_status()
                    elif answer.status_code == 204:
                        if desk in able:
                            finished.wait()
                            return
                        if drained.is_set():
                            return
                    elif not (answer.status_code == 409 and answer.json()["error"] == "busy"):
                        raise AssertionError(f"{desk.number}: {answer.status_code} {answer.text}")
        except Exception as exc:  # recorded, and the barriers broken so that nobody waits forever
            problems.append(f"{desk.number}: {exc!r}")
            start.abort()
            finished.abort()
            drained.set()

    threads = [threading.Thread(target=serve_at, args=(d,), name=f"desk-{d.number}") for d in load_hall.desks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT_SECONDS)
    assert not [t.name for t in threads if t.is_alive()] and problems == [], (problems, server.log_tail())

    calls = [(clerk, ticket, service) for clerk, rows in called.items() for ticket, service in rows]
    assert len({t for _c, t, _s in calls}) == len(calls) == TICKETS, "a ticket called twice or not at all"
    assert [(c, s) for c, _t, s in calls if s not in qualified[c]] == [], (
        qualified,
        "an unqualified clerk was handed one",
    )
    learner, nobody = load_hall.desks[4].clerk_id, load_hall.desks[5].clerk_id
    assert called[learner] == [] and called[nobody] == []
    rows = Ticket.objects.filter(hall=load_hall.hall)
    assert {(t.public_id, t.clerk_id) for t in rows} == {(t, c) for c, t, _s in calls}
