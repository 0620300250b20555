"""Designing forms: a manager drafts a version, edits it, publishes it (the one before is retired), and
anyone may check answers against the published version (``form_answers_check``, what the cases app calls
before it accepts an application)."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.core.actors import Actor
from servicehall.core.errors import Invalid, NotFound
from servicehall.core.permissions import require_role
from servicehall.core.transitions import transition
from servicehall.eforms.answers import answers_check, labelled
from servicehall.eforms.choices import VERSION_TRANSITIONS, VersionAction, VersionStatus
from servicehall.eforms.definition import definition_errors
from servicehall.eforms.models import Form, FormVersion
from servicehall.eforms.selectors import published_version
from servicehall.eforms.services.common import MANAGERS, audit


@dataclass(frozen=True)
class CheckedAnswers:
    """Answers that passed the published version's check: the version they were given to, the cleaned
    answers of the visible fields, and ``[{"key", "label", "value"}]`` in the active language."""

    version_id: int
    answers: dict
    labelled: list


def starter_definition(item) -> dict:
    """What a new form starts with: the applicant's name, ID number and mobile."""

    def label(zh, en):
        return {"zh_hans": zh, "zh_hant": "", "en": en}

    return {
        "sections": [
            {
                "key": "applicant",
                "title": label("申请人信息", "Applicant"),
                "fields": [
                    {
                        "key": "name",
                        "type": "text",
                        "label": label("姓名", "Name"),
                        "required": True,
                        "prefill": "name",
                    },
                    {
                        "key": "id_number",
                        "type": "id_number",
                        "label": label("身份证号码", "Resident ID number"),
                        "required": True,
                        "prefill": "id_number",
                    },
                    {
                        "key": "phone",
                        "type": "phone",
                        "label": label("联系电话", "Phone"),
                        "required": True,
                        "prefill": "phone",
                    },
                ],
            }
        ]
    }


def _form_for(item, *, lock: bool) -> Form:
    form, _created = Form.objects.get_or_create(
        item=item, defaults={"hall": item.hall, "created_at": timezone.now()}
    )
    return Form.objects.select_for_update().get(pk=form.pk) if lock else form


@transaction.atomic
def form_version_draft(*, actor: Actor, item) -> FormVersion:
    """The item's draft version, created when there is none: a copy of the published version (or a
    starter form) with the next number. Locks the form's row so two managers get the same draft."""
    require_role(actor, item.hall, *MANAGERS)
    form = _form_for(item, lock=True)
    draft = form.versions.filter(status=VersionStatus.DRAFT).first()
    if draft is not None:
        return draft
    latest = form.versions.order_by("-number").first()
    published = form.versions.filter(status=VersionStatus.PUBLISHED).first()
    now = timezone.now()
    draft = FormVersion.objects.create(
        form=form,
        number=(latest.number + 1) if latest else 1,
        definition=published.definition if published else starter_definition(item),
        created_at=now,
        updated_at=now,
        created_by=actor.user if actor.user_id else None,
    )
    audit(actor, "version.draft", draft, hall=item.hall, after={"number": draft.number})
    return draft


def _locked_version(version: FormVersion) -> FormVersion:
    return (
        FormVersion.objects.select_for_update().select_related("form__item", "form__hall").get(pk=version.pk)
    )


@transaction.atomic
def form_version_save(*, actor: Actor, version: FormVersion, definition, note: str = "") -> FormVersion:
    """Replace a draft's definition after checking it; every error is keyed by the form field it is about
    (the editor shows it beside that field). Locks the version row."""
    require_role(actor, version.form.hall, *MANAGERS)
    version = _locked_version(version)
    version.status = transition(VERSION_TRANSITIONS, version, VersionAction.EDIT)
    errors = definition_errors(definition)
    if errors:
        raise Invalid(_("The form has errors; they are shown beside the fields."), fields=errors)
    if not isinstance(note, str) or len(note) > 200 or "\x00" in note:
        raise Invalid(fields={"note": [_("At most 200 characters.")]})
    version.definition = definition
    version.note = note.strip()
    version.updated_at = timezone.now()
    version.save(update_fields=["status", "definition", "note", "updated_at"])
    audit(actor, "version.save", version, hall=version.form.hall, after={"number": version.number})
    return version


@transaction.atomic
def form_version_publish(*, actor: Actor, version: FormVersion) -> FormVersion:
    """Publish a draft: from now on citizens fill this version, and the one published before is retired
    (answers given to it keep pointing to it). Locks the form's row first, then the versions, so two
    publishes of one form run one after the other."""
    require_role(actor, version.form.hall, *MANAGERS)
    Form.objects.select_for_update().get(pk=version.form_id)
    version = _locked_version(version)
    errors = definition_errors(version.definition)
    if errors:
        raise Invalid(_("The form has errors; they are shown beside the fields."), fields=errors)
    new_status = transition(VERSION_TRANSITIONS, version, VersionAction.PUBLISH)
    now = timezone.now()
    before = FormVersion.objects.select_for_update().filter(
        form_id=version.form_id, status=VersionStatus.PUBLISHED
    )
    for old in before:
        old.status = transition(VERSION_TRANSITIONS, old, VersionAction.RETIRE)
        old.retired_at = now
        old.save(update_fields=["status", "retired_at"])
    version.status = new_status
    version.published_at = now
    version.save(update_fields=["status", "published_at"])
    audit(
        actor,
        "version.publish",
        version,
        hall=version.form.hall,
        before={"published": [v.number for v in before]},
        after={"published": version.number},
    )
    return version


def form_answers_check(*, hall, item, answers: dict) -> CheckedAnswers:
    """Check ``answers`` against the published form of ``item`` in ``hall``: the cleaned answers of the
    visible fields (hidden fields' answers and unknown keys dropped) with the version they were given to,
    or ``Invalid`` whose ``fields`` are the form's field keys. ``NotFound`` when the item is not the hall's
    or has no published form. Writes nothing."""
    if item.hall_id != hall.pk:
        raise NotFound(_("This service has no published form."), code="no_form")
    version = published_version(item=item)
    cleaned = answers_check(version.definition, answers)
    return CheckedAnswers(
        version_id=version.pk, answers=cleaned, labelled=labelled(version.definition, cleaned)
    )
