"""Masked everywhere: every staff page that shows a person (the look-up, the history page, the counter
console with the citizen box, the admin's lists and change pages) is rendered and searched for the
clear certificate number, name and mobile. Each look-up is audited; other halls and evaluators are
refused."""

import pytest

from servicehall.core.models import AuditEntry
from servicehall.customers import services
from servicehall.customers.models import Person
from tests.customers.conftest import make_id

pytestmark = pytest.mark.django_db
CLEAR = [make_id(), "张三丰", "13812345678", "三丰"]


def _pages(hall, person):
    return [
        (f"/staff/{hall.code}/customers/", {"id_number": make_id()}),
        (f"/staff/{hall.code}/customers/", {"phone": "13812345678"}),
        (f"/staff/{hall.code}/customers/{person.pk}/", None),
        (f"/console/{hall.code}/", None),
        ("/admin/customers/person/", None),
        (f"/admin/customers/person/{person.pk}/change/", None),
        ("/admin/queueing/ticket/", None),
    ]


def test_every_staff_page_with_a_person_shows_only_masked_values(client, staff, hall_a, person, actors, q):
    ticket = q.issue()
    services.ticket_citizen_identify(actor=actors["clerk_a"], ticket=ticket, id_number=make_id())
    q.open("1")
    q.call_next("1")
    for user in ("clerk_a", "admin"):
        client.force_login(staff[user])
        for page, form in _pages(hall_a, person):
            if page.startswith("/admin/") and user != "admin":
                continue
            response = client.post(page, form) if form else client.get(page)
            assert response.status_code == 200, page
            html = response.content.decode()
            for clear in CLEAR:
                assert clear not in html, (page, clear)
    client.force_login(staff["clerk_a"])
    html = client.post(f"/staff/{hall_a.code}/customers/", {"id_number": make_id()}).content.decode()
    assert person.id_hint in html and "张**" in html


def test_the_history_page_lists_the_visits(client, staff, hall_a, person, actors, q):
    ticket = q.issue()
    services.ticket_citizen_identify(actor=actors["clerk_a"], ticket=ticket, id_number=make_id())
    client.force_login(staff["clerk_a"])
    html = client.get(f"/staff/{hall_a.code}/customers/{person.pk}/").content.decode()
    assert ticket.number in html and "社保参保登记" in html


def test_each_look_up_is_audited_and_other_roles_are_refused(client, staff, hall_a, person):
    client.force_login(staff["clerk_a"])
    client.post(f"/staff/{hall_a.code}/customers/", {"phone": "13812345678"})
    assert AuditEntry.objects.filter(action="customers.person.search", actor_label="clerk_a").count() == 1
    for user in ("evaluator_a", "manager_b"):
        client.force_login(staff[user])
        assert client.get(f"/staff/{hall_a.code}/customers/").status_code == 403
        assert client.get(f"/staff/{hall_a.code}/customers/{person.pk}/").status_code == 403
    assert Person.objects.count() == 1


def test_the_full_read_on_the_history_page_needs_a_reason_and_is_audited(client, staff, hall_a, person):
    client.force_login(staff["clerk_a"])
    page = f"/staff/{hall_a.code}/customers/{person.pk}/"
    html = client.post(page, {"reason": ""}).content.decode()
    assert make_id() not in html and "field-error" in html
    html = client.post(page, {"reason": "核对办件人身份"}).content.decode()
    assert make_id() in html and "13812345678" in html
    assert AuditEntry.objects.get(action="customers.person.reveal").after == {"reason": "核对办件人身份"}
    assert make_id() not in client.get(page).content.decode()
