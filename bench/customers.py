"""Customer records at scale (issue 15): one hall with ``--people`` records and ``--visits`` linked
tickets over a year on PostgreSQL; measures the look-up by ID digest (p99), one heavy person's timeline
and the year's segment statistics.

    .venv/bin/python bench/customers.py [--people 1000000] [--visits 5000000] [--heavy 500] [--keep-db]
                                        [--db NAME] [--reuse]

Builds the throw-away database ``--db`` (default ``servicehall_bench_customers``: migrate, the demo hall
through the services), then writes people, tickets and ratings (one ticket in three) with ``COPY`` (the
personal columns hold one real Fernet token shared by all rows: the bench measures look-ups, not
encryption; digests and hints are per person, made by the project's own functions). ``--keep-db`` keeps
the database; ``--reuse`` measures a kept one again without building it. Look-ups go through
``services.person_search`` (digest equality plus its audit row), the timeline through
``selectors.person_timeline``, the statistics through ``statistics.segment_statistics``: first raw (no
summary built), then after the worker's back-fill of the daily segment summaries (``customers.summaries``;
the two must agree), and a night's refresh. Prints one JSON
document; goals from the issue: look-up p99 < 20 ms, timeline < 100 ms, statistics for a year < 10 s.
Needs PostgreSQL on 127.0.0.1:5432 (user postgres).
"""

import argparse
import datetime
import io
import json
import os
import random
import resource
import statistics as pystats
import subprocess
import sys
import time
from pathlib import Path

sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
DB = "servicehall_bench_customers"
YEAR_START = datetime.date(2031, 1, 1)
REGIONS = ["330106"] * 5 + ["330102", "330105", "330302", "320102", "420106", "110105"]


def psql(sql: str, check: bool = True) -> None:
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", sql, "postgres"], check=check)


def log(msg: str) -> None:
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


def make_id(i: int) -> str:
    """The ``i``-th made-up resident ID: unique for i < 24,000,000 (the birth day walks 24,000 days from
    1940 by a step prime to 24,000, the sequence number counts the rounds), born 1940-2005."""
    from servicehall.core.identity import resident_id_check_char

    birth = (datetime.date(1940, 1, 1) + datetime.timedelta(days=(i * 7919) % 24000)).strftime("%Y%m%d")
    first17 = f"{REGIONS[i % len(REGIONS)]}{birth}{(i // 24000) % 1000:03d}"
    return first17 + resident_id_check_char(first17)


def copy_rows(table: str, columns: list[str], rows, batch: int = 200_000) -> None:
    """COPY ``rows`` (tuples, None for NULL) into ``table`` in batches."""
    from django.db import connection

    def text(v) -> str:
        if v is None:
            return "\\N"
        if isinstance(v, bool):
            return "t" if v else "f"
        return str(v).replace("\\", "\\\\").replace("\t", " ").replace("\n", " ")

    buf, n = io.StringIO(), 0
    with connection.cursor() as cur:
        raw = cur.cursor
        sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"

        def flush():
            with raw.copy(sql) as copy:
                copy.write(buf.getvalue())

        for row in rows:
            buf.write("\t".join(text(v) for v in row) + "\n")
            n += 1
            if n % batch == 0:
                flush()
                buf.seek(0)
                buf.truncate()
        if buf.tell():
            flush()


