"""The phone's route page: the way from the entrance (or a "you are here" point) to a window, as a
server-drawn SVG of one floor at a time, the steps, and a floor switcher; each step opens its floor.
Thin: parse the query, call the route, draw."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from servicehall.core.choices import Role
from servicehall.core.errors import NotFound, PermissionDenied
from servicehall.core.permissions import has_role
from servicehall.core.qr import qr_svg
from servicehall.core.selectors import hall_get
from servicehall.navigation import selectors
from servicehall.navigation.api import no_route_message
from servicehall.navigation.choices import PointKind
from servicehall.navigation.graph import NoRoute
from servicehall.navigation.plan import level_name, pick
from servicehall.navigation.routing import UnknownRef, route
from servicehall.navigation.svg import level_svg


def _lang() -> str:
    lang = (get_language() or "zh-hans").lower()
    return lang if lang in {"zh-hans", "zh-hant", "en"} else "zh-hans"


def _int(value, default=None):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def route_page(request, hall_code: str):
    """``?to=counter:3`` (required), ``from=`` (default ``entrance``), ``step_free=1``, ``level=``."""
    try:
        hall = hall_get(code=hall_code)
        version = selectors.published_map(hall=hall)
    except NotFound as exc:
        raise Http404(str(exc)) from None
    g = selectors.graph_of(version)
    lang = _lang()
    to = (request.GET.get("to") or "")[:100]
    origin = (request.GET.get("from") or "entrance")[:100]
    step_free = request.GET.get("step_free") in {"1", "true", "on"}
    if not to:  # a "you are here" poster: first choose the window
        return _choose_window(request, hall, g, origin, step_free)
    answer, problem = None, ""
    try:
        answer = route(g, origin, to, step_free=step_free, lang=lang)
    except UnknownRef:
        raise Http404(_("Unknown place.")) from None
    except NoRoute as err:
        problem = no_route_message(err, g.plan, lang)
    levels = [lv.ordinal for lv in g.plan.levels]
    shown = _int(request.GET.get("level"))
    if shown not in levels:
        shown = answer.levels[0] if answer else levels[0]
    leg = next((leg["coordinates"] for leg in answer.legs if leg["level"] == shown), None) if answer else None
    name = level_name(g.plan.level(shown), shown, lang)
    base = urlencode({"to": to, "from": origin, "step_free": "1" if step_free else ""})
    toggle = "?" + urlencode({"to": to, "from": origin, **({} if step_free else {"step_free": "1"})})
    return render(
        request,
        "navigation/route.html",
        {
            "hall": hall,
            "to": to,
            "answer": answer,
            "problem": problem,
            "step_free": step_free,
            "base": base,
            "toggle": toggle,
            "shown": shown,
            "shown_name": name,
            "floors": [
                (o, level_name(g.plan.level(o), o, lang), answer and o in answer.levels) for o in levels
            ],
            "svg": mark_safe(level_svg(g.plan, shown, leg, lang, name)),  # noqa: S308 - every text is escaped
            "minutes": max(1, round(answer.duration_s / 60)) if answer else 0,
        },
    )


def _choose_window(request, hall, g, origin: str, step_free: bool):
    counters = sorted(
        (p.ref.split(":", 1)[1] for p in g.plan.points if p.ref.startswith("counter:")),
        key=lambda n: (len(n), n),
    )
    links = [
        (n, "?" + urlencode({"to": f"counter:{n}", "from": origin, "step_free": "1" if step_free else ""}))
        for n in counters
    ]
    return render(request, "navigation/choose.html", {"hall": hall, "links": links})


@login_required
def posters(request, hall_code: str):
    """ "You are here" posters for the walls and pillars: one QR code per point of the published map
    (entrances, kiosks, waiting areas, landmarks...), each opening the phone's route page from there.
    Hall manager."""
    hall = hall_get(code=hall_code)
    if not has_role(request.user, hall, Role.MANAGER):
        raise PermissionDenied()
    try:
        version = selectors.published_map(hall=hall)
    except NotFound as exc:
        raise Http404(str(exc)) from None
    plan = selectors.graph_of(version).plan
    lang = _lang()
    base = request.build_absolute_uri(reverse("navigation:route", args=[hall.code]))
    rows = []
    for p in plan.points:
        if p.kind in {"counter", "rating_pad"}:
            continue
        url = base + "?" + urlencode({"from": p.feature_id})
        name = pick(p.name, lang) or str(PointKind(p.kind).label)
        rows.append(
            {
                "name": name,
                "level": level_name(plan.level(p.level), p.level, lang),
                "url": url,
                "qr": qr_svg(url),  # the template marks it safe: generated SVG, no user text
            }
        )
    return render(request, "navigation/posters.html", {"hall": hall, "rows": rows})
