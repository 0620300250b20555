"""Documents uploaded with a form (a ``file`` field answered "upload it now" instead of "I will hand it
in"). The answer of a file field says which: ``bring`` (hand it in at the window), ``upload`` (the radio
the page posts with the chosen file) or ``uploaded`` (a file is stored for this field). A file is checked
by its content (``core.media.read_upload``: PNG, JPEG or PDF, at most 5 MB), stored under a random name in
the ``eforms`` area, one per field: a new upload replaces the old one, and a field answered otherwise (or
hidden by a condition) loses its file. Only the hall's staff read them, each read audited; an application
made from the form copies them into the case (``cases``), so erasing the form later leaves the case whole.
"""

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.core.actors import Actor
from servicehall.core.audit import audit_record
from servicehall.core.errors import NotFound
from servicehall.core.media import media_delete, media_open, media_save, read_upload
from servicehall.core.permissions import require_role
from servicehall.eforms.choices import FieldType
from servicehall.eforms.definition import fields_of
from servicehall.eforms.models import FilledForm, FormFile
from servicehall.eforms.services.common import STAFF

AREA = "eforms"
BRING, UPLOAD, UPLOADED = "bring", "upload", "uploaded"


def file_answers(*, filled: FilledForm, answers: dict, uploads: dict) -> tuple[dict, dict, dict]:
    """``(answers, errors, checked)``: the file fields' answers made to agree with what was uploaded
    (``uploads``: field key → the posted file), each field's error beside it, and the checked files to
    store once the form row is saved. A chosen file wins over the radio; "upload" without a file, or
    "uploaded" where nothing is stored, is an error rather than a document silently missing."""
    stored = set(filled.files.values_list("key", flat=True)) if filled.pk else set()
    answers, errors, checked = dict(answers), {}, {}
    for field in fields_of(filled.version.definition):
        key = field["key"]
        if field["type"] != FieldType.FILE:
            continue
        upload = uploads.get(key)
        given = answers.get(key)
        given = given.strip() if isinstance(given, str) else None  # as answers_check will read it
        if upload is not None and upload.size:
            read = read_upload(upload)
            if isinstance(read, str):
                errors[key] = [read]
            else:
                answers[key], checked[key] = UPLOADED, read
        elif given == UPLOAD or (given == UPLOADED and key not in stored):
            errors[key] = [_("Choose the file to upload, or choose to hand the document in at the window.")]
    return answers, errors, checked


def files_store(*, actor: Actor, filled: FilledForm, checked: dict, answers: dict) -> None:
    """Write the checked uploads of a saved form and drop the files no answer keeps; audited (names and
    sizes only). The caller holds the transaction; old files leave the store after commit."""
    now, written, dropped = timezone.now(), [], []
    for old in filled.files.all():
        if old.key in checked or answers.get(old.key) != UPLOADED:
            dropped.append(old.stored_name)
            old.delete()
    for key, (name, data, content_type, ext) in checked.items():
        if answers.get(key) != UPLOADED:  # the field is hidden by its condition: its answer was dropped
            continue
        stored = f"{secrets.token_hex(16)}.{ext}"
        media_save(AREA, stored, data)
        FormFile.objects.create(
            filled=filled,
            key=key,
            stored_name=stored,
            original_name=name,
            content_type=content_type,
            size_bytes=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            uploaded_at=now,
        )
        written.append({"field": key, "size": len(data), "type": content_type})
    if written or dropped:
        audit_record(
            actor=actor,
            action="eforms.files",
            hall=filled.hall,
            obj=filled,
            after={"uploaded": written, "removed": len(dropped)},
        )
    for name in dropped:
        transaction.on_commit(lambda name=name: media_delete(AREA, name))


def form_file_open(*, actor: Actor, filled: FilledForm, key: str):
    """``(open file, record)`` of a form's uploaded document for the staff of its hall; audited."""
    require_role(actor, filled.hall, *STAFF)
    record = FormFile.objects.filter(filled=filled, key=(key or "")[:40]).first()
    if record is None:
        raise NotFound(_("No such attachment."), code="attachment_not_found")
    audit_record(
        actor=actor,
        action="eforms.file_read",
        hall=filled.hall,
        obj=filled,
        after={"field": record.key, "file": record.stored_name},
    )
    return media_open(AREA, record.stored_name), record


def form_file_bytes(record: FormFile) -> bytes:
    """The stored content of one uploaded document (for a case's own copy)."""
    with media_open(AREA, record.stored_name) as handle:
        return handle.read()
