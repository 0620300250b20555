"""The map API through HTTP: an IMDF archive put by a hall manager and published, the map read back in
WGS84, routes with their steps, every broken archive refused whole with its problems by file and feature
id, the export and the round trip."""

import copy
import io
import json
import zipfile

import pytest

from servicehall.core.models import AuditEntry, Device
from servicehall.navigation.imdf import imdf_import
from servicehall.navigation.models import MapVersion, Point
from tests.navigation.imdf_files import LAT0, LON0, U, archive, hall_files

pytestmark = pytest.mark.django_db


def put(api, hall, data, query=""):
    return api.call("PUT", f"halls/{hall.code}/map{query}", content_type="application/zip", raw=data)


@pytest.fixture
def published(api_as, hall_a, kiosk_token):
    status, body = put(api_as("manager_a"), hall_a, archive())
    assert status == 200, body
    return body


def test_a_manager_puts_an_archive_and_it_is_published_with_its_counts_and_warnings(published, hall_a):
    assert published["status"] == "published"
    assert published["counts"] == {"levels": 2, "spaces": 7, "openings": 6, "connectors": 2, "points": 4}
    assert published["errors"] == []
    # counter 2 exists in the hall but is nowhere on the plan
    assert any("2" in w for w in published["warnings"]), published["warnings"]
    points = {p.feature_id: p for p in Point.objects.filter(map__hall=hall_a)}
    assert points[U["occ1"]].counter.number == "1"  # by its name "1号窗口"
    assert points[U["occ3"]].counter.number == "3"  # by its correlation id
    assert points[U["kiosk"]].device == Device.objects.get(name="入口自助机")
    assert AuditEntry.objects.filter(action="navigation.map_publish", hall=hall_a).count() == 1


def test_the_map_is_read_back_per_level_in_wgs84(published, api_as, hall_a):
    status, body = api_as(None).call("GET", f"halls/{hall_a.code}/map")
    assert status == 200
    assert [lv["ordinal"] for lv in body["levels"]] == [0, 1]
    feats = body["levels"][0]["features"]["features"]
    walk = next(f for f in feats if f["id"] == U["walk0"])
    lon, lat = walk["geometry"]["coordinates"][0][0]
    assert abs(lon - LON0) < 1e-7 and abs(lat - LAT0) < 1e-7
    office = next(f for f in body["levels"][1]["features"]["features"] if f["id"] == U["office1"])
    assert office["properties"]["kind"] == "staff_only"


def test_a_route_across_floors_names_the_floor_and_its_legs_are_lon_lat(published, api_as, hall_a):
    api = api_as(None)
    status, body = api.call("GET", f"halls/{hall_a.code}/route?from=entrance&to=counter:3&lang=en")
    assert status == 200, body
    assert body["levels"] == [0, 1]
    assert "Take the stairs up to 2F" in [s["text"] for s in body["steps"]]
    assert body["legs"][0]["level"] == 0
    lon, lat = body["legs"][0]["coordinates"][0]
    assert abs(lon - LON0) < 0.001 and abs(lat - LAT0) < 0.001
    status, free = api.call("GET", f"halls/{hall_a.code}/route?from=entrance&to=counter:3&step_free=true")
    assert status == 200
    assert "乘电梯到 2楼" in [s["text"] for s in free["steps"]]
    assert free["duration_s"] > body["duration_s"]
    kiosk = Device.objects.get(name="入口自助机")
    status, body = api.call(
        "GET", f"halls/{hall_a.code}/route?from=kiosk:{kiosk.pk}&to={U['toilet']}&lang=zh-hant"
    )
    assert status == 200
    assert body["steps"][-1]["kind"] == "arrive"


def test_unknown_places_and_no_route_are_404_with_a_reason(published, api_as, hall_a):
    api = api_as(None)
    status, body = api.call("GET", f"halls/{hall_a.code}/route?from=entrance&to=counter:2")
    assert (status, body["error"]) == (404, "not_found")
    status, body = api.call("GET", f"halls/{hall_a.code}/route?from=entrance&to={U['office1']}")
    assert (status, body.get("error")) == (404, "no_route"), body
    assert body["message"]
    status, body = api.call("GET", f"halls/{hall_a.code}/route?from=entrance&to=counter:1&lang=xx")
    assert status == 422


def test_no_step_free_route_says_why(api_as, hall_a):
    files = hall_files()
    files["relationship"]["features"] = files["relationship"]["features"][:1]  # stairs only
    files["unit"]["features"] = [
        f for f in files["unit"]["features"] if f["id"] not in (U["lift0"], U["lift1"])
    ]
    files["opening"]["features"] = [
        f for f in files["opening"]["features"] if "door-li" not in _name(f["id"])
    ]
    status, body = put(api_as("manager_a"), hall_a, archive(files))
    assert status == 200, body
    assert any("3" in w and "2楼" in w for w in body["warnings"]), body["warnings"]
    status, body = api_as(None, "en").call(
        "GET", f"halls/{hall_a.code}/route?from=entrance&to=counter:3&step_free=1&lang=en"
    )
    assert (status, body.get("error")) == (404, "no_route"), body
    assert "2F" in body["message"] and "stairs" in body["message"]


