"""Model performance on a dataset, and a bootstrap interval for its change between two datasets.

:func:`evaluate` computes a model's metrics on one frame from its target and prediction columns
(and, for binary classification, an optional score column: the predicted probability of the
positive class). :func:`compare` evaluates the reference and the current frame and adds, per
metric, the difference current minus reference with a bootstrap confidence interval.

Rows
    A row whose target is missing (null, or NaN in a float column) is excluded and counted in
    ``n_missing_target``; a row with a target but no prediction is excluded and counted in
    ``n_missing_prediction``. A row without a score is left out of ROC AUC and log loss only
    (``n_missing_score``). Nothing is dropped silently.

Task (``binary``, ``multiclass``, ``regression``), inferred when not set
    From the target's type and the distinct values of target and prediction together: boolean
    and text targets are classification; integer targets are binary with at most 2 distinct
    values, multiclass with at most ``MAX_INFERRED_CLASSES`` (20), otherwise regression; float
    targets are binary when every value is 0 or 1, otherwise regression. Set ``task`` to
    override. :func:`compare` infers one task from both frames together.

Classification metrics (computed from the confusion matrix, itself a Polars ``group_by``)
    ``accuracy``; for binary, ``precision``, ``recall`` and ``f1`` of ``positive_label`` against
    every other label (default positive label: 1 or True when the labels are 0/1 or booleans;
    text labels need it set); for multiclass, ``precision_macro``, ``recall_macro``,
    ``f1_macro`` (unweighted mean over the labels seen in target or prediction) and the
    ``_weighted`` versions (weighted by each label's count in the target). A ratio with a zero
    denominator (no predicted positives, say) is 0.0, as scikit-learn's ``zero_division=0``.
    The confusion matrix has the actual label in rows and the prediction in columns, labels
    sorted. With a score column (binary only): ``roc_auc`` (Mann-Whitney with tied scores
    counted one half; undefined, None, when the rows hold a single class) and ``log_loss``
    (natural log, scores clipped to [eps, 1 - eps] with eps the float64 machine epsilon as
    scikit-learn does; None when a score is outside [0, 1]).

Regression metrics
    ``mae``, ``rmse``, ``r2`` (1 - SS_res / SS_tot; None when the target is constant) and
    ``mape``: the mean of ``|y - ŷ| / |y|`` over the rows whose target is not zero, as a
    fraction (0.1 = 10%). Rows with a zero target cannot enter MAPE; they are counted in
    ``n_zero_target`` and MAPE is None when every target is zero.

Bootstrap interval of a difference (percentile method)
    ``n_resamples`` (default 1000) resamples of each frame, drawn with replacement and
    independently for reference and current, from a ``numpy.random.default_rng`` seeded with
    ``seed`` (default 0): the same inputs and seed give the same interval. For each resample
    the metric's difference current minus reference is computed; the interval is the
    ``(1 - confidence) / 2`` and ``(1 + confidence) / 2`` quantiles (default confidence 0.95)
    of those differences. Resamples where the metric is undefined on either side are left out
    (``n_valid``); with fewer than half valid, the interval is None.

    Metrics of the confusion matrix are resampled exactly and cheaply: the cell counts of a
    resample of n rows follow a multinomial distribution over the observed cells. Row-level
    metrics (regression, ROC AUC, log loss) resample row indices. Above ``max_rows`` rows
    (default 20,000) a side is represented by a random pool of ``max_rows`` of its rows (drawn
    without replacement, same seed); the pool is resampled and each resample's deviation from
    the pool's metric is scaled by sqrt(max_rows / n) and added to the full-data metric, so
    the interval stays that of n rows while time and memory stay bounded (measured: about 0.4
    CPU seconds per 1M-row side for 1000 resamples of ROC AUC and log loss, about as much for
    the regression metrics).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
import numpy.typing as npt
import polars as pl

from driftcli.columns.kinds import holds_values
from driftcli.errors import ConfigError, InputError
from driftcli.sections.performance.vocabulary import (
    DEFAULT_CONFIDENCE,
    DEFAULT_RESAMPLES,
    HIGHER_IS_BETTER,
    TASKS,
    Label,
    Task,
)

__all__ = [
    "DEFAULT_CONFIDENCE",
    "DEFAULT_MAX_ROWS",
    "DEFAULT_RESAMPLES",
    "HIGHER_IS_BETTER",
    "MAX_INFERRED_CLASSES",
    "TASKS",
    "ConfusionMatrix",
    "Label",
    "MetricDifference",
    "PerformanceComparison",
    "PerformanceResult",
    "PerformanceSpec",
    "Task",
    "compare",
    "evaluate",
    "infer_task",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

MAX_INFERRED_CLASSES = 20
DEFAULT_MAX_ROWS = 20_000
_EPS = float(np.finfo(np.float64).eps)
# Elements per block of resampled rows (bounds the memory of row-level resampling).
_BLOCK_ELEMENTS = 2_000_000
# Values (1 MiB of 8-byte numbers) per array in one sub-block of a block's resamples: the
# arrays a sub-block builds stay in L2 cache, which is most of the speed of the row kernels.
_CACHE_VALUES = 1 << 17


@dataclass(frozen=True)
class PerformanceSpec:
    """Which columns hold the model's target, prediction and score, and the task."""

    target: str
    prediction: str
    score: str | None = None
    task: Task | None = None
    positive_label: Label | None = None
    #: The one type target and prediction labels are compared in, on every side: "int",
    #: "float", "bool" or "text" (:func:`label_type`); None decides it per frame.
    labels: str | None = None