def build(people: int, visits: int, heavy: int, seed: int = 15) -> dict:
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from servicehall.core import crypto
    from servicehall.core.identity import mask_resident_id, resident_id_region
    from servicehall.customers.choices import home_area
    from servicehall.customers.models import Person
    from servicehall.customers.services import certificate_digest
    from servicehall.demo import HALL_CODE, load_demo
    from servicehall.quality.models import Rating
    from servicehall.queueing.models import Ticket

    call_command("migrate", interactive=False, verbosity=0)
    load_demo()
    from servicehall.core.models import Hall

    hall = Hall.objects.get(code=HALL_CODE)
    rng = random.Random(seed)
    token = crypto.encrypt("bench")
    now = timezone.now()
    started = time.monotonic()
    Person.objects.filter(hall=hall).delete()  # the demo's few hundred: the bench makes its own
    first_pk = (Person.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    sample: list[tuple[int, str]] = []
    regions: dict[str, dict] = {}

    def person_rows():
        for i in range(people):
            number = make_id(i)
            region = regions.get(number[:6]) or regions.setdefault(number[:6], resident_id_region(number))
            if i % max(1, people // 2000) == 0:
                sample.append((first_pk + i, number))
            yield (
                first_pk + i, hall.pk, "active", "resident_id", token, mask_resident_id(number),
                certificate_digest("resident_id", number), "", "", "", "", "", "", "[]", int(number[6:10]),
                "M" if int(number[16]) % 2 else "F", region["province_code"], region["city_code"],
                (region["province"] + region["city"])[:40], home_area(number[:6], "330106"), now, now,
                None, None, None, "",
            )  # fmt: skip

    cols = [
        "id", "hall_id", "status", "id_type", "id_encrypted", "id_hint", "id_digest", "name_encrypted",
        "name_hint", "phone_encrypted", "phone_hint", "phone_digest", "language", "accessibility",
        "birth_year", "sex", "province_code", "city_code", "region_name", "home_area", "created_at",
        "last_seen_at",
        "merged_into_id", "merged_at", "erased_at", "erase_reason",
    ]  # fmt: skip
    copy_rows(Person._meta.db_table, cols, person_rows())
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT setval(pg_get_serial_sequence('{Person._meta.db_table}', 'id'), %s)", [first_pk + people]
        )
    log(f"{people} people in {time.monotonic() - started:.0f} s")
    services = list(hall.service_items.values_list("pk", "code")) if hasattr(hall, "service_items") else []
    if not services:
        from servicehall.catalog.models import ServiceItem

        services = list(ServiceItem.objects.filter(hall=hall).values_list("pk", "code"))
    tz = hall.tzinfo
    heavy_pk = first_pk  # the first person comes ``heavy`` times
    t1 = time.monotonic()
    first_ticket = (Ticket.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    rated: list[tuple] = []

    def ticket_rows():
        per_day = max(1, visits // 365)
        for i in range(visits):
            day = YEAR_START + datetime.timedelta(days=min(364, i // per_day))
            at = datetime.datetime.combine(day, datetime.time(9), tzinfo=tz) + datetime.timedelta(
                seconds=(i % per_day) * 28800 // per_day
            )
            customer = heavy_pk if i % max(1, visits // heavy) == 0 else first_pk + rng.randrange(people)
            if rng.random() < 0.3:
                customer = None
            service, code = services[rng.randrange(len(services))]
            wait = rng.randint(0, 3600)
            if i % 3 == 0:
                rated.append((first_ticket + i, service, at + datetime.timedelta(seconds=wait + 300)))
            yield (
                first_ticket + i, f"b{i:x}", hall.pk, service, day, "B", i, f"B{i % 10000:04d}", "kiosk",
                "normal", False,
                "completed", "", "", customer, "", "", "", 0, 0, at, at, at,
                at + datetime.timedelta(seconds=wait), wait, 300,
            )  # fmt: skip

    tcols = [
        "id", "public_id", "hall_id", "service_id", "day", "prefix", "seq", "number", "channel", "priority",
        "is_priority", "status", "phone_encrypted", "phone_hint", "customer_id", "note", "outcome",
        "cancel_reason", "recall_count", "transfer_count", "issued_at", "queued_at", "waiting_since",
        "completed_at",
        "wait_seconds", "service_seconds",
    ]  # fmt: skip
    copy_rows(Ticket._meta.db_table, tcols, ticket_rows())
    log(f"{visits} visits in {time.monotonic() - t1:.0f} s")
    t2 = time.monotonic()
    copy_rows(Rating._meta.db_table, RCOLS, rating_rows(rated, hall.pk, rng))
    with connection.cursor() as cur:
        for model, n in ((Ticket, first_ticket + visits), (Rating, len(rated) + 1)):
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{model._meta.db_table}', 'id'), %s)", [n])
        cur.execute("ANALYZE")
    log(f"{len(rated)} ratings in {time.monotonic() - t2:.0f} s")
    return {
        "hall": hall.pk,
        "heavy": heavy_pk,
        "sample": sample,
        "setup_seconds": round(time.monotonic() - started, 1),
    }


RCOLS = [
    "public_id", "hall_id", "ticket_id", "service_id", "level", "tags", "comment", "channel", "is_default",
    "served_at", "rated_at", "excluded",
]  # fmt: skip


def rating_rows(rated: list[tuple], hall_pk: int, rng):
    """One rating per rated ticket, mostly good (a 好差评 hall's usual spread)."""
    for n, (ticket_pk, service, at) in enumerate(rated):
        level = rng.choices([5, 4, 3, 2, 1], weights=[70, 15, 8, 4, 3])[0]
        yield (f"r{n:x}", hall_pk, ticket_pk, service, level, "[]", "", "pad", False, at, at, False)


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return round(values[min(len(values) - 1, int(q * len(values)))], 2)


def measure(built: dict, lookups: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.utils.translation import override

    from servicehall.core.actors import Actor
    from servicehall.core.models import Hall
    from servicehall.customers import selectors, services, summaries
    from servicehall.customers.models import Person
    from servicehall.customers.statistics import segment_statistics

    hall = Hall.objects.get(pk=built["hall"])
    NOT_BUILT = datetime.datetime(2000, 1, 1, tzinfo=hall.tzinfo)  # noqa: N806 (before any ticket)
    AFTER_YEAR = datetime.datetime.combine(  # noqa: N806 (the morning after the year: all of it closed)
        YEAR_START.replace(year=YEAR_START.year + 1), datetime.time(9), tzinfo=hall.tzinfo
    )
    actor = Actor(user=get_user_model().objects.get(username="manager"), ip="127.0.0.1")
    rng = random.Random(1)
    times = []
    for _pk, number in built["sample"][:20]:  # warm-up: connection, caches, the first plans
        services.person_search(actor=actor, hall=hall, id_number=number)
    for _ in range(lookups):
        pk, number = rng.choice(built["sample"])
        t = time.perf_counter()
        found = services.person_search(actor=actor, hall=hall, id_number=number)
        times.append((time.perf_counter() - t) * 1000)
        assert [p.pk for p in found] == [pk], (pk, found)
    heavy = Person.objects.get(pk=built["heavy"])
    timeline_ms = []
    with override("zh-hans"):
        for _ in range(5):
            t = time.perf_counter()
            entries = selectors.person_timeline(person=heavy)
            timeline_ms.append((time.perf_counter() - t) * 1000)
        year = {"hall": hall, "date_from": YEAR_START, "date_to": YEAR_START.replace(month=12, day=31)}
        summaries.rebuild(hall, now=NOT_BUILT)  # nothing built: the raw read of every ticket
        t = time.perf_counter()
        raw = segment_statistics(**year)
        raw_s = time.perf_counter() - t
        t = time.perf_counter()
        summaries.rebuild(hall, now=AFTER_YEAR)  # the worker's first run: back-fill every closed day
        backfill_s = time.perf_counter() - t
        t = time.perf_counter()
        stats = segment_statistics(**year)
        stats_s = time.perf_counter() - t
        assert stats == raw, "the summaries and the tickets disagree"
        t = time.perf_counter()
        summaries.refresh(hall, now=AFTER_YEAR + datetime.timedelta(days=1))  # a night's run
        nightly_s = time.perf_counter() - t
    return {
        "lookup_by_id_digest_ms": {
            "n": lookups,
            "p50": pct(times, 0.5),
            "p99": pct(times, 0.99),
            "max": round(max(times), 2),
            "mean": round(pystats.mean(times), 2),
        },
        "timeline_heavy_person_ms": {
            "entries": len(entries),
            "median": round(pystats.median(timeline_ms), 1),
            "max": round(max(timeline_ms), 1),
        },
        "segment_statistics_year_s": round(stats_s, 2),
        "segment_statistics_year_raw_s": round(raw_s, 2),
        "segment_summaries_backfill_s": round(backfill_s, 1),
        "segment_summaries_nightly_s": round(nightly_s, 2),
        "statistics_visits": stats["visits"],
        "statistics_people": stats["people"],
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--visits", type=int, default=5_000_000)
    parser.add_argument("--heavy", type=int, default=500, help="visits of the heaviest person")
    parser.add_argument("--lookups", type=int, default=1000)
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument("--db", default=DB, help="the throw-away database's name")
    parser.add_argument("--reuse", action="store_true", help="measure a kept database again")
    args = parser.parse_args()
    if not args.db.replace("_", "").isalnum():
        parser.error("--db: letters, digits and underscores only")
    db, var = args.db, Path(f"/tmp/{args.db}")
    if not args.reuse:
        psql(f"DROP DATABASE IF EXISTS {db}")
        psql(f"CREATE DATABASE {db}")
    os.environ["SERVICEHALL_DATABASE_URL"] = f"postgresql://postgres@127.0.0.1:5432/{db}"
    os.environ.setdefault("SERVICEHALL_VAR_DIR", str(var))
    os.environ["DJANGO_SETTINGS_MODULE"] = "servicehall.settings"
    import django

    django.setup()
    keep = args.keep_db or args.reuse
    try:
        if args.reuse:
            from django.core.management import call_command

            call_command("migrate", interactive=False, verbosity=0)  # a kept database meets new migrations
            built = json.loads((var / "built.json").read_text())
        else:
            built = build(args.people, args.visits, args.heavy)
            if keep:
                var.mkdir(parents=True, exist_ok=True)
                (var / "built.json").write_text(json.dumps(built))
        result = measure(built, args.lookups)
    finally:
        from django.db import connections

        connections.close_all()
        if not keep:
            psql(f"DROP DATABASE IF EXISTS {db}", check=False)
    out = {
        "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "database": "postgresql",
        "people": args.people,
        "visits": args.visits,
        "heavy_person_visits": args.heavy,
        "setup_seconds": built["setup_seconds"],
        **result,
        "goals": {
            "lookup_p99_under_20_ms": result["lookup_by_id_digest_ms"]["p99"] < 20,
            "timeline_under_100_ms": result["timeline_heavy_person_ms"]["median"] < 100,
            "statistics_under_10_s": result["segment_statistics_year_s"] < 10,
        },
    }
    print(json.dumps(out, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
