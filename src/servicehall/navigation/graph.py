"""The routing graph of a published map, and the shortest routes on it. Pure Python (shapely for the
geometry, networkx for the paths); no Django, so the graph tests and the bench run without a database.

The graph is a **door-to-door graph**, not a walk grid: its nodes are the middle of every opening
(door), every point (a counter's standing spot, a kiosk, an entrance), and one node per space of a
vertical connector (the lift or the stairs on that level). Inside each walkable space every node is joined
to every other in a straight line, weighted by its length; a line that leaves a non-convex space goes
through the space's own middle node instead. Between levels a connector joins its spaces on consecutive
levels with a fixed cost (climbing a storey of stairs, waiting for a lift). Why: a service hall is a few
dozen large rooms and corridors, so this graph stays small (a 5-level hall with 200 counters is ~2,000
nodes), routes along it are the lines people walk (door to door, counter to counter), and it is rebuilt
in milliseconds on publish; a grid would be 100× larger for no better answer in rooms that are open
floor.

Two graphs are built: every citizen route, and the step-free one, from which stairs, escalators and
doors a wheelchair cannot pass are *removed* (never a soft penalty), so a step-free route either exists
without steps or the answer says none does. Staff-only and unwalkable spaces get no edges at all: a
citizen's route never crosses them.
"""

import math
from dataclasses import dataclass, field

import networkx as nx
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra
from shapely import STRtree
from shapely.geometry import LineString, Polygon
from shapely.geometry import Point as ShapelyPoint

from servicehall.navigation.plan import NOT_WALKABLE, STEP_FREE_CONNECTORS, Plan

WALK_SPEED_M_S = 1.2  # the graph's costs are seconds at this speed
STEP_FREE_SPEED_M_S = 0.8  # the default walking speed of a step-free route (a wheelchair, a walking frame)
ON_BOUNDARY_M = 0.3  # how far from a space's edge a door may be drawn and still be on it
STANDING_M = 0.8  # a citizen stands this far in front of a counter or kiosk
# Per storey: the horizontal metres a route counts and the seconds it adds.
VERTICAL = {"stairs": (6.0, 10.0), "escalator": (8.0, 15.0), "lift": (0.0, 35.0), "ramp": (12.0, 0.0)}


class NoRoute(Exception):
    """No route between two places; ``reason`` says why (``not_connected``, ``no_step_free``,
    ``staff_only``) and ``level`` names the level that cannot be reached step-free, when that is why."""

    def __init__(self, reason: str, level: int | None = None, kinds: tuple[str, ...] = ()):
        self.reason, self.level, self.kinds = reason, level, kinds
        super().__init__(reason)


@dataclass
class Node:
    key: str
    level: int
    x: float
    y: float
    kind: str  # "opening", "point", "connector", "hub"
    ref: str = ""  # the feature id of the opening, point or connector
    label: dict = field(default_factory=dict)
    space: str = ""


@dataclass
class RouteResult:
    nodes: list[Node]
    distance_m: float
    duration_s: float
    step_free: bool
    levels: list[int]
    vertical: list[str]  # the connector kind of each level change, in order


