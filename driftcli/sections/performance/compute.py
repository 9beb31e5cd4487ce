"""Model performance in a run: which columns are the model's, the per-scope comparison, rules.

The ``[model]`` table is :mod:`driftcli.sections.performance.config`. Metrics, missing rows,
task inference and the bootstrap are defined in :mod:`driftcli.sections.performance.metrics`.
What this module adds:

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
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import polars as pl

from driftcli.errors import ConfigError, InputError
from driftcli.results.scopes import ordered_keys, segment_label, segment_of
from driftcli.results.vocabulary import Outcome
from driftcli.sections.performance.config import (
    EVERY_SCOPE,
    OVERALL,
    SCORE_METRICS,
    TASK_METRICS,
    ModelConfig,
    PerformanceRule,
)
from driftcli.sections.performance.metrics import (
    HIGHER_IS_BETTER,
    MetricDifference,
    PerformanceComparison,
    PerformanceSpec,
    Task,
    compare,
    infer_task,
    label_type,
)
from driftcli.sections.performance.result import PerformanceSection, RuleOutcome, ScopePerformance
from driftcli.sections.registry import RunContext

#: ``map`` or a thread pool's ``map``: how independent bootstraps are run.
Mapper = Callable[..., Iterable[Any]]

# A drop equal to its limit passes; this tolerance keeps float rounding (0.8 - 0.78) from
# turning an exact hit into a breach.
_TOLERANCE = 1e-9


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


def _probabilities_as_labels(
    spec: PerformanceSpec, reference: pl.DataFrame, current: pl.DataFrame
) -> str | None:
    """Why an inferred regression may be a classifier whose probabilities were given as its
    prediction: the target holds only 0 and 1 and the prediction only values in [0, 1] (some
    between), on both sides. None otherwise."""
    if spec.task != "regression":
        return None
    t, p = pl.col(spec.target).cast(pl.Float64), pl.col(spec.prediction).cast(pl.Float64)
    for frame in (reference, current):
        if not frame.schema[spec.target].is_numeric():
            return None
        if not frame.schema[spec.prediction].is_numeric():
            return None
        row = frame.select(
            t.is_in([0.0, 1.0]).or_(t.is_null()).all().alias("labels"),
            p.is_between(0.0, 1.0).or_(p.is_null()).all().alias("unit"),
        ).row(0)
        if not all(row):
            return None
    return (
        f"model: the task was inferred as regression, but target {spec.target!r} holds only "
        f"0 and 1 and prediction {spec.prediction!r} only values from 0 to 1: if "
        f"{spec.prediction!r} is the probability of class 1, set it as score (--score) and "
        'give the predicted labels as prediction; set task = "regression" if it is one'
    )


def _segment_scopes(
    reference: pl.DataFrame,
    current: pl.DataFrame,
    spec: PerformanceSpec,
    config: ModelConfig,
    by: list[str],
    min_segment_rows: int,
    mapper: Mapper = map,
) -> list[ScopePerformance]:
    ref_parts = reference.partition_by(by, as_dict=True, maintain_order=True)
    cur_parts = current.partition_by(by, as_dict=True, maintain_order=True)
    scopes: list[ScopePerformance] = []
    # (index in scopes, reference rows, current rows) of each segment to compare
    pending: list[tuple[int, pl.DataFrame, pl.DataFrame]] = []
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
        pending.append((len(scopes), r, c))
        scopes.append(ScopePerformance(label, segment, None))

    def one(job: tuple[int, pl.DataFrame, pl.DataFrame]) -> PerformanceComparison:
        _, r, c = job
        return compare(
            r, c, spec, n_resamples=config.n_resamples, confidence=config.confidence,
            seed=config.seed,
        )  # fmt: skip

    # Each comparison draws from its own seed: the same numbers in any order or thread.
    for (i, _, _), comparison in zip(pending, mapper(one, pending), strict=True):
        scopes[i] = dataclasses.replace(scopes[i], comparison=comparison)
    return scopes


# ------------------------------------------------------------------------------------ rules


def _fmt(x: float) -> str:
    """A metric value for a message: 3 significant digits below 1, 4 from 1 up."""
    return f"{x:.4g}" if abs(x) >= 1 else f"{x:.3g}"


def _pct(x: float) -> str:
    return f"{x * 100:.3g}%"


def _where(scope: str) -> str:
    return "overall" if scope == OVERALL else f"in segment {scope}"


def _limit_text(rule: PerformanceRule) -> str:
    """The rule's limit as messages show it: a number, or a percentage when relative."""
    return _fmt(rule.limit) if rule.limit_kind == "absolute" else _pct(rule.limit)


@dataclasses.dataclass(frozen=True)
class _Measured:
    """A rule's metric on both sides of one scope, its drop and how the change reads."""

    reference: float
    current: float
    drop: float  # > 0 means worse; a fraction of |reference| for a relative limit
    summary: str  # "accuracy dropped 0.05 (0.9 -> 0.85)"


