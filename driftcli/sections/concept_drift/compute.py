"""Concept drift in a run: the model's per-row error stream over time, run through detectors.

Needs ``time_column`` and a model (``[model]`` target and prediction). The current rows with a
timestamp, a target and a prediction are ordered by time (stable: ties keep file order); the
error stream is 0/1 misclassification for classification and the absolute error for regression.
Each configured detector (:mod:`driftcli.sections.concept_drift.detectors`) runs on the whole
stream ("overall") and, with ``segment_by``, on each segment's own stream. DDM and EDDM need a
0/1 stream: for regression they are reported as not applicable.

The ``[concept]`` table is :mod:`driftcli.sections.concept_drift.config`.

Rows
    A row is excluded (and counted in ``ConceptScope.n_excluded``) when its timestamp, target or
    prediction is missing (null, or NaN in a float column); for regression also when the
    absolute error is not finite (an infinite target or prediction). Text time columns are
    parsed as ISO 8601 datetimes (:func:`driftcli.timeline.time_ordered`).

Misclassification (tasks ``binary`` and ``multiclass``)
    1.0 where the prediction differs from the target, else 0.0. Columns of the same dtype are
    compared as they are (categoricals as their text), integers of any widths exactly. Other
    mixes of numbers and booleans are compared as floats (``1 == 1.0 == True``). Otherwise
    both sides are compared as text, a float side written without its fraction when it is a
    whole number, so the text ``"1"`` equals the integer 1 and the float 1.0, while ``"1.0"``
    equals neither.

Absolute error (task ``regression``)
    ``|target - prediction|`` as Float64; both columns must be numeric (or boolean).

Scopes
    ``"overall"`` is every kept row. With ``segment_by`` and ``per_segment``, each combination of
    segment values seen in the current data is a scope of its own, labelled ``"col=value, ..."``
    in ``segment_by`` order, on that segment's rows in time order. ``ChangePoint.row`` is the
    0-based position in that scope's stream, ``ChangePoint.timestamp`` the time column at that
    row in ISO 8601. A scope with fewer than :data:`MIN_EVENTS` (30) events runs no detector
    (``reason`` says why); 30 is the warm-up of DDM, EDDM and Page-Hinkley.

Series
    Each scope's stream is cut into at most :data:`MAX_BINS` (100) contiguous bins of equal row
    count (bin sizes differ by at most one row): the chart of where in time the errors rose.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from driftcli.errors import ConfigError, InputError
from driftcli.results.scopes import ordered_keys, segment_label, segment_of
from driftcli.sections.concept_drift.config import ConceptConfig, ParamValue
from driftcli.sections.concept_drift.detectors import DETECTORS, DetectorResult
from driftcli.sections.concept_drift.result import (
    ChangePoint,
    ConceptScope,
    ConceptSection,
    DetectorReport,
    ErrorBin,
)
from driftcli.sections.performance.config import ModelConfig
from driftcli.sections.performance.metrics import TASKS, Task
from driftcli.sections.performance.result import PerformanceSection
from driftcli.sections.registry import RunContext
from driftcli.timeline import iso_text, time_ordered

MIN_EVENTS = 30
"""A scope with fewer events than this runs no detector."""
MAX_BINS = 100
"""The most bins in a scope's ``series``."""
NOT_APPLICABLE = "not applicable: needs a 0/1 error stream (classification)"
_BINARY_ONLY = frozenset({"ddm", "eddm"})


# --------------------------------------------------------------------------------------------
# The run

FloatArray = npt.NDArray[np.float64]


def _missing(name: str, dtype: pl.DataType) -> pl.Expr:
    expr = pl.col(name).is_null()
    if dtype.is_float():
        expr = expr | pl.col(name).is_nan()
    return expr


def _numeric(dtype: pl.DataType) -> bool:
    return dtype.is_numeric() or dtype == pl.Boolean


def _as_label_text(name: str, dtype: pl.DataType) -> pl.Expr:
    """A label column as text; whole floats without their fraction (1.0 -> "1")."""
    col = pl.col(name)
    if dtype.is_float():
        whole = (col == col.floor()) & (col.abs() < 2.0**53)
        return (
            pl.when(whole)
            .then(col.cast(pl.Int64, strict=False).cast(pl.String))
            .otherwise(col.cast(pl.String))
        )
    return col.cast(pl.String)


