"""Progress to the next level, criterion by criterion, from measured data (a read module: it never
writes). The figures cover the last 365 days (training hours: the calendar year).

Fairness: service-time figures compare a clerk only with work of the same service mix. "Share within
standard time" counts each service against its own item's standard; where an item has no standard, the
benchmark is the median service time of everybody who served that same item in the period, never a
hall-wide figure, so a clerk serving 不动产 is not measured against 社保's pace. ``peer_groups`` ranks
clerks only inside the group of their main item. Figures from too few services or ratings are stated as
"not enough data" with the minimum sample, and never count as met.
"""

import datetime
import statistics
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Avg, Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.catalog.models import ServiceItem
from servicehall.queueing.choices import TicketStatus
from servicehall.queueing.models import Ticket
from servicehall.training import selectors
from servicehall.training.choices import AT_MOST, PERCENT, AttemptStatus, Criterion
from servicehall.training.models import Attendance, ClerkLevel, ExamAttempt, Level

PERIOD_DAYS = 365
# The minimum sample behind a figure, and the word for what is counted.
MINIMUM = {
    Criterion.WITHIN_STANDARD: 30,
    Criterion.GOOD_RATE: 20,
    Criterion.QUALITY_INDEX: 30,
    Criterion.EXAM_AVERAGE: 1,
    Criterion.ATTENDANCE: 1,
}


@dataclass
class Measure:
    value: float | None
    sample: int | None = None
    minimum: int = 0

    @property
    def enough(self) -> bool:
        return self.value is not None and (self.sample is None or self.sample >= self.minimum)


@dataclass(frozen=True)
class Period:
    hall: object
    user: object
    today: datetime.date

    @property
    def date_from(self) -> datetime.date:
        return self.today - datetime.timedelta(days=PERIOD_DAYS - 1)

    @property
    def since(self) -> datetime.datetime:
        return datetime.datetime.combine(self.date_from, datetime.time(), tzinfo=self.hall.tzinfo)

    @property
    def until(self) -> datetime.datetime:
        return datetime.datetime.combine(
            self.today + datetime.timedelta(days=1), datetime.time(), tzinfo=self.hall.tzinfo
        )

    def tickets(self):
        return Ticket.objects.filter(
            hall=self.hall,
            clerk=self.user,
            status=TicketStatus.COMPLETED,
            day__gte=self.date_from,
            day__lte=self.today,
        )


def _months_at_level(p: Period) -> Measure:
    row = ClerkLevel.objects.filter(hall=p.hall, user=p.user).first()
    since = row.since if row else timezone.localdate(p.user.date_joined, p.hall.tzinfo)
    months = (p.today.year - since.year) * 12 + p.today.month - since.month - (p.today.day < since.day)
    return Measure(float(max(months, 0)))


def _items_qualified(p: Period) -> Measure:
    """Service items the clerk may serve on their own (qualified or expert: the staff app's skills)."""
    from servicehall.staff.selectors import qualified_items

    return Measure(float(len(qualified_items(hall=p.hall, user=p.user))))


def _training_hours(p: Period) -> Measure:
    return Measure(float(selectors.training_hours(hall=p.hall, user=p.user, year=p.today.year)))


def _exam_average(p: Period) -> Measure:
    done = ExamAttempt.objects.filter(
        hall=p.hall,
        user=p.user,
        status__in=[AttemptStatus.SUBMITTED, AttemptStatus.EXPIRED],
        started_at__gte=p.since,
        started_at__lt=p.until,
    ).aggregate(n=Count("id"), avg=Avg("score"))
    avg = round(float(done["avg"]), 1) if done["avg"] is not None else None
    return Measure(avg, done["n"], MINIMUM[Criterion.EXAM_AVERAGE])


def _tickets_served(p: Period) -> Measure:
    return Measure(float(p.tickets().count()))


def item_benchmarks(hall, date_from: datetime.date, date_to: datetime.date) -> dict[int, int]:
    """Seconds a service of each item should take: the item's standard, or (no standard set) the median
    service time of everyone who served that item in the period: a benchmark of the same mix only."""
    standards = dict(
        ServiceItem.objects.filter(hall=hall, standard_minutes__gt=0).values_list("id", "standard_minutes")
    )
    bench = {sid: minutes * 60 for sid, minutes in standards.items()}
    seconds: dict[int, list[int]] = {}
    rows = Ticket.objects.filter(
        hall=hall,
        status=TicketStatus.COMPLETED,
        day__gte=date_from,
        day__lte=date_to,
        service_seconds__isnull=False,
    ).exclude(service_id__in=list(standards))
    for service_id, secs in rows.values_list("service_id", "service_seconds"):
        seconds.setdefault(service_id, []).append(secs)
    bench.update({sid: statistics.median(v) for sid, v in seconds.items()})
    return bench