@dataclass(frozen=True)
class ConfusionMatrix:
    """Row counts by actual label (rows) and predicted label (columns), labels sorted."""

    labels: tuple[Label, ...]
    counts: tuple[tuple[int, ...], ...]


@dataclass(frozen=True)
class PerformanceResult:
    """A model's metrics on one dataset and the rows they were computed from.

    ``metrics`` maps a metric name to its value, or to None when it is undefined on these rows
    (the reason is in ``notes``).
    """

    task: Task
    n_rows: int
    n_used: int
    n_missing_target: int
    n_missing_prediction: int
    metrics: dict[str, float | None]
    positive_label: Label | None = None
    confusion: ConfusionMatrix | None = None
    n_missing_score: int = 0
    n_zero_target: int = 0
    notes: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class MetricDifference:
    """A metric on both datasets, current minus reference, and its bootstrap interval."""

    metric: str
    reference: float | None
    current: float | None
    difference: float | None
    ci_low: float | None
    ci_high: float | None
    confidence: float
    n_resamples: int
    n_valid: int
    higher_is_better: bool


@dataclass(frozen=True)
class PerformanceComparison:
    """Performance on reference and current with the change of every metric."""

    reference: PerformanceResult
    current: PerformanceResult
    differences: dict[str, MetricDifference]
    n_resamples: int
    confidence: float
    seed: int
    max_rows: int


# ------------------------------------------------------------------------------- preparation


@dataclass(frozen=True)
class _Prepared:
    """The rows a metric uses, as a frame with columns t, p and (optionally) s."""

    frame: pl.DataFrame
    n_rows: int
    n_missing_target: int
    n_missing_prediction: int
    target_dtype: pl.DataType


def _missing(name: str, dtype: pl.DataType) -> pl.Expr:
    expr = pl.col(name).is_null()
    if dtype.is_float():
        expr = expr | pl.col(name).is_nan()
    return expr


def _label_dtype(dtype: pl.DataType) -> bool:
    """Whether a target or prediction of this dtype holds labels or numbers: not lists,
    structs, times or durations (which no metric compares, and Polars cannot cast to text)."""
    return holds_values(dtype) and not dtype.is_temporal()


