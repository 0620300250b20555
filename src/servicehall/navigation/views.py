"""The phone's route page: the way from the entrance (or a "you are here" point) to a window, as a
server-drawn SVG of one floor at a time, the steps, and a floor switcher; each step opens its floor.
Thin: parse the query, call the route, draw."""

from urllib.parse import urlencode

from django.http import Http404
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from servicehall.core.errors import NotFound
from servicehall.core.selectors import hall_get
from servicehall.navigation import selectors
from servicehall.navigation.api import no_route_message
from servicehall.navigation.graph import NoRoute
from servicehall.navigation.plan import level_name
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
