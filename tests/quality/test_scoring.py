"""The report's scoring alone: no database (none of these tests may touch it), only ``quality.scoring``
with figures, answer matrices and an indicator tree written by hand."""

import ast
import datetime
import math
from pathlib import Path

import numpy as np
from django.utils.translation import override

from servicehall.quality import scoring
from servicehall.quality.choices import Metric

NAN = float("nan")
UTC = datetime.UTC


def leaf(code, kind, weight, global_weight, **extra):
    return {
        "code": code,
        "name": f"指标{code}",
        "name_en": f"Indicator {code}",
        "kind": kind,
        "metric": extra.get("metric", ""),
        "best": extra.get("best"),
        "worst": extra.get("worst"),
        "weight": weight,
        "global_weight": global_weight,
        "children": [],
    }


def dimension(code, weight, children):
    return {
        "code": code,
        "name": f"维度{code}",
        "name_en": f"Dimension {code}",
        "kind": "dimension",
        "weight": weight,
        "global_weight": weight,
        "children": children,
    }


# A: two subjective indicators; B: one objective (mean wait, 5 min best, 35 worst) and one subjective.
TREE = [
    dimension("A", 0.5, [leaf("A1", "subjective", 0.5, 0.25), leaf("A2", "subjective", 0.5, 0.25)]),
    dimension(
        "B",
        0.5,
        [
            leaf("B1", "objective", 0.6, 0.3, metric=Metric.WAIT_MEAN, best=5, worst=35),
            leaf("B2", "subjective", 0.4, 0.2),
        ],
    ),
]
ITEMS = [
    {"key": "A1.1", "indicator": "A1", "kind": "likert", "text": "热情"},
    {"key": "A2.1", "indicator": "A2", "kind": "likert", "text": "高效"},
    {"key": "A1.imp", "indicator": "A1", "kind": "importance", "text": "重要A1"},
    {"key": "A2.imp", "indicator": "A2", "kind": "importance", "text": "重要A2"},
    {"key": "comment", "indicator": "", "kind": "text", "text": "意见"},
]


def test_a_linear_score_is_0_at_worst_100_at_best_and_clamped_in_either_direction():
    assert scoring.score_linear(20, best=5, worst=35) == 50.0  # lower is better
    assert scoring.score_linear(90, best=100, worst=70) == 66.7  # higher is better
    assert scoring.score_linear(1, best=5, worst=35) == 100.0
    assert scoring.score_linear(60, best=5, worst=35) == 0.0
    assert scoring.score_linear(None, best=5, worst=35) is None
    assert scoring.score_linear(10, best=5, worst=5) is None


def test_a_mean_answer_maps_from_the_scale_to_0_100():
    assert scoring.to_score(1, 5) == 0.0
    assert scoring.to_score(5, 5) == 100.0
    assert scoring.to_score(4, 7) == 50.0


def test_the_objective_row_is_none_without_data_and_rates_from_counts():
    empty = scoring.objective_row(np.empty(0), {}, {}, {}, {})
    assert empty[Metric.WAIT_MEAN] is None and empty[Metric.GOOD_RATING_RATE] is None
    assert empty["services"] == 0
    row = scoring.objective_row(
        np.array([2.0, 4.0, 6.0]),
        {"issued": 10, "completed": 8, "no_show": 2, "abandoned": 1},
        {"active": 4, "good": 3, "bad": 1},
        {"n": 8, "ok": 6},
        {"n": 5, "late": 1},
        complaints=2,
    )
    assert row[Metric.WAIT_MEAN] == 4.0
    assert row[Metric.NO_SHOW_RATE] == 20.0  # 2 of the 10 who were due
    assert row[Metric.ABANDON_RATE] == 10.0
    assert row[Metric.SERVICE_VS_STANDARD] == 75.0
    assert row[Metric.APPOINTMENT_PUNCTUALITY] == 80.0
    assert row[Metric.GOOD_RATING_RATE] == 75.0
    assert row[Metric.COMPLAINTS_PER_1000] == 250.0  # real complaints (2), not the bad rating
    assert row["services"] == 8


def test_months_are_clipped_to_the_period():
    got = scoring.months(datetime.date(2030, 1, 20), datetime.date(2030, 3, 5))
    assert got == [
        ("2030-01", datetime.date(2030, 1, 20), datetime.date(2030, 2, 1)),
        ("2030-02", datetime.date(2030, 2, 1), datetime.date(2030, 3, 1)),
        ("2030-03", datetime.date(2030, 3, 1), datetime.date(2030, 3, 6)),
    ]


