"""The data integrity section's result: every check's outcome and the root-cause hints."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from driftcli.results.jsonable import maybe_num
from driftcli.results.section import Check, Finding, Section
from driftcli.results.vocabulary import Outcome, Severity


@dataclass(frozen=True)
class Offending:
    """One offending value (or group of values) and how many current rows hold it."""

    value: str
    count: int


@dataclass(frozen=True)
class IntegrityResult:
    """One check on one column (or the dataset): what was seen against what was allowed."""

    check: str
    column: str | None
    severity: Severity
    status: Outcome  # pass | fail | warn | info
    message: str
    observed: float | str | None = None
    reference: float | str | None = None
    limit: float | str | None = None
    offending: tuple[Offending, ...] = ()
    drift_status: str | None = None  # the column's drift status, filled in by the engine

    @property
    def tripped(self) -> bool:
        """True when the check found a problem (fail, warn or info)."""
        return self.status != "pass"


@dataclass(frozen=True)
class RootCauseHint:
    """A drifted column that also failed integrity: the drift is likely a data issue."""

    column: str
    checks: tuple[str, ...]
    message: str


@dataclass(frozen=True)
class IntegrityReport(Section):
    """All integrity results of a run (passes included) and the root-cause hints."""

    key: ClassVar[str] = "integrity"
    title: ClassVar[str] = "Data integrity"

    enabled: bool = False
    results: tuple[IntegrityResult, ...] = ()
    hints: tuple[RootCauseHint, ...] = ()

    @property
    def tripped(self) -> list[IntegrityResult]:
        """Tripped checks, fail first, then warn, then info."""
        order = {Outcome.FAIL: 0, Outcome.WARN: 1, Outcome.INFO: 2}
        return sorted((r for r in self.results if r.tripped), key=lambda r: order[r.status])

    def count(self, status: Outcome | str) -> int:
        """How many results have ``status`` (pass, fail, warn or info)."""
        return sum(1 for r in self.results if r.status == status)

    def for_column(self, column: str) -> list[IntegrityResult]:
        """Tripped checks on one column."""
        return [r for r in self.results if r.column == column and r.tripped]

    def findings(self) -> tuple[Finding, ...]:
        """A breach per failed check, and one warning line summing up the warned checks."""
        tripped = self.tripped
        out = [
            Finding(Severity.FAIL, f"integrity {r.check}: {r.message}")
            for r in tripped
            if r.status is Outcome.FAIL
        ]
        warned = [r for r in tripped if r.status is Outcome.WARN]
        if warned:
            names = ", ".join(
                f"{r.check}" + (f" ({r.column})" if r.column is not None else "")
                for r in warned[:10]
            )
            more = f" and {len(warned) - 10} more" if len(warned) > 10 else ""
            n = len(warned)
            out.append(
                Finding(
                    Severity.WARN,
                    f"integrity: {n} check{'s' if n != 1 else ''} warned: {names}{more}",
                )
            )
        return tuple(out)

    def checks(self) -> tuple[Check, ...]:
        """Every integrity check run, passes included; a failed one is an error (the data is
        broken), not a failed comparison."""
        status = {Outcome.INFO: Outcome.PASS}
        return tuple(
            Check(
                "integrity",
                r.check + (f" [{r.column}]" if r.column is not None else ""),
                status.get(r.status, r.status),
                r.message,
                kind="integrity",
                error=r.status is Outcome.FAIL,
                source="integrity",
            )
            for r in self.results
        )

    def to_dict(self) -> dict[str, Any]:
        """Counts of every check run, then only the tripped checks (fail, warn, info)."""
        return {
            "enabled": self.enabled,
            "checks_run": len(self.results),
            "passed": self.count(Outcome.PASS),
            "failed": self.count(Outcome.FAIL),
            "warned": self.count(Outcome.WARN),
            "info": self.count(Outcome.INFO),
            "findings": [
                {
                    "check": r.check,
                    "column": r.column,
                    "severity": r.severity.value,
                    "status": r.status.value,
                    "message": r.message,
                    "observed": maybe_num(r.observed),
                    "reference": maybe_num(r.reference),
                    "limit": maybe_num(r.limit),
                    "offending": [{"value": o.value, "count": o.count} for o in r.offending],
                    "drift_status": r.drift_status,
                }
                for r in self.tripped
            ],
            "hints": [
                {"column": h.column, "checks": list(h.checks), "message": h.message}
                for h in self.hints
            ],
        }
