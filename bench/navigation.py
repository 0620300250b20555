"""Routing on a generated 5-level hall: ≥ 2,000 graph nodes, 200 counters. In-process only (no database,
no server): the graph build a publish costs, route p50/p99 over random pairs (default and step-free), and
the peak memory. Prints one JSON document on stdout, progress on stderr.

    PYTHONPATH=src .venv/bin/python bench/navigation.py [--routes 2000] [--seed 1]
"""

import argparse
import json
import os
import random
import resource
import statistics
import sys
import time

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


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--routes", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
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
        "not_measured": "over HTTP at 16 connections (p99 < 50 ms goal): not built yet",
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
