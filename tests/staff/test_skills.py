"""Skills: granting, changing and removing through ``skill_set``; who may; what ``qualified_items`` and
the learning rule give."""

import pytest

from servicehall.core.audit import SystemActor
from servicehall.core.errors import Invalid, NotFound, PermissionDenied
from servicehall.core.models import AuditEntry
from servicehall.staff import selectors, services
from servicehall.staff.models import Skill


def test_grant_change_and_remove_are_audited(actors, hall_a, items_a, grant):
    clerk = actors["clerk_a"].user
    skill = grant("clerk_a", "SB-001", "learning")
    assert skill.level == "learning" and skill.granted_by == actors["manager_a"].user
    assert selectors.qualified_items(hall=hall_a, user=clerk) == set()
    grant("clerk_a", "SB-001", "qualified")
    grant("clerk_a", "GJ-001", "expert")
    assert selectors.qualified_items(hall=hall_a, user=clerk) == {items_a["SB-001"].pk, items_a["GJ-001"].pk}
    grant("clerk_a", "SB-001", "")
    assert selectors.qualified_items(hall=hall_a, user=clerk) == {items_a["GJ-001"].pk}
    rows = list(AuditEntry.objects.filter(action="staff.skill").order_by("id").values_list("before", "after"))
    assert [(b["level"], a["level"]) for b, a in rows] == [
        ("", "learning"),
        ("learning", "qualified"),
        ("", "expert"),
        ("qualified", ""),
    ]


def test_setting_the_same_level_again_writes_nothing(actors, grant):
    grant("clerk_a", "SB-001")
    grant("clerk_a", "SB-001")
    assert AuditEntry.objects.filter(action="staff.skill").count() == 1


def test_only_the_halls_manager_or_the_system(actors, hall_a, items_a, hall_b):
    item = items_a["SB-001"]
    clerk = actors["clerk_a"].user
    for who in ("clerk_a", "evaluator_a", "manager_b", "clerk_a2"):
        with pytest.raises(PermissionDenied):
            services.skill_set(actor=actors[who], hall=hall_a, user=clerk, item=item, level="qualified")
    system = SystemActor(job="training.expiry")
    services.skill_set(actor=system, hall=hall_a, user=clerk, item=item, level="learning")
    assert Skill.objects.get().level == "learning"


def test_bad_input_changes_nothing(actors, hall_a, items_a, items_b):
    m, clerk = actors["manager_a"], actors["clerk_a"].user
    with pytest.raises(Invalid) as exc:
        services.skill_set(actor=m, hall=hall_a, user=clerk, item=items_a["SB-001"], level="guru")
    assert "level" in exc.value.fields
    with pytest.raises(Invalid):
        services.skill_set(actor=m, hall=hall_a, user=clerk, item=items_b["SB-001"], level="qualified")
    with pytest.raises(NotFound):
        outsider = actors["clerk_b"].user
        services.skill_set(actor=m, hall=hall_a, user=outsider, item=items_a["SB-001"], level="expert")
    assert not Skill.objects.exists()
