from django.contrib import admin

from servicehall.live.models import Event


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    """Read-only: the outbox is written by services only."""

    list_display = ["id", "hall", "kind", "created_at"]
    list_filter = ["kind", "hall"]
    search_fields = ["kind"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
