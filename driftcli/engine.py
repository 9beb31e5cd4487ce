"""The run: read both sides, plan each column, test it overall and per segment, build a Report.

This is the library's one entry point for a whole run (:func:`run_report`); the CLI only
parses options, calls it and renders the result.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import numpy as np
import polars as pl

from driftcli._version import __version__
from driftcli.concept_report import ConceptSection, run_concept
from driftcli.config import DriftConfig, FailOn
from driftcli.correction import apply_correction
from driftcli.errors import ConfigError, InputError
from driftcli.integrity import (
    ColumnScope,
    IntegrityReport,
    attach_drift,
    integrity_breaches,
    integrity_warning,
    run_integrity,
)
from driftcli.io import Source, SourceLike, open_source
from driftcli.kinds import (
    DISCRETE_MAX_UNIQUE,
    TESTABLE_KINDS,
    Kind,
    KindEvidence,
    dtype_family,
    infer_kind,
    is_numeric_dtype,
    is_string_like,
    kind_from_dtype,
    strings_parse_as_datetime,
)
from driftcli.model import (
    ColumnResult,
    DatasetVerdict,
    Distribution,
    Report,
    SegmentResult,
    SegmentStatus,
    SideSummary,
    SourceInfo,
    Status,
    TimeRange,
)
from driftcli.model_perf import PerformanceSection, run_performance
from driftcli.online import OnlineSection, run_online
from driftcli.performance import PerformanceSpec
from driftcli.sample import (
    PLOT_BINS,
    PLOT_TOP_CATEGORIES,
    CategoricalSample,
    ColumnSample,
    FloatArray,
    IntArray,
    NumericSample,
    category_counts,
    count_distinct_sorted,
    quantile_sorted,
    sorted_values,
)
from driftcli.segments import json_value, ordered_keys, segment_of
from driftcli.stats import NotApplicable, StatTest, auto_test_name, get_test, is_drift
from driftcli.thresholds import AUTO, ChunkIds, Threshold, chunk_ids, learn_threshold
from driftcli.windows import WindowSection, WindowSpec, parse_time_column, run_windows

#: Called as ``progress(done, total)`` while columns and segments are processed.
ProgressHook = Callable[[int, int], None]

_SKIP_REASONS = {
    Kind.ID: "id-like: every reference value is distinct; ids differ between batches by design",
    Kind.DATETIME: "datetime: not drift-tested (time ranges differ between batches by design)",
    Kind.TEXT: 'free text: not drift-tested; set kind = "categorical" to compare its values',
}


@dataclass(frozen=True)
class _Plan:
    """What is known about a column before its data is read."""

    name: str
    kind: Kind | None  # None: infer from the data
    kind_source: str
    test: str | None  # per-column test from config
    threshold: Threshold | None  # per-column threshold from config (a number or "auto")
    skip: str | None  # reason when it is not tested at all
    cast_string: bool  # compare as strings (dtypes differ but both categorical-like)


def _check_names(config: DriftConfig, ref: pl.Schema, cur: pl.Schema) -> None:
    known = set(ref) | set(cur)

    def check(names: Sequence[str], what: str) -> None:
        for name in names:
            if name not in known:
                sample = ", ".join(list(ref)[:20]) + (", ..." if len(ref) > 20 else "")
                raise ConfigError(
                    f"{what}: no column {name!r} in either input; reference columns: {sample}"
                )

    check(config.columns or (), "columns")
    check(config.exclude, "exclude")
    check(list(config.column), "column settings")
    check(config.segment_by, "segment_by")
    check(list(config.integrity.column), "integrity column settings")
    check(list(config.model.roles), "model")
    check([config.time_column] if config.time_column else [], "time_column")
    online = config.online
    check([c for c in (online.latency, online.status) if c is not None], "online")
    spec = config.window_spec
    needs_time = spec is not None and spec.every is not None
    needs_time = needs_time or (config.model.enabled and config.time_column is not None)
    if config.time_column is not None and config.time_column not in cur and needs_time:
        raise InputError(
            f"time column {config.time_column!r} is missing from current; windows and "
            "concept drift order the current rows by it"
        )
    for name in config.segment_by:
        for role, schema in (("reference", ref), ("current", cur)):
            if name not in schema:
                raise InputError(
                    f"segment column {name!r} is missing from {role}; "
                    "segments need it on both sides"
                )


def _plan_columns(config: DriftConfig, ref: pl.Schema, cur: pl.Schema) -> list[_Plan]:
    if config.columns is not None:
        names = list(dict.fromkeys(config.columns))
    else:
        names = list(ref) + [c for c in cur if c not in ref]
    excluded = set(config.exclude)
    plans: list[_Plan] = []
    for name in names:
        if name in excluded:
            continue
        cc = config.column.get(name)
        kind = cc.kind if cc else None
        source = "config" if kind is not None else "inferred"
        test = cc.test if cc else None
        threshold = cc.threshold if cc else None
        skip: str | None = None
        cast_string = False
        if name not in cur or name not in ref:
            side = "current" if name not in cur else "reference"
            dtype = ref[name] if name in ref else cur[name]
            plans.append(
                _Plan(
                    name,
                    kind or kind_from_dtype(dtype) or Kind.OTHER,
                    source,
                    test,
                    threshold,
                    f"missing from {side}",
                    False,
                )
            )
            continue
        rd, cd = ref[name], cur[name]
        fam_r, fam_c = dtype_family(rd), dtype_family(cd)
        if kind is None:
            kind = kind_from_dtype(rd if fam_r != "null" else cd)
        if fam_r != fam_c and "null" not in (fam_r, fam_c):
            if (kind in (Kind.CATEGORICAL, Kind.TEXT, Kind.ID) and source == "config") or {
                fam_r,
                fam_c,
            } <= {"string"}:
                cast_string = True
            elif (
                kind is Kind.NUMERIC
                and source == "config"
                and {fam_r, fam_c} <= {"numeric", "string"}
            ):
                pass  # text is parsed as numbers; what fails to parse is counted and reported
            else:
                skip = (
                    f"dtype changed: {rd} in reference, {cd} in current; fix the upstream "
                    'data, set kind = "numeric" to parse text as numbers, or kind = '
                    '"categorical" to compare the values as text'
                )
        elif is_string_like(rd) and is_string_like(cd) and rd != cd:
            cast_string = True
        if skip is None and kind is not None and kind not in TESTABLE_KINDS:
            skip = _SKIP_REASONS.get(kind, f"dtype {rd} is not supported by the drift tests")
        status_error = skip is not None and skip.startswith("dtype changed")
        plans.append(
            _Plan(
                name,
                kind or (Kind.OTHER if status_error else None),
                source,
                test,
                threshold,
                skip,
                cast_string,
            )
        )
    return plans


def _collect(
    ref: Source, cur: Source, columns: list[str], extra: tuple[list[str], list[str]] = ([], [])
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Read ``columns`` from both sides (plus each side's own ``extra`` columns) in one pass."""
    frames: list[pl.DataFrame] = []
    for src, more in ((ref, extra[0]), (cur, extra[1])):
        wanted = columns + [c for c in more if c not in columns]
        try:
            if wanted:
                frames.append(src.lazy.select(wanted).collect())
            else:
                # Nothing to test (every column skipped): still count the rows.
                height = src.lazy.select(pl.len()).collect().item()
                frames.append(pl.DataFrame({"__rows": pl.Series([None] * height, dtype=pl.Null)}))
        except Exception as exc:
            raise src.read_error(exc) from exc
    return frames[0], frames[1]


