"""Reference-value tests for the core drift statistics.

Pinned literals were computed once with SciPy 1.17 (the call is in the comment next to each) and
pasted in, so a behaviour change in SciPy or in driftcli makes these tests fail. Where no library
computes the quantity (PSI, the epsilon rule) the value is worked by hand in the comment.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl
import pytest
from scipy import stats
from scipy.spatial import distance

from driftcli import run_report
from driftcli.errors import ConfigError
from driftcli.results.vocabulary import Kind
from driftcli.stats import (
    AUTO_SMALL_ROWS,
    NotApplicable,
    all_tests,
    auto_test_name,
    get_test,
    is_drift,
)
from driftcli.stats.defaults import (
    PSI_EPSILON,
    SPREAD_RATIO,
    _first_at_least,
    _spread_note,
    js_distance,
    psi_from_shares,
    wasserstein_prefix,
    wasserstein_sorted,
)
from driftcli.stats.samples import CategoricalSample, NumericSample, PrefixSums, quantile_sorted

REL = 1e-12

CORE_TESTS = ("ks", "psi", "chisquare", "wasserstein", "jensenshannon", "z")


def num(ref: Sequence[float | None], cur: Sequence[float | None]) -> NumericSample:
    return NumericSample.from_series(
        pl.Series(ref, dtype=pl.Float64), pl.Series(cur, dtype=pl.Float64)
    )


def cat(ref_counts: dict[str, int], cur_counts: dict[str, int]) -> CategoricalSample:
    """A categorical sample built from literal counts, through Polars like the engine does."""

    def expand(counts: dict[str, int]) -> pl.Series:
        return pl.Series([k for k, n in counts.items() for _ in range(n)], dtype=pl.String)

    return CategoricalSample.from_series(expand(ref_counts), expand(cur_counts))


def boolean(n_true_ref: int, n_ref: int, n_true_cur: int, n_cur: int) -> CategoricalSample:
    ref = pl.Series([True] * n_true_ref + [False] * (n_ref - n_true_ref))
    cur = pl.Series([True] * n_true_cur + [False] * (n_cur - n_true_cur))
    return CategoricalSample.from_series(ref, cur)


# --------------------------------------------------------------------------------------------
# ks


def test_ks_continuous_pinned() -> None:
    # Unsorted on purpose; no value shared between the samples.
    x = [3.14, 0.61, 2.05, 5.10, 1.23, 4.42, 2.88, 3.97]
    y = [5.95, 2.51, 7.02, 3.33, 6.48, 4.70, 5.26]
    out = get_test("ks").run(num(x, y))
    # scipy.stats.ks_2samp([3.14, 0.61, 2.05, 5.10, 1.23, 4.42, 2.88, 3.97],
    #                      [5.95, 2.51, 7.02, 3.33, 6.48, 4.70, 5.26])
    # -> KstestResult(statistic=0.5892857142857143, pvalue=0.11810411810411808, ...)
    # statistic = 33/56 (ECDF gap at x = 4.42: 7/8 - 2/7); exact pvalue = 760/6435, 6435 = C(15, 7).
    assert out.statistic == pytest.approx(0.5892857142857143, rel=REL)
    assert out.statistic == pytest.approx(33 / 56, rel=REL)
    assert out.pvalue == pytest.approx(0.11810411810411808, rel=REL)
    assert out.pvalue == pytest.approx(760 / 6435, rel=REL)


def test_ks_shifted_integers_pinned() -> None:
    out = get_test("ks").run(num([1, 2, 3, 4, 5], [3, 4, 5, 6, 7, 8]))
    # scipy.stats.ks_2samp([1, 2, 3, 4, 5], [3, 4, 5, 6, 7, 8])
    # -> KstestResult(statistic=0.5, pvalue=0.35714285714285715, ...)   (pvalue = 5/14)
    assert out.statistic == pytest.approx(0.5, rel=REL)
    assert out.pvalue == pytest.approx(0.35714285714285715, rel=REL)


def test_ks_with_ties_pinned() -> None:
    out = get_test("ks").run(num([1, 2, 2, 3, 3, 3], [2, 3, 3, 4, 4, 5]))
    # scipy.stats.ks_2samp([1, 2, 2, 3, 3, 3], [2, 3, 3, 4, 4, 5])
    # -> KstestResult(statistic=0.5, pvalue=0.474025974025974, ...)   (pvalue = 73/154)
    assert out.statistic == pytest.approx(0.5, rel=REL)
    assert out.pvalue == pytest.approx(0.474025974025974, rel=REL)


def test_ks_ignores_nulls_and_nan() -> None:
    clean = get_test("ks").run(num([1, 2, 3, 4, 5], [3, 4, 5, 6, 7, 8]))
    dirty = get_test("ks").run(
        num([1, None, 2, 3, float("nan"), 4, 5], [None, 3, 4, 5, 6, 7, 8, float("nan")])
    )
    assert dirty == clean


# --------------------------------------------------------------------------------------------
# chisquare


def test_chisquare_2xk_with_one_sided_category_pinned() -> None:
    # "d" is seen in the current batch only: its expected counts are positive on both rows
    # (3 * 35/73 = 1.438 and 3 * 38/73 = 1.562), so the statistic is finite.
    sample = cat({"a": 10, "b": 20, "c": 5}, {"a": 12, "b": 15, "c": 8, "d": 3})
    assert sample.labels == ("a", "b", "c", "d")
    assert sample.reference.tolist() == [10, 20, 5, 0]
    assert sample.current.tolist() == [12, 15, 8, 3]
    out = get_test("chisquare").run(sample)
    # scipy.stats.chi2_contingency([[10, 20, 5, 0], [12, 15, 8, 3]], correction=False)
    # -> Chi2ContingencyResult(statistic=4.4726776982416085, pvalue=0.21474036014535106, dof=3, ...)
    assert math.isfinite(out.statistic)
    assert out.statistic == pytest.approx(4.4726776982416085, rel=REL)
    assert out.pvalue == pytest.approx(0.21474036014535106, rel=REL)


def test_chisquare_2x2_has_no_yates_correction() -> None:
    out = get_test("chisquare").run(cat({"a": 30, "b": 20}, {"a": 18, "b": 32}))
    # scipy.stats.chi2_contingency([[30, 20], [18, 32]], correction=False)
    # -> Chi2ContingencyResult(statistic=5.76923076923077, pvalue=0.01630917187775496, dof=1, ...)
    # With Yates' correction (scipy's default, correction=True) it would be
    # -> Chi2ContingencyResult(statistic=4.847756410256411, pvalue=0.02768211649783557, dof=1, ...)
    assert out.statistic == pytest.approx(5.76923076923077, rel=REL)
    assert out.pvalue == pytest.approx(0.01630917187775496, rel=REL)
    assert out.statistic != pytest.approx(4.847756410256411, rel=1e-3)


def test_chisquare_matches_scipy_on_seeded_tables() -> None:
    for seed in range(20):
        rng = np.random.default_rng(seed)
        k = int(rng.integers(2, 8))
        table = rng.integers(1, 60, size=(2, k))
        labels = [f"c{i}" for i in range(k)]
        ref_counts = dict(zip(labels, table[0].tolist(), strict=True))
        cur_counts = dict(zip(labels, table[1].tolist(), strict=True))
        sample = cat(ref_counts, cur_counts)
        out = get_test("chisquare").run(sample)
        ref = stats.chi2_contingency(table, correction=False)
        assert out.statistic == pytest.approx(float(ref.statistic), rel=1e-10)
        assert out.pvalue == pytest.approx(float(ref.pvalue), rel=1e-10)


def test_chisquare_single_category_not_applicable() -> None:
    with pytest.raises(NotApplicable):
        get_test("chisquare").run(cat({"a": 5}, {"a": 7}))


# --------------------------------------------------------------------------------------------
# z


def test_z_hand_worked_and_equal_to_pearson_chi2() -> None:
    # Reference: 20 true of 50; current: 30 true of 50 (share of "true", the second label).
    #   p1 = 20/50 = 0.4, p2 = 30/50 = 0.6
    #   pooled p = (20 + 30) / (50 + 50) = 0.5
    #   se = sqrt(0.5 * 0.5 * (1/50 + 1/50)) = sqrt(0.25 * 0.04) = sqrt(0.01) = 0.1
    #   z = (0.6 - 0.4) / 0.1 = 2.0
    #   p = 2 * (1 - Phi(2)) = erfc(2 / sqrt(2)) = 0.04550026389635844
    # scipy.stats.chi2_contingency([[30, 20], [20, 30]], correction=False)
    # -> Chi2ContingencyResult(statistic=4.0, pvalue=0.04550026389635857, dof=1, ...)
    # R: prop.test(c(20, 30), c(50, 50), correct = FALSE) gives X-squared = 4 (= z^2), df = 1,
    #    p-value = 0.0455 (pchisq(4, 1, lower.tail = FALSE)).
    sample = boolean(20, 50, 30, 50)
    assert sample.labels == ("false", "true")
    out = get_test("z").run(sample)
    assert out.statistic == pytest.approx(2.0, rel=REL)
    assert out.pvalue == pytest.approx(0.04550026389635844, rel=1e-12)
    assert out.statistic**2 == pytest.approx(4.0, rel=REL)
    assert out.pvalue == pytest.approx(0.04550026389635857, rel=1e-12)
    assert out.note == "share of 'true'"


def test_z_sign_follows_current_minus_reference() -> None:
    out = get_test("z").run(boolean(30, 50, 20, 50))
    assert out.statistic == pytest.approx(-2.0, rel=REL)


def test_z_pinned_unequal_sizes() -> None:
    # Reference 12 "yes" of 80, current 31 "yes" of 95 ("no" < "yes", so "yes" is the share).
    #   p1 = 0.15, p2 = 31/95, pooled = 43/175
    #   se = sqrt(43/175 * 132/175 * (1/80 + 1/95)), z = (31/95 - 0.15) / se
    sample = cat({"no": 68, "yes": 12}, {"no": 64, "yes": 31})
    out = get_test("z").run(sample)
    p1, p2, pooled = 12 / 80, 31 / 95, 43 / 175
    se = math.sqrt(pooled * (1 - pooled) * (1 / 80 + 1 / 95))
    assert out.statistic == pytest.approx((p2 - p1) / se, rel=REL)
    # scipy.stats.chi2_contingency([[68, 12], [64, 31]], correction=False)
    # -> Chi2ContingencyResult(statistic=7.28436445235711, pvalue=0.006955733483369281, dof=1, ...)
    assert out.statistic == pytest.approx(2.6989561782950666, rel=REL)
    assert out.statistic**2 == pytest.approx(7.28436445235711, rel=1e-10)
    assert out.pvalue == pytest.approx(0.006955733483369281, rel=1e-9)


def test_z_equals_chi2_contingency_on_seeded_tables() -> None:
    for seed in range(30):
        rng = np.random.default_rng(seed)
        n1, n2 = (int(v) for v in rng.integers(5, 400, size=2))
        x1, x2 = int(rng.integers(1, n1)), int(rng.integers(1, n2))
        out = get_test("z").run(boolean(x1, n1, x2, n2))
        ref = stats.chi2_contingency([[n1 - x1, x1], [n2 - x2, x2]], correction=False)
        assert out.statistic**2 == pytest.approx(float(ref.statistic), rel=1e-9)
        assert out.pvalue == pytest.approx(float(ref.pvalue), rel=1e-8, abs=1e-300)


def test_z_zero_standard_error() -> None:
    # Pooled share 0 (only reachable with explicit counts): se = 0, reported as z = 0, p = 1.
    sample = CategoricalSample(("a", "b"), np.array([10, 0]), np.array([12, 0]))
    out = get_test("z").run(sample)
    assert out.statistic == 0.0
    assert out.pvalue == 1.0


def test_z_needs_two_values() -> None:
    with pytest.raises(NotApplicable):
        get_test("z").run(cat({"a": 3, "b": 4, "c": 5}, {"a": 3, "b": 4, "c": 5}))


# --------------------------------------------------------------------------------------------
# wasserstein


def _check_wasserstein(u: npt.NDArray[Any], v: npt.NDArray[Any]) -> None:
    u = np.sort(u.astype(np.float64))
    v = np.sort(v.astype(np.float64))
    expected = stats.wasserstein_distance(u, v)
    got = wasserstein_sorted(u, v)
    assert got == pytest.approx(expected, rel=1e-9, abs=1e-15)
    # the prefix-sum path (a large reference prepared once, many windows) agrees too
    prefix = PrefixSums.of(u)
    assert prefix is not None
    assert wasserstein_prefix(u, prefix, v) == pytest.approx(expected, rel=1e-12, abs=1e-15)


@pytest.mark.parametrize(
    ("n", "m"),
    [
        (1, 5),
        (5, 1),
        (3, 7),
        (7, 3),
        (100, 37),
        (37, 100),
        (1000, 1501),
        (1501, 1000),
        (2, 4),
        (3, 6),
        (6, 9),
        (50, 50),
        (1, 1),
    ],
)
def test_wasserstein_sorted_matches_scipy_continuous(n: int, m: int) -> None:
    for seed in range(10):
        rng = np.random.default_rng(seed)
        _check_wasserstein(rng.normal(0.0, 1.0, n), rng.normal(0.3, 2.0, m))


@pytest.mark.parametrize(("n", "m"), [(1, 5), (3, 7), (100, 37), (1000, 1501), (40, 40)])
def test_wasserstein_sorted_matches_scipy_ties(n: int, m: int) -> None:
    for seed in range(10):
        rng = np.random.default_rng(1000 + seed)
        _check_wasserstein(rng.integers(0, 5, n), rng.integers(1, 4, m))


def test_wasserstein_sorted_matches_scipy_random_sizes() -> None:
    for seed in range(200):
        rng = np.random.default_rng(seed)
        n, m = (int(v) for v in rng.integers(1, 60, size=2))
        if seed % 2:
            _check_wasserstein(rng.integers(0, 4, n), rng.integers(0, 4, m))
        else:
            _check_wasserstein(rng.exponential(1.0, n), rng.normal(1.0, 1.0, m))


def test_wasserstein_prefix_on_a_large_reference_and_small_windows() -> None:
    """1M reference values against windows of 1 to 40k: the prefix-sum path equals
    scipy.stats.wasserstein_distance(u, v) to 1e-12, with ties and with offsets far from 0."""
    rng = np.random.default_rng(21)
    u = np.sort(rng.lognormal(3.0, 1.0, 1_000_000) + 1e6)
    prefix = PrefixSums.of(u)
    assert prefix is not None
    for m in (1, 2, 17, 1000, 40_000):
        v = np.sort(rng.lognormal(3.1, 1.0, m) + 1e6)
        expected = stats.wasserstein_distance(u, v)
        assert wasserstein_prefix(u, prefix, v) == pytest.approx(expected, rel=1e-12)
    ties = np.sort(rng.integers(0, 7, 200_000).astype(np.float64))
    v = np.sort(rng.integers(0, 9, 3000).astype(np.float64))
    p = PrefixSums.of(ties)
    assert p is not None
    assert wasserstein_prefix(ties, p, v) == pytest.approx(
        stats.wasserstein_distance(ties, v), rel=1e-12
    )


def test_long_sums_of_products_do_not_depend_on_the_blas_threads() -> None:
    """Wasserstein (unequal sizes) and Mann-Whitney sum long products: with a BLAS dot
    product their last bits changed with OMP_NUM_THREADS (Spark's Python workers set it to
    1). The same bits in a process limited to one BLAS thread and in one with two."""
    code = (
        "import numpy as np\n"
        "from driftcli.stats.defaults import wasserstein_sorted\n"
        "from driftcli.stats.catalogue import mann_whitney\n"
        "from driftcli.stats.samples import NumericSample\n"
        "rng = np.random.default_rng(3)\n"
        "u = np.sort(rng.normal(size=300_000)); v = np.sort(rng.normal(0.01, 1, 290_001))\n"
        "mw = mann_whitney(NumericSample(np.round(u, 2), np.round(v, 2), 10))\n"
        "print(repr(wasserstein_sorted(u, v)), repr(mw.statistic), repr(mw.pvalue))\n"
    )
    outs = {
        threads: subprocess.run(
            [sys.executable, "-c", code],
            cwd=Path(__file__).resolve().parents[1],
            env={**os.environ, "OMP_NUM_THREADS": threads, "OPENBLAS_NUM_THREADS": threads},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for threads in ("1", "2")
    }
    assert outs["1"] == outs["2"] and outs["1"].count(" ") == 2


def test_the_bounded_search_equals_a_clipped_searchsorted() -> None:
    """The windows' search within each reference range gives np.clip(np.searchsorted(u, v),
    lo, hi): ranges as Wasserstein cuts them, arbitrary ones, ties, infinities, empty ranges,
    values that fall inside their range (the search) and outside it (the range's ends)."""
    rng = np.random.default_rng(5)
    for case in range(200):
        n = int(rng.integers(1, 400))
        u = np.sort(rng.integers(-5, 6, n).astype(np.float64) if case % 2 else rng.normal(size=n))
        m = int(rng.integers(1, 60))
        v = np.sort(np.concatenate([rng.normal(0, 3, m - 1), [np.inf if case % 3 else -np.inf]]))
        if case % 4:  # arbitrary, possibly empty ranges
            lo = rng.integers(0, n + 1, m)
            hi = np.minimum(lo + rng.integers(0, 50, m), n)
        else:  # the ranges of wasserstein_prefix: consecutive slices of u
            j = np.arange(1, m + 1, dtype=np.int64)
            lo, hi = (j - 1) * n // m, j * n // m
        if case % 5 == 0:  # values of u itself: most fall inside their range, and tie
            v = np.sort(rng.choice(u, m))
        expected = np.clip(np.searchsorted(u, v, side="left"), lo, hi)
        assert _first_at_least(u, v, lo, hi).tolist() == expected.tolist()
        u_lo = u[np.minimum(lo, n - 1)]  # as wasserstein_prefix hands it over
        assert _first_at_least(u, v, lo, hi, u_lo).tolist() == expected.tolist()
    none = np.zeros(0, dtype=np.int64)
    assert _first_at_least(np.zeros(0), np.zeros(0), none, none).tolist() == []
    assert _first_at_least(
        np.zeros(0), np.ones(2), np.zeros(2, np.int64), np.zeros(2, np.int64)
    ).tolist() == [0, 0]


def test_prefix_sums_need_finite_values() -> None:
    assert PrefixSums.of(np.array([])) is None
    assert PrefixSums.of(np.array([1.0, np.inf])) is None
    p = PrefixSums.of(np.array([1.0, 2.0, 4.0]))
    assert p is not None and p.center == 2.0 and p.sums.tolist() == [0.0, -1.0, -1.0, 1.0]
    # Sums past the float limit (a window's reference near it, compared rescaled): none,
    # without an overflow warning (warnings are errors here).
    assert PrefixSums.of(np.array([-1e308] * 4 + [0.0] + [1e308] * 4)) is None
    assert PrefixSums.of(np.array([-1e308, 1e308, 1e308])) is None  # x - centre overflows
    assert PrefixSums.of(np.array([-1.7e308, 0.0, 1.7e308])) is not None  # the sums do not


def test_wasserstein_sorted_identical_is_zero() -> None:
    x = np.sort(np.random.default_rng(7).normal(size=123))
    assert wasserstein_sorted(x, x) == 0.0


def test_wasserstein_registered_is_scaled_by_reference_std() -> None:
    for seed in range(10):
        rng = np.random.default_rng(seed)
        ref = rng.normal(2.0, 3.0, 137)
        cur = rng.normal(2.5, 3.0, 211)
        out = get_test("wasserstein").run(NumericSample.from_series(pl.Series(ref), pl.Series(cur)))
        expected = stats.wasserstein_distance(ref, cur) / np.std(ref)  # np.std: ddof=0
        assert out.statistic == pytest.approx(expected, rel=1e-9)
        assert out.pvalue is None
        assert out.note is None


def test_wasserstein_hand_worked() -> None:
    # ref = [0, 2] (std ddof=0 = 1), cur = [1, 3]: quantile functions differ by 1 everywhere,
    # distance 1, scaled 1 / 1 = 1.
    out = get_test("wasserstein").run(num([0, 2], [1, 3]))
    assert out.statistic == pytest.approx(1.0, rel=REL)


def test_wasserstein_constant_reference_uses_pooled_std() -> None:
    ref = [2.0, 2.0, 2.0, 2.0]
    cur = [1.0, 2.0, 3.0, 5.0]
    out = get_test("wasserstein").run(num(ref, cur))
    expected = stats.wasserstein_distance(ref, cur) / np.std(ref + cur)
    assert out.statistic == pytest.approx(expected, rel=1e-12)
    assert out.note is not None
    assert "constant" in out.note


def test_wasserstein_both_constant() -> None:
    same = get_test("wasserstein").run(num([3.0, 3.0], [3.0, 3.0, 3.0]))
    assert same.statistic == 0.0
    assert same.pvalue is None
    assert same.note is not None
    # Both constant at different values: distance 1, pooled std of [1, 1, 2, 2] is 0.5.
    apart = get_test("wasserstein").run(num([1.0, 1.0], [2.0, 2.0]))
    assert apart.statistic == pytest.approx(2.0, rel=REL)
    assert apart.note is not None


def test_wasserstein_infinite_or_empty_not_applicable() -> None:
    with pytest.raises(NotApplicable):
        get_test("wasserstein").run(num([1.0, float("inf")], [1.0, 2.0]))
    with pytest.raises(NotApplicable):
        get_test("wasserstein").run(num([None, None], [1.0, 2.0]))


# --------------------------------------------------------------------------------------------
# psi


def test_psi_hand_worked_four_categories() -> None:
    # ref counts a=40, b=30, c=20, d=10 (n=100) -> shares 0.40, 0.30, 0.20, 0.10
    # cur counts a=25, b=25, c=30, d=20 (n=100) -> shares 0.25, 0.25, 0.30, 0.20
    # PSI = (0.25 - 0.40) ln(0.25/0.40)   = -0.15 * -0.470004 = 0.0705006
    #     + (0.25 - 0.30) ln(0.25/0.30)   = -0.05 * -0.182322 = 0.0091161
    #     + (0.30 - 0.20) ln(0.30/0.20)   =  0.10 *  0.405465 = 0.0405465
    #     + (0.20 - 0.10) ln(0.20/0.10)   =  0.10 *  0.693147 = 0.0693147
    #     = 0.1894780 (approximately)
    expected = (
        (0.25 - 0.40) * math.log(0.25 / 0.40)
        + (0.25 - 0.30) * math.log(0.25 / 0.30)
        + (0.30 - 0.20) * math.log(0.30 / 0.20)
        + (0.20 - 0.10) * math.log(0.20 / 0.10)
    )
    assert expected == pytest.approx(0.1894780, abs=1e-6)
    out = get_test("psi").run(
        cat({"a": 40, "b": 30, "c": 20, "d": 10}, {"a": 25, "b": 25, "c": 30, "d": 20})
    )
    assert out.statistic == pytest.approx(expected, rel=1e-12)
    assert out.pvalue is None


def test_psi_zero_share_uses_epsilon() -> None:
    # ref a=50, b=50, c=0 -> shares 0.5, 0.5, 0 (c replaced by 1e-4, no renormalising)
    # cur a=40, b=40, c=20 -> shares 0.4, 0.4, 0.2
    # PSI = 2 * (0.4 - 0.5) ln(0.4/0.5) + (0.2 - 1e-4) ln(0.2/1e-4)
    #     = 2 * 0.0223144 + 0.1999 * 7.600902 = 0.0446287 + 1.5194204 = 1.5640491
    assert PSI_EPSILON == 1e-4
    expected = 2 * (0.4 - 0.5) * math.log(0.4 / 0.5) + (0.2 - 1e-4) * math.log(0.2 / 1e-4)
    assert expected == pytest.approx(1.5640491, abs=1e-6)
    out = get_test("psi").run(cat({"a": 50, "b": 50}, {"a": 40, "b": 40, "c": 20}))
    assert out.statistic == pytest.approx(expected, rel=1e-12)
    # Same rule for a zero on the current side; PSI is symmetric in its arguments.
    r = np.array([0.4, 0.4, 0.2])
    c = np.array([0.5, 0.5, 0.0])
    assert psi_from_shares(r, c) == pytest.approx(expected, rel=1e-12)


def test_psi_identical_shares_is_zero() -> None:
    shares = np.array([0.1, 0.2, 0.3, 0.4])
    assert psi_from_shares(shares, shares) == 0.0
    out = get_test("psi").run(cat({"a": 1, "b": 2, "c": 3}, {"a": 10, "b": 20, "c": 30}))
    assert out.statistic == pytest.approx(0.0, abs=1e-15)


def test_psi_numeric_uses_decile_bins() -> None:
    rng = np.random.default_rng(3)
    ref = rng.normal(size=500)
    cur = rng.normal(0.4, 1.0, size=400)
    sample = NumericSample.from_series(pl.Series(ref), pl.Series(cur))
    edges = np.quantile(ref, np.arange(1, 10) / 10)
    ref_counts = np.bincount(np.searchsorted(edges, ref, side="left"), minlength=10)
    cur_counts = np.bincount(np.searchsorted(edges, cur, side="left"), minlength=10)
    expected = psi_from_shares(ref_counts / ref_counts.sum(), cur_counts / cur_counts.sum())
    assert get_test("psi").run(sample).statistic == pytest.approx(expected, rel=1e-12)


# --------------------------------------------------------------------------------------------
# jensenshannon


def test_js_disjoint_is_one() -> None:
    # p = [1, 0], q = [0, 1]: m = [0.5, 0.5]; KL(p||m) = log2(1/0.5) = 1, KL(q||m) = 1;
    # JSD = (1 + 1) / 2 = 1, distance sqrt(1) = 1.
    assert js_distance(np.array([1.0, 0.0]), np.array([0.0, 1.0])) == pytest.approx(1.0, rel=REL)
    out = get_test("jensenshannon").run(cat({"a": 5}, {"b": 7}))
    assert out.statistic == pytest.approx(1.0, rel=REL)


def test_js_hand_worked_half() -> None:
    # p = [0.5, 0.5], q = [1, 0]: m = [0.75, 0.25]
    # KL(p||m) = 0.5 log2(0.5/0.75) + 0.5 log2(0.5/0.25) = 0.5 (1 - log2 3) + 0.5 = 1 - 0.5 log2 3
    # KL(q||m) = 1 * log2(1/0.75) = 2 - log2 3
    # JSD = (KL(p||m) + KL(q||m)) / 2 = 1.5 - 0.75 log2 3 = 0.3112781...
    # distance = sqrt(1.5 - 0.75 log2 3) = 0.5579230...
    expected = math.sqrt(1.5 - 0.75 * math.log2(3))
    assert expected == pytest.approx(0.5579230, abs=1e-7)
    got = js_distance(np.array([0.5, 0.5]), np.array([1.0, 0.0]))
    assert got == pytest.approx(expected, rel=1e-12)
    out = get_test("jensenshannon").run(cat({"a": 4, "b": 4}, {"a": 9}))
    assert out.statistic == pytest.approx(expected, rel=1e-12)


def test_js_matches_scipy_on_seeded_shares() -> None:
    for seed in range(100):
        rng = np.random.default_rng(seed)
        k = int(rng.integers(2, 12))
        p = rng.random(k)
        q = rng.random(k)
        if seed % 3 == 0:  # some empty bins on either side
            p[rng.integers(0, k)] = 0.0
            q[rng.integers(0, k)] = 0.0
        if p.sum() == 0 or q.sum() == 0:
            continue
        p /= p.sum()
        q /= q.sum()
        expected = distance.jensenshannon(p, q, base=2)
        assert js_distance(p, q) == pytest.approx(expected, rel=1e-9, abs=1e-12)


def test_js_identical_is_zero() -> None:
    p = np.array([0.2, 0.3, 0.5])
    assert js_distance(p, p) == pytest.approx(0.0, abs=1e-12)


# --------------------------------------------------------------------------------------------
# binning


def test_binned_edges_are_reference_deciles() -> None:
    ref = np.arange(1, 101, dtype=np.float64)  # 1..100
    sample = NumericSample.from_series(pl.Series(ref), pl.Series([0.0, 10.9, 11.0, 50.0, 1e6]))
    # numpy.quantile(np.arange(1, 101), np.arange(1, 10) / 10) (linear, the default)
    # -> [10.9, 20.8, 30.7, 40.6, 50.5, 60.4, 70.3, 80.2, 90.1]
    edges = [10.9, 20.8, 30.7, 40.6, 50.5, 60.4, 70.3, 80.2, 90.1]
    binned = sample.binned
    assert binned.labels[0] == "(-inf, 10.9]"
    assert binned.labels[1] == "(10.9, 20.8]"
    assert binned.labels[-1] == "(90.1, inf)"
    assert len(binned.labels) == len(edges) + 1
    assert binned.reference.tolist() == [10] * 10
    # 0 and 10.9 (on the edge: bins are (a, b]) go to the first bin, 11 to the second,
    # 50 to the fifth, 1e6 (beyond the reference max) to the last, open bin.
    assert binned.current.tolist() == [2, 1, 0, 0, 1, 0, 0, 0, 0, 1]
    assert binned.reference.sum() == 100
    assert binned.current.sum() == 5


def test_binned_edges_match_numpy_quantile_seeded() -> None:
    for seed in range(20):
        rng = np.random.default_rng(seed)
        ref = rng.gamma(2.0, 1.5, size=int(rng.integers(1, 300)))
        cur = rng.gamma(2.0, 1.7, size=int(rng.integers(1, 300)))
        sample = NumericSample.from_series(pl.Series(ref), pl.Series(cur))
        qs = np.arange(1, 10) / 10
        np.testing.assert_allclose(
            quantile_sorted(np.sort(ref), qs), np.quantile(ref, qs), rtol=1e-12, atol=0
        )
        edges = np.unique(np.quantile(ref, qs))
        expected_ref = np.bincount(
            np.searchsorted(edges, ref, side="left"), minlength=len(edges) + 1
        )
        expected_cur = np.bincount(
            np.searchsorted(edges, cur, side="left"), minlength=len(edges) + 1
        )
        assert sample.binned.reference.tolist() == expected_ref.tolist()
        assert sample.binned.current.tolist() == expected_cur.tolist()
        assert sample.binned.reference.sum() == len(ref)
        assert sample.binned.current.sum() == len(cur)


def test_binned_discrete_edges_deduplicated() -> None:
    ref = [0.0] * 50 + [1.0] * 30 + [2.0] * 20
    cur = [0.0] * 10 + [1.0] * 10 + [2.0] * 10 + [7.0] * 5
    sample = num(ref, cur)
    # numpy.quantile(ref, np.arange(1, 10) / 10) -> [0, 0, 0, 0, 0.5, 1, 1, 1.2, 2]
    # unique -> [0, 0.5, 1, 1.2, 2]: 5 edges, 6 bins.
    binned = sample.binned
    assert binned.labels == (
        "(-inf, 0]",
        "(0, 0.5]",
        "(0.5, 1]",
        "(1, 1.2]",
        "(1.2, 2]",
        "(2, inf)",
    )
    assert binned.reference.tolist() == [50, 0, 30, 0, 20, 0]
    assert binned.current.tolist() == [10, 0, 10, 0, 10, 5]
    assert binned.reference.sum() == len(ref)
    assert binned.current.sum() == len(cur)


def test_binned_constant_reference_single_edge() -> None:
    binned = num([4.0] * 10, [3.0, 4.0, 5.0]).binned
    assert binned.labels == ("(-inf, 4]", "(4, inf)")
    assert binned.reference.tolist() == [10, 0]
    assert binned.current.tolist() == [2, 1]


# --------------------------------------------------------------------------------------------
# identical inputs -> no drift


def _samples_for(test_name: str) -> list[NumericSample | CategoricalSample]:
    rng = np.random.default_rng(11)
    x = pl.Series(rng.normal(size=300))
    numeric = NumericSample.from_series(x, x)
    cats = pl.Series(rng.choice(["a", "b", "c", "d"], size=300).tolist())
    categorical = CategoricalSample.from_series(cats, cats)
    flags = pl.Series((rng.random(300) < 0.3).tolist())
    two_valued = CategoricalSample.from_series(flags, flags)
    test = get_test(test_name)
    out: list[NumericSample | CategoricalSample] = []
    if test.applies_to(Kind.NUMERIC):
        out.append(numeric)
    if test.applies_to(Kind.CATEGORICAL):
        out.append(two_valued)
        if test_name != "z":
            out.append(categorical)
    return out


@pytest.mark.parametrize("name", CORE_TESTS)
def test_identical_inputs_no_drift(name: str) -> None:
    test = get_test(name)
    samples = _samples_for(name)
    assert samples
    for sample in samples:
        outcome = test.run(sample)
        assert not is_drift(test, outcome, test.default_threshold)
        if test.has_pvalue:
            assert outcome.pvalue == pytest.approx(1.0)
        else:
            assert outcome.statistic == pytest.approx(0.0, abs=1e-12)


def test_is_drift_boundaries() -> None:
    from driftcli.stats import TestOutcome

    ks = get_test("ks")
    assert is_drift(ks, TestOutcome(0.1, 0.049), 0.05)
    assert not is_drift(ks, TestOutcome(0.1, 0.05), 0.05)
    psi = get_test("psi")
    assert is_drift(psi, TestOutcome(0.1), 0.1)
    assert not is_drift(psi, TestOutcome(0.0999), 0.1)


# --------------------------------------------------------------------------------------------
# automatic test choice


def test_auto_test_name_rule() -> None:
    numeric = num([1.0, 2.0, 3.0], [1.0, 2.0])
    two = cat({"a": 3, "b": 4}, {"a": 2, "b": 5})
    three = cat({"a": 3, "b": 4, "c": 1}, {"a": 2, "b": 5, "c": 1})
    booleans = boolean(3, 10, 4, 10)
    small, big = AUTO_SMALL_ROWS, AUTO_SMALL_ROWS + 1
    assert AUTO_SMALL_ROWS == 1000

    assert auto_test_name(Kind.NUMERIC, numeric, 10) == "ks"
    assert auto_test_name(Kind.NUMERIC, numeric, small) == "ks"
    assert auto_test_name(Kind.NUMERIC, numeric, big) == "wasserstein"

    assert auto_test_name(Kind.CATEGORICAL, two, small) == "z"
    assert auto_test_name(Kind.BOOLEAN, booleans, small) == "z"
    assert auto_test_name(Kind.CATEGORICAL, three, small) == "chisquare"

    assert auto_test_name(Kind.CATEGORICAL, two, big) == "jensenshannon"
    assert auto_test_name(Kind.CATEGORICAL, three, big) == "jensenshannon"
    assert auto_test_name(Kind.BOOLEAN, booleans, big) == "jensenshannon"


# --------------------------------------------------------------------------------------------
# registry


def test_registry_has_core_tests() -> None:
    names = {t.name for t in all_tests()}
    assert set(CORE_TESTS) <= names
    assert [t.name for t in all_tests()] == sorted(t.name for t in all_tests())
    assert get_test("ks").has_pvalue and get_test("ks").default_threshold == 0.05
    assert get_test("chisquare").has_pvalue and get_test("z").has_pvalue
    for name in ("psi", "wasserstein", "jensenshannon"):
        assert not get_test(name).has_pvalue
        assert get_test(name).default_threshold == 0.1


def test_get_test_unknown_lists_valid_names() -> None:
    with pytest.raises(ConfigError) as info:
        get_test("kolmogorov")
    message = str(info.value)
    assert "kolmogorov" in message
    for name in CORE_TESTS:
        assert name in message


def test_get_test_aliases_and_case() -> None:
    assert get_test("js").name == "jensenshannon"
    assert get_test("chi2").name == "chisquare"
    assert get_test("KS").name == "ks"
    assert get_test("Chi2").name == "chisquare"
    assert get_test("JensenShannon").name == "jensenshannon"
    assert get_test("JS").name == "jensenshannon"
    assert get_test("Wasserstein").name == "wasserstein"


def test_kind_mismatch_not_applicable() -> None:
    with pytest.raises(NotApplicable):
        get_test("ks").run(cat({"a": 1, "b": 2}, {"a": 1, "b": 2}))
    with pytest.raises(NotApplicable):
        get_test("chisquare").run(num([1.0, 2.0], [1.0, 2.0]))


@pytest.mark.parametrize("sort", ["numpy", "polars"])
def test_sorted_values_never_sorts_the_callers_data(
    sort: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """sorted_values, with either sort, gives the values numpy's sort gives without nulls and
    NaN, and sorts in place only the copy Polars made for the call (chunks joined, nulls
    filled): the Series, its chunks and a NumPy array it was made from are left as they were,
    whatever their shape."""
    from driftcli.stats.samples import sorted_values

    monkeypatch.setenv("DRIFT_SORT", sort)
    rng = np.random.default_rng(2)
    values = rng.normal(size=1000)
    owned = values.copy()
    special = values.copy()
    special[[5, 50, 500, 600, 700, 800]] = [np.nan, np.inf, -np.inf, -np.nan, -0.0, 0.0]
    shapes = {
        "one chunk": pl.Series(values),
        "from numpy": pl.Series(owned),
        "two chunks": pl.concat([pl.Series(values[:400]), pl.Series(values[400:])], rechunk=False),
        "nulls": pl.Series(values).scatter([3, 7], None),
        "ints": pl.Series(rng.integers(0, 50, 1000)),
        "sliced": pl.Series(values).slice(100, 500),
        "nan, inf and nulls": pl.Series(special).scatter([3, 7], None),
        "only nulls and NaN": pl.Series([None, np.nan, None, np.nan], dtype=pl.Float64),
        "empty": pl.Series([], dtype=pl.Float64),
    }
    for name, s in shapes.items():
        before = s.clone()
        got = sorted_values(s)
        assert s.equals(before), name
        kept = before.drop_nulls().cast(pl.Float64).to_numpy()
        expect = np.sort(kept[~np.isnan(kept)])
        assert got.dtype == np.float64, name
        assert np.array_equal(got, expect), name
    assert np.array_equal(owned, values)


def test_the_sort_is_numpys_unless_zen4_or_chosen(monkeypatch: pytest.MonkeyPatch) -> None:
    """DRIFT_SORT chooses the sort; otherwise Polars sorts only where numpy dispatches to its
    AVX-512 sort on an AMD family 19h CPU (Zen 4: Zen 3 has no AVX-512), read from
    /proc/cpuinfo's text or Windows' processor string."""
    from driftcli.stats import sorting

    zen4 = "processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 25\nmodel\t\t: 17\n"
    zen5 = zen4.replace("cpu family\t: 25", "cpu family\t: 26")
    intel = "processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: 6\n"
    assert sorting.amd_family_of(zen4) == 0x19
    assert sorting.amd_family_of(zen5) == 0x1A
    assert sorting.amd_family_of(intel) is None
    assert sorting.amd_family_of("") is None
    assert sorting.amd_family_of("AMD64 Family 25 Model 17 Stepping 1, AuthenticAMD") == 0x19
    assert sorting.amd_family_of("Intel64 Family 6 Model 85 Stepping 7, GenuineIntel") is None

    monkeypatch.setenv("DRIFT_SORT", "Polars ")
    assert sorting.sort_with() == "polars"
    monkeypatch.setenv("DRIFT_SORT", "numpy")
    assert sorting.sort_with() == "numpy"
    monkeypatch.setenv("DRIFT_SORT", "")  # as if unset: the machine decides
    expected = "polars" if sorting.numpy_sort_is_slow() else "numpy"
    assert sorting.sort_with() == expected
    # A typo is a clear error (exit 2 from the CLI), not a silent choice.
    monkeypatch.setenv("DRIFT_SORT", "quick")
    with pytest.raises(ConfigError, match=r"DRIFT_SORT='quick' is not a sort: set it to numpy"):
        sorting.sort_with()
    with pytest.raises(ConfigError, match="DRIFT_SORT"):
        run_report(pl.DataFrame({"x": [1.0, 2.0, 3.0]}), pl.DataFrame({"x": [1.0, 2.5, 3.0]}))


def test_wasserstein_spread_note_ratio_matches_numpy() -> None:
    # The ratio the note gives: the population standard deviation over the middle half's
    # spread, IQR / 1.349, with quartiles at the lower nearest rank, that is
    # np.std(x) / (iqr / 1.349) with np.quantile(x, q, method="lower") for the quartiles.
    rng = np.random.default_rng(5)
    x = np.sort(np.concatenate([rng.normal(0.0, 1.0, 997), [999999.0] * 3]))
    iqr = np.quantile(x, 0.75, method="lower") - np.quantile(x, 0.25, method="lower")
    expected = float(np.std(x)) / (float(iqr) / 1.349)
    note = _spread_note(x, float(np.std(x)))
    assert note is not None
    assert note.startswith(f"the reference's standard deviation is {expected:.3g} times")
    # A normal sample's ratio is about 1: no note, nor at the threshold itself.
    y = np.sort(rng.normal(0.0, 1.0, 1000))
    assert _spread_note(y, float(np.std(y))) is None
    robust = (y[(3 * 999) // 4] - y[999 // 4]) / 1.349
    assert _spread_note(y, SPREAD_RATIO * float(robust)) is None


def test_category_counts_are_the_same_whichever_way_they_are_counted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Small inputs (a segment, a window) are counted with value_counts, large ones with a
    group-by: the same counts per value, nulls and NaN left out, for every kind of label."""
    from driftcli.stats import samples

    shapes = [
        pl.Series("f", [1.5, None, float("nan"), 2.0, 2.0, -0.0]),
        pl.Series("s", ["a", None, "b", "a", ""]),
        pl.Series("b", [True, None, False, True]),
        pl.Series("i", [3, 1, None, 3, 3]),
        pl.Series("k", ["x", "y", "x", None], dtype=pl.Categorical),
        pl.Series("e", [], dtype=pl.String),
    ]
    small = [samples.category_counts(s, "ref").sort("value") for s in shapes]
    monkeypatch.setattr(samples, "_SMALL_COUNT", 0)
    large = [samples.category_counts(s, "ref").sort("value") for s in shapes]
    for s, a, b in zip(shapes, small, large, strict=True):
        assert a.columns == b.columns == ["value", "ref"], s.name
        assert a.equals(b), s.name
    assert small[0].rows() == [(-0.0, 1), (1.5, 1), (2.0, 2)]
