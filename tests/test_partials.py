"""The sorted pass over partitions (driftcli.stats.partials) gives the local engine's numbers.

The sorted union of two seeded samples is cut at chosen positions, including inside runs of
equal values, into empty chunks and so that one run spans several chunks; every statistic,
summary and bin count is compared with the local code on the whole samples: counts, order
statistics and the KS distance exactly, sums of floats to 1e-12 relative.
"""

from __future__ import annotations

import itertools
import math
import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import polars as pl
import pytest
from scipy import stats

from driftcli.engines.memory import _histogram, _moments_of, _numeric_summary, _sorted_counts
from driftcli.errors import InputError
from driftcli.results.vocabulary import Kind
from driftcli.stats.catalogue import _harmonic_sums
from driftcli.stats.partials import (
    NOT_FROM_PARTITIONS,
    SMALL_SIDE,
    Finished,
    Group,
    Head,
    Step,
    group_results,
    in_chunks,
    numpy_quantile,
    places,
    run_tests,
    sorted_pass,
    sorted_passes,
)
from driftcli.stats.registry import StatTest, TestOutcome
from driftcli.stats.samples import (
    Merged,
    NumericSample,
    exact_sum,
    rank_deviations_four,
    rank_sum_twice,
    sorted_values,
)

RTOL = 1e-12


def local(ref: np.ndarray, cur: np.ndarray) -> dict[str, TestOutcome | str]:
    sample = NumericSample(sorted_values(pl.Series(ref)), sorted_values(pl.Series(cur)))
    return run_tests(sample, Kind.NUMERIC)


def partitioned(ref: np.ndarray, cur: np.ndarray, cuts: Sequence[int]) -> Finished:
    _, each = in_chunks(ref, cur, cuts)
    counts = tuple((len(x), int(np.isnan(x).sum())) for x in (ref, cur))
    gathered = (np.sort(ref[~np.isnan(ref)]), np.sort(cur[~np.isnan(cur)]))
    return sorted_pass(each, counts, lambda: gathered)  # type: ignore[arg-type]


def close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return a == b or abs(a - b) <= RTOL * max(abs(a), abs(b))


def close_pvalue(a: float | None, b: float | None) -> bool:
    """p-values to 1e-12 relative, or their logarithms: far in a tail (chi2.sf(460, 4) is
    6e-101) a p-value multiplies its statistic's relative rounding by about the statistic's
    size, where its logarithm keeps it."""
    if close(a, b):
        return True
    assert a is not None and b is not None
    return a > 0 and b > 0 and close(math.log(a), math.log(b))


def assert_same(ref: np.ndarray, cur: np.ndarray, got: Finished) -> None:
    want = local(ref, cur)
    assert set(got.outcomes) == set(want)
    for name in want:
        w, g = want[name], got.outcomes[name]
        assert g != NOT_FROM_PARTITIONS, name  # every built-in test merges
        if isinstance(w, str) or isinstance(g, str):
            assert w == g, name
            continue
        assert close(g.statistic, w.statistic), (name, g.statistic, w.statistic)
        assert close_pvalue(g.pvalue, w.pvalue), (name, g.pvalue, w.pvalue)
        assert close(g.effect_size, w.effect_size), (name, g.effect_size, w.effect_size)
        assert g.note == w.note, name
    # the same outcome to the bit: mmd reads the same seeded subsample by rank; Mann-Whitney's
    # and Cramér-von Mises' rank sums are exact integers on both paths
    for name in ("mmd", "mann_whitney", "cramer_von_mises"):
        assert got.outcomes[name] == want[name], name
    # the KS distance is the same float operations on the same integer counts
    if not isinstance(want["ks"], str):
        assert got.outcomes["ks"].statistic == want["ks"].statistic  # type: ignore[union-attr]
    sample = NumericSample(sorted_values(pl.Series(ref)), sorted_values(pl.Series(cur)))
    if len(sample.reference):  # the local bins need reference values
        binned = sample.binned
        assert got.bins[0].tolist() == binned.reference.tolist()
        assert got.bins[1].tolist() == binned.current.tolist()
    for raw, x, summary in (
        (ref, sample.reference, got.reference),
        (cur, sample.current, got.current),
    ):
        series = pl.Series(raw)
        expected = _numeric_summary(series, x, _moments_of(series))
        assert summary.count == expected.count
        assert summary.nulls == expected.nulls
        assert summary.unique == expected.unique
        for key in ("min", "p25", "p50", "p75", "max"):  # order statistics: exactly
            assert getattr(summary, key) == getattr(expected, key), key
        assert close(summary.mean, expected.mean)
        assert close(summary.std, expected.std)
    assert got.distribution == _histogram(sample)