def _prepare(frame: pl.DataFrame | pl.LazyFrame, spec: PerformanceSpec) -> _Prepared:
    lazy = frame.lazy()
    schema = lazy.collect_schema()
    wanted = [spec.target, spec.prediction] + ([spec.score] if spec.score else [])
    for name in wanted:
        if name not in schema:
            raise InputError(
                f"performance: column {name!r} not found; available: {', '.join(schema.names())}"
            )
    t_type, p_type = schema[spec.target], schema[spec.prediction]
    for role, name, dtype in (
        ("target", spec.target, t_type),
        ("prediction", spec.prediction, p_type),
    ):
        if not _label_dtype(dtype):
            raise InputError(
                f"performance: {role} column {name!r} has dtype {dtype}; a target and a "
                "prediction hold labels (text, integers, booleans) or numbers"
            )
    t_expr, p_expr = pl.col(spec.target), pl.col(spec.prediction)
    if spec.labels is not None:
        t_expr, p_expr = (
            _as_labels(t_expr, t_type, spec.labels),
            _as_labels(p_expr, p_type, spec.labels),
        )
    elif t_type != p_type:
        # Compare labels in one type: numbers as floats, anything else as text.
        numeric = all(d.is_numeric() or d == pl.Boolean for d in (t_type, p_type))
        common: pl.DataType = pl.Float64() if numeric else pl.String()
        t_expr, p_expr = t_expr.cast(common), p_expr.cast(common)
    miss_t = _missing(spec.target, t_type)
    miss_p = _missing(spec.prediction, p_type)
    columns = [t_expr.alias("t"), p_expr.alias("p")]
    if spec.score:
        s_type = schema[spec.score]
        if not s_type.is_numeric():
            raise InputError(f"performance: score column {spec.score!r} must be numeric")
        s = pl.col(spec.score).cast(pl.Float64)
        columns.append(pl.when(s.is_nan()).then(None).otherwise(s).alias("s"))
    df = lazy.select(
        *columns, miss_t.alias("_miss_t"), (~miss_t & miss_p).alias("_miss_p")
    ).collect()
    counts = df.select(pl.col("_miss_t").sum(), pl.col("_miss_p").sum()).row(0)
    used = df.filter(~pl.col("_miss_t") & ~pl.col("_miss_p")).drop("_miss_t", "_miss_p")
    # Contiguous, so the metrics' float sums do not depend on how the rows were read (Polars
    # sums chunk by chunk: files, row groups, CSV blocks); no copy when they are already.
    used = used.rechunk()
    return _Prepared(used, df.height, int(counts[0]), int(counts[1]), used.schema["t"])


_LABEL_DTYPES: dict[str, pl.DataType] = {
    "int": pl.Int64(),
    "float": pl.Float64(),
    "bool": pl.Boolean(),
    "text": pl.String(),
}


def _as_labels(expr: pl.Expr, dtype: pl.DataType, labels: str) -> pl.Expr:
    """A target or prediction column in the run's one label type."""
    if labels == "float" and dtype == pl.String:
        return expr.str.strip_chars().cast(pl.Float64, strict=False)
    return expr.cast(_LABEL_DTYPES[labels])


def _label_kind(dtype: pl.DataType) -> str:
    if dtype == pl.Boolean:
        return "bool"
    if dtype.is_integer():
        return "int"
    if dtype.is_numeric():
        return "float"
    if dtype == pl.String or isinstance(dtype, (pl.Categorical, pl.Enum)):
        return "text"
    return str(dtype)


def _sample_labels(frame: pl.DataFrame | pl.LazyFrame, name: str) -> str:
    values = frame.lazy().select(pl.col(name).drop_nulls().unique().sort().head(4)).collect()
    return ", ".join(str(v) for v in values.to_series().to_list())


def _all_numbers(frame: pl.DataFrame | pl.LazyFrame, name: str) -> bool:
    col = pl.col(name).cast(pl.String).str.strip_chars()
    bad = frame.lazy().select(
        (col.is_not_null() & col.cast(pl.Float64, strict=False).is_null()).sum()
    )
    return int(bad.collect().item()) == 0


def label_type(spec: PerformanceSpec, *frames: pl.DataFrame | pl.LazyFrame) -> str:
    """The one type the labels of target and prediction are compared in, on every frame.

    Numbers are compared by value whatever their dtype (Int64 ``1`` equals Float64 ``1.0``):
    integers as Int64, any float as Float64; booleans stay booleans, or count as 0/1 beside
    numbers. Text beside numbers is compared as numbers when every text value is one; else
    no label can match and the run stops with an InputError naming both columns.
    """
    found: dict[str, list[tuple[pl.DataFrame | pl.LazyFrame, str]]] = {}
    for frame in frames:
        schema = frame.lazy().collect_schema()
        for name in (spec.target, spec.prediction):
            if name in schema:
                found.setdefault(_label_kind(schema[name]), []).append((frame, name))
    kinds = set(found)
    if kinds <= {"bool"}:
        return "bool"
    if kinds <= {"int", "bool"}:
        return "int"
    if kinds <= {"int", "float", "bool"}:
        return "float"
    if kinds == {"text"}:
        return "text"
    if "text" in kinds and kinds <= {"text", "int", "float", "bool"}:
        if all(_all_numbers(frame, name) for frame, name in found["text"]):
            return "float"
        frame, name = found["text"][0]
        other = next(n for n in (spec.target, spec.prediction) if n != name)
        number_frame = next(f for k, pairs in found.items() if k != "text" for f, _ in pairs)
        raise InputError(
            f"model: {name!r} holds text labels ({_sample_labels(frame, name)}) and {other!r} "
            f"holds numbers ({_sample_labels(number_frame, other)}): no label can match, so "
            "every prediction would count as wrong; map them to the same labels upstream "
            "(e.g. yes/no to 1/0), or point --target/--prediction at matching columns"
        )
    return "text"


