"""Django admin for the queue. Tickets, sessions and sequences are read-only here: every state change goes
through ``queueing.services`` (audit row and live event included). Settings and counter services are
editable by a system administrator; hall managers use the API."""

from django.contrib import admin

from servicehall.core.admin import ReadOnlyAdmin
from servicehall.queueing.models import CounterService, CounterSession, QueueSettings, Ticket, TicketSequence


@admin.register(Ticket)
class TicketAdmin(ReadOnlyAdmin):
    list_display = [
        "number",
        "day",
        "hall",
        "service",
        "status",
        "priority",
        "channel",
        "counter",
        "issued_at",
        "wait_seconds",
        "service_seconds",
    ]
    list_filter = ["hall", "status", "channel", "priority", "day"]
    search_fields = ["number", "public_id"]
    exclude = ["phone_encrypted"]
    date_hierarchy = "issued_at"


@admin.register(CounterSession)
class CounterSessionAdmin(ReadOnlyAdmin):
    list_display = ["counter", "clerk", "state", "opened_at", "closed_at"]
    list_filter = ["state", "counter__hall"]
    search_fields = ["clerk__username", "counter__name"]


@admin.register(TicketSequence)
class TicketSequenceAdmin(ReadOnlyAdmin):
    list_display = ["hall", "prefix", "day", "last_number"]
    list_filter = ["hall", "day"]
    search_fields = ["prefix"]


@admin.register(QueueSettings)
class QueueSettingsAdmin(admin.ModelAdmin):
    list_display = ["hall", "allow_remote_tickets", "priority_per_normal", "max_wait_minutes", "recall_limit"]
    search_fields = ["hall__name"]


@admin.register(CounterService)
class CounterServiceAdmin(admin.ModelAdmin):
    list_display = ["counter", "service", "order", "weight"]
    list_filter = ["counter__hall"]
    search_fields = ["service__name", "counter__name"]
