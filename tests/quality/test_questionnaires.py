"""Questionnaires generated from an indicator system, answered on the phone or entered from paper, and
cleaned into a stored run."""

import datetime

import pytest

from servicehall.core.errors import Conflict, Invalid
from servicehall.quality import services
from servicehall.quality.choices import RatingChannel
from servicehall.quality.models import QuestionnaireResponse


@pytest.fixture
def system(actors, hall_a):
    return services.system_from_template(actor=actors["evaluator_a"], hall=hall_a, template="article")


def test_generated_from_the_subjective_indicators(system, actors):
    q = services.questionnaire_generate(actor=actors["evaluator_a"], system=system, importance=True)
    kinds = [i["kind"] for i in q.items]
    assert kinds.count("likert") == 16 and kinds.count("importance") == 8 and kinds[-1] == "text"
    assert {i["indicator"] for i in q.items if i["kind"] == "likert"} == {
        "A1", "A2", "A3", "B1", "B4", "C1", "C2", "C3"}  # the objective ones come from the queue
    pairs = services.questionnaire_generate(actor=actors["evaluator_a"], system=system, servqual=True, scale=7)
    assert [i["kind"] for i in pairs.items[:2]] == ["expectation", "perception"] and pairs.scale == 7
    with pytest.raises(Invalid):
        services.questionnaire_generate(actor=actors["evaluator_a"], system=system, scale=4)


def test_answer_online_and_on_paper_then_clean(clock, system, actors, served):
    q = services.questionnaire_generate(actor=actors["evaluator_a"], system=system)
    likert = [i["key"] for i in q.items if i["kind"] == "likert"]
    with pytest.raises(Conflict):
        services.response_submit(actor=actors["citizen"], questionnaire=q, answers={}, channel=RatingChannel.PHONE)
    services.questionnaire_publish(actor=actors["evaluator_a"], questionnaire=q)
    with pytest.raises(Invalid) as exc:
        services.response_submit(actor=actors["citizen"], questionnaire=q, answers={likert[0]: 9},
                                 channel=RatingChannel.PHONE)
    assert likert[0] in exc.value.fields and not QuestionnaireResponse.objects.exists()
    start = clock.now
    clock.advance(minutes=4)
    ticket = served()
    good = {k: 4 + n % 2 for n, k in enumerate(likert)} | {"comment": "窗口人员很耐心"}
    services.response_submit(actor=actors["citizen"], questionnaire=q, answers=good, channel=RatingChannel.PHONE,
                             ticket=ticket, started_at=start)
    services.response_submit(actor=actors["citizen"], questionnaire=q, answers=good, channel=RatingChannel.PHONE,
                             ticket=ticket, started_at=start)  # the same ticket twice
    paper = {k: 3 for k in likert} | {likert[0]: 8}  # a typo on paper is kept as entered
    services.response_submit(actor=actors["evaluator_a"], questionnaire=q, answers=paper,
                             channel=RatingChannel.PAPER, started_at=clock.now - datetime.timedelta(minutes=5))
    assert QuestionnaireResponse.objects.get(channel="paper").answers[likert[0]] == 8
    run = services.cleaning_run(actor=actors["evaluator_a"], questionnaire=q)
    assert (run.total, run.valid) == (3, 1)
    assert (run.counts["duplicate"], run.counts["out_of_range"], run.counts["straight_line"]) == (1, 1, 0)
    assert run.valid_rate == round(1 / 3, 4) and run.rules["speeder_fraction"] == 0.3
