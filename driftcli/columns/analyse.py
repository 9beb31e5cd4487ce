"""Column drift: choose each column's test, run it, decide; over a frame and over segments.

The engine (:mod:`driftcli.engines`) prepares each column of a scope; this module makes the
decisions that do not depend on how the data was read: which test, with which threshold
(learned from reference chunks for ``threshold = "auto"``), and the verdict.
"""

from __future__ import annotations

import dataclasses
import math
import os
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
import polars as pl

from driftcli.columns.kinds import is_numeric_dtype
from driftcli.columns.plan import SKIP_REASONS, ColumnPlan
from driftcli.columns.thresholds import (
    AUTO,
    ChunkIds,
    Threshold,
    chunk_ids,
    learn_from_outcomes,
    learn_threshold,
)
from driftcli.config import DriftConfig
from driftcli.engines.base import Engine, PreparedColumn, ReferenceCache
from driftcli.results.records import ColumnResult, DatasetVerdict, SegmentResult
from driftcli.results.scopes import ordered_keys, segment_of
from driftcli.results.vocabulary import TESTABLE_KINDS, Kind, SegmentStatus, Status
from driftcli.stats import (
    NotApplicable,
    StatTest,
    TestOutcome,
    auto_test_name,
    get_test,
    is_drift,
)
from driftcli.stats.samples import CategoricalSample, ColumnSample, FloatArray, NumericSample

__all__ = [
    "Analysis",
    "decide",
    "drift_score",
    "groups_within",
    "same_tests",
    "uses_auto",
    "workers",
]


def _finite(x: float | None) -> float | None:
    if x is None or not math.isfinite(x):
        return None
    return float(x)


def drift_score(test: StatTest, statistic: float, pvalue: float | None, threshold: float) -> float:
    """Threshold-relative strength: >= 1 means drift. Used for sorting and colouring."""
    if test.has_pvalue:
        assert pvalue is not None
        if threshold <= 0:
            return 0.0
        if threshold >= 1:
            return 1.0 + (1.0 - pvalue)
        return -math.log10(max(pvalue, 1e-300)) / -math.log10(threshold)
    if threshold == 0:
        return 1.0 + statistic
    return statistic / threshold


def _choose_test(
    plan: ColumnPlan,
    kind: Kind,
    sample: ColumnSample | None,
    config: DriftConfig,
    reference_rows: int,
) -> tuple[list[tuple[StatTest, Threshold, bool]], str | None]:
    """Candidate (test, threshold, strict) in order (non-strict ones may fall through), and a
    note when the run's test does not apply to the column."""
    out: list[tuple[StatTest, Threshold, bool]] = []
    note: str | None = None
    # A global threshold = "auto" applies to every test without a threshold of its own; a
    # global number belongs to the global test only.
    own: Threshold | None = plan.threshold
    if own is None and config.threshold == AUTO:
        own = AUTO
    if plan.test is not None:
        t = get_test(plan.test)
        out.append((t, own if own is not None else t.default_threshold, True))
        return out, None
    if config.test is not None:
        t = get_test(config.test)
        if t.applies_to(kind):
            thr = plan.threshold if plan.threshold is not None else config.threshold
            out.append((t, thr if thr is not None else t.default_threshold, False))
        else:
            kinds = ", ".join(sorted(k.value for k in t.kinds))
            note = f"the run's test {t.name} applies to {kinds} columns, not {kind}"
    t = get_test(auto_test_name(kind, sample, reference_rows))
    if note is not None:
        note += f"; used {t.name}, the automatic choice"
    if t.name == "wasserstein":
        # Wasserstein needs finite values; binned Jensen-Shannon takes infinities in its open
        # end bins, so a column with a few infinite values is still drift-tested.
        out.append((t, own if own is not None else t.default_threshold, False))
        t = get_test("jensenshannon")
    out.append((t, own if own is not None else t.default_threshold, True))
    return out, note


def candidate_tests(
    plan: ColumnPlan, kind: Kind, config: DriftConfig, reference_rows: int
) -> frozenset[str]:
    """The names of the tests :func:`decide` may read for a column of ``kind`` whose sample
    it does not hold (:attr:`PreparedColumn.outcomes`): an engine that computes outcomes
    where the values are computes only these."""
    return frozenset(
        t.name for t, _, _ in _choose_test(plan, kind, None, config, reference_rows)[0]
    )


#: Fewer values per category than this on the smaller side makes a categorical comparison
#: sparse: its statistic is large by chance alone (the chi-square rule of thumb is 5).
SPARSE_PER_CATEGORY = 5.0


