"""The plan editor's services: a hall manager draws a one-floor hall from nothing (a hall, a room with
a door, an entrance, the windows), each edit audited; refused input (a crossing outline, a window in no
space, a NUL, a huge or not-a-number value) changes nothing; a clerk is refused; deleting the room's only
door makes the publishing check list the windows as unreachable and publishing is refused."""

import pytest
from django.utils import translation

from servicehall.core.actors import Actor
from servicehall.core.errors import Conflict, Invalid, PermissionDenied
from servicehall.core.models import AuditEntry
from servicehall.navigation import services, services_editor
from servicehall.navigation.models import MapVersion, Opening, Point, Space

pytestmark = pytest.mark.django_db


def rect(x0, y0, x1, y1):
    return [[x0, y0], [x1, y0], [x1, y1], [x0, y1]]


@pytest.fixture
def manager(staff):
    return Actor(user=staff["manager_a"])


@pytest.fixture
def drawn(manager, hall_a):
    """A hall (20 x 10 m) with an entrance on its west wall and a room (10 x 10 m) east of it through
    one door; windows 1–3 in the room."""
    ed = services_editor
    draft = ed.map_draft_start(actor=manager, hall=hall_a)
    ed.space_save(actor=manager, hall=hall_a, level=0, kind="walkway", polygon_m=rect(0, 0, 20, 10))
    room = ed.space_save(actor=manager, hall=hall_a, level=0, kind="room", polygon_m=rect(20, 0, 30, 10))
    ed.opening_save(actor=manager, hall=hall_a, level=0, kind="entrance", line_m=[[0, 4], [0, 6]])
    door = ed.opening_save(actor=manager, hall=hall_a, level=0, line_m="20,4; 20,6", width_m="1.2")
    for i, n in enumerate(("1", "2", "3")):
        ed.point_save(
            actor=manager, hall=hall_a, level=0, kind="counter", x=22 + 3 * i, y=8, facing_deg=270,
            counter_number=n,
        )  # fmt: skip
    return {"draft": draft, "room": room, "door": door}


def test_a_manager_draws_a_hall_from_nothing_and_publishes_it_every_edit_audited(drawn, manager, hall_a):
    actions = list(AuditEntry.objects.filter(hall=hall_a).values_list("action", flat=True))
    assert actions.count("navigation.space_save") == 2
    assert actions.count("navigation.opening_save") == 2
    assert actions.count("navigation.point_save") == 3
    errors, warnings = services.map_check(version=drawn["draft"])
    assert errors == [] and warnings == []
    version = services.map_publish(actor=manager, version=drawn["draft"])
    assert version.status == "published"
    # moving window 2 is recorded with where it was and where it is
    p = Point.objects.get(map=version, counter__number="2")
    services_editor.map_draft_start(actor=manager, hall=hall_a)
    draft = MapVersion.objects.get(hall=hall_a, status="draft")
    moved = services_editor.point_save(
        actor=manager, hall=hall_a, level=0, kind="counter", x="26.5", y="2", facing_deg="90",
        counter_number="2", feature_id=p.feature_id,
    )  # fmt: skip
    assert (moved.map_id, moved.x, moved.y, moved.facing_deg) == (draft.pk, 26.5, 2.0, 90.0)
    entry = AuditEntry.objects.filter(action="navigation.point_save").latest("pk")
    assert entry.before["x"] == 25.0 and entry.after["x"] == 26.5
    assert Point.objects.get(map=version, counter__number="2").x == 25.0  # citizens' map unchanged


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (
            {"fn": "space_save", "polygon_m": [[0, 0], [10, 10], [10, 0], [0, 10]]},
            "polygon",
        ),  # crosses itself
        ({"fn": "space_save", "polygon_m": [[0, 0], [1e12, 0], [0, 5]]}, "polygon"),
        ({"fn": "space_save", "polygon_m": "0,0; nan,0; 0,5"}, "polygon"),
        ({"fn": "space_save", "polygon_m": "0,0; 5\x00,0; 0,5"}, "polygon"),
        ({"fn": "point_save", "x": 50, "y": 50}, "x"),  # in no space
        ({"fn": "point_save", "x": "inf", "y": 5}, "x"),
        ({"fn": "point_save", "x": 5, "y": 5, "kind": "counter", "counter_number": "99"}, "counter"),
        (
            {"fn": "point_save", "x": 5, "y": 5, "kind": "counter", "counter_number": "1"},
            "counter",
        ),  # placed already
        ({"fn": "opening_save", "line_m": [[3, 3]]}, "line"),
        ({"fn": "opening_save", "line_m": [[0, 4], [0, 6]], "width_m": "1e300"}, "width_m"),
        ({"fn": "space_save", "polygon_m": rect(0, 0, 2, 2), "name": {"en": "x\x00"}}, "name"),
    ],
)
def test_refused_input_names_the_field_and_changes_nothing(drawn, manager, hall_a, call, field):
    call = dict(call)
    fn = getattr(services_editor, call.pop("fn"))
    defaults = {
        "space_save": {"kind": "room", "level": 0},
        "point_save": {"kind": "kiosk", "level": 0},
        "opening_save": {"level": 0},
    }[fn.__name__]
    before = (Space.objects.count(), Opening.objects.count(), list(Point.objects.values_list("x", "y")))
    audits = AuditEntry.objects.count()
    with pytest.raises(Invalid) as err:
        fn(actor=manager, hall=hall_a, **{**defaults, **call})
    assert field in err.value.fields, err.value.fields
    assert before == (
        Space.objects.count(),
        Opening.objects.count(),
        list(Point.objects.values_list("x", "y")),
    )
    assert AuditEntry.objects.count() == audits


