"""Django admin for the core models. Every write here goes through ``core.services`` (which checks the
role, locks and writes the audit row), so an admin edit leaves the same trail as the hall's own pages and
the API; what has no service is read-only here and says where to change it. The audit log, failed
log-ins and the outbox of texts are read-only."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _

from servicehall.core import services
from servicehall.core.actors import actor_from_request
from servicehall.core.errors import DomainError
from servicehall.core.models import (
    ApiToken,
    AuditEntry,
    Counter,
    Device,
    Floor,
    Hall,
    HallMembership,
    LoginFailure,
    Notification,
    OpeningHours,
    User,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    """Shown for reference; rows are changed on their own admin page or the hall's pages (audited)."""

    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ServiceAdmin(admin.ModelAdmin):
    """An admin page whose ``save_model``/``delete_model`` call a service. A refusal of the service (no
    role, invalid value, conflict) is shown as an error message and nothing is saved: Django's admin runs
    the whole view in one transaction, which the exception rolls back."""

    @staticmethod
    def actor(request):
        return actor_from_request(request)

    @staticmethod
    def changes(form, editable) -> dict:
        """The fields of ``editable`` whose value differs from what the form showed (a field that only
        looks changed, such as JSON re-serialised, is not passed: the service would audit a no-op)."""
        return {
            name: form.cleaned_data[name]
            for name in form.changed_data
            if name in editable and form.cleaned_data[name] != form.initial.get(name)
        }

    def _refused(self, request, exc: DomainError):
        detail = "; ".join(
            f"{k}: {' '.join(map(str, v))}" for k, v in (getattr(exc, "fields", None) or {}).items()
        )
        self.message_user(request, f"{exc.message} {detail}".strip(), messages.ERROR)
        return HttpResponseRedirect(request.get_full_path())

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as exc:
            return self._refused(request, exc)

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except DomainError as exc:
            return self._refused(request, exc)

    def changelist_view(self, request, extra_context=None):
        try:
            return super().changelist_view(request, extra_context)
        except DomainError as exc:
            return self._refused(request, exc)


class HallSettingsAdmin(ServiceAdmin):
    """A hall's settings row (queue, booking, quality): saved through the app's ``settings_update``, which
    is ``core.services.hall_settings_update`` (manager of the hall, row locked, validated, audited with
    before and after). The hall of a row cannot change; a row is never deleted (the defaults would come
    back silently)."""

    settings_service = None  # the app's settings_update(*, actor, hall, **changes), as a staticmethod

    def get_readonly_fields(self, request, obj=None):
        return ["hall"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        changes = {
            k: v for k, v in self.changes(form, {f.name for f in obj._meta.fields}).items() if k != "hall"
        }
        conf = self.settings_service(actor=self.actor(request), hall=obj.hall, **changes)
        obj.pk = conf.pk

    def has_delete_permission(self, request, obj=None):
        return False


class OpeningHoursInline(ReadOnlyInline):
    model = OpeningHours


class FloorInline(ReadOnlyInline):
    model = Floor


HALL_EDITABLE = services.HALL_EDITABLE


@admin.register(Hall)
class HallAdmin(ServiceAdmin):
    """Halls are created with ``hall_create`` and changed with ``hall_update`` (audited); the code is fixed
    once created, and a hall is never deleted here (switch it off with ``active``). Floors and opening hours
    are shown for reference: add floors on the Floors page, set the hours on the hall's pages."""

    list_display = ["code", "name", "name_en", "address", "time_zone", "phone", "active"]
    list_filter = ["active", "time_zone"]
    search_fields = ["code", "name", "name_en", "address"]
    inlines = [FloorInline, OpeningHoursInline]

    def get_readonly_fields(self, request, obj=None):
        return ["code"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        if change:
            services.hall_update(actor=self.actor(request), hall=obj, **self.changes(form, HALL_EDITABLE))
        else:
            fields = {k: form.cleaned_data[k] for k in HALL_EDITABLE if k in form.cleaned_data}
            obj.pk = services.hall_create(
                actor=self.actor(request), code=obj.code, name=fields.pop("name"), **fields
            ).pk

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Floor)
class FloorAdmin(ServiceAdmin):
    """Floors are added with ``floor_create`` (audited); there is no service to change or remove one, so
    an existing floor is read-only here."""

    list_display = ["hall", "level", "name", "name_en"]
    list_filter = ["hall"]

    def save_model(self, request, obj, form, change):
        obj.pk = services.floor_create(
            actor=self.actor(request),
            hall=obj.hall,
            level=obj.level,
            name=obj.name,
            name_en=obj.name_en,
            name_zh_hant=obj.name_zh_hant,
        ).pk

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Counter)
class CounterAdmin(ServiceAdmin):
    """Counters (windows) are created with ``counter_create`` and changed with ``counter_update`` (manager,
    row locked, audited). Their hall is fixed; a counter is never deleted (tickets and sessions refer to it):
    switch it off with ``active``."""

    list_display = ["hall", "number", "name", "name_en", "kind", "floor", "active"]
    list_filter = ["hall", "kind", "active", "floor"]
    search_fields = ["number", "name", "name_en"]

    def get_readonly_fields(self, request, obj=None):
        return ["hall"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        actor = self.actor(request)
        if change:
            changes = self.changes(form, services.COUNTER_EDITABLE)
            if changes:
                services.counter_update(actor=actor, counter=obj, **changes)
        else:
            obj.pk = services.counter_create(
                actor=actor,
                hall=obj.hall,
                number=obj.number,
                name=obj.name,
                name_en=obj.name_en,
                name_zh_hant=obj.name_zh_hant,
                floor=obj.floor,
                kind=obj.kind,
                active=obj.active,
            ).pk

    def has_delete_permission(self, request, obj=None):
        return False


class MembershipInline(ReadOnlyInline):
    """A user's roles, for reference: grant and revoke them on the Hall memberships page (audited)."""

    model = HallMembership


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "display_name", "is_active", "is_superuser", "last_login"]
    list_filter = ["is_active", "is_superuser", "memberships__hall", "memberships__role"]
    fieldsets = (*BaseUserAdmin.fieldsets, (_("ServiceHall"), {"fields": ["display_name", "staff_number"]}))
    inlines = [MembershipInline]


