"""Run every model of a fleet, a bounded number at once, each in its own process.

For Python callers, what ``drift fleet run fleet.toml`` does::

    from driftcli.fleet import load_fleet, run_fleet, write_fleet_outputs

    fleet = load_fleet("fleet.toml")
    result = run_fleet(fleet, run_date=date(2026, 11, 28))
    write_fleet_outputs(result, fleet)
    print(result.exit_code)
"""

from __future__ import annotations

import contextlib
import dataclasses
import multiprocessing
import os
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from datetime import date, datetime, timedelta, timezone
from datetime import time as dtime

from driftcli.errors import ConfigError, DriftError
from driftcli.exitcodes import ExitCode
from driftcli.fleet.config import BrokenModel, Fleet, ModelSpec
from driftcli.fleet.result import FleetResult, ModelRow
from driftcli.fleet.worker import ModelJob, run_model

#: Called with each finished row and (done, total), for a progress line.
FleetProgress = Callable[[ModelRow, int, int], None]


def as_of_time(run_date: date | None, now: datetime | None = None) -> tuple[date, datetime]:
    """The run date and the moment staleness is measured at: now for today's run (the
    default), the end of the day (midnight UTC after it) for a given earlier date."""
    now = now or datetime.now(timezone.utc)
    if run_date is None or run_date >= now.date():
        return (run_date or now.date()), now
    return run_date, datetime.combine(run_date + timedelta(days=1), dtime(), timezone.utc)


