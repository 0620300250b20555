"""Real concurrency, proven end to end: ``servicehall serve`` in its own process, 64 HTTP clients taking
numbers at the same instant across three services while eight clerks call at their counters, on the
suite's database (SQLite, or PostgreSQL with ``SERVICEHALL_DATABASE_URL``).

What must hold afterwards: every 201 is a ticket in the database and nothing else was committed;
numbers are unique and gapless per prefix; no ticket was called by two counters (the answers, the ticket
rows, the audit trail and the outbox agree on exactly one call each); every ticket is accounted for,
midway (issued = called + waiting, also as the public queue summary reports it) and after the drain (none
waiting); no answer was a 5xx; the event stream delivered every outbox row, and a replay from
``Last-Event-ID: 0`` delivers them all in strictly increasing order.
"""

import threading
import time
from collections import Counter as Tally

import httpx
import pytest
from django.db.models import Count

from servicehall.core.models import AuditEntry
from servicehall.live.models import Event
from servicehall.queueing.choices import TicketStatus
from servicehall.queueing.models import Ticket
from tests.serverproc import AnswerLog, EventStream, load_hall_create, numbering_problems

pytestmark = pytest.mark.slow

ISSUERS = 64
TICKETS_EACH = 3
COUNTERS = 8
WAIT_SECONDS = 120  # generous ceilings on waiting for threads and streams; never a timed assertion


@pytest.fixture
def load_hall(transactional_db):
    return load_hall_create(counters=COUNTERS)


@pytest.fixture
def server_data(load_hall):
    return load_hall


@pytest.fixture
def server_connections():
    return ISSUERS + COUNTERS + 10


def _client(server, token: str) -> httpx.Client:
    return httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {token}"}, timeout=60)


def _guarded(problems: list[str], *barriers: threading.Barrier):
    """A load thread that fails records why and breaks the barriers, so the test fails at once, not later."""

    def wrap(target):
        def run(*args):
            try:
                target(*args)
            except Exception as exc:
                problems.append(f"{threading.current_thread().name}: {exc!r}")
                for barrier in barriers:
                    barrier.abort()

        return run

    return wrap


def _run(threads: list[threading.Thread]) -> None:
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT_SECONDS)
    assert not [t.name for t in threads if t.is_alive()], "load threads still running"


