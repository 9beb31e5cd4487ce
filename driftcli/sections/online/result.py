"""The online metrics section's result: latency, errors and throughput, per window, and limits."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from driftcli.results.jsonable import num
from driftcli.results.section import Check, Finding, Section
from driftcli.results.vocabulary import Outcome, Severity


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
    #: Latencies left out as no latency: negative or infinite (a sentinel such as -1). Said
    #: among the warnings, not in the JSON's stats.
    latency_invalid: int = 0
    #: Text statuses equal to an error value but for case or surrounding spaces (``"ERROR"``
    #: for ``"error"``), which were not counted as errors, and the first of them. Said among
    #: the warnings, not in the JSON's stats.
    errors_near: int = 0
    errors_near_example: str | None = None


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
    status: Outcome  # pass | warn | fail | not_evaluated
    message: str


@dataclass(frozen=True)
class OnlineSection(Section):
    """Online metrics of current (and reference, where it has the columns), per window, limits."""

    key: ClassVar[str] = "online"
    title: ClassVar[str] = "Online metrics"

    latency_column: str | None
    latency_unit: str
    status_column: str | None
    current: OnlineStats
    reference: OnlineStats | None  # None when the reference lacks the columns
    windows: tuple[OnlineWindow, ...] = ()
    window: str | None = None
    limits: tuple[LimitOutcome, ...] = ()

    def findings(self) -> tuple[Finding, ...]:
        """Limits breached at severity fail, then at warn; then a limit that could not be
        checked (no latency values, say), a warning, so it never passes quietly."""
        out = [Finding(Severity.FAIL, x.message) for x in self.limits if x.status is Outcome.FAIL]
        out += [Finding(Severity.WARN, x.message) for x in self.limits if x.status is Outcome.WARN]
        out += [
            Finding(Severity.WARN, x.message)
            for x in self.limits
            if x.status is Outcome.NOT_EVALUATED
        ]
        for side, stats in (("current", self.current), ("reference", self.reference)):
            if stats is not None and stats.latency_invalid:
                out.append(
                    Finding(
                        Severity.WARN,
                        f"online: {stats.latency_invalid:,} {side} latencies in "
                        f"{self.latency_column!r} were negative or infinite (a sentinel such "
                        "as -1?) and were left out of the latency statistics",
                    )
                )
        for side, stats in (("current", self.current), ("reference", self.reference)):
            if stats is not None and stats.errors_near:
                out.append(
                    Finding(
                        Severity.WARN,
                        f"online: {stats.errors_near:,} {side} statuses in "
                        f"{self.status_column!r} equal an error value but for case or spaces "
                        f"(such as {stats.errors_near_example!r}) and were not counted as "
                        "errors; error_values match exactly: add them to error_values if "
                        "they are errors",
                    )
                )
        return tuple(out)

    def checks(self) -> tuple[Check, ...]:
        """Every limit in every scope it was checked on."""
        return tuple(
            Check(
                "online",
                f"{x.name} ({x.scope})",
                x.status,
                x.message,
                kind="limit",
                source=f"online.{x.name}",
            )
            for x in self.limits
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "latency_column": self.latency_column,
            "latency_unit": self.latency_unit,
            "status_column": self.status_column,
            "window": self.window,
            "current": _stats(self.current),
            "reference": _stats(self.reference),
            "windows": [
                {
                    "index": w.index,
                    "label": w.label,
                    "start": w.start,
                    "end": w.end,
                    "stats": _stats(w.stats),
                }
                for w in self.windows
            ],
            "limits": [_limit(x) for x in self.limits],
        }


def _stats(s: OnlineStats | None) -> dict[str, Any] | None:
    if s is None:
        return None
    return {
        "rows": s.rows,
        "latency_count": s.latency_count,
        "latency_p50": num(s.latency_p50),
        "latency_p95": num(s.latency_p95),
        "latency_p99": num(s.latency_p99),
        "latency_mean": num(s.latency_mean),
        "errors": s.errors,
        "error_rate": num(s.error_rate),
        "throughput_per_second": num(s.throughput_per_second),
    }


def _limit(x: LimitOutcome) -> dict[str, Any]:
    return {
        "name": x.name,
        "scope": x.scope,
        "status": x.status.value,
        "limit": num(x.limit),
        "value": num(x.value),
        "reference": num(x.reference),
        "message": x.message,
    }
