"""Routing on a generated 5-level hall: ≥ 2,000 graph nodes, 200 counters. In-process only (no database,
no server): the graph build a publish costs, route p50/p99 over random pairs (default and step-free), and
the peak memory. Prints one JSON document on stdout, progress on stderr.

    PYTHONPATH=src .venv/bin/python bench/navigation.py [--routes 2000] [--seed 1]
"""

import argparse
import contextlib
import http.client
import json
import os
import random
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

# bench/queue.py would shadow the standard library's queue (networkx imports it): drop this folder.
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(os.path.abspath(__file__))]

from servicehall.navigation import graph, routing  # noqa: E402
from servicehall.navigation.plan import Connector, Level, Opening, Plan, Point, Space  # noqa: E402

LEVELS, ROOMS_PER_SIDE, COUNTERS_PER_ROOM = 5, 10, 4  # 5 × 20 rooms × 2 counters... see build


def rect(x0, y0, x1, y1):
    return ((x0, y0), (x1, y0), (x1, y1), (x0, y1))


def generated_hall() -> Plan:
    """Per level: a 200 m corridor, 20 rooms on its two sides (each with 2 counters, 1 kiosk-sized point
    and 20 seats as landmarks), stairs at both ends and a lift in the middle."""
    plan = Plan()
    counter = 0
    for lv in range(LEVELS):
        plan.levels.append(Level(lv, {"en": f"{lv + 1}F"}, feature_id=f"L{lv}"))
        plan.spaces.append(Space(f"corr{lv}", lv, "walkway", rect(0, 0, 200, 6)))
        for side, (y0, y1, door_y) in enumerate(((6, 20, 6), (-14, 0, 0))):
            for i in range(ROOMS_PER_SIDE):
                sid = f"room{lv}-{side}-{i}"
                x0 = 20 * i
                plan.spaces.append(Space(sid, lv, "room", rect(x0, y0, x0 + 18, y1)))
                plan.openings.append(Opening(f"d-{sid}", lv, ((x0 + 8, door_y), (x0 + 10, door_y))))
                plan.openings.append(Opening(f"d2-{sid}", lv, ((x0 + 2, door_y), (x0 + 3.5, door_y))))
                for k in range(2):
                    counter += 1
                    y = y1 - 0.2 if side == 0 else y0 + 0.2
                    plan.points.append(
                        Point(
                            f"c{counter}",
                            lv,
                            "counter",
                            x0 + 4 + 8 * k,
                            y,
                            -90 if side == 0 else 90,
                            ref=f"counter:{counter}",
                        )
                    )
                for k in range(16):
                    plan.points.append(
                        Point(
                            f"seat{sid}-{k}",
                            lv,
                            "waiting",
                            x0 + 1 + 1 * k,
                            (y0 + y1) / 2,
                            name={"en": "seats"},
                        )
                    )
        for name, x in (("stW", 0), ("stE", 190), ("lift", 84)):
            kind = "lift" if name == "lift" else "stairs"
            plan.spaces.append(Space(f"{name}{lv}", lv, kind, rect(x, -20, x + 4, -16)))
            plan.spaces.append(Space(f"{name}-hall{lv}", lv, "walkway", rect(x, -16, x + 4, -14)))
            plan.openings.append(Opening(f"d-{name}{lv}", lv, ((x + 1, -16), (x + 3, -16))))
    for name in ("stW", "stE", "lift"):
        kind = "lift" if name == "lift" else "stairs"
        plan.connectors.append(Connector(name, kind, tuple(f"{name}{lv}" for lv in range(LEVELS))))
    # the small halls in front of the stairs and lift join the room above them on each level
    for lv in range(LEVELS):
        for name in ("stW", "stE", "lift"):
            x = {"stW": 0, "stE": 190, "lift": 84}[name]
            plan.openings.append(Opening(f"d-{name}-room{lv}", lv, ((x + 0.5, -14), (x + 3.5, -14))))
    plan.openings.append(Opening("entrance", 0, ((0, 2), (0, 4)), "entrance"))
    return plan


def percentile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))]


HALL = "bench-nav"
VENV_BIN = Path(sys.executable).parent


