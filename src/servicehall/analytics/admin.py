from django.contrib import admin

from servicehall.analytics.models import AnalyticsSettings, SimulationJob
from servicehall.analytics.services import settings_update
from servicehall.core.admin import HallSettingsAdmin, ReadOnlyAdmin


@admin.register(AnalyticsSettings)
class AnalyticsSettingsAdmin(HallSettingsAdmin):
    list_display = (
        "hall",
        "target_minutes",
        "service_level_percent",
        "max_average_wait_minutes",
        "shrinkage_percent",
    )
    list_filter = ("hall",)
    search_fields = ("hall__code", "hall__name")
    settings_service = staticmethod(settings_update)


@admin.register(SimulationJob)
class SimulationJobAdmin(ReadOnlyAdmin):
    list_display = ("id", "hall", "status", "progress", "created_by", "created_at", "finished_at")
    list_filter = ("hall", "status")
    search_fields = ("hall__code", "error")
