"""An edit in the Django admin leaves the same audit trail as the hall's pages and the API: memberships,
counters, devices, API tokens and the per-hall settings go through their services (or are refused), and no
admin page sets a ``status`` by hand."""

import pytest
from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import RequestFactory
from django.urls import reverse

from servicehall.core import services
from servicehall.core.choices import DeviceKind, Role
from servicehall.core.models import ApiToken, AuditEntry, Counter, Device, HallMembership

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(client, admin_user):
    client.force_login(admin_user)
    return client


def _url(model, action, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}", args=args)


def _form_data(client, url, **changes) -> dict:
    """What the browser would post back from the admin form at ``url``, with ``changes`` applied."""
    form = client.get(url).context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(field, forms.BooleanField):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = value
    for name, value in changes.items():
        if value is False:
            data.pop(name, None)
        else:
            data[name] = "on" if value is True else value
    return data


def _actions(**filters):
    return list(AuditEntry.objects.filter(**filters).order_by("at", "pk").values_list("action", flat=True))


def test_granting_a_role_in_the_admin_writes_the_audit_row(root, staff, hall_a):
    user = get_user_model().objects.create_user(username="newcomer", password="x-pass-12345")
    response = root.post(
        _url(HallMembership, "add"), {"user": user.pk, "hall": hall_a.pk, "role": Role.CLERK}
    )
    assert response.status_code == 302
    membership = HallMembership.objects.get(user=user, hall=hall_a)
    entry = AuditEntry.objects.get(action="membership.grant", object_id=str(membership.pk))
    assert entry.actor_label == "root"
    assert entry.after == {"user": "newcomer", "role": Role.CLERK}


def test_revoking_a_role_in_the_admin_writes_the_audit_row(root, staff, hall_a):
    membership = HallMembership.objects.get(user=staff["clerk_a"], hall=hall_a)
    response = root.post(_url(HallMembership, "delete", membership.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not HallMembership.objects.filter(pk=membership.pk).exists()
    entry = AuditEntry.objects.get(action="membership.revoke", object_id=str(membership.pk))
    assert entry.before == {"user": "clerk_a", "role": Role.CLERK}


def test_revoking_roles_with_the_bulk_action_writes_one_row_each(root, staff, hall_a):
    ids = list(HallMembership.objects.filter(hall=hall_a, role=Role.CLERK).values_list("pk", flat=True))
    response = root.post(
        _url(HallMembership, "changelist"),
        {"action": "delete_selected", "_selected_action": ids, "post": "yes"},
    )
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="membership.revoke").count() == len(ids)


def test_a_role_is_not_edited_in_place(root, staff, hall_a):
    membership = HallMembership.objects.get(user=staff["clerk_a"], hall=hall_a)
    response = root.post(
        _url(HallMembership, "change", membership.pk),
        {"user": membership.user_id, "hall": hall_a.pk, "role": Role.MANAGER},
    )
    assert response.status_code == 403
    membership.refresh_from_db()
    assert membership.role == Role.CLERK


def test_changing_a_counter_in_the_admin_writes_the_audit_row_with_before_and_after(root, hall_a):
    counter = Counter.objects.get(hall=hall_a, number="2")
    url = _url(Counter, "change", counter.pk)
    response = root.post(url, _form_data(root, url, name="社保窗口", active=False))
    assert response.status_code == 302
    counter.refresh_from_db()
    assert (counter.name, counter.active) == ("社保窗口", False)
    entry = AuditEntry.objects.get(action="counter.update", object_id=str(counter.pk))
    assert entry.actor_label == "root"
    assert (entry.before["name"], entry.before["active"]) == ("2号窗口", True)
    assert (entry.after["name"], entry.after["active"]) == ("社保窗口", False)


def test_adding_a_counter_in_the_admin_writes_the_audit_row(root, hall_a):
    response = root.post(
        _url(Counter, "add"), {"hall": hall_a.pk, "number": "9", "name": "9号窗口", "kind": "dedicated"}
    )
    assert response.status_code == 302
    counter = Counter.objects.get(hall=hall_a, number="9")
    assert _actions(object_id=str(counter.pk), object_type="core.counter") == ["counter.create"]


def test_a_counter_edit_the_service_refuses_changes_nothing_and_says_why(client, staff, hall_a):
    """A staff account with the admin's change permission but no role in the hall: the service refuses,
    the admin shows its message, and neither the counter nor the trail changes."""
    user = get_user_model().objects.create_user(username="helpdesk", password="x-pass-12345", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=["view_counter", "change_counter"]))
    client.force_login(user)
    counter = Counter.objects.get(hall=hall_a, number="2")
    url = _url(Counter, "change", counter.pk)
    before = AuditEntry.objects.count()
    response = client.post(url, _form_data(client, url, name="改名"), follow=True)
    assert response.status_code == 200
    assert any(m.level_tag == "error" for m in response.context["messages"])
    counter.refresh_from_db()
    assert counter.name == "2号窗口"
    assert AuditEntry.objects.count() == before


