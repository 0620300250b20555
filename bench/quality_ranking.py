"""Time the quality report's ranking (by window, clerk and service item, over 30 days and the year) on a
database that ``bench/quality_report.py --role build`` filled. Prints one JSON document.

    .venv/bin/python bench/quality_report.py --role build --url sqlite:////tmp/q.sqlite3 \\
        --tickets 200000 --responses 40000
    .venv/bin/python bench/quality_ranking.py sqlite:////tmp/q.sqlite3

To compare with an older commit, run it with that commit's code first on the path:
``git worktree add /tmp/old <commit>; PYTHONPATH=/tmp/old/src .venv/bin/python bench/quality_ranking.py URL``.
"""

import os
import sys

# bench/queue.py would shadow the standard library's ``queue``: keep this folder off sys.path.
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.getcwd()) != _HERE]

import datetime  # noqa: E402
import json  # noqa: E402
import time  # noqa: E402


def main(url: str) -> dict:
    os.environ["SERVICEHALL_DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "servicehall.settings"
    import django

    django.setup()
    from servicehall.core.models import Hall
    from servicehall.demo import HALL_CODE
    from servicehall.quality.models import IndicatorSystem
    from servicehall.quality.report import Scope, ranking
    from servicehall.queueing.models import Ticket

    hall = Hall.objects.get(code=HALL_CODE)
    system = IndicatorSystem.objects.filter(hall=hall, status="published").first()
    import importlib.util

    spec = importlib.util.spec_from_file_location("quality_report", os.path.join(_HERE, "quality_report.py"))
    built = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(built)
    first = built.YEAR_START  # the simulated year quality_report.py builds
    out = {"tickets": Ticket.objects.filter(hall=hall).count()}
    for days in (30, 365):
        scope = Scope(hall, first, first + datetime.timedelta(days=days - 1))
        for by in ("counter", "clerk", "service"):
            started = time.monotonic()
            ranked = ranking(system=system, scope=scope, by=by)
            out[f"{days}_days_by_{by}"] = {
                "seconds": round(time.monotonic() - started, 2),
                "units": len(ranked),
            }
    return out


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1])))
