"""Cronbach's α, KMO and Bartlett's test against two independent implementations.

Reference numbers were computed once, outside the test suite, and are hard-coded here (the suite imports
neither package):

- R 4.2.2 with psych 2.2.9: ``alpha(x)`` (``$total$raw_alpha``, ``$feldt``, ``$alpha.drop$raw_alpha``,
  ``$item.stats$r.drop``), ``KMO(x)`` (``$MSA``, ``$MSAi``) and ``cortest.bartlett(cor(x), n = nrow(x))``;
- pingouin 0.7.0 ``cronbach_alpha`` (which prints the interval to 3 decimals) and factor_analyzer 0.5.1
  ``calculate_kmo`` / ``calculate_bartlett_sphericity``, which agree with R to every printed digit.

GOOD is a fixed set of 40 answers to 8 five-point items, made from two correlated factors (items 0–3 and
4–7); NOISE is 40 answers to 6 items drawn independently and uniformly from 1–5, so α and KMO must be poor.
MISSING is pingouin's ``cronbach_wide_missing`` data set (12 respondents, 11 binary items, 4 missing
answers in 3 rows).
"""

import math

import numpy as np
import pytest

from servicehall.quality.reliability import complete_rows, cronbach_alpha, kmo_bartlett, kmo_label

GOOD = [
    [3, 3, 3, 3, 3, 3, 2, 4],
    [3, 3, 3, 2, 3, 2, 3, 3],
    [4, 3, 4, 4, 1, 2, 2, 4],
    [1, 1, 3, 3, 1, 2, 2, 1],
    [3, 4, 4, 4, 3, 4, 4, 3],
    [3, 3, 2, 2, 3, 2, 3, 3],
    [4, 2, 3, 3, 2, 2, 4, 3],
    [3, 4, 3, 4, 3, 3, 2, 3],
    [2, 1, 3, 2, 2, 1, 4, 2],
    [4, 4, 3, 3, 4, 4, 5, 5],
    [2, 3, 2, 4, 3, 3, 3, 2],
    [4, 3, 5, 4, 4, 3, 4, 5],
    [4, 4, 4, 2, 3, 3, 4, 3],
    [2, 3, 2, 3, 4, 5, 4, 4],
    [3, 3, 2, 2, 2, 3, 2, 4],
    [2, 2, 3, 1, 3, 4, 3, 4],
    [3, 2, 2, 4, 2, 3, 3, 1],
    [4, 4, 4, 2, 3, 2, 3, 2],
    [5, 4, 4, 4, 3, 2, 3, 3],
    [4, 4, 3, 5, 3, 4, 4, 4],
    [4, 3, 4, 4, 2, 3, 2, 2],
    [2, 3, 2, 3, 3, 3, 5, 2],
    [3, 3, 4, 3, 3, 4, 4, 5],
    [3, 4, 4, 3, 3, 4, 4, 5],
    [3, 3, 3, 3, 5, 4, 5, 3],
    [4, 3, 5, 4, 4, 5, 1, 4],
    [4, 4, 3, 4, 4, 4, 4, 4],
    [4, 4, 3, 4, 4, 5, 5, 3],
    [5, 5, 5, 3, 4, 5, 4, 4],
    [4, 3, 3, 2, 2, 2, 3, 1],
    [4, 5, 4, 4, 5, 5, 5, 5],
    [4, 3, 4, 4, 3, 2, 2, 3],
    [5, 5, 5, 4, 3, 4, 5, 2],
    [1, 2, 2, 1, 3, 3, 3, 1],
    [4, 5, 4, 4, 3, 3, 3, 4],
    [3, 2, 3, 3, 3, 3, 4, 3],
    [2, 2, 3, 5, 2, 3, 3, 1],
    [3, 4, 4, 3, 4, 4, 5, 4],
    [1, 3, 3, 3, 2, 2, 2, 4],
    [3, 3, 2, 1, 3, 3, 2, 3],
]
NOISE = [
    [5, 5, 3, 4, 4, 4],
    [1, 1, 4, 1, 4, 5],
    [2, 4, 2, 3, 1, 2],
    [4, 1, 4, 1, 5, 5],
    [2, 5, 5, 4, 4, 5],
    [5, 2, 3, 1, 1, 5],
    [4, 2, 4, 4, 1, 2],
    [5, 2, 1, 4, 1, 3],
    [4, 2, 4, 5, 5, 1],
    [5, 4, 1, 3, 3, 1],
    [1, 4, 5, 3, 2, 5],
    [2, 1, 4, 5, 1, 3],
    [5, 5, 2, 1, 4, 4],
    [3, 3, 2, 2, 4, 2],
    [1, 4, 5, 3, 4, 2],
    [3, 3, 4, 2, 1, 2],
    [2, 2, 5, 2, 5, 5],
    [4, 1, 5, 2, 4, 4],
    [5, 3, 5, 5, 2, 5],
    [4, 2, 5, 5, 2, 4],
    [3, 1, 1, 3, 3, 4],
    [4, 2, 3, 5, 5, 5],
    [3, 1, 1, 2, 4, 5],
    [2, 2, 1, 4, 1, 2],
    [3, 5, 4, 4, 2, 4],
    [1, 1, 2, 2, 1, 1],
    [2, 1, 4, 1, 4, 2],
    [3, 3, 3, 1, 2, 5],
    [5, 5, 5, 4, 5, 1],
    [2, 4, 4, 4, 2, 4],
    [3, 4, 1, 3, 1, 2],
    [1, 3, 1, 2, 4, 3],
    [5, 1, 4, 5, 3, 4],
    [4, 4, 3, 5, 2, 2],
    [5, 4, 3, 3, 1, 3],
    [5, 4, 5, 4, 4, 2],
    [5, 3, 4, 4, 1, 5],
    [3, 2, 4, 5, 4, 4],
    [1, 1, 5, 3, 4, 5],
    [1, 5, 1, 5, 5, 3],
]
MISSING = [
    [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1],
    [1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 0],
    [None, 0, 1, 1, None, 1, 1, 1, 1, 0, 0],
    [1, 1, 1, 0, 1, 1, 0, 1, 1, 0, 0],
    [1, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0],
    [0, 1, math.nan, 0, 1, 1, 1, 1, 0, 0, 0],
    [1, 1, 1, 1, 0, 0, 1, 0, 0, 0, 0],
    [1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0],
    [0, 1, 0, 1, 1, 0, 0, 0, 0, 1, 0],
    [1, 0, 0, 1, 0, 1, 0, 0, None, 0, 0],
    [1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0],
    [1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0],
]


