"""E-forms' links to customer records (registered with ``customers.links``): a form filled by a citizen who
proved their record, or prefilled by the clerk, points to the person. It follows a merge of duplicates,
and an erasure blanks what the form holds of the person (its answers, its mobile, the documents
uploaded with it); an application made from it keeps its own copy under the case's rules."""

from django.db import transaction

from servicehall.core import crypto
from servicehall.core.audit import audit_record
from servicehall.core.media import media_delete
from servicehall.customers import links
from servicehall.eforms.models import FilledForm, FormFile
from servicehall.eforms.services.files import AREA


def move(actor, hall, from_ids: list[int], to_id: int) -> int:
    ids = list(FilledForm.objects.filter(hall=hall, person_id__in=from_ids).values_list("pk", flat=True))
    if ids:
        FilledForm.objects.filter(pk__in=ids).update(person_id=to_id)
        audit_record(
            actor=actor,
            action="eforms.person_moved",
            hall=hall,
            object_type="eforms.filledform",
            object_repr=f"{len(ids)} forms",
            after={"person": to_id, "forms": ids},
        )
    return len(ids)


def erase(actor, person) -> int:
    """The person's forms keep their status and version (statistics), nothing personal."""
    forms = FilledForm.objects.filter(hall=person.hall, person_id=person.pk)
    files = list(FormFile.objects.filter(filled__in=forms).values_list("stored_name", flat=True))
    FormFile.objects.filter(filled__in=forms).delete()
    for name in files:
        transaction.on_commit(lambda name=name: media_delete(AREA, name))
    return forms.update(answers_encrypted=crypto.encrypt("{}"), phone_hint="", phone_digest="")


links.register(links.LinkKind(name="eforms", move=move, erase=erase))
