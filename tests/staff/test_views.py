"""The manager's administration pages: each refuses other halls and lower roles, and each change goes
through its service (audited) with errors beside the field. Pages are asked in English."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from PIL import Image

from servicehall.core.models import AuditEntry, Counter, Device, OpeningHours
from servicehall.staff.models import RotaEntry, Skill, StaffProfile

PAGES = [
    "/staff/hall-a/people/",
    "/staff/hall-a/people/clerk_a/",
    "/staff/hall-a/staff-settings/",
    "/staff/hall-a/windows/",
    "/staff/hall-a/service-settings/",
    "/staff/hall-a/devices/",
    "/staff/hall-a/hours/",
    "/staff/hall-a/rota/",
    "/staff/hall-a/rota/today/",
]


@pytest.fixture
def as_user(staff):
    def make(name):
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        if name:
            client.force_login(staff[name])
        return client

    return make


@pytest.mark.parametrize("path", PAGES)
def test_every_page_is_the_halls_managers_only(as_user, items_a, path):
    assert as_user("manager_a").get(path).status_code == 200
    assert as_user("admin").get(path).status_code == 200
    for who in ("clerk_a", "evaluator_a", "manager_b", "clerk_b"):
        assert as_user(who).get(path).status_code == 403, who
    assert as_user(None).get(path).status_code == 302


def test_counter_services_page_of_another_hall_is_404(as_user, hall_b, items_a):
    other = Counter.objects.get(hall=hall_b, number="1")
    assert as_user("manager_a").get(f"/staff/hall-a/windows/{other.pk}/").status_code == 404
    assert as_user("manager_b").get(f"/staff/hall-b/windows/{other.pk}/").status_code == 200


def test_create_a_clerk_then_grant_skills(as_user, hall_a, items_a):
    manager = as_user("manager_a")
    answer = manager.post(
        "/staff/hall-a/people/",
        {"username": "wang", "display_name": "王芳", "staff_number": "A017", "role": "clerk"},
    )
    assert answer.status_code == 200 and b"Temporary password" in answer.content
    wang = get_user_model().objects.get(username="wang")
    assert wang.display_name == "王芳" and StaffProfile.objects.filter(hall=hall_a, user=wang).exists()
    answer = manager.post(
        "/staff/hall-a/people/wang/",
        {"action": "skills", "skill-SB-001": "qualified", "skill-GJ-001": "learning", "skill-HJ-001": ""},
    )
    assert answer.status_code == 200
    assert dict(Skill.objects.filter(user=wang).values_list("item__code", "level")) == {
        "SB-001": "qualified",
        "GJ-001": "learning",
    }
    assert AuditEntry.objects.filter(action="staff.create").exists()


def test_errors_are_beside_the_field(as_user, items_a):
    manager = as_user("manager_a")
    answer = manager.post(
        "/staff/hall-a/people/",
        {"username": "clerk_a", "display_name": "", "staff_number": "13912345678", "role": "clerk"},
    )
    assert answer.status_code == 422
    html = answer.content.decode()
    assert "This field is required." in html  # the name
    answer = manager.post(
        "/staff/hall-a/people/",
        {"username": "clerk_a", "display_name": "X", "staff_number": "", "role": "clerk"},
    )
    assert answer.status_code == 422 and "This username is taken." in answer.content.decode()


def _png(size=(40, 50)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def test_photo_is_checked_by_content_and_size(as_user, hall_a):
    manager = as_user("manager_a")
    fake = io.BytesIO(b"<svg onload=alert(1)>")
    fake.name = "me.png"
    answer = manager.post("/staff/hall-a/people/clerk_a/", {"action": "photo", "photo": fake})
    assert answer.status_code == 422 and b"not a PNG or JPEG" in answer.content
    big = io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"0" * (2 * 1024 * 1024 + 10))
    big.name = "big.png"
    answer = manager.post("/staff/hall-a/people/clerk_a/", {"action": "photo", "photo": big})
    assert answer.status_code == 422 and b"at most 2 MB" in answer.content
    good = io.BytesIO(_png())
    good.name = "x.txt"
    assert (
        manager.post("/staff/hall-a/people/clerk_a/", {"action": "photo", "photo": good}).status_code == 200
    )
    profile = StaffProfile.objects.get(user__username="clerk_a")
    assert bytes(profile.photo).startswith(b"\xff\xd8\xff")  # re-encoded as JPEG
    # public only where the hall shows photos
    assert Client().get(f"/photo/hall-a/{profile.photo_key}.jpg").status_code == 404
    manager.post(
        "/staff/hall-a/staff-settings/",
        {"enforce_skills": "on", "learning_rule": "never", "show_clerk": "on", "show_photo": "on"},
    )
    answer = Client().get(f"/photo/hall-a/{profile.photo_key}.jpg")
    assert answer.status_code == 200 and answer["Content-Type"] == "image/jpeg"


def test_deactivate_keeps_history_and_ends_sign_in(as_user, hall_a, staff):
    manager = as_user("manager_a")
    assert manager.post("/staff/hall-a/people/clerk_a/", {"action": "deactivate"}).status_code == 200
    clerk = get_user_model().objects.get(username="clerk_a")
    assert not clerk.is_active and not clerk.memberships.exists()
    assert as_user("manager_a").get("/staff/hall-a/people/clerk_a/").status_code == 200  # history kept
    answer = manager.post("/staff/hall-a/people/clerk_a/", {"action": "password"})
    assert b"New temporary password" in answer.content
    # a manager cannot touch another manager's account
    answer = manager.post("/staff/hall-a/people/manager_a/", {"action": "password"})
    assert answer.status_code == 403 and b"New temporary password" not in answer.content


def test_windows_items_devices_hours(as_user, hall_a, items_a):
    manager = as_user("manager_a")
    answer = manager.post(
        "/staff/hall-a/windows/",
        {"counter": "new", "number": "9", "name": "9号窗口", "kind": "dedicated", "active": "on"},
    )
    assert answer.status_code == 200 and Counter.objects.filter(hall=hall_a, number="9").exists()
    answer = manager.post(
        "/staff/hall-a/windows/", {"counter": "new", "number": "9", "name": "again", "kind": "dedicated"}
    )
    assert answer.status_code == 422
    c9 = Counter.objects.get(hall=hall_a, number="9")
    answer = manager.post(
        f"/staff/hall-a/windows/{c9.pk}/", {"on-SB-001": "on", "order-SB-001": "1", "weight-SB-001": "1.5"}
    )
    assert answer.status_code == 200
    answer = manager.post(
        f"/staff/hall-a/windows/{c9.pk}/", {"on-SB-001": "on", "order-SB-001": "x", "weight-SB-001": "1.5"}
    )
    assert answer.status_code == 422
    answer = manager.post(
        "/staff/hall-a/service-settings/",
        {"item": "SB-001", "ticket_prefix": "S", "daily_cap": "120", "standard_minutes": "12"},
    )
    assert answer.status_code == 200
    items_a["SB-001"].refresh_from_db()
    assert (items_a["SB-001"].ticket_prefix, items_a["SB-001"].standard_minutes) == ("S", 12)
    answer = manager.post(
        "/staff/hall-a/service-settings/",
        {"item": "SB-001", "ticket_prefix": "s1", "daily_cap": "-1", "standard_minutes": "12"},
    )
    assert answer.status_code == 422
    answer = manager.post(
        "/staff/hall-a/devices/",
        {"device": "new", "kind": "rating_pad", "name": "9号评价器", "counter": str(c9.pk)},
    )
    assert answer.status_code == 200 and b"shd_" in answer.content
    device = Device.objects.get(name="9号评价器")
    manager.post("/staff/hall-a/devices/", {"device": str(device.pk), "action": "revoke"})
    device.refresh_from_db()
    assert not device.active
    answer = manager.post(
        "/staff/hall-a/hours/", {"o-0-1": "09:00", "c-0-1": "12:00", "o-0-2": "13:30", "c-0-2": "17:00"}
    )
    assert answer.status_code == 200 and OpeningHours.objects.filter(hall=hall_a).count() == 2
    answer = manager.post("/staff/hall-a/hours/", {"o-1-1": "12:00", "c-1-1": "09:00"})
    assert answer.status_code == 422 and OpeningHours.objects.filter(hall=hall_a).count() == 2


def test_rota_page_saves_the_week(as_user, hall_a, items_a, clerk_a2):
    manager = as_user("manager_a")
    answer = manager.post(
        "/staff/hall-a/rota/?week=2030-W10",
        {"cell-clerk_a-2030-03-04-am": "1", "cell-clerk_a2-2030-03-04-am": "leave"},
    )
    assert answer.status_code == 200
    assert set(RotaEntry.objects.values_list("user__username", "kind")) == {
        ("clerk_a", "work"),
        ("clerk_a2", "leave"),
    }
    answer = manager.post(
        "/staff/hall-a/rota/?week=2030-W10",
        {"cell-clerk_a-2030-03-04-am": "1", "cell-clerk_a2-2030-03-04-am": "1"},
    )
    assert answer.status_code == 409 and RotaEntry.objects.count() == 2
    assert manager.get("/staff/hall-a/rota/?week=2030-W99").status_code == 422


def test_a_work_mobile_is_stored_encrypted_and_shown_masked(as_user, hall_a, items_a):
    manager = as_user("manager_a")
    page = "/staff/hall-a/people/clerk_a/"
    bad = manager.post(page, {"action": "mobile", "mobile": "1380000111"})
    assert bad.status_code == 422 and b"11 digits" in bad.content and b'value="1380000111"' in bad.content
    for wrong in ("138\x0000001111", "１３８００００１１１１", "1380000111" * 3):
        assert manager.post(page, {"action": "mobile", "mobile": wrong}).status_code in (400, 422), wrong
    assert not AuditEntry.objects.filter(action="staff.mobile").exists()
    answer = manager.post(page, {"action": "mobile", "mobile": "138 0000 1111"})
    assert answer.status_code == 200 and b"138****1111" in answer.content
    assert b"13800001111" not in answer.content
    profile = StaffProfile.objects.get(hall=hall_a, user__username="clerk_a")
    assert profile.mobile_hint == "138****1111" and "13800001111" not in profile.mobile_encrypted
    entry = AuditEntry.objects.get(action="staff.mobile")
    assert "13800001111" not in str(entry.after) and entry.after == {"mobile": "138****1111"}
    # another hall's manager cannot reach the clerk; saving it empty removes it
    assert as_user("manager_b").post(page, {"action": "mobile", "mobile": ""}).status_code in (403, 404)
    assert manager.post(page, {"action": "mobile", "mobile": ""}).status_code == 200
    profile.refresh_from_db()
    assert (profile.mobile_hint, profile.mobile_encrypted) == ("", "")


def test_anyone_sets_their_own_work_mobile_on_their_training_page(as_user, hall_a, items_a):
    for who, number in (("clerk_a", "13900002222"), ("manager_a", "13700003333")):
        client = as_user(who)
        for wrong in ("12345", " " * 40 + number, "138\x0000001111"):
            assert client.post("/staff/hall-a/training/me/", {"mobile": wrong}).status_code in (400, 422)
        answer = client.post("/staff/hall-a/training/me/", {"mobile": number})
        assert answer.status_code == 302, who
        assert number[:3].encode() + b"****" in client.get(answer.url).content, who
    hints = dict(StaffProfile.objects.filter(hall=hall_a).values_list("user__username", "mobile_hint"))
    assert hints["clerk_a"] == "139****2222" and hints["manager_a"] == "137****3333"
    # a clerk of another hall cannot set a record in hall A
    assert as_user("clerk_b").post("/staff/hall-a/training/me/", {"mobile": "13900004444"}).status_code == 403


def test_nobody_sets_another_managers_or_another_halls_mobile(staff, hall_a, hall_b, admin_actor):
    from servicehall.core.actors import Actor
    from servicehall.core.errors import NotFound, PermissionDenied
    from servicehall.core.services import membership_grant
    from servicehall.staff.services import staff_mobile_set

    other = get_user_model().objects.create_user(username="manager_a2", password="x-pass-12345")
    membership_grant(actor=admin_actor, user=other, hall=hall_a, role="manager")
    manager = Actor(user=staff["manager_a"])
    with pytest.raises(PermissionDenied):  # a fellow manager's number is their own business
        staff_mobile_set(actor=manager, hall=hall_a, user=other, mobile="13800001111")
    with pytest.raises((PermissionDenied, NotFound)):  # a clerk of hall B, through hall A or hall B
        staff_mobile_set(actor=manager, hall=hall_a, user=staff["clerk_b"], mobile="13800001111")
    with pytest.raises(PermissionDenied):
        staff_mobile_set(actor=manager, hall=hall_b, user=staff["clerk_b"], mobile="13800001111")
    with pytest.raises(PermissionDenied):  # one's own record only where one works
        staff_mobile_set(actor=manager, hall=hall_b, user=staff["manager_a"], mobile="13800001111")
    assert not StaffProfile.objects.exclude(mobile_hint="").exists()


def test_the_person_page_offers_the_account_forms_only_where_the_manager_may_use_them(
    as_user, hall_a, admin_actor, items_a
):
    from servicehall.core.services import membership_grant

    other = get_user_model().objects.create_user(username="manager_a2", password="x-pass-12345")
    membership_grant(actor=admin_actor, user=other, hall=hall_a, role="manager")
    page = as_user("manager_a").get("/staff/hall-a/people/manager_a2/").content.decode()
    assert 'id="not-managed"' in page and 'id="save-mobile"' not in page and 'id="deactivate"' not in page
    clerk = as_user("manager_a").get("/staff/hall-a/people/clerk_a/").content.decode()
    assert 'id="save-mobile"' in clerk and 'id="deactivate"' in clerk and 'id="not-managed"' not in clerk
    admin = as_user("admin").get("/staff/hall-a/people/manager_a2/").content.decode()
    assert 'id="save-mobile"' in admin  # the system administrator manages every account


def test_a_new_clerks_mobile_is_checked_beside_its_field(as_user, hall_a, items_a):
    manager = as_user("manager_a")
    form = {"username": "wang", "display_name": "王芳", "role": "clerk"}
    bad = manager.post("/staff/hall-a/people/", {**form, "mobile": "12345"})
    assert bad.status_code == 422 and "11 digits" in bad.content.decode()
    assert not get_user_model().objects.filter(username="wang").exists()
    assert manager.post("/staff/hall-a/people/", {**form, "mobile": "13800001111"}).status_code == 200
    assert StaffProfile.objects.get(user__username="wang").mobile_hint == "138****1111"
