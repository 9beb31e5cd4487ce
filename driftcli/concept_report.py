"""Concept drift in a run: the model's per-row error stream over time, run through detectors.

Needs ``time_column`` and a model (``[model]`` target and prediction). The current rows with a
timestamp, a target and a prediction are ordered by time (stable: ties keep file order); the
error stream is 0/1 misclassification for classification and the absolute error for regression.
Each configured detector (:mod:`driftcli.concept`) runs on the whole stream ("overall") and, with
``segment_by``, on each segment's own stream. DDM and EDDM need a 0/1 stream: for regression
they are reported as not applicable.

Config::

    [concept]
    detectors = ["adwin", "ddm", "eddm", "page_hinkley"]   # default: all four
    severity = "warn"            # what a detected change point is: warn (default) | fail
    per_segment = true           # also run on each segment's stream (with segment_by)

    [concept.adwin]              # optional per-detector parameters (river's names/defaults)
    delta = 0.002

The parameter tables take exactly the keyword parameters of the detector functions in
:mod:`driftcli.concept` (river's names and defaults): ``[concept.adwin]`` delta, clock,
max_buckets, min_window_length, grace_period; ``[concept.ddm]`` warm_start, warning_threshold,
drift_threshold; ``[concept.eddm]`` warm_start, alpha, beta; ``[concept.page_hinkley]``
min_instances, delta, threshold, alpha, mode. A table for a detector that is not in
``detectors`` is an error (it would be ignored silently otherwise).

Rows
    A row is excluded (and counted in ``ConceptScope.n_excluded``) when its timestamp, target or
    prediction is missing (null, or NaN in a float column); for regression also when the
    absolute error is not finite (an infinite target or prediction). Text time columns are
    parsed as ISO 8601 datetimes (:func:`driftcli.windows.time_ordered`).

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

import inspect
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import polars as pl

from driftcli.concept import DETECTORS, DetectorResult
from driftcli.errors import ConfigError, InputError, reject_unknown_keys
from driftcli.model_perf import ModelConfig
from driftcli.performance import TASKS, Task
from driftcli.segments import ordered_keys, segment_label, segment_of
from driftcli.severity import Severity, check_severity
from driftcli.windows import iso_text, time_ordered

ALL_DETECTORS = ("adwin", "ddm", "eddm", "page_hinkley")

MIN_EVENTS = 30
"""A scope with fewer events than this runs no detector."""
MAX_BINS = 100
"""The most bins in a scope's ``series``."""
NOT_APPLICABLE = "not applicable: needs a 0/1 error stream (classification)"
_BINARY_ONLY = frozenset({"ddm", "eddm"})
_KEYS = ("detectors", "severity", "per_segment")

ParamValue = float | int | str


def _detector_defaults(name: str) -> dict[str, ParamValue]:
    """A detector's keyword parameters and their defaults, read from its signature."""
    params = list(inspect.signature(DETECTORS[name]).parameters.values())[1:]  # after `stream`
    return {p.name: p.default for p in params}


def _param_value(where: str, value: object, default: ParamValue) -> ParamValue:
    """``value`` checked against the type of the parameter's default (int, float or str)."""
    if isinstance(default, str):
        if not isinstance(value, str):
            raise ConfigError(f"{where} must be a string, got {value!r}")
        return value
    if isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{where} must be a whole number, got {value!r}")
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigError(f"{where} must be a number, got {value!r}")
    return float(value)


def _check_params(name: str, given: object) -> Mapping[str, ParamValue]:
    """One detector's configured parameters, validated: names, types and the detector's checks."""
    where = f"concept.{name}"
    defaults = _detector_defaults(name)
    if not isinstance(given, Mapping):
        raise ConfigError(
            f"{where} must be a table [concept.{name}] with keys: {', '.join(defaults)}"
        )
    reject_unknown_keys(given, defaults, where)
    checked = {str(k): _param_value(f"{where}: {k}", v, defaults[str(k)]) for k, v in given.items()}
    try:  # the detectors check their parameters before looking at the stream
        DETECTORS[name](np.empty(0), **checked)
    except ConfigError as exc:
        raise ConfigError(f"{where}: {str(exc).removeprefix(name + ': ')}") from None
    return MappingProxyType(checked)


