"""The analytics pages as a hall manager sees them (English, so the assertions read the msgids): the
forecast with its backtest error, the staffing plan with both answers and the rota's need, the what-if
form with its errors beside the fields; other roles and halls are refused."""

import pytest

from servicehall.analytics.models import SimulationJob

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(client, staff, clock):  # signed in at the frozen time, not before it
    client.force_login(staff["manager_a"])
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def test_the_forecast_page_shows_the_backtest_beside_the_forecast(manager, history, clock):
    page = manager.get("/staff/hall-a/analytics/forecast/?service=SB-001").content.decode()
    assert "Backtest MAE" in page and "Backtest MAPE" in page and "<svg" in page
    assert "Days tested" in page


def test_the_staffing_page_shows_erlang_and_simulation(manager, history, clock):
    page = manager.get("/staff/hall-a/analytics/staffing/?date=2030-03-07").content.decode()
    assert "Erlang C / simulation" in page and "People needed per half-day" in page
    assert "Merging" in page  # pooling advice for the two busiest services
    assert manager.get("/staff/hall-a/analytics/staffing/?date=garbage").status_code == 200


def test_the_what_if_form_queues_a_job_and_shows_errors_beside_the_fields(manager, history, clock):
    bad = manager.post(
        "/staff/hall-a/analytics/what-if/",
        {
            "date": "2030-03-07",
            "arrivals_percent": "20",
            "service_time_percent": "0",
            "replications": "3",
            "counters_open": "1,2",
            "merge": ["SB-001"],
        },
    )
    page = bad.content.decode()
    assert bad.status_code == 200 and "Give one number per interval" in page and "Merge at least two" in page
    assert not SimulationJob.objects.exists()
    ok = manager.post(
        "/staff/hall-a/analytics/what-if/",
        {"date": "2030-03-07", "arrivals_percent": "20", "service_time_percent": "0", "replications": "3"},
    )
    job = SimulationJob.objects.get()
    assert ok.status_code == 302 and ok["Location"].endswith(f"?job={job.pk}")
    assert job.scenario["arrivals_factor"] == pytest.approx(1.2)
    assert 'id="job-progress"' in manager.get(ok["Location"]).content.decode()


@pytest.mark.parametrize("user", ["clerk_a", "manager_b"])
@pytest.mark.parametrize("page", ["forecast", "staffing", "what-if"])
def test_other_roles_and_halls_are_refused(client, staff, items_a, user, page):
    client.force_login(staff[user])
    assert client.get(f"/staff/hall-a/analytics/{page}/").status_code == 403
