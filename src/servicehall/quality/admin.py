"""Django admin for the quality module. Ratings, rectification cases, indicator systems and judgements are
read-only here (every step, and every ``status``, goes through ``quality.services``, audited); the settings
are saved through ``quality.services.settings_update`` (manager of the hall, validated, audited)."""

from django.contrib import admin

from servicehall.core.admin import HallSettingsAdmin, ReadOnlyAdmin
from servicehall.quality.models import (
    Indicator,
    IndicatorSystem,
    Judgement,
    QualitySettings,
    Rating,
    Rectification,
)
from servicehall.quality.services import settings_update


@admin.register(Rating)
class RatingAdmin(ReadOnlyAdmin):
    list_display = [
        "ticket",
        "hall",
        "service",
        "counter",
        "level",
        "channel",
        "is_default",
        "excluded",
        "rated_at",
    ]
    list_filter = ["hall", "level", "channel", "is_default", "excluded"]
    search_fields = ["ticket__number", "comment"]


@admin.register(Rectification)
class RectificationAdmin(ReadOnlyAdmin):
    list_display = [
        "rating",
        "hall",
        "department",
        "assignee",
        "status",
        "revisit_due",
        "rectify_due",
        "closed_at",
        "outcome",
    ]
    list_filter = ["hall", "status", "outcome"]
    search_fields = ["department"]


@admin.register(IndicatorSystem)
class IndicatorSystemAdmin(ReadOnlyAdmin):
    list_display = ["name", "version", "hall", "status", "template", "published_at"]
    list_filter = ["hall", "status", "template"]
    search_fields = ["name"]


@admin.register(Indicator)
class IndicatorAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "system", "kind", "metric", "weight"]
    list_filter = ["system__hall", "kind"]
    search_fields = ["code", "name"]


@admin.register(Judgement)
class JudgementAdmin(ReadOnlyAdmin):
    list_display = ["system", "parent", "expert", "cr", "ri_table", "created_at"]


@admin.register(QualitySettings)
class QualitySettingsAdmin(HallSettingsAdmin):
    """Saved through ``settings_update`` (manager of the hall, validated, audited)."""

    settings_service = staticmethod(settings_update)

    list_display = [
        "hall",
        "rating_window_days",
        "default_rule",
        "revisit_working_days",
        "rectify_working_days",
    ]
