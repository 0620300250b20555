"""Guide fixtures: the queue's (hall A's catalogue, actors, a frozen clock), a published guide for SB-001
and a procedure, all made through the real services."""

import pytest

from servicehall.guides import services
from tests.queueing.conftest import (  # noqa: F401  (fixtures)
    actors,
    clerk_a2,
    clock,
    items_a,
    items_b,
    kiosk_a,
    q,
)

STEPS = ["核对身份证原件与本人一致", "在系统中录入参保信息", "打印回执请群众签字"]
STEPS_EN = ["Check the ID card against the person", "Enter the registration", "Print the receipt for signing"]


def write_guide(actor, item, steps=STEPS, publish=True, **extra):
    draft = services.guide_draft_start(actor=actor, item=item)
    checks = {
        str(c.pk): {"points": "核对有效期", "points_en": "Check the expiry date"} for c in draft.checks.all()
    }
    data = {"steps": steps, "steps_en": STEPS_EN, "collection_note": "参保登记需核实身份", "checks": checks}
    draft = services.guide_draft_save(actor=actor, guide=draft, data={**data, **extra})
    return services.guide_publish(actor=actor, guide=draft) if publish else draft


@pytest.fixture
def guide(actors, items_a, clock):  # noqa: F811
    return write_guide(actors["manager_a"], items_a["SB-001"])


@pytest.fixture
def procedure(actors, hall_a, clock):  # noqa: F811
    return services.procedure_save(
        actor=actors["manager_a"],
        hall=hall_a,
        data={
            "code": "manual-calling",
            "title": "系统故障时手工叫号",
            "title_en": "Manual calling when the system fails",
            "steps": ["启用纸质号票", "按顺序人工叫号", "记录故障时间"],
            "steps_en": ["Hand out paper tickets", "Call in order by voice", "Note the time of the failure"],
        },
    )
