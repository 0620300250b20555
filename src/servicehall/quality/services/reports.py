"""The monthly report files: after a month ends, each hall's report of that month as PDF and CSV under
``var/reports/<hall>/`` (the report itself is a read, in ``quality.report``)."""

import csv
import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import override

from servicehall.core.csvcells import SafeWriter
from servicehall.core.models import Hall
from servicehall.quality.choices import SystemStatus
from servicehall.quality.models import IndicatorSystem
from servicehall.quality.pdf import report_pdf
from servicehall.quality.report import Scope, report_build


def monthly_report_write(*, now=None) -> int:
    """Write last month's report for every active hall with a published indicator system (idempotent):
    ``var/reports/<hall>/<YYYY-MM>.pdf`` and ``.csv``, in Chinese. A file that exists is not rewritten."""
    written = 0
    for hall in Hall.objects.filter(active=True):
        system = (
            IndicatorSystem.objects.filter(hall=hall, status=SystemStatus.PUBLISHED)
            .order_by("-published_at")
            .first()
        )
        if system is None:
            continue
        today = (now or timezone.now()).astimezone(hall.tzinfo).date()
        last_day = today.replace(day=1) - datetime.timedelta(days=1)
        first_day = last_day.replace(day=1)
        folder = settings.VAR_DIR / "reports" / hall.code
        target = folder / f"{first_day:%Y-%m}.pdf"
        if target.exists():
            continue
        folder.mkdir(parents=True, exist_ok=True)
        with override("zh-hans"):
            built = report_build(system=system, scope=Scope(hall, first_day, last_day))
            target.write_bytes(report_pdf(built))
        with open(folder / f"{first_day:%Y-%m}.csv", "w", encoding="utf-8-sig", newline="") as fh:
            writer = SafeWriter(csv.writer(fh))
            writer.writerow(["dimension", "code", "indicator", "kind", "global_weight", "score"])
            for r in built["indicators"] + built["missing"]:
                writer.writerow(
                    [r["dimension_name"], r["code"], r["name"], r["kind"], r["weight"], r["score"]]
                )
        written += 1
    return written
