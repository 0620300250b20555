"""A hall's floor plan, in versions: a manager edits a draft and publishes it; citizens always see the
published one. Geometry is stored in metres in the hall's local plane (x east, y north) about the
version's reference point (``ref_lon``, ``ref_lat``); the API speaks WGS84. Every feature keeps its
``feature_id`` (an imported IMDF feature keeps its UUID), which routes and exports name it by.

The rows are what a plan editor edits one by one (a space's polygon, a counter's position and facing);
``selectors.plan_of`` turns a version into the plain ``plan.Plan`` the routing graph is built from.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from servicehall.core.models import Counter, Device, Hall
from servicehall.navigation.choices import (
    ConnectorKind,
    MapSource,
    MapStatus,
    OpeningKind,
    PointKind,
    SpaceKind,
)


def new_feature_id() -> str:
    return str(uuid.uuid4())


class MapVersion(models.Model):
    """One version of a hall's map. At most one draft and one published version per hall."""

    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="map_versions")
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=12, choices=MapStatus, default=MapStatus.DRAFT)
    source = models.CharField(_("source"), max_length=12, choices=MapSource, default=MapSource.EDITOR)
    ref_lon = models.FloatField(_("reference longitude"), help_text=_("Where the plan's (0, 0) is."))
    ref_lat = models.FloatField(_("reference latitude"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)
    warnings = models.JSONField(_("warnings"), default=list, blank=True)

    class Meta:
        verbose_name = _("map version")
        verbose_name_plural = _("map versions")
        constraints = [
            models.UniqueConstraint(fields=["hall", "number"], name="nav_map_number_unique"),
            models.UniqueConstraint(
                fields=["hall"], condition=Q(status="published"), name="nav_one_published_map"
            ),
            models.UniqueConstraint(fields=["hall"], condition=Q(status="draft"), name="nav_one_draft_map"),
        ]

    def __str__(self):
        return f"{self.hall.code} map v{self.number} ({self.status})"


class Level(models.Model):
    """A floor of the map, named by its ordinal (0 = ground floor, as IMDF) and a short name per
    language ("1F", "一楼")."""

    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="+")
    map = models.ForeignKey(MapVersion, on_delete=models.CASCADE, related_name="levels")
    feature_id = models.CharField(_("feature id"), max_length=64, default=new_feature_id)
    ordinal = models.SmallIntegerField(_("ordinal"))
    short_name = models.JSONField(_("short name"), default=dict)
    name = models.JSONField(_("name"), default=dict, blank=True)

    class Meta:
        verbose_name = _("level")
        verbose_name_plural = _("levels")
        ordering = ["map", "ordinal"]
        constraints = [
            models.UniqueConstraint(fields=["map", "ordinal"], name="nav_level_ordinal_unique"),
            models.UniqueConstraint(fields=["map", "feature_id"], name="nav_level_feature_unique"),
        ]

    def __str__(self):
        return f"L{self.ordinal}"


class Space(models.Model):
    """A room, corridor, waiting area, stair or lift shaft, toilet, staff-only or unwalkable area: a
    polygon in metres (exterior ring as ``[[x, y], ...]``)."""

    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="+")
    map = models.ForeignKey(MapVersion, on_delete=models.CASCADE, related_name="spaces")
    level = models.ForeignKey(Level, on_delete=models.CASCADE, related_name="spaces")
    feature_id = models.CharField(_("feature id"), max_length=64, default=new_feature_id)
    kind = models.CharField(_("kind"), max_length=12, choices=SpaceKind)
    polygon = models.JSONField(_("polygon (metres)"))
    name = models.JSONField(_("name"), default=dict, blank=True)

    class Meta:
        verbose_name = _("space")
        verbose_name_plural = _("spaces")
        constraints = [models.UniqueConstraint(fields=["map", "feature_id"], name="nav_space_feature_unique")]

    def __str__(self):
        return f"{self.kind} {self.feature_id}"


class Opening(models.Model):
    """A door or an open passage: a line on the boundary of the spaces it joins; an entrance is one on
    the building's outside. ``wheelchair`` is false for a door a wheelchair cannot pass."""

    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="+")
    map = models.ForeignKey(MapVersion, on_delete=models.CASCADE, related_name="openings")
    level = models.ForeignKey(Level, on_delete=models.CASCADE, related_name="openings")
    feature_id = models.CharField(_("feature id"), max_length=64, default=new_feature_id)
    kind = models.CharField(_("kind"), max_length=10, choices=OpeningKind, default=OpeningKind.DOOR)
    line = models.JSONField(_("line (metres)"))
    width_m = models.FloatField(_("width (m)"), default=1.0)
    wheelchair = models.BooleanField(_("a wheelchair passes"), default=True)
    name = models.JSONField(_("name"), default=dict, blank=True)

    class Meta:
        verbose_name = _("opening")
        verbose_name_plural = _("openings")
        constraints = [
            models.UniqueConstraint(fields=["map", "feature_id"], name="nav_opening_feature_unique")
        ]

    def __str__(self):
        return f"{self.kind} {self.feature_id}"


class Connector(models.Model):
    """Stairs, a lift, an escalator or a ramp joining its spaces on consecutive levels (the shaft on each
    floor). Lifts and ramps are step-free."""

    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="+")
    map = models.ForeignKey(MapVersion, on_delete=models.CASCADE, related_name="connectors")
    feature_id = models.CharField(_("feature id"), max_length=64, default=new_feature_id)
    kind = models.CharField(_("kind"), max_length=10, choices=ConnectorKind)
    spaces = models.ManyToManyField(Space, related_name="connectors", verbose_name=_("spaces"))
    name = models.JSONField(_("name"), default=dict, blank=True)

    class Meta:
        verbose_name = _("vertical connector")
        verbose_name_plural = _("vertical connectors")
        constraints = [
            models.UniqueConstraint(fields=["map", "feature_id"], name="nav_connector_feature_unique")
        ]

    def __str__(self):
        return f"{self.kind} {self.feature_id}"


class Point(models.Model):
    """A counter (linked to the hall's ``Counter``), a kiosk (linked to its ``Device``), an entrance, a
    toilet, the information desk...: a position in metres and, for a kiosk or counter, the direction it
    faces (degrees, 0 = east, 90 = north), which the kiosk's map is turned by and the arrival side uses."""

    hall = models.ForeignKey(Hall, on_delete=models.CASCADE, related_name="+")
    map = models.ForeignKey(MapVersion, on_delete=models.CASCADE, related_name="points")
    level = models.ForeignKey(Level, on_delete=models.CASCADE, related_name="points")
    feature_id = models.CharField(_("feature id"), max_length=64, default=new_feature_id)
    kind = models.CharField(_("kind"), max_length=12, choices=PointKind)
    x = models.FloatField(_("x (m)"))
    y = models.FloatField(_("y (m)"))
    facing_deg = models.FloatField(_("facing (degrees)"), null=True, blank=True)
    name = models.JSONField(_("name"), default=dict, blank=True)
    counter = models.ForeignKey(
        Counter, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("counter")
    )
    device = models.ForeignKey(
        Device, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("device")
    )

    class Meta:
        verbose_name = _("point")
        verbose_name_plural = _("points")
        constraints = [models.UniqueConstraint(fields=["map", "feature_id"], name="nav_point_feature_unique")]

    def __str__(self):
        return f"{self.kind} {self.feature_id}"