@admin.register(HallMembership)
class HallMembershipAdmin(ServiceAdmin):
    """Roles are granted with ``membership_grant`` and revoked with ``membership_revoke`` (only a system
    administrator makes or unmakes a manager; audited). A role is not edited in place: revoke it and grant
    the new one, so the trail shows both."""

    list_display = ["user", "hall", "role"]
    list_filter = ["hall", "role"]
    search_fields = ["user__username", "user__display_name"]

    def save_model(self, request, obj, form, change):
        obj.pk = services.membership_grant(
            actor=self.actor(request), user=obj.user, hall=obj.hall, role=obj.role
        ).pk

    def delete_model(self, request, obj):
        services.membership_revoke(actor=self.actor(request), membership=obj)

    def delete_queryset(self, request, queryset):
        actor = self.actor(request)
        for membership in queryset.select_related("user", "hall"):
            services.membership_revoke(actor=actor, membership=membership)

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(ServiceAdmin):
    """Tokens are created with ``servicehall token create`` (the raw value is shown once). Here a token can
    only be revoked, through ``token_revoke`` (audited): set "revoked at" (any time: the service stamps
    now). A revoked token stays revoked and is kept for the trail; nothing else is editable."""

    list_display = ["user", "name", "hint", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    fields = ["user", "name", "hint", "created_at", "last_used_at", "revoked_at"]

    def get_readonly_fields(self, request, obj=None):
        readonly = ["user", "name", "hint", "created_at", "last_used_at"]
        return [*readonly, "revoked_at"] if obj is not None and obj.revoked_at else readonly

    def save_model(self, request, obj, form, change):
        if "revoked_at" in form.changed_data and form.cleaned_data["revoked_at"] is not None:
            services.token_revoke(actor=self.actor(request), token=obj)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Device)
class DeviceAdmin(ServiceAdmin):
    """Devices are registered with ``core.services.device_create`` (the raw token is shown once, so not
    here), and changed here through ``device_update`` (manager, audited): rename, move to a counter of the
    same hall, switch off. Never deleted: the audit trail and ratings refer to it."""

    list_display = ["hall", "kind", "name", "counter", "active", "last_seen_at"]
    list_filter = ["hall", "kind", "active"]
    readonly_fields = ["hall", "kind", "hint", "created_at", "last_seen_at"]

    def save_model(self, request, obj, form, change):
        changes = self.changes(form, services.DEVICE_EDITABLE)
        if changes:
            services.device_update(actor=self.actor(request), device=obj, **changes)

    def has_add_permission(self, request):
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


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    """The outbox of texts to citizens (``core.notify``), to see what is pending, delivered or given up.
    Read-only: the worker sends and retries; the phone is shown masked, never decrypted here."""

    list_display = [
        "created_at",
        "phone_hint",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "last_error",
    ]
    list_filter = ["status"]
    search_fields = ["text", "last_error"]
    date_hierarchy = "created_at"
    exclude = ["phone_encrypted"]
