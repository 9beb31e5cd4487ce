"""Reference-value tests for the catalogue tests (driftcli/stats/catalogue.py) and effect sizes.

Pinned literals were computed once with SciPy 1.17.1 (the call is in the comment next to each)
and pasted in; the distances without a library reference are worked by hand in the comments.
Seeded comparisons against SciPy cover many sizes, with and without ties, so the shared-sort
implementations (one sort per side, merged without sorting again) stay equal to SciPy.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl
import pytest
from scipy import stats

from driftcli.results.vocabulary import Kind
from driftcli.stats import NotApplicable, all_tests, get_test, is_drift
from driftcli.stats.catalogue import (
    MMD_MAX_PER_SIDE,
    MMD_PERMUTATIONS,
    hellinger_from_shares,
    kl_from_shares,
)
from driftcli.stats.samples import CategoricalSample, Merged, NumericSample

REL = 1e-12
ROOT = Path(__file__).resolve().parents[1]

X = [3.14, 0.61, 2.05, 5.10, 1.23, 4.42, 2.88, 3.97]
Y = [5.95, 2.51, 7.02, 3.33, 6.48, 4.70, 5.26]
XT = [1, 2, 2, 3, 3, 3, 4, 4, 5, 5]
YT = [2, 3, 3, 4, 4, 5, 5, 6, 6, 6, 7]
# fmt: off
# np.round(np.random.default_rng(5).normal(size=40), 2) and (0.5, 1, size=35) after it
A = [-0.8, -1.32, -0.25, 0.42, 1.14, 0.11, -0.55, -0.78, 0.75, 1.63, 0.27, -1.23, -0.96, 1.6,
     0.2, -1.73, -0.08, -1.16, -0.63, -0.49, -0.71, 0.55, -0.06, -0.59, 0.41, 0.83, -1.64,
     -0.26, -0.98, -0.17, -1.29, 0.02, -0.04, -0.3, -1.05, -0.4, -1.09, -1.36, 0.22, -1.11]
B = [1.67, 1.22, -1.5, 0.77, -0.6, 0.53, 0.54, -1.49, 0.27, 0.24, 1.46, -0.68, 1.24, -0.6,
     0.17, -0.34, 1.95, 1.07, 2.93, 1.14, 1.34, 1.34, -0.11, 0.43, 1.85, 0.1, 0.69, 0.48, 1.11,
     0.14, 0.35, 0.74, 0.6, -0.36, 1.4]
# fmt: on

NEW_TESTS = (
    "anderson",
    "cramer_von_mises",
    "energy",
    "epps_singleton",
    "mann_whitney",
    "t_test",
    "mmd",
    "fisher_exact",
    "g_test",
    "hellinger",
    "kl_div",
    "tvd",
    "linf",
)


def num(ref: Sequence[float], cur: Sequence[float]) -> NumericSample:
    return NumericSample.from_series(
        pl.Series(ref, dtype=pl.Float64), pl.Series(cur, dtype=pl.Float64)
    )


def cat(ref_counts: dict[str, int], cur_counts: dict[str, int]) -> CategoricalSample:
    def expand(counts: dict[str, int]) -> pl.Series:
        return pl.Series([k for k, n in counts.items() for _ in range(n)], dtype=pl.String)

    return CategoricalSample.from_series(expand(ref_counts), expand(cur_counts))


def run(name: str, sample: NumericSample | CategoricalSample) -> tuple[float, float]:
    out = get_test(name).run(sample)
    assert out.pvalue is not None
    return out.statistic, out.pvalue


# --------------------------------------------------------------------------------------------
# The merge every rank test shares


def test_merged_runs_hand_worked() -> None:
    # ref [1, 2, 2, 5], cur [2, 3, 5, 5]: union 1 2 2 2 3 5 5 5
    mg = Merged.of(np.array([1.0, 2.0, 2.0, 5.0]), np.array([2.0, 3.0, 5.0, 5.0]))
    assert mg.values.tolist() == [1.0, 2.0, 3.0, 5.0]
    assert mg.start.tolist() == [0, 1, 4, 5]
    assert mg.ties.tolist() == [1, 3, 1, 3]
    assert mg.ref_count.tolist() == [1, 2, 0, 1]
    assert mg.cur_count.tolist() == [0, 1, 1, 2]
    # midranks: 1; (2 + 3 + 4) / 3 = 3; 5; (6 + 7 + 8) / 3 = 7
    assert mg.midranks.tolist() == [1.0, 3.0, 5.0, 7.0]
    assert stats.rankdata([1, 2, 2, 5, 2, 3, 5, 5]).tolist() == [1, 3, 3, 7, 3, 5, 7, 7]


# --------------------------------------------------------------------------------------------
# anderson


def test_anderson_pinned() -> None:
    # scipy.stats.anderson_ksamp([X, Y], variant="midrank")
    # -> SignificanceResult(statistic=2.6868915634591057, pvalue=0.025851499919131493)
    out = get_test("anderson").run(num(X, Y))
    assert out.statistic == pytest.approx(2.6868915634591057, rel=1e-10)
    assert out.pvalue == pytest.approx(0.025851499919131493, rel=1e-10)
    assert out.note is None
    # scipy.stats.anderson_ksamp([XT, YT], variant="midrank")
    # -> SignificanceResult(statistic=2.466275684569872, pvalue=0.03163014228075561)
    stat, p = run("anderson", num(XT, YT))
    assert stat == pytest.approx(2.466275684569872, rel=1e-10)
    assert p == pytest.approx(0.03163014228075561, rel=1e-10)


def test_anderson_caps_like_scipy() -> None:
    # scipy.stats.anderson_ksamp([A, B], variant="midrank")
    # -> SignificanceResult(statistic=9.691919576477638, pvalue=0.001)  (UserWarning: floored)
    out = get_test("anderson").run(num(A, B))
    assert out.statistic == pytest.approx(9.691919576477638, rel=1e-10)
    assert out.pvalue == 0.001
    assert out.note is not None and "floored at 0.001" in out.note
    same = get_test("anderson").run(num(A, A))
    assert same.pvalue == 0.25
    assert same.note is not None and "capped at 0.25" in same.note


# --------------------------------------------------------------------------------------------
# cramer_von_mises


def test_cramer_von_mises_exact_pinned() -> None:
    # scipy.stats.cramervonmises_2samp(X, Y)   (both sides <= 20 values: exact p-value)
    # -> CramerVonMisesResult(statistic=0.5281746031746031, pvalue=0.03480963480963481)
    stat, p = run("cramer_von_mises", num(X, Y))
    assert stat == pytest.approx(0.5281746031746031, rel=REL)
    assert p == pytest.approx(0.03480963480963481, rel=REL)


def test_cramer_von_mises_asymptotic_pinned() -> None:
    # scipy.stats.cramervonmises_2samp(A, B)   (40 and 35 values: asymptotic p-value)
    # -> CramerVonMisesResult(statistic=1.6827063492063488, pvalue=6.355797759272086e-05)
    stat, p = run("cramer_von_mises", num(A, B))
    assert stat == pytest.approx(1.6827063492063488, rel=1e-10)
    assert p == pytest.approx(6.355797759272086e-05, rel=1e-8)


# --------------------------------------------------------------------------------------------
# energy


def test_energy_pinned() -> None:
    # scipy.stats.energy_distance(X, Y) -> 1.267902413678689
    # scipy.stats.energy_distance(XT, YT) -> 0.9172362367730503
    assert get_test("energy").run(num(X, Y)).statistic == pytest.approx(1.267902413678689, rel=REL)
    out = get_test("energy").run(num(XT, YT))
    assert out.statistic == pytest.approx(0.9172362367730503, rel=REL)
    assert out.pvalue is None


def test_energy_hand_worked() -> None:
    # ref [0], cur [1]: the CDFs differ by 1 on [0, 1): sqrt(2 * 1 * 1) = sqrt(2).
    assert get_test("energy").run(num([0.0], [1.0])).statistic == pytest.approx(math.sqrt(2))


# --------------------------------------------------------------------------------------------
# epps_singleton


def test_epps_singleton_pinned() -> None:
    # scipy.stats.epps_singleton_2samp(X, Y)   (small-sample correction applies: max(n) < 25)
    # -> Epps_Singleton_2sampResult(statistic=4.370751505350196, pvalue=0.358149244674725)
    stat, p = run("epps_singleton", num(X, Y))
    assert stat == pytest.approx(4.370751505350196, rel=1e-9)
    assert p == pytest.approx(0.358149244674725, rel=1e-9)
    # scipy.stats.epps_singleton_2samp(A, B)
    # -> Epps_Singleton_2sampResult(statistic=22.20451130515391, pvalue=0.00018248112776795555)
    stat, p = run("epps_singleton", num(A, B))
    assert stat == pytest.approx(22.20451130515391, rel=1e-9)
    assert p == pytest.approx(0.00018248112776795555, rel=1e-8)


def test_epps_singleton_zero_iqr_not_applicable() -> None:
    # 80% zeros on both sides: the pooled quartiles are both 0.
    ref = [0.0] * 40 + [1.0, 2.0, 3.0, 4.0, 5.0] * 2
    cur = [0.0] * 40 + [1.5, 2.5, 3.5, 4.5, 5.5] * 2
    with pytest.raises(NotApplicable, match="interquartile range is 0"):
        get_test("epps_singleton").run(num(ref, cur))


def test_epps_singleton_needs_five_values() -> None:
    with pytest.raises(NotApplicable, match="at least 5"):
        get_test("epps_singleton").run(num([1.0, 2.0, 3.0, 4.0], [1.0, 2.0, 3.0, 4.0, 5.0]))


# --------------------------------------------------------------------------------------------
# mann_whitney


def test_mann_whitney_pinned() -> None:
    # scipy.stats.mannwhitneyu(X, Y, alternative="two-sided")   (exact: n <= 8, no ties)
    # -> MannwhitneyuResult(statistic=9.0, pvalue=0.028904428904428903)
    out = get_test("mann_whitney").run(num(X, Y))
    assert out.statistic == 9.0
    assert out.pvalue == pytest.approx(0.028904428904428903, rel=REL)
    # rank-biserial: 1 - 2 U / (n m) = 1 - 18 / 56 = 0.6785714...
    assert out.effect_size == pytest.approx(1 - 18 / 56, rel=REL)
    assert out.effect_size_name == "rank-biserial r"
    # scipy.stats.mannwhitneyu(XT, YT, alternative="two-sided")   (ties: asymptotic)
    # -> MannwhitneyuResult(statistic=27.0, pvalue=0.04913768021955345)
    stat, p = run("mann_whitney", num(XT, YT))
    assert stat == 27.0
    assert p == pytest.approx(0.04913768021955345, rel=1e-10)
    # scipy.stats.mannwhitneyu(A, B, alternative="two-sided")
    # -> MannwhitneyuResult(statistic=328.0, pvalue=7.966704814818582e-05)
    stat, p = run("mann_whitney", num(A, B))
    assert stat == 328.0
    assert p == pytest.approx(7.966704814818582e-05, rel=1e-10)


# --------------------------------------------------------------------------------------------
# t_test


def test_t_test_is_welch_pinned() -> None:
    # scipy.stats.ttest_ind(X, Y, equal_var=False)
    # -> TtestResult(statistic=-2.5340670608555764, pvalue=0.025531241012201077, df=12.51...)
    out = get_test("t_test").run(num(X, Y))
    assert out.statistic == pytest.approx(-2.5340670608555764, rel=1e-10)
    assert out.pvalue == pytest.approx(0.025531241012201077, rel=1e-10)
    # Cohen's d = (mean(Y) - mean(X)) / sqrt((var(X) + var(Y)) / 2), ddof = 1
    vx, vy = np.var(X, ddof=1), np.var(Y, ddof=1)
    expected = (np.mean(Y) - np.mean(X)) / math.sqrt((vx + vy) / 2)
    assert out.effect_size == pytest.approx(expected, rel=1e-12)
    assert out.effect_size_name == "Cohen's d"
    # scipy.stats.ttest_ind(XT, YT, equal_var=False)
    # -> TtestResult(statistic=-2.2811673089172855, pvalue=0.034313037104390806, df=18.89...)
    stat, p = run("t_test", num(XT, YT))
    assert stat == pytest.approx(-2.2811673089172855, rel=1e-10)
    assert p == pytest.approx(0.034313037104390806, rel=1e-10)


def test_t_test_both_constant_not_applicable() -> None:
    with pytest.raises(NotApplicable, match="constant"):
        get_test("t_test").run(num([1.0, 1.0, 1.0], [2.0, 2.0]))


# --------------------------------------------------------------------------------------------
# seeded comparisons with SciPy (continuous and tied data, many sizes)


def _anderson_ksamp(x: npt.NDArray[Any], y: npt.NDArray[Any]) -> Any:
    """SciPy's midrank k-sample Anderson-Darling; SciPy < 1.17 (Python 3.10) spells it midrank."""
    try:
        return stats.anderson_ksamp([x, y], variant="midrank")
    except TypeError:
        return stats.anderson_ksamp([x, y], midrank=True)


