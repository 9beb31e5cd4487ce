"""Model performance in a run: which columns are the model's, the per-scope comparison, rules.

CONTRACT SKELETON (issue 6): dataclasses and signatures are fixed; bodies are being written.

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
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import polars as pl

from driftcli.performance import (
    DEFAULT_CONFIDENCE,
    DEFAULT_RESAMPLES,
    Label,
    PerformanceComparison,
    Task,
)

Severity = Literal["warn", "fail"]
RuleStatus = Literal["pass", "warn", "fail", "not_evaluated"]

OVERALL = "overall"
EVERY_SCOPE = "*"


@dataclass(frozen=True)
class PerformanceRule:
    """A limit on how much one metric may get worse, in one scope (or every scope)."""

    metric: str
    segment: str = OVERALL  # "overall", "*", or a segment label like "region=south"
    max_drop: float | None = None
    max_relative_drop: float | None = None
    severity: Severity = "fail"
    significant_only: bool = False


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
        raise NotImplementedError


def model_config_from_mapping(data: object, source: str) -> ModelConfig:
    """Validate a parsed ``[model]`` table (ConfigError naming ``source`` and the key)."""
    raise NotImplementedError


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


def run_performance(
    reference: pl.DataFrame,
    current: pl.DataFrame,
    config: ModelConfig,
    segment_by: Sequence[str] = (),
    min_segment_rows: int = 30,
) -> PerformanceSection:
    """Compare the model on reference and current, overall and per segment, and apply rules."""
    raise NotImplementedError


__all__ = [
    "EVERY_SCOPE",
    "OVERALL",
    "ModelConfig",
    "PerformanceRule",
    "PerformanceSection",
    "RuleOutcome",
    "ScopePerformance",
    "model_config_from_mapping",
    "run_performance",
]
_ = field
