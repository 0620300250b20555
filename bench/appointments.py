"""Appointment booking storm: ``servicehall serve --workers N`` on PostgreSQL, driven over HTTP, against
pgbench in the same run.

Run: ``.venv/bin/python bench/appointments.py`` (about a minute and a half). Prints ONE JSON document on
stdout; progress goes to stderr. What each number means, and the latest results: ``bench/README.md``.

Steps: create a fresh database (dropped at the end unless ``--keep-db``), migrate, build a hall through the
project's services (one bookable service whose plan takes bookings every day 00:00-23:59 in 30-minute slots
of 100 seats, no minimum notice; today and the next two days entered as working days, so a weekend or a
public holiday does not close them; a clerk with an API token, who books on citizens' behalf: no rate
limit, no check question), start the production serving mode (``servicehall serve --workers N``: granian
WSGI workers + the events process), warm it up on another slot, then per run (``--runs``, 3):

  a storm of 2,000 ``POST /api/v1/appointments`` (``--attempts``) from 64 connections (``--connections``)
  on ONE fresh slot of 100 seats, each attempt with its own mobile number and resident ID; afterwards the
  database is checked (slot taken, bookings holding a seat, unique codes).

Then the same booking transaction, statement for statement, through pgbench (64 clients, the same number of
attempts on one fresh slot of 100 seats, 3 runs, median), the ratio, and the SQL statements of one booked
and one refused request (Django's test client); ``--profile`` adds an in-process cProfile of both.

The load generator is a separate process: the asyncio raw-socket HTTP/1.1 keep-alive client of
``bench/queue.py`` (no HTTP library in the hot loop).
"""

import argparse
import asyncio
import collections
import datetime
import importlib.util
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

_HERE = Path(__file__).resolve().parent
ROOT = _HERE.parent
HALL, PGB_HALL, SERVICE = "bench-appt", "bench-appt-pgb", "YY-001"
SEATS = 100
LEAD = datetime.timedelta(minutes=30)  # slots used start at least this long after now


