"""The hall's history page (issue 18) on sixteen weeks of tickets: the heatmaps, the trend and the table
agree with the tickets themselves (the 90th percentile to the minute), the CSV says the same, a bad
period is named beside the filters, and only the hall's managers see it."""

import csv
import datetime
import io
import math

import pytest

from servicehall.analytics import hall_history
from servicehall.queueing.models import Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(client, staff, clock):
    client.force_login(staff["manager_a"])
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def test_the_table_agrees_with_the_tickets(history, hall_a, items_a, clock):
    until = clock.now.date()
    since = until - datetime.timedelta(days=27)
    rows = {r.label: r for r in hall_history.breakdown(hall_a, since=since, until=until, by="service")}
    tickets = Ticket.objects.filter(hall=hall_a, service=items_a["SB-001"], day__gte=since, day__lte=until)
    sb = rows["社保参保登记"]
    waits = sorted(w // 60 for w in tickets.values_list("wait_seconds", flat=True))
    assert sb.arrivals == tickets.count() == sb.served
    assert sb.p90_wait == waits[math.ceil(0.9 * len(waits)) - 1]
    assert sb.mean_wait == pytest.approx(
        sum(tickets.values_list("wait_seconds", flat=True)) / len(waits) / 60
    )
    assert list(rows) == ["社保参保登记", "公积金提取", "户籍迁移"]  # busiest first
    heat = hall_history.by_hour(hall_a, since=since, until=until)
    assert sum(n for _d, n, _w in heat["days"]) == sum(r.arrivals for r in rows.values())
    assert sum(n for n, _w in heat["cells"].values()) == sum(r.arrivals for r in rows.values())
    assert {wd for wd, _h in heat["cells"]} <= set(range(1, 6))  # weekdays only in the history


def test_the_page_and_its_csv(manager, history, hall_a):
    page = manager.get("/staff/hall-a/analytics/history/")
    body = page.content.decode()
    assert page.status_code == 200 and body.count("<svg") == 3 and 'id="history-table"' in body
    answer = manager.get("/staff/hall-a/analytics/history/?by=service&format=csv")
    assert answer["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["service", "arrivals", "served"] and rows[1][0] == "社保参保登记"
    one = manager.get("/staff/hall-a/analytics/history/?service=GJ-001&by=counter")
    assert one.status_code == 200


@pytest.mark.parametrize(
    "query", ["since=2030-13-01", "until=2099-01-01", "since=2030-03-06&until=2029-01-01"]
)
def test_a_bad_period_is_named_and_the_default_shown(manager, history, query):
    answer = manager.get(f"/staff/hall-a/analytics/history/?{query}")
    assert answer.status_code == 422 and 'class="field-error"' in answer.content.decode()


def test_only_the_halls_managers(client, staff, items_a):
    client.force_login(staff["clerk_a"])
    assert client.get("/staff/hall-a/analytics/history/").status_code == 403
    client.force_login(staff["manager_b"])
    assert client.get("/staff/hall-a/analytics/history/").status_code == 403
