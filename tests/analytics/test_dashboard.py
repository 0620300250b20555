"""The live dashboard as a hall manager reads it (page, body fragment and the API contract), the alert
list with what was done, and the threshold page with errors beside the field; other roles and halls are
refused. Pages are asked in English."""

import pytest
from django.test import Client

from servicehall.analytics import services
from servicehall.analytics.models import Alert, AlertSettings
from servicehall.core.models import AuditEntry
from servicehall.queueing import services as queue

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_user(staff, clock):
    def make(name):
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        if name:
            client.force_login(staff[name])
        return client

    return make


def test_the_snapshot_shows_queues_windows_and_totals(api_as, q, clock, actors):
    clock.at(9, 0)
    q.issue("SB-001")
    q.issue("SB-001")
    q.open("1")
    q.call_next("1")
    queue.counter_open(actor=actors["clerk_a2"], counter=q.window("3"))
    queue.counter_pause(actor=actors["clerk_a2"], counter=q.window("3"), reason="培训")
    clock.at(9, 12)
    status, body = api_as("manager_a", language="en").call("GET", "halls/hall-a/dashboard")
    assert status == 200
    sb = next(s for s in body["services"] if s["code"] == "SB-001")
    assert (sb["waiting"], sb["longest_wait_seconds"], sb["window_open"]) == (1, 12 * 60, True)
    windows = {c["number"]: c for c in body["counters"]}
    assert windows["1"]["activity"] == "serving" and windows["1"]["ticket"] == "A001"
    assert windows["1"]["ticket_seconds"] == 12 * 60 and windows["1"]["clerk"]
    assert windows["3"]["activity"] == "paused" and windows["3"]["pause_reason"] == "培训"
    assert windows["2"]["activity"] == "closed"
    assert body["totals"]["waiting"] == 1 and body["totals"]["issued_today"] == 2
    assert set(body) >= {"appointments", "ratings", "alerts", "at"}
    assert "clerk_id" not in windows["1"]


@pytest.mark.parametrize(("who", "status"), [(None, 401), ("clerk_a", 403), ("manager_b", 403)])
def test_only_the_halls_managers_see_the_snapshot(api_as, items_a, who, status):
    assert api_as(who).call("GET", "halls/hall-a/dashboard")[0] == status
    assert api_as("manager_a").call("GET", "halls/nowhere/dashboard")[0] == 404


@pytest.mark.parametrize(
    "path",
    [
        "/staff/hall-a/analytics/dashboard/",
        "/staff/hall-a/analytics/alerts/",
        "/staff/hall-a/analytics/alert-settings/",
    ],
)
def test_pages_are_the_halls_managers_only(as_user, items_a, path):
    assert as_user("manager_a").get(path).status_code == 200
    assert as_user("clerk_a").get(path).status_code == 403
    assert as_user("manager_b").get(path).status_code == 403


def test_the_page_and_its_body_show_an_open_alert_with_its_advice(as_user, q, clock, actors, hall_a):
    services.alert_settings_update(actor=actors["manager_a"], hall=hall_a, waiting_count=2)
    q.issue("SB-001")
    q.issue("SB-001")
    services.alerts_sweep(hall=hall_a)
    page = as_user("manager_a").get("/staff/hall-a/analytics/dashboard/").content.decode()
    assert 'id="dash"' in page and "dashboard.js" in page and "Many waiting" in page
    body = as_user("manager_a").get("/staff/hall-a/analytics/dashboard/?part=body").content.decode()
    assert "<html" not in body and "2 people waiting" in body and "Open 1 more window" in body


