import json
from importlib import resources

import pytest

from servicehall.catalog.services import catalog_import


@pytest.fixture
def demo_items():
    text = resources.files("servicehall.catalog").joinpath("demo/items.json").read_text(encoding="utf-8")
    return json.loads(text)["items"]


@pytest.fixture
def catalog_a(admin_actor, hall_a, demo_items):
    """Hall A with the demo catalogue, its window numbers mapped onto hall A's three windows."""
    items = []
    for item in demo_items:
        items.append({**item, "counters": sorted({str((int(n) - 1) % 3 + 1) for n in item["counters"]})})
    catalog_import(actor=admin_actor, hall=hall_a, text=json.dumps({"items": items}), fmt="json")
    return items
