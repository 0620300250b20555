"""Who may issue which ticket: the appointment class only from an appointment check-in, classes that need
proof at the kiosk (marked for the window) or the counter as the hall decides, a phone only normal tickets,
and each device kind its own job: a display's or rating pad's token issues nothing at all."""

import pytest
from django.test import Client

from servicehall.core import services as core_services
from servicehall.core.choices import DeviceKind
from servicehall.core.errors import PermissionDenied
from servicehall.queueing.models import Ticket
from servicehall.queueing.services import settings_update

pytestmark = pytest.mark.django_db


def test_the_kiosk_cannot_choose_the_appointment_class(q):
    with pytest.raises(PermissionDenied) as refused:
        q.issue(priority="appointment")
    assert "预约" in str(refused.value.message) or "appointment" in str(refused.value.message)
    assert refused.value.fields["priority"]
    assert not Ticket.objects.exists()


def test_the_appointment_class_comes_from_a_check_in(q):
    ticket = q.issue(priority="appointment", channel="appointment")
    assert ticket.is_priority and ticket.channel == "appointment"


@pytest.mark.parametrize("kind", [DeviceKind.DISPLAY, DeviceKind.RATING_PAD])
def test_a_display_or_pad_token_issues_no_ticket_of_any_kind(kind, admin_actor, hall_a, items_a, actors):
    settings_update(actor=actors["manager_a"], hall=hall_a, allow_remote_tickets=False)
    _device, raw = core_services.device_create(actor=admin_actor, hall=hall_a, kind=kind, name="屏")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    for body in ({"service": "SB-001"}, {"service": "SB-001", "channel": "web", "priority": "elderly"}):
        response = client.post(f"/api/v1/halls/{hall_a.code}/tickets", body, content_type="application/json")
        assert response.status_code == 403, response.content
    assert not Ticket.objects.exists()


def test_a_kiosk_issues_kiosk_tickets_not_phone_tickets(q):
    with pytest.raises(PermissionDenied):
        q.issue(channel="web")


def test_the_hall_decides_that_proof_classes_are_given_at_the_counter_only(q, actors, hall_a):
    classes = [
        {**c, "channels": ["counter"]} if c["code"] == "elderly" else c
        for c in settings_update(actor=actors["manager_a"], hall=hall_a).priority_classes
    ]
    settings_update(actor=actors["manager_a"], hall=hall_a, priority_classes=classes)
    with pytest.raises(PermissionDenied):
        q.issue(priority="elderly")
    assert q.issue(by="clerk_a", channel="counter", priority="elderly").is_priority


def test_a_phone_takes_only_normal_tickets(q, actors, hall_a):
    settings_update(actor=actors["manager_a"], hall=hall_a, allow_remote_tickets=True)
    with pytest.raises(PermissionDenied):
        q.issue(by="citizen", priority="elderly")
    assert q.issue(by="citizen").channel == "web"


def test_the_kiosk_page_offers_only_what_a_kiosk_may_issue_and_says_proof_is_checked(
    hall_a, items_a, actors, admin_actor
):
    settings_update(actor=actors["manager_a"], hall=hall_a, allow_remote_tickets=True)
    _device, raw = core_services.device_create(
        actor=admin_actor, hall=hall_a, kind=DeviceKind.KIOSK, name="机"
    )
    kiosk = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    kiosk.get(f"/kiosk/{hall_a.code}/pair/?token={raw}")
    html = kiosk.get(f"/kiosk/{hall_a.code}/items/SB-001/").content.decode()
    assert 'value="elderly"' in html and 'value="normal"' in html
    assert 'value="appointment"' not in html
    assert "窗口核验证件" in html
    # The same page in a browser that is not a kiosk (a phone ticket): normal tickets only.
    phone = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get(f"/kiosk/{hall_a.code}/items/SB-001/").content.decode()
    assert 'value="normal"' in phone and 'value="elderly"' not in phone


def test_the_console_names_the_class_in_the_halls_words_not_its_code(hall_a, staff):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(staff["clerk_a"])
    html = client.get(f"/console/{hall_a.code}/").content.decode()
    assert 'id="console-classes"' in html
    assert "\\u8001\\u5e74\\u4eba" in html or "老年人" in html  # the class's name travels with its code
    assert "核验证件" in html
