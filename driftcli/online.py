"""Online metrics from prediction logs: latency percentiles, throughput and error rate.

CONTRACT SKELETON (issue 6): dataclasses and signatures are fixed; bodies are being written.

Config::

    [online]
    latency = "latency_ms"           # column with each request's latency (any unit; shown as is)
    latency_unit = "ms"              # label only
    status = "status"                # column with each request's outcome
    error_values = ["error", "timeout"]  # status values that count as errors, or:
    # error_min = 500                # numeric status: values >= this are errors (HTTP style)
    # limits (each optional); checked on the whole current data:
    latency_p50_max = 120.0
    latency_p95_max = 250.0
    latency_p99_max = 400.0
    latency_p95_increase_max = 0.25  # p95 may rise at most 25% over the reference's p95
    error_rate_max = 0.02
    error_rate_increase_max = 0.01   # error rate may rise at most 1 point over the reference
    throughput_min = 50              # rows per window, checked in every window (needs window)
    severity = "fail"                # warn | fail for every limit
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import polars as pl

from driftcli.windows import WindowSpec

Severity = Literal["warn", "fail"]
Label = str | int | float | bool


@dataclass(frozen=True)
class OnlineConfig:
    """Which columns hold latency and status, what an error is, and the limits."""

    latency: str | None = None
    latency_unit: str = "ms"
    status: str | None = None
    error_values: tuple[Label, ...] = ()
    error_min: float | None = None
    latency_p50_max: float | None = None
    latency_p95_max: float | None = None
    latency_p99_max: float | None = None
    latency_p95_increase_max: float | None = None
    error_rate_max: float | None = None
    error_rate_increase_max: float | None = None
    throughput_min: float | None = None
    severity: Severity = "fail"

    @property
    def enabled(self) -> bool:
        """True when a latency or a status column is configured."""
        return self.latency is not None or self.status is not None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, as echoed in reports."""
        raise NotImplementedError


def online_config_from_mapping(data: object, source: str) -> OnlineConfig:
    """Validate a parsed ``[online]`` table (ConfigError naming ``source`` and the key)."""
    raise NotImplementedError


@dataclass(frozen=True)
class OnlineStats:
    """Latency percentiles (nearest-rank free: linear interpolation) and error rate of rows."""

    rows: int
    latency_count: int  # rows with a latency value
    latency_p50: float | None = None
    latency_p95: float | None = None
    latency_p99: float | None = None
    latency_mean: float | None = None
    errors: int | None = None  # None without a status column
    error_rate: float | None = None
    throughput_per_second: float | None = None  # rows / time span (needs time_column)


@dataclass(frozen=True)
class OnlineWindow:
    """The online metrics of one window; ``stats.rows`` is its throughput."""

    index: int
    label: str
    start: str | None
    end: str | None
    stats: OnlineStats


@dataclass(frozen=True)
class LimitOutcome:
    """One limit checked on one scope ("overall" or a window label)."""

    name: str  # the config key, e.g. "latency_p95_max"
    scope: str
    limit: float
    value: float | None
    reference: float | None
    status: Literal["pass", "warn", "fail", "not_evaluated"]
    message: str


@dataclass(frozen=True)
class OnlineSection:
    """Online metrics of current (and reference, where it has the columns), per window, limits."""

    latency_column: str | None
    latency_unit: str
    status_column: str | None
    current: OnlineStats
    reference: OnlineStats | None  # None when the reference lacks the columns
    windows: tuple[OnlineWindow, ...] = ()
    window: str | None = None
    limits: tuple[LimitOutcome, ...] = ()

    @property
    def failures(self) -> list[str]:
        """Messages of limits breached at severity fail."""
        return [x.message for x in self.limits if x.status == "fail"]

    @property
    def warnings(self) -> list[str]:
        """Messages of limits breached at severity warn."""
        return [x.message for x in self.limits if x.status == "warn"]


def run_online(
    reference: pl.DataFrame,
    current: pl.DataFrame,
    config: OnlineConfig,
    time_column: str | None = None,
    window: WindowSpec | None = None,
) -> OnlineSection:
    """Compute the online metrics overall and per window and check the limits."""
    raise NotImplementedError


__all__ = [
    "LimitOutcome",
    "OnlineConfig",
    "OnlineSection",
    "OnlineStats",
    "OnlineWindow",
    "online_config_from_mapping",
    "run_online",
]
