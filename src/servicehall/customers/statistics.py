"""Statistics by segment for performance evaluation (the article's 城乡差异、区域差异、人口结构): per hall and
period, identified vs anonymous visits, new vs returning people, repeat visits for the same matter within
the hall's window (the honest measure of "最多跑一次"), and per age band the visits, people, mean wait,
no-show rate, repeat-visit rate and good-rating share side by side, with counts.

Reads only: coarse fields of the records (birth year), tickets and ratings; nothing personal leaves here.
The first version reads one row per ticket of the period (``values_list``); the 1,000,000-people bench
(``bench/customers.py``, not written yet) will say whether it needs SQL window functions instead.
"""

import datetime
from collections import defaultdict

from servicehall.core.models import Hall
from servicehall.customers.choices import AgeBand, age_band
from servicehall.customers.models import Person
from servicehall.customers.selectors import settings_get

GOOD_LEVELS = (4, 5)


def _pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def segment_statistics(*, hall: Hall, date_from: datetime.date, date_to: datetime.date) -> dict:
    """The figures of the period ``date_from``..``date_to`` (inclusive, the hall's days)."""
    from servicehall.quality.models import Rating
    from servicehall.queueing.models import Ticket

    window = datetime.timedelta(days=settings_get(hall=hall).repeat_window_days)
    tickets = Ticket.objects.filter(hall=hall, day__gte=date_from, day__lte=date_to)
    rows = list(
        tickets.values_list(
            "pk", "customer_id", "service_id", "issued_at", "status", "wait_seconds"
        ).order_by("issued_at", "pk")
    )
    anonymous = sum(1 for r in rows if r[1] is None)
    people = {r[1] for r in rows if r[1] is not None}
    persons = {
        p[0]: p[1:]
        for p in Person.objects.filter(pk__in=people).values_list("pk", "birth_year", "created_at")
    }
    start = datetime.datetime.combine(date_from, datetime.time(), tzinfo=hall.tzinfo)
    new = sum(1 for pk in people if pk in persons and persons[pk][1] >= start)
    good = set(
        Rating.objects.filter(ticket__in=tickets, level__in=GOOD_LEVELS, excluded=False).values_list(
            "ticket_id", flat=True
        )
    )
    rated = set(Rating.objects.filter(ticket__in=tickets, excluded=False).values_list("ticket_id", flat=True))
    bands: dict[str, dict] = defaultdict(lambda: defaultdict(int))
    last_visit: dict[tuple[int, int], datetime.datetime] = {}
    repeats = 0
    for pk, customer, service, issued, status, wait in rows:
        band = age_band(persons.get(customer, (None,))[0], issued.year) if customer else "anonymous"
        b = bands[band]
        b["visits"] += 1
        b["no_show"] += status == "no_show"
        if wait is not None:
            b["waits"] += 1
            b["wait_total"] += wait
        b["rated"] += pk in rated
        b["good"] += pk in good
        if customer:
            previous = last_visit.get((customer, service))
            if previous is not None and issued - previous <= window:
                b["repeat"] += 1
                repeats += 1
            last_visit[(customer, service)] = issued
    people_by_band: dict[str, set] = defaultdict(set)
    for _pk, customer, _s, issued, _st, _w in rows:
        if customer:
            people_by_band[age_band(persons.get(customer, (None,))[0], issued.year)].add(customer)
    order = [*AgeBand.values, "anonymous"]
    segments = [
        {
            "segment": band,
            "visits": b["visits"],
            "people": len(people_by_band.get(band, ())),
            "mean_wait_minutes": round(b["wait_total"] / b["waits"] / 60, 1) if b["waits"] else None,
            "no_show_pct": _pct(b["no_show"], b["visits"]),
            "repeat_visit_pct": _pct(b["repeat"], b["visits"]) if band != "anonymous" else None,
            "good_rating_pct": _pct(b["good"], b["rated"]),
            "ratings": b["rated"],
        }
        for band, b in sorted(bands.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else 99)
    ]
    identified = len(rows) - anonymous
    return {
        "date_from": date_from.isoformat(),
        "date_to": date_to.isoformat(),
        "visits": len(rows),
        "identified_visits": identified,
        "anonymous_visits": anonymous,
        "people": len(people),
        "new_people": new,
        "returning_people": len(people) - new,
        "repeat_window_days": window.days,
        "repeat_visits": repeats,
        "repeat_visit_pct": _pct(repeats, identified),
        "segments": segments,
    }
