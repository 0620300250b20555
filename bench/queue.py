"""Queue benchmark: ``servicehall serve`` on PostgreSQL, driven over HTTP, against pgbench in the same run.

Run: ``.venv/bin/python bench/queue.py`` (about three minutes). Prints ONE JSON document on stdout; progress
goes to stderr. What each number means, and the latest results: ``bench/README.md``.

Steps: create a fresh database (dropped at the end unless ``--keep-db``), migrate, build the halls through
the project's services, start the production serving mode (``servicehall serve --workers N``: granian WSGI
workers + one uvicorn events process), then
  1. ticket issue (kiosk device token) at 16 and 64 connections,
  2. call-next at 16 connections (16 counters, one signed-in clerk each),
  3. the clerk workflow call-next -> start -> complete at 16 connections,
  4. SSE delivery: 200 streams on the events process, N calls, commit-to-arrival time on every stream,
then the same ticket issue under ``servicehall serve`` (one uvicorn ASGI process) and under uvicorn with 2
workers and the psycopg pool, for comparison, and the same transactions through pgbench with 16 clients
(3 runs each, median), with the ratios.

The load generator is a separate process: an asyncio client speaking HTTP/1.1 keep-alive on raw sockets
(no HTTP library in the hot loop). Its CPU time per request is measured and reported.
"""

import os
import sys

# This file is called queue.py: keep its folder off sys.path, or it would shadow the standard library's
# ``queue`` module (which asyncio and concurrent.futures import).
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.getcwd()) != _HERE]

import argparse  # noqa: E402
import asyncio  # noqa: E402
import collections  # noqa: E402
import contextlib  # noqa: E402
import http.client  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import re  # noqa: E402
import resource  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(_HERE).parent
BENCH = Path(_HERE)
VENV_BIN = Path(sys.executable).parent
HALL, UV_HALL, UV2_HALL, PGB_HALL = "bench", "bench-uv", "bench-uv2", "bench-pgb"
SERVICES = [("S0", "A"), ("S1", "B"), ("S2", "C")]
COUNTERS = 16
CLK = os.sysconf("SC_CLK_TCK")


def log(message: str) -> None:
    sys.stderr.write(f"[bench {time.strftime('%H:%M:%S', time.gmtime())}] {message}\n")
    sys.stderr.flush()


def percentiles(values: list[float]) -> dict:
    if not values:
        return {"p50_ms": None, "p90_ms": None, "p99_ms": None, "max_ms": None}
    s = sorted(values)

    def pick(q: float) -> float:
        return round(s[min(len(s) - 1, int(q * len(s)))] * 1000, 2)

    return {
        "p50_ms": pick(0.50),
        "p90_ms": pick(0.90),
        "p99_ms": pick(0.99),
        "max_ms": round(s[-1] * 1000, 2),
    }


# --- CPU accounting: who used the two cores during a measured window ------------------------------------


def _proc_table() -> dict[int, tuple[int, str, float]]:
    """pid -> (parent pid, command name, CPU seconds so far) for every process."""
    table = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        comm = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        cpu = (int(fields[11]) + int(fields[12])) / CLK
        if comm == "postgres" and fields[1] == "1":
            # The postmaster: the CPU time of backends that have exited (pgbench's) is added to its
            # children's time when it reaps them.
            cpu = (int(fields[13]) + int(fields[14])) / CLK
        table[int(entry)] = (int(fields[1]), comm, cpu)
    return table


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def cpu_snapshot(server_pid: int | None = None, db: str = "") -> dict:
    """CPU seconds per group of processes (the server's, PostgreSQL's for our database, pgbench, the load
    generator), and the machine's busy and total jiffies: what is left is other people's work."""
    table = _proc_table()
    server = set()
    if server_pid:
        children: dict[int, list[int]] = collections.defaultdict(list)
        for pid, (ppid, _comm, _cpu) in table.items():
            children[ppid].append(pid)
        todo = [server_pid]
        while todo:
            pid = todo.pop()
            if pid in table and pid not in server:
                server.add(pid)
                todo += children[pid]
    groups: dict[str, float] = collections.defaultdict(float)
    for pid, (_ppid, comm, cpu) in table.items():
        group = None
        if pid == os.getpid():
            group = "load_generator"
        elif pid in server:
            cmd = _cmdline(pid)
            group = "granian_workers" if b"granian" in cmd else "uvicorn" if b"uvicorn" in cmd else "serve"
        elif comm == "pgbench":
            group = "pgbench"
        elif comm.startswith("python") and b"queue.py" in _cmdline(pid):
            group = "bench_driver"  # the bench's main process, the SSE listener
        elif comm.startswith("postgres"):
            cmd = _cmdline(pid)
            if b" idle" in cmd or b"(" in cmd:  # a backend: ours only if it serves our database
                group = "postgres" if db and f" {db} ".encode() in cmd else None
            else:
                group = "postgres"  # checkpointer, WAL writer, autovacuum: shared, mostly ours under load
        if group:
            groups[group] += cpu
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    return {"groups": dict(groups), "busy": sum(values) - idle, "total": sum(values)}


def cpu_delta(before: dict, after: dict, seconds: float) -> dict:
    groups = {
        k: round((after["groups"].get(k, 0) - before["groups"].get(k, 0)) / seconds, 3)
        for k in sorted(set(after["groups"]) | set(before["groups"]))
    }
    total = after["total"] - before["total"]
    busy = (after["busy"] - before["busy"]) / total if total else 0.0
    cores = os.cpu_count() or 1
    groups = {k: v for k, v in groups.items() if v > 0.005}
    others = max(0.0, busy * cores - sum(groups.values()))
    return {
        "cores_used_by": groups,
        "cores_used_by_other_processes": round(others, 2),
        "machine_busy": round(busy, 3),
    }


