"""Django admin for the catalogue, read-only: items, materials, departments and categories change through
``catalog.services`` (``item_save`` and the catalogue import, manager of the hall, validated, search text
re-derived, audited) from the hall's catalogue import page or the API, so an edit here cannot leave the
audit trail with a hole or an item whose search text no longer matches it."""

from django.contrib import admin

from servicehall.catalog.models import Category, Department, Material, ServiceItem
from servicehall.core.admin import ReadOnlyAdmin, ReadOnlyInline


class MaterialInline(ReadOnlyInline):
    model = Material


@admin.register(ServiceItem)
class ServiceItemAdmin(ReadOnlyAdmin):
    list_display = [
        "code",
        "name",
        "hall",
        "department",
        "category",
        "ticket_prefix",
        "promised_limit_days",
        "visits_required",
        "fully_online",
        "active",
    ]
    list_filter = ["hall", "category", "department", "visits_required", "fully_online", "active", "item_type"]
    search_fields = ["code", "name", "search_text"]
    inlines = [MaterialInline]


@admin.register(Department)
class DepartmentAdmin(ReadOnlyAdmin):
    list_display = ["name", "hall"]
    list_filter = ["hall"]
    search_fields = ["name"]


@admin.register(Category)
class CategoryAdmin(ReadOnlyAdmin):
    list_display = ["name", "hall", "position"]
    list_filter = ["hall"]
    search_fields = ["name"]


@admin.register(Material)
class MaterialAdmin(ReadOnlyAdmin):
    list_display = ["name", "item", "originals", "copies", "required"]
    list_filter = ["required", "item__hall"]
    search_fields = ["name", "item__name"]
