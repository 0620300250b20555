"""Django admin for the maps: read-only. A map changes only as a whole version, through
``navigation.services`` (an IMDF import or the plan editor; publishing is checked and audited)."""

from django.contrib import admin

from servicehall.core.admin import ReadOnlyAdmin
from servicehall.navigation.models import Connector, Level, MapVersion, Opening, Point, Space


@admin.register(MapVersion)
class MapVersionAdmin(ReadOnlyAdmin):
    list_display = ["hall", "number", "status", "source", "created_at", "published_at"]
    list_filter = ["hall", "status", "source"]
    search_fields = ["hall__code", "hall__name"]


@admin.register(Level)
class LevelAdmin(ReadOnlyAdmin):
    list_display = ["map", "ordinal", "short_name"]
    list_filter = ["map__hall"]
    search_fields = ["feature_id"]


@admin.register(Space)
class SpaceAdmin(ReadOnlyAdmin):
    list_display = ["map", "level", "kind", "name", "feature_id"]
    list_filter = ["kind", "map__hall"]
    search_fields = ["feature_id"]


@admin.register(Opening)
class OpeningAdmin(ReadOnlyAdmin):
    list_display = ["map", "level", "kind", "width_m", "wheelchair", "feature_id"]
    list_filter = ["kind", "wheelchair", "map__hall"]
    search_fields = ["feature_id"]


@admin.register(Connector)
class ConnectorAdmin(ReadOnlyAdmin):
    list_display = ["map", "kind", "name", "feature_id"]
    list_filter = ["kind", "map__hall"]
    search_fields = ["feature_id"]


@admin.register(Point)
class PointAdmin(ReadOnlyAdmin):
    list_display = ["map", "level", "kind", "counter", "device", "x", "y", "facing_deg", "feature_id"]
    list_filter = ["kind", "map__hall"]
    search_fields = ["feature_id"]
