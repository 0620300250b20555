"""Touch points beyond the kiosk (issue 15): a real-name booking is linked to the person (created or found
by the booking's resident ID), the check-in ticket inherits the person, the link follows a merge; an
anonymous or non-real-name booking makes no record, and an item that collects no ID number links
nothing. Ratings given and questionnaires answered appear on the person's timeline through their
tickets (nothing copied), never to the clerk who was rated."""

import datetime

import pytest
from django.utils import timezone, translation

from servicehall.appointments import services as appointments
from servicehall.appointments.models import Appointment
from servicehall.core.models import AuditEntry
from servicehall.customers import selectors, services
from servicehall.customers.models import Person
from servicehall.quality.models import Questionnaire, QuestionnaireResponse, Rating
from tests.appointments.conftest import ID_OK, SHANGHAI, answered
from tests.customers.conftest import make_id

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _language_back():
    """The English pages here activate English in this thread; the next tests expect the default."""
    yield
    translation.deactivate()


def at(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2030, 3, day, hour, minute, tzinfo=SHANGHAI)


def _book(hall, plan, *, id_number="", phone="13900000009", actor=None):
    from servicehall.core.actors import Actor

    return appointments.appointment_book(
        actor=actor or Actor(ip="10.0.0.9"),
        hall=hall,
        service_code=plan.service.code,
        start=at(7, 10),
        name="张三",
        phone=phone,
        id_number=id_number,
        **answered(),
    )


def test_a_real_name_booking_links_the_person_and_the_check_in_ticket_inherits_it(
    actors,
    hall_a,
    plan,
    clock,
):
    appointments.plan_save(actor=actors["manager_a"], hall=hall_a, service=plan.service, real_name=True)
    appt = _book(hall_a, plan, id_number=ID_OK)
    person = Person.objects.get()
    assert appt.customer_id == person.pk and person.birth_year == 1949
    entry = AuditEntry.objects.get(action="customers.person.create")
    assert entry.after["channel"] == "booking" and entry.after["appointment"] == appt.code
    assert ID_OK not in str(entry.after)
    assert AuditEntry.objects.get(action="appointment.book").after["customer_id"] == person.pk
    clock.set(at(7, 9, 50))
    done = appointments.appointment_check_in(actor=actors["kiosk"], hall=hall_a, code=appt.code)
    assert done.ticket.customer_id == person.pk
    kinds = [e["kind"] for e in selectors.person_timeline(person=person)]
    assert sorted(kinds) == ["appointment", "ticket"]  # found once, by the link and the digest


def test_no_record_without_real_name_or_when_the_item_collects_no_id(actors, hall_a, plan, clock):
    _book(hall_a, plan, id_number=ID_OK)  # not a real-name plan: the form's number stays the booking's
    assert not Person.objects.exists() and Appointment.objects.get().customer_id is None
    appointments.plan_save(actor=actors["manager_a"], hall=hall_a, service=plan.service, real_name=True)
    services.item_collection_set(actor=actors["manager_a"], item=plan.service, fields=["phone"])
    appt = _book(hall_a, plan, id_number=make_id(), phone="13900000010")
    assert appt.customer_id is None and not Person.objects.exists()


def test_a_merge_moves_the_bookings_too(actors, hall_a, plan, clock):
    appointments.plan_save(actor=actors["manager_a"], hall=hall_a, service=plan.service, real_name=True)
    appt = _book(hall_a, plan, id_number=ID_OK)
    dup = Person.objects.get()
    keep, _c = services.person_identify(actor=actors["clerk_a"], hall=hall_a, phone="13812345678")
    services.person_merge(actor=actors["manager_a"], keep=keep, duplicate=dup, reason="同一人")
    appt.refresh_from_db()
    assert appt.customer_id == keep.pk
    assert AuditEntry.objects.filter(action="appointment.customer_moved").count() == 1


def test_ratings_given_and_questionnaires_are_on_the_timeline_but_not_for_the_clerk_rated(
    actors, hall_a, q, clock, staff
):
    clerk = actors["clerk_a"]
    person, _c = services.person_identify(actor=clerk, hall=hall_a, id_number=make_id())
    ticket = q.issue()
    services.ticket_citizen_identify(actor=clerk, ticket=ticket, id_number=make_id())
    now = timezone.now()
    Rating.objects.create(
        hall=hall_a, ticket=ticket, service=ticket.service, level=2, channel="pad", served_at=now,
        rated_at=now, clerk=staff["clerk_a"],
    )  # fmt: skip
    qn = Questionnaire.objects.create(
        hall=hall_a, system_id=_system(hall_a), title="满意度", title_en="Satisfaction", created_at=now
    )
    QuestionnaireResponse.objects.create(
        questionnaire=qn, hall=hall_a, ticket=ticket, channel="web", answers={"q1": 4}, submitted_at=now
    )
    timeline = selectors.person_timeline(person=person)
    rating = next(e for e in timeline if e["kind"] == "rating")
    assert rating["level"] == 2 and "phone" not in rating
    assert any(e["kind"] == "questionnaire" for e in timeline)
    assert selectors.ratings_given(timeline) == {"count": 1, "mean": 2.0, "bad": 1, "questionnaires": 1}
    mine = selectors.person_timeline(person=person, viewer_id=staff["clerk_a"].pk)
    assert not any(e["kind"] == "rating" for e in mine)
    assert all(e.get("rating") is None for e in mine if e["kind"] == "ticket")


def test_the_person_page_shows_ratings_given(client, actors, hall_a, q, clock, staff):
    clerk = actors["clerk_a"]
    ticket = q.issue()
    person, _c = services.ticket_citizen_identify(actor=clerk, ticket=ticket, id_number=make_id())
    now = timezone.now()
    Rating.objects.create(
        hall=hall_a,
        ticket=ticket,
        service=ticket.service,
        level=5,
        channel="pad",
        served_at=now,
        rated_at=now,
    )
    client.force_login(staff["manager_a"])
    page = client.get(f"/staff/{hall_a.code}/customers/{person.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert page.status_code == 200 and "Ratings given" in html and "1 rating, mean 5.0/5, 0 bad" in html
    assert "rated 5/5" in html


def _system(hall):
    from servicehall.quality.models import IndicatorSystem

    system = IndicatorSystem.objects.filter(hall=hall).first()
    if system is None:
        system = IndicatorSystem.objects.create(hall=hall, name="体系", created_at=timezone.now())
    return system.pk
