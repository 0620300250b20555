"""The report finds the weaknesses planted in a simulated history, and says when the data are unfit."""

import datetime

import pytest

from servicehall.quality import report, services
from servicehall.quality.simulate import simulate
from tests.queueing.conftest import window


@pytest.fixture
def published(actors, hall_a):
    system = services.system_from_template(actor=actors["evaluator_a"], hall=hall_a, template="article")
    services.judgement_submit(actor=actors["evaluator_a"], system=system, parent=None,
                              matrix=[[1, 1 / 3, 2], [3, 1, 5], [1 / 2, 1 / 5, 1]])
    services.system_publish(actor=actors["evaluator_a"], system=system)
    q = services.questionnaire_generate(actor=actors["evaluator_a"], system=system)
    services.questionnaire_publish(actor=actors["evaluator_a"], questionnaire=q)
    return system, q


def test_the_report_finds_the_planted_weaknesses(clock, hall_a, items_a, actors, published):
    system, q = published
    start = datetime.date(2030, 2, 1)
    made = simulate(hall=hall_a, questionnaire=q, days=10, tickets_per_day=60, start=start,
                    bad_window=window(hall_a, "3"))
    assert made["tickets"] == 600 and made["responses"] > 80
    services.cleaning_run(actor=actors["evaluator_a"], questionnaire=q)
    scope = report.Scope(hall_a, start, start + datetime.timedelta(days=9))
    built = report.report_build(system=system, scope=scope)
    weakest = [r["code"] for r in built["weakest"]]
    # The long waits (B2, B3: efficiency carries the largest weight) and the poor environment (C2) come first.
    assert {"B2", "B3"} <= set(weakest[:3]), weakest
    by_code = {r["code"]: r for r in built["indicators"]}
    assert by_code["C2"]["score"] < 40 < by_code["C1"]["score"]
    assert 35 <= built["objective"]["wait_mean"] <= 45
    assert 0 < built["index"] < 100 and built["previous_index"] is None  # no history before February
    # The window that draws the bad ratings ranks last.
    ranked = report.ranking(system=system, scope=scope)
    assert ranked[-1]["label"].startswith("3 ")
    # Reliability: the simulated answers are consistent within each dimension.
    alphas = {r["dimension"]: r["alpha"] for r in built["reliability"] if r["dimension"] != "KMO"}
    assert all(a is not None and a > 0.6 for a in alphas.values()), alphas
    assert built["methods"]["cleaning"]["total"] == made["responses"]
    assert built["ratings"]["bad"] > 0


def test_the_report_warns_when_answers_are_noise(clock, hall_a, items_a, actors, published):
    import random

    from servicehall.quality.models import QuestionnaireResponse

    system, q = published
    rng = random.Random(3)
    likert = [i["key"] for i in q.items if i["kind"] == "likert"]
    day = datetime.datetime(2030, 2, 3, 10, tzinfo=datetime.UTC)
    QuestionnaireResponse.objects.bulk_create([
        QuestionnaireResponse(questionnaire=q, hall=hall_a, channel="phone", started_at=day,
                              submitted_at=day + datetime.timedelta(minutes=3),
                              answers={k: rng.randint(1, 5) for k in likert}) for _ in range(60)])
    built = report.report_build(system=system, scope=report.Scope(hall_a, datetime.date(2030, 2, 1),
                                                                  datetime.date(2030, 2, 28)))
    warnings = [w for r in built["reliability"] for w in r["warnings"]]
    assert any("α" in w for w in warnings) and any("KMO" in w for w in warnings), warnings