@pytest.mark.parametrize("seed", range(40))
def test_rank_tests_match_scipy_seeded(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n, m = (int(v) for v in rng.integers(5, 300, size=2))
    if seed % 2:
        x, y = rng.integers(0, 12, n).astype(float), rng.integers(0, 13, m).astype(float)
    else:
        x, y = rng.normal(size=n), rng.normal(0.2, 1.3, size=m)
    sample = num(x.tolist(), y.tolist())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # anderson_ksamp warns when it caps its p-value
        refs = {
            "anderson": _anderson_ksamp(x, y),
            "cramer_von_mises": stats.cramervonmises_2samp(x, y),
            "mann_whitney": stats.mannwhitneyu(x, y, alternative="two-sided"),
            "t_test": stats.ttest_ind(x, y, equal_var=False),
            "epps_singleton": stats.epps_singleton_2samp(x, y),
        }
    tied = len(np.unique(np.concatenate([x, y]))) < 10
    if tied:  # cramer_von_mises refuses heavy ties (its SciPy p-value is too liberal there)
        with pytest.raises(NotApplicable):
            get_test("cramer_von_mises").run(sample)
        del refs["cramer_von_mises"]
    for name, ref in refs.items():
        stat, p = run(name, sample)
        assert stat == pytest.approx(float(ref.statistic), rel=1e-9), name
        assert p == pytest.approx(float(ref.pvalue), rel=1e-7, abs=1e-300), name
    energy = get_test("energy").run(sample).statistic
    assert energy == pytest.approx(stats.energy_distance(x, y), rel=1e-9)
    ks = stats.ks_2samp(x, y)
    for name in ("anderson", "epps_singleton", "mmd", *(() if tied else ("cramer_von_mises",))):
        out = get_test(name).run(sample)
        assert out.effect_size == pytest.approx(float(ks.statistic), abs=1e-12), name
        assert out.effect_size_name == "KS D"


# --------------------------------------------------------------------------------------------
# mmd


def _mmd2(x: npt.NDArray[Any], y: npt.NDArray[Any], sigma: float) -> float:
    def k(a: npt.NDArray[Any], b: npt.NDArray[Any]) -> float:
        return float(np.mean(np.exp(-((a[:, None] - b[None, :]) ** 2) / (2 * sigma**2))))

    return k(x, x) + k(y, y) - 2 * k(x, y)


def test_mmd_hand_worked() -> None:
    # x = [0, 1], y = [2, 3]: pairwise distances 1, 2, 3, 1, 2, 1 -> median 1.5 = sigma.
    # MMD^2 = mean K(x, x) + mean K(y, y) - 2 mean K(x, y), K(d) = exp(-d^2 / 4.5)
    #       = 2 * (2 + 2 e^{-1/4.5}) / 4 - 2 * (e^{-1/4.5} + 2 e^{-4/4.5} + e^{-9/4.5}) / 4
    e = [math.exp(-(d**2) / 4.5) for d in (1, 2, 3)]
    expected = (2 + 2 * e[0]) / 2 - (e[0] + 2 * e[1] + e[2]) / 2
    out = get_test("mmd").run(num([0.0, 1.0], [2.0, 3.0]))
    assert out.statistic == pytest.approx(expected, rel=1e-12)
    assert out.statistic == pytest.approx(_mmd2(np.array([0.0, 1.0]), np.array([2.0, 3.0]), 1.5))
    assert out.pvalue is not None and 0 < out.pvalue <= 1


def test_mmd_statistic_matches_direct_formula_seeded() -> None:
    for seed in range(5):
        rng = np.random.default_rng(seed)
        x, y = rng.normal(size=60), rng.normal(0.5, 1.0, size=45)
        z = np.concatenate([x, y])
        d = np.abs(z[:, None] - z[None, :])[np.triu_indices(len(z), 1)]
        sigma = float(np.median(d[d > 0]))
        out = get_test("mmd").run(num(x.tolist(), y.tolist()))
        assert out.statistic == pytest.approx(_mmd2(x, y, sigma), rel=1e-9)


def test_mmd_permutation_pvalue_deterministic_and_resolved() -> None:
    rng = np.random.default_rng(1)
    sample = num(rng.normal(size=80).tolist(), rng.normal(1.0, 1.0, size=70).tolist())
    first = get_test("mmd").run(sample)
    second = get_test("mmd").run(num(sample.reference.tolist(), sample.current.tolist()))
    assert first == second
    # A shift of one standard deviation with 150 values: no permutation is as extreme.
    assert first.pvalue == pytest.approx(1 / (1 + MMD_PERMUTATIONS))
    assert is_drift(get_test("mmd"), first, 0.05)


def test_mmd_subsamples_large_inputs() -> None:
    rng = np.random.default_rng(2)
    n = MMD_MAX_PER_SIDE + 500
    sample = num(rng.normal(size=n).tolist(), rng.normal(size=n).tolist())
    out = get_test("mmd").run(sample)
    assert out.note is not None and f"at most {MMD_MAX_PER_SIDE}" in out.note
    assert out == get_test("mmd").run(sample)  # seeded: same subsample every run


# --------------------------------------------------------------------------------------------
# fisher_exact and g_test


def test_fisher_exact_pinned() -> None:
    # scipy.stats.fisher_exact([[30, 20], [18, 32]])
    # -> SignificanceResult(statistic=2.6666666666666665, pvalue=0.027184075121116265)
    out = get_test("fisher_exact").run(cat({"a": 30, "b": 20}, {"a": 18, "b": 32}))
    assert out.statistic == pytest.approx(2.6666666666666665, rel=REL)
    assert out.pvalue == pytest.approx(0.027184075121116265, rel=1e-10)
    # Cramér's V (phi) = sqrt(chi2 / N); chi2_contingency(..., correction=False) = 5.769230769...
    assert out.effect_size == pytest.approx(math.sqrt(5.76923076923077 / 100), rel=1e-12)
    assert out.effect_size_name == "Cramér's V"
    # scipy.stats.fisher_exact([[8, 2], [1, 5]])
    # -> SignificanceResult(statistic=20.0, pvalue=0.034965034965034975)
    stat, p = run("fisher_exact", cat({"a": 8, "b": 2}, {"a": 1, "b": 5}))
    assert stat == pytest.approx(20.0, rel=REL)
    assert p == pytest.approx(0.034965034965034975, rel=1e-10)


def test_fisher_exact_zero_cell_and_shape() -> None:
    out = get_test("fisher_exact").run(cat({"a": 9}, {"a": 5, "b": 4}))
    assert math.isinf(out.statistic) or out.statistic == 0.0
    assert out.note is not None and "zero cell" in out.note
    with pytest.raises(NotApplicable, match="two-valued"):
        get_test("fisher_exact").run(cat({"a": 1, "b": 2, "c": 3}, {"a": 1, "b": 2, "c": 3}))


def test_g_test_pinned() -> None:
    # scipy.stats.chi2_contingency([[10, 20, 5, 0], [12, 15, 8, 3]], correction=False,
    #                              lambda_="log-likelihood")
    # -> Chi2ContingencyResult(statistic=5.632952639413258, pvalue=0.130899331506479, dof=3)
    stat, p = run("g_test", cat({"a": 10, "b": 20, "c": 5}, {"a": 12, "b": 15, "c": 8, "d": 3}))
    assert stat == pytest.approx(5.632952639413258, rel=1e-10)
    assert p == pytest.approx(0.130899331506479, rel=1e-10)
    # scipy.stats.chi2_contingency([[30, 20], [18, 32]], correction=False,
    #                              lambda_="log-likelihood")
    # -> Chi2ContingencyResult(statistic=5.826407237696484, pvalue=0.015787333666129687, dof=1)
    stat, p = run("g_test", cat({"a": 30, "b": 20}, {"a": 18, "b": 32}))
    assert stat == pytest.approx(5.826407237696484, rel=1e-10)
    assert p == pytest.approx(0.015787333666129687, rel=1e-10)


def test_cramers_v_of_chisquare_and_z() -> None:
    sample = cat({"a": 30, "b": 20}, {"a": 18, "b": 32})
    v = math.sqrt(5.76923076923077 / 100)  # hand: sqrt(chi2 / N), 2 rows
    for name in ("chisquare", "z", "g_test"):
        out = get_test(name).run(sample)
        assert out.effect_size == pytest.approx(v, rel=1e-12), name
        assert out.effect_size_name == "Cramér's V"


def test_ks_effect_size_is_d() -> None:
    out = get_test("ks").run(num(X, Y))
    assert out.effect_size == out.statistic == pytest.approx(33 / 56)


# --------------------------------------------------------------------------------------------
# binned distances


P = np.array([0.40, 0.30, 0.20, 0.10])
Q = np.array([0.25, 0.25, 0.30, 0.20])
PQ = ({"a": 40, "b": 30, "c": 20, "d": 10}, {"a": 25, "b": 25, "c": 30, "d": 20})


def test_tvd_and_linf_hand_worked() -> None:
    # |P - Q| = 0.15, 0.05, 0.10, 0.10: tvd = 0.40 / 2 = 0.2, linf = 0.15
    assert get_test("tvd").run(cat(*PQ)).statistic == pytest.approx(0.2, rel=1e-12)
    assert get_test("linf").run(cat(*PQ)).statistic == pytest.approx(0.15, rel=1e-12)
    assert get_test("TVD").name == "tvd"


def test_hellinger_hand_worked() -> None:
    # H = sqrt(sum((sqrt p - sqrt q)^2) / 2) = sqrt(1 - sum(sqrt(p q)))
    # sum(sqrt(p q)) = sqrt(.1) + sqrt(.075) + sqrt(.06) + sqrt(.02)
    #                = 0.3162278 + 0.2738613 + 0.2449490 + 0.1414214 = 0.9764594
    # H = sqrt(0.0235406) = 0.1534295
    expected = math.sqrt(1 - sum(math.sqrt(a * b) for a, b in zip(P, Q, strict=True)))
    assert expected == pytest.approx(0.1534295, abs=1e-7)
    assert hellinger_from_shares(P, Q) == pytest.approx(expected, rel=1e-10)
    assert get_test("hellinger").run(cat(*PQ)).statistic == pytest.approx(expected, rel=1e-10)
    assert hellinger_from_shares(np.array([1.0, 0.0]), np.array([0.0, 1.0])) == 1.0


def test_kl_div_smoothing_pinned() -> None:
    # ref a=50, b=50 (c unseen) -> [0.5, 0.5, 0] -> [0.5, 0.5, 1e-4], renormalised;
    # cur a=40, b=40, c=20 -> [0.4, 0.4, 0.2]
    # scipy.stats.entropy([0.5, 0.5, 1e-4], [0.4, 0.4, 0.2]) -> 0.22226122994542763
    out = get_test("kl_div").run(cat({"a": 50, "b": 50}, {"a": 40, "b": 40, "c": 20}))
    assert out.statistic == pytest.approx(0.22226122994542763, rel=1e-12)
    # Without zeros it is plain KL(P || Q) = sum(p ln(p / q)).
    expected = float(np.sum(P * np.log(P / Q)))
    assert kl_from_shares(P, Q) == pytest.approx(expected, rel=1e-12)
    assert kl_from_shares(P, Q) == pytest.approx(float(stats.entropy(P, Q)), rel=1e-12)


def test_binned_distances_numeric_use_psi_bins() -> None:
    rng = np.random.default_rng(4)
    sample = num(rng.normal(size=400).tolist(), rng.normal(0.3, 1.0, size=300).tolist())
    p, q = sample.binned.shares()
    assert get_test("tvd").run(sample).statistic == pytest.approx(0.5 * np.abs(p - q).sum())
    assert get_test("linf").run(sample).statistic == pytest.approx(np.abs(p - q).max())


# --------------------------------------------------------------------------------------------
# registry, aliases, documentation


EVIDENTLY_NAMES = {
    "ed": "energy",
    "es": "epps_singleton",
    "mannw": "mann_whitney",
    "empirical_mmd": "mmd",
    "TVD": "tvd",
    "kl_div": "kl_div",
    "chisquare": "chisquare",
    "jensenshannon": "jensenshannon",
    "wasserstein": "wasserstein",
    "psi": "psi",
    "ks": "ks",
    "z": "z",
    "t_test": "t_test",
    "anderson": "anderson",
    "g_test": "g_test",
    "fisher_exact": "fisher_exact",
    "hellinger": "hellinger",
    "cramer_von_mises": "cramer_von_mises",
}


@pytest.mark.parametrize(("alias", "name"), sorted(EVIDENTLY_NAMES.items()))
def test_evidently_names_accepted(alias: str, name: str) -> None:
    assert get_test(alias).name == name


def test_every_test_documented_in_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for t in all_tests():
        assert f"| `{t.name}`" in readme, t.name


def test_every_pvalue_test_reports_an_effect_size() -> None:
    rng = np.random.default_rng(9)
    numeric = num(rng.normal(size=50).tolist(), rng.normal(0.4, 1.0, size=40).tolist())
    two = cat({"a": 30, "b": 20}, {"a": 18, "b": 32})
    for t in all_tests():
        if not t.has_pvalue:
            continue
        sample = numeric if t.applies_to(Kind.NUMERIC) else two
        out = t.run(sample)
        assert out.effect_size is not None and math.isfinite(out.effect_size), t.name
        assert out.effect_size_name, t.name


@pytest.mark.parametrize("name", NEW_TESTS)
def test_identical_inputs_no_drift(name: str) -> None:
    rng = np.random.default_rng(11)
    x = rng.normal(size=300).tolist()
    test = get_test(name)
    if test.applies_to(Kind.NUMERIC):
        sample: NumericSample | CategoricalSample = num(x, x)
    else:
        sample = cat({"a": 70, "b": 30}, {"a": 70, "b": 30})
    out = test.run(sample)
    assert not is_drift(test, out, test.default_threshold)
    if not test.has_pvalue:
        assert out.statistic == pytest.approx(0.0, abs=1e-12)


def test_numeric_tests_refuse_categories() -> None:
    for name in ("anderson", "cramer_von_mises", "energy", "mann_whitney", "t_test", "mmd"):
        with pytest.raises(NotApplicable):
            get_test(name).run(cat({"a": 1, "b": 2}, {"a": 1, "b": 2}))
    for name in ("fisher_exact", "g_test"):
        with pytest.raises(NotApplicable):
            get_test(name).run(num([1.0, 2.0], [1.0, 2.0]))


def test_infinite_values_not_applicable() -> None:
    for name in ("energy", "t_test", "mmd", "epps_singleton"):
        with pytest.raises(NotApplicable, match="infinite"):
            get_test(name).run(num([1.0, 2, 3, 4, 5, float("inf")], [1.0, 2, 3, 4, 5, 6]))


@pytest.mark.parametrize(("n", "m", "ties"), [(20_000, 15_000, False), (12_000, 30_000, True)])
def test_ks_large_samples_match_scipy_asymptotic(n: int, m: int, ties: bool) -> None:
    # Above 10,000 values a side, ks uses the shared merge and SciPy's asymptotic formula.
    rng = np.random.default_rng(n)
    if ties:
        x, y = rng.integers(0, 50, n).astype(float), rng.integers(0, 50, m).astype(float)
    else:
        x, y = rng.normal(size=n), rng.normal(0.02, 1.0, size=m)
    out = get_test("ks").run(NumericSample(np.sort(x), np.sort(y)))
    ref = stats.ks_2samp(x, y)
    assert out.statistic == pytest.approx(float(ref.statistic), rel=1e-12, abs=1e-15)
    assert out.pvalue == pytest.approx(float(ref.pvalue), rel=1e-9, abs=1e-300)
