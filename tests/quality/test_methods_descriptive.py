"""Descriptive statistics against R, SERVQUAL gaps and importance–performance quadrants by hand.

Reference numbers from R 4.2.2 (computed once, hard-coded): ``mean``, ``sd``, ``t.test(y)$conf.int``
(and ``conf.level = 0.99``), ``table(y)`` and ``quantile(y, …, type = 7)`` — R's type 7 is the same
definition as numpy's default "linear" method and Excel's PERCENTILE.INC, but an independent program.
"""

import math

import numpy as np
import pytest

from servicehall.quality.descriptive import (
    QUADRANTS,
    describe,
    importance_performance,
    percentile,
    servqual_gaps,
)

# Sixteen answers to one five-point item, two of them missing (None and NaN).
LIKERT = [5, 4, 4, 3, 5, None, 2, 4, 5, 4, 3, 5, 1, 4, math.nan, 5]
WAITS = [12.5, 3.2, 7.7, 15.1, 9.0, 4.4, 11.8]


class TestDescribe:
    def test_mean_sd_se_and_t_interval_match_r(self):
        result = describe(LIKERT)
        # R: y <- x[!is.na(x)]; length(y) 14, mean 3.85714285714, sd 1.23145585243, sd/sqrt(n) 0.329120420481,
        # t.test(y)$conf.int 3.14612141653 4.56816429775.
        assert result.n == 14
        assert result.mean == pytest.approx(3.85714285714, abs=1e-10)
        assert result.sd == pytest.approx(1.23145585243, abs=1e-10)
        assert result.se == pytest.approx(0.329120420481, abs=1e-11)
        assert (result.ci_low, result.ci_high) == pytest.approx((3.14612141653, 4.56816429775), abs=1e-10)
        assert (result.min, result.max) == (1.0, 5.0)

    def test_a_99_percent_interval_matches_r(self):
        # R: t.test(y, conf.level = 0.99)$conf.int 2.86574136650 4.84854434779.
        result = describe(LIKERT, confidence=0.99)
        assert (result.ci_low, result.ci_high) == pytest.approx((2.86574136650, 4.84854434779), abs=1e-10)

    def test_continuous_values_match_r_and_have_no_distribution(self):
        # R: sd(z) 4.35354261876; t.test(z)$conf.int 5.07364461892 13.12635538108.
        result = describe(WAITS)
        assert result.sd == pytest.approx(4.35354261876, abs=1e-10)
        assert (result.ci_low, result.ci_high) == pytest.approx((5.07364461892, 13.12635538108), abs=1e-10)
        assert result.distribution is None

    def test_the_distribution_counts_each_grade_as_r_table_does(self):
        # R: table(y) → 1:1 2:1 3:2 4:5 5:5.
        assert describe(LIKERT).distribution == {1: 1, 2: 1, 3: 2, 4: 5, 5: 5}

    def test_grades_nobody_chose_appear_with_zero_when_the_scale_is_given(self):
        assert describe([4, 5, 5, None], levels=range(1, 6)).distribution == {1: 0, 2: 0, 3: 0, 4: 1, 5: 2}

    def test_one_answer_has_a_mean_but_no_spread(self):
        result = describe([4, None])
        assert (result.n, result.mean, result.sd, result.se, result.ci_low, result.ci_high) == (
            1,
            4.0,
            None,
            None,
            None,
            None,
        )

    @pytest.mark.parametrize(
        "values, kwargs, message",
        [
            ([None, math.nan], {}, "no answers to describe"),
            ([], {}, "no answers to describe"),
            ([1, "good"], {}, "numbers or None"),
            ([1, math.inf], {}, "finite"),
            ([[1, 2], [3, 4]], {}, "flat list"),
            (None, {}, "list of numbers"),
            ([1, 2], {"confidence": 1.5}, "confidence must be between 0 and 1"),
            ([1, 7], {"levels": range(1, 6)}, r"answers \[7\] are outside the scale \[1, 2, 3, 4, 5\]"),
            ([1.5, 2], {"levels": range(1, 6)}, "not whole numbers"),
        ],
    )
    def test_bad_values_are_refused(self, values, kwargs, message):
        with pytest.raises(ValueError, match=message):
            describe(values, **kwargs)


class TestPercentile:
    def test_percentiles_of_likert_answers_match_r_type_7(self):
        # R: quantile(y, c(0, .1, .25, .5, .75, .9, 1), type = 7) → 1.00 2.30 3.25 4.00 5.00 5.00 5.00.
        assert percentile(LIKERT, [0, 10, 25, 50, 75, 90, 100]) == pytest.approx(
            [1.0, 2.3, 3.25, 4.0, 5.0, 5.0, 5.0], abs=1e-12
        )

    def test_percentiles_of_waiting_times_match_r_type_7(self):
        # R: quantile(z, c(.05, .33, .5, .95), type = 7) → 3.560 7.634 9.000 14.320.
        assert percentile(WAITS, [5, 33, 50, 95]) == pytest.approx([3.56, 7.634, 9.0, 14.32], abs=1e-12)

    def test_a_single_percentile_is_a_number(self):
        assert percentile(WAITS, 50) == 9.0

    def test_it_agrees_with_numpy_linear(self):
        qs = [0, 7.5, 33.3, 50, 62.5, 99, 100]
        assert percentile(WAITS, qs) == pytest.approx(np.percentile(WAITS, qs).tolist(), abs=1e-12)

    @pytest.mark.parametrize("q", [-1, 101, [50, 120], math.nan])
    def test_a_percentile_outside_0_to_100_is_refused(self, q):
        with pytest.raises(ValueError, match="between 0 and 100"):
            percentile(WAITS, q)

    def test_all_missing_is_refused(self):
        with pytest.raises(ValueError, match="all missing"):
            percentile([None], 50)