def _sparse_note(sample: ColumnSample | None) -> str | None:
    """The caveat of a categorical comparison with too few values per category, else None."""
    if not isinstance(sample, CategoricalSample):
        return None
    k = len(sample.labels)
    smaller = int(min(sample.reference.sum(), sample.current.sum()))
    if k < 2 or smaller / k >= SPARSE_PER_CATEGORY:
        return None
    return (
        f"sparse: {k:,} categories for {smaller:,} values on the smaller side "
        f"({smaller / k:.1f} per category), so the statistic is large by chance alone; read it "
        'with care, group rare categories, or use threshold = "auto" to learn what chance gives'
    )


def workers() -> int:
    """Threads for the per-column work (numpy sorts and SciPy release the GIL)."""
    return max(1, min(4, os.cpu_count() or 1))


def uses_auto(config: DriftConfig) -> bool:
    """True when some threshold is "auto" (learned from reference chunks)."""
    return config.threshold == AUTO or any(c.threshold == AUTO for c in config.column.values())


def _not_compared(prepared: PreparedColumn) -> tuple[Status, str | None] | None:
    """Why a prepared column gets no test (an error or a skip, with the reason), else None."""
    if prepared.error is not None:
        return Status.ERROR, prepared.error
    unsampled = prepared.sample is None and prepared.outcomes is None
    if unsampled or prepared.kind not in TESTABLE_KINDS:
        return Status.SKIPPED, SKIP_REASONS.get(prepared.kind)
    if prepared.n_reference == 0 or prepared.n_current == 0:
        side = "reference" if prepared.n_reference == 0 else "current"
        return Status.SKIPPED, f"no non-null values in {side}"
    if prepared.constant is not None:
        return Status.SKIPPED, f"constant: only {prepared.constant!r} on both sides"
    return None


def _unfit(test: StatTest, threshold: Threshold, kind: Kind) -> str | None:
    """Why ``test`` with ``threshold`` cannot judge a column of ``kind``, else None."""
    if test.has_pvalue and not isinstance(threshold, str) and not 0 < threshold < 1:
        return (
            f"threshold {threshold:g} is not a p-value threshold; {test.name} compares a "
            "p-value with it, so it must be in (0, 1)"
        )
    if not test.applies_to(kind):
        kinds = ", ".join(sorted(k.value for k in test.kinds))
        return f"{test.name} does not apply to {kind} columns; it applies to {kinds}"
    return None


def decide(
    plan: ColumnPlan,
    prepared: PreparedColumn,
    reference_rows: int,
    config: DriftConfig,
    chunks: ChunkIds | None = None,
) -> ColumnResult:
    """The verdict on one prepared column: skipped (empty, constant, untested kind), error
    (the configured test does not fit) or the test's result against its threshold."""
    kind = prepared.kind
    base: dict[str, Any] = {"column": plan.name, "kind_source": plan.kind_source, "kind": kind}
    compared = prepared.sample is not None or prepared.outcomes is not None
    if prepared.error is None and compared and kind in TESTABLE_KINDS:
        base.update(
            reference=prepared.reference,
            current=prepared.current,
            distribution=prepared.distribution,
            counts=prepared.counts,
            categories=prepared.categories,
        )
    skipped = _not_compared(prepared)
    if skipped is not None:
        return ColumnResult(status=skipped[0], reason=skipped[1], **base)
    sample = prepared.sample
    candidates, fallback = _choose_test(plan, kind, sample, config, reference_rows)
    for test, threshold, strict in candidates:
        base.update(test=test.name, threshold=threshold, test_type=test.kind_label)
        unfit = _unfit(test, threshold, kind)
        if unfit is not None:
            return ColumnResult(status=Status.ERROR, reason=unfit, **base)
        try:
            # A test that overflows gives a non-finite result, reported as the column's error
            # below; NumPy's warning would only reach the user's terminal.
            with np.errstate(all="ignore"):
                outcome = _outcome(test, prepared)
        except NotApplicable as exc:
            if strict:
                return ColumnResult(status=Status.ERROR, reason=str(exc), **base)
            fell = f"{test.name} did not fit ({exc}); used the next choice"
            fallback = f"{fallback}; {fell}" if fallback else fell
            continue
        return _judged(test, threshold, outcome, prepared, config, chunks, fallback, base)
    raise AssertionError("the automatic test is always strict")  # pragma: no cover


