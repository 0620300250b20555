"""Files of a case: materials the applicant uploads against the one-time notice (or staff scan at the
window) and the electronic certificate. Checked by content as feedback's are (PNG, JPEG, PDF magic bytes,
images verified by Pillow; never the name or the browser's type), at most ``MAX_FILES`` per case and
``MAX_BYTES`` each, written to the upload store (``core.media``: ``VAR_DIR/media/cases`` or a private
bucket) with random names. Served only to the hall's
staff, or to the applicant who proved the case number and mobile, and only their own case's files; every
read is audited."""

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.cases.models import Case, CaseAttachment
from servicehall.cases.services.common import STAFF, lock
from servicehall.core.actors import Actor
from servicehall.core.audit import audit_record
from servicehall.core.errors import Invalid, NotFound, PermissionDenied
from servicehall.core.media import media_open, media_save, read_upload
from servicehall.core.permissions import has_role, require_role

AREA = "cases"
MAX_FILES = 10


def check_uploads(files: list, *, already: int = 0) -> list[tuple[str, bytes, str, str]]:
    """Read and check the uploads; ``Invalid`` on the ``files`` field names what is wrong."""
    if not files:
        raise Invalid(fields={"files": [_("Choose a file to upload.")]})
    if len(files) + already > MAX_FILES:
        raise Invalid(fields={"files": [_("At most %(n)s files per case.") % {"n": MAX_FILES}]})
    checked = []
    for upload in files:
        read = read_upload(upload)
        if isinstance(read, str):
            raise Invalid(fields={"files": [read]})
        checked.append(read)
    return checked


def save_files(*, actor: Actor, case: Case, files: list, by_applicant: bool, certificate: bool = False):
    """Check and write the files of a case the caller has locked; audited (names and sizes only)."""
    checked = check_uploads(files, already=case.attachments.count())
    return write_files(
        actor=actor, case=case, checked=checked, by_applicant=by_applicant, certificate=certificate
    )


def write_files(*, actor: Actor, case: Case, checked: list, by_applicant: bool, certificate: bool = False):
    """Write checked files (``(name, data, content type, extension)``) as the case's attachments with
    random names; audited. Also how the documents uploaded with an e-form become the case's own copies."""
    saved = []
    for name, data, content_type, ext in checked:
        stored = f"{secrets.token_hex(16)}.{ext}"
        media_save(AREA, stored, data)
        saved.append(
            CaseAttachment.objects.create(
                case=case,
                certificate=certificate,
                stored_name=stored,
                original_name=name,
                content_type=content_type,
                size_bytes=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
                uploaded_at=timezone.now(),
                by_applicant=by_applicant,
            )
        )
    audit_record(
        actor=actor,
        action="cases.attach",
        hall=case.hall,
        obj=case,
        after={"files": [a.stored_name for a in saved], "certificate": certificate},
    )
    return saved


@transaction.atomic
def attachments_add(*, actor: Actor, case: Case, files: list, certificate: bool = False):
    """Staff of the case's hall add files (a scanned material, the electronic certificate)."""
    require_role(actor, case.hall, *STAFF)
    return save_files(actor=actor, case=lock(case), files=files, by_applicant=False, certificate=certificate)


def attachment_open(*, actor: Actor, case: Case, attachment_id: int, applicant: bool = False):
    """The file and its record after the permission check: staff of the hall, or (``applicant``: the
    caller proved number + mobile for this very case) the applicant's own uploads and the certificate."""
    attachment = CaseAttachment.objects.filter(case=case, pk=attachment_id).first()
    if attachment is None:
        raise NotFound(_("No such attachment."), code="attachment_not_found")
    staff = has_role(actor.user, case.hall, *STAFF)
    if not staff and not (applicant and (attachment.by_applicant or attachment.certificate)):
        raise PermissionDenied()
    audit_record(
        actor=actor,
        action="cases.attachment_read",
        hall=case.hall,
        obj=case,
        after={"file": attachment.stored_name, "by": "staff" if staff else "applicant"},
    )
    return media_open(AREA, attachment.stored_name), attachment