def _infer(dtype: pl.DataType, labels: pl.Series) -> Task:
    n_labels = labels.n_unique()
    if dtype == pl.Boolean or dtype == pl.String or dtype == pl.Categorical or dtype == pl.Enum:
        return "binary" if n_labels <= 2 else "multiclass"
    if dtype.is_integer():
        if n_labels <= 2:
            return "binary"
        return "multiclass" if n_labels <= MAX_INFERRED_CLASSES else "regression"
    if dtype.is_float():
        return "binary" if labels.is_in([0.0, 1.0]).all() else "regression"
    raise ConfigError(
        f"performance: cannot infer the task from a target of type {dtype}; "
        "set task to binary, multiclass or regression"
    )


def _labels(prepared: Sequence[_Prepared]) -> pl.Series:
    """Distinct values of target and prediction over all the prepared frames."""
    parts = [p.frame.select(pl.concat([pl.col("t"), pl.col("p")]).unique()) for p in prepared]
    return pl.concat(parts).to_series().unique()


def infer_task(spec: PerformanceSpec, *frames: pl.DataFrame | pl.LazyFrame) -> Task:
    """The task of ``spec``: its ``task`` when set, else inferred from the frames together."""
    if spec.task is not None:
        return _check_task(spec.task)
    if not frames:
        raise ConfigError("performance: infer_task needs at least one frame when task is unset")
    prepared = [_prepare(frame, spec) for frame in frames]
    return _infer(prepared[0].target_dtype, _labels(prepared))


def _check_task(task: str) -> Task:
    for known in TASKS:
        if task == known:
            return known
    raise ConfigError(f"performance: task must be one of {', '.join(TASKS)}, got {task!r}")


def _positive(spec: PerformanceSpec, dtype: pl.DataType, labels: pl.Series) -> Label:
    """The positive label, in the type of the target column."""
    if spec.positive_label is not None:
        value = pl.Series([spec.positive_label]).cast(dtype, strict=False)[0]
        if value is None:
            raise ConfigError(
                f"performance: positive_label {spec.positive_label!r} does not fit "
                f"the target's type {dtype}"
            )
        return cast(Label, value)
    if dtype == pl.Boolean:
        return True
    if dtype.is_numeric() and labels.cast(pl.Float64).is_in([0.0, 1.0]).all():
        return cast(Label, pl.Series([1]).cast(dtype)[0])
    shown = ", ".join(repr(v) for v in labels.sort().to_list()[:5])
    raise ConfigError(
        f"performance: binary labels are {shown}; set positive_label to the one that "
        "means 'positive'"
    )


# -------------------------------------------------------------------- metrics from confusion


def _ratio(num: FloatArray, den: FloatArray) -> FloatArray:
    """num / den with 0.0 where den is 0 (scikit-learn's zero_division=0)."""
    safe = np.where(den > 0, den, 1.0)
    return np.where(den > 0, num / safe, 0.0)


def _confusion_metrics(cms: FloatArray, task: Task, pos: int | None) -> dict[str, FloatArray]:
    """Classification metrics of a stack of confusion matrices (shape: batch, k, k)."""
    n = cms.sum(axis=(1, 2))
    diag = np.diagonal(cms, axis1=1, axis2=2)
    out = {"accuracy": _ratio(diag.sum(axis=1), n)}
    actual = cms.sum(axis=2)  # per label: rows whose target is the label
    predicted = cms.sum(axis=1)
    if task == "binary":
        if pos is None:  # the positive label never occurs on this side
            zero = np.zeros(len(cms))
            out |= {"precision": zero, "recall": zero, "f1": zero}
        else:
            tp = diag[:, pos]
            out["precision"] = _ratio(tp, predicted[:, pos])
            out["recall"] = _ratio(tp, actual[:, pos])
            out["f1"] = _ratio(2 * tp, predicted[:, pos] + actual[:, pos])
        return out
    per_label = {
        "precision": _ratio(diag, predicted),
        "recall": _ratio(diag, actual),
        "f1": _ratio(2 * diag, predicted + actual),
    }
    support = actual.sum(axis=1)
    for name, values in per_label.items():
        out[f"{name}_macro"] = values.mean(axis=1)
        out[f"{name}_weighted"] = _ratio((values * actual).sum(axis=1), support)
    return out