class TestCronbachAlpha:
    def test_alpha_and_its_feldt_interval_match_r_psych(self):
        result = cronbach_alpha(GOOD)
        # psych::alpha(GOOD): raw_alpha 0.8080980021, feldt lower 0.7030092387, upper 0.8863103874;
        # pingouin.cronbach_alpha(GOOD): (0.808098, [0.703, 0.886]).
        assert result.alpha == pytest.approx(0.8080980021, abs=1e-9)
        assert result.ci_low == pytest.approx(0.7030092387, abs=1e-9)
        assert result.ci_high == pytest.approx(0.8863103874, abs=1e-9)
        assert (result.n, result.k, result.dropped, result.confidence) == (40, 8, 0, 0.95)

    def test_alpha_if_deleted_matches_r_psych(self):
        # psych::alpha(GOOD)$alpha.drop$raw_alpha
        assert cronbach_alpha(GOOD).alpha_if_deleted == pytest.approx(
            [
                0.7811082123,
                0.7552829513,
                0.7890345117,
                0.8154298964,
                0.7718576559,
                0.7732859769,
                0.8080432066,
                0.7923165215,
            ],
            abs=1e-9,
        )

    def test_corrected_item_total_correlations_match_r_psych(self):
        # psych::alpha(GOOD)$item.stats$r.drop
        assert cronbach_alpha(GOOD).item_total == pytest.approx(
            [
                0.5569106829,
                0.7327850304,
                0.5067747341,
                0.3156301918,
                0.6387514055,
                0.6085735901,
                0.3816043076,
                0.4959248372,
            ],
            abs=1e-9,
        )

    def test_one_dimension_alone_matches_r_psych(self):
        result = cronbach_alpha([row[:4] for row in GOOD])
        # psych::alpha(GOOD[, 1:4]): raw_alpha, feldt, alpha.drop, r.drop.
        assert result.alpha == pytest.approx(0.7755651238, abs=1e-9)
        assert (result.ci_low, result.ci_high) == pytest.approx((0.6356180287, 0.8708091849), abs=1e-9)
        assert result.alpha_if_deleted == pytest.approx(
            [0.6512388379, 0.7014055537, 0.7030440415, 0.8125250501], abs=1e-9
        )
        assert result.item_total == pytest.approx(
            [0.7024624831, 0.6164688420, 0.6210699161, 0.3999436790], abs=1e-9
        )

    def test_the_confidence_level_changes_the_interval_as_in_pingouin(self):
        result = cronbach_alpha(GOOD, confidence=0.90)
        # pingouin.cronbach_alpha(GOOD, ci=0.90): (0.808098, [0.723, 0.876]).
        assert (result.ci_low, result.ci_high) == pytest.approx((0.723, 0.876), abs=5e-4)
        assert result.confidence == 0.90

    def test_independent_random_items_give_a_poor_alpha_matching_r_psych(self):
        result = cronbach_alpha(NOISE)
        # psych::alpha(NOISE): raw_alpha 0.2508085382, feldt -0.1765603357 … 0.5600914266.
        assert result.alpha == pytest.approx(0.2508085382, abs=1e-9)
        assert (result.ci_low, result.ci_high) == pytest.approx((-0.1765603357, 0.5600914266), abs=1e-9)
        assert result.alpha_if_deleted == pytest.approx(
            [0.22083502848, 0.26742788462, 0.08424539171, 0.18861155246, 0.24932715311, 0.27473828810],
            abs=1e-9,
        )
        assert result.item_total == pytest.approx(
            [0.10407794307, 0.04401622705, 0.26124856660, 0.14550139830, 0.06965014723, 0.03278393986],
            abs=1e-9,
        )
        assert result.alpha < 0.6

    def test_rows_with_a_missing_answer_are_deleted_listwise(self):
        result = cronbach_alpha(MISSING)
        # psych::alpha(MISSING, use = "complete.obs") and pingouin (nan_policy="listwise"): 0.8016949153.
        assert result.alpha == pytest.approx(0.8016949153, abs=1e-9)
        assert (result.n, result.k, result.dropped) == (9, 11, 3)
        assert result.alpha_if_deleted == pytest.approx(
            [
                0.8127208481,
                0.7924528302,
                0.7892416226,
                0.8294753086,
                0.7796451914,
                0.7475678443,
                0.7754137116,
                0.7475678443,
                0.7877959927,
                0.7877959927,
                0.7760141093,
            ],
            abs=1e-9,
        )
        assert result.item_total == pytest.approx(
            [
                0.1188876597,
                0.3992918259,
                0.4285714286,
                0.0,
                0.5185629788,
                0.7806708683,
                0.5544788621,
                0.7806708683,
                0.4481290798,
                0.4481290798,
                0.6141922686,
            ],
            abs=1e-9,
        )

    def test_the_interval_after_listwise_deletion_uses_the_respondents_actually_used(self):
        # psych::alpha(na.omit(MISSING)) and pingouin on MISSING.dropna(): feldt 0.5330031999 … 0.9472079673.
        # Both packages, given the incomplete table with listwise deletion, keep n = 12 in the interval
        # (0.581 … 0.933) although α comes from 9 people; we use n = 9, which is the honest width.
        result = cronbach_alpha(MISSING)
        assert (result.ci_low, result.ci_high) == pytest.approx((0.5330031999, 0.9472079673), abs=1e-9)

    def test_numpy_arrays_are_accepted(self):
        assert cronbach_alpha(np.array(GOOD)).alpha == pytest.approx(0.8080980021, abs=1e-9)

    def test_with_two_items_alpha_if_deleted_is_undefined(self):
        result = cronbach_alpha([row[:2] for row in GOOD])
        assert result.alpha_if_deleted == [None, None]
        assert result.item_total[0] == pytest.approx(float(np.corrcoef(np.array(GOOD)[:, :2].T)[0, 1]))

    def test_an_item_everyone_answered_alike_has_no_item_total_correlation(self):
        rows = [row[:3] + [4] for row in GOOD]
        assert cronbach_alpha(rows).item_total[3] is None

    @pytest.mark.parametrize(
        "rows, message",
        [
            ([[1, 2, 3], [2, 3]], r"same number of items; got row lengths \[2, 3\]"),
            ([[1], [2], [3]], "at least 2 items are needed; got 1"),
            ([[1, 2, 3]], "at least 2 respondents with every item answered are needed; got 1 of 1"),
            ([[1, None, 3], [2, 3, None], [1, 1, 1]], "got 1 of 3"),
            ([[1, "a"], [2, 3]], "numbers or None"),
            ([[1, 2], [math.inf, 3]], "finite"),
            ([[3, 3, 3], [3, 3, 3], [3, 3, 3]], "same total score; α is undefined"),
            (None, "no answers"),
        ],
    )
    def test_bad_answers_are_refused_with_a_clear_message(self, rows, message):
        with pytest.raises(ValueError, match=message):
            cronbach_alpha(rows)

    def test_a_confidence_outside_zero_and_one_is_refused(self):
        with pytest.raises(ValueError, match="confidence must be between 0 and 1; got 95"):
            cronbach_alpha(GOOD, confidence=95)


