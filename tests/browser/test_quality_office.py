"""The quality office in Chromium, as the quality evaluator and as the rated clerk (issue 12, item 11): each
sees exactly the step buttons the service lets them press, pressing one works, and the closed cases stay
findable in the archive with its filters. On the demo hall (its simulated month of bad ratings)."""

import datetime
import zoneinfo

import pytest
from playwright.sync_api import expect

from tests.browser.test_queue_pages import _sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
DESKTOP = {"width": 1440, "height": 900}


def _shown_steps(page) -> dict[int, set[str]]:
    """Case id -> the step buttons its row shows."""
    shown = {}
    for form in page.locator("form.q-step:has(input[name=case])").all():
        case = int(form.locator("input[name=case]").get_attribute("value"))
        shown[case] = {b.get_attribute("data-step") for b in form.locator("button[data-step]").all()}
    return shown


def _allowed(username: str) -> dict[int, set[str]]:
    """Case id -> the steps the service lets ``username`` take, over the open cases they see (only the
    rows with a step have a form)."""
    from django.contrib.auth import get_user_model

    from servicehall.core.models import Hall
    from servicehall.quality import selectors

    user = get_user_model().objects.get(username=username)
    cases = selectors.rectifications_visible(user=user, hall=Hall.objects.get()).exclude(status="closed")
    steps = {c.pk: set(selectors.rectification_steps(user=user, case=c)) for c in cases[:200]}
    return {pk: found for pk, found in steps.items() if found}


def test_the_office_shows_each_viewer_the_steps_they_may_take(
    asgi_site, new_page, recorder, time_machine, screenshot
):
    from servicehall.quality.models import Rectification

    server = asgi_site
    time_machine.move_to(datetime.datetime.now(SHANGHAI), tick=True)
    office = f"{server.url}/staff/{server.hall_code}/quality/"
    open_cases = Rectification.objects.exclude(status="closed")
    assert open_cases.exists() and Rectification.objects.filter(status="closed").exists()

    evaluator = new_page(viewport=DESKTOP, recorder=recorder)
    _sign_in(evaluator, server, "evaluator")
    evaluator.goto(office)
    shown = _shown_steps(evaluator)
    assert shown and shown == _allowed("evaluator")
    every = set().union(*shown.values())
    assert "revisit" in every and "rectified" not in every  # the clerk's step is not offered to the office
    screenshot(evaluator, "quality-office-evaluator-zh.png")

    # The evaluator records a revisit: the row then offers the verification.
    first = open_cases.filter(status="open").order_by("-opened_at").first()
    row = evaluator.locator(f"form.q-step:has(input[name=case][value='{first.pk}'])")
    row.locator("input[name=note]").fill("已电话回访")
    row.locator("button[data-step=revisit]").click()
    expect(evaluator.locator(".q-ok")).to_be_visible()
    first.refresh_from_db()
    assert first.status == "revisited"
    assert _shown_steps(evaluator)[first.pk] == {"reasonable", "unreasonable", "appeal"}

    # The rated clerk: never a revisit, a verification or a close; the rectification of their own service.
    clerk = new_page(viewport=DESKTOP, recorder=recorder)
    _sign_in(clerk, server, "clerk")
    clerk.goto(office)
    mine = _shown_steps(clerk)
    assert set().union(*mine.values()) <= {"rectified"}
    assert mine == _allowed("clerk")
    expect(clerk.locator("[data-waiting]").first).to_contain_text("好差评")
    clerk.goto(office + "#cases")
    screenshot(clerk, "quality-office-clerk-zh.png")

    # The archive: closed cases with their outcome, filtered.
    evaluator.locator("a[href$='/quality/cases/']").first.click()
    expect(evaluator.locator("table.q-archive tbody tr").first).to_be_visible()
    evaluator.select_option("#a-outcome", "explained")
    evaluator.locator("form.q-archive-filter button[type=submit]").click()
    outcomes = evaluator.locator("table.q-archive tbody tr td:nth-child(5)").all_inner_texts()
    closed = Rectification.objects.filter(status="closed", outcome="explained").count()
    assert closed and len(outcomes) == min(closed, 25)
    screenshot(evaluator, "quality-archive-evaluator-zh.png")
    errors = [e for e in recorder.errors() if "status of 422" not in e]
    assert not errors, errors
