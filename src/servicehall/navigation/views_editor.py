"""The plan editor page, /staff/<hall>/navigation/ (hall manager): the draft one floor at a time as
SVG on a metre grid, a side form with the precise numbers of what is selected, the windows not placed
yet, and the publishing check with the Publish button (disabled while the check has errors; the
server refuses too). Every change is a POST naming its ``op``, handled by one ``services_editor``
service; a refused one shows the page again with what was wrong (422), nothing changed. Thin: parse
the form, call the service, redirect or draw."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from shapely.geometry import Polygon

from servicehall.core.actors import actor_from_request
from servicehall.core.choices import Role
from servicehall.core.errors import DomainError, PermissionDenied
from servicehall.core.models import Counter
from servicehall.core.permissions import has_role
from servicehall.core.selectors import hall_get
from servicehall.navigation import selectors, services, services_editor
from servicehall.navigation.choices import ConnectorKind, MapStatus, OpeningKind, PointKind, SpaceKind
from servicehall.navigation.editor_svg import editor_svg
from servicehall.navigation.plan import LANGS, NOT_WALKABLE, level_name, pick


def _lang() -> str:
    lang = (get_language() or "zh-hans").lower()
    return lang if lang in LANGS else "zh-hans"


def _manager_hall(request, hall_code: str):
    hall = hall_get(code=hall_code)
    if not has_role(request.user, hall, Role.MANAGER):
        raise PermissionDenied()
    return hall


def _coords_text(coords) -> str:
    return "; ".join(f"{x:g},{y:g}" for x, y in coords)


def _names(post, prefix: str = "name") -> dict:
    return {lang: post.get(f"{prefix}_{lang}", "") for lang in LANGS}


@login_required
def editor(request, hall_code: str):
    hall = _manager_hall(request, hall_code)
    return _page(request, hall, request.GET.get("level"), request.GET.get("sel", "")[:80])


def _page(request, hall, level, sel: str, errors: dict | None = None, status: int = 200):
    draft = selectors.map_version(hall=hall, status=MapStatus.DRAFT)
    published = selectors.map_version(hall=hall)
    context = {"hall": hall, "draft": draft, "published": published, "errors": errors or {}}
    if draft is None:
        return render(request, "navigation/editor.html", context, status=status)
    lang = _lang()
    plan = selectors.plan_of(draft)
    ordinals = [lv.ordinal for lv in plan.levels]
    try:
        shown = int(level)
    except (TypeError, ValueError):
        shown = None
    if shown not in ordinals:
        shown = ordinals[0] if ordinals else 0
    check_errors, check_warnings = services.map_check(version=draft)
    name = level_name(plan.level(shown), shown, lang)
    context.update(
        {
            "plan": plan,
            "shown": shown,
            "shown_level": plan.level(shown),
            "floors": [(o, level_name(plan.level(o), o, lang)) for o in ordinals],
            "svg": mark_safe(editor_svg(plan, shown, sel, lang, name)),  # noqa: S308 - every text escaped
            "sel": sel,
            "selected": _selected(plan, sel),
            "items": _items(plan, shown, lang),
            "unplaced": _unplaced(hall, plan, shown),
            "connectors": [
                (
                    c,
                    ConnectorKind(c.kind).label,
                    [(sid, _space_label(plan, sid, lang)) for sid in c.space_ids],
                )
                for c in plan.connectors
            ],
            "kiosks": sorted(selectors.kiosk_devices(hall=hall).items()),
            "shafts": [
                (s.feature_id, _space_label(plan, s.feature_id, lang))
                for s in plan.spaces
                if s.kind in {"stairs", "lift", "escalator", "ramp"}
            ],
            "check_errors": check_errors,
            "check_warnings": check_warnings,
            "can_publish": has_role(request.user, hall, Role.MANAGER),
            "space_kinds": SpaceKind.choices,
            "opening_kinds": OpeningKind.choices,
            "point_kinds": [c for c in PointKind.choices if c[0] != "counter"],
            "connector_kinds": ConnectorKind.choices,
            "langs": LANGS,
        }
    )
    return render(request, "navigation/editor.html", context, status=status)


def _space_label(plan, feature_id: str, lang: str) -> str:
    s = next((s for s in plan.spaces if s.feature_id == feature_id), None)
    if s is None:
        return feature_id
    return (
        f"{level_name(plan.level(s.level), s.level, lang)} · {pick(s.name, lang) or SpaceKind(s.kind).label}"
    )


def _selected(plan, sel: str) -> dict | None:
    what, _sep, fid = sel.partition(":")
    rows = {"space": plan.spaces, "opening": plan.openings, "point": plan.points}.get(what, [])
    row = next((r for r in rows if r.feature_id == fid), None)
    if row is None:
        return None
    out = {"what": what, "row": row, "names": {lang: row.name.get(lang, "") for lang in LANGS}}
    if what == "space":
        out["coords"] = _coords_text(row.polygon)
    elif what == "opening":
        out["coords"] = _coords_text(row.line)
    else:
        out["counter"] = row.ref.split(":", 1)[1] if row.ref.startswith("counter:") else ""
        out["device"] = row.ref.split(":", 1)[1] if row.ref.startswith("kiosk:") else ""
    return out


def _items(plan, shown: int, lang: str) -> list[tuple[str, str]]:
    """Everything on the floor as (sel, label): the keyboard's and the no-script way to select."""
    out = []
    for s in plan.spaces:
        if s.level == shown:
            out.append((f"space:{s.feature_id}", pick(s.name, lang) or str(SpaceKind(s.kind).label)))
    for o in plan.openings:
        if o.level == shown:
            out.append((f"opening:{o.feature_id}", pick(o.name, lang) or str(OpeningKind(o.kind).label)))
    for p in plan.points:
        if p.level == shown:
            label = (
                _("Window %(n)s") % {"n": p.ref.split(":", 1)[1]}
                if p.ref.startswith("counter:")
                else pick(p.name, lang) or str(PointKind(p.kind).label)
            )
            out.append((f"point:{p.feature_id}", label))
    return out


