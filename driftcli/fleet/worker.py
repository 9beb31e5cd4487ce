"""One model of a fleet run, start to finish, in a worker process: resolve its paths, load its
history, run the report, write its outputs, send its labelled alerts, record the run. Every
failure becomes the model's error row; nothing here may stop the other models."""

from __future__ import annotations

import os
import time
import traceback
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from driftcli.errors import ConfigError, DriftError
from driftcli.exitcodes import ExitCode
from driftcli.fleet.config import BrokenModel, ModelSpec, TierPolicy
from driftcli.fleet.policy import breach_streak, decide, staleness
from driftcli.fleet.result import ModelRow

#: Past runs read for the streak and the trend.
TREND_RUNS = 10
#: The outputs every model writes unless its settings name others (paths in out/<model>/).
DEFAULT_OUTPUTS = {"html": "report.html", "json": "summary.json"}


@dataclass(frozen=True)
class ModelJob:
    """Everything a worker needs for one model (picklable)."""

    spec: ModelSpec | BrokenModel
    policy: TierPolicy | None
    run_date: date
    as_of: datetime
    base: Path
    output_dir: Path
    history: str
    on_duplicate: str
    #: The fleet keeps an audit trail: the row carries the inputs' fingerprints and the config.
    audit: bool = False


def run_model(job: ModelJob) -> ModelRow:
    """The model's row. Never raises for the model's own problems."""
    started = datetime.now(timezone.utc)
    t0 = time.perf_counter()
    spec = job.spec
    try:
        if isinstance(spec, BrokenModel):
            return _error_row(job, started, spec.error, ExitCode.USAGE, t0)
        return _run(job, spec, started, t0)
    except DriftError as exc:
        return _error_row(job, started, str(exc), ExitCode.USAGE, t0)
    except Exception as exc:  # noqa: BLE001 - a bug in one model must not stop the others
        detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        return _error_row(
            job, started, f"internal error: {detail}. This is a bug in driftcli; please "
            "report it.", ExitCode.INTERNAL, t0,
        )  # fmt: skip


def _run(job: ModelJob, spec: ModelSpec, started: datetime, t0: float) -> ModelRow:
    from driftcli.config import config_from_mapping
    from driftcli.history import attach, record
    from driftcli.notify import deliver
    from driftcli.notify.config import NotifyConfig
    from driftcli.outputs.prometheus import PrometheusConfig
    from driftcli.outputs.write import check_targets, write_outputs
    from driftcli.run import run_report
    from driftcli.sections.history.config import HistoryConfig

    policy = job.policy
    assert policy is not None
    reference, current = spec.paths(job.run_date, job.base)
    cfg = config_from_mapping(spec.settings, f"{spec.source} (model {spec.name})")
    folder = job.output_dir / spec.name
    outputs = dict(cfg.outputs) or dict(DEFAULT_OUTPUTS)
    if "-" in outputs.values():
        raise ConfigError(
            f"{spec.source}: outputs: a fleet model cannot write to stdout ('-'); give a file "
            "name (written under the model's output folder)"
        )
    targets = [
        (fmt, p if p == "-" or Path(p).is_absolute() else str(folder / p))
        for fmt, p in outputs.items()
    ]
    folder.mkdir(parents=True, exist_ok=True)
    check_targets(targets)
    history = cfg.section(HistoryConfig)
    cfg = cfg.replace(
        history=replace(
            history,
            url=job.history,
            model=spec.name,
            run_key=f"fleet:{job.run_date.isoformat()}",
            on_duplicate=job.on_duplicate,
        ),
        prometheus=PrometheusConfig(spec.name, cfg.section(PrometheusConfig).max_series),
    )
    cfg = attach(cfg, reference, current)
    earlier = _earlier_runs(job, spec.name, cfg.section(HistoryConfig).replaces)
    report = run_report(reference, current, cfg)
    status = report.status.value
    streak = breach_streak(status == "fail", [r["status"] for r in earlier])
    data_end = _data_end(report, current)
    sla = staleness(policy, job.as_of, data_end, report.generated_at.isoformat())
    decision = decide(policy, status, streak, sla.stale)
    notify = cfg.section(NotifyConfig)
    labels = {
        **policy.labels,
        **notify.alert_labels,
        "owner": spec.owner,
        "tier": spec.tier,
        "severity": decision.severity or "warning",
    }
    cfg_labelled = cfg.replace(notify=replace(notify, alert_labels=labels))
    written = dict(targets)
    location = written.get("html") or written.get("json")
    report = deliver(report, cfg_labelled, location, written)
    write_outputs(report, targets)
    record(report, report_location=location)
    shares = [r["drift_share"] for r in reversed(earlier)] + [report.dataset.drift_share]
    return ModelRow.judged(
        spec,
        status,
        streak,
        decision,
        sla,
        _health(report),
        drift_share=report.dataset.drift_share,
        columns_drifted=report.dataset.columns_drifted,
        columns_tested=report.dataset.columns_tested,
        rows_reference=report.reference.rows,
        rows_current=report.current.rows,
        data_end=data_end,
        last_run=_iso(report.generated_at),
        last_success=_iso(report.generated_at),
        duration_seconds=round(time.perf_counter() - t0, 3),
        report=_relative(location, job.output_dir),
        breaches=tuple(report.breaches[:5]),
        area_findings=_area_findings(report),
        trend=tuple(shares[-TREND_RUNS:]),
        failed_deliveries=tuple(
            f"{d.name} ({d.target}): {d.error}" for d in report.deliveries if not d.ok
        ),
        inputs=tuple(_inputs(report)) if job.audit else (),
        config=report.config.to_dict() if job.audit else None,
    )


