"""The what-if page in Chromium (issue 18): the hall manager runs a scenario, sees its progress while the
hall's day is simulated, then the answer with confidence intervals and the chart of the queue. The job's
thread is held until the progress bar has been seen, so the test never races the simulation."""

import threading

import pytest
from playwright.sync_api import expect

from tests.browser.test_queue_pages import _sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def held_jobs(monkeypatch):
    """Simulation threads wait for ``release.set()``."""
    from django.db import connection, transaction

    from servicehall.analytics import services

    release = threading.Event()

    def start(job_id: int) -> None:
        def run():
            release.wait(60)
            try:
                services.simulation_run(job_id=job_id)
            finally:
                connection.close()

        transaction.on_commit(lambda: threading.Thread(target=run, daemon=True).start())

    monkeypatch.setattr(services, "start_in_background", start)
    return release


def test_a_what_if_scenario_shows_its_progress_then_its_results(
    site, new_page, recorder, held_jobs, screenshot
):
    page = new_page(recorder=recorder)
    page.set_default_timeout(90_000)
    _sign_in(page, site, "manager")
    page.goto(site.path(f"/staff/{site.hall_code}/analytics/what-if/"))
    page.fill("input[name=arrivals_percent]", "20")
    page.fill("input[name=replications]", "3")
    page.click("form.an-form button[type=submit]")
    bar = page.locator("#job-progress")
    expect(bar).to_be_visible()
    screenshot(page, "analytics-whatif-running-zh.png")
    held_jobs.set()
    table = page.locator("table.an-compare")
    expect(table).to_be_visible()  # the page reloads itself when the job is done
    expect(bar).to_have_count(0)
    expect(page.locator("svg.an-chart polyline")).to_have_count(2)
    assert table.locator("tbody tr").count() == 7
    screenshot(page, "analytics-whatif-zh.png")
    assert recorder.errors() == []
