"""The SQL segment statistics agree with the first, pure-Python version (``stats_oracle``) on random data
that touches every rule: a period across a new year (the age band changes with the visit's year, people
born on the band limits), repeat visits just inside and just outside the window, anonymous visits,
organisation agents (one agent of two organisations), waits missing, no-shows, ratings good, bad and
excluded, people created before the period, several channels and items."""

import datetime
import random
import zoneinfo

import pytest

from servicehall.customers.models import Organisation, OrganisationAgent, Person
from servicehall.customers.statistics import segment_statistics
from servicehall.quality.models import Rating
from servicehall.queueing.models import Ticket
from tests.customers.stats_oracle import reference_statistics

pytestmark = pytest.mark.django_db
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
DAY0 = datetime.date(2030, 12, 26)
AREAS = ["local", "city", "province", "other", ""]


def _people(hall, rng, n: int) -> list[Person]:
    start = datetime.datetime(2030, 12, 1, tzinfo=SHANGHAI)
    people = [
        Person(
            hall=hall,
            id_digest=f"d{i}",
            # 1971 turns 60 and 2013 turns 18 on 2031-01-01; None is the unknown band
            birth_year=rng.choice([None, 1971, 1972, 1996, 2012, 2013, 1940, 1985]),
            home_area=rng.choice(AREAS),
            created_at=start + datetime.timedelta(days=rng.randrange(60)),
            last_seen_at=start,
        )
        for i in range(n)
    ]
    return Person.objects.bulk_create(people)


def _tickets(hall, items, people, rng, n: int) -> list[Ticket]:
    rows = []
    for i in range(n):
        day = DAY0 + datetime.timedelta(days=rng.randrange(12))
        at = datetime.datetime.combine(day, datetime.time(8), tzinfo=SHANGHAI) + datetime.timedelta(
            seconds=rng.randrange(10 * 3600), microseconds=rng.randrange(1_000_000)
        )
        item = rng.choice(items)
        rows.append(
            Ticket(
                hall=hall,
                service=item,
                day=day,
                prefix="A",
                seq=i + 1,
                number=f"A{i + 1:03d}",
                channel=rng.choice(["kiosk", "web", "counter", "appointment"]),
                priority="normal",
                status=rng.choice(["completed", "completed", "no_show", "waiting"]),
                customer_id=None if rng.random() < 0.25 else rng.choice(people).pk,
                wait_seconds=None if rng.random() < 0.2 else rng.randrange(3600),
                issued_at=at,
                queued_at=at,
                waiting_since=at,
            )  # fmt: skip
        )
    return Ticket.objects.bulk_create(rows)


def test_sql_figures_equal_the_python_oracle_on_random_data(hall_a, items_a):
    rng = random.Random(15)
    people = _people(hall_a, rng, 40)
    now = datetime.datetime(2031, 1, 1, tzinfo=SHANGHAI)
    for n, uscc in enumerate(["91110000600037341L", "91350100M000100Y43"]):
        org = Organisation.objects.create(hall=hall_a, name=f"公司{n}", uscc=uscc, created_at=now)
        OrganisationAgent.objects.bulk_create(
            [OrganisationAgent(organisation=org, person=p, since=now) for p in people[:4]]
        )
    tickets = _tickets(hall_a, list(items_a.values()), people, rng, 400)
    Rating.objects.bulk_create(
        Rating(
            hall=hall_a,
            ticket=t,
            service_id=t.service_id,
            level=rng.randint(1, 5),
            channel="pad",
            served_at=t.issued_at,
            rated_at=t.issued_at,
            excluded=rng.random() < 0.1,
        )  # fmt: skip
        for t in tickets
        if rng.random() < 0.5
    )
    for date_from, date_to, window in (
        (DAY0, DAY0 + datetime.timedelta(days=11), 3),
        (DAY0 + datetime.timedelta(days=2), DAY0 + datetime.timedelta(days=8), 1),
        (DAY0, DAY0, 30),
        (datetime.date(2031, 2, 1), datetime.date(2031, 2, 28), 30),  # nothing in it
    ):
        from servicehall.customers.models import CustomerSettings

        CustomerSettings.objects.update_or_create(hall=hall_a, defaults={"repeat_window_days": window})
        expected = reference_statistics(hall=hall_a, date_from=date_from, date_to=date_to)
        got = segment_statistics(hall=hall_a, date_from=date_from, date_to=date_to)
        assert got == expected, (date_from, date_to, window)
    assert expected["visits"] == 0 and got["dimensions"]["age_band"] == []


def test_the_oracle_data_has_what_the_rules_need(hall_a, items_a):
    """Guard against a weak oracle: the random data really has repeats, both new-year bands of one
    person, organisations, anonymous visits and excluded ratings."""
    rng = random.Random(15)
    people = _people(hall_a, rng, 40)
    _tickets(hall_a, list(items_a.values()), people, rng, 400)
    stats = segment_statistics(hall=hall_a, date_from=DAY0, date_to=DAY0 + datetime.timedelta(days=11))
    bands = {r["segment"] for r in stats["dimensions"]["age_band"]}
    assert {"60+", "35-59", "0-17", "18-34", "", "anonymous"} <= bands
    assert stats["repeat_visits"] > 10 and stats["anonymous_visits"] > 50
    assert sum(stats["visits_per_person"].values()) == stats["people"] == 40
