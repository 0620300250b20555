"""The Django admin works for every registered model: list, search, filter and the change form open."""

import pytest
from django.contrib import admin
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    from servicehall.demo import load_demo

    return load_demo()


def _models():
    return [(m._meta.app_label, m._meta.model_name) for m in admin.site._registry]


@pytest.mark.parametrize("app_label,model_name", _models())
def test_every_admin_list_and_change_page_opens(client, demo, app_label, model_name):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="admin"))
    changelist = reverse(f"admin:{app_label}_{model_name}_changelist")
    assert client.get(changelist).status_code == 200
    assert client.get(changelist, {"q": "青山"}).status_code == 200
    model = next(m for m in admin.site._registry if m._meta.model_name == model_name
                 and m._meta.app_label == app_label)
    obj = model.objects.first()
    if obj is not None:
        assert client.get(reverse(f"admin:{app_label}_{model_name}_change", args=[obj.pk])).status_code == 200


def test_a_hall_manager_without_staff_status_cannot_open_the_admin(client, demo):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="manager"))
    assert client.get("/admin/").status_code == 302
