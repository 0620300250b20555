"""The floor drawn as SVG: every name escaped, the route on it, and turned so a kiosk's facing is up."""

import dataclasses
import re

from servicehall.navigation.svg import level_svg
from tests.navigation.plans import two_level_plan


def test_the_level_is_drawn_with_its_counters_and_the_route_north_up():
    svg = level_svg(two_level_plan(), 0, [[0, 3], [20, 5]], "en", "1F")
    assert svg.startswith("<svg") and svg.endswith("</g></svg>")
    assert 'data-counter="1"' in svg and 'data-counter="9"' not in svg  # 9 is upstairs
    assert 'class="route" points="0.00,-3.00 20.00,-5.00"' in svg
    assert "rotate(" not in svg


def test_names_are_escaped():
    plan = two_level_plan()
    plan.spaces[0] = dataclasses.replace(plan.spaces[0], name={"en": '<script>"x"</script>'})
    svg = level_svg(plan, 0, None, "en", "<1F>")
    assert "<script>" not in svg and "&lt;script&gt;" in svg and 'aria-label="&lt;1F&gt;"' in svg


def test_a_kiosk_facing_east_turns_the_plan_so_east_is_up():
    svg = level_svg(two_level_plan(), 0, None, "en", "1F", up_deg=0)
    assert re.search(r'<g transform="rotate\(270\.0 ', svg)
    assert "rotate(" not in level_svg(two_level_plan(), 0, None, "en", "1F", up_deg=90)
