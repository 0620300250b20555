"""Quality report generation for one hall-year: 1,000,000 tickets and 200,000 questionnaire responses.

For each database (SQLite and PostgreSQL by default) it builds a throw-away database: migrate, the demo
hall through the services (catalogue, windows, the article's indicator system weighted by AHP and
published, its questionnaire), then a simulated year (``servicehall.quality.simulate``, in chunks of ten
days, 30 % of services rated) and one cleaning run. Then, in a fresh process so the peak memory is the
report's alone, it builds the year's report (``report_build``: objective indicators, subjective scores,
index, previous period, reliability) and renders its PDF, and prints seconds and peak RSS.

    .venv/bin/python bench/quality_report.py [--tickets 1000000] [--responses 200000] [--db sqlite,pg]

Prints one JSON document. Goal (issue 5): under 10 s and under 1 GB. Setting up the data takes minutes
and is not measured.
"""

import argparse
import datetime
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
YEAR_START = datetime.date(2030, 1, 1)


def _django(url: str) -> None:
    os.environ["SERVICEHALL_DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "servicehall.settings"
    import django

    django.setup()


def build(url: str, tickets: int, responses: int) -> dict:
    _django(url)
    from django.core.management import call_command

    from servicehall.demo import HALL_CODE, load_demo
    from servicehall.quality.models import Questionnaire

    call_command("migrate", interactive=False, verbosity=0)
    load_demo()
    from servicehall.core.actors import Actor
    from servicehall.core.models import Hall
    from servicehall.quality import services
    from servicehall.quality.simulate import simulate

    hall = Hall.objects.get(code=HALL_CODE)
    q = Questionnaire.objects.filter(hall=hall).first()
    per_day = tickets // 365
    share = responses / (per_day * 365)
    started = time.monotonic()
    for chunk in range(0, 365, 10):
        days = min(10, 365 - chunk)
        simulate(
            hall=hall,
            questionnaire=q,
            days=days,
            tickets_per_day=per_day,
            seed=chunk,
            start=YEAR_START + datetime.timedelta(days=chunk),
            response_share=share,
            rating_share=0.3,
        )
        print(f"[bench] day {chunk + days}/365 ({time.monotonic() - started:.0f} s)", file=sys.stderr)
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.get(username="admin")
    run = services.cleaning_run(actor=Actor(user=admin), questionnaire=q)
    from servicehall.quality.models import QuestionnaireResponse, Rating
    from servicehall.queueing.models import Ticket

    return {
        "tickets": Ticket.objects.filter(hall=hall).count(),
        "ratings": Rating.objects.count(),
        "responses": QuestionnaireResponse.objects.count(),
        "valid_responses": run.valid,
        "setup_seconds": round(time.monotonic() - started, 1),
    }


def measure(url: str) -> dict:
    _django(url)
    from django.utils.translation import override

    from servicehall.core.models import Hall
    from servicehall.demo import HALL_CODE
    from servicehall.quality.models import IndicatorSystem
    from servicehall.quality.pdf import report_pdf
    from servicehall.quality.report import Scope, ranking, report_build

    hall = Hall.objects.get(code=HALL_CODE)
    system = IndicatorSystem.objects.filter(hall=hall, status="published").first()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.monotonic()
    with override("zh-hans"):
        built = report_build(
            system=system, scope=Scope(hall, YEAR_START, YEAR_START.replace(month=12, day=31))
        )
        t1 = time.monotonic()
        pdf = report_pdf(built)
    t2 = time.monotonic()
    report_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # the report's own: the goal's figure
    # The report page also ranks the units of the scope (30 days by default; here the year and a month).
    rankings = {}
    year = Scope(hall, YEAR_START, YEAR_START.replace(month=12, day=31))
    month = Scope(hall, YEAR_START, YEAR_START + datetime.timedelta(days=29))
    for label, scope in (("year", year), ("30_days", month)):
        for by in ("counter", "service"):
            t = time.monotonic()
            ranked = ranking(system=system, scope=scope, by=by)
            rankings[f"{label}_by_{by}"] = {"seconds": round(time.monotonic() - t, 2), "units": len(ranked)}
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "report_seconds": round(t1 - t0, 2),
        "pdf_seconds": round(t2 - t1, 2),
        "total_seconds": round(t2 - t0, 2),
        "peak_rss_mb": round(report_peak / 1024, 1),
        "peak_rss_with_rankings_mb": round(peak / 1024, 1),
        "rss_before_mb": round(before / 1024, 1),
        "index": built["index"],
        "weakest": [r["code"] for r in built["weakest"][:3]],
        "pdf_bytes": len(pdf),
        "ranking": rankings,
    }


def run_one(kind: str, args) -> dict:
    work = Path(tempfile.mkdtemp(prefix="sh-quality-"))
    if kind == "sqlite":
        url = f"sqlite:///{work / 'q.sqlite3'}"
    else:
        db = "servicehall_bench_quality"
        subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f"DROP DATABASE IF EXISTS {db}", "postgres"],
            check=True,
        )
        subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f"CREATE DATABASE {db}", "postgres"],
            check=True,
        )
        url = f"postgresql://postgres@127.0.0.1:5432/{db}"
    env = os.environ | {"SERVICEHALL_VAR_DIR": str(work)}
    me = [sys.executable, __file__]
    data = json.loads(
        subprocess.run(
            me
            + [
                "--role",
                "build",
                "--url",
                url,
                "--tickets",
                str(args.tickets),
                "--responses",
                str(args.responses),
            ],
            env=env,
            check=True,
            stdout=subprocess.PIPE,
        ).stdout
    )
    result = json.loads(
        subprocess.run(
            me + ["--role", "measure", "--url", url], env=env, check=True, stdout=subprocess.PIPE
        ).stdout
    )
    shutil.rmtree(work, ignore_errors=True)
    if kind == "pg":
        subprocess.run(
            [
                "psql",
                "-h",
                "127.0.0.1",
                "-U",
                "postgres",
                "-qc",
                "DROP DATABASE IF EXISTS servicehall_bench_quality",
                "postgres",
            ],
            check=False,
        )
    return {
        "data": data,
        "report": result,
        "goal": {"under_10_s": result["total_seconds"] < 10, "under_1_gb": result["peak_rss_mb"] < 1024},
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--role", choices=["main", "build", "measure"], default="main")
    parser.add_argument("--url")
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--responses", type=int, default=200_000)
    parser.add_argument("--db", default="sqlite,pg")
    args = parser.parse_args()
    if args.role == "build":
        print(json.dumps(build(args.url, args.tickets, args.responses)))
        return 0
    if args.role == "measure":
        print(json.dumps(measure(args.url)))
        return 0
    out = {
        "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "tickets": args.tickets,
        "responses": args.responses,
    }
    for kind in args.db.split(","):
        print(f"[bench] {kind}", file=sys.stderr)
        out[kind] = run_one(kind, args)
    print(json.dumps(out, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
