"""Model performance in a run: which columns are the model's, the per-scope comparison, rules.

Config (``[model]`` table, CLI ``--target/--prediction/--score/--task/--positive-label``)::

    [model]
    target = "target"
    prediction = "prediction"
    score = "score"              # optional: probability of the positive class (binary)
    task = "binary"              # optional: binary | multiclass | regression (inferred)
    positive_label = 1           # optional
    n_resamples = 1000           # bootstrap resamples of the difference's interval
    confidence = 0.95
    seed = 0

    [[model.rules]]
    metric = "accuracy"
    segment = "region=south"     # "overall" (default), a segment label, or "*" (overall and
                                 # every tested segment)
    max_drop = 0.02              # absolute drop in the metric's units (direction-aware), or
    # max_relative_drop = 0.05   # drop as a fraction of the reference value
    severity = "fail"            # warn | fail
    significant_only = false     # true: breach only when the bootstrap interval of the
                                 # difference lies wholly on the worse side of zero

Metrics, missing rows, task inference and the bootstrap are defined in
:mod:`driftcli.performance`. What this module adds:

Columns
    Performance is computed when both ``target`` and ``prediction`` are set. Setting only some
    of the columns is allowed (their drift is still reported apart from the features), but
    rules need both. A configured column missing from either side is an InputError.

Task
    Inferred once from the reference and current frames together (unless ``task`` is set) and
    used for the overall scope and every segment, so a segment never flips task (a segment
    holding only two of five classes is still multiclass). Likewise the positive label is
    resolved once on the whole data and reused for every segment.

Scopes and segments
    ``overall`` is the whole data; with ``segment_by`` every combination of segment values is
    a scope labelled like the drift segments (``region=south, plan=pro``) and sorted the same
    way. A segment is compared only when each side has at least ``min_segment_rows`` rows with
    both a target and a prediction (rows without a target cannot measure performance, so they
    do not count towards the minimum; they are counted in ``n_missing_target``). Otherwise its
    ``comparison`` is None and ``reason`` says why.

Bootstrap seed
    Every scope (overall and each segment) uses the configured ``seed`` for its bootstrap, so
    a scope's interval is reproducible and does not depend on which other segments exist.

Rules
    A rule limits how much ``metric`` may get worse, in its ``segment`` scope: ``"overall"``
    (default), one segment label, or ``"*"`` for overall and every tested segment (one outcome
    per scope). The drop is direction-aware: reference minus current for metrics where higher
    is better (accuracy, F1, ROC AUC, R2, ...), current minus reference for errors (log loss,
    MAE, RMSE, MAPE); a positive drop means worse. ``max_relative_drop`` divides the drop by
    ``|reference|``. A drop above the limit gives the rule's severity (``warn`` or ``fail``);
    a drop equal to the limit passes (with a 1e-9 relative tolerance for float rounding). With
    ``significant_only = true`` a drop above the limit only counts when the bootstrap interval
    of the difference lies wholly on the worse side of zero.

    A rule is ``not_evaluated`` (never a breach; the message says why and how to fix it) when
    the metric is undefined on either side or does not apply to the task, the segment was not
    tested (too few rows, missing on a side) or no segment has that label, the reference is 0
    for a relative limit, or ``significant_only`` is set and the interval is undefined. When
    the task is set in the config, a rule whose metric cannot apply to it (or ``roc_auc`` /
    ``log_loss`` without a ``score`` column) is a ConfigError instead.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import polars as pl

from driftcli.errors import ConfigError, InputError, reject_unknown_keys
from driftcli.performance import (
    DEFAULT_CONFIDENCE,
    DEFAULT_RESAMPLES,
    HIGHER_IS_BETTER,
    TASKS,
    Label,
    MetricDifference,
    PerformanceComparison,
    PerformanceSpec,
    Task,
    compare,
    infer_task,
)
from driftcli.segments import ordered_keys, segment_label, segment_of
from driftcli.severity import Severity, check_severity

RuleStatus = Literal["pass", "warn", "fail", "not_evaluated"]

OVERALL = "overall"
EVERY_SCOPE = "*"


#: The metrics each task reports (``roc_auc`` and ``log_loss`` need a score column).
TASK_METRICS: dict[Task, tuple[str, ...]] = {
    "binary": ("accuracy", "precision", "recall", "f1", "roc_auc", "log_loss"),
    "multiclass": (
        "accuracy",
        "precision_macro",
        "recall_macro",
        "f1_macro",
        "precision_weighted",
        "recall_weighted",
        "f1_weighted",
    ),
    "regression": ("mae", "rmse", "mape", "r2"),
}
SCORE_METRICS = ("roc_auc", "log_loss")

# A drop equal to its limit passes; this tolerance keeps float rounding (0.8 - 0.78) from
# turning an exact hit into a breach.
_TOLERANCE = 1e-9


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


@dataclass(frozen=True)
class PerformanceRule:
    """A limit on how much one metric may get worse, in one scope (or every scope)."""

    metric: str
    segment: str = OVERALL  # "overall", "*", or a segment label like "region=south"
    max_drop: float | None = None
    max_relative_drop: float | None = None
    severity: Severity = "fail"
    significant_only: bool = False

    def __post_init__(self) -> None:
        if self.metric not in HIGHER_IS_BETTER:
            raise ConfigError(
                f"rule metric: unknown metric {self.metric!r}; valid metrics: "
                f"{', '.join(HIGHER_IS_BETTER)}"
            )
        if not isinstance(self.segment, str) or not self.segment:
            raise ConfigError(
                f"rule segment must be 'overall', '*' or a segment label like 'region=south', "
                f"got {self.segment!r}"
            )
        limits = [k for k in ("max_drop", "max_relative_drop") if getattr(self, k) is not None]
        if len(limits) != 1:
            raise ConfigError(
                f"rule on {self.metric}: set exactly one of max_drop (absolute) or "
                f"max_relative_drop (fraction of the reference), got "
                f"{' and '.join(limits) if limits else 'neither'}"
            )
        name = limits[0]
        value = getattr(self, name)
        if not _is_number(value) or not math.isfinite(value) or value < 0:
            raise ConfigError(
                f"rule on {self.metric}: {name} must be a non-negative number, got {value!r}"
            )
        object.__setattr__(self, name, float(value))
        check_severity(self.severity, f"rule on {self.metric}")
        if not isinstance(self.significant_only, bool):
            raise ConfigError(
                f"rule on {self.metric}: significant_only must be true or false, "
                f"got {self.significant_only!r}"
            )

    @property
    def limit(self) -> float:
        """The configured limit, absolute or relative."""
        value = self.max_drop if self.max_drop is not None else self.max_relative_drop
        assert value is not None
        return value

    @property
    def limit_kind(self) -> Literal["absolute", "relative"]:
        """``absolute`` for max_drop, ``relative`` for max_relative_drop."""
        return "absolute" if self.max_drop is not None else "relative"


@dataclass(frozen=True)
class ModelConfig:
    """Which columns are the model's; performance is computed when target and prediction are set."""

    target: str | None = None
    prediction: str | None = None
    score: str | None = None
    task: Task | None = None
    positive_label: Label | None = None
    n_resamples: int = DEFAULT_RESAMPLES
    confidence: float = DEFAULT_CONFIDENCE
    seed: int = 0
    rules: tuple[PerformanceRule, ...] = ()

    def __post_init__(self) -> None:
        def setf(name: str, value: object) -> None:
            object.__setattr__(self, name, value)

        for role in ("target", "prediction", "score"):
            value = getattr(self, role)
            if value is not None and (not isinstance(value, str) or not value):
                raise ConfigError(f"model: {role} must be a column name, got {value!r}")
        if self.task is not None and self.task not in TASKS:
            raise ConfigError(
                f"model: task must be one of {', '.join(TASKS)} (or unset to infer it), "
                f"got {self.task!r}"
            )
        label = self.positive_label
        if label is not None and (
            not isinstance(label, (str, int, float, bool))
            or (isinstance(label, float) and not math.isfinite(label))
        ):
            raise ConfigError(
                f"model: positive_label must be a label value (text, number or boolean), "
                f"got {label!r}"
            )
        n = self.n_resamples
        if not isinstance(n, int) or isinstance(n, bool) or n < 1:
            raise ConfigError(f"model: n_resamples must be a whole number >= 1, got {n!r}")
        conf = self.confidence
        if not _is_number(conf) or not 0 < conf < 1:
            raise ConfigError(f"model: confidence must be a number in (0, 1), got {conf!r}")
        setf("confidence", float(conf))
        seed = self.seed
        if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
            raise ConfigError(f"model: seed must be a whole number >= 0, got {seed!r}")
        if isinstance(self.rules, (str, bytes)) or not isinstance(self.rules, Sequence):
            raise ConfigError(
                f"model: rules must be a sequence of PerformanceRule, got {self.rules!r}"
            )
        rules = tuple(self.rules)
        for rule in rules:
            if not isinstance(rule, PerformanceRule):
                raise ConfigError(f"model: rules must hold PerformanceRule items, got {rule!r}")
        setf("rules", rules)
        if rules and not self.enabled:
            raise ConfigError(
                "model: rules need both target and prediction; set them ([model] target and "
                "prediction, or --target and --prediction)"
            )
        for rule in rules:
            if self.task is not None and rule.metric not in TASK_METRICS[self.task]:
                raise ConfigError(
                    f"model: rule metric {rule.metric!r} does not apply to a {self.task} task; "
                    f"{self.task} metrics: {', '.join(TASK_METRICS[self.task])}"
                )
            if rule.metric in SCORE_METRICS and self.score is None:
                raise ConfigError(
                    f"model: rule metric {rule.metric!r} needs a score column; set [model] "
                    "score (--score) to the probability of the positive class"
                )

    @property
    def enabled(self) -> bool:
        """True when both target and prediction are configured."""
        return self.target is not None and self.prediction is not None

    @property
    def roles(self) -> dict[str, str]:
        """Column name -> "target" | "prediction" | "score" for the configured columns."""
        out: dict[str, str] = {}
        for role in ("target", "prediction", "score"):
            name = getattr(self, role)
            if name is not None:
                out[name] = role
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, as echoed in reports."""
        return {
            "target": self.target,
            "prediction": self.prediction,
            "score": self.score,
            "task": self.task,
            "positive_label": self.positive_label,
            "n_resamples": self.n_resamples,
            "confidence": self.confidence,
            "seed": self.seed,
            "rules": [dataclasses.asdict(rule) for rule in self.rules],
        }


_MODEL_KEYS: dict[str, str] = {
    "target": "column holding the true value (label or number)",
    "prediction": "column holding the model's prediction",
    "score": "column holding the probability of the positive class (binary)",
    "task": "binary | multiclass | regression (default: inferred)",
    "positive_label": "the label that means 'positive' for binary metrics",
    "n_resamples": "bootstrap resamples of each difference's interval (default 1000)",
    "confidence": "confidence of the bootstrap interval (default 0.95)",
    "seed": "seed of the bootstrap (default 0)",
    "rules": "[[model.rules]] tables: metric, segment, max_drop or max_relative_drop, ...",
}
_RULE_KEYS = ("metric", "segment", "max_drop", "max_relative_drop", "severity", "significant_only")


def model_config_from_mapping(data: object, source: str) -> ModelConfig:
    """Validate a parsed ``[model]`` table (ConfigError naming ``source`` and the key)."""
    where = f"{source}: model"
    if not isinstance(data, Mapping):
        raise ConfigError(f"{where} must be a table: [model]")
    reject_unknown_keys(data, _MODEL_KEYS, where)
    for key in ("target", "prediction", "score", "task"):
        if key in data and not isinstance(data[key], str):
            raise ConfigError(f"{where}: {key} must be a string, got {data[key]!r}")
    kwargs: dict[str, Any] = {k: v for k, v in data.items() if k != "rules"}
    raw = data.get("rules", [])
    if not isinstance(raw, list):
        raise ConfigError(f"{where}: rules must be tables like [[model.rules]]")
    rules: list[PerformanceRule] = []
    for i, table in enumerate(raw):
        rwhere = f"{where} rules[{i}]"
        if not isinstance(table, Mapping):
            raise ConfigError(f"{rwhere} must be a table with {', '.join(_RULE_KEYS)}")
        reject_unknown_keys(table, _RULE_KEYS, rwhere)
        if "metric" not in table:
            raise ConfigError(
                f"{rwhere}: metric is required; valid metrics: {', '.join(HIGHER_IS_BETTER)}"
            )
        try:
            rules.append(PerformanceRule(**table))
        except ConfigError as exc:
            raise ConfigError(f"{rwhere}: {exc}") from None
    try:
        return ModelConfig(**kwargs, rules=tuple(rules))
    except ConfigError as exc:
        raise ConfigError(f"{source}: {exc}") from None


@dataclass(frozen=True)
class ScopePerformance:
    """Performance in one scope: the whole dataset ("overall") or one segment."""

    scope: str  # "overall" or the segment label "region=south"
    segment: Mapping[str, Any] | None  # None for overall
    comparison: PerformanceComparison | None  # None when it could not be computed
    reason: str | None = None  # why comparison is None


@dataclass(frozen=True)
class RuleOutcome:
    """One rule applied to one scope."""

    metric: str
    scope: str
    severity: Severity
    status: RuleStatus
    limit: float
    limit_kind: Literal["absolute", "relative"]
    reference: float | None
    current: float | None
    drop: float | None  # > 0 means worse (direction-aware; relative when limit_kind is relative)
    message: str


@dataclass(frozen=True)
class PerformanceSection:
    """Everything the report shows about the model's performance."""

    task: Task
    target: str
    prediction: str
    score: str | None
    positive_label: Label | None
    overall: ScopePerformance
    segments: tuple[ScopePerformance, ...] = ()
    rules: tuple[RuleOutcome, ...] = ()
    n_resamples: int = DEFAULT_RESAMPLES
    confidence: float = DEFAULT_CONFIDENCE
    seed: int = 0

    @property
    def failures(self) -> list[str]:
        """Messages of rules that failed at severity fail."""
        return [r.message for r in self.rules if r.status == "fail"]

    @property
    def warnings(self) -> list[str]:
        """Messages of rules that failed at severity warn."""
        return [r.message for r in self.rules if r.status == "warn"]


