"""``drift fleet status``: the scorecard from the run history alone, nothing recomputed."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from driftcli.errors import ConfigError
from driftcli.exitcodes import ExitCode
from driftcli.fleet.config import BrokenModel, Fleet, ModelSpec
from driftcli.fleet.policy import breach_streak, decide, staleness
from driftcli.fleet.result import FleetResult, ModelRow
from driftcli.fleet.worker import TREND_RUNS


def _row(
    spec: ModelSpec | BrokenModel, fleet: Fleet, runs: list[dict[str, Any]], now: datetime
) -> ModelRow:
    policy = fleet.tiers.get(spec.tier)
    if isinstance(spec, BrokenModel) or not runs:
        # a declaration that cannot be read now cannot run next time, whatever it did before
        why = (
            f"its declaration is broken: {spec.error}"
            if isinstance(spec, BrokenModel)
            else "no run in the history store yet: run `drift fleet run`"
        )
        last_run = runs[0]["finished_at"] if runs else None
        return ModelRow.failed(spec, why, int(ExitCode.USAGE), last_run=last_run)
    latest = runs[0]
    completed = [r for r in runs if r["status"] != "error"]
    last_ok = completed[0] if completed else None
    status = latest["status"]
    streak = breach_streak(status == "fail", [r["status"] for r in runs[1:]])
    assert policy is not None  # a readable declaration names a defined tier
    sla = staleness(
        policy,
        now,
        last_ok["data_end"] if last_ok else None,
        last_ok["finished_at"] if last_ok else None,
    )
    decision = decide(policy, status, streak, sla.stale)
    error = None
    if status == "error":
        error = "; ".join(latest["findings"]) or "the last run did not complete"
    return ModelRow.judged(
        spec,
        status,
        streak,
        decision,
        sla,
        latest["health"],
        drift_share=latest["drift_share"],
        columns_drifted=latest["columns_drifted"],
        columns_tested=latest["columns_tested"],
        rows_reference=latest["n_reference"] if status != "error" else None,
        rows_current=latest["n_current"] if status != "error" else None,
        data_end=last_ok["data_end"] if last_ok else None,
        last_run=latest["finished_at"],
        last_success=last_ok["finished_at"] if last_ok else None,
        report=_relative(latest["report"], fleet),
        breaches=tuple(latest["findings"]) if status != "error" else (),
        error=error,
        trend=tuple(r["drift_share"] for r in reversed(completed[:TREND_RUNS])),
    )


def _relative(path: str | None, fleet: Fleet) -> str | None:
    import os

    if not path:
        return None
    try:
        return os.path.relpath(path, fleet.output_dir)
    except ValueError:
        return path


def fleet_status(fleet: Fleet, now: datetime | None = None) -> FleetResult:
    """Every model's scorecard row from its last runs in the fleet's history store, with the
    tier policy applied as of ``now`` (default: now)."""
    from driftcli.history import open_store

    prefix = "sqlite:///"
    if fleet.history.startswith(prefix) and not Path(fleet.history[len(prefix) :]).exists():
        raise ConfigError(
            f"{fleet.path}: no run history yet ({fleet.history[len(prefix) :]} does not exist); "
            f"run `drift fleet run {fleet.path}` first"
        )
    now = now or datetime.now(timezone.utc)
    specs: list[ModelSpec | BrokenModel] = [*fleet.models, *fleet.broken]
    rows = []
    with open_store(fleet.history) as store:
        for spec in sorted(specs, key=lambda s: s.name):
            rows.append(_row(spec, fleet, store.latest(spec.name, TREND_RUNS + 1), now))
    return FleetResult(
        name=fleet.name,
        fleet_file=str(fleet.path),
        run_date=now.date().isoformat(),
        generated_at=now.replace(microsecond=0).isoformat(),
        rows=tuple(rows),
        mode="status",
        tiers=[t.to_dict() for t in fleet.tiers.values()],
    )