def _error_expr(
    target: str, prediction: str, schema: pl.Schema, task: Task
) -> tuple[pl.Expr, pl.Expr]:
    """The error of a row and whether the row is kept (see the module docstring)."""
    t_type, p_type = schema[target], schema[prediction]
    keep = ~_missing(target, t_type) & ~_missing(prediction, p_type)
    if task == "regression":
        if not (_numeric(t_type) and _numeric(p_type)):
            raise InputError(
                f"concept drift (regression): target {target!r} ({t_type}) and prediction "
                f"{prediction!r} ({p_type}) must be numeric"
            )
        error = (pl.col(target).cast(pl.Float64) - pl.col(prediction).cast(pl.Float64)).abs()
        return error, keep & error.is_finite()
    categorical = any(isinstance(d, (pl.Categorical, pl.Enum)) for d in (t_type, p_type))
    if (t_type == p_type and not categorical) or (t_type.is_integer() and p_type.is_integer()):
        t, p = pl.col(target), pl.col(prediction)  # integers of any width compare exactly
    elif _numeric(t_type) and _numeric(p_type):
        t, p = pl.col(target).cast(pl.Float64), pl.col(prediction).cast(pl.Float64)
    else:
        t, p = _as_label_text(target, t_type), _as_label_text(prediction, p_type)
    return (t != p).cast(pl.Float64), keep


def _series(errors: FloatArray, times: pl.Series) -> tuple[ErrorBin, ...]:
    """At most MAX_BINS contiguous bins of (nearly) equal row count."""
    n = len(errors)
    if n == 0:
        return ()
    bins = min(MAX_BINS, n)
    starts = (np.arange(bins, dtype=np.int64) * n) // bins
    rows = np.diff(np.append(starts, n))
    means = np.add.reduceat(errors, starts) / rows
    stamps = times.gather(starts).to_list()
    return tuple(
        ErrorBin(iso_text(s), int(a), int(r), float(m))
        for s, a, r, m in zip(stamps, starts, rows, means, strict=True)
    )


def _detect(
    errors: FloatArray, times: pl.Series, task: Task, config: ConceptConfig
) -> tuple[DetectorReport, ...]:
    """Every configured detector on one scope's stream, with timestamps at the change points."""
    results: list[tuple[str, dict[str, ParamValue], DetectorResult | None]] = []
    for name in config.detectors:
        if task == "regression" and name in _BINARY_ONLY:
            results.append((name, config.effective_params(name), None))
        else:
            results.append((name, {}, DETECTORS[name](errors, **config.params.get(name, {}))))
    rows = sorted(
        {
            r
            for _, _, res in results
            if res is not None
            for r in (*res.drifts, *(res.warnings or ()))
        }
    )
    stamps = dict(zip(rows, times.gather(rows).to_list(), strict=True)) if rows else {}

    def points(found: tuple[int, ...]) -> tuple[ChangePoint, ...]:
        return tuple(ChangePoint(r, iso_text(stamps[r])) for r in found)

    reports = []
    for name, params, res in results:
        if res is None:
            reports.append(DetectorReport(name, params, note=NOT_APPLICABLE))
        else:
            warnings = None if res.warnings is None else points(res.warnings)
            reports.append(DetectorReport(name, res.params, points(res.drifts), warnings))
    return tuple(reports)


def _scope(
    label: str,
    segment: Mapping[str, Any] | None,
    errors: FloatArray,
    times: pl.Series,
    n_excluded: int,
    task: Task,
    config: ConceptConfig,
) -> ConceptScope:
    n = len(errors)
    mean = float(errors.mean()) if n else None
    series = _series(errors, times)
    if n == 0:
        reason = "no rows with a timestamp, a target and a prediction"
        return ConceptScope(label, segment, 0, n_excluded, None, reason=reason)
    if n < MIN_EVENTS:
        reason = f"{n} events; the detectors need at least {MIN_EVENTS}"
        return ConceptScope(label, segment, n, n_excluded, mean, series=series, reason=reason)
    detectors = _detect(errors, times, task, config)
    return ConceptScope(label, segment, n, n_excluded, mean, detectors, series)


def _fresh(name: str, taken: Sequence[str]) -> str:
    while name in taken:
        name += "_"
    return name