# --------------------------------------------------------------------------------------------
# One column


def _finite(x: float | None) -> float | None:
    if x is None or not math.isfinite(x):
        return None
    return float(x)


def _null_count(s: pl.Series) -> int:
    n = s.null_count()
    if s.dtype.is_float():
        n += int(s.is_nan().sum() or 0)
    return n


@dataclass(frozen=True)
class _Moments:
    """Mean and sample standard deviation (ddof=1) of a column's finite values."""

    mean: float | None
    std: float | None


def _moments(df: pl.DataFrame, names: list[str]) -> dict[str, _Moments]:
    """Moments of many numeric columns in one parallel Polars pass."""
    if not names:
        return {}
    exprs: list[pl.Expr] = []
    for i, name in enumerate(names):
        x = pl.col(name).cast(pl.Float64)
        finite = x.filter(x.is_finite())
        exprs += [finite.mean().alias(f"m{i}"), finite.std(ddof=1).alias(f"s{i}")]
    row = df.select(exprs).row(0)
    return {
        name: _Moments(_finite(row[2 * i]), _finite(row[2 * i + 1])) for i, name in enumerate(names)
    }


def _moments_of(s: pl.Series) -> _Moments:
    return _moments(s.to_frame("v"), ["v"])["v"]


def _finite_part(x: FloatArray) -> FloatArray:
    """The finite values of a sorted array without NaN, as a view."""
    lo = int(np.searchsorted(x, -np.inf, side="right"))
    hi = int(np.searchsorted(x, np.inf, side="left"))
    return x[lo:hi]


def _numeric_summary(raw: pl.Series, x: FloatArray, moments: _Moments) -> SideSummary:
    finite = _finite_part(x)
    nulls = raw.len() - len(x)  # x holds every value but nulls and NaN
    if len(finite) == 0:
        return SideSummary(count=raw.len(), nulls=nulls, unique=count_distinct_sorted(x))
    q = quantile_sorted(finite, np.array([0.25, 0.5, 0.75]))
    return SideSummary(
        count=raw.len(),
        nulls=nulls,
        unique=count_distinct_sorted(x),
        mean=moments.mean,
        std=moments.std,
        min=_finite(float(finite[0])),
        p25=_finite(float(q[0])),
        p50=_finite(float(q[1])),
        p75=_finite(float(q[2])),
        max=_finite(float(finite[-1])),
    )


