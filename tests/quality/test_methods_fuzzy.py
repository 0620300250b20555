"""Fuzzy comprehensive evaluation against published worked examples (模糊综合评价) and hand computation.

Published examples (numbers as printed in the sources):

- CLOTHING: the 服装评判 example, factors 花色/式样/耐穿程度/价格, grades 很欢迎/较欢迎/不太欢迎/不欢迎, two
  groups of customers with weights A1 and A2, evaluated with 主因素决定型 M(∧,∨); printed results
  B1 = (0.2, 0.3, 0.4, 0.1) and B2 = (0.35, 0.4, 0.2, 0.1), unnormalised. Textbook example "Example8_4"
  with its MATLAB program, reproduced at e-com-net.com/article/1276296104417181696.htm.
- GARMENT: 《第七讲 模糊综合评价法》 lecture notes, 例1 (顾客对某种衣服的欢迎程度), W = (0.1, 0.1, 0.15,
  0.3, 0.35), M(∧,∨): B = (0.35, 0.30, 0.30, 0.15), normalised to (0.32, 0.27, 0.27, 0.14) (two decimals).
  Reproduced at m.wenku365.com/p-43535473.html.
- STAFF: 一级模糊综合评判 of an employee (政治表现, 工作能力, 工作态度, 工作成绩; grades 优秀 … 差) from the
  shares of colleagues choosing each grade, A = (0.25, 0.2, 0.25, 0.3), M(·,⊕): B = (0.175, 0.53, 0.275,
  0.02, 0). Textbook example (司守奎《数学建模算法与应用》) as worked in the repository
  RabbitWhite1/Mathematical-Modeling-In-Python.
"""

import math

import pytest

from servicehall.quality.fuzzy import OPERATORS, fuzzy_evaluate, membership_from_ratings, score

CLOTHING_R = [[0.2, 0.5, 0.2, 0.1], [0.7, 0.2, 0.1, 0.0], [0.0, 0.4, 0.5, 0.1], [0.2, 0.3, 0.5, 0.0]]
CLOTHING_A1 = [0.1, 0.2, 0.3, 0.4]
CLOTHING_A2 = [0.4, 0.35, 0.15, 0.1]

GARMENT_W = [0.1, 0.1, 0.15, 0.3, 0.35]
GARMENT_R = [
    [0.2, 0.5, 0.3, 0.0],
    [0.1, 0.3, 0.5, 0.1],
    [0.0, 0.1, 0.6, 0.3],
    [0.0, 0.4, 0.5, 0.1],
    [0.5, 0.3, 0.2, 0.0],
]

STAFF_A = [0.25, 0.2, 0.25, 0.3]
STAFF_R = [
    [0.1, 0.5, 0.4, 0.0, 0.0],
    [0.2, 0.5, 0.2, 0.1, 0.0],
    [0.2, 0.5, 0.3, 0.0, 0.0],
    [0.2, 0.6, 0.2, 0.0, 0.0],
]


class TestPublishedExamples:
    def test_max_min_reproduces_the_clothing_example_for_both_customer_groups(self):
        assert fuzzy_evaluate(CLOTHING_A1, CLOTHING_R, operator="max_min", normalize=False) == pytest.approx(
            [0.2, 0.3, 0.4, 0.1], abs=1e-12
        )
        assert fuzzy_evaluate(CLOTHING_A2, CLOTHING_R, operator="max_min", normalize=False) == pytest.approx(
            [0.35, 0.4, 0.2, 0.1], abs=1e-12
        )

    def test_max_min_reproduces_the_garment_example_before_and_after_normalising(self):
        assert fuzzy_evaluate(GARMENT_W, GARMENT_R, operator="max_min", normalize=False) == pytest.approx(
            [0.35, 0.30, 0.30, 0.15], abs=1e-12
        )
        # Printed to two decimals: (0.32, 0.27, 0.27, 0.14); exactly (0.35, 0.3, 0.3, 0.15) / 1.1.
        normalised = fuzzy_evaluate(GARMENT_W, GARMENT_R, operator="max_min")
        assert normalised == pytest.approx([0.32, 0.27, 0.27, 0.14], abs=5e-3)
        assert normalised == pytest.approx([0.35 / 1.1, 0.3 / 1.1, 0.3 / 1.1, 0.15 / 1.1], abs=1e-12)

    def test_weighted_average_reproduces_the_staff_example(self):
        assert fuzzy_evaluate(STAFF_A, STAFF_R) == pytest.approx([0.175, 0.53, 0.275, 0.02, 0.0], abs=1e-12)

    def test_the_staff_example_starting_from_raw_answers(self):
        # Ten colleagues per indicator, grades 5 = 优秀 … 1 = 差, chosen to give the printed shares
        # (政治表现 10 % 优秀, 50 % 良好, 40 % 一般, …); one missing answer per indicator is ignored.
        columns = [
            [5] * 1 + [4] * 5 + [3] * 4,
            [5] * 2 + [4] * 5 + [3] * 2 + [2] * 1,
            [5] * 2 + [4] * 5 + [3] * 3,
            [5] * 2 + [4] * 6 + [3] * 2,
        ]
        rows = [list(answers) for answers in zip(*columns, strict=True)] + [[None, None, math.nan, None]]
        membership = membership_from_ratings(rows)
        for got, want in zip(membership, STAFF_R, strict=True):
            assert got == pytest.approx(want, abs=1e-12)
        b = fuzzy_evaluate(STAFF_A, membership)
        assert b == pytest.approx([0.175, 0.53, 0.275, 0.02, 0.0], abs=1e-12)
        # By hand: 0.175·100 + 0.53·80 + 0.275·60 + 0.02·40 + 0·20 = 77.2.
        assert score(b) == pytest.approx(77.2, abs=1e-9)