def test_sixty_four_clients_and_eight_counters_at_once_never_share_skip_or_lose_a_ticket(
    server, load_hall, streams
):
    hall, log = load_hall, AnswerLog()
    codes = sorted(hall.prefixes)
    live = streams(EventStream(server.url, hall.code))  # a display board, watching from before the start
    assert live.wait_connected(timeout=WAIT_SECONDS), (
        live.protocol_errors,
        live.connect_errors[-3:],
        server.log_tail(),
    )
    for desk in hall.desks:
        with _client(server, desk.token) as client:
            opened = log.call(client, "POST", f"/api/v1/counters/{desk.counter_id}/open", "open")
        assert opened.status == 200, opened

    start = threading.Barrier(ISSUERS + COUNTERS, timeout=WAIT_SECONDS)
    issuing_done, at_rest, resume = threading.Event(), threading.Event(), threading.Event()
    called: dict[str, list[str]] = {desk.number: [] for desk in hall.desks}
    last_status: dict[str, int] = {}
    phase = {"draining": False, "over": False}
    problems: list[str] = []

    def take_numbers(i: int) -> None:
        with _client(server, hall.kiosk_token) as client:
            start.wait()
            for j in range(TICKETS_EACH):
                body = {"service": codes[(i + j) % len(codes)]}
                if i % 8 == 0:
                    body["priority"] = "elderly"  # priority tickets take the policy's other branches
                if i % 5 == 0:
                    body["phone"] = f"139{i:04d}{j:04d}"  # "your turn is near" texts run on commit
                log.call(client, "POST", f"/api/v1/halls/{hall.code}/tickets", "issue", json=body)

    def between_rounds() -> None:
        """Runs while every counter stands at the barrier: the midway count, and the end of the drain
        (a whole round of 204s once issuing is over: nothing waits, as every counter serves every service)."""
        if phase["draining"] and len(last_status) == COUNTERS and set(last_status.values()) == {204}:
            phase["over"] = True
        elif issuing_done.is_set() and not phase["draining"]:
            at_rest.set()
            resume.wait(WAIT_SECONDS)
            phase["draining"] = True
            last_status.clear()

    # The counters call in rounds, all eight at the same instant, so that they compete for the same ticket.
    rounds = threading.Barrier(COUNTERS, action=between_rounds, timeout=WAIT_SECONDS)

    def serve_at(desk) -> None:
        base = f"/api/v1/counters/{desk.counter_id}"
        with _client(server, desk.token) as client:
            start.wait()
            while True:
                rounds.wait()
                if phase["over"]:
                    return
                answer = log.call(client, "POST", f"{base}/call-next", "call-next")
                last_status[desk.number] = answer.status
                if answer.status == 200:
                    ticket_id = answer.body["id"]
                    called[desk.number].append(ticket_id)
                    for action, body in (("start", None), ("complete", {"outcome": "done"})):
                        path = f"/api/v1/tickets/{ticket_id}/{action}"
                        done = log.call(client, "POST", path, action, json=body)
                        if done.status != 200:
                            raise AssertionError(f"counter {desk.number}: {done}")
                elif answer.status != 204 and not (answer.status == 409 and answer.body["error"] == "busy"):
                    raise AssertionError(f"counter {desk.number}: {answer}")

    guard = _guarded(problems, start, rounds)
    issuers = [
        threading.Thread(target=guard(take_numbers), args=(i,), name=f"issuer-{i}") for i in range(ISSUERS)
    ]
    counters = [
        threading.Thread(target=guard(serve_at), args=(d,), name=f"counter-{d.number}") for d in hall.desks
    ]
    for thread in counters:
        thread.start()
    _run(issuers)
    issuing_done.set()

    # Midway, with every counter standing still: issued == called + still waiting, in the database and in
    # the public queue summary.
    deadline = time.monotonic() + WAIT_SECONDS
    while not (at_rest.is_set() or problems or time.monotonic() > deadline):
        time.sleep(0.05)
    assert at_rest.is_set() and not problems, f"counters stopped: {problems}\n{server.log_tail()}"
    issued = log.of("issue", 201)
    waiting = Ticket.objects.filter(hall=hall.hall, status=TicketStatus.WAITING).count()
    assert len(issued) == sum(len(ids) for ids in called.values()) + waiting
    with httpx.Client(base_url=server.url, timeout=60) as client:
        summary = client.get(f"/api/v1/halls/{hall.code}/queue").json()
    assert sum(s["waiting"] for s in summary["services"]) == waiting
    resume.set()
    for thread in counters:
        thread.join(WAIT_SECONDS)
    assert not [t.name for t in counters if t.is_alive()], "counters still calling"
    assert problems == []

    # No 5xx, and nothing but the expected answers.
    assert log.server_errors() == [], server.log_tail()
    assert len(issued) == ISSUERS * TICKETS_EACH, Tally(a.status for a in log.of("issue"))
    assert {a.status for a in log.of("start")} | {a.status for a in log.of("complete")} == {200}

    # Every 201 is a ticket, with the number and service it was answered; nothing else was committed.
    rows = Ticket.objects.filter(hall=hall.hall).select_related("service", "counter")
    tickets = {t.public_id: t for t in rows}
    assert set(tickets) == {a.body["id"] for a in issued}
    for answer in issued:
        ticket = tickets[answer.body["id"]]
        assert (ticket.number, ticket.service.code) == (answer.body["number"], answer.body["service"])
    assert numbering_problems(hall.hall) == []
    assert {t.prefix for t in tickets.values()} == set(hall.prefixes.values())

    # No ticket called twice; every ticket called once, by the counter whose call-next answered it.
    calls = [(number, ticket_id) for number, ids in called.items() for ticket_id in ids]
    assert len(calls) == len({ticket_id for _n, ticket_id in calls}), "a ticket was called by two counters"
    assert {ticket_id for _n, ticket_id in calls} == set(tickets), "not every ticket was called"
    desks = {d.number: d for d in hall.desks}
    for number, ticket_id in calls:
        ticket = tickets[ticket_id]
        assert (ticket.status, ticket.counter.number, ticket.clerk_id) == (
            TicketStatus.COMPLETED,
            number,
            desks[number].clerk_id,
        )
        assert ticket.called_at is not None and ticket.first_called_at == ticket.called_at
    assert not Ticket.objects.filter(hall=hall.hall, status=TicketStatus.WAITING).exists()

    # The audit trail: one issue and one call per ticket, the call at the counter that answered it.
    by_pk = {str(t.pk): t for t in tickets.values()}
    audit = AuditEntry.objects.filter(hall=hall.hall, object_type="queueing.ticket")
    for action in ("ticket.issue", "ticket.call"):
        rows = Tally(audit.filter(action=action).values_list("object_id", flat=True))
        assert rows == Tally(list(by_pk)), f"{action}: not exactly one row per ticket"
    for object_id, after in audit.filter(action="ticket.call").values_list("object_id", "after"):
        assert after["counter"] == by_pk[object_id].counter_id

    # The outbox: one "issued" and one "called" event per ticket, the call naming the right window.
    events = Event.objects.filter(hall=hall.hall)
    payloads = events.values_list("payload", flat=True)
    issued_events = Tally(p["number"] for p in payloads.filter(kind="ticket.issued"))
    assert issued_events == Tally(t.number for t in tickets.values())
    called_events = Tally((p["number"], p["counter"]) for p in payloads.filter(kind="ticket.called"))
    assert called_events == Tally((t.number, t.counter.number) for t in tickets.values())
    assert dict(events.values_list("kind").annotate(n=Count("id")).values_list("kind", "n")) == {
        "counter.opened": COUNTERS,
        "ticket.issued": len(tickets),
        "ticket.called": len(tickets),
        "ticket.start": len(tickets),
        "ticket.complete": len(tickets),
    }

    # The stream that watched it all live got every row once; a replay from Last-Event-ID 0 gets every row
    # in strictly increasing id order. (The replay sends at most one batch: keep the load under 1000 events.)
    outbox = set(events.values_list("id", flat=True))
    assert len(outbox) < 1000
    assert live.wait_for_ids(outbox, timeout=WAIT_SECONDS), f"missing {sorted(outbox - live.ids)}"
    live.stop()
    assert live.protocol_errors == []
    assert len(live.connections) == 1, "the live stream dropped"
    live_ids = [e["id"] for e in live.events()]
    assert len(live_ids) == len(set(live_ids)) and set(live_ids) == outbox
    replay = streams(EventStream(server.url, hall.code, last_event_id=0))
    assert replay.wait_for_count(len(outbox), timeout=WAIT_SECONDS)
    replay.stop()
    replayed = [e["id"] for e in replay.events()]
    assert replayed == sorted(outbox), "the replay is not every outbox row in increasing order"
