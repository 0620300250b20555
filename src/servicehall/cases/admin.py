"""Django admin for cases: read-only (each step goes through ``cases.services``, audited; the encrypted
answers, mobile and digests are not shown)."""

from django.contrib import admin

from servicehall.cases.models import Case, CaseAttachment, CaseVisit
from servicehall.core.admin import ReadOnlyAdmin


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ["number", "hall", "service", "channel", "status", "submitted_at", "due_at"]
    list_filter = ["hall", "status", "channel"]
    search_fields = ["number"]
    exclude = ["phone_encrypted", "phone_digest", "id_digest", "answers_encrypted", "labelled_encrypted"]


@admin.register(CaseVisit)
class CaseVisitAdmin(ReadOnlyAdmin):
    list_display = ["case", "ticket", "at"]
    list_filter = ["case__hall"]
    search_fields = ["case__number"]


@admin.register(CaseAttachment)
class CaseAttachmentAdmin(ReadOnlyAdmin):
    list_display = ["case", "original_name", "content_type", "size_bytes", "certificate", "uploaded_at"]
    list_filter = ["certificate", "content_type"]
    search_fields = ["case__number", "original_name"]
    exclude = ["stored_name"]