def wait_until_quiet(limit: float, threshold: float = 0.25) -> float:
    """Wait (up to ``limit`` seconds) until the machine is less than ``threshold`` busy; return how busy it
    was at the end. Other people's test runs on the same two cores skew every number."""
    deadline = time.monotonic() + limit
    while True:
        a = cpu_snapshot()
        time.sleep(1.0)
        b = cpu_snapshot()
        busy = (b["busy"] - a["busy"]) / max(1, b["total"] - a["total"])
        if busy < threshold or time.monotonic() >= deadline:
            if busy >= threshold:
                log(f"machine still {busy:.0%} busy with other work after {limit:.0f} s; measuring anyway")
            return round(busy, 3)
        log(f"machine {busy:.0%} busy with other work; waiting")
        time.sleep(4.0)


# --- the load generator (its own process) ------------------------------------------------------------------


class Http:
    """A minimal HTTP/1.1 keep-alive client on asyncio streams: enough for JSON APIs, cheap per request."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.reader = self.writer = None
        self.prefix = f"Host: {host}:{port}\r\n"

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(Exception):
                await self.writer.wait_closed()
        self.reader = self.writer = None

    async def request(self, method: str, path: str, token: str | None = None, body: bytes = b""):
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        auth = f"Authorization: Bearer {token}\r\n" if token else ""
        head = (
            f"{method} {path} HTTP/1.1\r\n{self.prefix}{auth}Content-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        )
        self.writer.write(head.encode() + body)
        try:
            raw = await self.reader.readuntil(b"\r\n\r\n")
            lower = raw.lower()
            status = int(raw[9:12])
            i = lower.find(b"\r\ncontent-length:")
            if i >= 0:
                length = int(lower[i + 17 : lower.index(b"\r\n", i + 2)])
                payload = await self.reader.readexactly(length) if length else b""
            elif b"transfer-encoding: chunked" in lower:
                parts = []
                while True:
                    size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                    chunk = await self.reader.readexactly(size + 2)
                    if size == 0:
                        break
                    parts.append(chunk[:-2])
                payload = b"".join(parts)
            elif status in (204, 304):
                payload = b""
            else:
                payload = await self.reader.read()
                await self.close()
            if b"\r\nconnection: close" in lower:
                await self.close()
            return status, payload
        except BaseException:
            await self.close()
            raise


NUMBER_RE = re.compile(rb'"kind":"ticket\.called".*?"number":"([^"]+)"')


class Recorder:
    def __init__(self):
        self.latencies: list[float] = []
        self.codes: collections.Counter = collections.Counter()

    def summary(self, seconds: float, ok: set[int]) -> dict:
        errors = sum(n for code, n in self.codes.items() if code not in ok)
        return {
            "requests": len(self.latencies),
            "requests_per_s": round(len(self.latencies) / seconds, 1),
            **percentiles(self.latencies),
            "errors": errors,
            "status_codes": {str(k): v for k, v in sorted(self.codes.items(), key=str)},
        }


async def loadgen(spec: dict) -> dict:
    host, port, conns = spec["host"], spec["port"], spec["connections"]
    start = time.monotonic()
    warm_end = start + spec["warmup"]
    end = warm_end + spec["duration"]
    kind = spec["kind"]
    rec = collections.defaultdict(Recorder)
    totals = collections.Counter()
    snaps = {}

    async def sampler():
        await asyncio.sleep(max(0.0, warm_end - time.monotonic()))
        snaps["c0"] = cpu_snapshot(spec.get("server_pid"), spec["db"])
        snaps["t0"], snaps["r0"] = time.monotonic(), resource.getrusage(resource.RUSAGE_SELF)
        await asyncio.sleep(max(0.0, end - time.monotonic()))
        snaps["t1"], snaps["r1"] = time.monotonic(), resource.getrusage(resource.RUSAGE_SELF)
        snaps["c1"] = cpu_snapshot(spec.get("server_pid"), spec["db"])

    async def timed(conn: Http, name: str, method: str, path: str, token: str, body: bytes = b""):
        t0 = time.monotonic()
        try:
            status, payload = await conn.request(method, path, token, body)
        except Exception as exc:
            status, payload = type(exc).__name__, b""
            await asyncio.sleep(0.05)
        t1 = time.monotonic()
        totals[(name, status)] += 1
        if t0 >= warm_end and t1 <= end:
            rec[name].latencies.append(t1 - t0)
            rec[name].codes[status] += 1
        return status, payload

    async def issuer(i: int):
        conn = Http(host, port)
        path = f"/api/v1/halls/{spec['hall']}/tickets"
        bodies = [json.dumps({"service": code}).encode() for code in spec["services"]]
        n = i
        while time.monotonic() < end:
            await timed(conn, "issue", "POST", path, spec["kiosk_token"], bodies[n % len(bodies)])
            n += 1
        await conn.close()

    async def caller(i: int):
        import psycopg

        clerk = spec["clerks"][i]
        conn = Http(host, port)
        db = (
            await psycopg.AsyncConnection.connect(spec["dsn"], autocommit=True)
            if spec["reset"] == "sql"
            else None
        )
        path = f"/api/v1/counters/{clerk['counter']}/call-next"
        while time.monotonic() < end:
            status, payload = await timed(conn, "call_next", "POST", path, clerk["token"])
            if status != 200:
                if status == 204:
                    await asyncio.sleep(0.01)
                continue
            public_id = json.loads(payload)["id"]
            if db is not None:  # free the counter outside the app: one UPDATE, no HTTP, no event
                await db.execute(
                    "UPDATE queueing_ticket SET status = 'completed', completed_at = now() "
                    "WHERE public_id = %s",
                    (public_id,),
                )
            else:
                for action in ("start", "complete"):
                    await timed(
                        conn, action, "POST", f"/api/v1/tickets/{public_id}/{action}", clerk["token"], b"{}"
                    )
        await conn.close()
        if db is not None:
            await db.close()

    worker = issuer if kind == "issue" else caller
    tasks = [asyncio.create_task(worker(i)) for i in range(conns)]
    sampling = asyncio.create_task(sampler())
    await asyncio.gather(*tasks)
    await sampling
    seconds = snaps["t1"] - snaps["t0"]
    r0, r1 = snaps["r0"], snaps["r1"]
    client_cpu = (r1.ru_utime + r1.ru_stime) - (r0.ru_utime + r0.ru_stime)
    measured = sum(len(r.latencies) for r in rec.values())
    ok = {201} if kind == "issue" else {200}
    result = {
        name: r.summary(seconds, ok if name in ("issue", "call_next") else {200}) for name, r in rec.items()
    }
    result["_meta"] = {
        "connections": conns,
        "measured_seconds": round(seconds, 2),
        "warmup_seconds": spec["warmup"],
        "load_generator_cpu_us_per_request": round(client_cpu / measured * 1e6, 1) if measured else None,
        "load_generator_cores": round(client_cpu / seconds, 3),
        "cpu": cpu_delta(snaps["c0"], snaps["c1"], seconds),
        "total_ok": sum(
            n
            for (name, status), n in totals.items()
            if status in (200, 201) and name in ("issue", "call_next")
        ),
    }
    return result


# --- the SSE listener (its own process) ------------------------------------------------------------------


async def sse_listen(spec: dict) -> None:
    host, port, n = spec["host"], spec["port"], spec["streams"]
    arrivals: list[tuple[int, str, float]] = []
    ready = asyncio.Event()
    started = [0]
    errors = collections.Counter()

    def settled() -> None:
        if started[0] + sum(errors.values()) >= n:
            ready.set()

    async def stream(i: int):
        try:
            reader, writer = await asyncio.open_connection(host, port)
            writer.write(
                (
                    f"GET /api/v1/halls/{spec['hall']}/events HTTP/1.1\r\nHost: {host}:{port}\r\n"
                    "Accept: text/event-stream\r\n\r\n"
                ).encode()
            )
            head = await reader.readuntil(b"\r\n\r\n")
            if int(head[9:12]) != 200:
                errors[f"status {int(head[9:12])}"] += 1
                settled()
                return
            chunked = b"transfer-encoding: chunked" in head.lower()
            buffer, first = b"", True
            while True:
                if chunked:
                    size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
                    data = (await reader.readexactly(size + 2))[:-2]
                    if size == 0:
                        break
                else:
                    data = await reader.read(65536)
                    if not data:
                        break
                now = time.monotonic()
                buffer += data
                if first:
                    first = False
                    started[0] += 1
                    settled()
                while b"\n\n" in buffer:
                    message, buffer = buffer.split(b"\n\n", 1)
                    match = NUMBER_RE.search(message)
                    if match:
                        arrivals.append((i, match.group(1).decode(), now))
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            errors[type(exc).__name__] += 1
            settled()

    tasks = [asyncio.create_task(stream(i)) for i in range(n)]
    try:
        await asyncio.wait_for(ready.wait(), timeout=60)
    except TimeoutError:
        errors["not all streams started within 60 s"] += 1
    sys.stdout.write(f"READY {started[0]}\n")
    sys.stdout.flush()
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    sys.stdout.write(json.dumps({"streams": started[0], "arrivals": arrivals, "errors": dict(errors)}) + "\n")
    sys.stdout.flush()


# --- set-up: database, halls, tokens -------------------------------------------------------------------


def admin_dsn(base: str, db: str = "postgres") -> str:
    return base.rstrip("/") + "/" + db


def create_database(base: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin_dsn(base), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(base: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin_dsn(base), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def server_env(dsn: str, var_dir: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SERVICEHALL_")}
    env.update(
        {
            "SERVICEHALL_ENV": "production",
            "SERVICEHALL_SECRET_KEY": "bench-" + "x" * 50,
            "SERVICEHALL_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "SERVICEHALL_DATABASE_URL": dsn,
            "SERVICEHALL_VAR_DIR": var_dir,
            "SERVICEHALL_NOTIFY_BACKEND": "console",  # production names a backend; the file one is refused
            "DJANGO_SETTINGS_MODULE": "servicehall.settings",
        }
    )
    return env


def build_halls() -> dict:
    """Four halls built through the project's services: the measured one, two for the uvicorn comparisons,
    one for pgbench. Each: 3 services (prefixes A, B, C) that every counter calls, 16 counters."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from servicehall.catalog.services import item_save
    from servicehall.core import services as core
    from servicehall.core.actors import Actor
    from servicehall.core.choices import CounterKind, DeviceKind, Role
    from servicehall.queueing import services as queue

    User = get_user_model()
    admin = User.objects.create_superuser(username="bench-admin", password=None)
    actor = Actor(user=admin, ip="127.0.0.1")
    out = {}
    with transaction.atomic():
        for code in (HALL, UV_HALL, UV2_HALL, PGB_HALL):
            hall = core.hall_create(actor=actor, code=code, name=f"基准大厅 {code}", address="人民路 1 号")
            floor = core.floor_create(actor=actor, hall=hall, level=1, name="一楼")
            counters = [
                core.counter_create(
                    actor=actor,
                    hall=hall,
                    number=str(n),
                    name=f"{n}号窗口",
                    floor=floor,
                    kind=CounterKind.COMPREHENSIVE,
                )
                for n in range(1, COUNTERS + 1)
            ]
            items = [
                item_save(
                    actor=actor,
                    hall=hall,
                    data={
                        "code": code_,
                        "name": f"基准事项 {code_}",
                        "department": "基准部门",
                        "category": "基准类别",
                        "ticket_prefix": prefix,
                        "counters": [c.number for c in counters],
                    },
                )
                for code_, prefix in SERVICES
            ]
            _device, kiosk = core.device_create(
                actor=actor, hall=hall, kind=DeviceKind.KIOSK, name="入口自助机"
            )
            clerks = []
            for n, counter in enumerate(counters, start=1):
                user = User.objects.create_user(
                    username=f"{code}-clerk{n:02d}", password=None, display_name=f"窗口{n}"
                )
                core.membership_grant(actor=actor, user=user, hall=hall, role=Role.CLERK)
                clerk_actor = Actor(user=user, ip="127.0.0.1")
                token = core.token_create(actor=clerk_actor, user=user, name="bench")
                queue.counter_open(actor=clerk_actor, counter=counter)
                clerks.append({"token": token, "counter": counter.pk, "user": user.pk})
            out[code] = {
                "hall_id": hall.pk,
                "services": [i.code for i in items],
                "service_ids": [i.pk for i in items],
                "counter_ids": [c.pk for c in counters],
                "kiosk_token": kiosk,
                "clerks": clerks,
            }
    for data in out.values():
        ids, cids = data["service_ids"], data["counter_ids"]
        assert ids == list(range(ids[0], ids[0] + len(ids))), "service ids must be consecutive for pgbench"
        assert cids == list(range(cids[0], cids[0] + len(cids))), (
            "counter ids must be consecutive for pgbench"
        )
    return out