# ----------------------------------------------------------------------------------- scopes


def _check_columns(
    frames: Sequence[tuple[str, pl.DataFrame]], config: ModelConfig, segment_by: Sequence[str]
) -> None:
    for side, frame in frames:
        for role, name in (
            ("target", config.target),
            ("prediction", config.prediction),
            ("score", config.score),
        ):
            if name is not None and name not in frame.columns:
                raise InputError(
                    f"model: {role} column {name!r} is not in the {side} data; check [model] "
                    f"{role} (--{role}) or add the column to both inputs"
                )
        for name in segment_by:
            if name not in frame.columns:
                raise InputError(
                    f"model: segment column {name!r} is not in the {side} data; check "
                    "segment_by (--segment-by)"
                )


def _labelled_rows(frame: pl.DataFrame, spec: PerformanceSpec) -> int:
    """Rows with both a target and a prediction (null, or NaN in a float column, is missing)."""
    present = pl.lit(True)
    for name in (spec.target, spec.prediction):
        missing = pl.col(name).is_null()
        if frame.schema[name].is_float():
            missing = missing | pl.col(name).is_nan()
        present = present & ~missing
    return int(frame.select(present.sum()).item() or 0)


def _segment_scopes(
    reference: pl.DataFrame,
    current: pl.DataFrame,
    spec: PerformanceSpec,
    config: ModelConfig,
    by: list[str],
    min_segment_rows: int,
) -> list[ScopePerformance]:
    ref_parts = reference.partition_by(by, as_dict=True, maintain_order=True)
    cur_parts = current.partition_by(by, as_dict=True, maintain_order=True)
    scopes: list[ScopePerformance] = []
    for key in ordered_keys(ref_parts, cur_parts):
        segment = segment_of(by, key)
        label = segment_label(segment)
        r, c = ref_parts.get(key), cur_parts.get(key)
        if r is None or c is None:
            side = "reference" if r is None else "current"
            scopes.append(ScopePerformance(label, segment, None, f"no rows in {side}"))
            continue
        nr, nc = _labelled_rows(r, spec), _labelled_rows(c, spec)
        if nr < min_segment_rows or nc < min_segment_rows:
            scopes.append(
                ScopePerformance(
                    label,
                    segment,
                    None,
                    f"{nr} reference and {nc} current rows with a target and a prediction; "
                    f"each side needs at least {min_segment_rows} (min_segment_rows)",
                )
            )
            continue
        comparison = compare(
            r,
            c,
            spec,
            n_resamples=config.n_resamples,
            confidence=config.confidence,
            seed=config.seed,
        )
        scopes.append(ScopePerformance(label, segment, comparison))
    return scopes


