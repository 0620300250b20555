"""Reads of electronic forms: the published version of an item, a hall's forms for the editor, a filled
form for its citizen (code + mobile) or for the clerk, and what a person's record may prefill."""

import json
import statistics

from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext as _

from servicehall.catalog.models import ServiceItem
from servicehall.core import crypto
from servicehall.core.errors import NotFound
from servicehall.core.identity import normalize_phone
from servicehall.eforms.answers import labelled
from servicehall.eforms.choices import Channel, VersionStatus
from servicehall.eforms.definition import fields_of
from servicehall.eforms.models import FilledForm, Form, FormVersion


def published_version(*, item) -> FormVersion:
    """The version citizens fill for ``item``; ``NotFound`` when the item has no published form."""
    version = (
        FormVersion.objects.filter(form__item=item, status=VersionStatus.PUBLISHED)
        .select_related("form")
        .first()
    )
    if version is None:
        raise NotFound(_("This service has no published form."), code="no_form")
    return version


def forms_of_hall(*, hall) -> QuerySet[Form]:
    return Form.objects.filter(hall=hall).select_related("item").prefetch_related("versions")


def filled_answers(filled: FilledForm) -> dict:
    """The clear answers of a filled form (encrypted at rest)."""
    return json.loads(crypto.decrypt(filled.answers_encrypted) or "{}")


def filled_for_citizen(*, code: str, phone: str) -> FilledForm:
    """The form with this code left with this mobile; the same ``NotFound`` whether the code does not
    exist or the mobile does not match (a stranger learns nothing)."""
    code = (code or "").strip().upper()[:8]
    digest = crypto.digest(normalize_phone(phone or ""), purpose="phone")
    filled = (
        FilledForm.objects.select_related("version", "item", "hall")
        .filter(code=code, phone_digest=digest)
        .exclude(phone_digest="")
        .first()
    )
    if filled is None or not code:
        raise NotFound(_("No form matches this code and mobile number."), code="no_form")
    return filled


def filled_get(*, code: str) -> FilledForm:
    filled = (
        FilledForm.objects.select_related("version", "item", "hall").filter(code=(code or "")[:8]).first()
    )
    if filled is None:
        raise NotFound(_("No form has this code."), code="no_form")
    return filled


def filled_of_ticket(*, ticket) -> FilledForm | None:
    return FilledForm.objects.select_related("version", "item", "hall").filter(ticket=ticket).first()


def filled_files(filled: FilledForm | None) -> dict:
    """The documents uploaded with a form, by field key (none for a form not saved yet)."""
    return {f.key: f for f in filled.files.all()} if filled is not None and filled.pk else {}


def filled_view(filled: FilledForm, *, language: str | None = None) -> dict:
    """What the citizen, the console and the PDF show of a filled form: labelled answers in the reader's
    language, with the version's own labels (answers keep their version)."""
    answers = filled_answers(filled)
    return {
        "code": filled.code,
        "status": filled.status,
        "item": filled.item.code,
        "item_name": filled.item.name_local,
        "version": filled.version.number,
        "version_id": filled.version_id,
        "phone": filled.phone_hint,
        "prefilled": list(filled.prefilled_fields),
        "answers": answers,
        "labelled": labelled(filled.version.definition, answers, language),
        "files": [
            {"key": f.key, "name": f.original_name, "size_bytes": f.size_bytes, "type": f.content_type}
            for f in filled_files(filled).values()
        ],
        "updated_at": filled.updated_at,
    }


def prefill_answers(*, item, person_values: dict) -> dict:
    """The published form's answers that can be taken from a person's record: only the fields that
    declare a ``prefill`` AND whose personal field the item may collect (``customers``' minimum-collection
    rule); the rest stays for the citizen to type."""
    from servicehall.customers.selectors import item_collected_fields

    allowed = set(item_collected_fields(item=item))
    version = published_version(item=item)
    out = {}
    for field in fields_of(version.definition):
        source = field.get("prefill")
        if source and source in allowed and person_values.get(source):
            out[field["key"]] = person_values[source]
    return out


def _stats(seconds: list[int]) -> dict:
    if not seconds:
        return {"count": 0, "mean_seconds": None, "median_seconds": None}
    return {
        "count": len(seconds),
        "mean_seconds": round(statistics.fmean(seconds), 1),
        "median_seconds": round(float(statistics.median(seconds)), 1),
    }


def form_effect(*, hall, since, until) -> list[dict]:
    """Per service item, the service time at the window of completed tickets that came with a form filled
    before (phone, web, kiosk; not one the clerk filled at the window) against those without: count, mean
    and median seconds, and the difference of the medians. Items without a form are listed too (every
    ticket is "without"); only items with tickets in ``[since, until)``."""
    from servicehall.queueing.models import Ticket

    prefilled = FilledForm.objects.filter(ticket_id=OuterRef("pk")).exclude(channel=Channel.COUNTER)
    rows = (
        Ticket.objects.filter(
            hall=hall,
            status="completed",
            service_seconds__isnull=False,
            completed_at__gte=since,
            completed_at__lt=until,
        )
        .annotate(with_form=Exists(prefilled))
        .values_list("service_id", "with_form", "service_seconds")
    )
    seconds: dict[int, dict[bool, list[int]]] = {}
    for service_id, with_form, value in rows:
        seconds.setdefault(service_id, {True: [], False: []})[with_form].append(value)
    items = {i.pk: i for i in ServiceItem.objects.filter(pk__in=seconds).order_by("code")}
    out = []
    for pk, item in items.items():
        with_form, without = _stats(seconds[pk][True]), _stats(seconds[pk][False])
        saved = None
        if with_form["count"] and without["count"]:
            saved = round(without["median_seconds"] - with_form["median_seconds"], 1)
        out.append(
            {
                "item": item.code,
                "name": item.name_local,
                "with_form": with_form,
                "without_form": without,
                "median_saved_seconds": saved,
            }
        )
    return out


def has_published_form(*, item) -> bool:
    return FormVersion.objects.filter(form__item=item, status=VersionStatus.PUBLISHED).exists()


def editable_definition(*, item) -> tuple[FormVersion | None, dict]:
    """What the editor shows: the draft and its definition, or (no draft yet) the published definition or
    the starter form, which becomes a draft only when the manager saves (a page view writes nothing)."""
    from servicehall.eforms.services.forms import starter_definition

    versions = FormVersion.objects.filter(
        form__item=item, status__in=[VersionStatus.DRAFT, VersionStatus.PUBLISHED]
    )
    by_status = {v.status: v for v in versions}
    draft = by_status.get(VersionStatus.DRAFT)
    if draft is not None:
        return draft, draft.definition
    published = by_status.get(VersionStatus.PUBLISHED)
    return None, published.definition if published else starter_definition(item)