def _unplaced(hall, plan, shown: int) -> list[dict]:
    """The hall's windows not on the draft yet, each with a place to start from: the middle of the
    floor's largest walkable space."""
    placed = {p.ref.split(":", 1)[1] for p in plan.points if p.ref.startswith("counter:")}
    walk = [s for s in plan.spaces if s.level == shown and s.kind not in NOT_WALKABLE]
    x = y = 0.0
    if walk:
        biggest = max((Polygon(s.polygon) for s in walk), key=lambda g: g.area)
        here = biggest.representative_point()
        x, y = round(here.x, 1), round(here.y, 1)
    counters = Counter.objects.filter(hall=hall, active=True).order_by("number")
    return [
        {"number": c.number, "name": c.name_local, "x": x, "y": y} for c in counters if c.number not in placed
    ]


@login_required
@require_POST
def editor_post(request, hall_code: str):
    hall = _manager_hall(request, hall_code)
    post = request.POST
    op = post.get("op", "")
    level = post.get("level") or request.GET.get("level")
    sel = post.get("sel", "")[:80]
    actor = actor_from_request(request)
    try:
        sel = _apply(op, post, actor, hall) or sel
    except DomainError as err:
        return _page(request, hall, level, sel, errors=err.form_errors(), status=err.status)
    if op == "publish":
        messages.success(request, _("The map is published: citizens are routed on it now."))
    level = post.get("level") or level
    query = urlencode({k: v for k, v in {"level": level, "sel": sel}.items() if v not in (None, "")})
    return redirect(reverse("navigation:editor", args=[hall.code]) + ("?" + query if query else ""))


def _apply(op: str, post, actor, hall) -> str:
    """Run one edit; returns what to select next ("" for nothing)."""
    ed = services_editor
    fid = post.get("feature_id", "")[:64]
    if op == "start":
        ed.map_draft_start(actor=actor, hall=hall)
    elif op == "publish":
        draft = selectors.map_version(hall=hall, status=MapStatus.DRAFT)
        if draft is None:
            raise DomainError(_("There is no draft to publish."))
        services.map_publish(actor=actor, version=draft)
    elif op == "level_save":
        ed.level_save(
            actor=actor,
            hall=hall,
            ordinal=post.get("ordinal"),
            short_name=_names(post, "short"),
            feature_id=fid,
        )
    elif op == "level_delete":
        ed.level_delete(actor=actor, hall=hall, feature_id=fid)
    elif op == "space_save":
        row = ed.space_save(
            actor=actor,
            hall=hall,
            level=post.get("level"),
            kind=post.get("kind"),
            polygon_m=post.get("coords", ""),
            name=_names(post),
            feature_id=fid,
        )
        return f"space:{row.feature_id}"
    elif op == "opening_save":
        row = ed.opening_save(
            actor=actor,
            hall=hall,
            level=post.get("level"),
            kind=post.get("kind"),
            line_m=post.get("coords", ""),
            width_m=post.get("width_m") or 1.0,
            wheelchair=post.get("wheelchair") == "on",
            name=_names(post),
            feature_id=fid,
        )
        return f"opening:{row.feature_id}"
    elif op == "connector_save":
        ed.connector_save(
            actor=actor, hall=hall, kind=post.get("kind"), space_ids=post.getlist("space_ids"), feature_id=fid
        )
    elif op == "point_save":
        row = ed.point_save(
            actor=actor,
            hall=hall,
            level=post.get("level"),
            kind=post.get("kind"),
            x=post.get("x"),
            y=post.get("y"),
            facing_deg=post.get("facing_deg"),
            name=_names(post),
            counter_number=post.get("counter", ""),
            device_id=post.get("device") or None,
            feature_id=fid,
        )
        return f"point:{row.feature_id}"
    elif op == "point_move":
        return _point_move(post, actor, hall, fid)
    elif op == "delete":
        ed.feature_delete(actor=actor, hall=hall, what=post.get("what", ""), feature_id=fid)
    else:
        raise DomainError(_("Unknown action."))
    return ""


def _point_move(post, actor, hall, fid: str) -> str:
    """A point dragged on the map: only its x and y change."""
    draft = selectors.map_version(hall=hall, status=MapStatus.DRAFT)
    plan = selectors.plan_of(draft) if draft else None
    p = plan.point(fid) if plan else None
    if p is None:
        raise DomainError(_("Not found in the draft (already deleted?)."))
    services_editor.point_save(
        actor=actor,
        hall=hall,
        level=p.level,
        kind=p.kind,
        x=post.get("x"),
        y=post.get("y"),
        facing_deg=p.facing_deg,
        name=p.name,
        counter_number=p.ref.split(":", 1)[1] if p.ref.startswith("counter:") else "",
        device_id=p.ref.split(":", 1)[1] if p.ref.startswith("kiosk:") else None,
        feature_id=fid,
    )
    return f"point:{fid}"
