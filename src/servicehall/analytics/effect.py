"""Did a change work? Before/after of one measure around the day a change was made, for the services it
touched and, where some were left alone, the others as a control (difference-in-differences).

The article claims online booking and information management improved quality most; a hall can test
that on its own data: mark the day "online booking for 不动产 opened" and compare waits, service times,
no-shows and good ratings before and after. Waits everywhere also move with the season and the staff
on duty, so a plain before/after of the touched services would credit the change with that drift; the
untouched services of the same days carry the drift too, and their change is subtracted
(``(T_after − T_before) − (C_after − C_before)``).

The estimate is the interaction of an ordinary least-squares fit ``y ~ treated + after + treated:after``
with heteroscedasticity-robust (HC1) standard errors (statsmodels); without a control it is the
before/after difference of the touched services with Welch's t-test (scipy). Below ``MIN_SAMPLE``
observations in any cell the answer is "not enough data", and a p-value of 0.05 or more is reported
plainly as "no detectable effect" — never as a small improvement.

Pure: observations in, figures out.
"""

import math
from dataclasses import dataclass

import numpy as np

MIN_SAMPLE = 20
ALPHA = 0.05


@dataclass(frozen=True)
class Observation:
    treated: bool
    after: bool
    value: float


@dataclass(frozen=True)
class Effect:
    n: dict  # {"treated_before", "treated_after", "control_before", "control_after"}
    means: dict  # the same keys; None where empty
    estimate: float | None  # the change attributed to the marked change, in the measure's unit
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    method: str  # "did", "before_after" or "insufficient"
    verdict: str  # "improved", "worsened", "no_effect", "insufficient"


CELLS = ("treated_before", "treated_after", "control_before", "control_after")


def _cell(o: Observation) -> str:
    return f"{'treated' if o.treated else 'control'}_{'after' if o.after else 'before'}"


def _verdict(estimate: float, p: float, lower_is_better: bool) -> str:
    if p >= ALPHA or estimate == 0:
        return "no_effect"
    better = estimate < 0 if lower_is_better else estimate > 0
    return "improved" if better else "worsened"


def estimate(observations: list[Observation], *, lower_is_better: bool) -> Effect:
    """The effect of the change on one measure (see the module's docstring)."""
    groups: dict[str, list[float]] = {c: [] for c in CELLS}
    for o in observations:
        if o.value is not None and math.isfinite(o.value):
            groups[_cell(o)].append(float(o.value))
    n = {c: len(v) for c, v in groups.items()}
    means = {c: (float(np.mean(v)) if v else None) for c, v in groups.items()}
    if min(n["treated_before"], n["treated_after"]) < MIN_SAMPLE:
        return Effect(n, means, None, None, None, None, "insufficient", "insufficient")
    if min(n["control_before"], n["control_after"]) >= MIN_SAMPLE:
        return _did(groups, n, means, lower_is_better)
    return _before_after(groups, n, means, lower_is_better)


def _did(groups, n, means, lower_is_better: bool) -> Effect:
    import statsmodels.api as sm

    rows = [
        (1.0 if cell.startswith("treated") else 0.0, 1.0 if cell.endswith("after") else 0.0, y)
        for cell, values in groups.items()
        for y in values
    ]
    data = np.array(rows)
    treated, after, y = data[:, 0], data[:, 1], data[:, 2]
    x = sm.add_constant(np.column_stack([treated, after, treated * after]), has_constant="add")
    if np.ptp(y) == 0:  # every value the same: nothing changed, and OLS has no variance to test
        return Effect(n, means, 0.0, 0.0, 0.0, 1.0, "did", "no_effect")
    fit = sm.OLS(y, x).fit(cov_type="HC1")
    est, p = float(fit.params[3]), float(fit.pvalues[3])
    low, high = (float(v) for v in fit.conf_int(alpha=ALPHA)[3])
    return Effect(n, means, est, low, high, p, "did", _verdict(est, p, lower_is_better))


def _before_after(groups, n, means, lower_is_better: bool) -> Effect:
    from scipy import stats

    before, after = np.array(groups["treated_before"]), np.array(groups["treated_after"])
    est = float(after.mean() - before.mean())
    if np.ptp(np.concatenate([before, after])) == 0:
        return Effect(n, means, 0.0, 0.0, 0.0, 1.0, "before_after", "no_effect")
    test = stats.ttest_ind(after, before, equal_var=False)
    va, vb = after.var(ddof=1) / len(after), before.var(ddof=1) / len(before)
    se = math.sqrt(va + vb)
    dof = (va + vb) ** 2 / (va**2 / (len(after) - 1) + vb**2 / (len(before) - 1)) if se else 1.0
    half = float(stats.t.ppf(1 - ALPHA / 2, dof)) * se
    p = float(test.pvalue)
    return Effect(n, means, est, est - half, est + half, p, "before_after", _verdict(est, p, lower_is_better))