def _rule_outcome(
    rule: PerformanceRule,
    scope_label: str,
    status: Outcome,
    message: str,
    reference: float | None = None,
    current: float | None = None,
    drop: float | None = None,
) -> RuleOutcome:
    """The outcome of ``rule`` on one scope with the given status, message and values."""
    return RuleOutcome(
        metric=rule.metric,
        scope=scope_label,
        severity=rule.severity,
        status=status,
        limit=rule.limit,
        limit_kind=rule.limit_kind,
        reference=reference,
        current=current,
        drop=drop,
        message=message,
    )


def _judged(
    rule: PerformanceRule, scope_label: str, status: Outcome, message: str, m: _Measured
) -> RuleOutcome:
    """The outcome of a rule whose drop was measured and judged (pass, warn or fail)."""
    return _rule_outcome(rule, scope_label, status, message, m.reference, m.current, m.drop)


def _not_evaluated(
    rule: PerformanceRule,
    scope_label: str,
    why: str,
    reference: float | None = None,
    current: float | None = None,
) -> RuleOutcome:
    """A not_evaluated outcome whose message says why the rule could not be applied."""
    message = f"{rule.metric} not evaluated {_where(scope_label)}: {why}"
    return _rule_outcome(rule, scope_label, Outcome.NOT_EVALUATED, message, reference, current)


def _unknown_segment(scope_label: str, labels: list[str]) -> str:
    """Why a rule naming a label no segment has is not evaluated, listing the valid labels."""
    shown = ", ".join(labels[:10]) + (", ..." if len(labels) > 10 else "")
    return f"no segment is labelled {scope_label!r}; use 'overall', '*' or one of: " + (
        shown or "(no segments: set segment_by)"
    )


def _untested_segment(scope: ScopePerformance) -> str:
    """Why a rule on a segment that was not compared is not evaluated, and how to test it."""
    hint = (
        "it needs rows on both sides"
        if (scope.reason or "").startswith("no rows")
        else "lower min_segment_rows to test it"
    )
    return f"segment not tested ({scope.reason}); {hint}"


def _metric_not_computed(metric: str, task: Task) -> str:
    """Why a rule on a metric the task does not compute is not evaluated, and the fix."""
    hint = (
        "set [model] score (--score) to the probability of the positive class"
        if metric in SCORE_METRICS and task == "binary"
        else f"{task} metrics: {', '.join(TASK_METRICS[task])}; set task if the "
        "inferred one is wrong"
    )
    return f"{metric} is not computed for this {task} task; {hint}"


def _metric_undefined(
    metric: str, diff: MetricDifference, comparison: PerformanceComparison
) -> str:
    """Why a rule on a metric undefined on a side is not evaluated: that side's note."""
    notes = [
        f"{side}: {result.notes.get(metric, 'undefined')}"
        for side, value, result in (
            ("reference", diff.reference, comparison.reference),
            ("current", diff.current, comparison.current),
        )
        if value is None
    ]
    return f"{metric} is undefined ({'; '.join(notes)})"


def _measure(rule: PerformanceRule, reference: float, current: float) -> _Measured:
    """The rule's direction-aware drop (relative when its limit is) and the words for it."""
    higher = HIGHER_IS_BETTER[rule.metric]
    drop = reference - current if higher else current - reference
    relative = rule.limit_kind == "relative"
    if relative:
        drop = drop / abs(reference)
    shown = _pct if relative else _fmt
    if drop < 0:
        change = "improved " + shown(-drop)
    elif drop == 0:
        change = "unchanged"
    else:
        change = f"{'dropped' if higher else 'rose'} {shown(drop)}"
    summary = f"{rule.metric} {change} ({_fmt(reference)} -> {_fmt(current)})"
    return _Measured(reference, current, drop, summary)


def _judge_significance(
    rule: PerformanceRule, scope_label: str, diff: MetricDifference, m: _Measured
) -> RuleOutcome:
    """A drop beyond the limit under significant_only: a breach only if its interval agrees."""
    limit_text = _limit_text(rule)
    low, high = diff.ci_low, diff.ci_high
    if low is None or high is None:
        return _not_evaluated(
            rule,
            scope_label,
            f"{m.summary} beyond the limit {limit_text}, but its bootstrap interval is "
            f"undefined ({diff.n_valid} of {diff.n_resamples} resamples valid); "
            "set significant_only = false to judge the drop alone",
            m.reference,
            m.current,
        )
    significant = high < 0 if HIGHER_IS_BETTER[rule.metric] else low > 0
    ci = f"{_pct(diff.confidence)} interval of the difference [{_fmt(low)}, {_fmt(high)}]"
    text = f"{m.summary} {_where(scope_label)}"
    if not significant:
        message = f"{text}; beyond limit {limit_text} but "
        message += f"not significant: the {ci} includes 0 (significant_only)"
        return _judged(rule, scope_label, Outcome.PASS, message, m)
    message = f"{text}; limit {limit_text} ({rule.severity}); {ci}"
    return _judged(rule, scope_label, Outcome(rule.severity.value), message, m)


