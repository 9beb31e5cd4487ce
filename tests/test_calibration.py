"""Calibration of the p-value tests under the null hypothesis.

For each test, 400 seeded pairs of samples are drawn from the same distribution
(``np.random.default_rng(i)`` for pair i). Under the null the share of p-values below 0.05 is
Binomial(400, 0.05) / 400; it must lie within that distribution's 0.1% and 99.9% quantiles.
Seeds are fixed, so the outcome is deterministic.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import polars as pl
import pytest
from scipy import stats

from driftcli.columns.correction import adjust_pvalues
from driftcli.results.vocabulary import Correction
from driftcli.stats import get_test
from driftcli.stats.samples import CategoricalSample, NumericSample

N_PAIRS = 400
ALPHA = 0.05


def _band() -> tuple[float, float]:
    lo = stats.binom.ppf(0.001, N_PAIRS, ALPHA) / N_PAIRS
    hi = stats.binom.ppf(0.999, N_PAIRS, ALPHA) / N_PAIRS
    return float(lo), float(hi)


def _rejection_share(pvalues: list[float]) -> float:
    assert len(pvalues) == N_PAIRS
    return sum(p < ALPHA for p in pvalues) / N_PAIRS


def _ks_pvalues(draw: str) -> list[float]:
    test = get_test("ks")
    out = []
    for i in range(N_PAIRS):
        rng = np.random.default_rng(i)
        ref: npt.NDArray[np.float64 | np.int64]
        cur: npt.NDArray[np.float64 | np.int64]
        if draw == "normal":
            ref, cur = rng.normal(size=200), rng.normal(size=150)
        else:
            ref, cur = rng.integers(0, 5, size=200), rng.integers(0, 5, size=150)
        sample = NumericSample.from_series(pl.Series(ref), pl.Series(cur))
        pvalue = test.run(sample).pvalue
        assert pvalue is not None
        out.append(pvalue)
    return out


def _categorical_pvalues(
    name: str, labels: list[str] | list[bool], probs: list[float]
) -> list[float]:
    test = get_test(name)
    out = []
    for i in range(N_PAIRS):
        rng = np.random.default_rng(i)
        ref = rng.choice(labels, size=300, p=probs).tolist()
        cur = rng.choice(labels, size=250, p=probs).tolist()
        sample = CategoricalSample.from_series(pl.Series(ref), pl.Series(cur))
        pvalue = test.run(sample).pvalue
        assert pvalue is not None
        out.append(pvalue)
    return out


def test_band_is_sane() -> None:
    lo, hi = _band()
    # binom.ppf(0.001, 400, 0.05) = 8, binom.ppf(0.999, 400, 0.05) = 35
    assert (lo, hi) == (8 / 400, 35 / 400)


def test_ks_calibrated_on_continuous_data() -> None:
    lo, hi = _band()
    share = _rejection_share(_ks_pvalues("normal"))
    assert lo <= share <= hi, share


def test_ks_conservative_with_heavy_ties() -> None:
    # Integers 0..4: the continuous-data p-value is conservative with ties.
    _, hi = _band()
    share = _rejection_share(_ks_pvalues("ties"))
    assert share <= hi, share


def test_chisquare_calibrated() -> None:
    lo, hi = _band()
    pvalues = _categorical_pvalues("chisquare", ["a", "b", "c", "d"], [0.4, 0.3, 0.2, 0.1])
    share = _rejection_share(pvalues)
    assert lo <= share <= hi, share


def test_z_calibrated() -> None:
    lo, hi = _band()
    pvalues = _categorical_pvalues("z", [False, True], [0.7, 0.3])
    share = _rejection_share(pvalues)
    assert lo <= share <= hi, share


# --------------------------------------------------------------------------------------------
# The catalogue's p-value tests (driftcli/stats/catalogue.py)


def _numeric_pvalues(name: str, draw: str, sizes: tuple[int, int] = (200, 150)) -> list[float]:
    test = get_test(name)
    out = []
    for i in range(N_PAIRS):
        rng = np.random.default_rng(i)
        ref: npt.NDArray[np.float64 | np.int64]
        cur: npt.NDArray[np.float64 | np.int64]
        if draw == "normal":
            ref, cur = rng.normal(size=sizes[0]), rng.normal(size=sizes[1])
        elif draw == "ties10":  # discrete, 10 values
            ref, cur = rng.integers(0, 10, sizes[0]), rng.integers(0, 10, sizes[1])
        else:  # "ties5": heavy ties, 5 values
            ref, cur = rng.integers(0, 5, sizes[0]), rng.integers(0, 5, sizes[1])
        sample = NumericSample(np.sort(ref.astype(np.float64)), np.sort(cur.astype(np.float64)))
        pvalue = test.run(sample).pvalue
        assert pvalue is not None
        out.append(pvalue)
    return out


@pytest.mark.parametrize(
    "name", ["anderson", "cramer_von_mises", "epps_singleton", "mann_whitney", "t_test"]
)
@pytest.mark.parametrize("draw", ["normal", "ties10"])
def test_numeric_catalogue_calibrated(name: str, draw: str) -> None:
    lo, hi = _band()
    share = _rejection_share(_numeric_pvalues(name, draw))
    assert lo <= share <= hi, share


@pytest.mark.parametrize("name", ["anderson", "epps_singleton", "mann_whitney", "t_test"])
def test_numeric_catalogue_heavy_ties_within_band(name: str) -> None:
    # Five distinct values: mann_whitney has SciPy's tie correction, t_test does not rank,
    # anderson uses midranks; epps_singleton works on the characteristic function.
    lo, hi = _band()
    share = _rejection_share(_numeric_pvalues(name, "ties5"))
    assert lo <= share <= hi, share


def test_cramer_von_mises_refuses_heavy_ties() -> None:
    # SciPy's Cramer-von Mises p-value assumes continuous data: with five distinct values it
    # flagged 37 of 400 same-distribution pairs (9.25%, above the band). Below ten distinct
    # values the test therefore does not apply (calibrated at ten, test above).
    from driftcli.stats import NotApplicable, get_test

    rng = np.random.default_rng(0)
    ref, cur = rng.integers(0, 5, 300), rng.integers(0, 5, 250)
    sample = NumericSample(np.sort(ref.astype(np.float64)), np.sort(cur.astype(np.float64)))
    with pytest.raises(NotApplicable, match="5 distinct values"):
        get_test("cramer_von_mises").run(sample)


@pytest.mark.parametrize("draw", ["normal", "ties10"])
def test_mmd_permutation_calibrated(draw: str) -> None:
    # A permutation p-value is exact up to its resolution (1/501); smaller samples keep the
    # 400 permutation tests fast.
    lo, hi = _band()
    share = _rejection_share(_numeric_pvalues("mmd", draw, sizes=(80, 60)))
    assert lo <= share <= hi, share


def test_g_test_calibrated() -> None:
    lo, hi = _band()
    cases: tuple[tuple[list[str] | list[bool], list[float]], ...] = (
        (["a", "b", "c", "d"], [0.4, 0.3, 0.2, 0.1]),
        ([False, True], [0.7, 0.3]),
    )
    for labels, probs in cases:
        share = _rejection_share(_categorical_pvalues("g_test", labels, probs))
        assert lo <= share <= hi, (labels, share)


def test_fisher_exact_conservative() -> None:
    # Fisher's exact test conditions on the margins; on discrete tables its size is at most
    # alpha (conservative), most visibly with a rare category.
    lo, hi = _band()
    share = _rejection_share(_categorical_pvalues("fisher_exact", [False, True], [0.7, 0.3]))
    assert lo <= share <= hi, share
    rare = _rejection_share(_categorical_pvalues("fisher_exact", [False, True], [0.95, 0.05]))
    assert rare <= hi, rare


# --------------------------------------------------------------------------------------------
# Benjamini-Hochberg across many same-distribution columns


N_RUNS = 100
N_COLUMNS = 200


def _any_false_alarm_share(method: Correction) -> float:
    mw, tt = get_test("mann_whitney"), get_test("t_test")
    alarms = 0
    for run in range(N_RUNS):
        rng = np.random.default_rng(10_000 + run)
        pvalues = []
        for col in range(N_COLUMNS):
            ref, cur = np.sort(rng.normal(size=60)), np.sort(rng.normal(size=50))
            if col % 3 == 0:  # some discrete columns with ties
                ref, cur = np.floor(ref * 2), np.floor(cur * 2)
            test = mw if col % 2 else tt
            pvalue = test.run(NumericSample(ref, cur)).pvalue
            assert pvalue is not None
            pvalues.append(pvalue)
        adjusted = adjust_pvalues(pvalues, method)
        alarms += any(q < ALPHA for q in adjusted)
    return alarms / N_RUNS


def test_bh_family_wise_false_alarms_within_alpha_band() -> None:
    # With every column unchanged, any alarm is false; BH's adjusted p-values keep the share of
    # runs with any false alarm at about alpha (at most its binomial band), while uncorrected
    # p-values alarm in almost every run (1 - 0.95^200 ~ 1).
    hi = float(stats.binom.ppf(0.999, N_RUNS, ALPHA)) / N_RUNS
    share = _any_false_alarm_share(Correction.BH)
    assert share <= hi, share
    assert _any_false_alarm_share(Correction.NONE) > 0.99
