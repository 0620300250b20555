"""Consultation fixtures: hall A with the demo catalogue (through the catalogue's import), the demo FAQ
(through ``consult.services.faq_import``) and the demo opening hours, the queue's actors, a thread."""

import datetime
import json
from importlib import resources
from pathlib import Path

import pytest

from servicehall.catalog.services import catalog_import
from servicehall.consult import services
from servicehall.core import services as core
from tests.queueing.conftest import actors, clerk_a2, clock, kiosk_a  # noqa: F401  (fixtures)

PHONE = "13912345678"
LABELLED = Path(__file__).with_name("questions.json")


def load_demo_knowledge(actor, hall) -> None:
    text = resources.files("servicehall.catalog").joinpath("demo/items.json").read_text(encoding="utf-8")
    items = json.loads(text)["items"]
    for item in items:  # the demo's window numbers mapped onto hall A's three windows
        item["counters"] = sorted({str((int(n) - 1) % 3 + 1) for n in item["counters"]})
    catalog_import(actor=actor, hall=hall, text=json.dumps({"items": items}), fmt="json")
    faqs = resources.files("servicehall.consult").joinpath("demo/faqs.json").read_text(encoding="utf-8")
    services.faq_import(actor=actor, hall=hall, text=faqs)
    am, pm = (datetime.time(8, 30), datetime.time(12)), (datetime.time(13, 30), datetime.time(17, 30))
    periods = (
        [(d, *am) for d in range(5)]
        + [(d, *pm) for d in range(5)]
        + [(5, datetime.time(9), datetime.time(12))]
    )
    core.hall_set_opening_hours(actor=actor, hall=hall, periods=periods)


@pytest.fixture
def knowledge(admin_actor, hall_a):
    load_demo_knowledge(admin_actor, hall_a)
    return hall_a


@pytest.fixture
def labelled():
    return json.loads(LABELLED.read_text(encoding="utf-8"))


@pytest.fixture
def thread(actors, knowledge, clock):  # noqa: F811  (the imported fixtures)
    return services.thread_open(
        actor=actors["citizen"],
        hall=knowledge,
        question="护照照片可以自己带吗？",
        phone=PHONE,
        item_code="11350199MB0F34538T-XK-001",
    )