def _outcome(test: StatTest, prepared: PreparedColumn) -> TestOutcome:
    """``test`` on the prepared column: run on its sample, or read from the outcomes computed
    where the values are (:attr:`PreparedColumn.outcomes`)."""
    if prepared.outcomes is None:
        assert prepared.sample is not None
        return test.run(prepared.sample)
    found = prepared.outcomes.get(test.name)
    if found is None:
        raise NotApplicable(f"{test.name} was not computed for this column")
    if isinstance(found, str):
        raise NotApplicable(found)
    return found


def _judged(
    test: StatTest,
    threshold: Threshold,
    outcome: TestOutcome,
    prepared: PreparedColumn,
    config: DriftConfig,
    chunks: ChunkIds | None,
    fallback: str | None,
    base: dict[str, Any],
) -> ColumnResult:
    """A test's outcome against its threshold (learned first for ``"auto"``)."""
    stat = _finite(outcome.statistic)
    pval = _finite(outcome.pvalue) if outcome.pvalue is not None else None
    # A p-value test's verdict needs only its p-value: an infinite statistic (Fisher's odds
    # ratio with a zero cell) is reported as null.
    if (stat is None and not test.has_pvalue) or (test.has_pvalue and pval is None):
        reason = f"{test.name} gave a non-finite result on this data"
        return ColumnResult(status=Status.ERROR, reason=reason, **base)
    sample = prepared.sample
    auto_note: str | None = None
    learned = None
    if isinstance(threshold, str) and prepared.chunk_outcomes is not None:
        # "auto", from the chunks' outcomes computed where the values are
        threshold, learned, auto_note = learn_from_outcomes(
            test, prepared.chunk_outcomes, config.auto_threshold
        )
        base["threshold"] = threshold
    elif isinstance(threshold, str):  # "auto": learned from reference chunks
        assert chunks is not None and prepared.reference_values is not None
        assert sample is not None
        with np.errstate(all="ignore"):
            threshold, learned, auto_note = learn_threshold(
                test, sample, prepared.reference_values, chunks, config.auto_threshold
            )
        base["threshold"] = threshold
    notes = (fallback, prepared.note, outcome.note, auto_note, _sparse_note(sample))
    return ColumnResult(
        status=Status.DRIFT if is_drift(test, outcome, threshold) else Status.OK,
        statistic=stat,
        pvalue=pval,
        drift_score=drift_score(test, stat or 0.0, pval, threshold),
        reason="; ".join(n for n in notes if n) or None,
        effect_size=_finite(outcome.effect_size),
        effect_size_name=outcome.effect_size_name,
        auto_threshold=learned,
        **base,
    )


def untested_segment(
    segment: dict[str, object], nr: int | None, nc: int | None, minimum: int
) -> SegmentResult | None:
    """A segment's result when it is not compared: no rows on a side (``nr`` or ``nc`` None),
    or fewer than ``minimum`` rows (min_segment_rows) on one; None when it is compared."""
    if nr is None or nc is None:
        side = "reference" if nr is None else "current"
        status = SegmentStatus.MISSING_REFERENCE if nr is None else SegmentStatus.MISSING_CURRENT
        return SegmentResult(segment, status, nr or 0, nc or 0, f"no rows in {side}")
    if nr < minimum or nc < minimum:
        return SegmentResult(
            segment,
            SegmentStatus.TOO_SMALL,
            nr,
            nc,
            f"{nr} reference and {nc} current rows; each side needs at least {minimum} "
            "(min_segment_rows)",
        )
    return None


def not_tested(plan: ColumnPlan, kind: Kind | None) -> ColumnResult:
    """The result of a column the plan skips (its kind not tested, or a dtype change)."""
    status = Status.ERROR if plan.dtype_error else Status.SKIPPED
    return ColumnResult(
        plan.name, kind or Kind.OTHER, status, reason=plan.skip, kind_source=plan.kind_source
    )


_ROW = "__driftcli_row"


def segment_rows(df: pl.DataFrame, by: Sequence[str]) -> dict[tuple[Any, ...], pl.Series]:
    """Row positions of each combination of the ``by`` values (keys as
    ``partition_by(as_dict=True)`` gives them: tuples, nulls as None), rows in their order."""
    grouped = df.select(by).with_row_index(_ROW).group_by(by, maintain_order=True).agg(pl.col(_ROW))
    return dict(zip(grouped.select(by).rows(), grouped.get_column(_ROW), strict=True))