def _confusion(prepared: _Prepared) -> tuple[tuple[Label, ...], IntArray]:
    """Sorted labels and the k x k matrix of counts, from one Polars group_by."""
    frame = prepared.frame
    cells = frame.group_by("t", "p").len()
    labels = pl.concat([cells.get_column("t"), cells.get_column("p")]).unique().sort().to_list()
    index = {label: i for i, label in enumerate(labels)}
    matrix = np.zeros((len(labels), len(labels)), dtype=np.int64)
    if labels:
        rows = [index[v] for v in cells.get_column("t").to_list()]
        cols = [index[v] for v in cells.get_column("p").to_list()]
        matrix[rows, cols] = cells.get_column("len").to_numpy()
    return tuple(labels), matrix


# ---------------------------------------------------------------------- row-level metrics


def _score_rows(prepared: _Prepared, positive: Label) -> pl.DataFrame:
    """Rows with a score: y (1 = positive) and s."""
    return prepared.frame.filter(pl.col("s").is_not_null()).select(
        (pl.col("t") == positive).cast(pl.Float64).alias("y"), pl.col("s")
    )


def _score_metrics(rows: pl.DataFrame, notes: dict[str, str]) -> dict[str, float | None]:
    """ROC AUC and log loss on score rows, with Polars expressions."""
    s = pl.col("s")
    y = pl.col("y")
    p = s.clip(_EPS, 1 - _EPS)
    stats = rows.select(
        n_pos=y.sum(),
        n=pl.len(),
        rank_sum=(s.rank("average") * y).sum(),
        in_unit=((s >= 0) & (s <= 1)).all(),
        loss=-(y * p.log() + (1 - y) * (1 - p).log()).mean(),
    ).row(0, named=True)
    out: dict[str, float | None] = {"roc_auc": None, "log_loss": None}
    n_pos, n = float(stats["n_pos"] or 0), float(stats["n"])
    n_neg = n - n_pos
    if n == 0:
        notes["roc_auc"] = notes["log_loss"] = "no rows with a score"
        return out
    if n_pos == 0 or n_neg == 0:
        notes["roc_auc"] = "only one class is present in the target"
    else:
        out["roc_auc"] = (float(stats["rank_sum"]) - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)
    if stats["in_unit"]:
        out["log_loss"] = float(stats["loss"])
    else:
        notes["log_loss"] = "the score is not a probability (values outside [0, 1])"
    return out


def _regression_metrics(
    prepared: _Prepared, notes: dict[str, str]
) -> tuple[dict[str, float | None], int]:
    t = pl.col("t").cast(pl.Float64)
    err = t - pl.col("p").cast(pl.Float64)
    stats = prepared.frame.select(
        mae=err.abs().mean(),
        rmse=(err * err).mean().sqrt(),
        mape=(err.abs() / t.abs()).filter(t != 0).mean(),
        zero=(t == 0).sum(),
        ss_res=(err * err).sum(),
        ss_tot=((t - t.mean()) ** 2).sum(),
        constant=t.min() == t.max(),  # the mean of equal values can round away from them
    ).row(0, named=True)
    out: dict[str, float | None] = {
        "mae": stats["mae"],
        "rmse": stats["rmse"],
        "mape": stats["mape"],
        "r2": None,
    }
    if stats["mape"] is None:
        notes["mape"] = "every target is zero"
    if prepared.frame.height and not stats["constant"] and stats["ss_tot"] > 0:
        out["r2"] = 1.0 - stats["ss_res"] / stats["ss_tot"]
    else:
        notes["r2"] = "the target is constant"
    if prepared.frame.height == 0:
        for name in out:
            notes[name] = "no rows with both target and prediction"
    return out, int(stats["zero"] or 0)


# --------------------------------------------------------------------------------- evaluate


def evaluate(frame: pl.DataFrame | pl.LazyFrame, spec: PerformanceSpec) -> PerformanceResult:
    """A model's performance metrics on one frame (see the module docstring for definitions)."""
    prepared = _prepare(frame, spec)
    if spec.task is not None:
        task = _check_task(spec.task)
    else:
        task = _infer(prepared.target_dtype, _labels([prepared]))
    return _evaluate(prepared, spec, task)


