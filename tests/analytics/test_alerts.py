"""The live dashboard's alerts, driven through the real queue services on a controlled clock: an alert
opens when its condition has lasted past the threshold, is texted to the managers on duty once, keeps
its value up to date, resolves by itself when the condition clears, and every open and resolve is
audited. Each rule, the per-service thresholds and the off switch (0) are checked; the advice names
the windows that could open."""

import pytest
from django.db import IntegrityError, transaction
from django.utils import translation

from servicehall.analytics import selectors, services
from servicehall.analytics.models import Alert, ServiceAlertRule
from servicehall.core.models import AuditEntry, Notification
from servicehall.queueing import services as queue

pytestmark = pytest.mark.django_db
OFF = {
    "wait_minutes": 0,
    "waiting_count": 0,
    "idle_minutes": 0,
    "pause_minutes": 0,
    "appointment_grace_minutes": 0,
}


@pytest.fixture
def limits(actors, hall_a):
    def set_(**changes):
        services.alert_settings_update(actor=actors["manager_a"], hall=hall_a, **{**OFF, **changes})

    return set_


def sweep(hall):
    with translation.override("en"):
        return services.alerts_sweep(hall=hall)


def test_a_long_wait_opens_once_is_texted_once_and_resolves_by_itself(
    q, clock, actors, hall_a, limits, django_capture_on_commit_callbacks
):
    limits(wait_minutes=20)
    services.alert_phones_set(actor=actors["manager_a"], hall=hall_a, phones="13800001111, 139 0000 2222")
    clock.at(9, 0)
    q.issue("SB-001")
    clock.at(9, 19)
    assert sweep(hall_a) == {"opened": 0, "resolved": 0, "open": 0}
    clock.at(9, 21)
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep(hall_a)["opened"] == 1
    alert = Alert.objects.get()
    assert (alert.kind, alert.subject, alert.value, alert.status) == ("long_wait", "SB-001", 21, "open")
    assert Notification.objects.count() == 2  # each duty mobile once
    clock.at(9, 30)
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep(hall_a) == {"opened": 0, "resolved": 0, "open": 1}
    alert.refresh_from_db()
    assert alert.value == alert.peak == 30 and Notification.objects.count() == 2  # not texted again
    q.open("1")
    q.call_next("1")
    clock.at(9, 31)
    assert sweep(hall_a)["resolved"] == 1
    alert.refresh_from_db()
    assert alert.status == "resolved" and alert.resolved_at == clock.now
    assert sweep(hall_a) == {"opened": 0, "resolved": 0, "open": 0}
    rows = AuditEntry.objects.filter(action="analytics.alerts").order_by("id")
    assert [len(r.after["opened"]) for r in rows] == [1, 0] and rows[1].after["resolved"][0]["id"] == alert.pk
    assert {r.actor_label for r in rows} == {"system:analytics.alerts"}


def test_managers_with_a_work_mobile_are_texted_when_the_hall_asks(
    q, clock, actors, hall_a, limits, django_capture_on_commit_callbacks
):
    from servicehall.core import crypto
    from servicehall.staff.services import staff_mobile_set

    manager = actors["manager_a"]
    limits(wait_minutes=20)
    services.alert_phones_set(actor=manager, hall=hall_a, phones="13800001111")
    staff_mobile_set(actor=manager, hall=hall_a, user=manager.user, mobile="13800001111")  # the same
    staff_mobile_set(actor=manager, hall=hall_a, user=actors["clerk_a"].user, mobile="13900002222")
    clock.at(9, 0)
    q.issue("SB-001")
    clock.at(9, 21)
    with django_capture_on_commit_callbacks(execute=True):
        sweep(hall_a)
    assert [crypto.decrypt(n.phone_encrypted) for n in Notification.objects.all()] == ["13800001111"]
    services.alert_settings_update(actor=manager, hall=hall_a, text_managers=True)
    staff_mobile_set(actor=manager, hall=hall_a, user=manager.user, mobile="13700003333")
    q.issue("GJ-001")
    clock.at(9, 45)
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep(hall_a)["opened"] == 1  # GJ-001's wait; SB-001's alert is still open, not texted again
    texted = [crypto.decrypt(n.phone_encrypted) for n in Notification.objects.order_by("id")][1:]
    assert sorted(texted) == ["13700003333", "13800001111"]  # never the clerk's mobile