def waiting_counts(dsn: str, hall_id: int) -> dict[int, int]:
    import psycopg

    with psycopg.connect(dsn, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT service_id, count(*) FROM queueing_ticket WHERE hall_id = %s "
            "AND status = 'waiting' GROUP BY service_id",
            (hall_id,),
        ).fetchall()
    return dict(rows)


def queries_per_request(halls: dict) -> dict:
    """Count the SQL statements of one ticket issue and one call-next, through Django's test client (the
    second request of each kind is the one counted, so per-process caches are warm)."""
    from django.db import connection
    from django.test import Client

    data = halls[UV_HALL]
    client = Client()
    out = {}

    def counted(send) -> tuple:
        captured: list[dict] = []

        def wrapper(execute, sql, params, many, context):
            captured.append({"sql": sql})
            return execute(sql, params, many, context)

        with connection.execute_wrapper(wrapper):
            response = send()
        return response, captured

    kiosk = {"Authorization": f"Bearer {data['kiosk_token']}"}
    for _ in range(2):
        r, issue = counted(
            lambda: client.post(
                f"/api/v1/halls/{UV_HALL}/tickets",
                data=json.dumps({"service": "S0"}),
                content_type="application/json",
                headers=kiosk,
            )
        )
        assert r.status_code == 201, r.content
    out["issue"] = _query_summary(issue)
    clerk = data["clerks"][1]
    headers = {"Authorization": f"Bearer {clerk['token']}"}
    for _ in range(2):
        r, call = counted(
            lambda: client.post(f"/api/v1/counters/{clerk['counter']}/call-next", headers=headers)
        )
        assert r.status_code == 200, r.content
        ticket = r.json()["id"]
        for action in ("start", "complete"):
            r = client.post(
                f"/api/v1/tickets/{ticket}/{action}",
                data="{}",
                content_type="application/json",
                headers=headers,
            )
            assert r.status_code == 200, r.content
    out["call_next"] = _query_summary(call)
    return out


