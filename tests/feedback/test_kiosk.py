"""Feedback at the kiosk (issue 15): a paired kiosk leaves items on the kiosk channel as its device (large
choices, the on-screen keyboard, quick phrases), shows the code to keep, and follows an item by code +
mobile; errors beside the fields; an unpaired screen is the public web channel; the home screen links it."""

import pytest
from django.test import Client
from django.utils import translation

from servicehall.core import services as core_services
from servicehall.core.choices import DeviceKind
from servicehall.feedback.models import FeedbackItem
from tests.feedback.conftest import PHONE

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _language_back():
    """The English pages here activate English in this thread; the next tests expect the default."""
    yield
    translation.deactivate()


LEAVE, TRACK = "/kiosk/hall-a/feedback/", "/kiosk/hall-a/feedback/track/"


@pytest.fixture
def kiosk(admin_actor, hall_a, items_a, clock):
    _device, raw = core_services.device_create(
        actor=admin_actor, hall=hall_a, kind=DeviceKind.KIOSK, name="自助机"
    )
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert client.get(f"/kiosk/hall-a/pair/?token={raw}").status_code == 302
    return client


def test_a_complaint_left_at_the_kiosk_is_on_the_kiosk_channel_and_shows_its_code(kiosk):
    home = kiosk.get("/kiosk/hall-a/").content.decode()
    assert 'id="kiosk-feedback"' in home and LEAVE in home
    form = kiosk.get(LEAVE).content.decode()
    assert 'data-keyboard-phrases="fb-phrases"' in form and 'value="complaint"' in form
    page = kiosk.post(
        LEAVE, {"type": "complaint", "subject": "environment", "text": "I waited too long", "phone": PHONE}
    )
    item = FeedbackItem.objects.get()
    assert page.status_code == 200 and item.channel == "kiosk" and item.code in page.content.decode()
    assert item.phone_hint == "139****5678" and "139****5678" in page.content.decode()


def test_refusals_are_beside_the_fields_and_nothing_is_kept(kiosk):
    page = kiosk.post(LEAVE, {"type": "complaint", "subject": "hall", "text": "x"})
    html = page.content.decode()
    assert page.status_code == 422 and 'id="fb-text-error"' in html and 'id="phone-error"' in html
    assert kiosk.post(LEAVE, {"type": "bogus", "subject": "hall", "text": "好的建议"}).status_code == 422
    assert not FeedbackItem.objects.exists()


def test_an_anonymous_suggestion_and_an_unpaired_screen(kiosk, hall_a):
    assert (
        kiosk.post(LEAVE, {"type": "suggestion", "subject": "hall", "text": "more seats"}).status_code == 200
    )
    assert FeedbackItem.objects.get().phone_hint == ""
    Client().post(LEAVE, {"type": "suggestion", "subject": "hall", "text": "more light"})
    assert FeedbackItem.objects.order_by("-pk").first().channel == "web"


def test_follow_an_item_by_code_and_mobile(kiosk, complaint, actors):
    from servicehall.feedback import services

    services.feedback_accept(actor=actors["manager_a"], item=complaint)
    wrong = kiosk.post(TRACK, {"code": complaint.code, "phone": "13800000000"})
    assert wrong.status_code == 404 and 'id="code-error"' in wrong.content.decode()
    assert 'id="fb-view"' not in wrong.content.decode()
    page = kiosk.post(TRACK, {"code": complaint.code.lower(), "phone": PHONE})
    html = page.content.decode()
    assert page.status_code == 200 and 'id="fb-view"' in html and "Accepted" in html
    assert PHONE not in html and complaint.text not in html
