"""Which rectification cases a member of staff sees: one rule (``selectors.rectifications_visible``) for
the office page and the API. A clerk sees the cases assigned to them; managers and evaluators see the
hall's."""

import pytest
from django.test import Client

from servicehall.quality import services
from servicehall.queueing import services as queue


@pytest.fixture
def two_cases(clock, q, served, actors):
    """A bad rating of a service by clerk_a at window 1 and one by clerk_a2 at window 2: two open cases."""
    mine = services.rating_submit(actor=actors["citizen"], ticket=served(), level=1, comment="一号窗口太慢")
    q.issue()
    q.open("2", by="clerk_a2")
    called = q.call_next("2", by="clerk_a2")
    queue.ticket_start(actor=actors["clerk_a2"], ticket=called)
    done = queue.ticket_complete(actor=actors["clerk_a2"], ticket=called)
    other = services.rating_submit(actor=actors["citizen"], ticket=done, level=2, comment="二号窗口态度差")
    assert other.rectification.assignee.username == "clerk_a2"
    return mine.rectification, other.rectification


def _page_case_ids(user) -> set[int]:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    response = client.get("/staff/hall-a/quality/")
    assert response.status_code == 200
    return {row["case"].pk for row in response.context["cases"]}


def _api_case_ids(api_as, name) -> set[int]:
    status, rows = api_as(name).call("GET", "halls/hall-a/rectifications")
    assert status == 200
    return {row["id"] for row in rows}


def test_the_page_and_the_api_show_a_clerk_the_same_cases_their_own(two_cases, staff, clerk_a2, api_as):
    mine, other = two_cases
    assert _page_case_ids(staff["clerk_a"]) == _api_case_ids(api_as, "clerk_a") == {mine.pk}
    assert _page_case_ids(clerk_a2) == {other.pk}


@pytest.mark.parametrize("name", ["manager_a", "evaluator_a"])
def test_the_page_and_the_api_show_the_office_every_case_of_the_hall(two_cases, staff, api_as, name):
    assert _page_case_ids(staff[name]) == _api_case_ids(api_as, name) == {c.pk for c in two_cases}
