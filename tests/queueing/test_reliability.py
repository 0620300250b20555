"""Reliability, proven by killing the real server: ``servicehall serve`` is SIGKILLed in the middle of a
load of ticket issues and calls over HTTP, restarted on the same port, and the load goes on, on the suite's
database (SQLite, or PostgreSQL with ``SERVICEHALL_DATABASE_URL``).

What must hold afterwards: every ticket answered 201 exists, as answered; no number is duplicated and none
is skipped per prefix (the number is taken inside the issuing transaction, so a killed issue leaves no
gap); an issue that committed without its answer reaching the client is still a whole ticket (its event
and audit row committed with it); every ticket is called exactly once; no answer was a 5xx; and a display
board that lost its stream in the kill catches up from ``Last-Event-ID``: together its connections
received every outbox row of the hall.
"""

import threading
import time
from collections import Counter as Tally

import httpx
import pytest
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max

from servicehall.core.actors import Actor
from servicehall.core.models import AuditEntry, Device
from servicehall.live.models import Event
from servicehall.live.services import event_emit
from servicehall.queueing import services
from servicehall.queueing.choices import TicketStatus
from servicehall.queueing.models import Ticket
from tests.serverproc import AnswerLog, EventStream, load_hall_create, numbering_problems

pytestmark = pytest.mark.slow

ISSUERS = 8
COUNTERS = 4
ANSWERED_BEFORE_KILL = 40
ANSWERED_AFTER_RESTART = 30
ANSWERED_WHILE_BOARD_BACK = 15
WAIT_SECONDS = 120  # generous ceilings on waiting for progress and streams; never a timed assertion


@pytest.fixture
def load_hall(transactional_db):
    return load_hall_create(counters=COUNTERS, code="kill-hall")


@pytest.fixture
def server_data(load_hall):
    return load_hall


def _client(server, token: str) -> httpx.Client:
    return httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {token}"}, timeout=30)


def _wait_until(predicate, what: str, problems: list[str]) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not predicate():
        assert not problems, problems
        assert time.monotonic() < deadline, f"no progress: {what}"
        time.sleep(0.05)


def _undelivered(board: EventStream, outbox: set[int], events) -> str:
    """What the board never got, and what each of its connections did, to tell why."""
    missing = [
        (e.id, e.kind, e.payload.get("number"), e.created_at.isoformat())
        for e in events.filter(id__in=outbox - board.ids)
    ]
    connections = [
        (
            c.last_event_id,
            len(c.events),
            c.events[0]["id"] if c.events else None,
            c.events[-1]["id"] if c.events else None,
            c.error[:60],
        )
        for c in board.connections
    ]
    return (
        f"never delivered: {missing}; connections (Last-Event-ID, count, first, last, error): {connections}"
    )


class Load:
    """Kiosks that keep taking numbers and clerks that keep calling, starting and completing, each as a
    real client would: a refused or broken connection is retried; a clerk who lost an answer asks the
    counter's state and carries on with the ticket in front of it."""

    def __init__(self, server, hall):
        self.server, self.hall, self.log = server, hall, AnswerLog()
        self.stop_issuing, self.drain = threading.Event(), threading.Event()
        self.problems: list[str] = []
        self.issuers = [
            threading.Thread(target=self.guarded, args=(self.take_numbers, i), name=f"issuer-{i}")
            for i in range(ISSUERS)
        ]
        self.counters = [
            threading.Thread(target=self.guarded, args=(self.serve_at, d), name=f"desk-{d.number}")
            for d in hall.desks
        ]

    def guarded(self, target, arg) -> None:
        try:
            target(arg)
        except Exception as exc:  # recorded, so the test fails with the reason
            self.problems.append(f"{threading.current_thread().name}: {exc!r}")

    def answered(self) -> int:
        return len(self.log.of("issue", 201))

    def take_numbers(self, i: int) -> None:
        codes, path = sorted(self.hall.prefixes), f"/api/v1/halls/{self.hall.code}/tickets"
        with _client(self.server, self.hall.kiosk_token) as client:
            n = 0
            while not self.stop_issuing.is_set():
                body = {"service": codes[(i + n) % len(codes)]}
                if n % 7 == 3:
                    body["priority"] = "elderly"
                answer = self.log.call(client, "POST", path, "issue", json=body)
                n += 1
                if answer.status == 0:
                    time.sleep(0.05)  # the server is down: try again, like a kiosk would
                elif answer.status != 201:
                    self.problems.append(f"issuer {i}: {answer}")
                    return

    def serve_at(self, desk) -> None:
        base = f"/api/v1/counters/{desk.counter_id}"
        with _client(self.server, desk.token) as client:
            while True:
                state = self.log.call(client, "GET", f"{base}/state", "state")
                if state.status == 0:
                    time.sleep(0.05)
                    continue
                if state.status != 200:
                    self.problems.append(f"counter {desk.number}: {state}")
                    return
                current = state.body["current"]
                if current is None:
                    answer = self.log.call(client, "POST", f"{base}/call-next", "call-next")
                    if answer.status == 204:
                        if self.drain.is_set():
                            return  # nobody waits (every counter serves every service)
                        time.sleep(0.01)
                    bad = answer.status not in (0, 200, 204, 409) or (
                        answer.status == 409 and answer.body.get("error") != "busy"
                    )
                else:  # a ticket is at the counter, perhaps called by a request whose answer was lost
                    action = {"called": "start", "serving": "complete"}[current["status"]]
                    ticket_path = f"/api/v1/tickets/{current['id']}/{action}"
                    answer = self.log.call(client, "POST", ticket_path, action)
                    bad = answer.status not in (0, 200)
                if bad:
                    self.problems.append(f"counter {desk.number}: {answer}")
                    return

    def start(self) -> None:
        for thread in self.issuers + self.counters:
            thread.start()

    def finish(self) -> None:
        self.stop_issuing.set()
        for thread in self.issuers:
            thread.join(WAIT_SECONDS)
        self.drain.set()
        for thread in self.counters:
            thread.join(WAIT_SECONDS)
        alive = [t.name for t in self.issuers + self.counters if t.is_alive()]
        assert not alive, f"load threads still running: {alive}"


