"""The first, pure-Python version of ``customers.statistics.segment_statistics`` (one pass over every
ticket of the period), kept as the oracle the SQL version must agree with on random data."""

import datetime
from collections import defaultdict

from servicehall.core.models import Hall
from servicehall.customers.choices import AgeBand, HomeArea, age_band
from servicehall.customers.models import Person
from servicehall.customers.selectors import settings_get

GOOD_LEVELS = (4, 5)
FIGURES = ("visits", "no_show", "waits", "wait_total", "rated", "good", "repeat")


def _pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _segment_rows(band: dict, people: dict, order: list[str], items: dict, *, anonymous: str) -> list[dict]:
    """One row per segment of one dimension, in the dimension's order: count, mean wait, no-shows, repeat
    visits, satisfaction, and its three most asked items."""
    out = []
    for key in sorted(band, key=lambda k: order.index(k) if k in order else 99):
        b = band[key]
        top = sorted(b["items"].items(), key=lambda kv: (-kv[1], kv[0]))[:3]
        out.append(
            {
                "segment": key,
                "visits": b["visits"],
                "people": len(people.get(key, ())),
                "mean_wait_minutes": round(b["wait_total"] / b["waits"] / 60, 1) if b["waits"] else None,
                "no_show_pct": _pct(b["no_show"], b["visits"]),
                "repeat_visit_pct": _pct(b["repeat"], b["visits"]) if key != anonymous else None,
                "good_rating_pct": _pct(b["good"], b["rated"]),
                "ratings": b["rated"],
                "top_items": [{"item": items.get(i, str(i)), "visits": n} for i, n in top],
            }
        )
    return out


def _bucket() -> dict:
    return defaultdict(int, items=defaultdict(int))


def _ticket_rows(tickets) -> list[tuple]:
    """(pk, customer, item, issued as epoch seconds, status, wait, channel) in issue order."""
    fields = ["pk", "customer_id", "service_id", "issued_at", "status", "wait_seconds", "channel"]
    return [
        (pk, c, s, at.timestamp(), st, w, ch)
        for pk, c, s, at, st, w, ch in tickets.values_list(*fields).order_by("issued_at", "pk")
    ]


