"""The audit trail: every state change writes who, when, what, from where, before and after — and a
change that fails leaves neither the change nor an audit row."""

import pytest

from servicehall.core import services
from servicehall.core.actors import Actor
from servicehall.core.errors import Invalid
from servicehall.core.models import AuditEntry, Counter

pytestmark = pytest.mark.django_db


def test_a_counter_change_records_actor_address_before_and_after(api_as, staff, hall_a):
    counter = Counter.objects.get(hall=hall_a, number="2")
    status, _ = api_as("manager_a").call(
        "PATCH", f"counters/{counter.pk}", {"name": "社保窗口", "active": False}
    )
    assert status == 200
    entry = AuditEntry.objects.filter(action="counter.update").latest("id")
    assert entry.actor_id == staff["manager_a"].pk
    assert entry.hall_id == hall_a.pk
    assert entry.ip == "127.0.0.1"
    assert entry.before["name"] == "2号窗口" and entry.before["active"] is True
    assert entry.after["name"] == "社保窗口" and entry.after["active"] is False


def test_a_failed_change_writes_no_audit_row_and_changes_nothing(admin_actor, hall_a):
    counter = Counter.objects.get(hall=hall_a, number="2")
    before = AuditEntry.objects.count()
    with pytest.raises(Invalid):
        services.counter_update(actor=admin_actor, counter=counter, number="1")  # taken by window 1
    assert AuditEntry.objects.count() == before
    counter.refresh_from_db()
    assert counter.number == "2"


def test_a_duplicate_window_number_is_a_422_with_the_field_named(api_as, hall_a):
    counter = Counter.objects.get(hall=hall_a, number="2")
    status, payload = api_as("manager_a").call("PATCH", f"counters/{counter.pk}", {"number": "1"})
    assert status == 422
    assert payload["error"] == "invalid"
    assert "__all__" in payload["fields"] or "number" in payload["fields"]


def test_grants_tokens_and_logins_are_audited(admin_actor, staff, hall_a, client):
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"hall.create", "counter.create", "membership.grant"} <= actions
    services.token_create(actor=Actor(user=staff["clerk_a"]), user=staff["clerk_a"])
    assert AuditEntry.objects.filter(action="token.create", actor_id=staff["clerk_a"].pk).exists()
    client.post("/login/", {"username": "clerk_a", "password": "x-pass-12345"})
    assert AuditEntry.objects.filter(action="login.success", actor_id=staff["clerk_a"].pk).exists()


def test_managers_filter_the_audit_trail_of_their_hall_only(api_as, hall_a, hall_b):
    counter_b = Counter.objects.get(hall=hall_b, number="3")
    api_as("manager_b").call("PATCH", f"counters/{counter_b.pk}", {"name": "乙厅窗口"})
    status, rows = api_as("manager_a").call("GET", f"halls/{hall_a.code}/audit?action=counter")
    assert status == 200
    assert rows, "hall A has counter.create entries"
    assert all(r["action"].startswith("counter") for r in rows)
    assert all("乙厅" not in (r["object_repr"] or "") for r in rows)


def test_the_audit_page_lists_and_filters_entries(client, staff, hall_a):
    client.force_login(staff["manager_a"])
    page = client.get(f"/staff/{hall_a.code}/audit/", {"action": "counter.create"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "counter.create" in text and "membership.grant" not in text
    bad = client.get(f"/staff/{hall_a.code}/audit/", {"date_from": "2026-05-02", "date_to": "2026-05-01"})
    assert "field-error" in bad.content.decode()
