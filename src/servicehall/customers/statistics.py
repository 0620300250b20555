"""Statistics by segment for performance evaluation (the article's 城乡差异、区域差异、人口结构): per hall and
period, identified vs anonymous visits, new vs returning people, repeat visits for the same matter within
the hall's window (the honest measure of "最多跑一次"), visits per person, channel mix per age band, and
per segment (age band, home area, individual or organisation agent) the visits, people, mean wait,
no-show rate, repeat-visit rate, good-rating share and top items side by side, with counts.

A person counts as "organisation" when they are registered as an agent (经办人) of one: tickets do not
say on whose behalf they were drawn.

The database does the work (``GROUP BY`` and one ``LAG`` window, the same SQL on PostgreSQL and SQLite):
a year of a big hall is millions of tickets, and reading one row per ticket into Python took most of the
time of ``bench/customers.py``. Two queries come back: sums on a compact key (age band, home area, kind,
item, channel: a few hundred rows) and distinct-people counts per segment. The first, pure-Python
version is kept in the tests (``tests/customers/stats_oracle.py``) as the oracle these figures must
agree with on random data.

Reads only: coarse fields of the records (birth year), tickets and ratings; nothing personal leaves here.
"""

import datetime
from collections import defaultdict

from django.db import connection, transaction

from servicehall.core.models import Hall
from servicehall.customers import summaries
from servicehall.customers.choices import AgeBand, HomeArea, age_band
from servicehall.customers.models import Person
from servicehall.customers.selectors import settings_get

GOOD_LEVELS = (4, 5)
FIGURES = ("visits", "no_show", "waits", "wait_total", "rated", "good", "repeat")
ANON = "anonymous"


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


def _tables() -> dict[str, str]:
    from servicehall.customers.models import OrganisationAgent
    from servicehall.quality.models import Rating
    from servicehall.queueing.models import Ticket

    return {
        "ticket": Ticket._meta.db_table,
        "person": Person._meta.db_table,
        "agent": OrganisationAgent._meta.db_table,
        "rating": Rating._meta.db_table,
    }


def _band_sql() -> str:
    """``age_band`` (``customers.choices``) as SQL over ``birth`` and the visit's year ``yr``; the labels
    are the project's own constants, written inline."""
    arms = " ".join(
        f"WHEN yr - birth < {limit} THEN '{band}'"
        for limit, band in ((18, AgeBand.UNDER_18), (35, AgeBand.YOUNG), (60, AgeBand.MIDDLE))
    )
    return (
        f"CASE WHEN customer_id IS NULL THEN '{ANON}' WHEN birth IS NULL OR birth = 0 THEN "
        f"'{AgeBand.UNKNOWN}' ELSE (CASE {arms} ELSE '{AgeBand.ELDERLY}' END) END"
    )


def _after_new_year(hall: Hall, date_to: datetime.date) -> tuple[str, object]:
    """The SQL test "the visit is in ``date_to``'s year" and its parameter (a period of at most a year
    crosses one new year): timestamps compared as they are on PostgreSQL, epochs on SQLite."""
    new_year = datetime.datetime.combine(date_to.replace(month=1, day=1), datetime.time(), tzinfo=hall.tzinfo)
    if connection.vendor == "postgresql":
        return "t.issued_at >= %s", new_year
    return "CAST(strftime('%%s', t.issued_at) AS INTEGER) >= %s", int(new_year.timestamp())