class NavGraph:
    """Built once per published map (see ``build``); answers many routes."""

    def __init__(self, plan: Plan):
        self.plan = plan
        self.nodes: dict[str, Node] = {}
        self.full = nx.Graph()
        self.step_free = nx.Graph()
        self.space_of_point: dict[str, str] = {}
        self.spaces = {s.feature_id: s for s in plan.spaces}
        self.polygons: dict[str, Polygon] = {}
        self.opening_spaces: dict[str, list[str]] = {}
        self.points = {p.feature_id: p for p in plan.points}

    # -- searching -----------------------------------------------------------------------------------

    def matrices(self):
        """The two graphs as sparse matrices of costs (built once, on the first route): the search runs
        in scipy's compiled Dijkstra, not in Python (networkx stays for building and the checks)."""
        if self.__dict__.get("_csr") is None:
            keys = list(self.full.nodes)
            index = {k: i for i, k in enumerate(keys)}
            out = []
            for graph in (self.full, self.step_free):
                rows, cols, costs = [], [], []
                for a, b, cost in graph.edges(data="cost"):  # both ways: a directed search needs no copy
                    rows += [index[a], index[b]]
                    cols += [index[b], index[a]]
                    costs += [cost + 1e-9] * 2  # an explicit zero would read as "no edge"
                out.append(csr_matrix((costs, (rows, cols)), shape=(len(keys), len(keys))))
            self.__dict__["_csr"] = (keys, index, out[0], out[1])
        return self.__dict__["_csr"]

    def costs_from(self, key: str, *, step_free: bool):
        """(node keys, index, costs from ``key`` to every node, predecessors)."""
        keys, index, full, free = self.matrices()
        costs, pred = dijkstra(
            free if step_free else full, directed=True, indices=index[key], return_predecessors=True
        )
        return keys, index, costs, pred

    def search(self, source: str, target: str, *, step_free: bool) -> list[str] | None:
        keys, index, costs, pred = self.costs_from(source, step_free=step_free)
        i = index[target]
        if not math.isfinite(costs[i]):
            return None
        path = [i]
        while path[-1] != index[source]:
            path.append(int(pred[path[-1]]))
        return [keys[j] for j in reversed(path)]

    # -- building ------------------------------------------------------------------------------------

    def add_node(self, node: Node, step_free: bool = True) -> None:
        self.nodes[node.key] = node
        self.full.add_node(node.key)
        if step_free:
            self.step_free.add_node(node.key)

    def add_edge(self, a: str, b: str, length_m: float, extra_s: float, kind: str, step_free: bool):
        cost = length_m / WALK_SPEED_M_S + extra_s
        attrs = {"cost": cost, "length": length_m, "extra": extra_s, "kind": kind}
        self.full.add_edge(a, b, **attrs)
        if step_free and a in self.step_free and b in self.step_free:
            self.step_free.add_edge(a, b, **attrs)

    def near(self, level: int, geom, distance: float = 0.0) -> list[str]:
        """The ids of the spaces on ``level`` whose polygon lies within ``distance`` of ``geom``, in the
        plan's order (an STRtree per level, built on first use: a hall of 200 counters would otherwise
        test every point against every polygon)."""
        trees = self.__dict__.setdefault("_trees", {})
        if level not in trees:
            ids = [sid for sid, s in self.spaces.items() if s.level == level]
            trees[level] = (ids, STRtree([self.polygons[sid] for sid in ids]))
        ids, tree = trees[level]
        if not ids:
            return []
        found = tree.query(geom, predicate="dwithin", distance=distance) if distance else tree.query(geom)
        return [ids[i] for i in sorted(found)]

    def buffered(self, sid: str) -> Polygon:
        cache = self.__dict__.setdefault("_buffered", {})
        if sid not in cache:
            cache[sid] = self.polygons[sid].buffer(ON_BOUNDARY_M)
        return cache[sid]

    def space_at(self, level: int, x: float, y: float) -> str | None:
        """The smallest space on ``level`` that covers the point (a counter inside a room inside a hall)."""
        pt = ShapelyPoint(x, y)
        found = [sid for sid in self.near(level, pt) if self.polygons[sid].covers(pt)]
        return min(found, key=lambda sid: self.polygons[sid].area) if found else None


def build(plan: Plan) -> NavGraph:
    """The graph of ``plan`` (see the module's docstring). Openings that touch no space and points in no
    space are left out of it: the publishing check reports them."""
    g = NavGraph(plan)
    for s in plan.spaces:
        poly = Polygon(s.polygon)
        g.polygons[s.feature_id] = poly if poly.is_valid else poly.buffer(0)
    members: dict[str, list[str]] = {sid: [] for sid in g.spaces}
    _add_openings(g, members)
    _add_points(g, members)
    _add_connectors(g, members)
    for sid, keys in members.items():
        if g.spaces[sid].kind not in NOT_WALKABLE:
            _join_inside(g, sid, keys)
    g.matrices()  # paid once here (on publish, or the first route of a process), not by a route
    return g


def _add_openings(g: NavGraph, members: dict[str, list[str]]) -> None:
    for o in g.plan.openings:
        line = LineString(o.line)
        mid = line.interpolate(0.5, normalized=True)
        touching = [
            sid
            for sid in g.near(o.level, mid, ON_BOUNDARY_M)
            if g.polygons[sid].boundary.distance(mid) <= ON_BOUNDARY_M and g.buffered(sid).covers(line)
        ]
        g.opening_spaces[o.feature_id] = touching
        if not touching:
            continue
        key = f"o:{o.feature_id}"
        g.add_node(
            Node(key, o.level, mid.x, mid.y, "opening", o.feature_id, o.name, touching[0]),
            step_free=o.wheelchair,
        )
        for sid in touching:
            members[sid].append(key)


def _standing_spot(g: NavGraph, p, sid: str) -> tuple[float, float]:
    """Where a citizen stands at a counter or kiosk: in front of it, when that is inside its space."""
    if p.facing_deg is None or p.kind not in {"counter", "kiosk", "rating_pad", "info_desk"}:
        return p.x, p.y
    rad = math.radians(p.facing_deg)
    x, y = p.x + STANDING_M * math.cos(rad), p.y + STANDING_M * math.sin(rad)
    return (x, y) if g.polygons[sid].covers(ShapelyPoint(x, y)) else (p.x, p.y)


def _add_points(g: NavGraph, members: dict[str, list[str]]) -> None:
    for p in g.plan.points:
        sid = g.space_at(p.level, p.x, p.y)
        if sid is None:
            continue
        g.space_of_point[p.feature_id] = sid
        x, y = _standing_spot(g, p, sid)
        key = f"p:{p.feature_id}"
        g.add_node(Node(key, p.level, x, y, "point", p.feature_id, p.name, sid))
        members[sid].append(key)


