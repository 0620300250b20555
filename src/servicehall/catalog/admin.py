"""Django admin for the catalogue. Saving an item here re-derives its search text."""

from django.contrib import admin

from servicehall.catalog.models import Category, Department, Material, ServiceItem
from servicehall.catalog.search import build_search_text


class MaterialInline(admin.TabularInline):
    model = Material
    extra = 0


@admin.register(ServiceItem)
class ServiceItemAdmin(admin.ModelAdmin):
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
    filter_horizontal = ["counters"]
    inlines = [MaterialInline]

    def save_model(self, request, obj, form, change):
        obj.search_text = build_search_text(
            name=obj.name,
            code=obj.code,
            department=obj.department.name,
            category=obj.category.name,
            keywords=obj.keywords,
        )
        super().save_model(request, obj, form, change)


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "hall"]
    list_filter = ["hall"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "hall", "position"]
    list_filter = ["hall"]
    list_editable = ["position"]


@admin.register(Material)
class MaterialAdmin(admin.ModelAdmin):
    list_display = ["name", "item", "originals", "copies", "required"]
    list_filter = ["required", "item__hall"]
    search_fields = ["name", "item__name"]
