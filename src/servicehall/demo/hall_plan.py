"""The demo hall's two-storey floor plan (plain data for ``navigation``): what a hall manager would draw
for 青山区政务服务中心. Ground floor: the main entrance, the self-service kiosks, the waiting area, windows
1–6 (the demo's ground-floor counters), the information desk, the toilets, the stairs and the lift.
First floor: windows 7–11 in the business service area, window 12 in the 公积金/婚姻 area, and a
staff-only back office. Metres, x east and y north, about ``REF_LON``/``REF_LAT``."""

import uuid

from servicehall.navigation.plan import Connector, Level, Opening, Plan, Point, Space

REF_LON, REF_LAT = 120.1551, 30.2741


def fid(name: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"servicehall-demo/{name}"))


def rect(x0, y0, x1, y1):
    return ((x0, y0), (x1, y0), (x1, y1), (x0, y1))


def n(hans: str, hant: str, en: str) -> dict[str, str]:
    return {"zh-hans": hans, "zh-hant": hant, "en": en}


def _core(level: int) -> tuple[list[Space], list[Opening]]:
    """The corridor, stairs and lift that both floors share the shape of."""
    spaces = [
        Space(
            fid(f"corridor{level}"),
            level,
            "walkway",
            rect(36, 8, 44, 24),
            n("东侧走廊", "東側走廊", "east corridor"),
        ),
        Space(fid(f"stairs{level}"), level, "stairs", rect(44, 16, 48, 24), n("楼梯", "樓梯", "stairs")),
        Space(fid(f"lift{level}"), level, "lift", rect(44, 8, 48, 12), n("电梯", "電梯", "lift")),
    ]
    openings = [
        Opening(fid(f"door-hall-corridor{level}"), level, ((36, 14), (36, 18)), "open", 4.0),
        Opening(fid(f"door-stairs{level}"), level, ((44, 18), (44, 20)), "door", 1.5),
        Opening(fid(f"door-lift{level}"), level, ((44, 9), (44, 11)), "door", 1.2),
    ]
    return spaces, openings


def demo_plan(kiosk_id: int | None) -> Plan:
    levels = [
        Level(
            0,
            n("1楼", "1樓", "1F"),
            n("一楼 综合办事大厅", "一樓 綜合辦事大廳", "Ground floor"),
            fid("level0"),
        ),
        Level(
            1,
            n("2楼", "2樓", "2F"),
            n("二楼 企业服务专区", "二樓 企業服務專區", "First floor"),
            fid("level1"),
        ),
    ]
    core0, doors0 = _core(0)
    core1, doors1 = _core(1)
    spaces = [
        Space(
            fid("hall0"), 0, "walkway", rect(0, 0, 36, 24), n("综合办事大厅", "綜合辦事大廳", "the main hall")
        ),
        Space(fid("toilets0"), 0, "toilet", rect(36, 0, 44, 8), n("卫生间", "衛生間", "toilets")),
        *core0,
        Space(
            fid("hall1"),
            1,
            "walkway",
            rect(0, 8, 36, 24),
            n("企业服务专区", "企業服務專區", "business services"),
        ),
        Space(
            fid("hpf1"),
            1,
            "room",
            rect(0, 0, 18, 8),
            n("公积金/婚姻登记区", "公積金/婚姻登記區", "housing fund and marriage"),
        ),
        Space(
            fid("office1"), 1, "staff_only", rect(18, 0, 36, 8), n("后台办公区", "後台辦公區", "back office")
        ),
        *core1,
    ]
    openings = [
        Opening(
            fid("entrance"),
            0,
            ((16, 0), (20, 0)),
            "entrance",
            4.0,
            True,
            n("正门", "正門", "the main entrance"),
        ),
        Opening(fid("door-toilets0"), 0, ((38, 8), (40, 8)), "door", 1.0),
        *doors0,
        Opening(fid("door-hpf1"), 1, ((8, 8), (10, 8)), "door", 1.2),
        Opening(
            fid("door-office1"),
            1,
            ((26, 8), (28, 8)),
            "door",
            1.0,
            True,
            n("员工通道", "員工通道", "staff door"),
        ),
        *doors1,
    ]
    connectors = [
        Connector(fid("stairs"), "stairs", (fid("stairs0"), fid("stairs1")), n("楼梯", "樓梯", "stairs")),
        Connector(fid("lift"), "lift", (fid("lift0"), fid("lift1")), n("电梯", "電梯", "lift")),
    ]
    points = [
        Point(fid(f"counter{i}"), 0, "counter", 2 + 4 * i, 23.8, -90, ref=f"counter:{i}") for i in range(1, 7)
    ]
    points += [
        Point(fid(f"counter{i}"), 1, "counter", 6 + 5 * (i - 7), 23.8, -90, ref=f"counter:{i}")
        for i in range(7, 12)
    ]
    points += [
        Point(fid("counter12"), 1, "counter", 9, 0.2, 90, ref="counter:12"),
        Point(
            fid("kiosk"),
            0,
            "kiosk",
            5,
            5,
            0,
            n("一楼入口自助机", "一樓入口自助機", "the entrance kiosk"),
            f"kiosk:{kiosk_id}" if kiosk_id else "",
        ),
        Point(
            fid("self-service"),
            0,
            "landmark",
            6,
            8,
            None,
            n("自助服务区", "自助服務區", "the self-service area"),
        ),
        Point(fid("waiting"), 0, "waiting", 18, 12, None, n("等候区", "等候區", "the waiting area")),
        Point(fid("info"), 0, "info_desk", 24, 4, 90, n("咨询台", "諮詢台", "the information desk")),
        Point(fid("toilet-point"), 0, "toilet", 40, 4, None, n("卫生间", "衛生間", "the toilets")),
        Point(
            fid("rating-pad-2"),
            0,
            "rating_pad",
            6.5,
            23.5,
            -90,
            n("2号窗口评价器", "2號窗口評價器", "rating pad"),
        ),
    ]
    return Plan(levels, spaces, openings, connectors, points)