@contextlib.contextmanager
def _worker_env(threads: int) -> Iterator[None]:
    """Environment the worker processes start with: Polars and BLAS limited to their share of
    the cores, so N models at once do not each start a thread per core."""
    keys = ("POLARS_MAX_THREADS", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS")
    saved = {k: os.environ.get(k) for k in keys}
    for k in keys:
        os.environ.setdefault(k, str(threads))
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def jobs(fleet: Fleet, run_date: date, as_of: datetime) -> list[ModelJob]:
    """One job per model (the broken ones too: each becomes its error row), by name."""
    specs: list[ModelSpec | BrokenModel] = [*fleet.models, *fleet.broken]
    return [
        ModelJob(
            spec=spec,
            policy=fleet.tiers.get(spec.tier),
            run_date=run_date,
            as_of=as_of,
            base=fleet.base,
            output_dir=fleet.output_dir,
            history=fleet.history,
            on_duplicate=fleet.on_duplicate,
            audit=fleet.audit is not None,
        )
        for spec in sorted(specs, key=lambda s: s.name)
    ]


def _crashed(job: ModelJob, exc: BaseException) -> ModelRow:
    why = (
        f"the worker process running this model died ({type(exc).__name__}); it may have run "
        "out of memory: lower [fleet] parallel"
        if isinstance(exc, BrokenProcessPool)
        else f"internal error: {type(exc).__name__}: {exc}. This is a bug in driftcli; please "
        "report it."
    )
    return ModelRow.failed(job.spec, why, int(ExitCode.INTERNAL))


def run_fleet(
    fleet: Fleet,
    run_date: date | None = None,
    *,
    parallel: int | None = None,
    progress: FleetProgress | None = None,
    now: datetime | None = None,
) -> FleetResult:
    """Run every model of ``fleet`` for ``run_date`` (default today, UTC), at most
    ``parallel`` at once (default the fleet's ``parallel``); the rows sorted by model name.

    ``parallel = 1`` runs the models one after another in this process. Each model's outputs
    and history row are written by its worker; the audit trail (when the fleet has one) gets
    one record per model and one for the fleet, appended here.
    """
    if not fleet.models and not fleet.broken:
        raise ConfigError(f"{fleet.path}: no models to run")
    day, as_of = as_of_time(run_date, now)
    work = jobs(fleet, day, as_of)
    workers = max(1, min(parallel or fleet.parallel, len(work)))
    t0 = time.perf_counter()
    rows: list[ModelRow] = []

    audit_errors: list[str] = []

    def audited(append: Callable[[], None]) -> None:
        """Append to the audit trail unless it already failed; a failure is kept for the
        result (exit 2 after every model ran and the outputs are written)."""
        if fleet.audit is None or audit_errors:
            return
        try:
            append()
        except DriftError as exc:
            audit_errors.append(f"audit trail {fleet.audit}: {exc}")

    def done(row: ModelRow) -> None:
        rows.append(row)
        audited(lambda: _audit_model(fleet, row))
        if progress is not None:
            progress(row, len(rows), len(work))

    notices: list[str] = []
    fleet.output_dir.mkdir(parents=True, exist_ok=True)
    if workers == 1:
        for job in work:
            done(run_model(job))
    else:
        threads = max(1, (os.cpu_count() or 1) // workers)
        with _worker_env(threads):
            lost = _pooled(work, workers, done)
            if lost:
                # A worker died (the OOM killer, a signal, a crash in native code) and took the
                # pool with it. Which model killed it is unknown: rerun each model that had not
                # finished alone, in a fresh process, so only a model that dies again loses
                # its row.
                notices.append(
                    f"a worker process died; {len(lost)} model(s) that had not finished were "
                    f"rerun one at a time: {', '.join(j.spec.name for j in lost)}"
                )
                for job in lost:
                    if _pooled([job], 1, done):
                        done(_crashed(job, BrokenProcessPool()))
    result = FleetResult(
        name=fleet.name,
        fleet_file=str(fleet.path),
        run_date=day.isoformat(),
        generated_at=datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
        rows=tuple(sorted(rows, key=lambda r: r.name)),
        duration_seconds=round(time.perf_counter() - t0, 3),
        parallel=workers,
        tiers=[t.to_dict() for t in fleet.tiers.values()],
    )
    audited(lambda: _audit_fleet(fleet, result))
    if audit_errors:
        result = dataclasses.replace(result, audit_error=audit_errors[0])
    return dataclasses.replace(result, notices=tuple(notices))


def _pooled(
    work: Sequence[ModelJob], workers: int, done: Callable[[ModelRow], None]
) -> list[ModelJob]:
    """Run ``work`` in a pool of ``workers`` spawned processes, calling ``done`` with each
    row; the jobs lost because a worker process died (the pool is then broken)."""
    lost: list[ModelJob] = []
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=ctx) as pool:
        futures: dict[Future[ModelRow], ModelJob] = {pool.submit(run_model, j): j for j in work}
        for fut in as_completed(futures):
            try:
                row = fut.result()
            except BrokenProcessPool:
                lost.append(futures[fut])
                continue
            except Exception as exc:  # noqa: BLE001 - a bug: that model's row, not the fleet
                row = _crashed(futures[fut], exc)
            done(row)
    return sorted(lost, key=lambda j: j.spec.name)


def _audit_model(fleet: Fleet, row: ModelRow) -> None:
    from driftcli.audit import append, run_record

    assert fleet.audit is not None
    verdict = {
        "status": row.status,
        "state": row.state,
        "breaches": list(row.breaches),
        "escalated": row.escalated,
        "stale": row.stale,
        "fails_job": row.fails_job,
    }
    extra = {"fleet": fleet.name, "tier": row.tier, "owner": row.owner}
    append(
        fleet.audit,
        run_record(
            command="fleet run",
            exit_code=row.exit_code,
            model=row.name,
            config=row.config,
            inputs=row.inputs,
            verdict=verdict,
            error=row.error,
            extra=extra,
        ),
    )


def _audit_fleet(fleet: Fleet, result: FleetResult) -> None:
    """The fleet's own record: its file's hash as the config, the counts as the verdict."""
    import hashlib

    from driftcli.audit import append, run_record

    assert fleet.audit is not None
    failed = [r.name for r in result.rows if r.exit_code]
    append(
        fleet.audit,
        run_record(
            command="fleet run",
            exit_code=int(result.exit_code),
            config={"fleet_file_sha256": hashlib.sha256(fleet.path.read_bytes()).hexdigest()},
            verdict={"counts": result.counts(), "jobs_failed_by": failed},
            extra={"fleet": fleet.name, "run_date": result.run_date, "models": len(result.rows)},
        ),
    )
