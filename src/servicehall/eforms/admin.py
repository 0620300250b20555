"""Django admin for electronic forms: read-only (forms are designed and published in the manager's editor
through ``eforms.services``, audited; answers are encrypted and not shown)."""

from django.contrib import admin

from servicehall.core.admin import ReadOnlyAdmin
from servicehall.eforms.models import FilledForm, Form, FormVersion


@admin.register(Form)
class FormAdmin(ReadOnlyAdmin):
    list_display = ["item", "hall", "created_at"]
    list_filter = ["hall"]
    search_fields = ["item__code", "item__name"]


@admin.register(FormVersion)
class FormVersionAdmin(ReadOnlyAdmin):
    list_display = ["form", "number", "status", "published_at", "retired_at"]
    list_filter = ["status", "form__hall"]
    search_fields = ["form__item__code"]


@admin.register(FilledForm)
class FilledFormAdmin(ReadOnlyAdmin):
    list_display = ["code", "hall", "item", "status", "channel", "created_at", "ticket"]
    list_filter = ["hall", "status", "channel"]
    search_fields = ["code"]
    exclude = ["answers_encrypted", "phone_digest"]
