"""A fleet run's results: one row per model after its tier's policy, and the fleet's verdict."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from driftcli.exitcodes import ExitCode
from driftcli.fleet.config import BrokenModel, ModelSpec
from driftcli.fleet.policy import Decision, Staleness

#: Areas of the scorecard, in column order; a model's health holds these and any other
#: section's outcome.
AREAS = ("drift", "performance", "integrity", "staleness")

#: The word of each row state, worst last.
STATES = ("pass", "warn", "fail", "stale", "error")


@dataclass(frozen=True)
class ModelRow:
    """One model's line of the scorecard.

    ``status`` is the run's own verdict (``pass``, ``warn``, ``fail``) or ``error`` when it
    did not complete (its ``error`` says why). ``streak`` counts the consecutive breached runs
    ending with this one; ``escalated`` is true once it reaches the tier's ``escalate_after``,
    and ``severity`` (the alerts' label) is then ``critical``, else ``warning`` on a breach.
    ``stale`` is the staleness SLA's verdict (``stale_reason`` says which limit). ``fails_job``
    is the tier policy's decision, and ``exit_code`` this row's part of the fleet's exit code.
    """

    name: str
    owner: str
    tier: str
    status: str
    exit_code: int
    fails_job: bool
    #: Why it fails the job, per the tier: "drift", "escalated", "stale", "error".
    job_reasons: tuple[str, ...] = ()
    health: Mapping[str, str] = field(default_factory=dict)
    streak: int = 0
    escalated: bool = False
    severity: str | None = None
    stale: bool = False
    stale_reason: str | None = None
    drift_share: float | None = None
    columns_drifted: int | None = None
    columns_tested: int | None = None
    rows_reference: int | None = None
    rows_current: int | None = None
    data_end: str | None = None
    data_age_seconds: float | None = None
    last_run: str | None = None
    last_success: str | None = None
    duration_seconds: float | None = None
    #: The model's HTML report (else JSON), relative to the fleet's output folder.
    report: str | None = None
    breaches: tuple[str, ...] = ()
    #: The failing findings of each report section, by its key (``performance``,
    #: ``integrity``, ...): what the scorecard and JUnit say about that area.
    area_findings: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    error: str | None = None
    #: Drift share of the model's last runs, oldest first (this one last).
    trend: tuple[float | None, ...] = ()
    failed_deliveries: tuple[str, ...] = ()
    source: str = ""
    #: What the audit trail records of the inputs (not in the JSON: the audit file has it).
    inputs: tuple[Mapping[str, Any], ...] = field(default=(), compare=False)
    #: The model's effective config (the audit trail keeps its hash).
    config: Mapping[str, Any] | None = field(default=None, compare=False)

    @classmethod
    def failed(
        cls, spec: ModelSpec | BrokenModel, error: str, exit_code: int, **more: Any
    ) -> ModelRow:
        """The row of a model that could not run: status ``error``, failing the job whatever
        its tier, ``error`` saying why; ``more`` sets other fields (staleness, last run)."""
        return cls(
            name=spec.name,
            owner=spec.owner,
            tier=spec.tier,
            status="error",
            exit_code=exit_code,
            fails_job=True,
            job_reasons=("error",),
            error=error,
            source=spec.source,
            **more,
        )

    @classmethod
    def judged(
        cls,
        spec: ModelSpec | BrokenModel,
        status: str,
        streak: int,
        decision: Decision,
        sla: Staleness,
        health: Mapping[str, str],
        **more: Any,
    ) -> ModelRow:
        """The row of a run its tier judged: ``status`` with the policy's ``decision`` and the
        staleness verdict ``sla`` (added to ``health``); ``more`` sets the run's figures."""
        return cls(
            name=spec.name,
            owner=spec.owner,
            tier=spec.tier,
            status=status,
            exit_code=decision.exit_code,
            fails_job=decision.fails_job,
            job_reasons=decision.reasons,
            health={**health, "staleness": "fail" if sla.stale else "pass"},
            streak=streak,
            escalated=decision.escalated,
            severity=decision.severity,
            stale=sla.stale,
            stale_reason=sla.reason,
            data_age_seconds=sla.data_age_seconds,
            source=spec.source,
            **more,
        )

    @property
    def state(self) -> str:
        """The scorecard's one word: error, stale, fail, warn or pass (worst first)."""
        if self.status == "error":
            return "error"
        if self.stale:
            return "stale"
        return self.status

    @property
    def why(self) -> str:
        """The reason for the state in one line: the error, else the escalation, the
        staleness and the first breach."""
        if self.error:
            return self.error
        parts = []
        if self.escalated:
            parts.append(f"escalated: {self.streak} breached runs in a row")
        if self.stale_reason:
            parts.append(self.stale_reason)
        if self.breaches:
            parts.append(self.breaches[0])
        return "; ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (see docs/fleet.md and ``drift fleet schema``)."""
        out = asdict(self)
        out.pop("inputs")
        out.pop("config")
        out["state"] = self.state
        out["health"] = dict(self.health)
        out["area_findings"] = {k: list(v) for k, v in self.area_findings.items()}
        out["breaches"] = list(self.breaches)
        out["job_reasons"] = list(self.job_reasons)
        out["trend"] = list(self.trend)
        out["failed_deliveries"] = list(self.failed_deliveries)
        return out


@dataclass(frozen=True)
class FleetResult:
    """A fleet run (or a status read from history): its rows and its exit code."""

    name: str
    fleet_file: str
    run_date: str
    generated_at: str
    rows: tuple[ModelRow, ...]
    #: "run": computed now; "status": read from the history store alone.
    mode: str = "run"
    duration_seconds: float | None = None
    parallel: int | None = None
    tiers: Sequence[Mapping[str, Any]] = ()
    #: Why the audit trail could not be appended to (the run is then exit 2).
    audit_error: str | None = None
    #: What the run had to work around (a worker process that died, and the reruns).
    notices: tuple[str, ...] = ()

    @property
    def exit_code(self) -> ExitCode:
        """The worst row after tier policy: 3 a bug, 2 a model that could not run (or an
        audit trail that could not be written), 1 a finding its tier fails the job on, else 0."""
        worst = max((r.exit_code for r in self.rows), default=int(ExitCode.USAGE))
        if self.audit_error is not None:
            worst = max(worst, int(ExitCode.USAGE))
        return ExitCode(worst)

    def counts(self) -> dict[str, int]:
        """Models per state, every state listed."""
        out = dict.fromkeys(STATES, 0)
        for r in self.rows:
            out[r.state] += 1
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, validated by the fleet schema in tests."""
        return {
            "schema_version": "1.0",
            "fleet": self.name,
            "fleet_file": self.fleet_file,
            "mode": self.mode,
            "run_date": self.run_date,
            "generated_at": self.generated_at,
            "duration_seconds": self.duration_seconds,
            "parallel": self.parallel,
            "exit_code": int(self.exit_code),
            "counts": self.counts(),
            "jobs_failed_by": sorted(r.name for r in self.rows if r.exit_code),
            "audit_error": self.audit_error,
            "notices": list(self.notices),
            "tiers": [dict(t) for t in self.tiers],
            "models": [r.to_dict() for r in self.rows],
        }