def _ties(rng: np.random.Generator, n: int, shift: float) -> np.ndarray:
    return np.round(rng.normal(shift, 3.0, n))  # about 25 distinct values: long runs


Pair = tuple[np.ndarray, np.ndarray]
CASES: dict[str, Callable[[np.random.Generator], Pair]] = {
    "continuous, shifted": lambda rng: (rng.normal(0, 1, 12_000), rng.normal(0.1, 1.2, 15_000)),
    "heavy ties": lambda rng: (_ties(rng, 14_000, 0.0), _ties(rng, 11_000, 0.4)),
    "same distribution": lambda rng: (rng.exponential(2.0, 20_000), rng.exponential(2.0, 20_000)),
}


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("layout", ["one", "even", "ragged"])
def test_every_statistic_equals_the_local_engine(case: str, layout: str) -> None:
    rng = np.random.default_rng(7)
    ref, cur = CASES[case](rng)
    total = len(ref) + len(cur)
    cuts = {
        "one": [],
        "even": list(range(total // 8, total, total // 8)),
        # empty chunks (repeated cuts), a chunk of one value, cuts at both ends
        "ragged": [0, 0, 5, 6, 6, 1000, 1001, total // 2, total - 1, total, total],
    }[layout]
    assert_same(ref, cur, partitioned(ref, cur, cuts))


def test_groups_of_one_sort_equal_their_own_comparisons() -> None:
    """The whole data, segments and windows compared from one sorted union (sorted_passes:
    each group's rows of every partition, steps in lockstep) each equal the local engine on
    that group's own values; a small group is gathered and tested exactly."""
    rng = np.random.default_rng(21)
    ref, cur = rng.normal(0, 1, 16_000), rng.normal(0.2, 1.1, 14_000)
    ref[rng.random(len(ref)) < 0.02] = np.nan
    ref_segment, cur_segment = (
        rng.choice([-1, 0, 1, 2], n, p=[0.05, 0.8, 0.1, 0.05]) for n in (len(ref), len(cur))
    )
    cur_window = rng.integers(-1, 4, len(cur))
    cur_window[cur_window == 3] = np.where(rng.random(int((cur_window == 3).sum())) < 0.1, 3, 0)
    # a reference value's chunk (-1: in none)
    ref_chunk = rng.choice([-1, 0, 1, 2], len(ref), p=[0.02, 0.7, 0.14, 0.14])
    groups = [
        Group(),
        Group(segment=0),
        Group(segment=2),
        Group(window=1),
        Group(window=3),
        Group(chunk=1),
        Group(segment=0, chunk=2),
    ]
    values = np.concatenate([ref, cur])
    from_cur = np.concatenate([np.zeros(len(ref), np.bool_), np.ones(len(cur), np.bool_)])
    segment = np.concatenate([ref_segment, cur_segment])
    window = np.concatenate([ref_chunk, cur_window])
    keep = ~np.isnan(values)
    order = np.argsort(values[keep], kind="stable")
    arrays = [a[keep][order] for a in (values, from_cur, segment, window)]
    bounds = [0, 0, 3000, 3001, 9000, 20_000, len(arrays[0])]
    chunks = [tuple(a[lo:hi] for a in arrays) for lo, hi in itertools.pairwise(bounds)]

    def each(steps: Mapping[int, Step]) -> dict[int, list[Any]]:
        found = [
            group_results(steps, groups, v, c, s, w, i) for i, (v, c, s, w) in enumerate(chunks)
        ]
        return {k: [f[k] for f in found] for k in steps}

    def sides(group: Group) -> Pair:
        ref_keep = (
            np.ones(len(ref), np.bool_) if group.segment is None else ref_segment == group.segment
        )
        if group.chunk is not None:  # the chunk against the rest of the reference's chunks
            rest = ref_keep & (ref_chunk >= 0) & (ref_chunk != group.chunk)
            return ref[rest], ref[ref_keep & (ref_chunk == group.chunk)]
        cur_keep = np.ones(len(cur), np.bool_)
        if group.segment is not None:
            cur_keep &= cur_segment == group.segment
        if group.window is not None:
            cur_keep &= cur_window == group.window
        return ref[ref_keep], cur[cur_keep]

    pairs = [sides(g) for g in groups]
    gathered = [max(len(r), len(c)) <= SMALL_SIDE for r, c in pairs]
    assert gathered == [False, False, True, False, False, False, False]  # segment 2 is small

    def gather(ks: Sequence[int]) -> dict[int, Pair]:
        return {
            k: (np.sort(r[~np.isnan(r)]), np.sort(c[~np.isnan(c)]))
            for k, (r, c) in ((k, pairs[k]) for k in ks)
        }

    counts = [
        ((len(r), int(np.isnan(r).sum())), (len(c), int(np.isnan(c).sum()))) for r, c in pairs
    ]
    got = sorted_passes(each, counts, gather)
    for (r, c), done in zip(pairs, got, strict=True):
        assert_same(r, c, done)


@pytest.mark.parametrize(
    "tests", [{"wasserstein", "jensenshannon"}, {"anderson", "mann_whitney"}, {"cramer_von_mises"}]
)
def test_only_the_tests_asked_for(tests: set[str]) -> None:
    """With ``tests`` the pass finishes those alone (their sums alone in step 2, no
    Epps-Singleton moments in step 3), each the outcome of the full pass, bit for bit."""
    rng = np.random.default_rng(5)
    ref, cur = rng.normal(0, 1, 12_000), rng.normal(0.1, 1.1, 11_000)
    _, each = in_chunks(ref, cur, [3000, 9000, 15_000])
    counts = ((len(ref), 0), (len(cur), 0))
    everything = sorted_pass(each, counts, lambda: (np.sort(ref), np.sort(cur)))
    some = sorted_pass(each, counts, lambda: (np.sort(ref), np.sort(cur)), tests=tests)
    assert set(some.outcomes) == tests
    assert all(some.outcomes[name] == everything.outcomes[name] for name in tests)
    assert (some.reference, some.current) == (everything.reference, everything.current)


def test_a_run_of_equal_values_across_several_chunks() -> None:
    rng = np.random.default_rng(11)
    ref = np.concatenate([rng.normal(0, 1, 6_000), np.full(9_000, 0.5)])
    cur = np.concatenate([rng.normal(0, 1, 8_000), np.full(5_000, 0.5)])
    total = len(ref) + len(cur)
    order = np.sort(np.concatenate([ref, cur]))
    first = int(np.searchsorted(order, 0.5, side="left"))
    last = int(np.searchsorted(order, 0.5, side="right"))
    # one chunk starts inside the run, three hold nothing else, one ends inside it
    cuts = [first - 3, first + 2, first + 4000, first + 8000, last - 1, last + 7, total - 50]
    assert_same(ref, cur, partitioned(ref, cur, cuts))


def test_infinities_nan_and_a_constant_reference() -> None:
    rng = np.random.default_rng(3)
    ref = rng.normal(0, 1, 11_000)
    ref[:20] = np.inf
    ref[20:25] = -np.inf
    ref[25:300] = np.nan
    cur = rng.normal(0.2, 1, 12_000)
    cur[:7] = -np.inf
    got = partitioned(ref, cur, [100, 9000, 9001, 15_000])
    assert_same(ref, cur, got)
    assert got.outcomes["wasserstein"] == "infinite values; wasserstein needs finite numbers"
    assert got.reference.nulls == 275
    constant = np.full(12_000, 2.0)
    assert_same(constant, cur[7:], partitioned(constant, cur[7:], [3000, 12_000, 12_001]))


@pytest.mark.parametrize("cuts", [[], [100, 9000, 9001, 15_000], [1, 2, 22_000]])
def test_the_integrity_counts_equal_the_local_engine(cuts: list[int]) -> None:
    """Step 3's counts for the integrity checks: infinities, values at each median (ties),
    current values outside the reference's range, as the local engine takes them from its
    sorted sides (memory._sorted_counts); and the constant value."""
    rng = np.random.default_rng(11)
    ref = np.round(rng.normal(0, 1, 11_000), 1)
    ref[:20], ref[20:25], ref[25:300] = np.inf, -np.inf, np.nan
    cur = np.round(rng.normal(0.3, 1.3, 12_000), 1)
    cur[:7] = -np.inf
    _, each = in_chunks(ref, cur, cuts)
    counts = tuple((len(x), int(np.isnan(x).sum())) for x in (ref, cur))
    got = sorted_pass(each, counts, lambda: (np.zeros(0), np.zeros(0)), integrity=True)  # type: ignore[arg-type]
    sample = NumericSample(sorted_values(pl.Series(ref)), sorted_values(pl.Series(cur)))
    want = _sorted_counts(sample, got.reference, got.current)
    assert got.counts == want
    assert want is not None and want.below > 0 and want.above > 0 and min(want.at_median) > 50
    # Counted again with NumPy alone: np.median of the finite values, and plain comparisons.
    rf, cf = ref[np.isfinite(ref)], cur[np.isfinite(cur)]
    assert want.infinite == (int(np.isinf(ref).sum()), int(np.isinf(cur).sum())) == (25, 7)
    assert want.at_median == (
        int((rf == np.median(rf)).sum()),
        int((cf == np.median(cf)).sum()),
    )
    assert (want.below, want.above) == (int((cf < rf.min()).sum()), int((cf > rf.max()).sum()))
    assert got.constant is None
    constant = np.full(11_000, 2.5)
    _, each = in_chunks(constant, constant[:10_500], [5000])
    same = sorted_pass(
        each, ((11_000, 0), (10_500, 0)), lambda: (constant, constant), integrity=True
    )
    assert same.constant == "2.5"
    assert same.counts is not None and same.counts.at_median == (11_000, 10_500)


def test_small_sides_get_the_local_exact_p_values() -> None:
    rng = np.random.default_rng(5)
    ref, cur = rng.normal(0, 1, 300), rng.normal(0.3, 1, 250)
    assert max(len(ref), len(cur)) <= SMALL_SIDE
    got = partitioned(ref, cur, [100, 200, 400])
    want = local(ref, cur)
    assert got.outcomes == want  # the same code on the same values: the same bits
    assert_same(ref, cur, got)


def test_large_samples_against_scipy() -> None:
    # The asymptotic branches, against SciPy called directly on the same values.
    rng = np.random.default_rng(21)
    ref, cur = rng.normal(0, 1, 12_000), rng.normal(0.05, 1.1, 13_000)
    got = partitioned(ref, cur, [4000, 12_500, 20_000]).outcomes
    ks = got["ks"]
    mw = got["mann_whitney"]
    cvm = got["cramer_von_mises"]
    ad = got["anderson"]
    w = got["wasserstein"]
    e = got["energy"]
    assert isinstance(ks, TestOutcome) and isinstance(mw, TestOutcome)
    assert isinstance(cvm, TestOutcome) and isinstance(ad, TestOutcome)
    assert isinstance(w, TestOutcome) and isinstance(e, TestOutcome)
    # scipy.stats.ks_2samp(ref, cur, method="asymp")
    want_ks = stats.ks_2samp(ref, cur, method="asymp")
    assert ks.statistic == pytest.approx(want_ks.statistic, rel=1e-12)
    assert ks.pvalue == pytest.approx(want_ks.pvalue, rel=1e-9)
    # scipy.stats.mannwhitneyu(ref, cur, method="asymptotic")
    want_mw = stats.mannwhitneyu(ref, cur, method="asymptotic")
    assert mw.statistic == pytest.approx(want_mw.statistic, rel=1e-12)
    assert mw.pvalue == pytest.approx(want_mw.pvalue, rel=1e-9)
    # scipy.stats.cramervonmises_2samp(ref, cur, method="asymptotic")
    want_cvm = stats.cramervonmises_2samp(ref, cur, method="asymptotic")
    assert cvm.statistic == pytest.approx(want_cvm.statistic, rel=1e-9)
    assert cvm.pvalue == pytest.approx(want_cvm.pvalue, rel=1e-7)
    # scipy.stats.anderson_ksamp([ref, cur], variant="midrank"), statistic (its p-value is
    # floored at 0.001 here, with a warning)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        want_ad = stats.anderson_ksamp([ref, cur], variant="midrank")
    assert ad.statistic == pytest.approx(want_ad.statistic, rel=1e-9)
    # scipy.stats.wasserstein_distance(ref, cur) / np.std(ref)
    want_w = stats.wasserstein_distance(ref, cur) / np.std(ref)
    assert w.statistic == pytest.approx(want_w, rel=1e-12)
    # scipy.stats.energy_distance(ref, cur)
    assert e.statistic == pytest.approx(stats.energy_distance(ref, cur), rel=1e-9)


def test_values_too_large_for_the_sums_are_refused() -> None:
    ref = np.concatenate([np.ones(100), [2.0**401]])
    with pytest.raises(InputError, match=r"beyond 2\*\*400, compare this column with the local"):
        partitioned(ref, np.ones(50), [10])


def test_partitions_out_of_value_order_are_refused() -> None:
    a = Head(1, 0, first=5.0, last=5.0, first_ref=1, last_ref=1, runs=1)
    b = Head(1, 0, first=1.0, last=1.0, first_ref=1, last_ref=1, runs=1)
    with pytest.raises(ValueError, match="not in value order"):
        places([a, b])


@pytest.mark.parametrize("big_n", [4, 5, 1000, 70_001])
def test_anderson_harmonic_sums_by_blocks(big_n: int) -> None:
    # The blocked sums on the driver: h to the bit, g to 1e-15, for blocks that do and do not
    # divide the N - 2 terms.
    h, g = _harmonic_sums(float(big_n), None)
    for block in (1, 7, 1024, 1 << 20):
        hb, gb = _harmonic_sums(float(big_n), block)
        assert hb == h
        assert gb == pytest.approx(g, rel=1e-15)


@pytest.mark.parametrize("size", [1, 2, 5, 8, 1001, 12_345])
def test_numpy_quantile_from_two_values(size: int) -> None:
    # numpy.quantile(x, q) (method="linear"), read from the two values at its ranks
    x = np.sort(np.random.default_rng(size).normal(0, 1, size))
    for q in (0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 1.0):
        at = {(2, k): float(v) for k, v in enumerate(x)}
        assert numpy_quantile(at, 2, size, q) == float(np.quantile(x, q))


def test_a_side_without_values() -> None:
    rng = np.random.default_rng(9)
    ref = np.full(500, np.nan)
    cur = rng.normal(0, 1, 20_000)
    got = partitioned(ref, cur, [10, 15_000])
    assert got.reference.count == 500 and got.reference.nulls == 500
    assert_same(ref, cur, got)
    assert got.outcomes["ks"] == "one side has no values"


def test_exact_sums_of_ranks() -> None:
    # int64 would overflow: 1000 x 2**60; the sum comes back exact, as a Python integer
    assert exact_sum(np.full(1000, 2**60, dtype=np.int64)) == 1000 * 2**60
    assert exact_sum(np.array([2**62, -(2**62), 5], dtype=np.int64)) == 5
    rng = np.random.default_rng(23)
    for ref, cur in (
        (np.round(rng.normal(0, 2, 300)), np.round(rng.normal(0.5, 2, 200))),  # runs of ties
        (rng.normal(0, 2, 300), rng.normal(0.5, 2, 200)),  # one value a run
    ):
        _check_rank_sums(ref, cur)


def _check_rank_sums(ref: np.ndarray, cur: np.ndarray) -> None:
    mg = Merged.of(np.sort(ref), np.sort(cur))
    # brute force: ranks by scipy.stats.rankdata (average), positions within each side
    ranks = stats.rankdata(np.concatenate([np.sort(ref), np.sort(cur)]))
    rx, ry = ranks[:300], ranks[300:]
    want_twice = round(float(2 * rx.sum()))  # small: every float here is exact
    want_four = [round(4 * float(np.sum((r - np.arange(1, len(r) + 1)) ** 2))) for r in (rx, ry)]
    for total in (500, 2**31):  # int64 products, then Python integers (N beyond 1.5e9)
        assert rank_sum_twice(mg.ref_count, mg.start, mg.ties, total) == want_twice
        got = [
            rank_deviations_four(counts, mg.start, mg.ties, 0, total)
            for counts in (mg.ref_count, mg.cur_count)
        ]
        assert got == want_four


def test_a_registered_test_that_needs_every_value_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    # A third-party numeric test has no partial form: the sorted pass says why it has no
    # outcome rather than leaving it out or running it on part of the data.
    import driftcli.stats.partials as partials

    def every_value(sample: object) -> TestOutcome:
        raise AssertionError("run on a partition")

    extra = StatTest("needs_all", frozenset({Kind.NUMERIC}), False, 0.1, "test", every_value)
    builtin = partials.numeric_tests()
    monkeypatch.setattr(partials, "numeric_tests", lambda: [*builtin, extra])
    rng = np.random.default_rng(29)
    got = partitioned(rng.normal(0, 1, 12_000), rng.normal(0, 1, 12_000), [5000, 17_000])
    assert got.outcomes["needs_all"] == NOT_FROM_PARTITIONS
    assert got.to_dict()["tests"]["needs_all"] == {"status": "error", "reason": NOT_FROM_PARTITIONS}
