"""The real server in a subprocess, for tests that need real HTTP clients, real concurrency and a process
that can be killed: ``servicehall serve`` on a free port, pointed at pytest-django's test database.

Why a subprocess and not ``live_server``: pytest-django's live server runs in a thread of the test
process, shares its settings and cannot be SIGKILLed. Here the server imports the settings afresh from
the environment, exactly as in production, and opens its own connections to the test database (a file
on SQLite, see ``settings._database``; ``test_<name>`` on PostgreSQL).

Tests use it through the ``server`` fixture of ``tests/conftest.py``, which needs ``transactional_db``
(the server must see committed data, and it must be stopped before pytest-django empties the tables). A
module says what the server needs committed first and how many database connections its load takes::

    @pytest.fixture
    def server_data(load_hall):
        return load_hall


    @pytest.fixture
    def server_connections():
        return 74

``proc.kill()`` sends SIGKILL, ``proc.restart()`` starts it again on the same port, ``proc.url`` is its
address; whatever happens, it is stopped when the ``with`` block ends (and at interpreter exit).
``AsgiServer`` serves the ASGI application under uvicorn in a thread of the test process instead (the
browser tests: ``time_machine`` moves its clock too). ``EventStream`` is an SSE client that reconnects
with ``Last-Event-ID`` like a browser's EventSource.
"""

import asyncio
import atexit
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

import httpx

START_SECONDS = 60
STOP_SECONDS = 15
_running: set["ServerProcess"] = set()


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def tests_database_url() -> str:
    """The URL of the database the tests are using now (pytest-django's test database), for the server."""
    from django.db import connection

    conf = connection.settings_dict
    engine = conf["ENGINE"]
    if engine.endswith(("sqlite3", ".sqlite")):
        name = str(conf["NAME"])
        if name == ":memory:" or "mode=memory" in name:
            raise RuntimeError(
                "The SQLite test database is in memory, which another process cannot open: "
                "unset SERVICEHALL_TEST_SQLITE_NAME or point it at a file."
            )
        return f"sqlite:///{Path(name).resolve()}"
    if engine.endswith("postgresql"):
        quote = urllib.parse.quote
        auth = quote(conf.get("USER") or "", safe="")
        if conf.get("PASSWORD"):
            auth += ":" + quote(conf["PASSWORD"], safe="")
        host = conf.get("HOST") or "127.0.0.1"
        port = f":{conf['PORT']}" if conf.get("PORT") else ""
        return f"postgresql://{auth}{'@' if auth else ''}{host}{port}/{quote(conf['NAME'], safe='')}"
    raise RuntimeError(f"No server URL for database engine {engine}.")


try:  # resolved here, not in the child: between fork and exec only the call itself is safe
    import ctypes

    _prctl = ctypes.CDLL("libc.so.6", use_errno=True).prctl
except (ImportError, OSError):  # pragma: no cover - not Linux
    _prctl = None


