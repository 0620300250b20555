"""Map version states and their one transition table; the kinds of space, opening, connector and point
(the values are those of ``plan``, which the graph code uses without Django)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from servicehall.core.transitions import Transitions


class MapStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


class MapAction(models.TextChoices):
    PUBLISH = "publish", _("Publish")
    RETIRE = "retire", _("Retire")
    DISCARD = "discard", _("Discard")


S, A = MapStatus, MapAction

# A draft is published (citizens see it) or discarded (a newer draft replaced it); a published map is
# retired when the next one is published. Retired versions are kept: the audit trail points at them.
TRANSITIONS = Transitions(
    status=MapStatus,
    action=MapAction,
    edges={
        (S.DRAFT, A.PUBLISH): S.PUBLISHED,
        (S.DRAFT, A.DISCARD): S.RETIRED,
        (S.PUBLISHED, A.RETIRE): S.RETIRED,
    },
    message=_("Map version %(number)s is %(status)s; it cannot be given the action “%(action)s”."),
    describe=lambda version: {"number": version.number},
)


class SpaceKind(models.TextChoices):
    ROOM = "room", _("Room")
    WALKWAY = "walkway", _("Corridor or walkway")
    WAITING = "waiting", _("Waiting area")
    STAIRS = "stairs", _("Stairs")
    LIFT = "lift", _("Lift")
    ESCALATOR = "escalator", _("Escalator")
    RAMP = "ramp", _("Ramp")
    TOILET = "toilet", _("Toilet")
    STAFF_ONLY = "staff_only", _("Staff only")
    UNWALKABLE = "unwalkable", _("Not walkable")


class OpeningKind(models.TextChoices):
    DOOR = "door", _("Door")
    OPEN = "open", _("Open passage")
    ENTRANCE = "entrance", _("Entrance")


class ConnectorKind(models.TextChoices):
    STAIRS = "stairs", _("Stairs")
    LIFT = "lift", _("Lift")
    ESCALATOR = "escalator", _("Escalator")
    RAMP = "ramp", _("Ramp")


class PointKind(models.TextChoices):
    COUNTER = "counter", _("Counter (window)")
    KIOSK = "kiosk", _("Kiosk")
    ENTRANCE = "entrance", _("Entrance")
    TOILET = "toilet", _("Toilet")
    WAITING = "waiting", _("Waiting area")
    RATING_PAD = "rating_pad", _("Rating pad")
    INFO_DESK = "info_desk", _("Information desk")
    AMENITY = "amenity", _("Amenity")
    LANDMARK = "landmark", _("Landmark")


class MapSource(models.TextChoices):
    IMDF = "imdf", _("IMDF import")
    EDITOR = "editor", _("Plan editor")
    DEMO = "demo", _("Demo plan")