def reference_statistics(*, hall: Hall, date_from: datetime.date, date_to: datetime.date) -> dict:
    """The figures of the period ``date_from``..``date_to`` (inclusive, the hall's days)."""
    from servicehall.catalog.models import ServiceItem
    from servicehall.customers.models import OrganisationAgent
    from servicehall.quality.models import Rating
    from servicehall.queueing.choices import Channel
    from servicehall.queueing.models import Ticket

    window = datetime.timedelta(days=settings_get(hall=hall).repeat_window_days)
    tickets = Ticket.objects.filter(hall=hall, day__gte=date_from, day__lte=date_to)
    rows = _ticket_rows(tickets)
    anonymous = sum(1 for r in rows if r[1] is None)
    people = {r[1] for r in rows if r[1] is not None}
    # Subqueries, not lists of ids: a year of a big hall links ~100,000 people.
    linked = Person.objects.filter(pk__in=tickets.filter(customer_id__isnull=False).values("customer_id"))
    profile = {
        pk: (birth, area or HomeArea.UNKNOWN)
        for pk, birth, area in linked.values_list("pk", "birth_year", "home_area")
    }
    agents = set(
        OrganisationAgent.objects.filter(person__in=linked).values_list("person_id", flat=True).distinct()
    )
    items = {i.pk: i.name_local for i in ServiceItem.objects.filter(pk__in={r[2] for r in rows})}
    start = datetime.datetime.combine(date_from, datetime.time(), tzinfo=hall.tzinfo)
    new = linked.filter(created_at__gte=start).count()
    # The age band goes by the year of the visit; a period of at most a year crosses one new year.
    new_year = datetime.datetime.combine(date_to.replace(month=1, day=1), datetime.time(), tzinfo=hall.tzinfo)
    new_year_s = int(new_year.timestamp())
    good = set(
        Rating.objects.filter(ticket__in=tickets, level__in=GOOD_LEVELS, excluded=False).values_list(
            "ticket_id", flat=True
        )
    )
    rated = set(Rating.objects.filter(ticket__in=tickets, excluded=False).values_list("ticket_id", flat=True))
    dims = ("age_band", "home_area", "kind")
    # One pass over the rows accumulates on a compact key (age band, area, kind, item, channel): a few
    # hundred keys at most, so the per-row work is a few dictionary operations (the 500,000-visit bench
    # went from 22 s to a few); the dimensions are summed from the keys afterwards.
    acc: dict[tuple, list[int]] = {}
    band_people: set[tuple[int, str]] = set()
    visits_per_person: dict[int, int] = defaultdict(int)
    last_visit: dict[tuple[int, int], int] = {}
    window_s = window.total_seconds()
    # A visit early in the period repeats one made just before it: the window before the period is read.
    before = Ticket.objects.filter(
        hall=hall,
        customer_id__isnull=False,
        day__gte=date_from - window - datetime.timedelta(days=1),
        day__lt=date_from,
    )
    for _pk, customer, service, issued, *_rest in _ticket_rows(before):
        last_visit[(customer, service)] = issued
    repeats = 0
    anon = ("anonymous", "anonymous", "anonymous")
    for pk, customer, service, issued, status, wait, channel in rows:
        repeat = 0
        if customer:
            birth, area = profile.get(customer, (None, HomeArea.UNKNOWN))
            band = age_band(birth, date_to.year if issued >= new_year_s else date_from.year)
            who = (band, area, "organisation" if customer in agents else "individual")
            band_people.add((customer, band))
            previous = last_visit.get((customer, service))
            if previous is not None and issued - previous <= window_s:
                repeat = 1
                repeats += 1
            last_visit[(customer, service)] = issued
            visits_per_person[customer] += 1
        else:
            who = anon
        key = (*who, service, channel)
        a = acc.get(key)
        if a is None:
            a = acc[key] = [0, 0, 0, 0, 0, 0, 0]
        a[0] += 1
        a[1] += status == "no_show"
        if wait is not None:
            a[2] += 1
            a[3] += wait
        a[4] += pk in rated
        a[5] += pk in good
        a[6] += repeat
    buckets: dict[str, dict[str, dict]] = {d: defaultdict(_bucket) for d in dims}
    channels: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for (band, area, kind, service, channel), a in acc.items():
        channels[band][channel] += a[0]
        for dim, key in zip(dims, (band, area, kind), strict=True):
            b = buckets[dim][key]
            for name, value in zip(FIGURES, a, strict=True):
                b[name] += value
            b["items"][service] += a[0]
    people_in: dict[str, dict[str, set]] = {d: defaultdict(set) for d in dims}
    for customer, band in band_people:
        people_in["age_band"][band].add(customer)
    for customer in visits_per_person:
        _birth, area = profile.get(customer, (None, HomeArea.UNKNOWN))
        people_in["home_area"][area].add(customer)
        people_in["kind"]["organisation" if customer in agents else "individual"].add(customer)
    orders = {
        "age_band": [*AgeBand.values, "anonymous"],
        "home_area": [*HomeArea.values, "anonymous"],
        "kind": ["individual", "organisation", "anonymous"],
    }
    dimensions = {
        d: _segment_rows(buckets[d], people_in[d], orders[d], items, anonymous="anonymous") for d in dims
    }
    distribution: dict[str, int] = defaultdict(int)
    for n in visits_per_person.values():
        distribution[str(n) if n < 5 else "5+"] += 1
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
        "visits_per_person": {k: distribution[k] for k in ("1", "2", "3", "4", "5+") if k in distribution},
        "channel_mix": {
            band: {c: counts[c] for c in Channel.values if counts.get(c)}
            for band, counts in sorted(channels.items(), key=lambda kv: orders["age_band"].index(kv[0]))
        },
        "segments": dimensions["age_band"],
        "dimensions": dimensions,
    }