class TestKmoBartlett:
    def test_kmo_matches_r_psych_and_factor_analyzer(self):
        result = kmo_bartlett(GOOD)
        # psych::KMO(GOOD)$MSA 0.7726591652; factor_analyzer.calculate_kmo: 0.772659.
        assert result.kmo == pytest.approx(0.7726591652, abs=1e-9)
        assert result.kmo_label == "middling"
        # psych::KMO(GOOD)$MSAi
        assert result.kmo_per_item == pytest.approx(
            [
                0.7076748292,
                0.8281385671,
                0.7842488367,
                0.7171101445,
                0.7424475611,
                0.7506338897,
                0.8124750017,
                0.8515434139,
            ],
            abs=1e-9,
        )

    def test_bartlett_matches_r_psych_and_factor_analyzer(self):
        result = kmo_bartlett(GOOD)
        # psych::cortest.bartlett(cor(GOOD), n = 40): chisq 115.3240934, p 1.45633143e-12, df 28;
        # factor_analyzer.calculate_bartlett_sphericity: (115.324093, 1.45633e-12).
        assert result.chi2 == pytest.approx(115.3240934, abs=1e-6)
        assert result.p == pytest.approx(1.45633143e-12, rel=1e-6)
        assert result.df == 28
        assert (result.n, result.k, result.singular) == (40, 8, False)
        assert result.warnings == []

    def test_independent_random_items_are_unfit_and_say_why(self):
        result = kmo_bartlett(NOISE)
        # psych::KMO(NOISE)$MSA 0.5278513985, $MSAi; cortest.bartlett: chisq 11.4758378402, p 0.7181918106.
        assert result.kmo == pytest.approx(0.5278513985, abs=1e-9)
        assert result.kmo_per_item == pytest.approx(
            [0.5809158286, 0.5896285998, 0.4756934179, 0.5030164455, 0.5589232910, 0.5321881216], abs=1e-9
        )
        assert result.chi2 == pytest.approx(11.4758378402, abs=1e-8)
        assert result.p == pytest.approx(0.7181918106, abs=1e-9)
        assert result.df == 15
        assert result.kmo_label == "miserable"
        assert len(result.warnings) == 3
        assert (
            "Bartlett's test is not significant (χ² = 11.48, df = 15, p = 0.718 ≥ 0.05)" in result.warnings[0]
        )
        assert "KMO = 0.528 (miserable) is below 0.6" in result.warnings[1]
        assert result.warnings[2] == "Items with KMO below 0.5, candidates to drop: 2 (0.48)."

    def test_a_singular_matrix_uses_the_pseudo_inverse_and_warns_instead_of_failing(self):
        # Item 8 is the total of items 0–7. factor_analyzer.calculate_kmo falls back to the Moore–Penrose
        # pseudo-inverse of the covariance matrix here too: KMO 0.829659, per item as below.
        rows = [row + [sum(row)] for row in GOOD]
        result = kmo_bartlett(rows)
        assert result.singular
        assert result.kmo == pytest.approx(0.829659, abs=1e-6)
        assert result.kmo_per_item == pytest.approx(
            [0.756704, 0.870807, 0.776204, 0.708402, 0.764974, 0.78906, 0.819619, 0.879252, 0.954278],
            abs=1e-6,
        )
        assert result.chi2 is None and result.p is None and result.df == 36
        assert "singular (some items are exact linear combinations of others)" in result.warnings[0]

    def test_a_duplicated_item_matches_factor_analyzer(self):
        # factor_analyzer.calculate_kmo(GOOD + copy of item 0): 0.702087, items 0 and 8 at 0.595471.
        rows = [row + [row[0]] for row in GOOD]
        result = kmo_bartlett(rows)
        assert result.kmo == pytest.approx(0.702087, abs=1e-6)
        assert [result.kmo_per_item[0], result.kmo_per_item[8]] == pytest.approx(
            [0.595471, 0.595471], abs=1e-6
        )

    def test_fewer_respondents_than_items_warns_and_still_answers(self):
        result = kmo_bartlett([row[:5] for row in GOOD[:4]])
        assert result.singular and result.chi2 is None
        assert "fewer respondents (4) than items (5)" in result.warnings[0]
        assert 0 <= result.kmo <= 1

    def test_missing_answers_remove_their_rows(self):
        rows = [row[:] for row in GOOD] + [[None, 1, 1, 1, 1, 1, 1, 1], [5, 5, 5, 5, 5, 5, 5, math.nan]]
        result = kmo_bartlett(rows)
        assert (result.n, result.dropped) == (40, 2)
        assert result.kmo == pytest.approx(0.7726591652, abs=1e-9)

    def test_an_item_everyone_answered_alike_is_refused_by_index(self):
        with pytest.raises(ValueError, match="items 3 have the same answer from every respondent"):
            kmo_bartlett([row[:3] + [4] for row in GOOD])

    def test_too_few_respondents_are_refused(self):
        with pytest.raises(ValueError, match="at least 3 respondents"):
            kmo_bartlett(GOOD[:2])

    @pytest.mark.parametrize(
        "kmo, label",
        [
            (0.95, "marvelous"),
            (0.85, "meritorious"),
            (0.7, "middling"),
            (0.65, "mediocre"),
            (0.5, "miserable"),
            (0.3, "unacceptable"),
        ],
    )
    def test_kaisers_labels(self, kmo, label):
        assert kmo_label(kmo) == label


def test_complete_rows_reports_how_many_rows_it_dropped():
    used, dropped = complete_rows([[1, 2], [None, 3], [4, 5], [6, math.nan]])
    assert used.tolist() == [[1.0, 2.0], [4.0, 5.0]]
    assert dropped == 2