@dataclass(frozen=True)
class ConceptConfig:
    """Which detectors run, with which parameters, and what a detection means."""

    detectors: tuple[str, ...] = ALL_DETECTORS
    params: Mapping[str, Mapping[str, float | int | str]] = field(default_factory=dict)
    severity: Severity = "warn"
    per_segment: bool = True

    def __post_init__(self) -> None:
        names = self.detectors
        if isinstance(names, str) or not isinstance(names, Sequence):
            raise ConfigError(
                f"concept: detectors must be a list of names from {', '.join(ALL_DETECTORS)}, "
                f"got {names!r}"
            )
        for name in names:
            if name not in ALL_DETECTORS:
                raise ConfigError(
                    f"concept: unknown detector {name!r}; valid detectors: "
                    f"{', '.join(ALL_DETECTORS)}"
                )
        if not names:
            raise ConfigError(
                f"concept: detectors is empty; name at least one of {', '.join(ALL_DETECTORS)}"
            )
        dupes = sorted({n for n in names if list(names).count(n) > 1})
        if dupes:
            raise ConfigError(f"concept: detector {dupes[0]!r} is listed more than once")
        object.__setattr__(self, "detectors", tuple(names))
        check_severity(self.severity, "concept")
        if not isinstance(self.per_segment, bool):
            raise ConfigError(
                f"concept: per_segment must be true or false, got {self.per_segment!r}"
            )
        if not isinstance(self.params, Mapping):
            raise ConfigError(
                f"concept: params must map detector names to parameter tables, got {self.params!r}"
            )
        params: dict[str, Mapping[str, ParamValue]] = {}
        for name, given in self.params.items():
            if name not in ALL_DETECTORS:
                raise ConfigError(
                    f"concept: parameters for unknown detector {name!r}; valid detectors: "
                    f"{', '.join(ALL_DETECTORS)}"
                )
            if name not in names:
                raise ConfigError(
                    f"concept: parameters are set for {name}, which is not in detectors; "
                    f"add it to detectors or remove [concept.{name}]"
                )
            params[name] = _check_params(name, given)
        object.__setattr__(self, "params", MappingProxyType(params))

    def effective_params(self, name: str) -> dict[str, float | int | str]:
        """Every parameter of detector ``name``: the configured ones over the defaults."""
        return {**_detector_defaults(name), **self.params.get(name, {})}

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, as echoed in reports (``params``: only the configured values)."""
        return {
            "detectors": list(self.detectors),
            "params": {name: dict(p) for name, p in self.params.items()},
            "severity": self.severity,
            "per_segment": self.per_segment,
        }


def concept_config_from_mapping(data: object, source: str) -> ConceptConfig:
    """Validate a parsed ``[concept]`` table (ConfigError naming ``source`` and the key)."""
    where = f"{source}: concept"
    if not isinstance(data, Mapping):
        raise ConfigError(f"{where} must be a table: [concept]")
    valid = (*_KEYS, *ALL_DETECTORS)
    bad = sorted(str(k) for k in set(data) - set(valid))
    if bad:
        raise ConfigError(
            f"{where}: unknown key {bad[0]!r}; valid keys: {', '.join(valid)} "
            f"(the last {len(ALL_DETECTORS)} are per-detector parameter tables)"
        )
    kwargs: dict[str, Any] = {k: data[k] for k in _KEYS if k in data}
    if "detectors" in kwargs and not isinstance(kwargs["detectors"], list):
        raise ConfigError(
            f"{where}: detectors must be a list like {list(ALL_DETECTORS)!r}, "
            f"got {kwargs['detectors']!r}"
        )
    kwargs["params"] = {name: data[name] for name in ALL_DETECTORS if name in data}
    try:
        return ConceptConfig(**kwargs)
    except ConfigError as exc:
        raise ConfigError(f"{source}: {exc}") from None


@dataclass(frozen=True)
class ChangePoint:
    """Where a detector fired: the position in the scope's time-ordered stream, and its time."""

    row: int
    timestamp: str | None  # ISO 8601 value of the time column at that row


