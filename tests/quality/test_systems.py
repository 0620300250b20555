"""Indicator systems: templates, drafts, publishing (frozen), versions, AHP judgements and weights."""

import pytest

from servicehall.core.errors import Conflict, Invalid, PermissionDenied
from servicehall.core.models import AuditEntry
from servicehall.quality import selectors, services
from servicehall.quality.choices import SYSTEM_TRANSITIONS, SystemAction, SystemStatus
from servicehall.quality.models import Indicator, Judgement

# Saaty's scale: "服务效率" is moderately more important than "服务态度" (3), strongly more than
# "服务质量" (5)...
CONSISTENT = [[1, 1 / 3, 2], [3, 1, 5], [1 / 2, 1 / 5, 1]]
INCONSISTENT = [[1, 9, 1 / 9], [1 / 9, 1, 9], [9, 1 / 9, 1]]


@pytest.fixture
def system(actors, hall_a):
    return services.system_from_template(actor=actors["evaluator_a"], hall=hall_a, template="article")


ARTICLE = {
    "服务态度": ["礼仪", "服务态度", "沟通技巧"],
    "服务效率": ["办事时间", "现场排队状况", "办理流程"],
    "服务质量": ["服务文化", "服务环境", "服务绩效"],
}


def test_the_article_template_is_exactly_its_three_dimensions_and_nine_indicators(system):
    tree = selectors.tree(system=system)
    assert {d["name"]: [i["name"] for i in d["children"]] for d in tree} == ARTICLE
    leaves = selectors.leaves(system=system)
    assert len(leaves) == 9 and all(not i["children"] for d in tree for i in d["children"])
    assert abs(sum(i["global_weight"] for i in leaves) - 1) < 1e-5
    # Each queue metric feeds the one indicator it measures, once; the citizens' no-shows are not the hall's.
    metrics = {leaf["name"]: leaf["metric"] for leaf in leaves if leaf["metric"]}
    assert metrics == {
        "办事时间": "service_vs_standard",
        "现场排队状况": "wait_mean",
        "服务绩效": "good_rating_rate",
    }
    assert all(leaf["items"] for leaf in leaves)  # and every one of the nine is asked about
    queue = next(leaf for leaf in leaves if leaf["name"] == "现场排队状况")
    assert queue["direction"] == "lower"


def test_the_article_indicators_are_named_as_the_article_names_them_in_three_languages(system):
    from pathlib import Path

    from servicehall.quality.presets import NAMES_HANT

    article = Path("/work/shared/seed/article.zh-Hant.txt")
    text = article.read_text(encoding="utf-8") if article.exists() else ""
    tree = selectors.tree(system=system)
    for node in [*tree, *(i for d in tree for i in d["children"])]:
        assert node["name_en"] and node["name"] in NAMES_HANT
        assert not text or NAMES_HANT[node["name"]] in text, NAMES_HANT[node["name"]]


def test_the_richer_set_is_a_second_named_template_without_a_metric_twice(actors, hall_a):
    extended = services.system_from_template(
        actor=actors["evaluator_a"], hall=hall_a, template="article_extended"
    )
    leaves = selectors.leaves(system=extended)
    metrics = [leaf["metric"] for leaf in leaves if leaf["metric"]]
    assert len(leaves) == 13 and len(metrics) == len(set(metrics)) == 4
    assert "no_show_rate" not in metrics and "wait_p90" not in metrics
    assert extended.template == "article_extended" and extended.name.endswith("（含运行数据分项）")


def test_clerks_cannot_edit_the_indicator_system(actors, hall_a):
    with pytest.raises(PermissionDenied):
        services.system_from_template(actor=actors["clerk_a"], hall=hall_a, template="servqual")


def test_ahp_weights_the_dimensions_and_a_new_expert_is_combined(system, actors, staff):
    j = services.judgement_submit(actor=actors["evaluator_a"], system=system, parent=None, matrix=CONSISTENT)
    assert j.cr < 0.1
    weights = {i.code: i.weight for i in Indicator.objects.filter(system=system, parent=None)}
    assert weights["B"] > weights["A"] > weights["C"] and abs(sum(weights.values()) - 1) < 1e-6
    # A second expert who finds attitude and efficiency equal pulls the combined weights together.
    services.judgement_submit(
        actor=actors["manager_a"],
        system=system,
        parent=None,
        matrix=[[1, 1, 2], [1, 1, 2], [1 / 2, 1 / 2, 1]],
    )
    combined = {i.code: i.weight for i in Indicator.objects.filter(system=system, parent=None)}
    assert weights["B"] - weights["A"] > combined["B"] - combined["A"] > 0
    assert Judgement.objects.filter(system=system).count() == 2


def test_inconsistent_judgements_are_refused_with_the_comparison_to_reconsider(system, actors):
    with pytest.raises(Invalid) as exc:
        services.judgement_submit(
            actor=actors["evaluator_a"], system=system, parent=None, matrix=INCONSISTENT
        )
    assert exc.value.code == "inconsistent"
    message = str(exc.value.message)
    assert "CR" in message and "服务" in message
    assert not Judgement.objects.exists()
    with pytest.raises(Invalid):
        services.judgement_submit(
            actor=actors["evaluator_a"], system=system, parent=None, matrix=[[1, 2], [1 / 2, 1]]
        )


def test_publishing_freezes_and_a_new_version_copies(system, actors):
    a1 = Indicator.objects.get(system=system, code="A1")
    services.indicator_update(actor=actors["evaluator_a"], indicator=a1, weight=0.9)
    with pytest.raises(Invalid) as exc:
        services.system_publish(actor=actors["evaluator_a"], system=system)
    assert exc.value.code == "weights" and "A 服务态度" in str(exc.value.message)
    services.indicator_update(actor=actors["evaluator_a"], indicator=a1, weight=round(1 / 3, 6))
    services.system_publish(actor=actors["evaluator_a"], system=system)
    with pytest.raises(Conflict) as exc:
        services.indicator_update(actor=actors["evaluator_a"], indicator=a1, name="仪容仪表")
    assert exc.value.code == "frozen"
    copy = services.system_new_version(actor=actors["evaluator_a"], system=system)
    assert copy.version == 2 and copy.status == "draft"
    assert Indicator.objects.filter(system=copy).count() == Indicator.objects.filter(system=system).count()
    assert Indicator.objects.get(system=copy, code="A1").parent.code == "A"
    services.system_publish(actor=actors["evaluator_a"], system=copy)
    system.refresh_from_db()
    assert system.status == "retired"


def test_a_version_is_published_once_and_retired_only_from_published():
    assert SYSTEM_TRANSITIONS.actions_from(SystemStatus.DRAFT) == [SystemAction.PUBLISH]
    assert SYSTEM_TRANSITIONS.actions_from(SystemStatus.PUBLISHED) == [SystemAction.RETIRE]
    assert SYSTEM_TRANSITIONS.actions_from(SystemStatus.RETIRED) == []


def test_publishing_a_new_version_retires_the_old_one_with_an_audit_row(system, actors):
    services.system_publish(actor=actors["evaluator_a"], system=system)
    copy = services.system_new_version(actor=actors["evaluator_a"], system=system)
    services.system_publish(actor=actors["evaluator_a"], system=copy)
    entry = AuditEntry.objects.get(action="quality.system_retire")
    assert entry.object_id == str(system.pk)
    assert entry.before == {"status": "published"}
    assert entry.after == {"status": "retired", "replaced_by": copy.pk}
    with pytest.raises(Conflict) as exc:
        services.system_publish(actor=actors["evaluator_a"], system=copy)
    assert exc.value.code == "frozen"