def _add_connectors(g: NavGraph, members: dict[str, list[str]]) -> None:
    for c in g.plan.connectors:
        stack = sorted((g.spaces[sid] for sid in c.space_ids if sid in g.spaces), key=lambda s: s.level)
        keys = []
        for s in stack:
            poly = g.polygons[s.feature_id]
            mid = poly.centroid if poly.covers(poly.centroid) else poly.representative_point()
            key = f"c:{c.feature_id}:{s.feature_id}"
            g.add_node(Node(key, s.level, mid.x, mid.y, "connector", c.feature_id, c.name, s.feature_id))
            members[s.feature_id].append(key)
            keys.append((s.level, key))
        per_storey_m, per_storey_s = VERTICAL.get(c.kind, (6.0, 10.0))
        for (lv_a, a), (lv_b, b) in zip(keys, keys[1:], strict=False):
            storeys = max(1, abs(lv_b - lv_a))
            g.add_edge(
                a,
                b,
                per_storey_m * storeys,
                per_storey_s * storeys,
                c.kind,
                step_free=c.kind in STEP_FREE_CONNECTORS,
            )


def _is_convex(poly: Polygon) -> bool:
    return poly.convex_hull.area - poly.area <= 1e-6 * max(poly.area, 1.0)


def _join_inside(g: NavGraph, sid: str, keys: list[str]) -> None:
    """Every node of a space to every other: in a straight line when it stays inside the space,
    otherwise through the space's middle (a hub node added for it)."""
    if len(keys) < 2:
        return
    poly = g.polygons[sid]
    convex = _is_convex(poly)
    inside = poly.buffer(0.05)
    hub = None
    for i, a in enumerate(keys):
        na = g.nodes[a]
        for b in keys[i + 1 :]:
            nb = g.nodes[b]
            length = math.hypot(na.x - nb.x, na.y - nb.y)
            if convex or inside.covers(LineString([(na.x, na.y), (nb.x, nb.y)])):
                g.add_edge(a, b, length, 0.0, "walk", step_free=True)
                continue
            if hub is None:
                mid = poly.representative_point()
                hub = f"h:{sid}"
                g.add_node(Node(hub, g.spaces[sid].level, mid.x, mid.y, "hub", sid, space=sid))
                for k in keys:
                    nk = g.nodes[k]
                    g.add_edge(k, hub, math.hypot(nk.x - mid.x, nk.y - mid.y), 0.0, "walk", True)


# -- routing ---------------------------------------------------------------------------------------


def shortest(g: NavGraph, source: str, target: str, *, step_free: bool) -> RouteResult:
    """The quickest route between two node keys; ``NoRoute`` with the reason when there is none."""
    graph = g.step_free if step_free else g.full
    for key in (source, target):
        if key not in g.full:
            raise NoRoute("staff_only")
    if source not in graph or target not in graph:
        raise NoRoute("no_step_free", level=g.nodes[target].level)
    path = g.search(source, target, step_free=step_free)
    if path is None:
        if step_free and nx.has_path(g.full, source, target):
            level = g.nodes[target].level
            raise NoRoute("no_step_free", level=level, kinds=connector_kinds_at(g, level)) from None
        raise NoRoute("not_connected") from None
    return _result(g, path, step_free)


def _result(g: NavGraph, path: list[str], step_free: bool) -> RouteResult:
    nodes = [g.nodes[k] for k in path]
    length = extra = 0.0
    levels: list[int] = []
    vertical = []
    for a, b in zip(path, path[1:], strict=False):
        edge = g.full.edges[a, b]
        length += edge["length"]
        extra += edge["extra"]
        if edge["kind"] != "walk":
            vertical.append(edge["kind"])
    for n in nodes:
        if not levels or levels[-1] != n.level:
            levels.append(n.level)
    speed = STEP_FREE_SPEED_M_S if step_free else WALK_SPEED_M_S
    return RouteResult(nodes, length, length / speed + extra, step_free, levels, vertical)


def connector_kinds_at(g: NavGraph, level: int) -> tuple[str, ...]:
    """The kinds of vertical connector that reach ``level`` ("stairs" only: why no step-free route)."""
    kinds = set()
    for c in g.plan.connectors:
        if any(g.spaces[s].level == level for s in c.space_ids if s in g.spaces):
            kinds.add(c.kind)
    return tuple(sorted(kinds))


def nearest(g: NavGraph, target: str, candidates: list[str], *, step_free: bool) -> str:
    """Of ``candidates`` (node keys, such as every entrance), the one with the quickest route to
    ``target``; ``NoRoute`` when none reaches it."""
    graph = g.step_free if step_free else g.full
    if target not in graph:
        return shortest_reason(g, candidates, target, step_free)
    _keys, index, costs, _pred = g.costs_from(target, step_free=step_free)
    reachable = [c for c in candidates if c in graph and math.isfinite(costs[index[c]])]
    if not reachable:
        return shortest_reason(g, candidates, target, step_free)
    return min(reachable, key=lambda c: costs[index[c]])


def shortest_reason(g: NavGraph, candidates: list[str], target: str, step_free: bool) -> str:
    """Raise the honest ``NoRoute`` for the first candidate (none reaches ``target``)."""
    if not candidates:
        raise NoRoute("not_connected")
    shortest(g, candidates[0], target, step_free=step_free)
    return candidates[0]  # pragma: no cover - shortest raised
