"""Taking a number from a phone (virtual queue): the catalogue's item page offers 取号 and 预约 where the
hall allows it and says why not otherwise; the phone page issues a web ticket of a class the web channel
may issue and lands on the ticket's tracking page; a forged class is refused beside the field; a phone's
ticket is never shown as a slip to scan with a phone."""

import datetime
import re

import pytest
from django.test import Client

from servicehall.appointments.services import plan_save
from servicehall.core.services import hall_set_opening_hours
from servicehall.queueing.models import Ticket
from servicehall.queueing.services import settings_update
from tests.queueing.conftest import SHANGHAI

pytestmark = pytest.mark.django_db

T = datetime.time
SCAN_ZH = "扫码"  # the slip's "scan to follow your place in the queue on your phone"
SCAN_EN = "Scan to follow"


def _remote(actors, hall, allowed=True):
    settings_update(actor=actors["manager_a"], hall=hall, allow_remote_tickets=allowed)


def _en() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def _item_page(hall, code="SB-001") -> str:
    return _en().get(f"/catalog/{hall.code}/items/{code}/").content.decode()


def _weekday_hours(actors, hall):
    hall_set_opening_hours(
        actor=actors["manager_a"], hall=hall, periods=[(d, T(8, 30), T(17, 0)) for d in range(5)]
    )


def _take(client, hall, code="SB-001", **data):
    return client.post(f"/take/{hall.code}/{code}/", data)


def _web_classes_everywhere(actors, hall):
    """A hall that lets the web channel issue every class (the service still keeps a citizen alone to
    the normal one)."""
    classes = [
        {**c, "channels": sorted({*c["channels"], "web"})}
        for c in settings_update(actor=actors["manager_a"], hall=hall).priority_classes
    ]
    settings_update(actor=actors["manager_a"], hall=hall, priority_classes=classes)


def test_the_item_page_offers_take_a_number_and_book_where_the_hall_allows_both(
    clock, actors, hall_a, items_a
):
    _remote(actors, hall_a)
    plan_save(actor=actors["manager_a"], hall=hall_a, service=items_a["SB-001"])
    html = _item_page(hall_a)
    assert f'href="/take/{hall_a.code}/SB-001/"' in html and ">Take a number</a>" in html
    assert f'href="/book/{hall_a.code}/s/SB-001/"' in html and ">Book</a>" in html
    # an item without a working plan takes numbers but offers no booking
    other = _item_page(hall_a, "GJ-001")
    assert f'href="/take/{hall_a.code}/GJ-001/"' in other and "/book/" not in other


def test_without_remote_tickets_the_item_page_says_tickets_are_given_on_site(clock, actors, hall_a, items_a):
    _remote(actors, hall_a, allowed=False)
    html = _item_page(hall_a)
    assert "/take/" not in html
    assert "This hall issues tickets only on site, at the kiosk or the counter." in html


def test_a_hall_that_keeps_every_class_off_the_web_gets_no_take_button(clock, actors, hall_a, items_a):
    _remote(actors, hall_a)
    classes = [
        {**c, "channels": [ch for ch in c["channels"] if ch != "web"]}
        for c in settings_update(actor=actors["manager_a"], hall=hall_a).priority_classes
    ]
    settings_update(actor=actors["manager_a"], hall=hall_a, priority_classes=classes)
    html = _item_page(hall_a)
    assert "/take/" not in html
    assert "This hall issues tickets only on site, at the kiosk or the counter." in html
    page = _en().get(f"/take/{hall_a.code}/SB-001/").content.decode()
    assert 'name="priority"' not in page and "This hall issues tickets only on site" in page


def test_before_opening_the_item_page_says_from_when_numbers_are_given(clock, actors, hall_a, items_a):
    _remote(actors, hall_a)
    _weekday_hours(actors, hall_a)
    clock.at(7, 45)  # a Wednesday, before the hall opens
    html = _item_page(hall_a)
    assert "/take/" not in html
    assert "Not open yet: tickets are issued from 08:30." in html
    clock.at(9, 0)
    assert f'href="/take/{hall_a.code}/SB-001/"' in _item_page(hall_a)


def test_on_a_closed_day_the_item_page_says_why_and_when_the_hall_opens_again(clock, actors, hall_a, items_a):
    _remote(actors, hall_a)
    _weekday_hours(actors, hall_a)
    clock.set(datetime.datetime(2030, 3, 9, 10, 0, tzinfo=SHANGHAI))  # a Saturday
    html = _item_page(hall_a)
    assert "/take/" not in html
    assert "No tickets today (the weekend)" in html and "08:30" in html
    # the take page says the same instead of its form, and a post issues nothing
    page = _en().get(f"/take/{hall_a.code}/SB-001/").content.decode()
    assert "No tickets today (the weekend)" in page and 'name="priority"' not in page
    assert _take(_en(), hall_a, priority="normal").status_code == 409
    assert not Ticket.objects.exists()


