"""Attachments of feedback items: photos (PNG/JPEG) and PDFs, checked by their content, kept private.

A file is accepted only if its first bytes say what it is (PNG, JPEG, PDF magic numbers) and, for images,
Pillow can open and verify it as that format: the name and the browser's content type are not trusted.
At most ``MAX_FILES`` per item and ``MAX_BYTES`` each. Files are written to the upload store
(``core.media``: ``VAR_DIR/media/feedback``, never under the static root, or a private bucket) with a
random name; the original name is kept only for display. Reading one
is the staff's, limited to those who may see the complainant (never the member of staff complained about),
and every read is audited, as the file may show the citizen.
"""

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from servicehall.core.actors import Actor
from servicehall.core.audit import audit_record
from servicehall.core.choices import Role
from servicehall.core.errors import Conflict, Invalid, NotFound, PermissionDenied
from servicehall.core.media import MAX_BYTES, media_open, media_save, read_upload
from servicehall.core.permissions import has_role
from servicehall.core.ratelimit import rate_limit
from servicehall.feedback.choices import OPEN_STATES
from servicehall.feedback.models import FeedbackAttachment, FeedbackItem

MAX_FILES = 3
STAFF = (Role.MANAGER, Role.CLERK)


AREA = "feedback"


class TooLarge(Invalid):
    """A file over ``MAX_BYTES``: the API answers 413 (a page shows it beside the field like any 422)."""

    status = 413
    code = "too_large"


def check_uploads(files: list, *, already: int = 0) -> list[tuple[str, bytes, str, str]]:
    """Read and check the uploads; ``Invalid`` on the ``attachments`` field names what is wrong."""
    if len(files) + already > MAX_FILES:
        raise Invalid(fields={"attachments": [_("At most %(n)s files per item.") % {"n": MAX_FILES}]})
    checked = []
    for upload in files:
        read = read_upload(upload)
        if isinstance(read, str):
            error = TooLarge if upload.size > MAX_BYTES else Invalid
            raise error(fields={"attachments": [read]})
        checked.append(read)
    return checked


def attachments_save(*, actor: Actor, item: FeedbackItem, checked: list) -> list[FeedbackAttachment]:
    """Write checked files (from ``check_uploads``) with random names and record them; audited. The
    caller holds the transaction (a file written for a rolled-back row is an orphan, never served)."""
    saved = []
    for name, data, content_type, ext in checked:
        stored = f"{secrets.token_hex(16)}.{ext}"
        media_save(AREA, stored, data)
        saved.append(
            FeedbackAttachment.objects.create(
                item=item,
                stored_name=stored,
                original_name=name,
                content_type=content_type,
                size_bytes=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
                uploaded_at=timezone.now(),
            )
        )
    if saved:
        audit_record(
            actor=actor,
            action="feedback.attach",
            hall=item.hall,
            obj=item,
            after={"files": [a.stored_name for a in saved], "sizes": [a.size_bytes for a in saved]},
        )
    return saved


@transaction.atomic
def attachments_add(*, actor: Actor, item: FeedbackItem, files: list) -> list[FeedbackAttachment]:
    """Staff add files to an item of their hall (the person it is about cannot)."""
    if not may_see(actor.user, item):
        raise PermissionDenied()
    item = FeedbackItem.objects.select_for_update(of=("self",)).select_related("hall").get(pk=item.pk)
    checked = check_uploads(files, already=item.attachments.count())
    return attachments_save(actor=actor, item=item, checked=checked)


@transaction.atomic
def attachments_add_by_citizen(
    *, actor: Actor, code: str, phone: str, files: list
) -> list[FeedbackAttachment]:
    """The citizen adds files to their own item, proved by its code and the mobile it was left with
    (rate-limited like every public call; only while it is being handled). The files are then served to
    staff only, never back to the citizen or anyone else."""
    from servicehall.feedback.selectors import item_for_citizen

    rate_limit(actor=actor, scope="feedback-attach", per_minute=5)
    item = item_for_citizen(code=code, phone=phone)
    item = FeedbackItem.objects.select_for_update(of=("self",)).select_related("hall").get(pk=item.pk)
    if item.status not in OPEN_STATES:
        raise Conflict(_("This item is no longer being handled: files cannot be added."), code="closed")
    if not files:
        raise Invalid(fields={"attachments": [_("Choose a file to add.")]})
    checked = check_uploads(files, already=item.attachments.count())
    return attachments_save(actor=actor, item=item, checked=checked)


def may_see(user, item: FeedbackItem) -> bool:
    """Staff of the item's hall, except the member of staff the item is about."""
    if not has_role(user, item.hall, *STAFF):
        return False
    return item.subject_clerk_id is None or item.subject_clerk_id != getattr(user, "pk", None)


def attachments_for(item: FeedbackItem, *, user) -> list[FeedbackAttachment]:
    return list(item.attachments.all()) if may_see(user, item) else []


def attachment_open(*, actor: Actor, item: FeedbackItem, attachment_id: int):
    """The file's handle and record for a download, after the permission check; the read is audited."""
    attachment = FeedbackAttachment.objects.filter(item=item, pk=attachment_id).first()
    if attachment is None:
        raise NotFound(_("No such attachment."), code="attachment_not_found")
    if not may_see(actor.user, item):
        raise PermissionDenied()
    audit_record(
        actor=actor,
        action="feedback.attachment_read",
        hall=item.hall,
        obj=item,
        after={"file": attachment.stored_name},
    )
    return media_open(AREA, attachment.stored_name), attachment


@transaction.atomic
def feedback_submit_with_files(*, actor: Actor, hall, files: list, **data) -> FeedbackItem:
    """The public page's submission: the files are checked before the item exists, so a bad file leaves
    nothing behind and the citizen corrects it beside the field."""
    from servicehall.feedback.services import feedback_submit

    checked = check_uploads(files)
    item = feedback_submit(actor=actor, hall=hall, **data)
    attachments_save(actor=actor, item=item, checked=checked)
    return item