def _queue_bench():
    """The helpers of ``bench/queue.py`` (HTTP client, CPU accounting, servers, pgbench), loaded under another
    name: its file name would shadow the standard library's ``queue``."""
    spec = importlib.util.spec_from_file_location("servicehall_bench_queue", _HERE / "queue.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


Q = _queue_bench()
log, percentiles = Q.log, Q.percentiles


def citizen(n: int) -> dict:
    """The n-th citizen: a valid mobile number (13x-19x) and resident ID, both different for every n below
    about 20 million (the birth dates must stay in the past)."""
    from servicehall.core.identity import resident_id_check_char

    birth = datetime.date(1960, 1, 1) + datetime.timedelta(days=n // 1000)
    first17 = f"110105{birth:%Y%m%d}{n % 1000:03d}"
    return {
        "name": f"市民{n}",
        "phone": f"1{3 + n % 7}{n:09d}",
        "id_number": first17 + resident_id_check_char(first17),
    }


# --- the load generator (its own process) ------------------------------------------------------------------


async def loadgen(spec: dict) -> dict:
    """``attempts`` bookings of one slot from ``connections`` keep-alive connections, all at once."""
    host, port, conns, attempts = spec["host"], spec["port"], spec["connections"], spec["attempts"]
    bodies = [
        json.dumps(
            {"hall": spec["hall"], "service": spec["service"], "start": spec["start"], **spec["citizens"][n]}
        ).encode()
        for n in range(attempts)
    ]
    pending = collections.deque(range(attempts))
    latencies: list[float] = []
    by_status: dict[str, list[float]] = collections.defaultdict(list)
    statuses: collections.Counter = collections.Counter()
    errors: collections.Counter = collections.Counter()
    codes: list[str] = []
    ready = asyncio.Event()
    opened = [0]

    async def client() -> None:
        conn = Q.Http(host, port)
        conn.reader, conn.writer = await asyncio.open_connection(host, port)  # connected before the start
        opened[0] += 1
        if opened[0] == conns:
            ready.set()
        await ready.wait()
        while pending:
            n = pending.popleft()
            t0 = time.monotonic()
            try:
                status, payload = await conn.request("POST", "/api/v1/appointments", spec["token"], bodies[n])
            except Exception as exc:  # a broken connection is an error of the run, not a retry
                status, payload = type(exc).__name__, b""
            latencies.append(time.monotonic() - t0)
            by_status[str(status)].append(latencies[-1])
            statuses[status] += 1
            if status == 201:
                codes.append(json.loads(payload)["code"])
            elif status == 409:
                errors[json.loads(payload).get("error")] += 1
        await conn.close()

    tasks = [asyncio.create_task(client()) for _ in range(conns)]
    await ready.wait()
    c0, r0, t0 = (
        Q.cpu_snapshot(spec["server_pid"], spec["db"]),
        resource.getrusage(resource.RUSAGE_SELF),
        time.monotonic(),
    )
    await asyncio.gather(*tasks)
    seconds = time.monotonic() - t0
    c1, r1 = Q.cpu_snapshot(spec["server_pid"], spec["db"]), resource.getrusage(resource.RUSAGE_SELF)
    client_cpu = (r1.ru_utime + r1.ru_stime) - (r0.ru_utime + r0.ru_stime)
    return {
        "seconds": seconds,
        "latency": percentiles(latencies),
        "statuses": dict(statuses),
        "latency_by_status": {k: percentiles(v) for k, v in sorted(by_status.items())},
        "errors_409": dict(errors),
        "codes": codes,
        "cpu": Q.cpu_delta(c0, c1, seconds),
        "load_generator_cpu_us_per_request": round(client_cpu / max(1, len(latencies)) * 1e6, 1),
    }


def run_loadgen(spec: dict) -> dict:
    proc = subprocess.run(
        [sys.executable, __file__, "--role", "loadgen"],
        input=json.dumps(spec),
        text=True,
        capture_output=True,
        timeout=600,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"load generator failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout)


# --- set-up through the services --------------------------------------------------------------------------


def build_hall(code: str) -> dict:
    """A hall with one bookable service, built and configured through the project's services."""
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from servicehall.appointments import services as appointments
    from servicehall.catalog.services import item_save
    from servicehall.core import services as core
    from servicehall.core.actors import Actor
    from servicehall.core.choices import CounterKind, Role

    users = get_user_model().objects
    admin = users.filter(username="bench-admin").first() or users.create_superuser(
        username="bench-admin", password=None
    )
    actor = Actor(user=admin, ip="127.0.0.1")
    with transaction.atomic():
        hall = core.hall_create(actor=actor, code=code, name=f"预约基准大厅 {code}", address="人民路 1 号")
        core.counter_create(
            actor=actor, hall=hall, number="1", name="1号窗口", kind=CounterKind.COMPREHENSIVE
        )
        item = item_save(
            actor=actor,
            hall=hall,
            data={
                "code": SERVICE,
                "name": "出入境证件办理",
                "department": "基准部门",
                "category": "基准类别",
                "ticket_prefix": "Y",
                "counters": ["1"],
                "materials": [{"name": "居民身份证"}],
            },
        )
        appointments.plan_save(
            actor=actor,
            hall=hall,
            service=item,
            slot_minutes=30,
            seats_per_slot=SEATS,
            walk_in_seats=0,
            horizon_days=7,
            min_notice_minutes=0,
            periods={str(d): [["00:00", "23:59"]] for d in range(7)},
        )
        today = timezone.now().astimezone(hall.tzinfo).date()
        for n in range(3):
            appointments.calendar_day_set(
                actor=actor, hall=hall, date=today + datetime.timedelta(days=n), kind="workday", name="bench"
            )
        clerk = users.create_user(username=f"{code}-clerk", password=None)
        core.membership_grant(actor=actor, user=clerk, hall=hall, role=Role.CLERK)
        token = core.token_create(actor=Actor(user=clerk, ip="127.0.0.1"), user=clerk, name="bench")
    return {"code": code, "hall_id": hall.pk, "service_id": item.pk, "token": token, "clerk_id": clerk.pk}


def open_slots(code: str, count: int) -> list[datetime.datetime]:
    """The first ``count`` open slots that start ``LEAD`` or more from now (the plan's own grid)."""
    from django.utils import timezone

    from servicehall.appointments import selectors
    from servicehall.catalog.models import ServiceItem
    from servicehall.core.models import Hall

    hall = Hall.objects.get(code=code)
    plan = selectors.plan_get(item=ServiceItem.objects.get(hall=hall, code=SERVICE))
    today = timezone.now().astimezone(hall.tzinfo).date()
    grid, _days = selectors.slot_grid(
        hall=hall, plan=plan, date_from=today, date_to=today + datetime.timedelta(days=2)
    )
    earliest = timezone.now() + LEAD
    found = [s.start for s in grid if s.state == "open" and s.capacity == SEATS and s.start >= earliest]
    if len(found) < count:
        raise RuntimeError(f"only {len(found)} open slots, {count} needed")
    return found[:count]


def slot_check(dsn: str, hall_id: int, start: datetime.datetime) -> dict:
    """What the database says after a storm: the slot's seats and the bookings that hold them."""
    import psycopg

    with psycopg.connect(dsn, autocommit=True) as conn:
        row = conn.execute(
            "SELECT id, capacity, taken FROM appointments_slot WHERE hall_id = %s AND start = %s",
            (hall_id, start),
        ).fetchone()
        if row is None:
            return {"slot": None}
        slot_id, capacity, taken = row
        booked, codes = conn.execute(
            "SELECT count(*), count(DISTINCT code) FROM appointments_appointment "
            "WHERE slot_id = %s AND status = 'booked'",
            (slot_id,),
        ).fetchone()
        holding = conn.execute(
            "SELECT count(*) FROM appointments_appointment WHERE slot_id = %s AND status IN "
            "('held', 'booked', 'checked_in', 'no_show')",
            (slot_id,),
        ).fetchone()[0]
    return {
        "capacity": capacity,
        "taken": taken,
        "booked": booked,
        "seat_holding": holding,
        "distinct_codes": codes,
    }


def warm_up(port: int, hall: dict, start: datetime.datetime, first: int) -> None:
    """Bookings from 8 connections at once (so every worker thread has its connection and imports), then
    refusals once the slot is full: both paths are warm before the clock starts."""
    import http.client

    def one(i: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        for j in range(16):
            body = json.dumps(
                {
                    "hall": hall["code"],
                    "service": SERVICE,
                    "start": start.isoformat(),
                    **citizen(first + i * 16 + j),
                }
            )
            conn.request(
                "POST",
                "/api/v1/appointments",
                body=body,
                headers={"Authorization": f"Bearer {hall['token']}", "Content-Type": "application/json"},
            )
            response = conn.getresponse()
            response.read()
            if response.status not in (201, 409):
                raise RuntimeError(f"warm-up booking answered {response.status}")
        conn.close()

    threads = [threading.Thread(target=one, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


# --- the SQL of one request ---------------------------------------------------------------------------------


def queries_per_request(
    hall: dict, free_start: datetime.datetime, full_start: datetime.datetime, first: int
) -> dict:
    """The SQL statements of one booking that gets a seat and one refused for a full slot, through Django's
    test client (the second request of each kind is counted, so per-process caches are warm)."""
    from django.db import connection
    from django.test import Client

    client = Client()
    headers = {"Authorization": f"Bearer {hall['token']}"}

    def counted(start: datetime.datetime, n: int) -> tuple[object, list[str]]:
        captured: list[str] = []

        def wrapper(execute, sql, params, many, context):
            captured.append(sql)
            return execute(sql, params, many, context)

        body = json.dumps(
            {"hall": hall["code"], "service": SERVICE, "start": start.isoformat(), **citizen(n)}
        )
        with connection.execute_wrapper(wrapper):
            response = client.post(
                "/api/v1/appointments", data=body, content_type="application/json", headers=headers
            )
        return response, captured

    out = {}
    for name, start, expected in (("booked", free_start, 201), ("refused_slot_full", full_start, 409)):
        for i in range(2):
            response, sql = counted(start, first + 2 * len(out) + i)
            if response.status_code != expected:
                raise RuntimeError(
                    f"{name}: answered {response.status_code} {response.content[:300]!r}, expected {expected}"
                )
        out[name] = Q._query_summary([{"sql": s} for s in sql])
    return out


def profile_requests(
    hall: dict, free_start: datetime.datetime, full_start: datetime.datetime, first: int, n: int = 40
) -> dict:
    """In-process, one thread, Django's test client (no HTTP): the CPU of ``n`` bookings that get a seat and
    ``n`` refused ones, then a cProfile of ``n`` more of each: where the time of a request goes (cumulative,
    per request, the project's functions and the database driver's ``execute``; cProfile inflates them)."""
    import cProfile
    import pstats

    from django.test import Client

    client = Client()
    headers = {"Authorization": f"Bearer {hall['token']}"}

    def send(body: str, expected: int) -> None:
        response = client.post(
            "/api/v1/appointments", data=body, content_type="application/json", headers=headers
        )
        if response.status_code != expected:
            raise RuntimeError(f"profile: answered {response.status_code} {response.content[:300]!r}")

    out = {}
    kinds = (("booked", free_start, 201, 0), ("refused_slot_full", full_start, 409, 2 * n))
    for name, start, expected, offset in kinds:
        bodies = [
            json.dumps(
                {
                    "hall": hall["code"],
                    "service": SERVICE,
                    "start": start.isoformat(),
                    **citizen(first + offset + i),
                }
            )
            for i in range(2 * n)
        ]
        t0, w0 = time.process_time(), time.perf_counter()
        for body in bodies[:n]:  # without the profiler: the real cost
            send(body, expected)
        cpu_plain, wall_plain = (time.process_time() - t0) / n * 1000, (time.perf_counter() - w0) / n * 1000
        profiler = cProfile.Profile()
        t0 = time.process_time()
        profiler.enable()
        for body in bodies[n:]:
            send(body, expected)
        profiler.disable()
        cpu_ms = (time.process_time() - t0) / n * 1000
        stats = pstats.Stats(profiler)
        rows = []
        for (filename, line, func), (_cc, _nc, _tt, ct, _callers) in stats.stats.items():
            if "/servicehall/" in filename or func in ("execute", "_execute", "encrypt", "digest"):
                where = (
                    filename.split("/src/servicehall/")[-1]
                    if "/src/servicehall/" in filename
                    else filename.rsplit("/", 1)[-1]
                )
                rows.append((ct / n * 1000, f"{where}:{line} {func}"))
        rows.sort(reverse=True)
        out[name] = {
            "requests": n,
            "cpu_ms_per_request": round(cpu_plain, 2),
            "wall_ms_per_request": round(wall_plain, 2),
            "cpu_ms_per_request_profiled": round(cpu_ms, 2),
            "cumulative_ms_per_request": {k: round(v, 2) for v, k in rows[:30]},
        }
    return out


# --- pgbench ------------------------------------------------------------------------------------------------

# The booking of appointments.services.appointment_book (the API's POST /appointments), statement for
# statement as queries_per_request captures them (code of 2026-12-02; token, hall, roles, settings, item and
# plan come from the per-process memo and cost no statement there): the slot probe (the slot's row, whether it
# has expired holds, the hall's calendar row for the day); a slot the probe shows full with no expired hold is
# refused on that alone, without a transaction; otherwise, in the transaction: the person's advisory lock,
# their standing, the quota upsert, the booking and the audit row, and last the conditional UPDATE that
# takes the seat (no seat: roll back). The slot row exists before each run (bench/appointments.py creates
# it), as it does after a slot's first booking. The script is split into adjacent literals only to keep its
# lines short; the text pgbench reads is unchanged.
PGBENCH_BOOK = (
    r"""
\set n random(1, 1000000000)
SELECT s.id AS slot_id, s.capacity AS capacity, s.taken AS taken, s.closed AS closed,
       EXISTS (SELECT 1 FROM appointments_appointment a WHERE a.slot_id = s.id AND a.status = 'held'
               AND a.hold_expires_at <= now()) AS expired,
       coalesce(c.kind, '') AS day_kind, coalesce(c.name, '') AS day_name
  FROM (SELECT 1 AS one) base
  LEFT JOIN core_calendarday c ON c.hall_id = :hall AND c.date = :day::date
  LEFT JOIN (appointments_slot s JOIN catalog_serviceitem i ON i.id = s.service_id AND i.code = :service_code)
    ON s.hall_id = :hall AND s.start = :start::timestamptz \gset
\if :taken < :capacity
BEGIN;
SELECT pg_advisory_xact_lock(hashtext(md5(:n::text)));
SELECT SUM(CASE WHEN status = 'no_show' AND start >= now() - interval '90 days'
                AND (phone_digest = md5(:n::text) OR id_digest = md5(:n::text)) THEN 1 ELSE 0 END),
       MAX(CASE WHEN status = 'no_show' AND start >= now() - interval '90 days'
                AND (phone_digest = md5(:n::text) OR id_digest = md5(:n::text)) THEN start END),
       SUM(CASE WHEN person = md5(:n::text) AND status IN ('held', 'booked') AND "end" >= now() """
    r"""THEN 1 ELSE 0 END)
  FROM appointments_appointment
  WHERE hall_id = :hall AND (person = md5(:n::text) OR phone_digest = md5(:n::text) """
    r"""OR id_digest = md5(:n::text));
INSERT INTO appointments_bookingquota AS q (hall_id, service_id, day, person, active)
  VALUES (:hall, :svc, :day::date, md5(:n::text), 1)
  ON CONFLICT (service_id, day, person) DO UPDATE SET active = q.active + 1 WHERE q.active < 1 """
    r"""RETURNING id;
INSERT INTO appointments_appointment (public_id, code, hall_id, service_id, slot_id, day, start, "end", """
    r"""status,
    channel, person, booked_by_id, created_at, booked_at, reschedules, checked_in_late, cancel_reason,
    name_encrypted, name_hint, phone_encrypted, phone_hint, phone_digest, id_encrypted, id_hint, id_digest)
  VALUES (md5(random()::text), upper(substr(md5(random()::text), 1, 8)), :hall, :svc, :slot_id, :day::date,
    :start::timestamptz, :start::timestamptz + interval '30 minutes', 'booked', 'staff', md5(:n::text),
    :clerk, now(), now(), 0, false, '', repeat('x', 120), '市*', repeat('y', 120), '138****0000',
    md5(:n::text), repeat('z', 140), '110105********0000', md5(:n::text))
  RETURNING id AS appt_id \gset
INSERT INTO core_auditentry (at, actor_label, action, object_type, object_id, object_repr, ip, before, after,
    actor_id, hall_id)
  VALUES (now(), 'bench-appt-pgb-clerk', 'appointment.book', 'appointments.appointment', :appt_id::text,
    'YY-001 出入境证件办理', '127.0.0.1', NULL,
    jsonb_build_object('code', 'ABCDEFGH', 'service', 'YY-001', 'start', :start::text, 'channel', 'staff'),
    :clerk, :hall);
WITH took AS (UPDATE appointments_slot SET taken = taken + 1 WHERE id = :slot_id AND NOT closed
              AND taken < capacity RETURNING 1)
SELECT count(*) AS took FROM took \gset
\if :took
COMMIT;
\else
ROLLBACK;
\endif
\endif
"""
)


def run_pgbench(
    pgbench: str,
    dsn_parts: dict,
    hall: dict,
    start: datetime.datetime,
    day: datetime.date,
    clients: int,
    attempts: int,
    log_dir: Path,
    quiet: float,
) -> dict:
    """One run of the booking script on a fresh slot: ``attempts`` transactions from ``clients`` clients."""
    import psycopg

    per_client = max(1, -(-attempts // clients))
    with psycopg.connect(hall["dsn"], autocommit=True) as conn:  # the slot row, as after its first booking
        conn.execute(
            'INSERT INTO appointments_slot (hall_id, service_id, day, start, "end", capacity, taken, closed, '
            "closed_reason) VALUES (%s, %s, %s, %s, %s, %s, 0, false, '') ON CONFLICT DO NOTHING",
            (hall["hall_id"], hall["service_id"], day, start, start + datetime.timedelta(minutes=30), SEATS),
        )
    script = log_dir / "pgbench_book.sql"
    script.write_text(PGBENCH_BOOK, encoding="utf-8")
    for old in log_dir.glob("pgb.*"):
        old.unlink()
    variables = {
        "hall": hall["hall_id"],
        "svc": hall["service_id"],
        "clerk": hall["clerk_id"],
        "hall_code": hall["code"],
        "service_code": SERVICE,
        "seats": SEATS,
        "start": start.isoformat(),
        "day": day.isoformat(),
    }
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
    idle = Q.wait_until_quiet(quiet)
    before = Q.cpu_snapshot(None, dsn_parts["dbname"])
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=600, check=False)
    seconds = time.monotonic() - t0
    after = Q.cpu_snapshot(None, dsn_parts["dbname"])
    children_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    after["groups"]["pgbench"] = before["groups"].get("pgbench", 0) + (
        children_after.ru_utime + children_after.ru_stime - children.ru_utime - children.ru_stime
    )
    if proc.returncode != 0:
        raise RuntimeError(
            f"pgbench failed ({proc.returncode}):\n{proc.stderr[-3000:]}\n{proc.stdout[-2000:]}"
        )
    import re

    tps = float(re.search(r"tps = ([\d.]+) \(without initial connection time\)", proc.stdout).group(1))
    failed = re.search(r"number of failed transactions: (\d+)", proc.stdout)
    rows = []  # (client, transaction number, seconds)
    for path in log_dir.glob("pgb.*"):
        for line in path.read_text().splitlines():
            parts = line.split()
            if len(parts) >= 3 and parts[2].isdigit():
                rows.append((parts[0], int(parts[1]), int(parts[2]) / 1e6))
    first = {}
    for client, number, _s in rows:
        first[client] = min(number, first.get(client, number))
    latencies = [s for _c, _n, s in rows]
    # A client's first transaction also prepares every statement of the script (-M prepared) while 63 others
    # connect and do the same: it is listed apart, as the app's warm-up hides the same cost.
    later = [s for c, n, s in rows if n != first[c]]
    cpu = Q.cpu_delta(before, after, seconds)
    return {
        "clients": clients,
        "transactions": per_client * clients,
        "tps": round(tps, 1),
        **percentiles(latencies),
        "without_first_per_client": percentiles(later),
        "failed": int(failed.group(1)) if failed else 0,
        "cpu": cpu,
        "machine_busy_before": idle,
        "slot": slot_check(hall["dsn"], hall["hall_id"], start),
        "protocol": "prepared statements (-M prepared)",
    }


# --- main ---------------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--role", choices=["main", "loadgen"], default="main", help=argparse.SUPPRESS)
    parser.add_argument(
        "--pg",
        default=os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432"),
        help="PostgreSQL server URL without a database name",
    )
    parser.add_argument("--db", default="servicehall_bench_appt")
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument("--port", type=int, default=8720)
    parser.add_argument(
        "--workers", type=int, default=2, help="granian WSGI workers (servicehall serve --workers)"
    )
    parser.add_argument(
        "--threads", type=int, default=None, help="blocking threads per worker (default: serve's)"
    )
    parser.add_argument("--attempts", type=int, default=2000, help="booking attempts per storm")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument(
        "--runs", type=int, default=3, help="storms, each on a fresh slot (the median is kept)"
    )
    parser.add_argument(
        "--quiet-wait",
        type=float,
        default=60.0,
        help="before each storm, wait up to this many seconds for other work on the machine to stop",
    )
    parser.add_argument("--skip-pgbench", action="store_true")
    parser.add_argument("--pgbench-runs", type=int, default=3)
    parser.add_argument(
        "--profile", action="store_true", help="add an in-process cProfile of both request kinds"
    )
    args = parser.parse_args()

    if args.role == "loadgen":
        print(json.dumps(asyncio.run(loadgen(json.loads(sys.stdin.read())))))
        return

    dsn = Q.admin_dsn(args.pg, args.db)
    var_dir = tempfile.mkdtemp(prefix="servicehall-bench-appt-")
    env = Q.server_env(dsn, var_dir)
    os.environ.update({k: v for k, v in env.items() if k.startswith(("SERVICEHALL_", "DJANGO_"))})
    log(f"creating database {args.db}")
    Q.create_database(args.pg, args.db)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from servicehall.core.models import Hall

    log("migrating")
    call_command("migrate", interactive=False, verbosity=0)
    log("building the halls, plans, calendars, clerks and tokens")
    hall, pgb_hall = build_hall(HALL), build_hall(PGB_HALL)
    hall["dsn"] = pgb_hall["dsn"] = dsn
    zone = Hall.objects.get(code=PGB_HALL).tzinfo
    # Slots: one per storm, one for the warm-up, one free and the warm-up's (full) for the statement count.
    slots = open_slots(HALL, args.runs + 2)
    storm_slots, warm_slot, free_slot = slots[: args.runs], slots[args.runs], slots[args.runs + 1]
    pgb_slots = open_slots(PGB_HALL, args.pgbench_runs)
    connection.close()
    dsn_parts = connection.get_connection_params()

    out: dict = {
        "code": Q._code_version(),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "postgres": Q._pg_version(dsn),
        },
        "storm": {
            "attempts": args.attempts,
            "connections": args.connections,
            "seats": SEATS,
            "request": "POST /api/v1/appointments (clerk API token: no rate limit, no check question), "
            "each attempt with its own mobile number and resident ID, all on one slot",
        },
        "load_generator": "separate process: asyncio client, raw HTTP/1.1 keep-alive sockets "
        "(bench/queue.py's), one connection per simulated client, all connected before the start; "
        "latency = request written to response read; attempts_per_s = attempts / (first request sent to last "
        "response read)",
    }
    port, events_port = args.port, args.port + 1
    serve_args = ["--workers", str(args.workers), "--port", str(port), "--events-port", str(events_port)]
    if args.threads:
        serve_args += ["--threads", str(args.threads)]
    if args.workers < 2:
        serve_args.append("--split")
    server = Q.start_server(serve_args, env, [port, events_port], Path(var_dir) / "server.log")
    runs = []
    try:
        out["serving"] = {
            "command": "servicehall serve " + " ".join(serve_args),
            "requests": f"granian WSGI, {args.workers} workers x {args.threads or 2} threads, "
            "persistent DB connections",
        }
        log(f"warm-up: 128 bookings from 8 connections on {warm_slot.isoformat()}")
        warm_up(port, hall, warm_slot, first=1_000_000)
        for i, start in enumerate(storm_slots):
            idle = Q.wait_until_quiet(args.quiet_wait)
            log(
                f"storm {i + 1}/{args.runs}: {args.attempts} attempts, {args.connections} connections, slot "
                f"{start.isoformat()} ({SEATS} seats)"
            )
            citizens = [citizen(2_000_000 + i * 100_000 + n) for n in range(args.attempts)]
            sampler = Q.LockSampler(dsn, args.db, 1.0, 3.0)
            sampler.thread.start()
            result = run_loadgen(
                {
                    "host": "127.0.0.1",
                    "port": port,
                    "connections": args.connections,
                    "attempts": args.attempts,
                    "hall": HALL,
                    "service": SERVICE,
                    "start": start.isoformat(),
                    "token": hall["token"],
                    "citizens": citizens,
                    "server_pid": server.pid,
                    "db": args.db,
                }
            )
            sampler.thread.join()
            check = slot_check(dsn, hall["hall_id"], start)
            statuses = {str(k): v for k, v in sorted(result["statuses"].items(), key=lambda kv: str(kv[0]))}
            confirmed = result["statuses"].get("201", 0)
            used = result["cpu"]["cores_used_by"]
            server_cores = sum(v for k, v in used.items() if k in ("granian_workers", "uvicorn", "serve"))
            run = {
                "slot": start.isoformat(),
                "seconds": round(result["seconds"], 2),
                "attempts_per_s": round(args.attempts / result["seconds"], 1),
                **result["latency"],
                "status_counts": statuses,
                "latency_by_status": result["latency_by_status"],
                "errors_409": result["errors_409"],
                "confirmed": confirmed,
                "confirmed_equals_capacity": confirmed
                == SEATS
                == check.get("taken")
                == check.get("booked")
                == check.get("seat_holding")
                == check.get("distinct_codes")
                and len(set(result["codes"])) == confirmed
                and set(result["statuses"]) <= {"201", "409"}
                and result["errors_409"] == {"slot_full": args.attempts - SEATS},
                "database": check,
                "cpu": result["cpu"],
                "cpu_ms_per_attempt": {
                    "server": round(server_cores * result["seconds"] / args.attempts * 1000, 2),
                    "postgres": round(used.get("postgres", 0) * result["seconds"] / args.attempts * 1000, 2),
                },
                "load_generator_cpu_us_per_request": result["load_generator_cpu_us_per_request"],
                "database_activity": sampler.summary(),
                "machine_busy_before": idle,
            }
            log(
                f"storm {i + 1}: {run['attempts_per_s']} attempts/s, p50 {run['p50_ms']} ms, "
                f"p99 {run['p99_ms']} ms, {statuses}, confirmed {confirmed}, check {check}, "
                f"cpu {result['cpu']}"
            )
            runs.append(run)
    finally:
        code = Q.stop_server(server)
        log(f"server stopped (exit code {code})")
    out["serving"]["exit_code_after_sigint"] = code
    median = sorted(runs, key=lambda r: r["attempts_per_s"])[len(runs) // 2]
    out["result"] = {
        k: median[k]
        for k in (
            "attempts_per_s",
            "p50_ms",
            "p90_ms",
            "p99_ms",
            "max_ms",
            "status_counts",
            "latency_by_status",
            "confirmed",
            "cpu_ms_per_attempt",
        )
    }
    out["result"]["which"] = f"the median of {len(runs)} storms by attempts/s"
    out["result"]["all_runs_attempts_per_s"] = [r["attempts_per_s"] for r in runs]
    out["result"]["all_runs_p99_ms"] = [r["p99_ms"] for r in runs]
    out["confirmed_equals_capacity"] = all(r["confirmed_equals_capacity"] for r in runs)
    out["runs"] = runs

    log("counting the SQL statements of one booking and one refusal")
    out["queries_per_request"] = queries_per_request(hall, free_slot, warm_slot, first=3_000_000)
    for kind in out["queries_per_request"].values():
        kind["sql"] = [s[:140] for s in kind["sql"]]
    if args.profile:
        log("profiling bookings and refusals in-process")
        out["profile"] = profile_requests(hall, free_slot, warm_slot, first=3_100_000)

    if not args.skip_pgbench:
        pgbench = Q.find_pgbench()
        if pgbench is None:
            out["pgbench"] = {"error": "pgbench not found (apt-get install postgresql-client)"}
        else:
            pg_runs = []
            for i, start in enumerate(pgb_slots):
                log(
                    f"pgbench ({i + 1}/{args.pgbench_runs}): {args.connections} clients, "
                    f"{args.attempts} booking transactions on a fresh slot of {SEATS} seats"
                )
                pg_runs.append(
                    run_pgbench(
                        pgbench,
                        dsn_parts,
                        pgb_hall,
                        start,
                        start.astimezone(zone).date(),
                        args.connections,
                        args.attempts,
                        Path(var_dir),
                        args.quiet_wait,
                    )
                )
                log(
                    f"pgbench: {pg_runs[-1]['tps']} tps, p99 {pg_runs[-1]['p99_ms']} ms, slot "
                    f"{pg_runs[-1]['slot']}, other processes "
                    f"{pg_runs[-1]['cpu']['cores_used_by_other_processes']}"
                )
            pg = sorted(pg_runs, key=lambda r: r["tps"])[len(pg_runs) // 2]
            pg["all_runs_tps"] = [r["tps"] for r in pg_runs]
            out["pgbench"] = pg
            out["ratio_to_pgbench"] = round(out["result"]["attempts_per_s"] / pg["tps"], 3)
    out["goal"] = {
        "attempts_per_s_at_least_400": out["result"]["attempts_per_s"] >= 400,
        "p99_under_250ms": (out["result"]["p99_ms"] or 1e9) < 250,
    }
    if not args.keep_db:
        connection.close()
        Q.drop_database(args.pg, args.db)
    shutil.rmtree(var_dir, ignore_errors=True)
    print(json.dumps(out, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