@pytest.mark.parametrize(
    ("app", "model_name", "field", "value", "action"),
    [
        ("queueing", "queuesettings", "recall_limit", 5, "queue.settings"),
        ("appointments", "appointmentsettings", "hold_minutes", 9, None),
        ("quality", "qualitysettings", "rating_window_days", 3, None),
    ],
)
def test_changing_a_halls_settings_in_the_admin_writes_the_audit_row(
    root, hall_a, app, model_name, field, value, action
):
    from django.apps import apps

    model = apps.get_model(app, model_name)
    conf, _ = model.objects.get_or_create(hall=hall_a)
    url = _url(model, "change", conf.pk)
    response = root.post(url, _form_data(root, url, **{field: value}))
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    conf.refresh_from_db()
    assert getattr(conf, field) == value
    entry = AuditEntry.objects.get(object_type=model._meta.label_lower, object_id=str(conf.pk))
    if action:
        assert entry.action == action
    assert entry.hall_id == hall_a.pk
    assert entry.after == {field: value}


def test_switching_a_device_off_in_the_admin_writes_the_audit_row(root, admin_actor, hall_a):
    device, _raw = services.device_create(
        actor=admin_actor, hall=hall_a, kind=DeviceKind.KIOSK, name="自助机"
    )
    url = _url(Device, "change", device.pk)
    response = root.post(url, _form_data(root, url, active=False))
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.active is False
    entry = AuditEntry.objects.get(action="device.update", object_id=str(device.pk))
    assert (entry.before, entry.after) == ({"active": True}, {"active": False})


def test_revoking_a_token_in_the_admin_writes_the_audit_row(root, admin_actor, staff):
    services.token_create(actor=admin_actor, user=staff["manager_a"], name="script")
    token = ApiToken.objects.get(user=staff["manager_a"])
    url = _url(ApiToken, "change", token.pk)
    response = root.post(url, {"revoked_at_0": "2020-01-01", "revoked_at_1": "00:00:00"})
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_at.year > 2020  # the service stamps now
    assert _actions(object_type="core.apitoken", object_id=str(token.pk)) == ["token.create", "token.revoke"]


def test_no_admin_page_sets_a_status_by_hand(admin_user):
    """A model whose ``status`` (or session ``state``) changes only through a service is read-only in the
    admin, or at least that field is."""
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    checked = []
    for model, model_admin in admin.site._registry.items():
        names = {f.name for f in model._meta.fields}
        for field in {"status", "state"} & names:
            checked.append(model._meta.label)
            writable = model_admin.has_change_permission(request) or model_admin.has_add_permission(request)
            assert not writable or field in model_admin.get_readonly_fields(request), model._meta.label
    assert "queueing.Ticket" in checked and "appointments.Appointment" in checked


def test_renaming_a_hall_in_the_admin_writes_the_audit_row(root, hall_a):
    from servicehall.core.models import Hall

    url = _url(Hall, "change", hall_a.pk)
    page = root.get(url)
    data = _form_data(root, url, name="甲区市民中心")
    for inline in page.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        data.update({management.add_prefix(k): v for k, v in management.initial.items()})
    response = root.post(url, data)
    assert response.status_code == 302
    hall_a.refresh_from_db()
    assert hall_a.name == "甲区市民中心"
    entry = AuditEntry.objects.get(action="hall.update", object_id=str(hall_a.pk))
    assert (entry.before["name"], entry.after["name"]) == ("甲区政务服务中心", "甲区市民中心")


def test_changing_a_working_plan_in_the_admin_goes_through_plan_save(root, admin_actor, hall_a):
    from servicehall.appointments.models import WorkingPlan
    from servicehall.appointments.services import plan_save
    from servicehall.catalog.services import item_save

    item = item_save(
        actor=admin_actor,
        hall=hall_a,
        data={
            "code": "SB-001",
            "name": "社保参保登记",
            "department": "人社局",
            "category": "社保",
            "ticket_prefix": "A",
        },
    )
    plan = plan_save(actor=admin_actor, hall=hall_a, service=item, seats_per_slot=2)
    before = AuditEntry.objects.count()
    url = _url(WorkingPlan, "change", plan.pk)
    response = root.post(url, _form_data(root, url, seats_per_slot=3))
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.seats_per_slot == 3
    assert AuditEntry.objects.count() == before + 1
    assert AuditEntry.objects.order_by("-pk").first().object_id == str(plan.pk)


def test_the_catalogue_is_read_only_in_the_admin_so_no_edit_escapes_the_audit(root, admin_actor, hall_a):
    from servicehall.catalog.models import ServiceItem
    from servicehall.catalog.services import item_save

    item = item_save(
        actor=admin_actor,
        hall=hall_a,
        data={
            "code": "SB-001",
            "name": "社保参保登记",
            "department": "社保局",
            "category": "社会保障",
            "ticket_prefix": "A",
            "materials": [{"name": "居民身份证"}],
        },
    )
    url = reverse("admin:catalog_serviceitem_change", args=[item.pk])
    assert root.get(url).status_code == 200  # it can be looked at
    response = root.post(url, {"name": "改名"})
    assert response.status_code == 403
    assert ServiceItem.objects.get(pk=item.pk).name == "社保参保登记"
    assert root.get(reverse("admin:catalog_serviceitem_add")).status_code == 403
