"""Django admin for the core models. The audit log and failed log-ins are read-only."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from servicehall.core.models import (
    ApiToken,
    AuditEntry,
    Counter,
    Device,
    Floor,
    Hall,
    HallMembership,
    LoginFailure,
    OpeningHours,
    User,
)


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0


class FloorInline(admin.TabularInline):
    model = Floor
    extra = 0


@admin.register(Hall)
class HallAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "address", "time_zone", "phone", "active"]
    list_filter = ["active", "time_zone"]
    search_fields = ["code", "name", "address"]
    inlines = [FloorInline, OpeningHoursInline]


@admin.register(Floor)
class FloorAdmin(admin.ModelAdmin):
    list_display = ["hall", "level", "name"]
    list_filter = ["hall"]


@admin.register(Counter)
class CounterAdmin(admin.ModelAdmin):
    list_display = ["hall", "number", "name", "kind", "floor", "active"]
    list_filter = ["hall", "kind", "active", "floor"]
    search_fields = ["number", "name"]


class MembershipInline(admin.TabularInline):
    model = HallMembership
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "display_name", "is_active", "is_superuser", "last_login"]
    list_filter = ["is_active", "is_superuser", "memberships__hall", "memberships__role"]
    fieldsets = (*BaseUserAdmin.fieldsets, (_("ServiceHall"), {"fields": ["display_name"]}))
    inlines = [MembershipInline]


@admin.register(HallMembership)
class HallMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "hall", "role"]
    list_filter = ["hall", "role"]
    search_fields = ["user__username", "user__display_name"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "name", "hint", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    readonly_fields = ["hint", "created_at", "last_used_at"]

    def has_add_permission(self, request):
        return False  # tokens are created with `servicehall token create` so the raw value is shown once


@admin.register(Device)
class DeviceAdmin(admin.ModelAdmin):
    list_display = ["hall", "kind", "name", "counter", "active", "last_seen_at"]
    list_filter = ["hall", "kind", "active"]
    readonly_fields = ["hint", "created_at", "last_seen_at"]

    def has_add_permission(self, request):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor_label", "hall", "action", "object_type", "object_repr", "ip"]
    list_filter = ["hall", "action", "object_type"]
    search_fields = ["actor_label", "action", "object_repr", "object_id"]
    date_hierarchy = "at"


@admin.register(LoginFailure)
class LoginFailureAdmin(ReadOnlyAdmin):
    list_display = ["at", "username", "ip"]
    search_fields = ["username", "ip"]
