"""Staff pages given numbers no form offers (security review, issue 13, item 6): an id that is no whole
number in ASCII digits ("abc", "1.5", "²", "1e308", thousands of digits), a page or an offset beyond a
64-bit integer. Each answers a clear 4xx (or the nearest page), never 500, and nothing changes."""

import pytest
from django.test import Client

from servicehall.core.models import AuditEntry
from servicehall.quality import services
from servicehall.quality.models import Questionnaire, Rectification
from tests.quality import conftest as quality_fixtures

# The quality fixtures (the queue of hall A, a ticket served to the end), as tests/quality has them.
actors, clerk_a2, clock = quality_fixtures.actors, quality_fixtures.clerk_a2, quality_fixtures.clock
items_a, kiosk_a, q, served = (
    quality_fixtures.items_a,
    quality_fixtures.kiosk_a,
    quality_fixtures.q,
    quality_fixtures.served,
)

pytestmark = pytest.mark.django_db

NOT_IDS = ["abc", "1.5", "²", "١٢", "1e308", "0x10", "-0", " 1", "9" * 5000]


@pytest.fixture
def manager(staff):
    client = Client(HTTP_ACCEPT_LANGUAGE="en", raise_request_exception=False)
    client.force_login(staff["manager_a"])
    return client


@pytest.mark.parametrize("value", NOT_IDS)
def test_the_quality_office_refuses_a_case_that_is_no_id(value, manager, served, actors):
    services.rating_submit(actor=actors["citizen"], ticket=served(), level=1, comment="态度差")
    case = Rectification.objects.get()
    for post in ({"case": value, "action": "revisit", "note": "called"}, {"case": value, "contact": "1"}):
        response = manager.post("/staff/hall-a/quality/", post)
        assert response.status_code == 422, post
        assert "No such rectification case in this hall" in response.content.decode()
    assert Rectification.objects.get().status == case.status


@pytest.mark.parametrize("value", NOT_IDS)
def test_the_quality_office_refuses_a_system_or_scale_that_is_no_number(value, manager, hall_a, actors):
    system = services.system_from_template(actor=actors["evaluator_a"], hall=hall_a, template="article")
    for post in (
        {"generate": "1", "system": value, "scale": "5"},
        {"generate": "1", "system": str(system.pk), "scale": value},
    ):
        assert manager.post("/staff/hall-a/quality/", post).status_code in (404, 422), post
    assert not Questionnaire.objects.exists()


@pytest.mark.parametrize("field", ["counter", "clerk", "service"])
@pytest.mark.parametrize("value", NOT_IDS)
def test_the_report_refuses_a_unit_that_is_no_id_beside_its_field(field, value, manager, hall_a, actors):
    services.system_from_template(actor=actors["evaluator_a"], hall=hall_a, template="article")
    response = manager.get("/staff/hall-a/quality/report/", {field: value})
    assert response.status_code == 422 and "Choose one from the list." in response.content.decode()
    assert manager.get("/staff/hall-a/quality/report/", {field: value, "format": "csv"}).status_code == 422


@pytest.mark.parametrize(
    "page",
    ["9" * 25, "-" + "9" * 25, "9223372036854775808", "1e400", "1e30", "inf", "nan", "²", "9" * 5000],
)
def test_the_audit_page_shows_the_nearest_page_for_any_page_number(page, manager, hall_a, actors):
    services.system_from_template(actor=actors["evaluator_a"], hall=hall_a, template="article")
    assert AuditEntry.objects.filter(hall=hall_a).exists()
    response = manager.get("/staff/hall-a/audit/", {"page": page, "action": "quality"})
    assert response.status_code == 200 and "quality.system" in response.content.decode()


@pytest.mark.parametrize("query", ["offset=" + "9" * 25, "offset=9223372036854775808", "limit=" + "9" * 25])
def test_the_audit_api_refuses_an_offset_beyond_a_64_bit_integer(query, api_as, hall_a):
    client = api_as("manager_a")
    client.client.raise_request_exception = False
    status, body = client.call("GET", f"/api/v1/halls/hall-a/audit?{query}")
    assert status == 422 and body["error"] == "invalid"


@pytest.mark.parametrize(
    "query,status",
    [
        ("date_from=1900-01-01&date_to=2099-12-31", 200),
        ("date_from=2099-12-31&date_to=1900-01-01", 200),
        ("date_from=0001-01-01&date_to=9999-12-31", 400),
        ("date_from=2030-02-30&date_to=2030-03-01", 422),
        ("date_from=" + "9" * 40 + "&date_to=2030-03-01", 422),
    ],
)
def test_rating_statistics_with_extreme_dates_never_500(query, status, api_as, hall_a):
    client = api_as("manager_a")
    client.client.raise_request_exception = False
    assert client.call("GET", f"/api/v1/halls/hall-a/ratings/statistics?{query}")[0] == status
