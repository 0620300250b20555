"""The statistics page for hall managers: the figures of a small fixture by age band, home area and
individual or organisation, side by side, its CSV export, and who may see it."""

import csv
import io

import pytest
from django.utils import timezone

from servicehall.core import crypto
from servicehall.customers import services
from servicehall.quality.models import Rating
from servicehall.queueing.models import Ticket
from tests.customers.conftest import make_id

pytestmark = pytest.mark.django_db


@pytest.fixture
def served(actors, hall_a, q, clock):
    """Hall in 320102 (南京玄武). An elder from the district comes twice for the same matter (a repeat;
    waits of 10 and 20 minutes; rates 5 then 1), a young person from Shanghai once (5 minutes, rates 5),
    an agent of a company from elsewhere in 南京 once (40 minutes), one anonymous visit."""
    clerk, manager = actors["clerk_a"], actors["manager_a"]
    services.settings_update(actor=manager, hall=hall_a, division_code="320102")
    elder, _c = services.person_identify(actor=clerk, hall=hall_a, id_number=make_id("320102", "19500101"))
    young, _c = services.person_identify(actor=clerk, hall=hall_a, id_number=make_id("310101", "20000101"))
    agent, _c = services.person_identify(actor=clerk, hall=hall_a, id_number=make_id("320106", "19800101"))
    org = services.organisation_save(actor=manager, hall=hall_a, name="测试公司", uscc="91110000600037341L")
    services.organisation_agent_add(actor=clerk, organisation=org, person=agent)
    for who, wait, level in (
        (elder, 10, 5),
        (elder, 20, 1),
        (young, 5, 5),
        (agent, 40, None),
        (None, 0, None),
    ):
        ticket = q.issue()
        if who:
            services.ticket_citizen_identify(
                actor=clerk, ticket=ticket, id_number=crypto.decrypt(who.id_encrypted)
            )
        Ticket.objects.filter(pk=ticket.pk).update(wait_seconds=wait * 60, status="completed")
        if level:
            Rating.objects.create(
                hall=hall_a, ticket=ticket, service=ticket.service, level=level, channel="pad",
                served_at=timezone.now(), rated_at=timezone.now(),
            )  # fmt: skip
        clock.advance(minutes=30)
    return clock.now.date().isoformat()


def rows(html_or_dims, dim):
    return {r["segment"]: r for r in html_or_dims[dim]}


def test_segments_side_by_side_with_home_area_and_organisation(client, staff, hall_a, served):
    client.force_login(staff["manager_a"])
    url = f"/staff/{hall_a.code}/customers/statistics/?date_from={served}&date_to={served}"
    response = client.get(url)
    assert response.status_code == 200
    stats = response.context["stats"]
    assert (stats["visits"], stats["identified_visits"], stats["repeat_visits"]) == (5, 4, 1)
    assert stats["visits_per_person"] == {"1": 2, "2": 1}
    area = rows(stats["dimensions"], "home_area")
    assert (area["local"]["visits"], area["local"]["people"], area["local"]["repeat_visit_pct"]) == (
        2,
        1,
        50.0,
    )
    assert area["local"]["mean_wait_minutes"] == 15.0 and area["local"]["good_rating_pct"] == 50.0
    assert area["city"]["mean_wait_minutes"] == 40.0 and area["other"]["good_rating_pct"] == 100.0
    kind = rows(stats["dimensions"], "kind")
    assert (kind["individual"]["visits"], kind["organisation"]["visits"], kind["anonymous"]["visits"]) == (
        3,
        1,
        1,
    )
    assert response.context["elderly_share_pct"] == 50.0
    assert stats["channel_mix"]["60+"] == {"kiosk": 2}
    html = response.content.decode()
    assert "本区县" in html and "单位经办人" in html and "<svg" in html  # in the hall's language
    assert make_id("320102", "19500101") not in html


def test_the_csv_has_one_row_per_segment_in_the_readers_language(client, staff, hall_a, served):
    client.force_login(staff["manager_a"])
    url = f"/staff/{hall_a.code}/customers/statistics/?date_from={served}&date_to={served}&format=csv"
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response["Content-Type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(response.content.decode())))
    assert table[0][:3] == ["Dimension", "Segment", "Visits"]
    local = next(r for r in table if r[1] == "Local district")
    assert local[2:5] == ["2", "1", "15.0"]


def test_only_managers_and_evaluators_and_a_bad_period_is_a_422(client, staff, hall_a):
    client.force_login(staff["clerk_a"])
    assert client.get(f"/staff/{hall_a.code}/customers/statistics/").status_code == 403
    client.force_login(staff["manager_a"])
    assert client.get(f"/staff/{hall_a.code}/customers/statistics/").status_code == 200
    bad = client.get(f"/staff/{hall_a.code}/customers/statistics/?date_from=2026-05-02&date_to=2026-05-01")
    assert bad.status_code == 422 and "has-error" in bad.content.decode()
    assert 'id="home-customer-statistics"' in client.get("/staff/").content.decode()