def _within(p: Period, bench: dict[int, int] | None = None) -> tuple[int, int]:
    bench = bench if bench is not None else item_benchmarks(p.hall, p.date_from, p.today)
    rows = p.tickets().filter(service_seconds__isnull=False).values_list("service_id", "service_seconds")
    n = ok = 0
    for service_id, secs in rows:
        if service_id in bench:
            n += 1
            ok += secs <= bench[service_id]
    return ok, n


def _within_standard(p: Period) -> Measure:
    ok, n = _within(p)
    return Measure(round(ok / n, 4) if n else None, n, MINIMUM[Criterion.WITHIN_STANDARD])


def _good_rate(p: Period) -> Measure:
    from servicehall.quality.choices import GOOD_LEVELS
    from servicehall.quality.models import Rating

    c = Rating.objects.filter(
        hall=p.hall,
        clerk=p.user,
        served_at__gte=p.since,
        served_at__lt=p.until,
        excluded=False,
        is_default=False,
    ).aggregate(n=Count("id"), good=Count("id", filter=Q(level__in=GOOD_LEVELS)))
    value = round(c["good"] / c["n"], 4) if c["n"] else None
    return Measure(value, c["n"], MINIMUM[Criterion.GOOD_RATE])


def _quality_index(p: Period) -> Measure:
    """The quality module's composite index (0-100) of the clerk's services, by the hall's published
    indicator system; none published means no figure."""
    from servicehall.quality.choices import SystemStatus
    from servicehall.quality.models import IndicatorSystem
    from servicehall.quality.report import report_build
    from servicehall.quality.report_data import Scope

    served = p.tickets().count()
    system = (
        IndicatorSystem.objects.filter(hall=p.hall, status=SystemStatus.PUBLISHED).order_by("-pk").first()
    )
    if system is None or served < MINIMUM[Criterion.QUALITY_INDEX]:
        return Measure(None, served, MINIMUM[Criterion.QUALITY_INDEX])
    scope = Scope(p.hall, p.date_from, p.today, clerk_id=p.user.pk)
    index = report_build(system=system, scope=scope, with_previous=False)["index"]
    return Measure(index, served, MINIMUM[Criterion.QUALITY_INDEX])


def _complaints_upheld(p: Period) -> Measure:
    from servicehall.feedback.selectors import complaints_upheld

    return Measure(float(complaints_upheld(hall=p.hall, clerk_id=p.user.pk, since=p.since, until=p.until)))


def _attendance(p: Period) -> Measure:
    rows = Attendance.objects.filter(
        session__course__hall=p.hall,
        user=p.user,
        session__starts_at__gte=p.since,
        session__starts_at__lt=min(p.until, timezone.now()),
    ).aggregate(n=Count("id"), present=Count("id", filter=Q(present=True)))
    value = round(rows["present"] / rows["n"], 4) if rows["n"] else None
    return Measure(value, rows["n"], MINIMUM[Criterion.ATTENDANCE])


MEASURES = {
    Criterion.MONTHS_AT_LEVEL: _months_at_level,
    Criterion.ITEMS_QUALIFIED: _items_qualified,
    Criterion.TRAINING_HOURS: _training_hours,
    Criterion.EXAM_AVERAGE: _exam_average,
    Criterion.TICKETS_SERVED: _tickets_served,
    Criterion.WITHIN_STANDARD: _within_standard,
    Criterion.GOOD_RATE: _good_rate,
    Criterion.QUALITY_INDEX: _quality_index,
    Criterion.COMPLAINTS_UPHELD: _complaints_upheld,
    Criterion.ATTENDANCE: _attendance,
}


def measure(code: str, *, hall, user, today: datetime.date | None = None) -> Measure:
    return MEASURES[code](Period(hall, user, today or selectors.today(hall)))


def _fmt(code: str, number: float | Decimal) -> str:
    if code in PERCENT:
        return f"{float(number) * 100:.1f}%".replace(".0%", "%")
    number = float(number)
    return str(int(number)) if number == int(number) else f"{number:.1f}"


