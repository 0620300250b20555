"""The kiosk's optional "identify" step (issue 15): after choosing a service, a citizen may type or scan
their resident ID so the ticket is linked to their record; skipping is one large button; an item that
collects no ID number never asks; an unpaired browser (a phone) never asks; a bad number is refused
beside the field with no ticket and no record made; every link is audited without the number."""

import pytest
from django.test import Client
from django.utils import translation

from servicehall.catalog.models import ServiceItem
from servicehall.core import services as core_services
from servicehall.core.choices import DeviceKind
from servicehall.core.models import AuditEntry
from servicehall.customers import services
from servicehall.customers.models import Person
from servicehall.queueing.models import Ticket
from tests.customers.conftest import make_id

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _language_back():
    """The English pages here activate English in this thread; the next tests expect the default."""
    yield
    translation.deactivate()


TAKE = "/kiosk/hall-a/items/SB-001/ticket"


@pytest.fixture
def kiosk(admin_actor, hall_a, items_a, clock):
    _device, raw = core_services.device_create(
        actor=admin_actor, hall=hall_a, kind=DeviceKind.KIOSK, name="入口自助机"
    )
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert client.get(f"/kiosk/hall-a/pair/?token={raw}").status_code == 302
    return client


def test_the_step_is_offered_and_skipping_takes_an_anonymous_number(kiosk):
    page = kiosk.post(TAKE, {"priority": "normal", "phone": ""})
    html = page.content.decode()
    assert page.status_code == 200 and 'id="identify-skip"' in html and 'data-keyboard="id"' in html
    assert not Ticket.objects.exists()  # nothing issued before the citizen chooses
    done = kiosk.post(TAKE, {"step": "identify", "priority": "normal", "phone": "", "skip": "1"})
    assert done.status_code == 302 and "/tickets/" in done["Location"]
    assert Ticket.objects.get().customer_id is None and not Person.objects.exists()


def test_an_id_links_the_ticket_to_the_person_and_the_next_visit_finds_the_same_record(kiosk, clock):
    number = make_id("320102", "19500101")
    for _visit in range(2):
        done = kiosk.post(TAKE, {"step": "identify", "priority": "normal", "phone": "", "id_number": number})
        assert done.status_code == 302, done.content.decode()[:500]
        clock.advance(minutes=5)
    person = Person.objects.get()
    assert [t.customer_id for t in Ticket.objects.all()] == [person.pk, person.pk]
    assert person.birth_year == 1950 and person.id_hint.startswith("320102")
    actions = list(
        AuditEntry.objects.filter(action__startswith="customers.")
        .order_by("pk")
        .values_list("action", "after")
    )
    assert [a for a, _after in actions] == [
        "customers.person.create",
        "customers.person.ticket_linked",
        "customers.person.identify",
        "customers.person.ticket_linked",
    ]
    assert all(after["channel"] == "kiosk" for _a, after in actions)
    assert number not in str(actions)
    # the console's hint sees the earlier visit
    from servicehall.customers.selectors import ticket_hint

    last = Ticket.objects.order_by("-pk").first()
    assert ticket_hint(person=person, ticket=last)["visits"] == 1


def test_a_bad_number_is_refused_beside_the_field_and_nothing_is_made(kiosk):
    bad = make_id()[:-1] + ("0" if make_id()[-1] != "0" else "1")
    page = kiosk.post(TAKE, {"step": "identify", "priority": "normal", "phone": "", "id_number": bad})
    html = page.content.decode()
    assert page.status_code == 422 and 'id="id_number-error"' in html and 'aria-invalid="true"' in html
    assert 'id="identify-skip"' in html  # still one press from an anonymous number
    assert not Ticket.objects.exists() and not Person.objects.exists()
    nul = kiosk.post(TAKE, {"step": "identify", "priority": "normal", "id_number": "1101\x00"})
    assert nul.status_code in (400, 422) and not Ticket.objects.exists()  # NUL: refused early


def test_an_item_that_collects_no_id_number_never_asks_and_refuses_a_forged_one(kiosk, actors):
    item = ServiceItem.objects.get(code="SB-001")
    services.item_collection_set(actor=actors["manager_a"], item=item, fields=["phone"])
    done = kiosk.post(TAKE, {"priority": "normal", "phone": ""})
    assert done.status_code == 302 and Ticket.objects.get().customer_id is None
    forged = kiosk.post(TAKE, {"step": "identify", "priority": "normal", "id_number": make_id()})
    assert forged.status_code == 422 and Ticket.objects.count() == 1 and not Person.objects.exists()


def test_a_mistyped_mobile_is_said_on_the_item_page_first(kiosk):
    page = kiosk.post(TAKE, {"priority": "normal", "phone": "123"})
    assert page.status_code == 422 and 'id="phone-error"' in page.content.decode()


def test_an_unpaired_browser_gets_no_identify_step(client, hall_a, items_a, clock, actors):
    from servicehall.queueing import services as queue_services

    queue_services.settings_update(actor=actors["manager_a"], hall=hall_a, allow_remote_tickets=True)
    done = client.post(TAKE, {"priority": "normal", "phone": ""})
    assert done.status_code == 302 and "/t/" in done["Location"]
    assert Ticket.objects.get().customer_id is None
