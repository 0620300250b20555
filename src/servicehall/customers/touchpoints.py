"""Identification at the citizen's own touch points (issue 15): the kiosk's optional "identify" step and the
booking form of a real-name service. No member of staff is present, so these are not
``services.person_identify`` (staff only): the caller is a paired kiosk of the hall, or the appointments
service on the citizen's behalf. Only the resident ID number is taken here (typed or scanned; an ID-card
reader is a device plugin later), and only where the service item may collect it (``ItemCollection``,
PIPL art. 6). A record found is touched; a new one is created; nothing already on a record is changed.
Each call writes one audit row naming the channel and what was linked; anonymous use stays the default.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.core.actors import Actor
from servicehall.core.audit import snapshot
from servicehall.core.choices import DeviceKind
from servicehall.core.errors import Invalid, PermissionDenied
from servicehall.core.models import Hall
from servicehall.customers import selectors
from servicehall.customers.choices import CertificateType, PersonalField
from servicehall.customers.models import Person
from servicehall.customers.services import COARSE_FIELDS, PersonalValues, _audit

KIOSK, BOOKING = "kiosk", "booking"


def identification_offered(*, item) -> bool:
    """Whether a touch point may offer "identify yourself" for ``item`` (it collects the ID number)."""
    return PersonalField.ID_NUMBER in selectors.item_collected_fields(item=item)


def _check_caller(actor: Actor, hall: Hall, channel: str) -> None:
    if channel == KIOSK:
        device = actor.device
        if device is None or device.hall_id != hall.pk or device.kind != DeviceKind.KIOSK:
            raise PermissionDenied(_("Identification at the kiosk needs a registered kiosk of this hall."))
    elif channel != BOOKING:
        raise Invalid(fields={"channel": [_("This channel cannot be used here.")]})


@transaction.atomic
def citizen_identify(*, actor: Actor, hall: Hall, item, id_number: str, channel: str, link: dict) -> Person:
    """The record of the citizen who typed (or scanned) their resident ID at ``channel`` for ``item``:
    found by the number's digest (locked) or created. ``link`` says what it is linked to (``{"ticket":
    "A012"}``, ``{"appointment": "K7M2Q9"}``) and goes into the audit row; the number itself never does.
    A refused number is a 422 beside ``id_number``; an item that collects no ID number refuses it."""
    _check_caller(actor, hall, channel)
    if not identification_offered(item=item):
        message = _("“%(item)s” does not collect this personal field.") % {"item": item.name_local}
        raise Invalid(fields={"id_number": [message]})
    values = PersonalValues(id_type=CertificateType.RESIDENT_ID, id_number=id_number).clean()
    person = selectors.person_match(hall=hall, values=values, lock=True)
    now = timezone.now()
    if person is None:
        person = Person(hall=hall, created_at=now, last_seen_at=now)
        values.apply(person, only_blank=False)
        person.save()
        after = {"channel": channel, **link, **snapshot(person, COARSE_FIELDS)}
        _audit(actor, "create", person, after=after)
        return person
    person.last_seen_at = now
    person.save(update_fields=["last_seen_at"])
    _audit(actor, "identify", person, after={"channel": channel, **link})
    return person


@transaction.atomic
def kiosk_ticket_issue(
    *, actor: Actor, hall: Hall, service_code: str, priority: str, phone: str = "", id_number: str = ""
):
    """Issue a kiosk ticket; with an ID number, the ticket is linked to the person in the same
    transaction (a refused number or ticket leaves neither a record nor a ticket)."""
    from servicehall.catalog.selectors import item_get
    from servicehall.queueing.services import ticket_issue

    person = None
    if id_number:
        item = item_get(hall=hall, code=service_code)
        person = citizen_identify(
            actor=actor, hall=hall, item=item, id_number=id_number, channel=KIOSK, link={"service": item.code}
        )
    ticket = ticket_issue(
        actor=actor,
        hall=hall,
        service_code=service_code,
        priority=priority,
        phone=phone,
        customer_id=person.pk if person else None,
    )
    if person is not None:
        _audit(actor, "ticket_linked", person, after={"channel": KIOSK, "ticket": ticket.number})
    return ticket