def setup_database() -> None:
    """(Child process, Django configured by the environment.) Migrate, then the hall, its 200 counters
    and the generated plan, published through the project's services."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from servicehall.core import services as core
    from servicehall.core.actors import Actor
    from servicehall.navigation.services import map_draft_save, map_publish

    call_command("migrate", verbosity=0)
    admin = get_user_model().objects.create_superuser(username="bench", password="bench-password-1")
    actor = Actor(user=admin, ip="127.0.0.1")
    hall = core.hall_create(actor=actor, code=HALL, name="Bench hall")
    for i in range(1, 201):
        core.counter_create(actor=actor, hall=hall, number=str(i), name=f"{i}号窗口")
    version = map_draft_save(actor=actor, hall=hall, plan=generated_hall(), ref_lon=120.15, ref_lat=30.28)
    t = time.perf_counter()
    map_publish(actor=actor, version=version)
    print(json.dumps({"publish_ms": round((time.perf_counter() - t) * 1000, 1)}))


def wait_for_port(port: int, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.2)
    raise RuntimeError(f"nothing listens on port {port}")


def load(port: int, connections: int, warmup: float, duration: float, seed: int) -> dict:
    counters = [f"counter:{i}" for i in range(1, 201)]
    start = time.monotonic() + warmup
    stop = start + duration
    results: list[tuple[float, int]] = []
    lock = threading.Lock()
    errors: list[str] = []

    def worker(n: int) -> None:
        rng = random.Random(seed + n)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        while time.monotonic() < stop:
            a = "entrance" if rng.random() < 0.25 else rng.choice(counters)
            b = rng.choice(counters)
            free = "true" if rng.random() < 0.2 else "false"
            t = time.monotonic()
            conn.request("GET", f"/api/v1/halls/{HALL}/route?from={a}&to={b}&step_free={free}&lang=zh-hans")
            response = conn.getresponse()
            response.read()
            if t >= start:
                mine.append(((time.monotonic() - t) * 1000, response.status))
        conn.close()
        with lock:
            results.extend(mine)

    def safe(n: int) -> None:
        try:
            worker(n)
        except Exception as exc:  # noqa: BLE001 - a load generator reports, it does not stop
            with lock:
                errors.append(repr(exc))

    threads = [threading.Thread(target=safe, args=(n,)) for n in range(connections)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    times = [ms for ms, _status in results] or [float("nan")]
    statuses: dict[str, int] = {}
    for _ms, status in results:
        statuses[str(status)] = statuses.get(str(status), 0) + 1
    return {
        "raw": results,
        "connections": connections,
        "requests": len(times),
        "requests_per_s": round(len(times) / duration, 1),
        "p50_ms": round(statistics.median(times), 2),
        "p99_ms": round(percentile(times, 99), 2),
        "max_ms": round(max(times), 2),
        "status_codes": statuses,
        "client_errors": errors[:5],
    }


def load_in_processes(port: int, connections: int, duration: float, seed: int, processes: int = 4) -> dict:
    """The connections spread over a few load-generator processes (one Python process's threads would
    queue on its own lock and add their wait to the latencies)."""
    per = [connections // processes + (1 if i < connections % processes else 0) for i in range(processes)]
    procs = []
    for i, n in enumerate(per):
        spec = {"port": port, "connections": n, "warmup": 3.0, "duration": duration, "seed": seed + 100 * i}
        proc = subprocess.Popen(
            [sys.executable, __file__, "--role", "loadgen"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        proc.stdin.write(json.dumps(spec))
        proc.stdin.close()
        procs.append(proc)
    raw = []
    for proc in procs:
        raw += json.loads(proc.stdout.read())["raw"]
        proc.wait()
    times = [ms for ms, _status in raw] or [float("nan")]
    statuses: dict[str, int] = {}
    for _ms, status in raw:
        statuses[str(status)] = statuses.get(str(status), 0) + 1
    return {
        "connections": connections,
        "load_processes": processes,
        "requests": len(raw),
        "requests_per_s": round(len(raw) / duration, 1),
        "p50_ms": round(statistics.median(times), 2),
        "p99_ms": round(percentile(times, 99), 2),
        "max_ms": round(max(times), 2),
        "status_codes": statuses,
    }


def http_phase(args) -> dict:
    var_dir = tempfile.mkdtemp(prefix="nav-bench-")
    env = {k: v for k, v in os.environ.items() if not k.startswith("SERVICEHALL_")}
    env.update(
        {
            "SERVICEHALL_ENV": "production",
            "SERVICEHALL_SECRET_KEY": "bench-" + "x" * 50,
            "SERVICEHALL_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SERVICEHALL_DATABASE_URL": f"sqlite:///{var_dir}/bench.sqlite3",
            "SERVICEHALL_VAR_DIR": var_dir,
            "SERVICEHALL_NOTIFY_BACKEND": "console",
            "SERVICEHALL_PUBLIC_URL": "http://127.0.0.1",
            "DJANGO_SETTINGS_MODULE": "servicehall.settings",
        }
    )
    print("http: building the database", file=sys.stderr)
    done = subprocess.run(
        [sys.executable, __file__, "--role", "setup"], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-3000:])
    publish = json.loads(done.stdout.strip().splitlines()[-1])
    port = args.port
    cmd = [str(VENV_BIN / "servicehall"), "serve", "--workers", "2", "--port", str(port)]
    cmd += ["--events-port", str(port + 1), "--log-level", "warning"]
    log = open(Path(var_dir) / "server.log", "ab")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_for_port(port, proc)
        warm = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        for i in range(8):  # every worker process builds its graph before the clock starts
            warm.request("GET", f"/api/v1/halls/{HALL}/route?from=entrance&to=counter:{i + 1}")
            answer = warm.getresponse()
            answer.read()
            if answer.status != 200:
                raise RuntimeError(f"warm-up route answered {answer.status}")
            warm.close()
        print(f"http: {args.connections} connections, {args.duration} s", file=sys.stderr)
        result = load_in_processes(port, args.connections, args.duration, args.seed)
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()
    return {**publish, **result, "server": "servicehall serve --workers 2 (granian), SQLite"}


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--routes", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--http", action="store_true", help="also measure over HTTP")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--port", type=int, default=8730)
    parser.add_argument(
        "--role", choices=["main", "setup", "loadgen"], default="main", help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.role == "setup":
        setup_database()
        return
    if args.role == "loadgen":
        spec = json.loads(sys.stdin.read())
        print(json.dumps(load(**spec)))
        return
    plan = generated_hall()
    builds = []
    for _ in range(3):
        t = time.perf_counter()
        g = graph.build(plan)
        builds.append((time.perf_counter() - t) * 1000)
    counters = [p.ref for p in plan.points if p.ref.startswith("counter:")]
    print(
        f"graph: {len(g.full)} nodes, {g.full.number_of_edges()} edges, {len(counters)} counters",
        file=sys.stderr,
    )
    rng = random.Random(args.seed)
    out = {}
    for step_free in (False, True):
        times, failures = [], 0
        for i in range(args.routes):
            a = "entrance" if i % 4 == 0 else rng.choice(counters)
            b = rng.choice(counters)
            if a == b:
                continue
            t = time.perf_counter()
            try:
                routing.route(g, a, b, step_free=step_free, lang="en")
            except graph.NoRoute:
                failures += 1
            times.append((time.perf_counter() - t) * 1000)
        key = "step_free" if step_free else "default"
        out[key] = {
            "routes": len(times),
            "no_route": failures,
            "p50_ms": round(statistics.median(times), 3),
            "p99_ms": round(percentile(times, 99), 3),
            "max_ms": round(max(times), 3),
        }
        print(f"{key}: {out[key]}", file=sys.stderr)
    result = {
        "benchmark": "navigation",
        "graph": {
            "levels": LEVELS,
            "nodes": len(g.full),
            "edges": g.full.number_of_edges(),
            "step_free_nodes": len(g.step_free),
            "counters": len(counters),
            "build_ms": [round(b, 1) for b in builds],
        },
        "routes_in_process": out,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "goals": {
            "nodes_at_least_2000": len(g.full) >= 2000,
            "counters_at_least_200": len(counters) >= 200,
            "p99_under_10_ms": all(v["p99_ms"] < 10 for v in out.values()),
        },
    }
    if args.http:
        result["http"] = http_phase(args)
        result["goals"]["http_p99_under_50_ms"] = result["http"]["p99_ms"] < 50
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
