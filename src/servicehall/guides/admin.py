"""Django admin for the guides: read-only (drafts, publishing and procedures go through the managers'
pages and ``guides.services``, audited)."""

from django.contrib import admin

from servicehall.core.admin import ReadOnlyAdmin
from servicehall.guides.models import Guide, MaterialCheck, Procedure, ProcedureUse


@admin.register(Guide)
class GuideAdmin(ReadOnlyAdmin):
    list_display = ["item", "version", "status", "published_at", "hall"]
    list_filter = ["hall", "status"]
    search_fields = ["item__code", "item__name"]


@admin.register(MaterialCheck)
class MaterialCheckAdmin(ReadOnlyAdmin):
    list_display = ["guide", "material_name", "position"]
    list_filter = ["guide__hall"]
    search_fields = ["material_name"]


@admin.register(Procedure)
class ProcedureAdmin(ReadOnlyAdmin):
    list_display = ["code", "title", "hall", "active", "position"]
    list_filter = ["hall", "active"]
    search_fields = ["code", "title"]


@admin.register(ProcedureUse)
class ProcedureUseAdmin(ReadOnlyAdmin):
    list_display = ["procedure", "used_at", "counter", "user", "ticked"]
    list_filter = ["hall", "procedure"]
    search_fields = ["happened", "outcome"]