def test_a_server_killed_mid_load_loses_no_answered_ticket_and_the_board_catches_up(
    server, load_hall, streams
):
    hall = load_hall
    reconnect = threading.Event()
    board = streams(EventStream(server.url, hall.code, gate=reconnect))  # watching live from the start
    assert board.wait_connected(timeout=WAIT_SECONDS), (
        board.protocol_errors,
        board.connect_errors[-3:],
        server.log_tail(),
    )
    for desk in hall.desks:
        with _client(server, desk.token) as client:
            assert client.post(f"/api/v1/counters/{desk.counter_id}/open").status_code == 200

    load = Load(server, hall)
    load.start()
    _wait_until(
        lambda: (
            load.answered() >= ANSWERED_BEFORE_KILL
            and len(load.log.of("call-next", 200)) >= 5
            and board.events()
        ),
        "load before the kill",
        load.problems,
    )
    server.kill()  # SIGKILL: requests in flight lose their answers; open transactions die with the process
    answered_at_kill = load.answered()
    _wait_until(
        lambda: len(board.connections) == 1 and board.connections[0].error,
        "the board noticing the kill",
        load.problems,
    )
    seen_before_kill = board.ids
    last_before_kill = board.last_id
    server.start()  # same port
    _wait_until(
        lambda: load.answered() >= answered_at_kill + ANSWERED_AFTER_RESTART,
        "load after the restart",
        load.problems,
    )
    missed_until = Event.objects.filter(hall=hall.hall).aggregate(m=Max("id"))["m"]
    reconnect.set()  # the board comes back only now, so it has certainly missed events
    back = answered_at_kill + ANSWERED_AFTER_RESTART + ANSWERED_WHILE_BOARD_BACK
    _wait_until(lambda: load.answered() >= back, "load with the board back", load.problems)
    load.finish()
    assert load.problems == [], server.log_tail()

    log = load.log
    assert log.server_errors() == [], server.log_tail()
    assert server.starts == 2
    cut = [a for a in log.answers if a.status == 0 and "ConnectError" not in a.error]
    print(
        f"{len(log.answers)} requests, {len(cut)} cut by the kill ({dict(Tally(a.what for a in cut))}), "
        f"{len([a for a in log.answers if 'ConnectError' in a.error])} refused while it was down"
    )
    assert cut, "the kill cut no request in flight: the test proved nothing"

    # Every 201 is a ticket with the number it was answered; numbering unique and gapless per prefix.
    rows = Ticket.objects.filter(hall=hall.hall).select_related("service", "counter")
    tickets = {t.public_id: t for t in rows}
    answered = {a.body["id"]: a.body for a in log.of("issue", 201)}
    assert set(answered) <= set(tickets), "a ticket answered 201 is missing"
    for public_id, body in answered.items():
        ticket = tickets[public_id]
        assert (ticket.number, ticket.service.code) == (body["number"], body["service"])
    assert numbering_problems(hall.hall) == []

    # An issue that committed while its answer was lost is a whole ticket: one issued event and one audit
    # row, like every other. (Only a request that got no answer can have done that.)
    unanswered = set(tickets) - set(answered)
    print(f"{len(unanswered)} issue(s) committed without their answer")
    assert len(unanswered) <= len([a for a in log.of("issue") if a.status == 0])
    by_pk = {str(t.pk): t for t in tickets.values()}
    audit = AuditEntry.objects.filter(hall=hall.hall, object_type="queueing.ticket")
    for action in ("ticket.issue", "ticket.call"):
        rows = Tally(audit.filter(action=action).values_list("object_id", flat=True))
        assert rows == Tally(list(by_pk)), f"{action}: not exactly one row per ticket"
    events = Event.objects.filter(hall=hall.hall)
    payloads = events.values_list("payload", flat=True)
    issued_events = Tally(p["number"] for p in payloads.filter(kind="ticket.issued"))
    assert issued_events == Tally(t.number for t in tickets.values()), "outbox and tickets disagree"

    # Every ticket was called exactly once (above) and served to the end by the clerk who called it.
    desks = {d.number: d for d in hall.desks}
    for ticket in tickets.values():
        assert ticket.status == TicketStatus.COMPLETED, ticket
        assert ticket.clerk_id == desks[ticket.counter.number].clerk_id
    called_events = Tally((p["number"], p["counter"]) for p in payloads.filter(kind="ticket.called"))
    assert called_events == Tally((t.number, t.counter.number) for t in tickets.values())

    # The board: it reconnected with the last id it had, was sent what it missed, and together its
    # connections received every row of the outbox.
    outbox = set(events.values_list("id", flat=True))
    assert board.wait_for_ids(outbox, timeout=WAIT_SECONDS), _undelivered(board, outbox, events)
    assert board.protocol_errors == []
    assert board.connections[1].last_event_id == last_before_kill
    missed = {i for i in outbox if i not in seen_before_kill and i <= missed_until}
    assert missed, "the board missed nothing: the test proved nothing"
    assert missed <= {e["id"] for c in board.connections[1:] for e in c.events}