def _name(uuid):
    return next(k for k, v in U.items() if v == uuid)


def test_only_a_manager_or_an_admin_of_the_hall_puts_a_map(api_as, hall_a, hall_b):
    for caller, expected in (("clerk_a", 403), ("manager_b", 403), (None, 401)):
        assert put(api_as(caller), hall_a, archive())[0] == expected
    assert not MapVersion.objects.exists()
    assert put(api_as("admin"), hall_a, archive())[0] == 200


def _broken_cases():
    def unit_on_missing_level(files):
        files["unit"]["features"][0]["properties"]["level_id"] = "no-such-level"

    def opening_on_no_unit(files):
        files["opening"]["features"][1]["geometry"]["coordinates"] = [[120.2, 30.3], [120.2001, 30.3]]

    def unknown_category(files):
        files["unit"]["features"][1]["properties"]["category"] = "spaceship"

    def relationship_to_nothing(files):
        files["relationship"]["features"][0]["properties"]["destination"]["id"] = "gone"

    return {
        "unit_on_missing_level": (unit_on_missing_level, "unit.geojson#" + U["walk0"]),
        "opening_on_no_unit": (opening_on_no_unit, "opening.geojson#" + U["door-st0"]),
        "unknown_category": (unknown_category, "unit.geojson#" + U["stairs0"]),
        "relationship_to_nothing": (relationship_to_nothing, "relationship.geojson#" + U["rel-st"]),
    }


@pytest.mark.parametrize("case", list(_broken_cases()))
def test_a_broken_archive_is_422_with_every_problem_and_changes_nothing(case, published, api_as, hall_a):
    before = MapVersion.objects.get(hall=hall_a, status="published")
    files = copy.deepcopy(hall_files())
    breaker, key = _broken_cases()[case]
    breaker(files)
    status, body = put(api_as("manager_a"), hall_a, archive(files))
    assert status == 422, body
    assert body["error"] == "invalid_imdf"
    assert key in body["fields"], body["fields"]
    assert list(MapVersion.objects.filter(hall=hall_a).values_list("pk", "status")) == [
        (before.pk, "published")
    ]


def test_several_problems_are_all_listed(api_as, hall_a):
    files = hall_files()
    files["unit"]["features"][0]["properties"]["level_id"] = "nope"
    files["unit"]["features"][1]["properties"]["category"] = "spaceship"
    status, body = put(api_as("manager_a"), hall_a, archive(files))
    assert status == 422
    assert {"unit.geojson#" + U["walk0"], "unit.geojson#" + U["stairs0"]} <= set(body["fields"])


@pytest.mark.parametrize(
    "data", [b"not a zip", b"", archive({"unit": {"type": "FeatureCollection", "features": []}})]
)
def test_a_file_that_is_not_imdf_is_422(data, api_as, hall_a):
    status, body = put(api_as("manager_a"), hall_a, data)
    assert status == 422
    assert body["fields"]
    assert not MapVersion.objects.exists()


def test_publish_false_keeps_a_draft_that_citizens_do_not_see(api_as, hall_a):
    status, body = put(api_as("manager_a"), hall_a, archive(), "?publish=false")
    assert (status, body["status"]) == (200, "draft")
    status, body = api_as(None).call("GET", f"halls/{hall_a.code}/map")
    assert (status, body["error"]) == (404, "no_map")


def test_export_then_import_gives_the_same_map(published, api_as, hall_a):
    status, data = api_as(None).call("GET", f"halls/{hall_a.code}/map.imdf")
    assert status == 200
    names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    assert {
        "manifest.json",
        "level.geojson",
        "unit.geojson",
        "opening.geojson",
        "relationship.geojson",
    } <= names
    counters, kiosks = {"1", "2", "3"}, {"入口自助机": Device.objects.get(name="入口自助机").pk}
    first = imdf_import(archive(), counters=counters, kiosks=kiosks)
    again = imdf_import(data, counters=counters, kiosks=kiosks)
    assert again.problems == []

    def key(plan):
        return (
            sorted((lv.ordinal, json.dumps(lv.short_name, sort_keys=True)) for lv in plan.levels),
            sorted(
                (s.feature_id, s.level, s.kind, tuple((round(x, 2), round(y, 2)) for x, y in s.polygon))
                for s in plan.spaces
            ),
            sorted((o.feature_id, o.level, o.kind, o.wheelchair) for o in plan.openings),
            sorted((c.feature_id, c.kind, c.space_ids) for c in plan.connectors),
            sorted((p.feature_id, p.level, p.kind, p.ref, round(p.x, 2), round(p.y, 2)) for p in plan.points),
        )

    assert key(again.plan) == key(first.plan)
    # and a second put of the export is accepted as it is
    status, body = put(api_as("manager_a"), hall_a, data)
    assert (status, body["counts"]) == (200, published["counts"])


