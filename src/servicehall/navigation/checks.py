"""The check a map passes before it is published. Pure: no Django (the texts are made in
``services.problem_text``). Errors block publishing; warnings are shown and recorded on the version.

Errors: a door that touches no space; a point in no space; with more than one level, a level that no
connector reaches; a counter that an entrance or a kiosk cannot reach. Warnings: a counter with no
step-free route from the entrances (named, with the level and what reaches it: "窗口 11 无无障碍路线：
二层仅有楼梯"), a counter of the hall that is not placed on the map, a map without an entrance.
"""

from dataclasses import dataclass, field

import networkx as nx

from servicehall.navigation.graph import NavGraph, connector_kinds_at
from servicehall.navigation.routing import entrance_keys


@dataclass
class Finding:
    severity: str  # "error" or "warning"
    code: str
    params: dict = field(default_factory=dict)


def check(g: NavGraph, *, hall_counters: list[str]) -> list[Finding]:
    out: list[Finding] = []
    plan = g.plan
    for o in plan.openings:
        if not g.opening_spaces.get(o.feature_id):
            out.append(Finding("error", "door_touches_nothing", {"id": o.feature_id, "level": o.level}))
    for p in plan.points:
        if p.feature_id not in g.space_of_point:
            out.append(
                Finding("error", "point_outside", {"id": p.feature_id, "ref": p.ref, "level": p.level})
            )
    if len(plan.levels) > 1:
        reached = {g.spaces[s].level for c in plan.connectors for s in c.space_ids if s in g.spaces}
        for lv in plan.levels:
            if lv.ordinal not in reached:
                out.append(Finding("error", "level_without_connector", {"level": lv.ordinal}))
    starts = entrance_keys(g)
    if not starts:
        out.append(Finding("warning", "no_entrance"))
    kiosks = [
        f"p:{p.feature_id}" for p in plan.points if p.kind == "kiosk" and f"p:{p.feature_id}" in g.nodes
    ]
    full = _components(g.full)
    free = _components(g.step_free)
    placed = set()
    for p in plan.points:
        if not p.ref.startswith("counter:") or f"p:{p.feature_id}" not in g.nodes:
            continue
        number = p.ref.split(":", 1)[1]
        placed.add(number)
        key = f"p:{p.feature_id}"
        cut_off = [s for s in starts + kiosks if full.get(s) != full.get(key) or key not in g.full]
        if cut_off:
            what = g.nodes[cut_off[0]]
            out.append(
                Finding(
                    "error", "counter_unreachable", {"counter": number, "from": what.ref, "level": p.level}
                )
            )
            continue
        if starts and not any(s in free and free.get(s) == free.get(key) for s in starts):
            kinds = connector_kinds_at(g, p.level)
            out.append(
                Finding(
                    "warning", "counter_not_step_free", {"counter": number, "level": p.level, "kinds": kinds}
                )
            )
    for number in hall_counters:
        if number not in placed:
            out.append(Finding("warning", "counter_not_placed", {"counter": number}))
    return out


def _components(graph: nx.Graph) -> dict[str, int]:
    out = {}
    for i, comp in enumerate(nx.connected_components(graph)):
        for key in comp:
            out[key] = i
    return out