def _base_ctes(
    hall: Hall, date_from: datetime.date, date_to: datetime.date, window_days: int
) -> tuple[str, list]:
    """``visits`` (the tickets, each with its repeat flag: the same person and item again within the
    window, by ``LAG`` over the narrow ticket rows, before any join widens them; the linked tickets of the
    window before ``date_from`` are read too, so a visit early in the period still counts as a repeat of
    one just before it, and a day counts the same alone or inside a year), ``raw`` (with the person's
    coarse fields, the agent flag and the counted rating) and ``base`` (the segment keys of the period's
    tickets): the age band goes by the year of the visit, and a period of at most a year crosses one new
    year."""
    order = "PARTITION BY t.customer_id, t.service_id ORDER BY t.issued_at, t.id"
    after_new_year, since = _after_new_year(hall, date_to)
    window_s = window_days * 86400
    if connection.vendor == "postgresql":  # timestamps compared as they are (no numeric epoch per row)
        gap = f"t.issued_at - LAG(t.issued_at) OVER ({order})"
        window = datetime.timedelta(seconds=window_s)
    else:
        gap = f"(julianday(t.issued_at) - julianday(LAG(t.issued_at) OVER ({order}))) * 86400.0"
        window = window_s
    rep = f"CASE WHEN t.customer_id IS NOT NULL AND {gap} <= %s THEN 1 ELSE 0 END"
    sql = f"""
    visits AS (
      SELECT t.id, t.day, t.customer_id, t.service_id, t.status, t.wait_seconds, t.channel, {rep} AS rep,
             CASE WHEN {after_new_year} THEN %s ELSE %s END AS yr
      FROM {{ticket}} t
      WHERE t.hall_id = %s AND t.day >= %s AND t.day <= %s AND (t.day >= %s OR t.customer_id IS NOT NULL)
    ),
    raw AS (
      SELECT t.*, p.birth_year AS birth, p.home_area AS area0, ag.person_id AS agent, r.level AS level
      FROM visits t
      LEFT JOIN {{person}} p ON p.id = t.customer_id
      LEFT JOIN (SELECT DISTINCT person_id FROM {{agent}}) ag ON ag.person_id = t.customer_id
      LEFT JOIN {{rating}} r ON r.ticket_id = t.id AND r.excluded = %s
      WHERE t.day >= %s
    ),
    base AS (
      SELECT id, day, customer_id, service_id, status, wait_seconds, channel, rep, level,
             {_band_sql()} AS band,
             CASE WHEN customer_id IS NULL THEN '{ANON}' ELSE COALESCE(area0, '') END AS area,
             CASE WHEN customer_id IS NULL THEN '{ANON}' WHEN agent IS NOT NULL THEN 'organisation'
                  ELSE 'individual' END AS kind
      FROM raw
    )"""  # noqa: S608 (table names, constants; values are parameters)
    look_back = date_from - datetime.timedelta(days=window_days + 1)
    params = [window, since, date_to.year, date_from.year, hall.pk, look_back, date_to, date_from]
    return sql.format(**_tables()), [*params, False, date_from]


def key_sums(
    hall: Hall, date_from: datetime.date, date_to: datetime.date, window_days: int, *, by_day: bool = False
) -> list[tuple]:
    """Sums per (age band, area, kind, item, channel), and per day with ``by_day`` (what a day's summary
    keeps): visits, no-shows, waits counted and their total, ratings, good ratings, repeat visits. Rows
    are ``(day or None, band, area, kind, item, channel, [seven figures])``."""
    from servicehall.queueing.choices import TicketStatus

    ctes, params = _base_ctes(hall, date_from, date_to, window_days)
    day = "day" if by_day else "NULL"
    sql = f"""WITH {ctes}
    SELECT {day}, band, area, kind, service_id, channel, COUNT(*),
           SUM(CASE WHEN status = '{TicketStatus.NO_SHOW}' THEN 1 ELSE 0 END),
           COUNT(wait_seconds), COALESCE(SUM(wait_seconds), 0), COUNT(level),
           SUM(CASE WHEN level IN {GOOD_LEVELS} THEN 1 ELSE 0 END), SUM(rep)
    FROM base GROUP BY {day + ", " if by_day else ""}band, area, kind, service_id, channel"""  # noqa: S608
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return [(*row[:6], [int(v or 0) for v in row[6:]]) for row in cur.fetchall()]


def _tune(cur) -> None:
    """On PostgreSQL, for this transaction only: no JIT (compiling the expressions took seconds of a
    year's figures), more memory for the hashes, and sorting discouraged: the planner guesses millions of
    segment keys (it cannot know that band × area × kind × item × channel is a few hundred) and sorted
    5,000,000 rows on disk to group them; it hashes them now. The window's own sort still runs (nothing
    else gives ``LAG`` its order)."""
    if connection.vendor == "postgresql":
        cur.execute("SET LOCAL jit = off")
        cur.execute("SET LOCAL work_mem = '128MB'")
        cur.execute("SET LOCAL enable_sort = off")


