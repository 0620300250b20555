"""Plans written for the tests (pure data, no database): three levels, stairs near the entrance and a lift
far from it, a staff-only room on the short way between two rooms, a top floor with stairs only."""

from servicehall.navigation.plan import Connector, Level, Opening, Plan, Point, Space


def rect(x0, y0, x1, y1):
    return ((x0, y0), (x1, y0), (x1, y1), (x0, y1))


def names(hans, hant, en):
    return {"zh-hans": hans, "zh-hant": hant, "en": en}


def two_level_plan() -> Plan:
    levels = [
        Level(0, names("1楼", "1樓", "1F"), feature_id="lv0"),
        Level(1, names("2楼", "2樓", "2F"), feature_id="lv1"),
        Level(2, names("3楼", "3樓", "3F"), feature_id="lv2"),
    ]
    spaces = [
        # ground floor: a corridor, the stairs (west), the lift (east), a staff room between the corridor
        # and the waiting room, and the public way round by an east walkway
        Space("corr0", 0, "walkway", rect(0, 0, 40, 6), names("大厅", "大廳", "the hall")),
        Space("stairs0", 0, "stairs", rect(2, 6, 6, 10)),
        Space("lift0", 0, "lift", rect(34, 6, 37, 9)),
        Space("staff0", 0, "staff_only", rect(10, -10, 30, 0), names("后台", "後台", "back office")),
        Space("wait0", 0, "waiting", rect(0, -20, 40, -10), names("等候区", "等候區", "waiting area")),
        Space("east0", 0, "walkway", rect(40, -20, 46, 6)),
        # first floor
        Space("corr1", 1, "walkway", rect(0, 0, 40, 6)),
        Space("stairs1", 1, "stairs", rect(2, 6, 6, 10)),
        Space("lift1", 1, "lift", rect(34, 6, 37, 9)),
        # second floor: stairs only
        Space("corr2", 2, "walkway", rect(0, 0, 40, 6)),
        Space("stairs2", 2, "stairs", rect(2, 6, 6, 10)),
    ]
    openings = [
        Opening(
            "entr", 0, ((0, 2), (0, 4)), "entrance", 2.0, True, names("正门", "正門", "the main entrance")
        ),
        Opening("d-st0", 0, ((3, 6), (5, 6))),
        Opening("d-li0", 0, ((35, 6), (36, 6))),
        Opening("d-staff-n", 0, ((19, 0), (21, 0))),
        Opening("d-staff-s", 0, ((19, -10), (21, -10))),
        Opening("d-east-n", 0, ((40, 2), (40, 4))),
        Opening("d-east-s", 0, ((40, -16), (40, -14))),
        Opening("d-st1", 1, ((3, 6), (5, 6))),
        Opening("d-li1", 1, ((35, 6), (36, 6))),
        Opening("d-st2", 2, ((3, 6), (5, 6))),
    ]
    connectors = [
        Connector("stairs", "stairs", ("stairs0", "stairs1", "stairs2"), names("楼梯", "樓梯", "stairs")),
        Connector("lift", "lift", ("lift0", "lift1"), names("电梯", "電梯", "lift")),
    ]
    points = [
        Point("c1", 0, "counter", 20, 5.9, -90, ref="counter:1"),
        Point("c2", 0, "counter", 20, -19.9, 90, ref="counter:2"),
        Point("c9", 1, "counter", 10, 0.1, 90, ref="counter:9"),
        Point("c12", 2, "counter", 10, 0.1, 90, ref="counter:12"),
        Point(
            "k1", 0, "kiosk", 8, 1, 0, names("自助服务区", "自助服務區", "the self-service area"), "kiosk:1"
        ),
    ]
    return Plan(levels, spaces, openings, connectors, points)
