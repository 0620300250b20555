"""Cases' links to customer records (``customers.links`` and the person's timeline): cases follow a merge
of duplicates; a person with an open case cannot be erased (the case is a legal record of an
administrative decision, kept with the archive); the person's history lists their cases."""

from django.utils.translation import gettext as _

from servicehall.cases.choices import OPEN_STATES
from servicehall.cases.models import Case
from servicehall.core.audit import audit_record
from servicehall.customers import links, selectors


def move(actor, hall, from_ids: list[int], to_id: int) -> int:
    ids = list(Case.objects.filter(hall=hall, person_id__in=from_ids).values_list("pk", flat=True))
    if ids:
        Case.objects.filter(pk__in=ids).update(person_id=to_id)
        audit_record(
            actor=actor,
            action="cases.person_moved",
            hall=hall,
            object_type="cases.case",
            object_repr=f"{len(ids)} cases",
            after={"person": to_id, "cases": ids},
        )
    return len(ids)


def erase_block(person) -> str:
    numbers = list(
        Case.objects.filter(person=person, status__in=OPEN_STATES).values_list("number", flat=True)[:5]
    )
    if not numbers:
        return ""
    return _(
        "Case(s) %(numbers)s of this person are still open; the record is kept until they are closed, "
        "and a closed case stays as the legal record of the decision."
    ) % {"numbers": ", ".join(numbers)}


def erase(actor, person) -> int:
    """Closed cases are the legal record of an administrative decision (kept with the archive): the link
    stays; nothing of the case is blanked."""
    return 0


def timeline(person) -> list[dict]:
    return [
        {
            "kind": "case",
            "at": case.submitted_at,
            "code": case.number,
            "service_name": case.service.name_local,
            "label": case.get_status_display(),
            "status": case.status,
        }
        for case in Case.objects.filter(person=person)
        .select_related("service")
        .order_by("-submitted_at")[:100]
    ]


links.register(links.LinkKind(name="cases", move=move, erase_block=erase_block, erase=erase))
selectors.TIMELINE_SOURCES["cases"] = timeline