def _categorical_summary(raw: pl.Series, labels: tuple[str, ...], counts: IntArray) -> SideSummary:
    total = int(counts.sum())
    top = int(np.argmax(counts)) if total else None
    return SideSummary(
        count=raw.len(),
        nulls=_null_count(raw),
        unique=int(np.count_nonzero(counts)),
        top=labels[top] if top is not None else None,
        top_share=float(counts[top] / total) if top is not None else None,
    )


def _histogram(s: NumericSample) -> Distribution | None:
    r, c = _finite_part(s.reference), _finite_part(s.current)
    if len(r) + len(c) == 0:
        return None
    lo = min(v[0] for v in (r, c) if len(v))
    hi = max(v[-1] for v in (r, c) if len(v))
    # One unit-wide bin when every value is the same, else PLOT_BINS equal-width bins.
    edges = np.array([lo - 0.5, hi + 0.5]) if lo == hi else np.linspace(lo, hi, PLOT_BINS + 1)

    def counts(x: FloatArray) -> tuple[int, ...]:
        cuts = np.searchsorted(x, edges[1:-1], side="left")
        bounds = np.concatenate([[0], cuts, [len(x)]])
        return tuple(int(v) for v in np.diff(bounds))

    labels = tuple(f"{a:.4g} to {b:.4g}" for a, b in itertools.pairwise(edges))
    return Distribution("histogram", labels, counts(r), counts(c), tuple(float(e) for e in edges))


def _bars(s: CategoricalSample) -> Distribution:
    total = s.reference + s.current
    order = np.argsort(-total, kind="stable")
    top = order[:PLOT_TOP_CATEGORIES]
    rest = order[PLOT_TOP_CATEGORIES:]
    labels = [s.labels[i] for i in top]
    ref = [int(s.reference[i]) for i in top]
    cur = [int(s.current[i]) for i in top]
    if len(rest):
        labels.append(f"(other: {len(rest)} categories)")
        ref.append(int(s.reference[rest].sum()))
        cur.append(int(s.current[rest].sum()))
    return Distribution("bars", tuple(labels), tuple(ref), tuple(cur))


def _drift_score(test: StatTest, statistic: float, pvalue: float | None, threshold: float) -> float:
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
    plan: _Plan, kind: Kind, sample: ColumnSample, config: DriftConfig, reference_rows: int
) -> list[tuple[StatTest, Threshold, bool]]:
    """Candidate (test, threshold, strict) in order; non-strict ones may fall through."""
    out: list[tuple[StatTest, Threshold, bool]] = []
    # A global threshold = "auto" applies to every test without a threshold of its own; a
    # global number belongs to the global test only.
    own: Threshold | None = plan.threshold
    if own is None and config.threshold == AUTO:
        own = AUTO
    if plan.test is not None:
        t = get_test(plan.test)
        out.append((t, own if own is not None else t.default_threshold, True))
        return out
    if config.test is not None:
        t = get_test(config.test)
        if t.applies_to(kind):
            thr = plan.threshold if plan.threshold is not None else config.threshold
            out.append((t, thr if thr is not None else t.default_threshold, False))
    t = get_test(auto_test_name(kind, sample, reference_rows))
    if t.name == "wasserstein":
        # Wasserstein needs finite values; binned Jensen-Shannon takes infinities in its open
        # end bins, so a column with a few infinite values is still drift-tested.
        out.append((t, own if own is not None else t.default_threshold, False))
        t = get_test("jensenshannon")
    out.append((t, own if own is not None else t.default_threshold, True))
    return out


@dataclass(frozen=True)
class _Reference:
    """The reference prepared once for many current slices (time windows): per column its
    moments, sorted values (numeric) or category counts (categorical)."""

    moments: dict[str, _Moments]
    sorted: dict[str, FloatArray]
    counts: dict[str, pl.DataFrame]


def _prepare_reference(
    plans: list[_Plan], kinds: dict[str, Kind | None], ref: pl.DataFrame, pool: ThreadPoolExecutor
) -> _Reference:
    numeric = [
        p.name
        for p in plans
        if kinds[p.name] is Kind.NUMERIC and is_numeric_dtype(ref.schema[p.name])
    ]
    categorical = [p for p in plans if p.name not in numeric]

    def counts(p: _Plan) -> pl.DataFrame:
        s = ref[p.name].cast(pl.String) if p.cast_string else ref[p.name]
        return category_counts(s, "ref")

    return _Reference(
        _moments(ref, numeric),
        dict(zip(numeric, pool.map(lambda n: sorted_values(ref[n]), numeric), strict=True)),
        dict(zip([p.name for p in categorical], pool.map(counts, categorical), strict=True)),
    )


