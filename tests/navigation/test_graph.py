"""The routing graph alone (no database): stairs against the lift, step-free routes that are honest about
stairs, staff-only rooms never crossed, turns by angle band, level changes that name the target floor."""

import dataclasses

import pytest

from servicehall.navigation import graph, routing
from servicehall.navigation.directions import about_m, turn_band
from tests.navigation.plans import two_level_plan


@pytest.fixture(scope="module")
def g():
    return graph.build(two_level_plan())


def test_the_default_route_takes_the_shorter_stairs(g):
    answer = routing.route(g, "entrance", "counter:9", lang="en")
    assert answer.levels == [0, 1]
    assert [s["kind"] for s in answer.steps].count("level") == 1
    assert "Take the stairs up to 2F" in [s["text"] for s in answer.steps]


def test_the_step_free_route_takes_the_lift_and_is_longer(g):
    stairs = routing.route(g, "entrance", "counter:9", lang="en")
    lift = routing.route(g, "entrance", "counter:9", step_free=True, lang="en")
    assert "Take the lift to 2F" in [s["text"] for s in lift.steps]
    assert not any("stairs" in s["text"] for s in lift.steps)
    assert lift.distance_m > stairs.distance_m
    assert lift.duration_s > stairs.duration_s
    assert lift.step_free is True


def test_a_level_with_stairs_only_has_no_step_free_route(g):
    assert routing.route(g, "entrance", "counter:12").levels == [0, 1, 2]
    with pytest.raises(graph.NoRoute) as err:
        routing.route(g, "entrance", "counter:12", step_free=True)
    assert err.value.reason == "no_step_free"
    assert err.value.level == 2
    assert err.value.kinds == ("stairs",)


def test_a_staff_only_room_is_never_crossed_even_when_it_is_the_short_way(g):
    answer = routing.route(g, "counter:1", "counter:2", lang="en")
    # were the back office public, the route would cut through it
    open_plan = two_level_plan()
    open_plan.spaces[3] = dataclasses.replace(open_plan.spaces[3], kind="room")
    through = routing.route(graph.build(open_plan), "counter:1", "counter:2", lang="en")
    assert through.distance_m < 30
    xs = [x for leg in answer.legs for x, _y in leg["coordinates"]]
    assert max(xs) >= 40  # went round by the east walkway
    assert answer.distance_m > 40  # the way through the back office would be about 26 m
    ids = {n.ref for n in graph.shortest(g, "p:c1", "p:c2", step_free=False).nodes}
    assert not ids & {"d-staff-n", "d-staff-s"}


def test_a_counter_inside_a_staff_only_room_is_no_route():
    plan = two_level_plan()
    plan.points.append(routing_point := plan.points[0].__class__("c7", 0, "counter", 20, -5, ref="counter:7"))
    g = graph.build(plan)
    assert routing_point.feature_id in g.space_of_point
    with pytest.raises(graph.NoRoute) as err:
        routing.route(g, "entrance", "counter:7")
    assert err.value.reason in {"not_connected", "staff_only"}


@pytest.mark.parametrize(
    ("angle", "band"),
    [
        (0, "straight"),
        (10.4, "straight"),
        (-10.6, "slight_right"),
        (11, "slight_left"),
        (44, "slight_left"),
        (45, "left"),
        (-90, "right"),
        (135, "left"),
        (136, "sharp_left"),
        (-159, "sharp_right"),
        (160, "uturn"),
        (-180, "uturn"),
    ],
)
def test_turns_are_classified_by_angle_band(angle, band):
    assert turn_band(angle) == band


def test_distances_are_rounded_to_about_five_metres():
    assert [about_m(d) for d in (1, 7.4, 7.6, 23, 101)] == [5, 5, 10, 25, 100]


def test_the_level_change_step_names_the_target_floor_in_every_language(g):
    texts = {
        lang: [s for s in routing.route(g, "kiosk:1", "counter:9", step_free=True, lang=lang).steps]
        for lang in ("zh-hans", "zh-hant", "en")
    }
    level_steps = {lang: [s for s in steps if s["kind"] == "level"] for lang, steps in texts.items()}
    assert level_steps["zh-hans"][0]["text"] == "乘电梯到 2楼"
    assert level_steps["zh-hant"][0]["text"] == "乘電梯到 2樓"
    assert level_steps["en"][0]["text"] == "Take the lift to 2F"
    assert all(steps[0]["level"] == 1 for steps in level_steps.values())


def test_a_ride_of_two_storeys_is_one_step_naming_the_last_floor(g):
    steps = routing.route(g, "entrance", "counter:12", lang="zh-hans").steps
    assert [s["text"] for s in steps if s["kind"] == "level"] == ["走楼梯上到 3楼"]


def test_turns_landmarks_and_the_arrival_side_read_as_directions(g):
    steps = routing.route(g, "entrance", "counter:1", lang="en").steps
    texts = [s["text"] for s in steps]
    assert texts[0].startswith("Start at the main entrance")
    assert texts[-1] == "Window 1 is on your left"
    # the counter is on the north wall: walking east it is on the left; walking west on the right
    back = routing.route(g, "d-east-n", "counter:1", lang="zh-hans").steps
    assert back[-1]["text"] == "1 号窗口在您右侧"
    assert all("东" not in s["text"] and "north" not in s["text"] for s in steps + back)


def test_a_turn_near_a_landmark_names_it(g):
    steps = routing.route(g, "kiosk:1", "counter:9", lang="zh-hans").steps
    assert steps[0]["text"].startswith("从自助服务区出发")
    lift = routing.route(g, "entrance", "counter:9", step_free=True, lang="zh-hans").steps
    assert lift[1]["text"] == "经过自助服务区后左转"
    # a landmark behind the walker is not one they pass
    back = routing.route(g, "counter:1", "counter:2", lang="en").steps
    assert not any("self-service" in s["text"] for s in back)


def test_an_unknown_reference_is_reported(g):
    with pytest.raises(routing.UnknownRef):
        routing.route(g, "entrance", "counter:99")


def test_a_route_to_a_room_or_a_door_arrives_there_by_its_name(g):
    to_room = routing.route(g, "entrance", "wait0", lang="en").steps
    assert to_room[-1]["text"] == "You have arrived at waiting area"
    to_door = routing.route(g, "entrance", "d-st2", lang="zh-hans").steps
    assert to_door[-1]["text"] == "到达门口"