def _key_counts(frame: pl.DataFrame, by: list[str]) -> dict[tuple[object, ...], int]:
    if frame.height == 0:
        return {}
    counts = frame.group_by(by).len(name="__n")
    return {tuple(row[:-1]): int(row[-1]) for row in counts.iter_rows()}


def run_concept(
    current: pl.DataFrame,
    time_column: str,
    model: ModelConfig,
    task: Task,
    config: ConceptConfig,
    segment_by: Sequence[str] = (),
    mapper: Callable[..., Iterable[Any]] = map,
) -> ConceptSection:
    """Order ``current`` by time, build the error stream(s) and run the detectors.

    ``mapper`` runs the scopes' detectors (a thread pool's ``map``: they are NumPy, which
    releases the GIL); each scope's stream is its own, so the results are the same in any
    order or thread.
    """
    target, prediction = model.target, model.prediction
    if target is None or prediction is None:
        raise ConfigError(
            "concept drift needs the model's target and prediction columns "
            "([model] target and prediction, or --target and --prediction)"
        )
    if task not in TASKS:
        raise ConfigError(f"concept: unknown task {task!r}; valid tasks: {', '.join(TASKS)}")
    by = list(dict.fromkeys(segment_by)) if config.per_segment else []
    for name in (target, prediction, *by):
        if name not in current.columns:
            raise InputError(
                f"concept drift: column {name!r} is not in the current data; "
                f"available: {', '.join(current.columns)}"
            )
    needed = list(dict.fromkeys([time_column, target, prediction, *by]))
    if time_column not in current.columns:
        raise InputError(f"time column {time_column!r} is not in the current data")
    ordered, _ = time_ordered(current.select(needed), time_column)
    error, keep = _error_expr(target, prediction, ordered.schema, task)
    err_col, keep_col = _fresh("__error", needed), _fresh("__keep", needed)
    tagged = ordered.with_columns(error.alias(err_col), keep.alias(keep_col))
    kept = tagged.filter(pl.col(keep_col))
    errors = kept.get_column(err_col).to_numpy()
    times = kept.get_column(time_column)

    # (label, segment, errors, times, rows left out) of each scope
    jobs: list[tuple[str, Mapping[str, Any] | None, FloatArray, pl.Series, int]] = [
        ("overall", None, errors, times, current.height - len(errors))
    ]
    if by:
        # Rows left out: those without a timestamp (time_ordered dropped them) and the rest.
        excluded = _key_counts(current.filter(pl.col(time_column).is_null()).select(by), by)
        for key, count in _key_counts(tagged.filter(~pl.col(keep_col)).select(by), by).items():
            excluded[key] = excluded.get(key, 0) + count
        parts = kept.select(list(dict.fromkeys([*by, err_col, time_column]))).partition_by(
            by, as_dict=True, maintain_order=True
        )
        for key in ordered_keys(parts, excluded):
            segment = segment_of(by, key)
            label = segment_label(segment)
            part = parts.get(key)
            if part is None:
                seg_errors: FloatArray = np.empty(0)
                seg_times = times.clear()
            else:
                seg_errors, seg_times = part.get_column(err_col).to_numpy(), part[time_column]
            jobs.append((label, segment, seg_errors, seg_times, excluded.get(key, 0)))

    def one(job: tuple[str, Mapping[str, Any] | None, FloatArray, pl.Series, int]) -> ConceptScope:
        label, segment, scope_errors, scope_times, n_excluded = job
        return _scope(label, segment, scope_errors, scope_times, n_excluded, task, config)

    scopes = list(mapper(one, jobs))
    return ConceptSection(
        time_column=time_column,
        stream="absolute_error" if task == "regression" else "misclassification",
        severity=config.severity,
        scopes=tuple(scopes),
    )


def compute(ctx: RunContext) -> ConceptSection | None:
    """Concept drift when the run has a model with performance and a time column, else None."""
    performance = ctx.computed.get("performance")
    time_column = ctx.config.time_column
    if not isinstance(performance, PerformanceSection) or time_column is None:
        return None
    config = ctx.config
    return run_concept(
        ctx.timed_current,
        time_column,
        config.section(ModelConfig),
        performance.task,
        config.section(ConceptConfig),
        config.segment_by,
        ctx.pool.map,
    )


__all__ = ["MAX_BINS", "MIN_EVENTS", "NOT_APPLICABLE", "compute", "run_concept"]