def test_the_phone_page_offers_only_the_classes_a_citizen_may_take_from_the_web(
    clock, actors, hall_a, items_a
):
    _remote(actors, hall_a)
    _web_classes_everywhere(actors, hall_a)
    html = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get(f"/take/{hall_a.code}/SB-001/").content.decode()
    assert re.findall(r'name="priority"\s+value="([^"]+)"', html) == ["normal"]
    assert "普通" in html and "老年人" not in html


def test_a_citizen_takes_a_number_from_the_phone_page_and_lands_on_its_tracking_page(
    clock, actors, hall_a, items_a
):
    _remote(actors, hall_a)
    phone = _en()
    response = _take(phone, hall_a, priority="normal", phone="138 0013 8000")
    ticket = Ticket.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/t/{ticket.public_id}/"
    assert (ticket.channel, ticket.priority, ticket.number, ticket.phone_hint) == (
        "web",
        "normal",
        "A001",
        "138****8000",
    )
    tracking = phone.get(response["Location"]).content.decode()
    assert "A001" in tracking and SCAN_EN not in tracking and "<svg" not in tracking


@pytest.mark.parametrize(
    ("forged", "web_everywhere", "status", "message"),
    [
        ("elderly", False, 403, "This ticket type is not issued here. Please ask at the counter."),
        # the hall lets the web issue it, but a priority is checked at the kiosk or by staff
        ("elderly", True, 403, "Priority tickets are issued at the kiosk or by staff."),
        ("appointment", False, 403, "This ticket type comes only from checking in an appointment."),
        ("vip", False, 422, "Unknown priority class."),
    ],
)
def test_a_forged_class_is_refused_beside_the_class_choice_and_nothing_is_issued(
    clock, actors, hall_a, items_a, forged, web_everywhere, status, message
):
    _remote(actors, hall_a)
    if web_everywhere:
        _web_classes_everywhere(actors, hall_a)
    response = _take(_en(), hall_a, priority=forged)
    html = response.content.decode()
    assert response.status_code == status
    field_error = re.search(r'<p class="field-error"\s+id="priority-error">(.*?)</p>', html, re.S)
    assert field_error is not None and message in field_error.group(1)
    assert not Ticket.objects.exists()


def test_a_wrong_mobile_number_is_said_beside_the_field_and_kept_for_correction(
    clock, actors, hall_a, items_a
):
    _remote(actors, hall_a)
    response = _take(_en(), hall_a, priority="normal", phone="12345")
    html = response.content.decode()
    assert response.status_code == 422
    assert re.search(r'id="phone-error">Enter an 11-digit mobile number', html)
    assert 'value="12345"' in html
    assert not Ticket.objects.exists()


def test_without_remote_tickets_the_phone_page_shows_no_form_and_issues_nothing(
    clock, actors, hall_a, items_a
):
    _remote(actors, hall_a, allowed=False)
    page = _en().get(f"/take/{hall_a.code}/SB-001/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "This hall issues tickets only on site" in html and 'name="priority"' not in html
    response = _take(_en(), hall_a, priority="normal")
    assert response.status_code == 401
    assert "This hall issues tickets only on site" in response.content.decode()
    assert not Ticket.objects.exists()


def test_the_phone_page_shows_the_waiting_count_and_says_when_no_window_serves_it(
    clock, actors, hall_a, items_a, q, django_capture_on_commit_callbacks
):
    _remote(actors, hall_a)
    q.issue()
    q.issue()
    html = _en().get(f"/take/{hall_a.code}/SB-001/").content.decode()
    assert re.search(r'id="take-waiting">2<', html)
    assert "No window is serving this right now." in html and re.search(r'id="take-wait">–<', html)
    with django_capture_on_commit_callbacks(execute=True):
        q.open("1")  # window 1 serves SB-001
    html = _en().get(f"/take/{hall_a.code}/SB-001/").content.decode()
    assert "No window is serving" not in html
    assert re.search(r'id="take-wait">about \d+ min<', html)


def test_a_phone_ticket_is_never_shown_as_a_slip_to_scan_with_a_phone(clock, actors, hall_a, items_a, q):
    """The kiosk's page in a browser that is not a kiosk issues a web ticket: it goes to the tracking page,
    and the slip's address of a web ticket leads there too. A kiosk's own ticket keeps its QR slip."""
    _remote(actors, hall_a)
    phone = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    response = phone.post(f"/kiosk/{hall_a.code}/items/SB-001/ticket", {"priority": "normal"})
    ticket = Ticket.objects.get()
    assert ticket.channel == "web" and response["Location"] == f"/t/{ticket.public_id}/"
    slip = phone.get(f"/kiosk/{hall_a.code}/tickets/{ticket.public_id}/", follow=True)
    html = slip.content.decode()
    assert slip.redirect_chain[-1][0] == f"/t/{ticket.public_id}/"
    assert ticket.number in html and SCAN_ZH not in html
    kiosk_ticket = q.issue()
    kiosk_slip = phone.get(f"/kiosk/{hall_a.code}/tickets/{kiosk_ticket.public_id}/").content.decode()
    assert SCAN_ZH in kiosk_slip and "<svg" in kiosk_slip
