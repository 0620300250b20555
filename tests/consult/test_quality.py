"""The assistant's answer quality on the labelled question set (tests/consult/questions.json)."""

import pytest

from servicehall.consult.evaluation import evaluate

pytestmark = pytest.mark.django_db


def test_the_labelled_set_is_big_enough_in_three_languages(labelled):
    rows = labelled["questions"]
    answerable = [r for r in rows if r["expect"] is not None]
    assert len(answerable) >= 100
    assert len(rows) - len(answerable) >= 15
    assert {r["lang"] for r in rows} == {"zh-hans", "zh-hant", "en"}


def test_the_assistant_finds_the_right_source_and_declines_what_it_does_not_know(knowledge, labelled):
    figures = evaluate(knowledge, labelled)
    print({k: v for k, v in figures.items() if k != "misses"})
    for miss in figures["misses"]:
        print(miss)
    assert figures["top1"] >= 0.85, figures["misses"]
    assert figures["top3"] >= 0.93, figures["misses"]
    assert figures["answered_correctly"] >= 0.8, figures["misses"]
    assert figures["declined_correctly"] >= 0.85, figures["misses"]


def test_the_held_out_set_is_disjoint_valid_and_in_three_languages(labelled):
    """``heldout.json`` measures the assistant on questions nobody tuned it to (``bench/assistant.py``): it
    must not repeat a tuning question, and every label must name something the demo hall has."""
    import json
    from pathlib import Path

    held = json.loads((Path(__file__).parent / "heldout.json").read_text(encoding="utf-8"))
    tuning = {r["q"] for r in labelled["questions"]}
    assert not [r["q"] for r in held["questions"] if r["q"] in tuning]
    assert {r["lang"] for r in held["questions"]} == {"zh-hans", "zh-hant", "en"}
    labels = {r["expect"] for r in held["questions"]} - {None, "hours"}
    assert labels <= set(labelled["items"]) and len(held["questions"]) >= 40