def _evaluate(prepared: _Prepared, spec: PerformanceSpec, task: Task) -> PerformanceResult:
    notes: dict[str, str] = {}

    def result(metrics: dict[str, float | None], **extra: object) -> PerformanceResult:
        return PerformanceResult(
            task=task,
            n_rows=prepared.n_rows,
            n_used=prepared.frame.height,
            n_missing_target=prepared.n_missing_target,
            n_missing_prediction=prepared.n_missing_prediction,
            metrics=metrics,
            notes=notes,
            **extra,  # type: ignore[arg-type]
        )

    if task == "regression":
        for col in ("t", "p"):
            if not prepared.frame.schema[col].is_numeric():
                name = spec.target if col == "t" else spec.prediction
                raise InputError(
                    f"performance: regression needs a numeric {name!r}; "
                    "set task to binary or multiclass for labels"
                )
        values, zero = _regression_metrics(prepared, notes)
        return result(values, n_zero_target=zero)

    labels, matrix = _confusion(prepared)
    positive: Label | None = None
    pos_index: int | None = None
    if task == "binary":
        positive = _positive(spec, prepared.target_dtype, pl.Series(labels))
        pos_index = labels.index(positive) if positive in labels else None
    metrics: dict[str, float | None] = {
        name: float(v[0])
        for name, v in _confusion_metrics(matrix[None].astype(np.float64), task, pos_index).items()
    }
    if matrix.sum() == 0:
        metrics = dict.fromkeys(metrics)
        notes |= dict.fromkeys(metrics, "no rows with both target and prediction")
    n_missing_score = 0
    if spec.score is not None and task == "binary":
        assert positive is not None
        rows = _score_rows(prepared, positive)
        n_missing_score = prepared.frame.height - rows.height
        metrics |= _score_metrics(rows, notes)
    confusion = ConfusionMatrix(labels, tuple(tuple(int(c) for c in row) for row in matrix))
    return result(
        metrics, positive_label=positive, confusion=confusion, n_missing_score=n_missing_score
    )


# -------------------------------------------------------------------------------- bootstrap