def test_a_clerk_or_another_halls_manager_may_not_edit(drawn, staff, hall_a):
    for name in ("clerk_a", "manager_b"):
        with pytest.raises(PermissionDenied):
            services_editor.space_save(
                actor=Actor(user=staff[name]), hall=hall_a, level=0, kind="room", polygon_m=rect(0, 0, 3, 3)
            )
    assert Space.objects.count() == 2


def test_editing_without_a_draft_is_a_conflict(manager, hall_a):
    with pytest.raises(Conflict):
        services_editor.space_save(
            actor=manager, hall=hall_a, level=0, kind="room", polygon_m=rect(0, 0, 3, 3)
        )


def test_deleting_the_rooms_only_door_blocks_publishing(drawn, manager, hall_a):
    services_editor.feature_delete(
        actor=manager, hall=hall_a, what="opening", feature_id=drawn["door"].feature_id
    )
    assert AuditEntry.objects.filter(action="navigation.opening_delete").count() == 1
    with translation.override("en"):
        errors, _warnings = services.map_check(version=drawn["draft"])
    assert "Window 1 on 1F cannot be reached from the entrance." in errors, errors
    with pytest.raises(Invalid):
        services.map_publish(actor=manager, version=drawn["draft"])
    assert not MapVersion.objects.filter(hall=hall_a, status="published").exists()


def test_a_second_floor_a_lift_and_a_level_deleted_with_what_was_on_it(drawn, manager, hall_a):
    ed = services_editor
    ed.level_save(actor=manager, hall=hall_a, ordinal=1, short_name={"en": "2F"})
    shaft0 = ed.space_save(actor=manager, hall=hall_a, level=0, kind="lift", polygon_m=rect(0, 10, 3, 13))
    hall1 = ed.space_save(actor=manager, hall=hall_a, level=1, kind="walkway", polygon_m=rect(0, 0, 20, 10))
    shaft1 = ed.space_save(actor=manager, hall=hall_a, level=1, kind="lift", polygon_m=rect(0, 10, 3, 13))
    lift = ed.connector_save(
        actor=manager, hall=hall_a, kind="lift", space_ids=[shaft0.feature_id, shaft1.feature_id]
    )
    assert lift.spaces.count() == 2
    with pytest.raises(Invalid):
        ed.level_save(actor=manager, hall=hall_a, ordinal=0)  # the ground floor exists
    with pytest.raises(Invalid):
        ed.connector_save(
            actor=manager, hall=hall_a, kind="lift", space_ids=[shaft0.feature_id, drawn["room"].feature_id]
        )
    level1 = hall1.level
    ed.level_delete(actor=manager, hall=hall_a, feature_id=level1.feature_id)
    assert not Space.objects.filter(pk__in=[hall1.pk, shaft1.pk]).exists()
    assert not type(lift).objects.filter(pk=lift.pk).exists()  # a lift to nowhere goes too
    assert AuditEntry.objects.filter(action="navigation.level_delete").count() == 1