class TestOperatorsByHand:
    """Each operator on the clothing example with A1, computed by hand:
    r1 = (.2 .5 .2 .1), r2 = (.7 .2 .1 0), r3 = (0 .4 .5 .1), r4 = (.2 .3 .5 0); w = (.1 .2 .3 .4)."""

    def test_weighted_average_sums_the_weighted_memberships(self):
        # b1 = .02 + .14 + 0 + .08 = .24; b2 = .05 + .04 + .12 + .12 = .33; b3 = .39; b4 = .04.
        assert fuzzy_evaluate(CLOTHING_A1, CLOTHING_R) == pytest.approx([0.24, 0.33, 0.39, 0.04], abs=1e-12)

    def test_max_product_takes_the_largest_weighted_membership(self):
        # b1 = max(.02, .14, 0, .08) = .14; b2 = max(.05, .04, .12, .12) = .12; b3 = .20; b4 = .03.
        raw = fuzzy_evaluate(CLOTHING_A1, CLOTHING_R, operator="max_product", normalize=False)
        assert raw == pytest.approx([0.14, 0.12, 0.20, 0.03], abs=1e-12)
        assert fuzzy_evaluate(CLOTHING_A1, CLOTHING_R, operator="max_product") == pytest.approx(
            [0.14 / 0.49, 0.12 / 0.49, 0.20 / 0.49, 0.03 / 0.49], abs=1e-12
        )

    def test_bounded_sum_adds_the_minima(self):
        # b1 = .1 + .2 + 0 + .2 = .5; b2 = .1 + .2 + .3 + .3 = .9; b3 = .1 + .1 + .3 + .4 = .9; b4 = .2.
        raw = fuzzy_evaluate(CLOTHING_A1, CLOTHING_R, operator="bounded_sum", normalize=False)
        assert raw == pytest.approx([0.5, 0.9, 0.9, 0.2], abs=1e-12)
        assert fuzzy_evaluate(CLOTHING_A1, CLOTHING_R, operator="bounded_sum") == pytest.approx(
            [0.2, 0.36, 0.36, 0.08], abs=1e-12
        )

    def test_max_min_is_normalised_by_default_and_weighted_average_is_not(self):
        assert sum(fuzzy_evaluate(CLOTHING_A2, CLOTHING_R, operator="max_min")) == pytest.approx(1.0)
        # Rows of R that do not sum to 1 give a B that does not either, and it is left alone:
        # b1 = .05 + .02 + .06 + 0 = .13; b2 = .03 + .02 + .06 + .16 = .27.
        assert fuzzy_evaluate(CLOTHING_A1, [[0.5, 0.3], [0.1, 0.1], [0.2, 0.2], [0.0, 0.4]]) == pytest.approx(
            [0.13, 0.27], abs=1e-12
        )

    def test_one_dominant_indicator_decides_max_min_but_not_the_weighted_average(self):
        # Why the operator matters: with M(∧,∨) an indicator weighted 0.7 caps every grade at 0.7 and the
        # rest barely count; with M(·,⊕) every indicator shifts B in proportion to its weight.
        w, r = [0.7, 0.3], [[1.0, 0.0], [0.0, 1.0]]
        assert fuzzy_evaluate(w, r, operator="max_min", normalize=False) == pytest.approx([0.7, 0.3])
        assert fuzzy_evaluate(w, r) == pytest.approx([0.7, 0.3])
        r = [[0.6, 0.4], [0.0, 1.0]]
        assert fuzzy_evaluate(w, r, operator="max_min", normalize=False) == pytest.approx([0.6, 0.4])
        assert fuzzy_evaluate(w, r) == pytest.approx([0.42, 0.58])


