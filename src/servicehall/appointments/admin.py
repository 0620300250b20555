"""Django admin for appointments. Bookings, slots, the waitlist and the calendar table are read-only here:
every change goes through ``appointments.services`` (seat counts, texts to citizens, audit). Settings and
working plans are editable by a system administrator; hall managers use their calendar page and the API."""

from django.contrib import admin

from servicehall.appointments.models import (
    Appointment,
    AppointmentSettings,
    Slot,
    WaitlistEntry,
    WorkingPlan,
)
from servicehall.core.admin import ReadOnlyAdmin
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
class AppointmentSettingsAdmin(admin.ModelAdmin):
    list_display = [
        "hall",
        "hold_minutes",
        "check_in_before_minutes",
        "check_in_after_minutes",
        "late_policy",
    ]


@admin.register(WorkingPlan)
class WorkingPlanAdmin(admin.ModelAdmin):
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
