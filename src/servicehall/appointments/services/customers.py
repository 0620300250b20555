"""Appointments' side of customer records (issue 15): a real-name booking is linked to the person whose
resident ID it was made with, where the service item may collect the ID number (PIPL minimum collection);
the check-in ticket inherits the link (``arrival``), and links follow a merge of duplicates. Only
``Appointment.customer_id`` is written here; the record belongs to ``servicehall.customers``."""

from django.db import transaction

from servicehall.appointments.models import Appointment
from servicehall.appointments.services.common import STAFF
from servicehall.core.actors import Actor
from servicehall.core.audit import audit_record
from servicehall.core.models import Hall
from servicehall.core.permissions import require_role


def customer_link(*, actor: Actor, appt: Appointment, id_number: str, real_name: bool) -> None:
    """Inside the booking's transaction, before it is saved: find or create the person by the booking's
    resident ID and set ``appt.customer_id`` (the booking's audit row then names it). Nothing is linked
    without a real-name plan, a number, or an item that collects the ID number."""
    from servicehall.customers import touchpoints

    if not (real_name and id_number) or not touchpoints.identification_offered(item=appt.service):
        return
    person = touchpoints.citizen_identify(
        actor=actor,
        hall=appt.hall,
        item=appt.service,
        id_number=id_number,
        channel=touchpoints.BOOKING,
        link={"appointment": appt.code},
    )
    appt.customer_id = person.pk


@transaction.atomic
def appointments_move_customer(*, actor: Actor, hall: Hall, from_ids: list[int], to_id: int) -> int:
    """Point every booking of the records ``from_ids`` at ``to_id`` (a merge of duplicates): one update
    and one audit row listing the bookings. The caller holds the customer records' locks."""
    require_role(actor, hall, *STAFF)
    ids = list(Appointment.objects.filter(hall=hall, customer_id__in=from_ids).values_list("id", flat=True))
    if ids:
        Appointment.objects.filter(id__in=ids).update(customer_id=to_id)
        audit_record(
            actor=actor,
            action="appointment.customer_moved",
            hall=hall,
            object_type="appointments.appointment",
            object_repr=f"{len(ids)} appointments",
            before={"customer_ids": from_ids},
            after={"customer_id": to_id, "appointments": ids},
        )
    return len(ids)
