"""Django admin for the queue. Tickets, sessions and sequences are read-only here (their ``status`` and
``state`` change only through ``queueing.services``, with audit row and live event). The queue settings
are saved through ``queueing.services.settings_update`` (audited); the services a counter calls are set
as a whole with ``counter_services_set``, on the counter's page or the API, so they are read-only here."""

from django.contrib import admin

from servicehall.core.admin import HallSettingsAdmin, ReadOnlyAdmin
from servicehall.queueing.models import CounterService, CounterSession, QueueSettings, Ticket, TicketSequence
from servicehall.queueing.services import settings_update


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
class QueueSettingsAdmin(HallSettingsAdmin):
    """Saved through ``settings_update`` (manager of the hall, validated, audited as ``queue.settings``)."""

    settings_service = staticmethod(settings_update)
    list_display = ["hall", "allow_remote_tickets", "priority_per_normal", "max_wait_minutes", "recall_limit"]
    search_fields = ["hall__name"]


@admin.register(CounterService)
class CounterServiceAdmin(ReadOnlyAdmin):
    """Read-only: a counter's services are replaced as a whole by ``counter_services_set`` (manager,
    counter row locked, audited with before and after): use ``PUT /api/v1/counters/{counter_id}/services``."""

    list_display = ["counter", "service", "order", "weight"]
    list_filter = ["counter__hall"]
    search_fields = ["service__name", "counter__name"]