def criterion_row(code: str, threshold: Decimal, m: Measure) -> dict:
    """One line of progress: the API's ``{code, label, value, threshold, met}`` and, for the page, the
    figure in words ("98.7% ≥ 98% ✓", "22/40 ✗", "not enough data: at least 30, 12 so far")."""
    label = str(Criterion(code).label)
    limit = float(threshold)
    if not m.enough:
        text = _("not enough data (at least %(min)s needed, %(n)s so far)") % {
            "min": m.minimum,
            "n": m.sample or 0,
        }
        return {"code": code, "label": label, "value": m.value, "threshold": limit, "met": None, "text": text}
    met = m.value <= limit if code in AT_MOST else m.value >= limit
    mark = "✓" if met else "✗"
    if code in PERCENT or code in AT_MOST:
        sign = ("≤" if met else ">") if code in AT_MOST else ("≥" if met else "<")
        text = f"{_fmt(code, m.value)} {sign} {_fmt(code, threshold)} {mark}"
    else:
        text = f"{_fmt(code, m.value)}/{_fmt(code, threshold)} {mark}"
    return {"code": code, "label": label, "value": m.value, "threshold": limit, "met": met, "text": text}


def levels_of(hall) -> list[Level]:
    return list(Level.objects.filter(hall=hall).prefetch_related("criteria").order_by("rank"))


def progress_for(
    *, hall, user, today: datetime.date | None = None, levels: list[Level] | None = None
) -> dict:
    """The clerk's level, the next one, and each of its criteria measured; eligible when all are met."""
    levels = levels if levels is not None else levels_of(hall)
    row = ClerkLevel.objects.filter(hall=hall, user=user).select_related("level").first()
    current = row.level if row else (levels[0] if levels else None)
    following = [lv for lv in levels if current is not None and lv.rank > current.rank]
    nxt = following[0] if following else None
    period = Period(hall, user, today or selectors.today(hall))
    rows = [
        criterion_row(c.code, c.threshold, MEASURES[c.code](period))
        for c in (nxt.criteria.all() if nxt else [])
    ]
    return {
        "level_obj": current,
        "next_level_obj": nxt,
        "level": current.name_local if current else None,
        "next_level": nxt.name_local if nxt else None,
        "since": row.since if row else None,
        "criteria": rows,
        "eligible": bool(nxt) and all(r["met"] is True for r in rows),
    }


def api_progress(progress: dict) -> dict:
    """The API contract: ``{level, next_level, criteria: [{code, label, value, threshold, met}]}``."""
    keys = ("code", "label", "value", "threshold", "met")
    return {
        "level": progress["level"],
        "next_level": progress["next_level"],
        "criteria": [{k: r[k] for k in keys} for r in progress["criteria"]],
    }


def peer_groups(*, hall, today: datetime.date | None = None, users=None) -> dict[int, dict]:
    """Clerks grouped by their main service item (most services in the period) and ranked inside the group
    only, by share within the (same-item) benchmark: ``{user_id: {item, rank, of, share, sample}}``.
    A clerk under the minimum sample is listed unranked."""
    day = today or selectors.today(hall)
    users = users if users is not None else selectors.hall_clerks(hall=hall)
    date_from = day - datetime.timedelta(days=PERIOD_DAYS - 1)
    bench = item_benchmarks(hall, date_from, day)
    names = {
        i.pk: i.name_local
        for i in ServiceItem.objects.filter(hall=hall).only("id", "name", "name_en", "name_zh_hant")
    }
    groups: dict[int | None, list[dict]] = {}
    for user in users:
        p = Period(hall, user, day)
        counts = p.tickets().values_list("service_id").annotate(n=Count("id")).order_by("-n", "service_id")
        main = counts[0][0] if counts else None
        ok, n = _within(p, bench)
        groups.setdefault(main, []).append({"user_id": user.pk, "share": ok / n if n else None, "sample": n})
    out = {}
    minimum = MINIMUM[Criterion.WITHIN_STANDARD]
    for main, rows in groups.items():
        ranked = sorted((r for r in rows if r["sample"] >= minimum), key=lambda r: -r["share"])
        for r in rows:
            rank = ranked.index(r) + 1 if r in ranked else None
            out[r["user_id"]] = {
                "item": names.get(main, ""),
                "rank": rank,
                "of": len(ranked),
                "share": r["share"],
                "sample": r["sample"],
                "minimum": minimum,
            }
    return out