@dataclass(frozen=True)
class DetectorReport:
    """One detector on one scope's stream."""

    method: str
    params: Mapping[str, float | int | str]
    drifts: tuple[ChangePoint, ...] = ()
    warnings: tuple[ChangePoint, ...] | None = None  # None: the method has no warning zone
    note: str | None = None  # e.g. not applicable to a real-valued stream


@dataclass(frozen=True)
class ErrorBin:
    """The mean error over a stretch of the stream, for the chart (at most ~100 bins)."""

    start: str | None  # ISO timestamp of the bin's first row
    first_row: int
    rows: int
    mean_error: float


@dataclass(frozen=True)
class ConceptScope:
    """The error stream of one scope ("overall" or a segment) and what the detectors found."""

    scope: str
    segment: Mapping[str, Any] | None
    n_events: int
    n_excluded: int  # rows without a target, prediction or timestamp
    mean_error: float | None
    detectors: tuple[DetectorReport, ...] = ()
    series: tuple[ErrorBin, ...] = ()
    reason: str | None = None  # why nothing ran (e.g. too few rows)

    @property
    def first_detection(self) -> tuple[str, ChangePoint] | None:
        """The earliest change point in this scope and the detector that reported it (the
        first listed detector on a tie)."""
        best: tuple[str, ChangePoint] | None = None
        for d in self.detectors:
            for p in d.drifts:
                if best is None or p.row < best[1].row:
                    best = (d.method, p)
        return best

    @property
    def first_change(self) -> ChangePoint | None:
        """The earliest change point any detector reported in this scope."""
        first = self.first_detection
        return first[1] if first is not None else None


def _point_text(point: ChangePoint) -> str:
    return f"row {point.row}" + (f" ({point.timestamp})" if point.timestamp else "")


@dataclass(frozen=True)
class ConceptSection:
    """Concept drift over time in the current data."""

    time_column: str
    stream: Literal["misclassification", "absolute_error"]
    severity: Severity
    scopes: tuple[ConceptScope, ...]

    @property
    def findings(self) -> list[str]:
        """One message per scope where some detector reported a change point.

        Each detector that fired is named with its first change point, and how many more it
        found: ``"concept drift overall: adwin at row 412 (2025-03-15T02:10:00) and 2 more,
        ddm at row 398 (2025-03-15T01:55:00)"``.
        """
        out: list[str] = []
        for scope in self.scopes:
            parts = []
            for d in scope.detectors:
                if d.drifts:
                    more = len(d.drifts) - 1
                    parts.append(
                        f"{d.method} at {_point_text(d.drifts[0])}"
                        + (f" and {more} more" if more else "")
                    )
            if parts:
                where = "overall" if scope.segment is None else f"in segment {scope.scope}"
                out.append(f"concept drift {where}: {', '.join(parts)}")
        return out


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
) -> ConceptSection:
    """Order ``current`` by time, build the error stream(s) and run the detectors."""
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

    scopes = [_scope("overall", None, errors, times, current.height - len(errors), task, config)]
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
            scopes.append(
                _scope(label, segment, seg_errors, seg_times, excluded.get(key, 0), task, config)
            )
    return ConceptSection(
        time_column=time_column,
        stream="absolute_error" if task == "regression" else "misclassification",
        severity=config.severity,
        scopes=tuple(scopes),
    )


__all__ = [
    "ALL_DETECTORS",
    "MAX_BINS",
    "MIN_EVENTS",
    "NOT_APPLICABLE",
    "ChangePoint",
    "ConceptConfig",
    "ConceptScope",
    "ConceptSection",
    "DetectorReport",
    "ErrorBin",
    "concept_config_from_mapping",
    "run_concept",
]