def test_a_board_that_missed_more_than_a_thousand_events_still_catches_up(server, load_hall, streams):
    """A board unplugged through a busy morning reconnects with an old ``Last-Event-ID``: it must get
    everything since, however much that is, before the live events."""
    kiosk = Actor(device=Device.objects.get(hall=load_hall.hall))
    # 1005 rows through the outbox service itself (issuing 1005 tickets would take ten times longer).
    with transaction.atomic():
        for n in range(1005):
            event_emit(
                hall=load_hall.hall,
                kind="counter.paused",
                payload={
                    "counter": "1",
                    "counter_name": "1号窗口",
                    "state": "paused",
                    "pause_reason": f"{n}",
                },
            )
    board = streams(EventStream(server.url, load_hall.code, last_event_id=0))
    assert board.wait_connected(timeout=WAIT_SECONDS)
    # A new event after the connect arrives after the whole replay: once it is here, the replay is over.
    services.ticket_issue(actor=kiosk, hall=load_hall.hall, service_code="GJ-001")
    newest = Event.objects.filter(hall=load_hall.hall).aggregate(m=Max("id"))["m"]
    assert board.wait_for_ids({newest}, timeout=WAIT_SECONDS)
    outbox = set(Event.objects.filter(hall=load_hall.hall).values_list("id", flat=True))
    assert outbox - board.ids == set(), f"{len(outbox - board.ids)} events never sent"


@pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="SQLite commits write transactions one at a time, in id order",
)
def test_an_event_that_commits_while_the_hub_starts_still_reaches_the_board(server, load_hall, streams):
    """After a restart the first board to reconnect starts the server's hub while other requests are still
    committing. On PostgreSQL an id is taken at insert, so a call can hold id 10 uncommitted while id 11
    commits: the board must still get 10 once it commits."""
    kiosk = Actor(device=Device.objects.get(hall=load_hall.hall))
    inserted, release = threading.Event(), threading.Event()
    late: dict[str, int] = {}

    def issue_and_commit_late() -> None:
        try:
            with transaction.atomic():
                ticket = services.ticket_issue(actor=kiosk, hall=load_hall.hall, service_code="SB-001")
                late["number"] = ticket.number
                inserted.set()
                release.wait(WAIT_SECONDS)
        finally:
            connection.close()

    thread = threading.Thread(target=issue_and_commit_late)
    thread.start()
    assert inserted.wait(WAIT_SECONDS)
    services.ticket_issue(actor=kiosk, hall=load_hall.hall, service_code="GJ-001")  # a higher id, committed
    higher = Event.objects.filter(hall=load_hall.hall).aggregate(m=Max("id"))["m"]
    board = streams(EventStream(server.url, load_hall.code, last_event_id=0))  # the hub starts now
    assert board.wait_for_ids({higher}, timeout=WAIT_SECONDS)  # the replay has been read
    release.set()
    thread.join(WAIT_SECONDS)
    services.ticket_issue(actor=kiosk, hall=load_hall.hall, service_code="HJ-001")
    newest = Event.objects.filter(hall=load_hall.hall).aggregate(m=Max("id"))["m"]
    assert board.wait_for_ids({newest}, timeout=WAIT_SECONDS)
    outbox = set(Event.objects.filter(hall=load_hall.hall).values_list("id", flat=True))
    assert outbox - board.ids == set(), f"the board never got ticket {late['number']}"
