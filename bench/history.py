"""The hall history page's reads at scale (issue 18): one hall with ``--tickets`` tickets over ``--years``
years on PostgreSQL; times each grouped read of ``analytics.hall_history`` for the last year (the table
by service, by window and by clerk; the hour × weekday grid with the trend by day), as the page runs them:
first from the raw tickets, then (after the back-fill of the summary tables, timed too) from the
summaries, in the same run, and checks both give the same table.

    .venv/bin/python bench/history.py [--tickets 5000000] [--years 3] [--keep-db] [--reuse] [--rounds 3]

Builds the throw-away database ``servicehall_bench_history`` (migrate, the demo hall through the
services), then writes the tickets with ``COPY`` (random service and hour; a window that serves the
item, its clerk of that half-day; status mix, waits and service times; ~10% by appointment, ~3%
no-shows, ~2% left before the call) and ``ANALYZE``s. Each read runs ``--rounds`` times; the best and
the worst are reported. Prints one JSON document; the goal from the issue: the page's queries for a
year under 2 s in all.
"""

import argparse
import datetime
import importlib.util
import json
import os
import random
import sys
import time
from pathlib import Path

sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
DB = "servicehall_bench_history"
HERE = Path(__file__).resolve().parent


def _customers_bench():
    """The database helpers of ``bench/customers.py`` (psql, COPY in batches, log)."""
    spec = importlib.util.spec_from_file_location("bench_customers", HERE / "customers.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build(tickets: int, years: int, seed: int = 18) -> dict:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from servicehall.catalog.models import ServiceItem
    from servicehall.core.models import Counter, Hall
    from servicehall.demo import HALL_CODE, load_demo
    from servicehall.queueing.models import Ticket

    helpers = _customers_bench()
    call_command("migrate", interactive=False, verbosity=0)
    load_demo()
    hall = Hall.objects.get(code=HALL_CODE)
    services = list(ServiceItem.objects.filter(hall=hall).values_list("pk", "ticket_prefix"))
    counters = list(Counter.objects.filter(hall=hall).values_list("pk", flat=True))
    # As in a real hall: a ticket is called at a window that serves its item (the demo's catalogue), and
    # a window has one clerk per half-day (a rota that turns over the clerks day by day).
    serving: dict[int, list[int]] = {}
    for item_id, counter_id in ServiceItem.counters.through.objects.filter(
        serviceitem__hall=hall
    ).values_list("serviceitem_id", "counter_id"):
        serving.setdefault(item_id, []).append(counter_id)
    clerks = list(
        get_user_model().objects.filter(memberships__hall=hall).values_list("pk", flat=True).distinct()
    )
    rng = random.Random(seed)
    end = datetime.date(2031, 12, 31)
    first_day = end - datetime.timedelta(days=365 * years - 1)
    days = [first_day + datetime.timedelta(days=k) for k in range((end - first_day).days + 1)]
    days = [d for d in days if d.weekday() < 5]
    per_day = max(1, tickets // len(days))
    tz = hall.tzinfo
    start = (Ticket.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    started = time.monotonic()

    def rows():
        for i in range(tickets):
            day = days[min(len(days) - 1, i // per_day)]
            at = datetime.datetime.combine(day, datetime.time(9), tzinfo=tz) + datetime.timedelta(
                seconds=rng.randrange(8 * 3600)
            )
            service, prefix = services[rng.randrange(len(services))]
            windows = serving.get(service) or counters
            counter = windows[rng.randrange(len(windows))]
            turn = counters.index(counter) + (day - first_day).days * 2 + (at.hour >= 12)
            roll = rng.random()
            status = "no_show" if roll < 0.03 else "cancelled" if roll < 0.05 else "completed"
            called = status != "cancelled"
            wait = rng.randint(0, 3600) if called else None
            channel = "appointment" if rng.random() < 0.1 else "kiosk"
            yield (
                start + i, f"h{i:x}", hall.pk, service, day, prefix, i, f"{prefix}{i % 1000:03d}", channel,
                "normal", False, status, "", "", None, "", "", "", 0, 1 if rng.random() < 0.04 else 0,
                at, at, at, (at + datetime.timedelta(seconds=wait)) if called else None,
                counter if called else None,
                clerks[turn % len(clerks)] if called else None,
                wait, rng.randint(60, 1200) if status == "completed" else None,
            )  # fmt: skip

    cols = [
        "id", "public_id", "hall_id", "service_id", "day", "prefix", "seq", "number", "channel", "priority",
        "is_priority", "status", "phone_encrypted", "phone_hint", "customer_id", "note", "outcome",
        "cancel_reason", "recall_count", "transfer_count", "issued_at", "queued_at", "waiting_since",
        "first_called_at", "counter_id", "clerk_id", "wait_seconds", "service_seconds",
    ]  # fmt: skip
    helpers.copy_rows(Ticket._meta.db_table, cols, rows())
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT setval(pg_get_serial_sequence('{Ticket._meta.db_table}', 'id'), %s)", [start + tickets]
        )
        cur.execute("ANALYZE")
    helpers.log(f"{tickets} tickets in {time.monotonic() - started:.0f} s")
    return {"hall": hall.pk, "end": end.isoformat(), "setup_seconds": round(time.monotonic() - started, 1)}


def measure_both(built: dict, rounds: int) -> dict:
    """The page's reads from the raw tickets (no summaries), then the back-fill of the summary tables
    (what the worker's first run does), then the same reads from the summaries, in one run; the figures
    of both must be equal."""
    import time_machine

    from servicehall.analytics import hall_history, summaries
    from servicehall.core.models import Hall

    hall = Hall.objects.get(pk=built["hall"])
    end = datetime.date.fromisoformat(built["end"])
    # the history's last day is "yesterday": the summaries cover it, today would be read raw
    now = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time(12), tzinfo=hall.tzinfo)
    with time_machine.travel(now, tick=False):
        from servicehall.analytics.models import DaySummary, HourSummary, SummaryState

        SummaryState.objects.filter(hall=hall).delete()
        HourSummary.objects.filter(hall=hall).delete()
        DaySummary.objects.filter(hall=hall).delete()
        raw = measure(built, rounds)
        scope = {"since": end - datetime.timedelta(days=364), "until": end, "by": "clerk"}
        before = [(r.key, r.arrivals, r.p90_wait) for r in hall_history.breakdown(hall, **scope)]
        t0 = time.perf_counter()
        done = summaries.refresh(hall=hall)
        backfill = time.perf_counter() - t0
        t0 = time.perf_counter()
        again = summaries.refresh(hall=hall)
        nightly = time.perf_counter() - t0
        fast = measure(built, rounds)
        after = [(r.key, r.arrivals, r.p90_wait) for r in hall_history.breakdown(hall, **scope)]
    return {
        "raw": raw,
        "summaries": fast,
        "same_figures": before == after,
        "backfill": {"seconds": round(backfill, 1), **done},
        "nightly_refresh": {"seconds": round(nightly, 2), **again},
        "summary_rows": {
            "hour": HourSummary.objects.filter(hall=hall).count(),
            "day": DaySummary.objects.filter(hall=hall).count(),
        },
        "speedup_page": round(raw["page_year_s"]["best"] / max(fast["page_year_s"]["best"], 1e-6), 1),
    }


def measure(built: dict, rounds: int) -> dict:
    from servicehall.analytics import hall_history
    from servicehall.core.models import Hall

    hall = Hall.objects.get(pk=built["hall"])
    until = datetime.date.fromisoformat(built["end"])
    scope = {"since": until - datetime.timedelta(days=364), "until": until}
    reads = {
        "table_by_service": lambda: hall_history.breakdown(hall, by="service", **scope),
        "table_by_counter": lambda: hall_history.breakdown(hall, by="counter", **scope),
        "table_by_clerk": lambda: hall_history.breakdown(hall, by="clerk", **scope),
        "hour_by_weekday_and_days": lambda: hall_history.by_hour(hall, **scope),
    }
    out, page = {}, []
    for name, read in reads.items():
        times = []
        for _ in range(rounds):
            t0 = time.perf_counter()
            read()
            times.append(time.perf_counter() - t0)
        out[name] = {"best_s": round(min(times), 3), "worst_s": round(max(times), 3)}
    for _ in range(rounds):  # what one page view runs: one table, the grid, the trend
        t0 = time.perf_counter()
        for name in ("table_by_service", "hour_by_weekday_and_days"):
            reads[name]()
        page.append(time.perf_counter() - t0)
    year = hall.tickets.filter(day__gte=scope["since"], day__lte=until).count()
    return {
        "year_tickets": year,
        "reads": out,
        "page_year_s": {"best": round(min(page), 3), "worst": round(max(page), 3)},
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=5_000_000)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument("--reuse", action="store_true", help="measure a kept database again")
    args = parser.parse_args()
    helpers = _customers_bench()
    var = Path(f"/tmp/{DB}")
    if not args.reuse:
        helpers.psql(f"DROP DATABASE IF EXISTS {DB}")
        helpers.psql(f"CREATE DATABASE {DB}")
    os.environ["SERVICEHALL_DATABASE_URL"] = f"postgresql://postgres@127.0.0.1:5432/{DB}"
    os.environ.setdefault("SERVICEHALL_VAR_DIR", str(var))
    os.environ["DJANGO_SETTINGS_MODULE"] = "servicehall.settings"
    import django

    django.setup()
    keep = args.keep_db or args.reuse
    try:
        if args.reuse:
            built = json.loads((var / "built.json").read_text())
        else:
            built = build(args.tickets, args.years)
            if keep:
                var.mkdir(parents=True, exist_ok=True)
                (var / "built.json").write_text(json.dumps(built))
        result = measure_both(built, args.rounds)
    finally:
        from django.db import connections

        connections.close_all()
        if not keep:
            helpers.psql(f"DROP DATABASE IF EXISTS {DB}", check=False)
    out = {
        "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "database": "postgresql",
        "tickets": args.tickets,
        "years": args.years,
        "setup_seconds": built["setup_seconds"],
        "load_average": round(os.getloadavg()[0], 2),
        **result,
        "goals": {
            "page_year_under_2_s": result["summaries"]["page_year_s"]["best"] < 2,
            "same_figures": result["same_figures"],
        },
    }
    print(json.dumps(out, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