def _analyse_column(
    plan: _Plan,
    kind: Kind | None,
    ref_raw: pl.Series,
    cur_raw: pl.Series,
    reference_rows: int,
    config: DriftConfig,
    moments: tuple[_Moments, _Moments] | None = None,
    chunks: ChunkIds | None = None,
    prepared: _Reference | None = None,
) -> ColumnResult:
    name = plan.name
    base: dict[str, Any] = {"column": name, "kind_source": plan.kind_source}
    if plan.skip is not None:
        status = Status.ERROR if plan.skip.startswith("dtype changed") else Status.SKIPPED
        return ColumnResult(kind=kind or Kind.OTHER, status=status, reason=plan.skip, **base)
    if plan.cast_string:
        ref_raw, cur_raw = ref_raw.cast(pl.String), cur_raw.cast(pl.String)
    note: str | None = None
    numeric_dtype = is_numeric_dtype(ref_raw.dtype) or ref_raw.dtype == pl.Null
    numeric_dtype = numeric_dtype and (is_numeric_dtype(cur_raw.dtype) or cur_raw.dtype == pl.Null)

    sample: ColumnSample
    if kind is Kind.NUMERIC or (kind is None and numeric_dtype and ref_raw.dtype != pl.Null):
        if not numeric_dtype:
            ref_raw, cur_raw, note = _parse_numbers(ref_raw, cur_raw)
            moments = None
        if moments is None:
            moments = (_moments_of(ref_raw), _moments_of(cur_raw))
        ref_sorted = prepared.sorted.get(name) if prepared is not None and note is None else None
        sample = NumericSample.from_series(
            ref_raw, cur_raw, config.bins, reference_sorted=ref_sorted
        )
        ref_std = moments[0].std
        n_ref = len(sample.reference)
        if ref_std is not None and n_ref > 1 and len(_finite_part(sample.reference)) == n_ref:
            # Population std (ddof=0) for wasserstein from the sample std Polars computed.
            pop_std = ref_std * math.sqrt((n_ref - 1) / n_ref)
            sample = NumericSample(sample.reference, sample.current, config.bins, pop_std)
        if kind is None:
            r = sample.reference
            kind = infer_kind(KindEvidence(ref_raw.dtype, len(r), count_distinct_sorted(r)))
            if kind is Kind.CATEGORICAL:
                sample = CategoricalSample.from_series(ref_raw, cur_raw)
    else:
        ref_counts = prepared.counts.get(name) if prepared is not None else None
        sample = CategoricalSample.from_series(ref_raw, cur_raw, reference_counts=ref_counts)
        if kind is None:
            n_unique = int(np.count_nonzero(sample.reference))
            non_null = int(sample.reference.sum())
            parses = (
                ref_raw.dtype == pl.String
                and n_unique > DISCRETE_MAX_UNIQUE
                and strings_parse_as_datetime(ref_raw)
            )
            kind = infer_kind(KindEvidence(ref_raw.dtype, non_null, n_unique, parses))
    base["kind"] = kind
    if kind not in TESTABLE_KINDS:
        return ColumnResult(status=Status.SKIPPED, reason=_SKIP_REASONS.get(kind), **base)

    if isinstance(sample, NumericSample):
        assert moments is not None
        base["reference"] = _numeric_summary(ref_raw, sample.reference, moments[0])
        base["current"] = _numeric_summary(cur_raw, sample.current, moments[1])
        base["distribution"] = _histogram(sample)
        n_ref, n_cur = len(sample.reference), len(sample.current)
        constant = (
            n_ref > 0
            and n_cur > 0
            and sample.reference[0]
            == sample.reference[-1]
            == sample.current[0]
            == sample.current[-1]
        )
        const_value = f"{sample.reference[0]:.6g}" if constant else ""
    else:
        base["reference"] = _categorical_summary(ref_raw, sample.labels, sample.reference)
        base["current"] = _categorical_summary(cur_raw, sample.labels, sample.current)
        base["distribution"] = _bars(sample)
        n_ref, n_cur = int(sample.reference.sum()), int(sample.current.sum())
        constant = len(sample.labels) == 1
        const_value = sample.labels[0] if constant else ""
    if n_ref == 0 or n_cur == 0:
        side = "reference" if n_ref == 0 else "current"
        return ColumnResult(status=Status.SKIPPED, reason=f"no non-null values in {side}", **base)
    if constant:
        return ColumnResult(
            status=Status.SKIPPED, reason=f"constant: only {const_value!r} on both sides", **base
        )

    candidates = _choose_test(plan, kind, sample, config, reference_rows)
    fallback: str | None = None
    for test, threshold, strict in candidates:
        base.update(test=test.name, threshold=threshold, test_type=test.kind_label)
        if not test.applies_to(kind):
            return ColumnResult(
                status=Status.ERROR,
                reason=f"{test.name} does not apply to {kind} columns; "
                f"it applies to {', '.join(sorted(k.value for k in test.kinds))}",
                **base,
            )
        try:
            outcome = test.run(sample)
        except NotApplicable as exc:
            if strict:
                return ColumnResult(status=Status.ERROR, reason=str(exc), **base)
            fallback = f"{test.name} did not fit ({exc}); used the next choice"
            continue
        stat = _finite(outcome.statistic)
        pval = _finite(outcome.pvalue) if outcome.pvalue is not None else None
        # A p-value test's verdict needs only its p-value: an infinite statistic (Fisher's
        # odds ratio with a zero cell) is reported as null.
        if (stat is None and not test.has_pvalue) or (test.has_pvalue and pval is None):
            return ColumnResult(
                status=Status.ERROR,
                reason=f"{test.name} gave a non-finite result on this data",
                **base,
            )
        auto_note: str | None = None
        learned = None
        if isinstance(threshold, str):  # "auto": learned from reference chunks
            assert chunks is not None
            threshold, learned, auto_note = learn_threshold(
                test, sample, ref_raw, chunks, config.auto_threshold
            )
            base["threshold"] = threshold
        drifted = is_drift(test, outcome, threshold)
        notes = "; ".join(n for n in (fallback, note, outcome.note, auto_note) if n)
        return ColumnResult(
            status=Status.DRIFT if drifted else Status.OK,
            statistic=stat,
            pvalue=pval,
            drift_score=_drift_score(test, stat or 0.0, pval, threshold),
            reason=notes or None,
            effect_size=_finite(outcome.effect_size),
            effect_size_name=outcome.effect_size_name,
            auto_threshold=learned,
            **base,
        )
    raise AssertionError("the automatic test is always strict")  # pragma: no cover