# ------------------------------------------------------------------------------------ rules


def _fmt(x: float) -> str:
    """A metric value for a message: 3 significant digits below 1, 4 from 1 up."""
    return f"{x:.4g}" if abs(x) >= 1 else f"{x:.3g}"


def _pct(x: float) -> str:
    return f"{x * 100:.3g}%"


def _where(scope: str) -> str:
    return "overall" if scope == OVERALL else f"in segment {scope}"


def _outcome(
    rule: PerformanceRule, scope: ScopePerformance | None, scope_label: str, labels: list[str]
) -> RuleOutcome:
    metric, where = rule.metric, _where(scope_label)
    kind = rule.limit_kind
    limit_text = _fmt(rule.limit) if kind == "absolute" else _pct(rule.limit)

    def outcome(
        status: RuleStatus,
        message: str,
        reference: float | None = None,
        current: float | None = None,
        drop: float | None = None,
    ) -> RuleOutcome:
        return RuleOutcome(
            metric=metric,
            scope=scope_label,
            severity=rule.severity,
            status=status,
            limit=rule.limit,
            limit_kind=kind,
            reference=reference,
            current=current,
            drop=drop,
            message=message,
        )

    def skipped(why: str, ref: float | None = None, cur: float | None = None) -> RuleOutcome:
        return outcome("not_evaluated", f"{metric} not evaluated {where}: {why}", ref, cur)

    if scope is None:
        shown = ", ".join(labels[:10]) + (", ..." if len(labels) > 10 else "")
        return skipped(
            f"no segment is labelled {scope_label!r}; use 'overall', '*' or one of: "
            + (shown or "(no segments: set segment_by)")
        )
    if scope.comparison is None:
        hint = (
            "it needs rows on both sides"
            if (scope.reason or "").startswith("no rows")
            else "lower min_segment_rows to test it"
        )
        return skipped(f"segment not tested ({scope.reason}); {hint}")
    comparison = scope.comparison
    diff: MetricDifference | None = comparison.differences.get(metric)
    task = comparison.reference.task
    if diff is None:
        hint = (
            "set [model] score (--score) to the probability of the positive class"
            if metric in SCORE_METRICS and task == "binary"
            else f"{task} metrics: {', '.join(TASK_METRICS[task])}; set task if the "
            "inferred one is wrong"
        )
        return skipped(f"{metric} is not computed for this {task} task; {hint}")
    ref, cur = diff.reference, diff.current
    if ref is None or cur is None:
        notes = [
            f"{side}: {result.notes.get(metric, 'undefined')}"
            for side, value, result in (
                ("reference", ref, comparison.reference),
                ("current", cur, comparison.current),
            )
            if value is None
        ]
        return skipped(f"{metric} is undefined ({'; '.join(notes)})", ref, cur)
    higher = HIGHER_IS_BETTER[metric]
    drop = ref - cur if higher else cur - ref
    verb = "dropped" if higher else "rose"
    if kind == "relative":
        if ref == 0:
            return skipped(
                "the reference value is 0, so a relative drop is undefined; use max_drop",
                ref,
                cur,
            )
        drop = drop / abs(ref)
        change = f"{verb} {_pct(drop)}"
    else:
        change = f"{verb} {_fmt(drop)}"
    if drop < 0:
        change = "improved " + (_pct(-drop) if kind == "relative" else _fmt(-drop))
    elif drop == 0:
        change = "unchanged"
    values = f"({_fmt(ref)} -> {_fmt(cur)})"
    scale = abs(ref) if kind == "absolute" else 1.0
    exceeds = drop > rule.limit + _TOLERANCE * max(abs(rule.limit), scale)
    text = f"{metric} {change} {values} {where}"
    if not exceeds:
        return outcome("pass", f"{text}; within limit {limit_text}", ref, cur, drop)
    text = f"{text}; limit {limit_text} ({rule.severity})"
    if rule.significant_only:
        low, high = diff.ci_low, diff.ci_high
        if low is None or high is None:
            return skipped(
                f"{metric} {change} {values} beyond the limit {limit_text}, but its bootstrap "
                f"interval is undefined ({diff.n_valid} of {diff.n_resamples} resamples valid); "
                "set significant_only = false to judge the drop alone",
                ref,
                cur,
            )
        significant = high < 0 if higher else low > 0
        ci = f"{_pct(diff.confidence)} interval of the difference [{_fmt(low)}, {_fmt(high)}]"
        if not significant:
            message = f"{metric} {change} {values} {where}; beyond limit {limit_text} but "
            message += f"not significant: the {ci} includes 0 (significant_only)"
            return outcome("pass", message, ref, cur, drop)
        return outcome(rule.severity, f"{text}; {ci}", ref, cur, drop)
    return outcome(rule.severity, text, ref, cur, drop)