def _query_summary(captured: list[dict]) -> dict:
    kinds = collections.Counter()
    for q in captured:
        sql = q["sql"].lstrip().upper()
        verb = sql.split(None, 1)[0] if sql else "?"
        if verb in ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE"):
            continue  # psycopg sends transaction control itself; not seen by execute_wrapper
        if verb == "SELECT" and "PG_NOTIFY" in sql:
            verb = "NOTIFY"
        if verb == "SELECT" and "COUNT(" in sql:
            verb = "SELECT COUNT"
        kinds[verb] += 1
    return {"statements": len(captured), "by_kind": dict(kinds), "sql": [q["sql"][:160] for q in captured]}


# --- servers ---------------------------------------------------------------------------------------------


def wait_for_port(port: int, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode} before listening on {port}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.2)
    raise RuntimeError(f"nothing listens on port {port} after {timeout} s")


def start_server(
    args_: list[str], env: dict, ports: list[int], log_path: Path, cmd: list[str] | None = None
) -> subprocess.Popen:
    cmd = cmd or [str(VENV_BIN / "servicehall"), "serve", *args_, "--log-level", "warning"]
    log(f"starting: {' '.join(cmd)}")
    out = open(log_path, "ab")  # noqa: SIM115 - closed with the process
    proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    proc._bench_log = out  # type: ignore[attr-defined]
    for port in ports:
        wait_for_port(port, proc)
    return proc


def stop_server(proc: subprocess.Popen) -> int:
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    proc._bench_log.close()  # type: ignore[attr-defined]
    return proc.returncode