def test_answer_scores_give_each_indicator_its_mean_and_the_months_their_trend():
    # Columns: the rated items in order (A1.1, A2.1, A1.imp, A2.imp); the text item is not read.
    everything = np.array(
        [
            [5, 3, 5, 2],
            [4, NAN, 4, 3],
            [3, 1, NAN, 2],
        ],
        dtype=float,
    )
    submitted = [
        datetime.datetime(2030, 1, 30, 3, tzinfo=UTC),
        datetime.datetime(2030, 2, 2, 3, tzinfo=UTC),
        datetime.datetime(2030, 2, 3, 3, tzinfo=UTC),
    ]
    period = scoring.months(datetime.date(2030, 1, 20), datetime.date(2030, 2, 10))
    scores, answers = scoring.answer_scores(ITEMS, 5, everything, submitted, period, UTC)
    assert scores["A1"]["n"] == 3 and scores["A1"]["mean"] == 4.0 and scores["A1"]["score"] == 75.0
    assert scores["A2"]["n"] == 2 and scores["A2"]["score"] == 25.0  # the missing answer is not a 0
    assert answers["keys"] == ["A1.1", "A2.1"]
    assert answers["matrix"].shape == (3, 2)
    assert answers["by_month"] == {"2030-01": 75.0, "2030-02": scoring.to_score((4 + 3 + 1) / 3, 5)}
    assert answers["importance"] == {"A1": 4.5, "A2": 7 / 3}
    assert answers["servqual"] is None


def test_servqual_pairs_are_found_by_their_keys():
    items = [
        {"key": "A1.1.e", "indicator": "A1", "kind": "expectation", "text": "热情"},
        {"key": "A1.1.p", "indicator": "A1", "kind": "perception", "text": "热情"},
    ]
    everything = np.array([[5, 4], [5, 3], [4, 4]], dtype=float)
    at = [datetime.datetime(2030, 1, 21, tzinfo=UTC)] * 3
    period = scoring.months(datetime.date(2030, 1, 20), datetime.date(2030, 1, 31))
    _scores, answers = scoring.answer_scores(items, 5, everything, at, period, UTC)
    assert answers["servqual"]["keys"] == ["A1.1"]
    gaps = scoring.servqual(TREE, items, answers)
    assert gaps["overall"] == round((4 + 3 + 4) / 3 - (5 + 5 + 4) / 3, 3)
    assert gaps["items"][0]["text"] == "热情"
    assert gaps["dimensions"][0]["name"] == "A 维度A"


def test_the_index_is_the_weighted_mean_over_the_indicators_with_data():
    subjective = {"A1": {"score": 80.0, "mean": 4.2}, "A2": {"score": 60.0, "mean": 3.4}}
    with override("zh-hans"):
        rows, missing, index, dims = scoring.scored(TREE, {Metric.WAIT_MEAN: 20.0}, subjective)
    assert [r["code"] for r in rows] == ["A1", "A2", "B1"]
    assert [r["code"] for r in missing] == ["B2"]  # no answers: listed, left out of the index
    assert rows[2]["score"] == 50.0 and rows[2]["evidence"]["value"] == 20.0
    assert index == round((0.25 * 80 + 0.25 * 60 + 0.3 * 50) / 0.8, 1)
    assert dims == [
        {"code": "A", "name": "维度A", "weight": 0.5, "score": 70.0},
        {"code": "B", "name": "维度B", "weight": 0.5, "score": 50.0},
    ]
    assert [r["code"] for r in scoring.weakest(rows)] == ["B1", "A2", "A1"]


def test_an_english_page_shows_the_english_names():
    with override("en"):
        rows, _missing, _index, dims = scoring.scored(TREE, {Metric.WAIT_MEAN: 5.0}, {})
    assert rows[0]["name"] == "Indicator B1" and dims[1]["name"] == "Dimension B"


def test_ipa_needs_two_indicators_with_a_stated_importance():
    rows = [
        {"code": "A1", "name": "A1", "kind": "subjective", "evidence": {"mean": 4.5}},
        {"code": "A2", "name": "A2", "kind": "subjective", "evidence": {"mean": 2.5}},
    ]
    assert scoring.ipa(rows[:1], {"importance": {"A1": 4.0}}) is None
    result = scoring.ipa(rows, {"importance": {"A1": 3.0, "A2": 4.8}})
    assert result["performance_mean"] == 3.5
    quadrants = {p["code"]: p["quadrant"] for p in result["points"]}
    assert quadrants == {"A1": "possible overkill", "A2": "concentrate here"}


