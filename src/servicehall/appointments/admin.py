"""Django admin for appointments. Bookings, slots, the waitlist and the calendar table are read-only here:
every change goes through ``appointments.services`` (seat counts, texts to citizens, audit; no admin sets
a ``status``). Settings are saved through ``settings_update`` and working plans through ``plan_save``
(manager of the hall, audited), as on the manager's calendar page and the API."""

from django.contrib import admin

from servicehall.appointments.models import (
    Appointment,
    AppointmentSettings,
    Slot,
    WaitlistEntry,
    WorkingPlan,
)
from servicehall.appointments.services import plan_save, settings_update
from servicehall.core.admin import HallSettingsAdmin, ReadOnlyAdmin, ServiceAdmin
from servicehall.core.models import CalendarDay

PERSONAL = ["name_encrypted", "phone_encrypted", "phone_digest", "id_encrypted", "id_digest", "person"]


@admin.register(Appointment)
class AppointmentAdmin(ReadOnlyAdmin):
    list_display = ["code", "hall", "service", "start", "status", "channel", "name_hint", "phone_hint"]
    list_filter = ["hall", "status", "channel", "day"]
    search_fields = ["code"]
    exclude = PERSONAL
    date_hierarchy = "start"


@admin.register(Slot)
class SlotAdmin(ReadOnlyAdmin):
    list_display = ["service", "start", "capacity", "taken", "closed"]
    list_filter = ["hall", "day", "closed"]


@admin.register(WaitlistEntry)
class WaitlistEntryAdmin(ReadOnlyAdmin):
    list_display = ["slot", "status", "name_hint", "phone_hint", "created_at"]
    list_filter = ["hall", "status"]
    exclude = PERSONAL


@admin.register(CalendarDay)
class CalendarDayAdmin(ReadOnlyAdmin):
    list_display = ["hall", "date", "kind", "name"]
    list_filter = ["hall", "kind"]


@admin.register(AppointmentSettings)
class AppointmentSettingsAdmin(HallSettingsAdmin):
    """Saved through ``settings_update`` (manager of the hall, validated, audited)."""

    settings_service = staticmethod(settings_update)
    list_display = [
        "hall",
        "hold_minutes",
        "check_in_before_minutes",
        "check_in_after_minutes",
        "late_policy",
    ]


@admin.register(WorkingPlan)
class WorkingPlanAdmin(ServiceAdmin):
    """Saved through ``plan_save`` (manager of the hall; seat changes reach future slots, never below the
    seats taken; audited). The hall and service of a plan are fixed once created; a plan is switched off
    with ``active``, never deleted (its slots and bookings refer to it)."""

    list_display = [
        "service",
        "hall",
        "slot_minutes",
        "seats_per_slot",
        "horizon_days",
        "real_name",
        "active",
    ]
    list_filter = ["hall", "active", "real_name"]
    search_fields = ["service__name"]

    def get_readonly_fields(self, request, obj=None):
        return ["hall", "service"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        fields = {f.name for f in obj._meta.fields} - {"id", "hall", "service"}
        changes = self.changes(form, fields) if change else {k: getattr(obj, k) for k in fields}
        obj.pk = plan_save(actor=self.actor(request), hall=obj.hall, service=obj.service, **changes).pk

    def has_delete_permission(self, request, obj=None):
        return False
