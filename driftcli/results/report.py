"""The Report: one immutable object holding a run's column results and its sections.

Every output (JSON, terminal, HTML, and any registered renderer) renders a Report; none
recomputes a statistic. This module imports only the rest of the result layer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, TypeVar, overload

from driftcli.exitcodes import ExitCode
from driftcli.results.records import (
    ColumnResult,
    CorrectionInfo,
    DatasetVerdict,
    SegmentResult,
    SourceInfo,
    sorted_columns,
)
from driftcli.results.section import Section
from driftcli.results.vocabulary import FailOn, Outcome

SCHEMA_VERSION = "1.5"

S = TypeVar("S", bound=Section)


class RunConfig(Protocol):
    """What a report needs of the configuration it was run with (a ``DriftConfig``)."""

    @property
    def fail_on(self) -> FailOn: ...

    @property
    def segment_by(self) -> tuple[str, ...]: ...

    def to_dict(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class Delivery:
    """One attempt to deliver a report's results somewhere (Pushgateway, Alertmanager, a
    webhook): its ``target`` has every secret masked, ``error`` is None when ``ok``."""

    name: str
    target: str
    ok: bool
    attempts: int
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "name": self.name,
            "target": self.target,
            "ok": self.ok,
            "error": self.error,
            "attempts": self.attempts,
        }


@dataclass(frozen=True)
class RunEngine:
    """How a run read its data when it did not hold every column in memory at once (the
    stream engine) or read them elsewhere (Spark): the engine, how many column passes it made
    and at most how many tested columns each read."""

    name: str
    passes: int
    columns_per_pass: int
    #: Where an engine that reads elsewhere compared the columns: ``executors`` (Spark's, each
    #: pass in one task), ``driver`` (the columns came to this process) or ``partitions``
    #: (range partitions of each column, no task holding one); None otherwise.
    compared_on: str | None = None

    @property
    def description(self) -> str:
        """One line for the terminal and the HTML report."""
        passes = f"{self.passes} pass{'es' if self.passes != 1 else ''}"
        if self.compared_on == "partitions":
            return (
                f"engine {self.name}: compared in range partitions, column by column (numbers "
                "as in memory; sums of floats to about 1e-15)"
            )
        where = {
            "executors": "compared on the executors",
            "driver": "read to the driver",
        }.get(self.compared_on or "", "read")
        return (
            f"engine {self.name}: {where} in {passes} of at most {self.columns_per_pass} "
            "tested columns (same numbers as in memory)"
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        out: dict[str, Any] = {
            "name": self.name,
            "passes": self.passes,
            "columns_per_pass": self.columns_per_pass,
        }
        if self.compared_on is not None:
            out["compared_on"] = self.compared_on
        return out


@dataclass(frozen=True)
class Report:
    """The result of one run; render it with :func:`driftcli.write_outputs` (any renderer)."""

    reference: SourceInfo
    current: SourceInfo
    dataset: DatasetVerdict
    columns: tuple[ColumnResult, ...]
    segments: tuple[SegmentResult, ...]
    config: RunConfig
    generated_at: datetime
    driftcli_version: str
    breaches: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    correction: CorrectionInfo = field(default_factory=CorrectionInfo)
    #: Column name -> "target" | "prediction" | "score" for the model's configured columns.
    #: They are drift-tested like any column but reported apart and left out of ``dataset``.
    roles: Mapping[str, str] = field(default_factory=dict)
    #: Every registered section by key, in registry order; None when it did not run.
    sections: Mapping[str, Section | None] = field(default_factory=dict)
    #: What a reader must not miss about coverage (columns skipped as ids, most columns not
    #: tested); shown near the top of every output. Not warnings: nothing is wrong.
    notices: tuple[str, ...] = ()
    #: Wall-clock seconds the run took (not in the JSON: it varies run to run).
    duration: float | None = field(default=None, compare=False)
    #: Notifications sent after the run (``driftcli.notify``); in the JSON only when any was.
    deliveries: tuple[Delivery, ...] = ()
    #: Set when the run read its columns in passes (the stream engine); None: all at once.
    engine: RunEngine | None = None

    @property
    def exit_code(self) -> ExitCode:
        """BREACH when a breach at the ``fail_on`` level was found, else OK."""
        return ExitCode.BREACH if self.breaches else ExitCode.OK

    @property
    def status(self) -> Outcome:
        """``fail`` or ``pass``."""
        return Outcome.FAIL if self.breaches else Outcome.PASS

    @property
    def drifted_columns(self) -> list[ColumnResult]:
        """Drifted whole-dataset feature columns, strongest first."""
        return [c for c in sorted_columns(self.feature_columns) if c.drifted]

    @property
    def feature_columns(self) -> tuple[ColumnResult, ...]:
        """Whole-dataset results of every column but the model's (target, prediction, score)."""
        return tuple(c for c in self.columns if c.column not in self.roles)

    @property
    def model_columns(self) -> tuple[ColumnResult, ...]:
        """Whole-dataset drift of the model's columns: prediction and target drift."""
        return tuple(c for c in self.columns if c.column in self.roles)

    @overload
    def section(self, which: type[S]) -> S | None: ...

    @overload
    def section(self, which: str) -> Section | None: ...

    def section(self, which: type[S] | str) -> S | Section | None:
        """A section by key (``"performance"``) or by result type; None when it did not run."""
        if isinstance(which, str):
            return self.sections.get(which)
        found = self.sections.get(which.key)
        return found if isinstance(found, which) else None