def test_units_are_scored_apart_and_an_unassigned_row_is_keyed_none():
    items = ITEMS[:2]
    matrix = np.array([[5, 5], [1, NAN], [3, 3]], dtype=float)
    got = scoring.unit_scores(items, 5, matrix, [7, 8, None])
    assert got[7] == {"A1": {"score": 100.0, "mean": 5.0}, "A2": {"score": 100.0, "mean": 5.0}}
    assert got[8] == {"A1": {"score": 0.0, "mean": 1.0}}
    assert got[None]["A2"]["score"] == 50.0


def test_reliability_warns_when_there_are_too_few_answers():
    answers = {"keys": ["A1.1", "A2.1"], "matrix": np.array([[5, 4], [4, NAN]], dtype=float)}
    with override("en"):
        checks = scoring.reliability_checks(TREE, ITEMS, answers)
    assert [c["dimension"] for c in checks] == ["A", "KMO"]
    assert checks[0]["alpha"] is None and "Too few" in checks[0]["warnings"][0]
    assert checks[1]["kmo"] is None
    assert scoring.reliability_checks(TREE, None, answers) == []


def test_the_fuzzy_evaluation_reads_the_share_of_answers_at_each_grade():
    answers = {"keys": ["A1.1", "A2.1"], "matrix": np.array([[5, 4], [5, 4], [3, 4], [5, NAN]], dtype=float)}
    got = scoring.fuzzy_evaluation(TREE, ITEMS, 5, answers, operator="weighted_average")
    # A1: three 5s and a 3 of four; A2: three 4s; equal local weights; only dimension A has answers.
    assert got["dimensions"][0]["b"] == [0.375, 0.5, 0.125, 0.0, 0.0]
    assert got["b"] == got["dimensions"][0]["b"]
    assert math.isclose(got["score"], 0.375 * 100 + 0.5 * 80 + 0.125 * 60, abs_tol=0.05)
    assert scoring.fuzzy_evaluation(TREE, None, 5, answers) is None


def test_the_scoring_module_reads_no_database():
    source = Path(scoring.__file__).read_text(encoding="utf-8")
    imported = {
        node.module
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.ImportFrom) and node.module is not None
    }
    assert not {m for m in imported if m.startswith("django.db") or m.endswith(("models", "selectors"))}
    assert "servicehall.quality.report_data" not in imported


def test_an_indicator_asked_about_and_measured_scores_the_mean_of_both_and_either_alone():
    # The article's 现场排队状况: its statements and the mean wait (5 min scores 100, 60 scores 0).
    tree = [
        dimension(
            "B",
            1.0,
            [leaf("B2", "subjective", 1.0, 1.0, metric=Metric.WAIT_MEAN, best=5, worst=60)],
        )
    ]
    survey = {"B2": {"score": 80.0, "mean": 4.2, "n": 30}}
    with override("zh-hans"):
        both, _m, index, _d = scoring.scored(tree, {Metric.WAIT_MEAN: 32.5}, survey)
        asked, _m2, _i2, _d2 = scoring.scored(tree, {Metric.WAIT_MEAN: None}, survey)
        measured, missing, _i3, _d3 = scoring.scored(tree, {Metric.WAIT_MEAN: 60.0}, {})
        nothing, gone, _i4, _d4 = scoring.scored(tree, {}, {})
    assert both[0]["score"] == 65.0 == index  # (80 + 50) / 2
    assert both[0]["evidence"]["survey_score"] == 80.0 and both[0]["evidence"]["metric_score"] == 50.0
    assert asked[0]["score"] == 80.0
    assert measured[0]["score"] == 0.0 and measured[0]["evidence"]["n"] == 0 and not missing
    assert not nothing and [r["code"] for r in gone] == ["B2"]


def test_a_traditional_chinese_page_shows_the_article_s_own_names():
    tree = [dimension("A", 1.0, [leaf("A1", "subjective", 1.0, 1.0)])]
    tree[0]["name"], tree[0]["children"][0]["name"] = "服务态度", "沟通技巧"
    with override("zh-hant"):
        rows, _m, _i, dims = scoring.scored(tree, {}, {"A1": {"score": 50.0, "mean": 3.0}})
    assert (dims[0]["name"], rows[0]["name"]) == ("服務態度", "溝通技巧")