def _apply_rules(
    rules: Sequence[PerformanceRule],
    overall: ScopePerformance,
    segments: Sequence[ScopePerformance],
) -> list[RuleOutcome]:
    by_label = {s.scope: s for s in segments}
    labels = list(by_label)
    out: list[RuleOutcome] = []
    for rule in rules:
        if rule.segment == EVERY_SCOPE:
            targets = [overall, *(s for s in segments if s.comparison is not None)]
            out.extend(_outcome(rule, s, s.scope, labels) for s in targets)
        elif rule.segment == OVERALL:
            out.append(_outcome(rule, overall, OVERALL, labels))
        else:
            out.append(_outcome(rule, by_label.get(rule.segment), rule.segment, labels))
    return out


# ------------------------------------------------------------------------------------- run


def run_performance(
    reference: pl.DataFrame,
    current: pl.DataFrame,
    config: ModelConfig,
    segment_by: Sequence[str] = (),
    min_segment_rows: int = 30,
) -> PerformanceSection:
    """Compare the model on reference and current, overall and per segment, and apply rules."""
    if config.target is None or config.prediction is None:
        raise ConfigError(
            "model: performance needs both target and prediction; set [model] target and "
            "prediction (--target and --prediction)"
        )
    by = list(segment_by)
    _check_columns((("reference", reference), ("current", current)), config, by)
    wanted = [config.target, config.prediction] + ([config.score] if config.score else [])
    keep = list(dict.fromkeys([*wanted, *by]))
    reference, current = reference.select(keep), current.select(keep)
    spec = PerformanceSpec(
        target=config.target,
        prediction=config.prediction,
        score=config.score,
        task=config.task,
        positive_label=config.positive_label,
    )
    # One task (and one positive label) for every scope: a segment never flips task.
    spec = dataclasses.replace(spec, task=infer_task(spec, reference, current))
    overall_cmp = compare(
        reference,
        current,
        spec,
        n_resamples=config.n_resamples,
        confidence=config.confidence,
        seed=config.seed,
    )
    positive = overall_cmp.reference.positive_label
    if positive is not None:
        spec = dataclasses.replace(spec, positive_label=positive)
    overall = ScopePerformance(OVERALL, None, overall_cmp)
    segments: list[ScopePerformance] = []
    if by:
        segments = _segment_scopes(reference, current, spec, config, by, min_segment_rows)
    assert spec.task is not None
    return PerformanceSection(
        task=spec.task,
        target=config.target,
        prediction=config.prediction,
        score=config.score,
        positive_label=positive if positive is not None else config.positive_label,
        overall=overall,
        segments=tuple(segments),
        rules=tuple(_apply_rules(config.rules, overall, segments)),
        n_resamples=config.n_resamples,
        confidence=config.confidence,
        seed=config.seed,
    )


__all__ = [
    "EVERY_SCOPE",
    "OVERALL",
    "SCORE_METRICS",
    "TASK_METRICS",
    "ModelConfig",
    "PerformanceRule",
    "PerformanceSection",
    "RuleOutcome",
    "ScopePerformance",
    "model_config_from_mapping",
    "run_performance",
]