def test_a_manager_records_what_was_done(as_user, q, clock, actors, hall_a):
    services.alert_settings_update(actor=actors["manager_a"], hall=hall_a, waiting_count=1)
    q.issue("SB-001")
    services.alerts_sweep(hall=hall_a)
    alert = Alert.objects.get()
    manager = as_user("manager_a")
    refused = manager.post("/staff/hall-a/analytics/alerts/", {"alert": alert.pk, "note": " "})
    assert refused.status_code == 422 and "Say what was done." in refused.content.decode()
    for alert_id, status in (("x", 404), ("99999", 404), ("1\x00", 400)):
        answer = manager.post("/staff/hall-a/analytics/alerts/", {"alert": alert_id, "note": "ok ok"})
        assert answer.status_code == status
    done = manager.post("/staff/hall-a/analytics/alerts/", {"alert": alert.pk, "note": "开了5号窗口"})
    assert done.status_code == 302
    alert.refresh_from_db()
    assert (
        alert.note == "开了5号窗口" and AuditEntry.objects.filter(action="analytics.alert_note").count() == 1
    )
    assert "开了5号窗口" in manager.get("/staff/hall-a/analytics/alerts/").content.decode()


def test_thresholds_are_saved_and_bad_values_shown_beside_the_field(as_user, items_a, hall_a):
    manager = as_user("manager_a")
    url = "/staff/hall-a/analytics/alert-settings/"
    form = {"part": "thresholds", "wait_minutes": 25, "waiting_count": 15, "idle_minutes": 0}
    ok = manager.post(url, {**form, "pause_minutes": 10, "appointment_grace_minutes": 5})
    assert ok.status_code == 302 and AlertSettings.objects.get(hall=hall_a).wait_minutes == 25
    bad = manager.post(
        url, {**form, "wait_minutes": 99999, "pause_minutes": 10, "appointment_grace_minutes": 5}
    )
    assert bad.status_code == 422 and 'class="field has-error"' in bad.content.decode()
    assert AlertSettings.objects.get(hall=hall_a).wait_minutes == 25
    wrong = manager.post(url, {"part": "services", "wait-SB-001": "abc", "count-GJ-001": "4"})
    page = wrong.content.decode()
    assert wrong.status_code == 422 and "A whole number from 0 to 600." in page and 'value="abc"' in page
    assert not hall_a.service_alert_rules.exists()  # the valid row did not go in alone
    assert manager.post(url, {"part": "services", "wait-SB-001": "45"}).status_code == 302
    assert hall_a.service_alert_rules.get().wait_minutes == 45
    phones = manager.post(url, {"part": "phones", "duty_phones": "not a phone"})
    assert phones.status_code == 422 and "mainland mobile" in phones.content.decode()
    assert manager.post(url, {"part": "phones", "duty_phones": "13800001111"}).status_code == 302
    assert "138****1111" in manager.get(url).content.decode()


def test_the_manager_chooses_to_text_every_manager_and_sees_who_has_a_mobile(as_user, items_a, hall_a):
    from servicehall.core.actors import Actor
    from servicehall.staff.services import staff_mobile_set

    manager = as_user("manager_a")
    url = "/staff/hall-a/analytics/alert-settings/"
    assert "no work mobile" in manager.get(url).content.decode()
    user = manager.get(url).wsgi_request.user
    staff_mobile_set(actor=Actor(user=user), hall=hall_a, user=user, mobile="13700003333")
    page = manager.get(url).content.decode()
    assert "137****3333" in page and "13700003333" not in page
    assert manager.post(url, {"part": "managers", "text_managers": "on"}).status_code == 302
    assert AlertSettings.objects.get(hall=hall_a).text_managers
    assert "checked" in manager.get(url).content.decode().split('id="text-managers"')[1][:40]
    # saving the thresholds leaves the choice alone
    form = {"part": "thresholds", "wait_minutes": 25, "waiting_count": 15, "idle_minutes": 0}
    manager.post(url, {**form, "pause_minutes": 10, "appointment_grace_minutes": 5})
    assert AlertSettings.objects.get(hall=hall_a).text_managers
    assert manager.post(url, {"part": "managers"}).status_code == 302
    assert not AlertSettings.objects.get(hall=hall_a).text_managers