def _parse_numbers(ref: pl.Series, cur: pl.Series) -> tuple[pl.Series, pl.Series, str | None]:
    """Cast to Float64 for a column set to numeric; count values that did not parse."""
    out = []
    bad = 0
    for s in (ref, cur):
        t = s.cast(pl.String).str.strip_chars().cast(pl.Float64, strict=False)
        bad += t.null_count() - s.null_count()
        out.append(t)
    note = f"{bad} values were not numbers and were left out" if bad else None
    return out[0], out[1], note


# --------------------------------------------------------------------------------------------
# The run


def _workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))


def _uses_auto(config: DriftConfig) -> bool:
    """True when some threshold is "auto" (learned from reference chunks)."""
    return config.threshold == AUTO or any(c.threshold == AUTO for c in config.column.values())


def _analyse_frame(
    plans: list[_Plan],
    kinds: dict[str, Kind | None],
    ref: pl.DataFrame,
    cur: pl.DataFrame,
    config: DriftConfig,
    pool: ThreadPoolExecutor,
    tick: Callable[[], None],
    prepared: _Reference | None = None,
) -> list[ColumnResult]:
    """Every planned column of ``cur`` against ``ref``, in plan order.

    With ``prepared`` (time windows) the reference's moments, sorted values and counts are
    reused, and no reference chunks are made: window plans carry the threshold the whole-data
    run used, learned or not.
    """
    numeric = [
        p.name
        for p in plans
        if p.skip is None
        and kinds[p.name] in (None, Kind.NUMERIC)
        and is_numeric_dtype(ref.schema[p.name])
        and is_numeric_dtype(cur.schema[p.name])
    ]
    # Moments of every numeric column in one parallel Polars pass per side.
    ref_m = prepared.moments if prepared is not None else _moments(ref, numeric)
    cur_m = _moments(cur, numeric)
    # Reference chunks for threshold = "auto", made once per frame (whole data or segment).
    auto = _uses_auto(config) and prepared is None
    chunks = chunk_ids(ref, config.auto_threshold) if auto else None

    def job(plan: _Plan) -> ColumnResult:
        if plan.skip is not None:
            empty = pl.Series(plan.name, [], dtype=pl.Null)
            res = _analyse_column(plan, kinds[plan.name], empty, empty, ref.height, config)
        else:
            both = plan.name in cur_m and plan.name in ref_m
            m = (ref_m[plan.name], cur_m[plan.name]) if both else None
            res = _analyse_column(
                plan,
                kinds[plan.name],
                ref[plan.name],
                cur[plan.name],
                ref.height,
                config,
                m,
                chunks,
                prepared,
            )
        tick()
        return res

    return list(pool.map(job, plans))


def _segments(
    plans: list[_Plan],
    kinds: dict[str, Kind | None],
    ref: pl.DataFrame,
    cur: pl.DataFrame,
    config: DriftConfig,
    pool: ThreadPoolExecutor,
    tick: Callable[[], None],
) -> list[SegmentResult]:
    by = list(config.segment_by)
    ref_parts = ref.partition_by(by, as_dict=True, maintain_order=True)
    cur_parts = cur.partition_by(by, as_dict=True, maintain_order=True)
    keys = ordered_keys(ref_parts, cur_parts)
    seg_plans = [p for p in plans if p.name not in by]
    results: list[SegmentResult] = []
    minimum = config.min_segment_rows
    for key in keys:
        segment = segment_of(by, key)
        r, c = ref_parts.get(key), cur_parts.get(key)
        nr, nc = (r.height if r is not None else 0), (c.height if c is not None else 0)
        if r is None or c is None:
            status = SegmentStatus.MISSING_REFERENCE if r is None else SegmentStatus.MISSING_CURRENT
            side = "reference" if r is None else "current"
            results.append(SegmentResult(segment, status, nr, nc, f"no rows in {side}"))
        elif nr < minimum or nc < minimum:
            results.append(
                SegmentResult(
                    segment,
                    SegmentStatus.TOO_SMALL,
                    nr,
                    nc,
                    f"{nr} reference and {nc} current rows; each side needs at least "
                    f"{minimum} (min_segment_rows)",
                )
            )
        else:
            cols = _analyse_frame(seg_plans, kinds, r, c, config, pool, lambda: None)
            verdict = DatasetVerdict.from_columns(cols, config.drift_share, config.model.roles)
            results.append(
                SegmentResult(segment, SegmentStatus.TESTED, nr, nc, None, verdict, tuple(cols))
            )
        tick()
    return results


