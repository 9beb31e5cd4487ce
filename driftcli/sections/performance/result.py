"""The model performance section's result: metrics per scope with intervals, and rule outcomes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from driftcli.results.jsonable import floats, num, scalar, segment_values
from driftcli.results.section import Check, Finding, Section
from driftcli.results.vocabulary import Outcome, Severity
from driftcli.sections.performance.metrics import (
    DEFAULT_CONFIDENCE,
    DEFAULT_RESAMPLES,
    Label,
    PerformanceComparison,
    PerformanceResult,
    Task,
)


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
    status: Outcome  # pass | warn | fail | not_evaluated
    limit: float
    limit_kind: Literal["absolute", "relative"]
    reference: float | None
    current: float | None
    drop: float | None  # > 0 means worse (direction-aware; relative when limit_kind is relative)
    message: str
    rule_index: int = 0  # the rule's position in [[model.rules]] (not in the JSON)


@dataclass(frozen=True)
class PerformanceSection(Section):
    """Everything the report shows about the model's performance."""

    key: ClassVar[str] = "performance"
    title: ClassVar[str] = "Model performance"

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
    #: The type labels were compared in (not in the JSON): see ``metrics.label_type``.
    labels: str | None = None
    #: Why the inferred task may not be the one meant (a warning; in the JSON's warnings).
    task_doubt: str | None = None

    def findings(self) -> tuple[Finding, ...]:
        """Rules broken at severity fail, then at warn; a rule that could not be applied (a
        misspelt segment, say) is a warning too, so it never passes quietly; then a doubt
        about the inferred task."""
        out = [Finding(Severity.FAIL, r.message) for r in self.rules if r.status is Outcome.FAIL]
        out += [Finding(Severity.WARN, r.message) for r in self.rules if r.status is Outcome.WARN]
        out += [
            Finding(Severity.WARN, r.message)
            for r in self.rules
            if r.status is Outcome.NOT_EVALUATED
        ]
        if self.task_doubt is not None:
            out.append(Finding(Severity.WARN, self.task_doubt))
        if not self.rules:  # a rule says itself when its metric could not be measured
            out += [Finding(Severity.WARN, m) for m in self._unmeasured()]
        return tuple(out)

    def _unmeasured(self) -> list[str]:
        """One line per side on which no row had both a target and a prediction (overall):
        the performance section then compared nothing."""
        comparison = self.overall.comparison
        if comparison is None:
            return []
        return [
            f"model performance: no {side} row has both a target and a prediction "
            f"({result.n_missing_target} of {result.n_rows} without a target, "
            f"{result.n_missing_prediction} without a prediction), so performance was not "
            "compared; the labels may not have arrived yet"
            for side, result in (
                ("reference", comparison.reference),
                ("current", comparison.current),
            )
            if result.n_used == 0
        ]

    def checks(self) -> tuple[Check, ...]:
        """Every rule in every scope it was applied to."""
        return tuple(
            Check(
                "performance",
                f"{r.metric} drop ({r.scope})",
                r.status,
                r.message,
                kind="rule",
                source=f"model.rules[{r.rule_index}]",
            )
            for r in self.rules
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "task": self.task,
            "target": self.target,
            "prediction": self.prediction,
            "score": self.score,
            "positive_label": scalar(self.positive_label),
            "n_resamples": self.n_resamples,
            "confidence": self.confidence,
            "seed": self.seed,
            "overall": _scope(self.overall),
            "segments": [_scope(s) for s in self.segments],
            "rules": [_rule(r) for r in self.rules],
        }


def _result(r: PerformanceResult) -> dict[str, Any]:
    cm = r.confusion
    return {
        "task": r.task,
        "n_rows": r.n_rows,
        "n_used": r.n_used,
        "n_missing_target": r.n_missing_target,
        "n_missing_prediction": r.n_missing_prediction,
        "n_missing_score": r.n_missing_score,
        "n_zero_target": r.n_zero_target,
        "positive_label": scalar(r.positive_label),
        "metrics": floats(r.metrics),
        "confusion": None
        if cm is None
        else {
            "labels": [scalar(x) for x in cm.labels],
            "counts": [[int(n) for n in row] for row in cm.counts],
        },
        "notes": {str(k): str(v) for k, v in r.notes.items()},
    }


def _comparison(c: PerformanceComparison | None) -> dict[str, Any] | None:
    if c is None:
        return None
    return {
        "reference": _result(c.reference),
        "current": _result(c.current),
        "differences": {
            name: {
                "metric": d.metric,
                "reference": num(d.reference),
                "current": num(d.current),
                "difference": num(d.difference),
                "ci_low": num(d.ci_low),
                "ci_high": num(d.ci_high),
                "confidence": d.confidence,
                "n_resamples": d.n_resamples,
                "n_valid": d.n_valid,
                "higher_is_better": d.higher_is_better,
            }
            for name, d in c.differences.items()
        },
        "n_resamples": c.n_resamples,
        "confidence": c.confidence,
        "seed": c.seed,
        "max_rows": c.max_rows,
    }


def _scope(s: ScopePerformance) -> dict[str, Any]:
    return {
        "scope": s.scope,
        "segment": segment_values(s.segment),
        "reason": s.reason,
        "comparison": _comparison(s.comparison),
    }


def _rule(r: RuleOutcome) -> dict[str, Any]:
    return {
        "metric": r.metric,
        "scope": r.scope,
        "severity": r.severity.value,
        "status": r.status.value,
        "limit": num(r.limit),
        "limit_kind": r.limit_kind,
        "reference": num(r.reference),
        "current": num(r.current),
        "drop": num(r.drop),
        "message": r.message,
    }
