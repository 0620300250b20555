"""IMDF archives written for the tests, feature by feature (not by the project's own exporter): a
two-level hall near 120.15 E 30.28 N with a walkway on each level, stairs and an elevator stacked and
joined by relationships, a staff-only room, an entrance, occupants named after counters and a kiosk."""

import io
import json
import math
import zipfile

LON0, LAT0 = 120.15, 30.28


def ll(x, y):
    return [
        LON0 + x / (6378137.0 * math.cos(math.radians(LAT0))) * 180 / math.pi,
        LAT0 + y / 6378137.0 * 180 / math.pi,
    ]


def poly(x0, y0, x1, y1):
    ring = [ll(x0, y0), ll(x1, y0), ll(x1, y1), ll(x0, y1), ll(x0, y0)]
    return {"type": "Polygon", "coordinates": [ring]}


def feature(fid, geometry, **props):
    return {"id": fid, "type": "Feature", "geometry": geometry, "properties": props}


U = {  # readable names for the UUIDs
    "L0": "11111111-0000-4000-8000-000000000000",
    "L1": "11111111-0000-4000-8000-000000000001",
    "walk0": "22222222-0000-4000-8000-000000000000",
    "walk1": "22222222-0000-4000-8000-000000000001",
    "stairs0": "33333333-0000-4000-8000-000000000000",
    "stairs1": "33333333-0000-4000-8000-000000000001",
    "lift0": "44444444-0000-4000-8000-000000000000",
    "lift1": "44444444-0000-4000-8000-000000000001",
    "office1": "55555555-0000-4000-8000-000000000001",
    "entrance": "66666666-0000-4000-8000-000000000000",
    "door-st0": "66666666-0000-4000-8000-000000000010",
    "door-st1": "66666666-0000-4000-8000-000000000011",
    "door-li0": "66666666-0000-4000-8000-000000000020",
    "door-li1": "66666666-0000-4000-8000-000000000021",
    "door-off": "66666666-0000-4000-8000-000000000031",
    "rel-st": "77777777-0000-4000-8000-000000000000",
    "rel-li": "77777777-0000-4000-8000-000000000001",
    "anc1": "88888888-0000-4000-8000-000000000001",
    "anc3": "88888888-0000-4000-8000-000000000003",
    "occ1": "99999999-0000-4000-8000-000000000001",
    "occ3": "99999999-0000-4000-8000-000000000003",
    "kiosk": "aaaaaaaa-0000-4000-8000-000000000000",
    "toilet": "bbbbbbbb-0000-4000-8000-000000000000",
}