ANCHOR = "cccccccc-0000-4000-8000-000000000001"


def test_a_window_nobody_can_reach_keeps_the_map_a_draft_with_the_error_named(api_as, hall_a):
    files = hall_files()
    room = "cccccccc-0000-4000-8000-000000000000"
    files["unit"]["features"].append(
        {
            "id": room,
            "type": "Feature",
            "geometry": _rect(0, -20, 10, -12),
            "properties": {"category": "room", "level_id": U["L0"], "name": {"zh-Hans": "封闭房间"}},
        }
    )
    files["anchor"]["features"].append(
        {
            "id": ANCHOR,
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": _ll(5, -16)},
            "properties": {"unit_id": room},
        }
    )
    files["occupant"]["features"].append(
        {
            "id": "cccccccc-0000-4000-8000-000000000002",
            "type": "Feature",
            "geometry": None,
            "properties": {
                "name": {"zh-Hans": "2号窗口"},
                "anchor_id": "cccccccc-0000-4000-8000-000000000001",
            },
        }
    )
    status, body = put(api_as("manager_a", "en"), hall_a, archive(files))
    assert (status, body["status"]) == (200, "draft")
    assert any("Window 2" in e and "cannot be reached" in e for e in body["errors"]), body["errors"]
    status, body = api_as(None).call("GET", f"halls/{hall_a.code}/map")
    assert (status, body["error"]) == (404, "no_map")
    from servicehall.core.actors import Actor
    from servicehall.core.errors import Invalid
    from servicehall.navigation.services import map_publish

    draft = MapVersion.objects.get(hall=hall_a, status="draft")
    with pytest.raises(Invalid) as err:
        map_publish(actor=Actor(user=draft.created_by), version=draft)
    assert err.value.code == "map_check_failed"
    assert not MapVersion.objects.filter(hall=hall_a, status="published").exists()


def _rect(x0, y0, x1, y1):
    from tests.navigation.imdf_files import poly

    return poly(x0, y0, x1, y1)


def _ll(x, y):
    from tests.navigation.imdf_files import ll

    return ll(x, y)


@pytest.mark.parametrize("caller", [None, "clerk_b", "manager_b", "evaluator_a"])
def test_the_published_map_its_export_and_routes_are_public(published, api_as, hall_a, caller):
    api = api_as(caller)
    for path in ("map", "map.imdf", "route?from=entrance&to=counter:1"):
        assert api.call("GET", f"halls/{hall_a.code}/{path}")[0] == 200, path


def test_the_predicted_walk_to_a_window_is_longer_upstairs(published, hall_a):
    from servicehall.navigation.selectors import walk_seconds

    ground, upstairs = (
        walk_seconds(hall=hall_a, counter_number="1"),
        walk_seconds(hall=hall_a, counter_number="3"),
    )
    assert 0 < ground < upstairs
    assert walk_seconds(hall=hall_a, counter_number="3", step_free=True) > upstairs
    assert walk_seconds(hall=hall_a, counter_number="2") is None  # not on the map


def test_a_slower_walking_speed_gives_a_longer_walking_time(published, api_as, hall_a):
    api = api_as(None)
    base = f"halls/{hall_a.code}/route?from=entrance&to=counter:1"
    normal = api.call("GET", base)[1]
    slow = api.call("GET", base + "&speed_m_s=0.5")[1]
    assert slow["distance_m"] == normal["distance_m"]
    assert slow["duration_s"] > normal["duration_s"] * 2
    assert api.call("GET", base + "&speed_m_s=0")[0] == 422


def test_an_archive_above_the_django_body_cap_is_read_and_one_above_20_mb_refused(api_as, hall_a):
    import random as rnd

    files = hall_files()
    # 3 MB of incompressible padding in the manifest: above Django's 2.5 MB body cap, under 20 MB
    files["manifest.json"]["padding"] = rnd.Random(1).randbytes(1_500_000).hex()
    data = archive(files)
    assert len(data) > 2.6 * 1024 * 1024
    status, body = put(api_as("manager_a"), hall_a, data)
    assert (status, body.get("status")) == (200, "published"), body
    status, body = put(api_as("manager_a"), hall_a, b"PK" + b"\0" * (21 * 1024 * 1024))
    assert status == 422
    assert body["fields"] == {"(archive)": [body["fields"]["(archive)"][0]]}