def _breaches(
    config: DriftConfig,
    dataset: DatasetVerdict,
    columns: list[ColumnResult],
    segments: list[SegmentResult],
) -> list[str]:
    out: list[str] = []
    if config.fail_on is FailOn.NEVER:
        return out

    def share(v: DatasetVerdict) -> str:
        return (
            f"{v.columns_drifted} of {v.columns_tested} columns drifted "
            f"({v.drift_share:.0%} >= {v.drift_share_threshold:.0%})"
        )

    if config.fail_on is FailOn.DATASET:
        if dataset.drifted:
            out.append(f"dataset drift: {share(dataset)}")
        for seg in segments:
            if seg.dataset is not None and seg.dataset.drifted:
                out.append(f"dataset drift in segment {seg.label}: {share(seg.dataset)}")
        return out
    for col in columns:
        if col.drifted:
            out.append(f"column {col.column} drifted ({col.test})")
    for seg in segments:
        for col in seg.columns:
            if col.drifted:
                out.append(f"column {col.column} drifted in segment {seg.label} ({col.test})")
    return out


def _integrity_extra(
    plans: list[_Plan], ref: pl.Schema, cur: pl.Schema, to_read: list[str]
) -> list[str]:
    """Shared columns the drift tests skip by kind but integrity checks (not dtype changes)."""
    return [
        p.name
        for p in plans
        if p.skip is not None
        and p.name in ref
        and p.name in cur
        and p.name not in to_read
        and not p.skip.startswith("dtype changed")
    ]


def _integrity(
    config: DriftConfig,
    plans: list[_Plan],
    columns: list[ColumnResult],
    ref: pl.DataFrame,
    cur: pl.DataFrame,
    ref_schema: pl.Schema,
    cur_schema: pl.Schema,
    labels: tuple[str, str],
) -> IntegrityReport:
    """Integrity checks on the frames already collected, joined to the drift verdicts."""
    configured = {p.name: p.kind for p in plans if p.kind_source == "config"}

    def scope(c: ColumnResult) -> ColumnScope:
        # Reuse the medians and reference range the drift summaries took from sorted samples.
        r, k = c.reference, c.current
        numeric = c.kind is Kind.NUMERIC and r is not None and r.min is not None
        return ColumnScope(
            c.column,
            c.kind,
            configured.get(c.column),
            ref_median=r.p50 if numeric and r is not None else None,
            cur_median=k.p50 if numeric and k is not None else None,
            ref_range=(r.min, r.max)
            if numeric and r is not None and r.min is not None and r.max is not None
            else None,
            cur_range=(k.min, k.max)
            if numeric and k is not None and k.min is not None and k.max is not None
            else None,
        )

    scopes = [scope(c) for c in columns if c.column in ref.columns and c.column in cur.columns]
    results = run_integrity(
        ref, cur, ref_schema, cur_schema, [p.name for p in plans], scopes, config.integrity, labels
    )
    return attach_drift(results, {c.column: (c.status.value, c.drifted) for c in columns})


def _time_column(config: DriftConfig, ref: pl.Schema, cur: pl.Schema) -> str | None:
    """The timestamp column the report shows the time range of.

    ``time_column`` or ``auto_threshold.time_column`` when set, else the first column with a
    Date or Datetime dtype on both sides; None when there is none.
    """
    chosen = config.time_column or config.auto_threshold.time_column
    if chosen is not None:
        return chosen if chosen in ref and chosen in cur else None
    temporal = (pl.Date, pl.Datetime)
    for name, dtype in ref.items():
        if name in cur and isinstance(dtype, temporal) and isinstance(cur[name], temporal):
            return name
    return None


def _time_range(df: pl.DataFrame, column: str | None) -> TimeRange | None:
    if column is None or column not in df.columns:
        return None
    lo, hi = df.select(pl.col(column).min().alias("lo"), pl.col(column).max().alias("hi")).row(0)
    return TimeRange(
        column,
        None if lo is None else str(json_value(lo)),
        None if hi is None else str(json_value(hi)),
    )


def _section_columns(config: DriftConfig) -> list[str]:
    """Columns the model, window, concept and online sections read, configured ones only."""
    names = [*config.model.roles, config.time_column, config.online.latency, config.online.status]
    return list(dict.fromkeys(n for n in names if n is not None))


