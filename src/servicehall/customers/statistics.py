"""Statistics by segment for performance evaluation (the article's 城乡差异、区域差异、人口结构): per hall and
period, identified vs anonymous visits, new vs returning people, repeat visits for the same matter within
the hall's window (the honest measure of "最多跑一次"), visits per person, channel mix per age band, and
per segment (age band, home area, individual or organisation agent) the visits, people, mean wait,
no-show rate, repeat-visit rate, good-rating share and top items side by side, with counts.

A person counts as "organisation" when they are registered as an agent (经办人) of one: tickets do not
say on whose behalf they were drawn.

Reads only: coarse fields of the records (birth year), tickets and ratings; nothing personal leaves here.
The first version reads one row per ticket of the period (``values_list``); the 1,000,000-people bench
(``bench/customers.py``, not written yet) will say whether it needs SQL window functions instead.
"""

import datetime
from collections import defaultdict

from servicehall.core.models import Hall
from servicehall.customers.choices import AgeBand, HomeArea, age_band
from servicehall.customers.models import Person
from servicehall.customers.selectors import settings_get

GOOD_LEVELS = (4, 5)


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


def segment_statistics(*, hall: Hall, date_from: datetime.date, date_to: datetime.date) -> dict:
    """The figures of the period ``date_from``..``date_to`` (inclusive, the hall's days)."""
    from servicehall.catalog.models import ServiceItem
    from servicehall.customers.models import OrganisationAgent
    from servicehall.quality.models import Rating
    from servicehall.queueing.choices import Channel
    from servicehall.queueing.models import Ticket

    window = datetime.timedelta(days=settings_get(hall=hall).repeat_window_days)
    tickets = Ticket.objects.filter(hall=hall, day__gte=date_from, day__lte=date_to)
    rows = list(
        tickets.values_list(
            "pk", "customer_id", "service_id", "issued_at", "status", "wait_seconds", "channel"
        ).order_by("issued_at", "pk")
    )
    anonymous = sum(1 for r in rows if r[1] is None)
    people = {r[1] for r in rows if r[1] is not None}
    persons = {
        p[0]: p[1:]
        for p in Person.objects.filter(pk__in=people).values_list(
            "pk", "birth_year", "created_at", "home_area"
        )
    }
    agents = set(OrganisationAgent.objects.filter(person_id__in=people).values_list("person_id", flat=True))
    items = {i.pk: i.name_local for i in ServiceItem.objects.filter(pk__in={r[2] for r in rows})}
    start = datetime.datetime.combine(date_from, datetime.time(), tzinfo=hall.tzinfo)
    new = sum(1 for pk in people if pk in persons and persons[pk][1] >= start)
    good = set(
        Rating.objects.filter(ticket__in=tickets, level__in=GOOD_LEVELS, excluded=False).values_list(
            "ticket_id", flat=True
        )
    )
    rated = set(Rating.objects.filter(ticket__in=tickets, excluded=False).values_list("ticket_id", flat=True))
    dims = ("age_band", "home_area", "kind")
    buckets: dict[str, dict[str, dict]] = {d: defaultdict(_bucket) for d in dims}
    people_in: dict[str, dict[str, set]] = {d: defaultdict(set) for d in dims}
    channels: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    visits_per_person: dict[int, int] = defaultdict(int)
    last_visit: dict[tuple[int, int], datetime.datetime] = {}
    repeats = 0
    for pk, customer, service, issued, status, wait, channel in rows:
        repeat = False
        if customer:
            birth, _created, area = persons.get(customer, (None, None, ""))
            keys = {
                "age_band": age_band(birth, issued.year),
                "home_area": area or HomeArea.UNKNOWN,
                "kind": "organisation" if customer in agents else "individual",
            }
            previous = last_visit.get((customer, service))
            repeat = previous is not None and issued - previous <= window
            repeats += repeat
            last_visit[(customer, service)] = issued
            visits_per_person[customer] += 1
        else:
            keys = dict.fromkeys(dims, "anonymous")
        channels[keys["age_band"]][channel] += 1
        for dim, key in keys.items():
            b = buckets[dim][key]
            b["visits"] += 1
            b["no_show"] += status == "no_show"
            if wait is not None:
                b["waits"] += 1
                b["wait_total"] += wait
            b["rated"] += pk in rated
            b["good"] += pk in good
            b["repeat"] += repeat
            b["items"][service] += 1
            if customer:
                people_in[dim][key].add(customer)
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