# Four respondents, four items; respondent 1 skipped the perception of item 3, respondent 2 its expectation.
PERCEPTION = [[5, 4, 3, 4], [4, 4, 2, None], [5, 3, 3, 4], [3, 5, 4, 5]]
EXPECTATION = [[5, 5, 4, 5], [5, 4, 4, 5], [4, 5, 5, None], [5, 5, 5, 5]]
DIMENSIONS = {"有形性": [0, 1], "可靠性": [2, 3]}


class TestServqualGaps:
    def test_item_gaps_are_paired_perception_minus_expectation(self):
        result = servqual_gaps(PERCEPTION, EXPECTATION, dimensions=DIMENSIONS)
        # By hand. Item 0: P (5+4+5+3)/4 = 4.25, E (5+5+4+5)/4 = 4.75, gap −0.5. Item 1: 4 − 4.75 = −0.75.
        # Item 2: 3 − 4.5 = −1.5. Item 3, respondents 0 and 3 only: P 4.5, E 5, gap −0.5.
        assert result.perception == pytest.approx([4.25, 4.0, 3.0, 4.5])
        assert result.expectation == pytest.approx([4.75, 4.75, 4.5, 5.0])
        assert result.item_gaps == pytest.approx([-0.5, -0.75, -1.5, -0.5])
        assert result.n == [4, 4, 4, 2]

    def test_an_unpaired_answer_does_not_shift_the_gap(self):
        # Unpaired means would give item 3 a gap of (4+4+5)/3 − (5+5+5)/3 = −0.667 instead of −0.5.
        assert servqual_gaps(PERCEPTION, EXPECTATION).item_gaps[3] == pytest.approx(-0.5)

    def test_dimension_gaps_average_their_items_gaps(self):
        result = servqual_gaps(PERCEPTION, EXPECTATION, dimensions=DIMENSIONS)
        # 有形性 (−0.5 − 0.75)/2 = −0.625; 可靠性 (−1.5 − 0.5)/2 = −1.0; overall −3.25/4 = −0.8125.
        assert result.dimension_gaps == pytest.approx({"有形性": -0.625, "可靠性": -1.0})
        assert result.overall == pytest.approx(-0.8125)

    @pytest.mark.parametrize(
        "perception, expectation, dimensions, message",
        [
            (PERCEPTION, EXPECTATION[:3], None, r"same respondents and items"),
            (
                [[5, None], [4, None]],
                [[5, 4], [4, 4]],
                None,
                "nobody answered both perception and expectation of item 1",
            ),
            (PERCEPTION, EXPECTATION, {"共情性": [4]}, r"names items \[4\] but there are items 0 to 3"),
            (PERCEPTION, EXPECTATION, {"共情性": []}, "has no items"),
            ([[5, 4], [3]], [[5, 4], [3, 3]], None, "all the same length"),
        ],
    )
    def test_bad_input_is_refused(self, perception, expectation, dimensions, message):
        with pytest.raises(ValueError, match=message):
            servqual_gaps(perception, expectation, dimensions=dimensions)


class TestImportancePerformance:
    def test_items_fall_in_martilla_and_james_quadrants_around_the_grand_means(self):
        # Grand means by hand: importance 20/5 = 4.0, performance 19.1/5 = 3.82.
        result = importance_performance([4.5, 4.2, 3.1, 3.4, 4.8], [3.2, 4.6, 3.0, 4.4, 3.9])
        assert result.importance_mean == pytest.approx(4.0)
        assert result.performance_mean == pytest.approx(3.82)
        assert result.quadrants == [
            "concentrate here",
            "keep up the good work",
            "low priority",
            "possible overkill",
            "keep up the good work",
        ]

    def test_an_item_on_a_cross_hair_counts_as_high(self):
        result = importance_performance([4, 2, 3], [1, 5, 3])
        assert result.quadrants[2] == "keep up the good work"

    def test_there_are_four_quadrants(self):
        assert set(QUADRANTS.values()) == {
            "concentrate here",
            "keep up the good work",
            "low priority",
            "possible overkill",
        }

    @pytest.mark.parametrize(
        "importance, performance, message",
        [
            ([4, 3], [3, 4, 5], "2 importance means but 3 performance means"),
            ([4], [3], "at least two items"),
            ([4, None], [3, 4], "no missing values"),
        ],
    )
    def test_bad_input_is_refused(self, importance, performance, message):
        with pytest.raises(ValueError, match=message):
            importance_performance(importance, performance)