@dataclass(frozen=True)
class _Sections:
    """The optional sections of a run: model performance, windows, concept drift, online."""

    performance: PerformanceSection | None = None
    windows: WindowSection | None = None
    concept: ConceptSection | None = None
    online: OnlineSection | None = None

    def findings(self) -> tuple[list[str], list[str]]:
        """Messages at severity fail, and at severity warn, from every section."""
        fails: list[str] = []
        warns: list[str] = []
        if self.performance is not None:
            fails += self.performance.failures
            warns += self.performance.warnings
            # A rule that could not be applied (a misspelt segment, say) must not pass quietly.
            warns += [r.message for r in self.performance.rules if r.status == "not_evaluated"]
        rule = self.windows.rule_outcome if self.windows is not None else None
        if rule is not None and rule.status != "pass":
            (fails if rule.status == "fail" else warns).append(rule.message)
        if self.concept is not None:
            (fails if self.concept.severity == "fail" else warns).extend(self.concept.findings)
        if self.online is not None:
            fails += self.online.failures
            warns += self.online.warnings
        return fails, warns


def _sections(
    config: DriftConfig,
    plans: list[_Plan],
    kinds: dict[str, Kind | None],
    columns: list[ColumnResult],
    ref_tested: pl.DataFrame,
    ref: pl.DataFrame,
    cur: pl.DataFrame,
    pool: ThreadPoolExecutor,
) -> _Sections:
    """Compute the sections the config asks for, from the frames the run already read."""
    model, time_column, spec = config.model, config.time_column, config.window_spec
    # Windows and concept drift each order the current rows by time; parse and sort once
    # here (stable, nulls last) so their own sorts find the column sorted. Performance and
    # the online totals keep file order (the bootstrap draws row positions; sums would
    # change in their last digit).
    timed = cur
    if time_column is not None and time_column in cur.columns:
        timed = parse_time_column(cur, time_column).sort(
            time_column, maintain_order=True, nulls_last=True
        )
    performance = concept = windows = online = None
    if model.enabled:
        performance = run_performance(ref, cur, model, config.segment_by, config.min_segment_rows)
        if time_column is not None:
            concept = run_concept(
                timed, time_column, model, performance.task, config.concept, config.segment_by
            )
    if spec is not None:
        windows = _windows(
            config, spec, plans, kinds, columns, ref_tested, timed, pool, performance
        )
    if config.online.enabled:
        online = run_online(ref, cur, config.online, time_column, spec)
    return _Sections(performance, windows, concept, online)


def _windows(
    config: DriftConfig,
    spec: WindowSpec,
    plans: list[_Plan],
    kinds: dict[str, Kind | None],
    columns: list[ColumnResult],
    ref: pl.DataFrame,
    cur: pl.DataFrame,
    pool: ThreadPoolExecutor,
    performance: PerformanceSection | None,
) -> WindowSection:
    """Every column the whole-data run tested, per window, with that run's test and threshold."""
    tested = {c.column: c for c in columns if c.tested}
    win_plans = [
        dataclasses.replace(p, test=tested[p.name].test, threshold=tested[p.name].threshold)
        for p in plans
        if p.name in tested
    ]
    prepared = _prepare_reference(win_plans, kinds, ref, pool)
    roles = config.model.roles

    def analyse(frame: pl.DataFrame) -> tuple[list[ColumnResult], DatasetVerdict]:
        cols = _analyse_frame(win_plans, kinds, ref, frame, config, pool, lambda: None, prepared)
        cols, _, _ = apply_correction(cols, [], config.correction, config.drift_share, _drift_score)
        return cols, DatasetVerdict.from_columns(cols, config.drift_share, roles)

    perf_spec = perf_reference = None
    if performance is not None:
        perf_spec = PerformanceSpec(
            performance.target,
            performance.prediction,
            performance.score,
            performance.task,
            performance.positive_label,
        )  # fmt: skip
        comparison = performance.overall.comparison
        perf_reference = comparison.reference.metrics if comparison is not None else None
    return run_windows(
        cur,
        spec,
        config.time_column,
        analyse,
        rule=config.windows,
        min_rows=config.min_segment_rows,
        performance=perf_spec,
        performance_reference=perf_reference,
    )