class TestMembershipAndScore:
    def test_membership_shares_ignore_missing_answers_and_run_from_the_best_grade(self):
        rows = [[5, 1], [4, None], [5, 3], [None, 3], [3, math.nan]]
        best_first = membership_from_ratings(rows)
        assert best_first[0] == pytest.approx([2 / 4, 1 / 4, 1 / 4, 0, 0])
        assert best_first[1] == pytest.approx([0, 0, 2 / 3, 0, 1 / 3])
        assert membership_from_ratings(rows, best_first=False)[0] == pytest.approx(
            [0, 0, 1 / 4, 1 / 4, 2 / 4]
        )

    def test_a_three_grade_scale(self):
        assert membership_from_ratings([[1], [2], [3], [3]], levels=3) == [[0.5, 0.25, 0.25]]

    def test_the_score_of_an_unnormalised_vector_equals_that_of_its_normalised_form(self):
        raw = fuzzy_evaluate(GARMENT_W, GARMENT_R, operator="max_min", normalize=False)
        normalised = fuzzy_evaluate(GARMENT_W, GARMENT_R, operator="max_min")
        four_grades = (100, 75, 50, 25)
        assert score(raw, four_grades) == pytest.approx(score(normalised, four_grades), abs=1e-12)
        # By hand: (0.35·100 + 0.30·75 + 0.30·50 + 0.15·25) / 1.1 = 76.25 / 1.1.
        assert score(raw, four_grades) == pytest.approx(76.25 / 1.1, abs=1e-12)


class TestBadInput:
    @pytest.mark.parametrize(
        "weights, membership, kwargs, message",
        [
            (
                CLOTHING_A1,
                CLOTHING_R,
                {"operator": "sum"},
                "unknown operator 'sum'; choose one of weighted_average",
            ),
            ([0.5, 0.5], CLOTHING_R, {}, r"2 weights for 4 indicators"),
            ([0.5, 0.6, -0.1, 0.0], CLOTHING_R, {}, "weights must lie between 0 and 1"),
            ([0.1, 0.1, 0.1, 0.1], CLOTHING_R, {}, "weights must sum to 1; they sum to 0.4"),
            (
                CLOTHING_A1,
                [[0.2, 1.5], [0, 1], [0, 1], [0, 1]],
                {},
                "memberships must be numbers between 0 and 1",
            ),
            (CLOTHING_A1, [0.2, 0.3, 0.4, 0.1], {}, "one row per indicator"),
            (CLOTHING_A1, [[0.2, "x"], [0, 1], [0, 1], [0, 1]], {}, "rows of numbers"),
            ([], [], {}, "non-empty"),
            ([1.0], [[0.0, 0.0]], {"operator": "max_min"}, "all zeros and cannot be normalised"),
        ],
    )
    def test_bad_evaluation_input_is_refused(self, weights, membership, kwargs, message):
        with pytest.raises(ValueError, match=message):
            fuzzy_evaluate(weights, membership, **kwargs)

    @pytest.mark.parametrize(
        "rows, levels, message",
        [
            ([[6, 1]], 5, "grade 6 is not an integer from 1 to 5"),
            ([[2.5, 1]], 5, "grade 2.5 is not an integer from 1 to 5"),
            ([[0, 1]], 5, "grade 0 is not"),
            ([[1, None], [2, None]], 5, "indicator 1 has no answers"),
            ([[1, 2]], 1, "levels must be an integer of at least 2"),
            ([[1, 2], [3]], 5, "rows of grades"),
            ([], 5, "one row per respondent"),
        ],
    )
    def test_bad_ratings_are_refused(self, rows, levels, message):
        with pytest.raises(ValueError, match=message):
            membership_from_ratings(rows, levels)

    def test_a_score_needs_one_point_value_per_grade(self):
        with pytest.raises(ValueError, match="4 grades in the evaluation vector but 5 level scores"):
            score([0.25, 0.25, 0.25, 0.25])
        with pytest.raises(ValueError, match="not all zeros"):
            score([0, 0, 0, 0, 0])


def test_every_operator_is_listed():
    assert OPERATORS == ("weighted_average", "max_min", "max_product", "bounded_sum")