def same_tests(plans: Sequence[ColumnPlan], overall: Sequence[ColumnResult]) -> list[ColumnPlan]:
    """``plans`` fixed to the test (and threshold) each column got on the whole data, so its
    scores in segments and windows compare with each other and with the whole data's. A
    learned threshold is learned again within the scope; columns not tested on the whole data
    keep their plan."""
    tested = {c.column: c for c in overall if c.tested and c.test is not None}
    out = []
    for p in plans:
        c = tested.get(p.name)
        if c is None:
            out.append(p)
            continue
        threshold: Threshold | None = AUTO if c.auto_threshold is not None else c.threshold
        out.append(dataclasses.replace(p, test=c.test, threshold=threshold))
    return out


def window_plans(plans: Sequence[ColumnPlan], columns: Sequence[ColumnResult]) -> list[ColumnPlan]:
    """The plans of the tested ``columns``, each with the test and threshold the whole-data
    run used, in plan order (drift over time tests each window with them)."""
    tested = {c.column: c for c in columns if c.tested}
    return [
        dataclasses.replace(p, test=tested[p.name].test, threshold=tested[p.name].threshold)
        for p in plans
        if p.name in tested
    ]


#: Called as ``tick()`` after each column of the whole data and each segment.
Tick = Callable[[], None]


def _no_tick() -> None:
    pass


def _as_read(prepared: PreparedColumn) -> bool:
    """Whether a prepared numeric column's sorted reference is the column's values as read:
    its sorted counts are made only then (no text parsed, no sentinel read as infinite, not
    rescaled)."""
    return prepared.counts is not None and isinstance(prepared.sample, NumericSample)


#: The most a segment's copy of the columns compared at once may take (both sides, bytes
#: estimated from the whole frames): a larger segment is gathered and compared a group of
#: columns at a time, so a segment of most of 10M rows does not copy every column at once.
SEGMENT_COPY_BYTES = 256 << 20

T = TypeVar("T")