def run_report(
    reference: SourceLike,
    current: SourceLike,
    config: DriftConfig | None = None,
    *,
    progress: ProgressHook | None = None,
) -> Report:
    """Compare ``current`` with ``reference`` and return the Report every output renders.

    ``reference`` and ``current`` are each a path (file, glob or folder), a Polars DataFrame
    or a LazyFrame. Raises :class:`~driftcli.errors.ConfigError` or
    :class:`~driftcli.errors.InputError` for a user's mistake.
    """
    config = config or DriftConfig()
    ref_src = open_source(reference, config.reference_format, "reference")
    cur_src = open_source(current, config.current_format, "current")
    ref_schema, cur_schema = ref_src.schema(), cur_src.schema()
    _check_names(config, ref_schema, cur_schema)
    plans = _plan_columns(config, ref_schema, cur_schema)
    shared = [p for p in plans if p.name in ref_schema and p.name in cur_schema]
    if not shared:
        raise InputError(
            f"reference {ref_src.label} and current {cur_src.label} share no columns"
            + (" (after --columns/--exclude)" if config.columns or config.exclude else "")
            + "; check that the two inputs describe the same data"
        )
    to_read = [p.name for p in plans if p.skip is None]
    to_read += [c for c in config.segment_by if c not in to_read]
    time_column = config.auto_threshold.time_column
    if _uses_auto(config) and config.auto_threshold.chunk_by == "period" and time_column:
        if time_column not in ref_schema:
            raise ConfigError(
                f"auto_threshold.time_column: no column {time_column!r} in the reference"
            )
        to_read += [time_column] if time_column not in to_read else []
    time_col = _time_column(config, ref_schema, cur_schema)
    if time_col is not None and time_col not in to_read:
        to_read.append(time_col)  # one column, for the time range the report shows
    check_integrity = config.integrity.enabled
    # Integrity also looks at shared columns the drift tests skip (ids, dates, text); they
    # are read in the same collect, never in a second pass.
    extra = _integrity_extra(plans, ref_schema, cur_schema, to_read) if check_integrity else []
    # The model's, time and online columns, on the sides that have them.
    wanted = _section_columns(config)
    own = (
        [c for c in wanted if c in ref_schema and c not in to_read + extra],
        [c for c in wanted if c in cur_schema and c not in to_read + extra],
    )
    ref_df, cur_df = _collect(ref_src, cur_src, to_read + extra, own)
    for src, df in ((ref_src, ref_df), (cur_src, cur_df)):
        # An empty current is an integrity failure (row_count), reported like any other.
        if df.height == 0 and not (src is cur_src and check_integrity):
            raise InputError(f"{src.role} {src.label}: no rows to compare; check the input")
    frames = (ref_df, cur_df)
    if extra or own[0] or own[1]:
        ref_df, cur_df = ref_df.drop(extra + own[0]), cur_df.drop(extra + own[1])

    kinds: dict[str, Kind | None] = {p.name: p.kind for p in plans}
    total = len(plans) + (1 if config.segment_by else 0)
    state = {"done": 0, "total": total}

    def tick() -> None:
        state["done"] += 1
        if progress is not None:
            progress(state["done"], state["total"])

    with ThreadPoolExecutor(max_workers=_workers()) as pool:
        columns = _analyse_frame(plans, kinds, ref_df, cur_df, config, pool, tick)
        kinds.update({c.column: c.kind for c in columns})
        segments: list[SegmentResult] = []
        if config.segment_by:
            n_keys = len(
                set(ref_df.select(config.segment_by).unique().rows())
                | set(cur_df.select(config.segment_by).unique().rows())
            )
            state["total"] = len(plans) + n_keys
            segments = _segments(plans, kinds, ref_df, cur_df, config, pool, tick)
        # One multiple-testing correction over every p-value result (columns x segments).
        roles = config.model.roles
        columns, segments, correction = apply_correction(
            columns, segments, config.correction, config.drift_share, _drift_score, roles
        )
        sections = _sections(config, plans, kinds, columns, ref_df, *frames, pool)
    dataset = DatasetVerdict.from_columns(columns, config.drift_share, roles)
    breaches = _breaches(config, dataset, columns, segments)
    section_fails, section_warns = sections.findings()
    if config.fail_on is FailOn.NEVER:
        section_warns = section_fails + section_warns
    else:
        breaches += section_fails
    warnings = [
        f"segment {s.label}: {s.status.value.replace('_', ' ')} ({s.reason})"
        for s in segments
        if s.status is not SegmentStatus.TESTED
    ]
    warnings += [f"column {c.column}: {c.reason}" for c in columns if c.status is Status.ERROR]
    warnings += section_warns
    integrity = IntegrityReport()
    if check_integrity:
        labels = (ref_src.label, cur_src.label)
        integrity = _integrity(config, plans, columns, *frames, ref_schema, cur_schema, labels)
        if config.fail_on is not FailOn.NEVER:
            breaches += integrity_breaches(integrity)
        warned = integrity_warning(integrity)
        if warned is not None:
            warnings.append(warned)
    return Report(
        reference=SourceInfo(
            ref_src.label, ref_df.height, len(ref_schema), _time_range(ref_df, time_col)
        ),
        current=SourceInfo(
            cur_src.label, cur_df.height, len(cur_schema), _time_range(cur_df, time_col)
        ),
        dataset=dataset,
        columns=tuple(columns),
        segments=tuple(segments),
        config=config,
        generated_at=datetime.now(timezone.utc).replace(microsecond=0),
        driftcli_version=__version__,
        breaches=tuple(breaches),
        warnings=tuple(warnings),
        integrity=integrity,
        correction=correction,
        roles=roles,
        performance=sections.performance,
        concept=sections.concept,
        windows=sections.windows,
        online=sections.online,
    )


__all__ = ["ProgressHook", "run_report"]
