"""Minimum collection (PIPL art. 6): a manager states which personal fields a service item may collect
(audited); identifying a citizen for that item with any other field is refused beside the field and no
record is made."""

import pytest

from servicehall.catalog.models import ServiceItem
from servicehall.core.models import AuditEntry
from servicehall.customers.models import Person
from tests.customers.conftest import make_id

pytestmark = pytest.mark.django_db


def path(hall, code="SB-001"):
    return f"halls/{hall.code}/items/{code}/personal-fields"


def test_a_manager_limits_an_item_and_the_console_refuses_the_other_fields(api_as, hall_a, q, clock):
    manager, clerk = api_as("manager_a"), api_as("clerk_a")
    assert clerk.call("GET", path(hall_a))[1]["fields"] == ["id_number", "name", "phone"]
    status, body = manager.call("PUT", path(hall_a), {"fields": ["phone"]})
    assert status == 200 and body["fields"] == ["phone"]
    entry = AuditEntry.objects.get(action="customers.item_collection.set")
    assert entry.after == {"fields": ["phone"]} and entry.before == {"fields": None}

    ticket = q.issue()
    status, body = clerk.call("POST", f"tickets/{ticket.public_id}/identify", {"id_number": make_id()})
    assert status == 422 and list(body["fields"]) == ["id_number"]
    assert not Person.objects.exists()
    status, body = clerk.call("POST", f"tickets/{ticket.public_id}/identify", {"phone": "13812345678"})
    assert status == 200 and body["customer"]["phone"] == "138****5678"

    # The hall-level identify for an item obeys the same list.
    status, body = clerk.call(
        "POST", f"halls/{hall_a.code}/customers?item=SB-001", {"phone": "13812345678", "name": "张三"}
    )
    assert status == 422 and list(body["fields"]) == ["name"]


def test_an_empty_list_keeps_the_item_anonymous_and_only_managers_set_it(api_as, hall_a, q):
    assert api_as("clerk_a").call("PUT", path(hall_a), {"fields": []})[0] == 403
    assert api_as("manager_a").call("PUT", path(hall_a), {"fields": ["fingerprint"]})[0] == 422
    assert api_as("manager_a").call("PUT", path(hall_a), {"fields": []})[1]["fields"] == []
    ticket = q.issue()
    status, body = api_as("clerk_a").call(
        "POST", f"tickets/{ticket.public_id}/identify", {"phone": "13812345678"}
    )
    assert status == 422 and "phone" in body["fields"]
    assert api_as("manager_a").call("GET", path(hall_a, "NOPE"))[0] == 404
    assert ServiceItem.objects.filter(code="SB-001").exists()


def test_the_manager_page_saves_one_item_and_clerks_only_read(client, staff, hall_a, items_a):
    page = f"/staff/{hall_a.code}/customers/collection/"
    client.force_login(staff["manager_a"])
    response = client.post(page, {"item": "SB-001", "fields": ["id_number", "name"]})
    assert response.status_code == 200 and 'class="saved"' in response.content.decode()
    assert AuditEntry.objects.filter(action="customers.item_collection.set").count() == 1
    assert client.post(page, {"item": "NOPE"}).status_code == 422
    client.force_login(staff["clerk_a"])
    html = client.get(page).content.decode()
    assert 'type="checkbox"' not in html and "SB-001" in html
    assert client.post(page, {"item": "SB-001", "fields": []}).status_code == 403
    client.force_login(staff["evaluator_a"])
    assert client.get(page).status_code == 403