def test_a_crowded_queue_names_the_windows_that_could_open(q, clock, hall_a, limits):
    limits(waiting_count=3)
    for _ in range(3):
        q.issue("SB-001")
    sweep(hall_a)
    alert = Alert.objects.get(kind="many_waiting")
    assert alert.value == 3 and alert.subject_label == "社保参保登记"
    assert alert.advice == {"service": "SB-001", "more": 1, "windows": ["1", "2"]}  # both serve SB-001
    with translation.override("en"):
        (row,) = selectors.alert_rows(hall=hall_a, rows=[alert])
    assert row["advice"] == "Open 1 more window for 社保参保登记; free windows that can serve it: 1, 2."


def test_a_service_has_its_own_threshold_and_zero_switches_a_rule_off(
    q, clock, actors, hall_a, items_a, limits
):
    limits(wait_minutes=20)
    services.alert_rules_set(
        actor=actors["manager_a"],
        hall=hall_a,
        rows=[{"service": "SB-001", "wait_minutes": 60, "waiting_count": None}],
    )
    clock.at(9, 0)
    q.issue("SB-001")
    q.issue("GJ-001")
    clock.at(9, 30)
    sweep(hall_a)
    assert list(Alert.objects.values_list("subject", flat=True)) == ["GJ-001"]
    assert ServiceAlertRule.objects.get().waiting_count is None
    limits(wait_minutes=0)
    sweep(hall_a)
    assert not Alert.objects.filter(status="open").exists()


def test_an_idle_window_with_people_waiting_and_a_long_pause(q, clock, actors, hall_a, limits):
    limits(idle_minutes=3, pause_minutes=15)
    clock.at(9, 0)
    q.open("1")
    queue.counter_open(actor=actors["clerk_a2"], counter=q.window("3"))
    queue.counter_pause(actor=actors["clerk_a2"], counter=q.window("3"), reason="培训")
    q.issue("SB-001")
    clock.at(9, 2)
    sweep(hall_a)
    assert not Alert.objects.exists()
    clock.at(9, 4)
    sweep(hall_a)
    assert set(Alert.objects.values_list("kind", "subject")) == {("idle_counter", "1")}
    clock.at(9, 16)
    sweep(hall_a)
    assert set(Alert.objects.filter(status="open").values_list("kind", "subject")) == {
        ("idle_counter", "1"),
        ("long_pause", "3"),
    }
    q.call_next("1")
    queue.counter_unpause(actor=actors["clerk_a2"], counter=q.window("3"))
    sweep(hall_a)
    assert not Alert.objects.filter(status="open").exists()


def test_the_database_allows_one_open_alert_per_subject(hall_a, clock):
    row = {"hall": hall_a, "kind": "long_wait", "subject": "SB-001", "subject_label": "x", "value": 1}
    Alert.objects.create(**row, threshold=1, peak=1, opened_at=clock.now)
    with pytest.raises(IntegrityError), transaction.atomic():
        Alert.objects.create(**row, threshold=1, peak=1, opened_at=clock.now)


def test_duty_phones_are_checked_and_kept_masked(actors, hall_a):
    from servicehall.core.errors import Invalid

    with pytest.raises(Invalid):
        services.alert_phones_set(actor=actors["manager_a"], hall=hall_a, phones="12345")
    with pytest.raises(Exception):  # a clerk may not
        services.alert_phones_set(actor=actors["clerk_a"], hall=hall_a, phones="13800001111")
    conf = services.alert_phones_set(actor=actors["manager_a"], hall=hall_a, phones="13800001111")
    assert conf.duty_phones_hint == "138****1111" and "13800001111" not in conf.duty_phones_encrypted
    entry = AuditEntry.objects.get(action="analytics.alert_phones")
    assert "13800001111" not in str(entry.before) + str(entry.after)