def warm_up(port: int, hall: str, token: str) -> None:
    """A few sequential requests so every worker has imported everything before the clock starts."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for i in range(30):
        conn.request(
            "POST",
            f"/api/v1/halls/{hall}/tickets",
            body=json.dumps({"service": SERVICES[i % 3][0]}),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        response = conn.getresponse()
        response.read()
        if response.status != 201:
            raise RuntimeError(f"warm-up issue answered {response.status}")
    conn.close()


def run_loadgen(spec: dict) -> dict:
    proc = subprocess.run(
        [sys.executable, __file__, "--role", "loadgen"],
        input=json.dumps(spec),
        text=True,
        capture_output=True,
        timeout=spec["warmup"] + spec["duration"] + 120,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"load generator failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout)


def result_db(sampler) -> dict:
    return sampler.summary()["backends_waiting_for_locks_avg"]


class LockSampler:
    """Samples pg_stat_activity every 50 ms during a phase: how many of our backends were running a query
    and how many were waiting for a lock (a row lock of another transaction, or NOTIFY's commit lock)."""

    def __init__(self, dsn: str, db: str, start_after: float, seconds: float):
        self.dsn, self.db, self.start_after, self.seconds = dsn, db, start_after, seconds
        self.samples: list[tuple[int, dict]] = []
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        import psycopg

        with psycopg.connect(self.dsn, autocommit=True) as conn:
            time.sleep(self.start_after)
            end = time.monotonic() + self.seconds
            while time.monotonic() < end:
                rows = conn.execute(
                    "SELECT state, wait_event_type, wait_event FROM pg_stat_activity WHERE datname = %s "
                    "AND pid <> pg_backend_pid() AND backend_type = 'client backend'",
                    (self.db,),
                ).fetchall()
                active = sum(1 for state, _t, _e in rows if state == "active")
                waits = collections.Counter(
                    f"{t}:{e}" for state, t, e in rows if state == "active" and t in ("Lock", "LWLock")
                )
                self.samples.append((active, waits))
                time.sleep(0.05)

    def summary(self) -> dict:
        n = len(self.samples) or 1
        waits = collections.Counter()
        for _active, w in self.samples:
            waits.update(w)
        return {
            "samples": len(self.samples),
            "backends_running_query_avg": round(sum(a for a, _w in self.samples) / n, 2),
            "backends_waiting_for_locks_avg": {k: round(v / n, 2) for k, v in waits.most_common(6)},
        }


def phase(name: str, spec: dict) -> dict:
    idle = wait_until_quiet(spec["quiet"])
    log(f"{name}: {spec['connections']} connections, {spec['warmup']} s warm-up + {spec['duration']} s")
    waiting_before = sum(waiting_counts(spec["dsn"], spec["hall_id"]).values())
    sampler = LockSampler(spec["dsn"], spec["db"], spec["warmup"] + 0.3, spec["duration"] - 0.5)
    sampler.thread.start()
    result = run_loadgen(spec)
    sampler.thread.join()
    meta = result.pop("_meta")
    main = result.get("issue") or result.get("call_next")
    log(
        f"{name}: {main['requests_per_s']} req/s, p50 {main['p50_ms']} ms, p99 {main['p99_ms']} ms, "
        f"errors {main['errors']}; load generator {meta['load_generator_cpu_us_per_request']} us/request; "
        f"cpu {meta['cpu']}, db {result_db(sampler)}"
    )
    used = meta["cpu"]["cores_used_by"]
    requests = sum(r["requests"] for r in result.values()) / meta["measured_seconds"]
    server = sum(v for k, v in used.items() if k in ("granian_workers", "uvicorn", "serve"))
    return {
        **main,
        "connections": meta["connections"],
        "measured_seconds": meta["measured_seconds"],
        "other_requests_in_loop": {k: v for k, v in result.items() if k not in ("issue", "call_next")},
        "load_generator": {
            "cpu_us_per_request": meta["load_generator_cpu_us_per_request"],
            "cores": meta["load_generator_cores"],
        },
        "cpu": meta["cpu"],
        "cpu_ms_per_http_request": {
            "server": round(server / requests * 1000, 2) if requests else None,
            "postgres": round(used.get("postgres", 0) / requests * 1000, 2) if requests else None,
        },
        "database_activity": sampler.summary(),
        "machine_busy_before": idle,
        "total_ok": meta["total_ok"],
        "hall_waiting_tickets": {
            "before": waiting_before,
            "after": sum(waiting_counts(spec["dsn"], spec["hall_id"]).values()),
        },
    }


# --- SSE delivery ----------------------------------------------------------------------------------------


def sse_delivery(
    events_port: int, port: int, hall: dict, dsn: str, streams: int, calls: int, server_pid: int, db_name: str
) -> dict:
    import psycopg

    log(f"sse: opening {streams} streams on the events process (port {events_port})")
    listener = subprocess.Popen(
        [sys.executable, __file__, "--role", "sse"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    listener.stdin.write(
        json.dumps({"host": "127.0.0.1", "port": events_port, "hall": HALL, "streams": streams}) + "\n"
    )
    listener.stdin.flush()
    ready = listener.stdout.readline().split()
    log(f"sse: {ready[1] if len(ready) > 1 else 0} streams ready; calling {calls} tickets, one every 50 ms")
    time.sleep(1.0)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    db = psycopg.connect(dsn, autocommit=True)
    sent: dict[str, tuple[float, float]] = {}
    cpu_before, t_start = cpu_snapshot(server_pid, db_name), time.monotonic()
    failures = collections.Counter()
    for i in range(calls):
        clerk = hall["clerks"][i % len(hall["clerks"])]
        t_send = time.monotonic()
        conn.request(
            "POST",
            f"/api/v1/counters/{clerk['counter']}/call-next",
            headers={"Authorization": f"Bearer {clerk['token']}"},
        )
        response = conn.getresponse()
        body = response.read()
        t_done = time.monotonic()
        if response.status != 200:
            failures[str(response.status)] += 1
            continue
        ticket = json.loads(body)
        sent[ticket["number"]] = (t_send, t_done)
        db.execute(
            "UPDATE queueing_ticket SET status = 'completed', completed_at = now() WHERE public_id = %s",
            (ticket["id"],),
        )
        time.sleep(0.05)
    cpu = cpu_delta(cpu_before, cpu_snapshot(server_pid, db_name), time.monotonic() - t_start)
    conn.close()
    db.close()
    time.sleep(2.0)
    listener.stdin.write("STOP\n")
    listener.stdin.flush()
    result = json.loads(listener.stdout.readline())
    listener.wait(timeout=30)
    from_response, from_request = [], []
    got = collections.Counter()
    for _stream, number, at in result["arrivals"]:
        if number in sent:
            t_send, t_done = sent[number]
            from_response.append(at - t_done)
            from_request.append(at - t_send)
            got[number] += 1
    expected = len(sent) * result["streams"]
    summary = {
        "streams": result["streams"],
        "calls": len(sent),
        "call_failures": dict(failures),
        "deliveries": len(from_response),
        "missed": expected - len(from_response),
        "from_call_response_ms": {
            **percentiles(from_response),
            "min_ms": round(min(from_response) * 1000, 2) if from_response else None,
        },
        "from_call_request_sent_ms": percentiles(from_request),
        "listener_errors": result["errors"],
        "cpu_during_calls": cpu,
        "listener": "one asyncio process reading all streams (its own delay is included in the times)",
    }
    log(
        f"sse: {summary['deliveries']}/{expected} delivered; from the call's response p50 "
        f"{summary['from_call_response_ms']['p50_ms']} ms, "
        f"p99 {summary['from_call_response_ms']['p99_ms']} ms"
    )
    return summary


# --- pgbench ---------------------------------------------------------------------------------------------


def find_pgbench() -> str | None:
    found = shutil.which("pgbench")
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/pgbench"))
    return str(candidates[-1]) if candidates else None


def top_up_waiting(dsn: str, hall: dict, target: dict[int, int]) -> None:
    """Give the pgbench hall as many waiting tickets per service as the measured hall had, so both count
    and search queues of the same length (older than the rest, prefixes ZA/ZB/ZC, not a real number)."""
    import psycopg

    current = waiting_counts(dsn, hall["hall_id"])
    with psycopg.connect(dsn, autocommit=True) as conn:
        for index, (mine, theirs) in enumerate(zip(hall["service_ids"], target.values(), strict=False)):
            missing = theirs - current.get(mine, 0)
            if missing <= 0:
                continue
            prefix = "Z" + "ABC"[index]
            conn.execute(
                "INSERT INTO queueing_ticket (public_id, day, prefix, seq, number, channel, priority, "
                "is_priority, status, phone_encrypted, phone_hint, note, outcome, cancel_reason, "
                "recall_count, transfer_count, issued_at, queued_at, waiting_since, hall_id, service_id) "
                "SELECT md5(random()::text || g), CURRENT_DATE, %s, g, %s || g, 'kiosk', 'normal', false, "
                "'waiting', '', '', '', '', '', 0, 0, now() - interval '1 hour' + g * interval '1 ms', "
                "now() - interval '1 hour' + g * interval '1 ms', now(), %s, %s "
                "FROM generate_series(1, %s) g",
                (prefix, prefix, hall["hall_id"], mine, missing),
            )
        conn.execute("ANALYZE queueing_ticket")


def run_pgbench(
    pgbench: str,
    dsn_parts: dict,
    script: Path,
    clients: int,
    transactions: int,
    variables: dict,
    log_dir: Path,
    quiet: float,
) -> dict:
    per_client = max(1, -(-transactions // clients))
    for old in log_dir.glob("pgb*"):
        old.unlink()
    cmd = [
        pgbench,
        "-n",
        "-M",
        "prepared",
        "-c",
        str(clients),
        "-j",
        "2",
        "-t",
        str(per_client),
        "-f",
        str(script),
        "-l",
        "--log-prefix",
        str(log_dir / "pgb"),
        "-h",
        dsn_parts["host"],
        "-p",
        str(dsn_parts["port"]),
        "-U",
        dsn_parts["user"],
    ]
    for key, value in variables.items():
        cmd += ["-D", f"{key}={value}"]
    cmd.append(dsn_parts["dbname"])
    env = {**os.environ, **({"PGPASSWORD": dsn_parts["password"]} if dsn_parts.get("password") else {})}
    idle = wait_until_quiet(quiet)
    before = cpu_snapshot(None, dsn_parts["dbname"])
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=600, check=False)
    seconds = time.monotonic() - t0
    after = cpu_snapshot(None, dsn_parts["dbname"])
    children_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    after["groups"]["pgbench"] = before["groups"].get("pgbench", 0) + (
        children_after.ru_utime + children_after.ru_stime - children.ru_utime - children.ru_stime
    )
    if proc.returncode != 0:
        raise RuntimeError(
            f"pgbench failed ({proc.returncode}):\n{proc.stderr[-3000:]}\n{proc.stdout[-2000:]}"
        )
    tps = re.search(r"tps = ([\d.]+) \(without initial connection time\)", proc.stdout)
    failed = re.search(r"number of failed transactions: (\d+)", proc.stdout)
    latencies = []
    for path in log_dir.glob("pgb*"):
        for line in path.read_text().splitlines():
            parts = line.split()
            if len(parts) >= 3 and parts[2].isdigit():
                latencies.append(int(parts[2]) / 1e6)
    tps_value = float(tps.group(1))
    cpu = cpu_delta(before, after, seconds)
    used = cpu["cores_used_by"]
    return {
        "clients": clients,
        "transactions": per_client * clients,
        "tps": round(tps_value, 1),
        **percentiles(latencies),
        "failed": int(failed.group(1)) if failed else 0,
        "cpu": cpu,
        "cpu_ms_per_transaction": {
            k: round(used.get(k, 0) * seconds / (per_client * clients) * 1000, 3)
            for k in ("postgres", "pgbench")
        },
        "machine_busy_before": idle,
        "protocol": "prepared statements (-M prepared)",
    }


def reset_hall(dsn: str, hall: dict) -> None:
    """Empty the pgbench hall's queue and numbering, so every pgbench run starts from the same state."""
    import psycopg

    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("DELETE FROM queueing_ticket WHERE hall_id = %s", (hall["hall_id"],))
        conn.execute("DELETE FROM queueing_ticketsequence WHERE hall_id = %s", (hall["hall_id"],))


def called_count(dsn: str, hall_id: int) -> int:
    import psycopg

    with psycopg.connect(dsn, autocommit=True) as conn:
        return conn.execute(
            "SELECT count(*) FROM queueing_ticket WHERE hall_id = %s AND status = 'called'", (hall_id,)
        ).fetchone()[0]


# --- main ------------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--role", choices=["main", "loadgen", "sse"], default="main", help=argparse.SUPPRESS)
    parser.add_argument(
        "--pg",
        default=os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432"),
        help="PostgreSQL server URL without a database name",
    )
    parser.add_argument("--db", default="servicehall_bench")
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument("--port", type=int, default=8710)
    parser.add_argument(
        "--workers", type=int, default=2, help="granian WSGI workers (servicehall serve --workers)"
    )
    parser.add_argument(
        "--threads", type=int, default=None, help="blocking threads per worker (default: serve's)"
    )
    parser.add_argument("--duration", type=float, default=10.0, help="measured seconds per phase")
    parser.add_argument("--warmup", type=float, default=3.0, help="unmeasured seconds before each phase")
    parser.add_argument("--sse-streams", type=int, default=200)
    parser.add_argument("--sse-calls", type=int, default=60)
    parser.add_argument(
        "--quiet-wait",
        type=float,
        default=60.0,
        help="before each phase, wait up to this many seconds for other work on the machine to stop",
    )
    parser.add_argument(
        "--phases",
        default="issue16,issue64,call,workflow,sse",
        help="comma-separated subset of issue16,issue64,call,workflow,sse (for tuning)",
    )
    parser.add_argument("--skip-compare", action="store_true", help="skip the uvicorn-only comparison")
    parser.add_argument("--skip-pgbench", action="store_true")
    parser.add_argument(
        "--pgbench-runs", type=int, default=3, help="pgbench runs of each script (median kept)"
    )
    args = parser.parse_args()

    if args.role == "loadgen":
        print(json.dumps(asyncio.run(loadgen(json.loads(sys.stdin.read())))))
        return
    if args.role == "sse":
        asyncio.run(sse_listen(json.loads(sys.stdin.readline())))
        return

    dsn = admin_dsn(args.pg, args.db)
    var_dir = tempfile.mkdtemp(prefix="servicehall-bench-")
    env = server_env(dsn, var_dir)
    os.environ.update({k: v for k, v in env.items() if k.startswith(("SERVICEHALL_", "DJANGO_"))})
    log(f"creating database {args.db}")
    create_database(args.pg, args.db)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    log("migrating")
    call_command("migrate", interactive=False, verbosity=0)
    log("building halls, counters, clerks and tokens")
    halls = build_halls()
    connection.close()
    dsn_parts = connection.get_connection_params()

    out: dict = {
        "code": _code_version(),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "postgres": _pg_version(dsn),
        },
        "serving": {},
        "load_generator": {
            "kind": "separate process: asyncio client, raw HTTP/1.1 keep-alive sockets, one connection per "
            "simulated client; latency = request written to response read"
        },
    }
    port, events_port = args.port, args.port + 1
    log_path = Path(var_dir) / "server.log"
    serve_args = ["--workers", str(args.workers), "--port", str(port), "--events-port", str(events_port)]
    if args.threads:
        serve_args += ["--threads", str(args.threads)]
    if args.workers < 2:
        serve_args.append("--split")
    hb = halls[HALL]
    base = {
        "host": "127.0.0.1",
        "port": port,
        "warmup": args.warmup,
        "duration": args.duration,
        "quiet": args.quiet_wait,
        "db": args.db,
        "hall": HALL,
        "hall_id": hb["hall_id"],
        "services": hb["services"],
        "kiosk_token": hb["kiosk_token"],
        "clerks": hb["clerks"],
        "dsn": dsn,
    }
    results: dict = {}
    server = start_server(serve_args, env, [port, events_port], log_path)
    base["server_pid"] = server.pid
    try:
        out["serving"] = {
            "command": "servicehall serve " + " ".join(serve_args),
            "requests": f"granian WSGI, {args.workers} workers x {args.threads or 2} threads, "
            "persistent DB connections",
            "events": "uvicorn ASGI, one process",
        }
        warm_up(port, HALL, hb["kiosk_token"])
        phases = set(args.phases.split(","))
        if "issue16" in phases:
            results["issue_16"] = phase("issue@16", {**base, "kind": "issue", "connections": 16})
        if "issue64" in phases:
            results["issue_64"] = phase("issue@64", {**base, "kind": "issue", "connections": 64})
        waiting_before_call = waiting_counts(dsn, hb["hall_id"])
        if "call" in phases:
            results["call_next_16"] = phase(
                "call-next@16", {**base, "kind": "call", "connections": 16, "reset": "sql"}
            )
            results["call_next_16"]["loop"] = (
                "POST /counters/{id}/call-next (measured); then the load generator frees the counter "
                "with one SQL UPDATE (status completed) on its own connection: no HTTP, no event"
            )
        if "workflow" in phases:
            results["clerk_workflow_16"] = phase(
                "workflow@16", {**base, "kind": "call", "connections": 16, "reset": "http"}
            )
            results["clerk_workflow_16"]["loop"] = (
                "POST call-next (measured here), then POST tickets/{id}/start and POST tickets/{id}/complete "
                "(in other_requests_in_loop)"
            )
        if "sse" in phases:
            out["sse"] = sse_delivery(
                events_port, port, hb, dsn, args.sse_streams, args.sse_calls, server.pid, args.db
            )
    finally:
        code = stop_server(server)
        log(f"production server stopped (exit code {code})")
    out["serving"]["exit_code_after_sigint"] = code

    if not args.skip_compare and "issue_16" in results:
        keys = (
            "requests_per_s",
            "p50_ms",
            "p99_ms",
            "errors",
            "cpu_ms_per_http_request",
            "cpu",
            "database_activity",
        )
        comparison = {
            "granian_wsgi_split": {
                "how": out["serving"]["command"],
                **{k: results["issue_16"][k] for k in keys},
            }
        }
        uv_port = port + 10
        uvicorn2 = [
            sys.executable,
            "-m",
            "uvicorn",
            "servicehall.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(uv_port),
            "--workers",
            "2",
            "--lifespan",
            "off",
            "--no-access-log",
            "--log-level",
            "warning",
        ]
        for name, how, hall_code, cmd, extra_env in (
            (
                "uvicorn_asgi_single",
                "servicehall serve (one uvicorn process, a connection per request)",
                UV_HALL,
                None,
                {},
            ),
            (
                "uvicorn_asgi_2_workers_pool",
                "uvicorn --workers 2, psycopg pool (SERVICEHALL_DB_POOL=1)",
                UV2_HALL,
                uvicorn2,
                {"SERVICEHALL_DB_POOL": "1"},
            ),
        ):
            hu = halls[hall_code]
            server = start_server(["--port", str(uv_port)], {**env, **extra_env}, [uv_port], log_path, cmd)
            try:
                warm_up(uv_port, hall_code, hu["kiosk_token"])
                uv = phase(
                    f"{name} issue@16",
                    {
                        **base,
                        "port": uv_port,
                        "server_pid": server.pid,
                        "hall": hall_code,
                        "hall_id": hu["hall_id"],
                        "services": hu["services"],
                        "kiosk_token": hu["kiosk_token"],
                        "kind": "issue",
                        "connections": 16,
                    },
                )
            finally:
                stop_server(server)
            comparison[name] = {"how": how, **{k: uv[k] for k in keys}}
        out["serving_comparison_issue_16"] = comparison

    out["queries_per_request"] = queries_per_request(halls)
    for key in ("issue", "call_next"):
        out["queries_per_request"][key].pop("sql")

    if not args.skip_pgbench and "issue_16" in results and "call_next_16" in results:
        pgbench = find_pgbench()
        if pgbench is None:
            out["pgbench"] = {"error": "pgbench not found (apt-get install postgresql-client)"}
        else:
            hp = halls[PGB_HALL]
            variables = {
                "hall": hp["hall_id"],
                "svc0": hp["service_ids"][0],
                "counter0": hp["counter_ids"][0],
                "actor": hp["clerks"][0]["user"],
            }
            log_dir = Path(var_dir)
            issue_n = max(results["issue_16"]["total_ok"], 2000)
            call_n = max(results["call_next_16"]["total_ok"], 4000)
            issues, calls = [], []
            for rep in range(1, args.pgbench_runs + 1):
                reset_hall(dsn, hp)
                log(
                    f"pgbench issue ({rep}/{args.pgbench_runs}): 16 clients, {issue_n} transactions "
                    "(as many as the app issued at 16 connections), from an empty queue"
                )
                issues.append(
                    run_pgbench(
                        pgbench,
                        dsn_parts,
                        BENCH / "pgbench_issue.sql",
                        16,
                        issue_n,
                        variables,
                        log_dir,
                        args.quiet_wait,
                    )
                )
                log(
                    f"pgbench issue: {issues[-1]['tps']} tps, p99 {issues[-1]['p99_ms']} ms, other processes "
                    f"{issues[-1]['cpu']['cores_used_by_other_processes']} cores"
                )
            for rep in range(1, args.pgbench_runs + 1):
                reset_hall(dsn, hp)
                top_up_waiting(dsn, hp, waiting_before_call)
                log(
                    f"pgbench call-next ({rep}/{args.pgbench_runs}): 16 clients, {call_n} transactions, "
                    "from a queue as long as the app's at the start of call_next_16"
                )
                pg_call = run_pgbench(
                    pgbench,
                    dsn_parts,
                    BENCH / "pgbench_call.sql",
                    16,
                    call_n,
                    variables,
                    log_dir,
                    args.quiet_wait,
                )
                claimed = called_count(dsn, hp["hall_id"])
                pg_call["claimed_fraction"] = round(claimed / pg_call["transactions"], 3)
                pg_call["claims_per_s"] = round(pg_call["tps"] * pg_call["claimed_fraction"], 1)
                calls.append(pg_call)
                log(
                    f"pgbench call-next: {pg_call['tps']} tps ({pg_call['claims_per_s']} claims/s), "
                    f"p99 {pg_call['p99_ms']} ms, "
                    f"other processes {pg_call['cpu']['cores_used_by_other_processes']}"
                )
            # The median run by rate; all rates listed.
            pg_issue = sorted(issues, key=lambda r: r["tps"])[len(issues) // 2]
            pg_call = sorted(calls, key=lambda r: r["claims_per_s"])[len(calls) // 2]
            pg_issue["all_runs_tps"] = [r["tps"] for r in issues]
            pg_call["all_runs_claims_per_s"] = [r["claims_per_s"] for r in calls]
            out["pgbench"] = {"issue_16": pg_issue, "call_next_16": pg_call}
            issue_ratio = results["issue_16"]["requests_per_s"] / pg_issue["tps"]
            call_ratio = results["call_next_16"]["requests_per_s"] / pg_call["claims_per_s"]
            out["ratios"] = {"issue_16": round(issue_ratio, 3), "call_next_16": round(call_ratio, 3)}
            out["goals"] = {
                "issue_16_ratio_at_least_0.15": issue_ratio >= 0.15,
                "issue_16_p99_under_100ms": (results["issue_16"]["p99_ms"] or 1e9) < 100,
                "call_next_16_ratio_at_least_0.10": call_ratio >= 0.10,
            }
    out["results"] = results
    if not args.keep_db:
        connection.close()
        drop_database(args.pg, args.db)
    shutil.rmtree(var_dir, ignore_errors=True)
    print(json.dumps(out, indent=2, ensure_ascii=False))


def _code_version() -> str:
    try:
        head = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + (" (with uncommitted changes)" if dirty else "")


def _pg_version(dsn: str) -> str:
    import psycopg

    with psycopg.connect(dsn) as conn:
        return conn.execute("SHOW server_version").fetchone()[0]


if __name__ == "__main__":
    main()
