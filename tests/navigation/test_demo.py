"""The demo hall has a published two-storey map whose counters are the demo's own, on the floors the
demo puts them on, and every window has a step-free route (the lift)."""

import pytest

from servicehall.core.models import Counter
from servicehall.demo.build import load_demo
from servicehall.navigation import selectors
from servicehall.navigation.routing import route

pytestmark = pytest.mark.django_db


def test_the_demo_hall_has_a_published_map_with_every_window_reachable_step_free():
    hall = load_demo().hall
    version = selectors.published_map(hall=hall)
    assert version.warnings == []
    g = selectors.graph_of(version)
    for counter in Counter.objects.filter(hall=hall).select_related("floor"):
        answer = route(g, "entrance", f"counter:{counter.number}", step_free=True, lang="en")
        # the demo's floor 1 is the plan's ordinal 0
        assert answer.levels[-1] == counter.floor.level - 1, counter.number
        assert answer.steps[-1]["kind"] == "arrive"
    steps = route(g, "entrance", "counter:12", step_free=True, lang="zh-hans").steps
    assert "乘电梯到 2楼" in [s["text"] for s in steps]