def free_database_connections() -> int | None:
    """How many more connections PostgreSQL accepts now (None on SQLite). Under ASGI the server holds one
    connection per request in flight, so a load of N concurrent clients needs about N of them."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('max_connections')::int - count(*) FROM pg_stat_activity")
        return cursor.fetchone()[0]


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    """If pytest itself is killed, the kernel kills the server too (Linux), so nothing keeps the port
    or holds the test database open."""
    if _prctl is not None:
        _prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


class ServerProcess:
    """``servicehall serve --host H --port P`` as a subprocess in its own process group.

    Start, SIGKILL and restart it from the test's main thread only: the kernel ties the child's life to
    the thread that started it. Output goes to ``var_dir/server.log``; ``log_tail()`` shows its end."""

    def __init__(
        self,
        *,
        var_dir: Path,
        database_url: str | None = None,
        host: str = "127.0.0.1",
        port: int | None = None,
        args: tuple[str, ...] = (),
        env: dict[str, str] | None = None,
    ):
        from django.conf import settings

        self.var_dir = Path(var_dir)
        self.var_dir.mkdir(parents=True, exist_ok=True)
        self.host = host
        self.port = port
        self.args = tuple(args)
        self.log_path = self.var_dir / "server.log"
        self.starts = 0
        self.proc: subprocess.Popen | None = None
        inherited = {
            k: v
            for k, v in os.environ.items()
            if k not in ("SERVICEHALL_TEST_SQLITE_NAME", "SERVICEHALL_WORKERS")
        }
        self.env = {
            **inherited,
            "DJANGO_SETTINGS_MODULE": "servicehall.settings",
            "SERVICEHALL_DATABASE_URL": database_url or tests_database_url(),
            "SERVICEHALL_VAR_DIR": str(self.var_dir),
            # Same key as the test process: tokens and encrypted phone numbers must agree.
            "SERVICEHALL_SECRET_KEY": settings.SECRET_KEY,
            "SERVICEHALL_ENV": "test",
            "PYTHONUNBUFFERED": "1",
            **(env or {}),
        }

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc else None

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def start(self, timeout: float = START_SECONDS) -> "ServerProcess":
        """Start and wait until it answers HTTP. A port taken in the meantime is retried (a fresh port
        unless this server already had one: a restart must keep its address)."""
        if self.running():
            raise RuntimeError("The server is already running.")
        keep_port = self.port is not None
        for _attempt in range(5):
            if self.port is None:
                self.port = free_port(self.host)
            self._spawn()
            if self._wait_ready(timeout):
                _running.add(self)
                return self
            if "address already in use" not in self.log_tail().lower():
                break
            if not keep_port:
                self.port = None
            time.sleep(0.5)
        raise RuntimeError(f"servicehall serve did not start on {self.url}:\n{self.log_tail()}")

    def _spawn(self) -> None:
        self.starts += 1
        cmd = [
            sys.executable,
            "-m",
            "servicehall.cli",
            "serve",
            "--host",
            self.host,
            "--port",
            str(self.port),
            *self.args,
        ]
        with open(self.log_path, "a", encoding="utf-8") as log:
            log.write(f"\n--- start {self.starts}: {' '.join(cmd)}\n")
            log.flush()
            self.proc = subprocess.Popen(
                cmd,
                env=self.env,
                cwd=self.var_dir,
                stdin=subprocess.DEVNULL,  # noqa: S603
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=_die_with_parent,
            )

    def _wait_ready(self, timeout: float) -> bool:
        """True once any HTTP answer comes back; False if the process exits or time runs out."""
        deadline = time.monotonic() + timeout
        with httpx.Client(timeout=2.0) as client:
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    return False
                try:
                    client.get(self.url + "/api/v1/openapi.json")
                    return True
                except httpx.TransportError:
                    time.sleep(0.1)
        self._signal(signal.SIGKILL)
        return False

    def _signal(self, sig: int) -> None:
        if self.proc is not None and self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, sig)  # the group we created: the server and anything it spawned

    def kill(self) -> None:
        """SIGKILL: no shutdown, no rollback by the server; the database has to cope."""
        self._signal(signal.SIGKILL)
        if self.proc is not None:
            self.proc.wait()
        _running.discard(self)

    def stop(self) -> None:
        """SIGTERM, then SIGKILL if it has not exited after ``STOP_SECONDS``."""
        self._signal(signal.SIGTERM)
        if self.proc is not None:
            try:
                self.proc.wait(timeout=STOP_SECONDS)
            except subprocess.TimeoutExpired:
                self.kill()
        _running.discard(self)

    def restart(self, timeout: float = START_SECONDS) -> "ServerProcess":
        if self.running():
            self.stop()
        return self.start(timeout)

    def log_tail(self, lines: int = 60) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
            return "\n".join(text.splitlines()[-lines:])
        except FileNotFoundError:
            return "(no log)"


@contextlib.contextmanager
def running_server(**kwargs):
    """A started ``ServerProcess`` that is stopped (killed if it must be) when the block ends."""
    proc = ServerProcess(**kwargs)
    try:
        proc.start()
        yield proc
    finally:
        proc.stop()


@atexit.register
def _stop_all() -> None:
    for proc in list(_running):
        proc.kill()


# --- the ASGI application in a thread of the test process ----------------------------------------------


class AsgiServer:
    """The real ASGI application under uvicorn, in a thread of the test process, so the SSE streams work
    (pytest-django's live server is WSGI) and ``time_machine`` moves the server's clock too. ``restart``
    drops every connection and serves again on the same port, as after a server restart."""

    def __init__(self):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = None
        self.thread = None

    def start(self) -> None:
        import uvicorn

        config = uvicorn.Config(
            "servicehall.asgi:application",
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            lifespan="off",
            timeout_graceful_shutdown=1,
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.server is not None:
            self.server.should_exit = True
            self.thread.join(15)
            self.server = None

    def restart(self) -> None:
        self.stop()
        self.start()


# --- an SSE client ------------------------------------------------------------------------------------


@dataclass
class Connection:
    """One connection of an ``EventStream``: the ``Last-Event-ID`` it sent and the events it received."""

    last_event_id: int | None
    events: list[dict] = field(default_factory=list)
    error: str = ""


class EventStream:
    """Reads ``GET /api/v1/halls/{hall}/events`` in a thread of its own, like a display board: on a
    dropped connection it reconnects with the last id it received as ``Last-Event-ID``. ``gate``, when
    given, holds each reconnect until it is set (to make sure the stream misses something)."""

    def __init__(
        self,
        base_url: str,
        hall_code: str,
        *,
        last_event_id: int | None = None,
        gate: threading.Event | None = None,
    ):
        self.url = f"{base_url}/api/v1/halls/{hall_code}/events"
        self.last_id = last_event_id
        self.gate = gate
        self.connections: list[Connection] = []
        self.protocol_errors: list[str] = []  # bad frames, answers other than 200
        self.connect_errors: list[str] = []  # refused or failed connection attempts
        self._changed = threading.Condition()
        self._loop = asyncio.new_event_loop()
        self._task: asyncio.Task | None = None
        self._thread = threading.Thread(target=self._main, name="sse-client", daemon=True)

    # --- what the test reads
    @property
    def ids(self) -> set[int]:
        with self._changed:
            return {e["id"] for c in self.connections for e in c.events}

    def events(self) -> list[dict]:
        with self._changed:
            return [e for c in self.connections for e in c.events]

    def wait_connected(self, count: int = 1, timeout: float = 30) -> bool:
        """Wait until the ``count``-th connection has its response headers."""
        return self._wait(lambda: len(self.connections) >= count, timeout)

    def wait_for_ids(self, wanted: set[int], timeout: float = 30) -> bool:
        return self._wait(lambda: wanted <= {e["id"] for c in self.connections for e in c.events}, timeout)

    def wait_for_count(self, count: int, timeout: float = 30) -> bool:
        return self._wait(lambda: sum(len(c.events) for c in self.connections) >= count, timeout)

    def _wait(self, predicate, timeout: float) -> bool:
        with self._changed:
            return self._changed.wait_for(predicate, timeout=timeout)

    # --- running
    def start(self) -> "EventStream":
        self._thread.start()
        return self

    def stop(self) -> None:
        """Close the connection and end the thread; stopping twice is harmless."""
        if self._task is not None and not self._loop.is_closed():
            with contextlib.suppress(RuntimeError):  # the loop closed in the meantime
                self._loop.call_soon_threadsafe(self._task.cancel)
        if self._thread.is_alive():
            self._thread.join(timeout=10)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def _main(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._task = self._loop.create_task(self._run())
        with contextlib.suppress(asyncio.CancelledError):
            self._loop.run_until_complete(self._task)
        self._loop.close()

    async def _run(self) -> None:
        timeout = httpx.Timeout(10.0, read=None)
        async with httpx.AsyncClient(timeout=timeout) as client:
            while True:
                if self.connections and self.gate is not None:
                    while not self.gate.is_set():
                        await asyncio.sleep(0.05)
                headers = {"Accept": "text/event-stream"}
                if self.last_id is not None:
                    headers["Last-Event-ID"] = str(self.last_id)
                try:
                    async with client.stream("GET", self.url, headers=headers) as response:
                        if response.status_code != 200:
                            self.protocol_errors.append(f"status {response.status_code}")
                            await asyncio.sleep(0.2)
                            continue
                        conn = Connection(last_event_id=self.last_id)
                        with self._changed:
                            self.connections.append(conn)
                            self._changed.notify_all()
                        await self._read(response, conn)
                except httpx.TransportError as exc:  # refused while down, or cut by a kill
                    if self.connections and not self.connections[-1].error:
                        self.connections[-1].error = repr(exc)
                    else:
                        self.connect_errors.append(repr(exc))
                    await asyncio.sleep(0.2)

    async def _read(self, response: httpx.Response, conn: Connection) -> None:
        frame: dict[str, str] = {}
        async for line in response.aiter_lines():
            if line:
                name, _sep, value = line.partition(":")
                value = value.removeprefix(" ")
                if name == "data" and "data" in frame:
                    value = frame["data"] + "\n" + value
                frame[name] = value
                continue
            if "id" in frame and "data" in frame:
                self._record(conn, frame)
            frame = {}

    def _record(self, conn: Connection, frame: dict[str, str]) -> None:
        try:
            data = json.loads(frame["data"])
            event_id = int(frame["id"])
        except ValueError as exc:
            self.protocol_errors.append(f"bad frame {frame!r}: {exc}")
            return
        if data.get("id") != event_id:
            self.protocol_errors.append(f"id line {event_id} but data id {data.get('id')}")
        with self._changed:
            conn.events.append({"id": event_id, "kind": data.get("kind"), "payload": data.get("payload")})
            self.last_id = event_id  # what EventSource remembers: the last id received, not the largest
            self._changed.notify_all()


# --- a hall to load, built through the real services --------------------------------------------------


@dataclass
class Desk:
    """A counter with the clerk who signs in there and the clerk's API token."""

    counter_id: int
    number: str
    clerk_id: int
    token: str


@dataclass
class LoadHall:
    hall: object
    kiosk_token: str
    prefixes: dict[str, str]  # service code -> ticket prefix
    desks: list[Desk]

    @property
    def code(self) -> str:
        return self.hall.code


SERVICES = (("SB-001", "社保参保登记", "A"), ("GJ-001", "公积金提取", "B"), ("HJ-001", "户籍迁移", "C"))


def load_hall_create(*, counters: int, code: str = "load-hall", services=SERVICES) -> LoadHall:
    """A hall without opening hours (so always open, whatever the wall clock of the server says), with
    ``counters`` windows that each serve every service, one clerk with an API token per window, and a
    kiosk. Call it in a test with ``transactional_db``: the server process must see it committed."""
    from django.contrib.auth import get_user_model

    from servicehall.catalog.services import item_save
    from servicehall.core import services as core_services
    from servicehall.core.actors import Actor
    from servicehall.core.choices import CounterKind, DeviceKind, Role

    users = get_user_model().objects
    admin = Actor(user=users.create_superuser(username=f"{code}-root", password=None))
    hall = core_services.hall_create(actor=admin, code=code, name="并发测试大厅", address="人民路 1 号")
    windows = [
        core_services.counter_create(
            actor=admin, hall=hall, number=str(n), name=f"{n}号窗口", kind=CounterKind.COMPREHENSIVE
        )
        for n in range(1, counters + 1)
    ]
    for item_code, name, prefix in services:
        item_save(
            actor=admin,
            hall=hall,
            data={
                "code": item_code,
                "name": name,
                "department": "测试局",
                "category": "测试",
                "ticket_prefix": prefix,
                "counters": [w.number for w in windows],
                "materials": [{"name": "居民身份证"}],
            },
        )
    desks = []
    for window in windows:
        clerk = users.create_user(username=f"{code}-clerk-{window.number}", password=None)
        core_services.membership_grant(actor=admin, user=clerk, hall=hall, role=Role.CLERK)
        token = core_services.token_create(actor=Actor(user=clerk), user=clerk, name="load test")
        desks.append(Desk(counter_id=window.pk, number=window.number, clerk_id=clerk.pk, token=token))
    _device, kiosk_token = core_services.device_create(
        actor=admin, hall=hall, kind=DeviceKind.KIOSK, name="自助机"
    )
    return LoadHall(hall=hall, kiosk_token=kiosk_token, prefixes={c: p for c, _n, p in services}, desks=desks)


@dataclass
class Answer:
    """One request a client made: what it asked, and the status and body it got (``status`` 0 when the
    connection failed or broke before an answer)."""

    what: str
    status: int
    body: object = None
    error: str = ""


class AnswerLog:
    """Thread-safe record of every request the load clients made."""

    def __init__(self):
        self._lock = threading.Lock()
        self.answers: list[Answer] = []

    def call(self, client: httpx.Client, method: str, path: str, what: str, **kwargs) -> Answer:
        try:
            response = client.request(method, path, **kwargs)
        except httpx.TransportError as exc:
            answer = Answer(what, 0, error=repr(exc))
        else:
            body = response.text
            if response.headers.get("content-type", "").startswith("application/json") and body:
                with contextlib.suppress(ValueError):
                    body = response.json()
            answer = Answer(what, response.status_code, body)
        with self._lock:
            self.answers.append(answer)
        return answer

    def of(self, what: str, status: int | None = None) -> list[Answer]:
        with self._lock:
            return [a for a in self.answers if a.what == what and (status is None or a.status == status)]

    def server_errors(self) -> list[Answer]:
        with self._lock:
            return [a for a in self.answers if a.status >= 500]


# --- checks shared by the server-process tests --------------------------------------------------------


def numbering_problems(hall) -> list[str]:
    """Every way the hall's numbering can be wrong: per (day, prefix) the numbers must be exactly
    1..n, each once, spelled ``<prefix><seq:03d>``, and the sequence row must say n."""
    from collections import Counter as Tally

    from servicehall.queueing.models import Ticket, TicketSequence

    problems = []
    by_key: dict[tuple, list[tuple[int, str]]] = {}
    rows = Ticket.objects.filter(hall=hall).values_list("day", "prefix", "seq", "number")
    for day, prefix, seq, number in rows:
        by_key.setdefault((day, prefix), []).append((seq, number))
    last = {(s.day, s.prefix): s.last_number for s in TicketSequence.objects.filter(hall=hall)}
    for key, found in sorted(by_key.items()):
        seqs = sorted(seq for seq, _n in found)
        doubles = sorted(seq for seq, n in Tally(seqs).items() if n > 1)
        if doubles:
            problems.append(f"{key}: numbers issued twice: {doubles}")
        if sorted(set(seqs)) != list(range(1, len(set(seqs)) + 1)):
            missing = sorted(set(range(1, max(seqs) + 1)) - set(seqs))
            problems.append(f"{key}: gaps in the numbering: {missing}")
        wrong = [(seq, n) for seq, n in found if n != f"{key[1]}{seq:03d}"]
        if wrong:
            problems.append(f"{key}: numbers spelled wrong: {wrong[:5]}")
        if last.get(key) != len(found):
            problems.append(f"{key}: sequence says {last.get(key)}, {len(found)} tickets exist")
    return problems