def _judge(
    rule: PerformanceRule, scope_label: str, diff: MetricDifference, m: _Measured
) -> RuleOutcome:
    """Pass when the drop is within the limit, else the rule's severity (see significant_only)."""
    limit_text = _limit_text(rule)
    text = f"{m.summary} {_where(scope_label)}"
    scale = abs(m.reference) if rule.limit_kind == "absolute" else 1.0
    exceeds = m.drop > rule.limit + _TOLERANCE * max(abs(rule.limit), scale)
    if not exceeds:
        return _judged(rule, scope_label, Outcome.PASS, f"{text}; within limit {limit_text}", m)
    if rule.significant_only:
        return _judge_significance(rule, scope_label, diff, m)
    message = f"{text}; limit {limit_text} ({rule.severity})"
    return _judged(rule, scope_label, Outcome(rule.severity.value), message, m)


def _outcome(
    rule: PerformanceRule, scope: ScopePerformance | None, scope_label: str, labels: list[str]
) -> RuleOutcome:
    """One performance rule applied to one scope (None: no segment has the rule's label)."""
    if scope is None:
        return _not_evaluated(rule, scope_label, _unknown_segment(scope_label, labels))
    comparison = scope.comparison
    if comparison is None:
        return _not_evaluated(rule, scope_label, _untested_segment(scope))
    diff = comparison.differences.get(rule.metric)
    if diff is None:
        why = _metric_not_computed(rule.metric, comparison.reference.task)
        return _not_evaluated(rule, scope_label, why)
    ref, cur = diff.reference, diff.current
    if ref is None or cur is None:
        why = _metric_undefined(rule.metric, diff, comparison)
        return _not_evaluated(rule, scope_label, why, ref, cur)
    if rule.limit_kind == "relative" and ref == 0:
        return _not_evaluated(
            rule,
            scope_label,
            "the reference value is 0, so a relative drop is undefined; use max_drop",
            ref,
            cur,
        )
    return _judge(rule, scope_label, diff, _measure(rule, ref, cur))


def _apply_rules(
    rules: Sequence[PerformanceRule],
    overall: ScopePerformance,
    segments: Sequence[ScopePerformance],
) -> list[RuleOutcome]:
    by_label = {s.scope: s for s in segments}
    labels = list(by_label)
    out: list[RuleOutcome] = []
    for index, rule in enumerate(rules):
        if rule.segment == EVERY_SCOPE:
            targets = [overall, *(s for s in segments if s.comparison is not None)]
            found = [_outcome(rule, s, s.scope, labels) for s in targets]
        elif rule.segment == OVERALL:
            found = [_outcome(rule, overall, OVERALL, labels)]
        else:
            found = [_outcome(rule, by_label.get(rule.segment), rule.segment, labels)]
        out.extend(dataclasses.replace(o, rule_index=index) for o in found)
    return out


# ------------------------------------------------------------------------------------- run


def run_performance(
    reference: pl.DataFrame,
    current: pl.DataFrame,
    config: ModelConfig,
    segment_by: Sequence[str] = (),
    min_segment_rows: int = 30,
    mapper: Mapper = map,
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
    # One label type on both sides (Float64 0/1 in a reference, Int64 in a log are the same
    # labels), then one task (and one positive label) for every scope.
    spec = dataclasses.replace(spec, labels=label_type(spec, reference, current))
    spec = dataclasses.replace(spec, task=infer_task(spec, reference, current))
    doubt = None if config.task is not None else _probabilities_as_labels(spec, reference, current)
    overall_cmp = compare(
        reference,
        current,
        spec,
        n_resamples=config.n_resamples,
        confidence=config.confidence,
        seed=config.seed,
        mapper=mapper,
    )
    positive = overall_cmp.reference.positive_label
    if positive is not None:
        spec = dataclasses.replace(spec, positive_label=positive)
    overall = ScopePerformance(OVERALL, None, overall_cmp)
    segments: list[ScopePerformance] = []
    if by:
        segments = _segment_scopes(reference, current, spec, config, by, min_segment_rows, mapper)
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
        labels=spec.labels,
        task_doubt=doubt,
    )


def compute(ctx: RunContext) -> PerformanceSection | None:
    """The model's performance when the config names its target and prediction, else None."""
    model = ctx.config.section(ModelConfig)
    if not model.enabled:
        return None
    config = ctx.config
    # the segments' bootstraps run on the run's thread pool (NumPy releases the GIL)
    return run_performance(
        ctx.reference, ctx.current, model, config.segment_by, config.min_segment_rows,
        ctx.pool.map,
    )  # fmt: skip


__all__ = ["compute", "run_performance"]
