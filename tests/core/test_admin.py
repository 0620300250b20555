"""The Django admin works for every registered model: list, search, filter and the change form open.

The demo hall is built once for the module, inside a transaction that is rolled back when the module is
done (each test runs in a savepoint within it, as ``django_db`` tests do), so nothing it wrote reaches
another module."""

import pytest
from django.contrib import admin
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    # The per-test ``_fast_passwords`` has not run yet at module scope: hash the demo accounts fast too.
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), transaction.atomic():
        with fast:
            result = _build_demo()
        yield result
        transaction.set_rollback(True)


def _build_demo():
    from django.contrib.auth import get_user_model

    from servicehall.core.actors import Actor
    from servicehall.core.models import Counter
    from servicehall.demo import load_demo
    from servicehall.live.services import event_emit
    from servicehall.queueing import services as queue

    result = load_demo()
    # One of everything the queue writes, so every change page is opened too.
    clerk = Actor(user=get_user_model().objects.get(username="clerk"))
    counter = Counter.objects.get(hall=result.hall, number="1")
    item = counter.service_items.first()
    queue.ticket_issue(actor=clerk, hall=result.hall, service_code=item.code, channel="counter")
    queue.counter_open(actor=clerk, counter=counter)
    queue.ticket_call_next(actor=clerk, counter=counter)
    admin_actor = Actor(user=get_user_model().objects.get(username="admin"))
    queue.counter_services_set(actor=admin_actor, counter=counter, rows=[{"service": item.code}])
    event_emit(hall=result.hall, kind="test", payload={})
    import datetime

    from servicehall.appointments import services as appointments

    manager = Actor(user=get_user_model().objects.get(username="manager"))
    appointments.settings_update(actor=manager, hall=result.hall, hold_minutes=4)
    appointments.calendar_day_set(
        actor=manager, hall=result.hall, date=datetime.date(2031, 1, 2), kind="holiday", name="元旦调休"
    )
    return result


def _models():
    return [(m._meta.app_label, m._meta.model_name) for m in admin.site._registry]


@pytest.mark.parametrize("app_label,model_name", _models())
def test_every_admin_list_and_change_page_opens(client, demo, app_label, model_name):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="admin"))
    changelist = reverse(f"admin:{app_label}_{model_name}_changelist")
    assert client.get(changelist).status_code == 200
    assert client.get(changelist, {"q": "青山"}).status_code == 200
    model = next(
        m for m in admin.site._registry if m._meta.model_name == model_name and m._meta.app_label == app_label
    )
    obj = model.objects.first()
    if obj is not None:
        assert client.get(reverse(f"admin:{app_label}_{model_name}_change", args=[obj.pk])).status_code == 200


def test_a_hall_manager_without_staff_status_cannot_open_the_admin(client, demo):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="manager"))
    assert client.get("/admin/").status_code == 302
