"""Concept drift in a run: the model's per-row error stream over time, run through detectors.

CONTRACT SKELETON (issue 6): dataclasses and signatures are fixed; bodies are being written.

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
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import polars as pl

from driftcli.model_perf import ModelConfig
from driftcli.performance import Task

Severity = Literal["warn", "fail"]
ALL_DETECTORS = ("adwin", "ddm", "eddm", "page_hinkley")


@dataclass(frozen=True)
class ConceptConfig:
    """Which detectors run, with which parameters, and what a detection means."""

    detectors: tuple[str, ...] = ALL_DETECTORS
    params: Mapping[str, Mapping[str, float | int | str]] = field(default_factory=dict)
    severity: Severity = "warn"
    per_segment: bool = True

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, as echoed in reports."""
        raise NotImplementedError


def concept_config_from_mapping(data: object, source: str) -> ConceptConfig:
    """Validate a parsed ``[concept]`` table (ConfigError naming ``source`` and the key)."""
    raise NotImplementedError


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
    def first_change(self) -> ChangePoint | None:
        """The earliest change point any detector reported in this scope."""
        points = [p for d in self.detectors for p in d.drifts]
        return min(points, key=lambda p: p.row) if points else None


@dataclass(frozen=True)
class ConceptSection:
    """Concept drift over time in the current data."""

    time_column: str
    stream: Literal["misclassification", "absolute_error"]
    severity: Severity
    scopes: tuple[ConceptScope, ...]

    @property
    def findings(self) -> list[str]:
        """One message per scope where some detector reported a change point."""
        raise NotImplementedError


def run_concept(
    current: pl.DataFrame,
    time_column: str,
    model: ModelConfig,
    task: Task,
    config: ConceptConfig,
    segment_by: Sequence[str] = (),
) -> ConceptSection:
    """Order ``current`` by time, build the error stream(s) and run the detectors."""
    raise NotImplementedError


__all__ = [
    "ALL_DETECTORS",
    "ChangePoint",
    "ConceptConfig",
    "ConceptScope",
    "ConceptSection",
    "DetectorReport",
    "ErrorBin",
    "concept_config_from_mapping",
    "run_concept",
]