def hall_files() -> dict[str, dict]:
    zh = {"zh-Hans": "大厅", "en": "Hall"}
    units = [
        feature(U["walk0"], poly(0, 0, 40, 6), category="walkway", level_id=U["L0"], name=zh),
        feature(U["stairs0"], poly(2, 6, 6, 10), category="stairs", level_id=U["L0"], name=None),
        feature(U["lift0"], poly(34, 6, 37, 9), category="elevator", level_id=U["L0"], name=None),
        feature(U["walk1"], poly(0, 0, 40, 6), category="walkway", level_id=U["L1"], name=None),
        feature(U["stairs1"], poly(2, 6, 6, 10), category="stairs", level_id=U["L1"], name=None),
        feature(U["lift1"], poly(34, 6, 37, 9), category="elevator", level_id=U["L1"], name=None),
        feature(
            U["office1"],
            poly(10, -8, 30, 0),
            category="office",
            restriction="employeesonly",
            level_id=U["L1"],
            name={"zh-Hans": "后台办公室"},
        ),
    ]
    line = lambda a, b: {"type": "LineString", "coordinates": [ll(*a), ll(*b)]}  # noqa: E731
    door = {"type": "hinged", "automatic": False}
    openings = [
        feature(
            U["entrance"],
            line((0, 2), (0, 4)),
            category="pedestrian.principal",
            door=door,
            level_id=U["L0"],
            name={"zh-Hans": "正门", "en": "Main entrance"},
        ),
        feature(U["door-st0"], line((3, 6), (5, 6)), category="pedestrian", door=door, level_id=U["L0"]),
        feature(U["door-li0"], line((35, 6), (36, 6)), category="pedestrian", door=None, level_id=U["L0"]),
        feature(U["door-st1"], line((3, 6), (5, 6)), category="pedestrian", door=door, level_id=U["L1"]),
        feature(U["door-li1"], line((35, 6), (36, 6)), category="pedestrian", door=None, level_id=U["L1"]),
        feature(U["door-off"], line((19, 0), (21, 0)), category="service", door=door, level_id=U["L1"]),
    ]

    def rel(fid, cat, a, b):
        return feature(
            fid,
            None,
            category=cat,
            direction="undirected",  # noqa: E731
            origin={"id": a, "feature_type": "unit"},
            intermediary=None,
            destination={"id": b, "feature_type": "unit"},
        )

    return {
        "manifest.json": {"version": "1.0.0", "created": "2026-12-01T00:00:00Z", "language": "zh-Hans"},
        "venue": {
            "type": "FeatureCollection",
            "features": [
                feature(
                    "venue",
                    None,
                    category="governmentfacility",
                    name={"zh-Hans": "测试中心"},
                    display_point={"type": "Point", "coordinates": [LON0, LAT0]},
                )
            ],
        },
        "level": {
            "type": "FeatureCollection",
            "features": [
                feature(
                    U["L0"],
                    poly(0, -8, 40, 10),
                    ordinal=0,
                    short_name={"zh-Hans": "1楼", "zh-Hant": "1樓", "en": "1F"},
                    name=None,
                    category="unspecified",
                    outdoor=False,
                ),
                feature(
                    U["L1"],
                    poly(0, -8, 40, 10),
                    ordinal=1,
                    short_name={"zh-Hans": "2楼", "zh-Hant": "2樓", "en": "2F"},
                    name=None,
                    category="unspecified",
                    outdoor=False,
                ),
            ],
        },
        "unit": {"type": "FeatureCollection", "features": units},
        "opening": {"type": "FeatureCollection", "features": openings},
        "relationship": {
            "type": "FeatureCollection",
            "features": [
                rel(U["rel-st"], "stairs", U["stairs0"], U["stairs1"]),
                rel(U["rel-li"], "elevator", U["lift0"], U["lift1"]),
            ],
        },
        "anchor": {
            "type": "FeatureCollection",
            "features": [
                feature(
                    U["anc1"],
                    {"type": "Point", "coordinates": ll(20, 5.9)},
                    unit_id=U["walk0"],
                    address_id=None,
                ),
                feature(
                    U["anc3"],
                    {"type": "Point", "coordinates": ll(15, 0.2)},
                    unit_id=U["walk1"],
                    address_id=None,
                ),
            ],
        },
        "occupant": {
            "type": "FeatureCollection",
            "features": [
                feature(
                    U["occ1"], None, name={"zh-Hans": "1号窗口"}, category="government", anchor_id=U["anc1"]
                ),
                feature(
                    U["occ3"],
                    None,
                    name={"zh-Hans": "社保窗口"},
                    category="government",
                    anchor_id=U["anc3"],
                    correlation_id="3",
                ),
            ],
        },
        "amenity": {
            "type": "FeatureCollection",
            "features": [
                feature(
                    U["toilet"],
                    {"type": "Point", "coordinates": ll(30, 1)},
                    category="restroom",
                    unit_ids=[U["walk0"]],
                    name={"zh-Hans": "卫生间", "en": "Toilets"},
                ),
            ],
        },
        "kiosk": {
            "type": "FeatureCollection",
            "features": [
                feature(
                    U["kiosk"],
                    poly(8, 1, 8.6, 1.6),
                    name={"zh-Hans": "自助机"},
                    correlation_id="入口自助机",
                    level_id=U["L0"],
                    anchor_id=None,
                ),
            ],
        },
    }


def archive(files: dict[str, dict] | None = None) -> bytes:
    files = hall_files() if files is None else files
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name, doc in files.items():
            z.writestr(
                name if name.endswith(".json") else f"{name}.geojson", json.dumps(doc, ensure_ascii=False)
            )
    return buffer.getvalue()