def groups_within(items: Sequence[T], size: float, budget: int) -> list[list[T]]:
    """``items`` (columns, in order), which take ``size`` bytes together, in consecutive
    groups worked on one at a time: one group when ``size`` fits in ``budget``, else groups
    of about ``budget``, each of at least two columns per worker (so the pool's threads
    share a group)."""
    if not items:
        return []
    per_group = len(items)
    if size > budget:
        per_group = max(2 * workers(), int(budget // max(size / len(items), 1.0)))
    return [list(items[i : i + per_group]) for i in range(0, len(items), per_group)]


def _column_groups(
    plans: Sequence[ColumnPlan],
    ref: pl.DataFrame,
    cur: pl.DataFrame,
    rows: int,
    config: DriftConfig,
) -> list[tuple[list[str], list[str], list[ColumnPlan]]]:
    """``plans`` in groups to gather and compare together within one segment of ``rows``
    rows (both sides), at most SEGMENT_COPY_BYTES of copies a group (:func:`groups_within`):
    each group's columns of each side, and its plans. Each group also takes the auto
    threshold's time column, which the learned thresholds chunk the reference by."""
    total = max(1, ref.height + cur.height)
    size = (ref.estimated_size() + cur.estimated_size()) * rows / total
    extra = [] if config.auto_threshold.time_column is None else [config.auto_threshold.time_column]
    groups = []
    for part in groups_within(plans, size, SEGMENT_COPY_BYTES):
        names = list(dict.fromkeys([*(p.name for p in part), *extra]))
        groups.append(
            ([n for n in names if n in ref.columns], [n for n in names if n in cur.columns], part)
        )
    return groups


@dataclass(frozen=True)
class Analysis:
    """What every column comparison of a run shares: the config, the engine, the thread pool,
    the model's column roles (left out of dataset drift shares) and the whole reference's row
    count, from which the automatic test is chosen in every scope."""

    config: DriftConfig
    engine: Engine
    pool: ThreadPoolExecutor
    roles: Mapping[str, str]
    reference_rows: int

    def frame(
        self,
        plans: Sequence[ColumnPlan],
        kinds: Mapping[str, Kind | None],
        ref: pl.DataFrame,
        cur: pl.DataFrame,
        tick: Tick = _no_tick,
        reference: ReferenceCache | None = None,
        keep: dict[str, FloatArray] | None = None,
    ) -> list[ColumnResult]:
        """Every planned column of ``cur`` against ``ref``, in plan order.

        With ``reference`` (time windows) the reference's moments, sorted values and counts
        are reused, and no reference chunks are made: window plans carry the threshold the
        whole-data run used, learned or not. ``keep`` receives the sorted reference of each
        numeric column compared as read, ``sorted_values(ref[name])`` (for drift over time,
        which would sort it again).
        """
        return self.frames(plans, kinds, ref, [cur], tick, reference, keep)[0]

    def frames(
        self,
        plans: Sequence[ColumnPlan],
        kinds: Mapping[str, Kind | None],
        ref: pl.DataFrame,
        curs: Sequence[pl.DataFrame],
        tick: Tick = _no_tick,
        reference: ReferenceCache | None = None,
        keep: dict[str, FloatArray] | None = None,
    ) -> list[list[ColumnResult]]:
        """:meth:`frame` of each of ``curs`` against the same ``ref`` (time windows): the
        columns of each, in plan order. The comparisons run column by column, every frame's
        in turn, so one column's reference (its sorted values and prefix sums, megabytes at
        1M rows) stays in the CPU cache while the windows read it."""
        config, engine = self.config, self.engine

        def numeric(cur: pl.DataFrame) -> list[str]:
            return [
                p.name
                for p in plans
                if p.skip is None
                and kinds[p.name] in (None, Kind.NUMERIC)
                and is_numeric_dtype(ref[p.name].dtype)
                and is_numeric_dtype(cur[p.name].dtype)
            ]

        # Moments of every numeric column in one parallel pass per side.
        if reference is not None:
            ref_m = reference.moments
        else:
            ref_m = engine.moments(ref, numeric(curs[0]) if curs else [])
        cur_ms = [engine.moments(cur, numeric(cur)) for cur in curs]
        # Reference chunks for threshold = "auto", made once per frame (whole data or segment).
        auto = uses_auto(config) and reference is None
        chunks = chunk_ids(ref, config.auto_threshold, config.date_order) if auto else None

        def job(task: tuple[ColumnPlan, int]) -> ColumnResult:
            plan, i = task
            cur, cur_m = curs[i], cur_ms[i]
            started = time.perf_counter()
            if plan.skip is not None:
                res = not_tested(plan, kinds[plan.name])
            else:
                both = plan.name in cur_m and plan.name in ref_m
                m = (ref_m[plan.name], cur_m[plan.name]) if both else None
                prepared = engine.prepare_column(
                    plan, kinds[plan.name], ref[plan.name], cur[plan.name], config.bins, m,
                    reference,
                )  # fmt: skip
                if keep is not None and reference is None and _as_read(prepared):
                    assert isinstance(prepared.sample, NumericSample)
                    keep[plan.name] = prepared.sample.reference
                res = decide(plan, prepared, self.reference_rows, config, chunks)
            tick()
            return dataclasses.replace(res, seconds=time.perf_counter() - started)

        n = len(curs)
        done = list(self.pool.map(job, [(plan, i) for plan in plans for i in range(n)]))
        return [done[i::n] for i in range(n)]

    def verdict(self, columns: Sequence[ColumnResult]) -> DatasetVerdict:
        """Dataset drift of a scope's columns (the model's columns left out)."""
        return DatasetVerdict.from_columns(columns, self.config.drift_share, self.roles)

    def segments(
        self,
        plans: Sequence[ColumnPlan],
        kinds: Mapping[str, Kind | None],
        ref: pl.DataFrame,
        cur: pl.DataFrame,
        overall: Sequence[ColumnResult],
        tick: Tick = _no_tick,
    ) -> list[SegmentResult]:
        """Every combination of the ``segment_by`` values, compared on its own with the test
        each column got on the whole data (``overall``)."""
        by = list(self.config.segment_by)
        ref_rows, cur_rows = segment_rows(ref, by), segment_rows(cur, by)
        keys = ordered_keys(ref_rows, cur_rows)
        seg_plans = same_tests([p for p in plans if p.name not in by], overall)
        results: list[SegmentResult] = []
        minimum = self.config.min_segment_rows
        for key in keys:
            segment = segment_of(by, key)
            ri, ci = ref_rows.get(key), cur_rows.get(key)
            untested = untested_segment(
                segment, None if ri is None else ri.len(), None if ci is None else ci.len(), minimum
            )
            if untested is not None:
                results.append(untested)
            else:
                assert ri is not None and ci is not None
                nr, nc = ri.len(), ci.len()
                # One segment's rows at a time (a copy of every segment at once would double
                # the data in memory), and of a large segment a few columns at a time.
                cols = []
                for part in _column_groups(seg_plans, ref, cur, nr + nc, self.config):
                    r = ref.select(pl.col(part[0]).gather(ri))
                    c = cur.select(pl.col(part[1]).gather(ci))
                    cols += self.frame(part[2], kinds, r, c)
                    del r, c
                results.append(
                    SegmentResult(
                        segment, SegmentStatus.TESTED, nr, nc, None, self.verdict(cols), tuple(cols)
                    )
                )
            tick()
        return results