def _people_counts(hall: Hall, date_from: datetime.date, date_to: datetime.date) -> dict[str, dict[str, int]]:
    """Distinct identified people per segment of each dimension, and people per number of visits. The
    period's linked tickets are counted per person (read in person order from the ``ticket_hall_customer``
    index: no hash of millions of rows), each person row meets its record once, and the database returns
    only people counted per (birth year, area, kind, visits up to "5+", visited before / after the new
    year): a few thousand rows, folded here into the dimensions. The age band goes by the year of the
    visit, so a person who came on both sides of a new year may count in two bands (once per band)."""
    new_year = date_to.replace(month=1, day=1)
    sql = """WITH
    pv AS (
      SELECT t.customer_id, COUNT(*) AS n, SUM(CASE WHEN t.day >= %s THEN 1 ELSE 0 END) AS n_cur
      FROM {ticket} t
      WHERE t.hall_id = %s AND t.customer_id IS NOT NULL AND t.day >= %s AND t.day <= %s
      GROUP BY t.customer_id
    )
    SELECT p.birth_year, COALESCE(p.home_area, ''), CASE WHEN ag.person_id IS NULL THEN 0 ELSE 1 END,
           CASE WHEN pv.n >= 5 THEN 5 ELSE pv.n END, CASE WHEN pv.n_cur > 0 THEN 1 ELSE 0 END,
           CASE WHEN pv.n > pv.n_cur THEN 1 ELSE 0 END, COUNT(*)
    FROM pv
    LEFT JOIN {person} p ON p.id = pv.customer_id
    LEFT JOIN (SELECT DISTINCT person_id FROM {agent}) ag ON ag.person_id = pv.customer_id
    GROUP BY 1, 2, 3, 4, 5, 6"""  # noqa: S608 (table names; values are parameters)
    out: dict[str, dict[str, int]] = {
        d: defaultdict(int) for d in ("age_band", "home_area", "kind", "visits")
    }
    with connection.cursor() as cur:
        cur.execute(sql.format(**_tables()), [new_year, hall.pk, date_from, date_to])
        rows = cur.fetchall()
    for birth, area, agent, visits, after, before, n in rows:
        out["home_area"][area] += n
        out["kind"]["organisation" if agent else "individual"] += n
        out["visits"]["5+" if visits >= 5 else str(visits)] += n
        bands = {
            age_band(birth, date_to.year) if after else None,
            age_band(birth, date_from.year) if before else None,
        }
        for band in bands - {None}:
            out["age_band"][band] += n
    return {dim: dict(counts) for dim, counts in out.items()}


def _bucket() -> dict:
    return defaultdict(int, items=defaultdict(int))


ORDERS = {
    "age_band": [*AgeBand.values, ANON],
    "home_area": [*HomeArea.values, ANON],
    "kind": ["individual", "organisation", ANON],
}
DIMS = ("age_band", "home_area", "kind")


def segment_statistics(*, hall: Hall, date_from: datetime.date, date_to: datetime.date) -> dict:
    """The figures of the period ``date_from``..``date_to`` (inclusive, the hall's days)."""
    from servicehall.catalog.models import ServiceItem
    from servicehall.queueing.choices import Channel
    from servicehall.queueing.models import Ticket

    window = datetime.timedelta(days=settings_get(hall=hall).repeat_window_days)
    with transaction.atomic(), connection.cursor() as cur:
        _tune(cur)
        sums = summaries.period_sums(hall, date_from, date_to, window.days)
        counts = _people_counts(hall, date_from, date_to)
    buckets: dict[str, dict[str, dict]] = {d: defaultdict(_bucket) for d in DIMS}
    channels: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for band, area, kind, service, channel, a in sums:
        channels[band][channel] += a[0]
        for dim, key in zip(DIMS, (band, area, kind), strict=True):
            b = buckets[dim][key]
            for name, value in zip(FIGURES, a, strict=True):
                b[name] += value
            b["items"][service] += a[0]
    items = {i.pk: i.name_local for i in ServiceItem.objects.filter(pk__in={row[3] for row in sums})}
    people_in = {d: {k: range(n) for k, n in counts[d].items()} for d in DIMS}  # sized like sets
    dimensions = {d: _segment_rows(buckets[d], people_in[d], ORDERS[d], items, anonymous=ANON) for d in DIMS}
    visits = sum(a[0] for *_k, a in sums)
    anonymous = sum(a[0] for band, *_k, a in sums if band == ANON)
    repeats = sum(a[6] for *_k, a in sums)
    people = sum(counts["visits"].values())
    start = datetime.datetime.combine(date_from, datetime.time(), tzinfo=hall.tzinfo)
    tickets = Ticket.objects.filter(
        hall=hall, day__gte=date_from, day__lte=date_to, customer_id__isnull=False
    )
    new = Person.objects.filter(pk__in=tickets.values("customer_id"), created_at__gte=start).count()
    identified = visits - anonymous
    return {
        "date_from": date_from.isoformat(),
        "date_to": date_to.isoformat(),
        "visits": visits,
        "identified_visits": identified,
        "anonymous_visits": anonymous,
        "people": people,
        "new_people": new,
        "returning_people": people - new,
        "repeat_window_days": window.days,
        "repeat_visits": repeats,
        "repeat_visit_pct": _pct(repeats, identified),
        "visits_per_person": {
            k: counts["visits"][k] for k in ("1", "2", "3", "4", "5+") if k in counts["visits"]
        },
        "channel_mix": {
            band: {c: n[c] for c in Channel.values if n.get(c)}
            for band, n in sorted(channels.items(), key=lambda kv: ORDERS["age_band"].index(kv[0]))
        },
        "segments": dimensions["age_band"],
        "dimensions": dimensions,
    }