def _blocks(n_resamples: int, width: int) -> list[int]:
    """Resamples per block so that a block holds about _BLOCK_ELEMENTS values."""
    per_block = max(1, _BLOCK_ELEMENTS // max(width, 1))
    sizes = [per_block] * (n_resamples // per_block)
    if n_resamples % per_block:
        sizes.append(n_resamples % per_block)
    return sizes


def _sub_blocks(n_resamples: int, width: int) -> list[slice]:
    """Consecutive resamples whose arrays of ``width`` values per resample fit in cache."""
    rows = max(1, _CACHE_VALUES // max(width, 1))
    return [slice(start, start + rows) for start in range(0, n_resamples, rows)]


def _regression_stats(features: FloatArray, idx: IntArray) -> dict[str, FloatArray]:
    """MAE, RMSE, MAPE and R2 of each resample (a row of idx) from per-row features."""
    c, m = idx.shape
    # Contiguous columns gather faster; each resample's sum is still numpy's pairwise sum of
    # its gathered row, so sub-blocks give the same floats as one gather of the whole block.
    columns = np.ascontiguousarray(features[:, :5].T)
    # The last feature is 0/1 (target not zero): its sum is a count, exact in any order.
    zero = features[:, 5] == 0
    has_zero = bool(zero.any())
    sums = np.empty((c, 6))
    for part in _sub_blocks(c, m):
        rows = idx[part]
        for k, column in enumerate(columns):
            sums[part, k] = np.take(column, rows).sum(axis=1)
        sums[part, 5] = m - np.count_nonzero(np.take(zero, rows), axis=1) if has_zero else m
    with np.errstate(divide="ignore", invalid="ignore"):
        ss_tot = sums[:, 3] - sums[:, 2] ** 2 / m
        # A resample of one repeated target leaves only rounding noise in ss_tot.
        defined = ss_tot > 1e-12 * sums[:, 3]
        return {
            "mae": sums[:, 0] / m,
            "rmse": np.sqrt(sums[:, 1] / m),
            "mape": np.where(sums[:, 5] > 0, sums[:, 4] / sums[:, 5], np.nan),
            "r2": np.where(defined, 1 - sums[:, 1] / ss_tot, np.nan),
        }


def _score_stats(
    y: FloatArray, group: IntArray, loss: FloatArray | None, idx: IntArray
) -> dict[str, FloatArray]:
    """ROC AUC and log loss of each resample of score-sorted rows (group: tied-score run)."""
    c, m = idx.shape
    n_groups = int(group[-1]) + 1
    # A resample's row of bins: its negatives per tied-score run, then its positives per run.
    key = group + n_groups * (y > 0)
    # With no tied scores a run holds one row, so no positive ties with a negative.
    ties = n_groups < m
    at_or_below = np.empty(c, dtype=np.int64)
    tied = np.zeros(c, dtype=np.int64)
    n_neg = np.empty(c, dtype=np.int64)
    mean_loss = np.empty(c)
    for part in _sub_blocks(c, 2 * n_groups):
        rows = idx[part]
        k = len(rows)
        # One bincount counts the sub-block: resample i's bins start at i * 2 * n_groups.
        flat = np.take(key, rows)
        flat += np.arange(0, k * 2 * n_groups, 2 * n_groups, dtype=np.int64)[:, None]
        counts = np.bincount(flat.ravel(), minlength=k * 2 * n_groups).reshape(k, 2, n_groups)
        neg, pos = counts[:, 0], counts[:, 1]
        if ties:
            tied[part] = np.einsum("ij,ij->i", pos, neg)
        np.cumsum(neg, axis=1, out=neg)  # now the negatives at or below each run
        at_or_below[part] = np.einsum("ij,ij->i", pos, neg)
        n_neg[part] = neg[:, -1]
        if loss is not None:
            # The same gather and pairwise sum per resample as one loss[idx].mean(axis=1).
            mean_loss[part] = np.take(loss, rows).mean(axis=1)
    # Each positive beats the negatives with a lower score and ties with half of the equal ones
    # (integer counts, exact).
    wins = (at_or_below - tied) + 0.5 * tied
    n_pos = m - n_neg
    with np.errstate(divide="ignore", invalid="ignore"):
        auc = wins / (n_pos * n_neg)
    out = {"roc_auc": np.where((n_pos > 0) & (n_neg > 0), auc, np.nan)}
    if loss is not None:
        out["log_loss"] = mean_loss
    return out


def _row_resamples(
    prepared: _Prepared,
    task: Task,
    positive: Label | None,
    rng: np.random.Generator,
    n_resamples: int,
    max_rows: int,
) -> tuple[dict[str, FloatArray], dict[str, FloatArray], float]:
    """Row-level metrics on each resample of a side, with the metrics of the rows resampled
    and the factor that scales a resample's deviation from them to the side's size.

    Above max_rows rows, a pool of max_rows rows drawn without replacement is resampled (it
    fits in cache); its deviations are scaled by sqrt(max_rows / n).
    """
    stats: Callable[[IntArray], dict[str, FloatArray]]
    if task == "regression":
        t = prepared.frame.get_column("t").cast(pl.Float64).to_numpy()
        e = t - prepared.frame.get_column("p").cast(pl.Float64).to_numpy()
        n = len(t)
        if n == 0:
            return {}, {}, 1.0
        if n > max_rows:
            pool = rng.choice(n, max_rows, replace=False)
            t, e = t[pool], e[pool]
        nonzero = t != 0
        ape = np.where(nonzero, np.abs(e) / np.where(nonzero, np.abs(t), 1.0), 0.0)
        tc = t - t.mean()  # centred: sums of squares without cancellation
        features = np.column_stack([np.abs(e), e * e, tc, tc * tc, ape, nonzero])

        def stats(idx: IntArray) -> dict[str, FloatArray]:
            return _regression_stats(features, idx)

    elif task == "binary" and "s" in prepared.frame.columns and positive is not None:
        rows = _score_rows(prepared, positive)
        n = rows.height
        if n == 0:
            return {}, {}, 1.0
        y = rows.get_column("y").to_numpy()
        s = rows.get_column("s").to_numpy()
        if n > max_rows:
            pool = rng.choice(n, max_rows, replace=False)
            y, s = y[pool], s[pool]
        order = np.argsort(s, kind="stable")
        y, s = y[order], s[order]
        group = np.concatenate(([0], np.cumsum(s[1:] != s[:-1]))).astype(np.int64)
        loss: FloatArray | None = None
        if ((s >= 0) & (s <= 1)).all():
            p = np.clip(s, _EPS, 1 - _EPS)
            loss = -(y * np.log(p) + (1 - y) * np.log(1 - p))

        def stats(idx: IntArray) -> dict[str, FloatArray]:
            return _score_stats(y, group, loss, idx)

    else:
        return {}, {}, 1.0
    m = min(n, max_rows)
    parts: dict[str, list[FloatArray]] = {}
    for size in _blocks(n_resamples, 3 * m):
        idx = rng.integers(0, m, size=(size, m), dtype=np.int64)
        for name, values in stats(idx).items():
            parts.setdefault(name, []).append(values)
    resampled = {name: np.concatenate(values) for name, values in parts.items()}
    return resampled, stats(np.arange(m, dtype=np.int64)[None, :]), math.sqrt(m / n)


def _side_resamples(
    prepared: _Prepared,
    result: PerformanceResult,
    seed: np.random.SeedSequence,
    n_resamples: int,
    max_rows: int,
) -> dict[str, FloatArray]:
    """Every metric on each resample of one side (NaN where a resample leaves it undefined)."""
    cells_seed, rows_seed = seed.spawn(2)
    out: dict[str, FloatArray] = {}
    if result.confusion is not None:
        matrix = np.array(result.confusion.counts, dtype=np.int64)
        n = int(matrix.sum())
        if n > 0:
            k = len(matrix)
            draws = np.random.default_rng(cells_seed).multinomial(
                n, matrix.ravel() / n, size=n_resamples
            )
            labels = result.confusion.labels
            pos = result.positive_label
            pos_index = labels.index(pos) if pos is not None and pos in labels else None
            out |= _confusion_metrics(
                draws.reshape(n_resamples, k, k).astype(np.float64), result.task, pos_index
            )
    rows, resampled_on, scale = _row_resamples(
        prepared,
        result.task,
        result.positive_label,
        np.random.default_rng(rows_seed),
        n_resamples,
        max_rows,
    )
    for name, values in rows.items():
        observed = result.metrics.get(name)
        if scale < 1.0 and observed is not None:
            # m-out-of-n: the pool's deviations, shrunk to n rows, around the full-data value.
            values = observed + scale * (values - resampled_on[name][0])
        out[name] = values
    return out


def _interval(
    ref: FloatArray | None, cur: FloatArray | None, confidence: float
) -> tuple[float | None, float | None, int]:
    if ref is None or cur is None:
        return None, None, 0
    diff = cur - ref
    valid = diff[np.isfinite(diff)]
    if len(valid) * 2 < len(diff) or len(valid) == 0:
        return None, None, len(valid)
    tail = (1 - confidence) / 2
    low, high = np.quantile(valid, [tail, 1 - tail])
    return float(low), float(high), len(valid)


def compare(
    reference: pl.DataFrame | pl.LazyFrame,
    current: pl.DataFrame | pl.LazyFrame,
    spec: PerformanceSpec,
    *,
    n_resamples: int = DEFAULT_RESAMPLES,
    confidence: float = DEFAULT_CONFIDENCE,
    seed: int = 0,
    max_rows: int = DEFAULT_MAX_ROWS,
    mapper: Callable[..., Iterable[Any]] = map,
) -> PerformanceComparison:
    """Performance on reference and current, and each metric's change with a bootstrap interval."""
    if n_resamples < 1:
        raise ConfigError(f"performance: n_resamples must be >= 1, got {n_resamples}")
    if not 0 < confidence < 1:
        raise ConfigError(f"performance: confidence must be in (0, 1), got {confidence}")
    if max_rows < 1:
        raise ConfigError(f"performance: max_rows must be >= 1, got {max_rows}")
    prepared = [_prepare(reference, spec), _prepare(current, spec)]
    task = (
        _check_task(spec.task) if spec.task else _infer(prepared[0].target_dtype, _labels(prepared))
    )
    # each side's metrics are its own: ``mapper`` may compute them in parallel
    results = list(mapper(lambda p: _evaluate(p, spec, task), prepared))
    seeds = np.random.SeedSequence(seed).spawn(2)
    # each side draws from its own seed: ``mapper`` may run them in parallel
    samples = list(
        mapper(
            lambda job: _side_resamples(job[0], job[1], job[2], n_resamples, max_rows),
            list(zip(prepared, results, seeds, strict=True)),
        )
    )
    differences: dict[str, MetricDifference] = {}
    for name in results[0].metrics:
        ref_value = results[0].metrics.get(name)
        cur_value = results[1].metrics.get(name)
        low, high, n_valid = _interval(samples[0].get(name), samples[1].get(name), confidence)
        differences[name] = MetricDifference(
            metric=name,
            reference=ref_value,
            current=cur_value,
            difference=None if ref_value is None or cur_value is None else cur_value - ref_value,
            ci_low=low,
            ci_high=high,
            confidence=confidence,
            n_resamples=n_resamples,
            n_valid=n_valid,
            higher_is_better=HIGHER_IS_BETTER[name],
        )
    return PerformanceComparison(
        reference=results[0],
        current=results[1],
        differences=differences,
        n_resamples=n_resamples,
        confidence=confidence,
        seed=seed,
        max_rows=max_rows,
    )