def _earlier_runs(job: ModelJob, model: str, replaced: int | None) -> list[dict[str, Any]]:
    """The model's earlier runs, newest first, without the one this run replaces."""
    from driftcli.history import open_store

    with open_store(job.history) as store:
        rows = store.latest(model, TREND_RUNS + 1)
    return [r for r in rows if r["id"] != replaced][:TREND_RUNS]


def _area_findings(report: Any) -> dict[str, tuple[str, ...]]:
    """Each section's failing findings (at most 5), by its key; sections without any left out."""
    from driftcli.results.vocabulary import Severity

    out = {}
    for key, section in report.sections.items():
        if section is None:
            continue
        failing = tuple(f.message for f in section.findings() if f.severity is Severity.FAIL)
        if failing:
            out[key] = failing[:5]
    return out


def _health(report: Any) -> dict[str, str]:
    from driftcli.history.capture import health

    return health(report)


def _data_end(report: Any, current: str) -> str | None:
    """The newest data: the current side's time column maximum, else its newest file's
    modification time."""
    tr = report.current.time_range
    if tr is not None and tr.max:
        return str(tr.max)
    from driftcli.history.capture import input_files

    files = input_files(current)
    if not files:
        return None
    newest = max(f["mtime_ns"] for f in files) / 1e9
    return _iso(datetime.fromtimestamp(newest, timezone.utc))


def _iso(t: datetime) -> str:
    return t.astimezone(timezone.utc).replace(microsecond=0).isoformat()


def _relative(path: str | None, base: Path) -> str | None:
    if path is None or path == "-":
        return None
    try:
        return os.path.relpath(path, base)
    except ValueError:  # another drive (Windows)
        return path


def _inputs(report: Any) -> list[Mapping[str, Any]]:
    """What the audit trail records of the inputs (files hashed here, in the worker)."""
    from driftcli.audit import input_fingerprint

    return [
        {"side": side, **input_fingerprint(info.source, rows=info.rows)}
        for side, info in (("reference", report.reference), ("current", report.current))
    ]


def _error_row(
    job: ModelJob, started: datetime, message: str, code: ExitCode, t0: float
) -> ModelRow:
    """The row of a model that could not run, recorded in the history (so the scorecard and
    the staleness SLA know it) when the store works."""
    spec = job.spec
    last_success = None
    stale, reason = False, None
    earlier: list[dict[str, Any]] = []
    try:
        from driftcli.history import record_failure

        key = f"fleet:{job.run_date.isoformat()}"
        earlier = [
            r
            for r in _earlier_runs(job, spec.name, None)
            if not (job.on_duplicate == "replace" and r["run_key"] == key)  # replaced below
        ]
        record_failure(
            job.history,
            spec.name,
            message,
            started_at=started,
            run_key=key,
            on_duplicate=job.on_duplicate,
            exit_code=int(code),
        )
    except DriftError as exc:
        message += f" (and the run was not recorded: {exc})"
    done = [r for r in earlier if r["status"] != "error"]
    if done:
        last_success = done[0]["finished_at"]
    if job.policy is not None:
        sla = staleness(job.policy, job.as_of, None, last_success)
        stale, reason = sla.stale, sla.reason
    return ModelRow.failed(
        spec,
        message,
        int(code),
        health={"staleness": "fail" if stale else "pass"} if job.policy else {},
        stale=stale,
        stale_reason=reason,
        last_run=_iso(datetime.now(timezone.utc)),
        last_success=last_success,
        duration_seconds=round(time.perf_counter() - t0, 3),
        trend=tuple(r["drift_share"] for r in reversed(done[:TREND_RUNS])),
    )
