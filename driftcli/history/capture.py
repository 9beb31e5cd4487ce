"""A Report as the rows the history store keeps: the run, its results, metrics and findings."""

from __future__ import annotations

import glob
import hashlib
import json
import os
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from driftcli.results.report import Report
from driftcli.sections.history.result import HistorySection
from driftcli.sections.performance.result import PerformanceSection

OVERALL = "overall"


@dataclass(frozen=True)
class RunRecord:
    """One run, ready to insert (see the tables in :mod:`driftcli.history.store`)."""

    model: str
    started_at: str
    finished_at: str
    data_start: str | None
    data_end: str | None
    status: str
    exit_code: int
    driftcli_version: str
    config_hash: str
    fingerprint: str | None
    inputs: str  # JSON
    n_reference: int
    n_current: int
    run_key: str | None
    columns: tuple[
        tuple[Any, ...], ...
    ]  # scope, col, test, status, statistic, p, threshold, score, drifted
    datasets: tuple[tuple[Any, ...], ...]  # scope, tested, drifted, share, drifted
    metrics: tuple[tuple[Any, ...], ...]  # scope, name, value
    findings: tuple[tuple[str, str], ...]  # severity, message
    #: Outcome by area: {"drift": "fail", "performance": "pass", ...} (JSON); None for a run
    #: that did not complete.
    health: str | None = None
    #: Where the run's report was written (its HTML, else JSON), when known.
    report: str | None = None


def input_files(source: str) -> list[dict[str, Any]]:
    """The files behind a source (a file, a folder or a glob) with size and mtime; [] when it
    names none (a data frame, an URL)."""
    p = Path(source)
    if p.is_file():
        files = [p]
    elif p.is_dir():
        files = sorted(x for x in p.rglob("*") if x.is_file())
    else:
        files = sorted(Path(x) for x in glob.glob(source, recursive=True) if os.path.isfile(x))
    out = []
    for f in files:
        st = f.stat()
        out.append({"path": str(f.resolve()), "size": st.st_size, "mtime_ns": st.st_mtime_ns})
    return out


def fingerprint(reference: object, current: object) -> str | None:
    """A hash of both inputs' files (path, size, modification time); None unless both are
    paths naming files. Same files untouched -> same fingerprint: the batch was seen."""
    if not isinstance(reference, (str, os.PathLike)) or not isinstance(current, (str, os.PathLike)):
        return None
    ref, cur = input_files(os.fspath(reference)), input_files(os.fspath(current))
    if not ref or not cur:
        return None
    text = json.dumps({"reference": ref, "current": cur}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def config_hash(report: Report) -> str:
    """A hash of the run's effective config (the history settings left out)."""
    echo = {k: v for k, v in report.config.to_dict().items() if k != "history"}
    text = json.dumps(echo, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def health(report: Report) -> dict[str, str]:
    """The run's outcome by area: ``drift`` (fail: the data or a segment has dataset drift;
    warn: some column drifted; else pass), then each section's outcome by its key."""
    scopes = [report.dataset] + [s.dataset for s in report.segments]
    if any(d is not None and d.drifted for d in scopes):
        drift = "fail"
    elif report.drifted_columns:
        drift = "warn"
    else:
        drift = "pass"
    out = {"drift": drift}
    out.update({key: s.outcome.value for key, s in report.sections.items() if s is not None})
    return out


def _iso(t: datetime) -> str:
    return t.astimezone(timezone.utc).replace(microsecond=0).isoformat()


def capture(
    report: Report,
    model: str,
    *,
    run_key: str | None = None,
    fp: str | None = None,
    exit_code: int | None = None,
    report_location: str | None = None,
) -> RunRecord:
    """The rows of one run."""
    finished = report.generated_at
    started = finished - timedelta(seconds=report.duration or 0.0)
    history = report.section(HistorySection)
    time_range = report.current.time_range
    data_start = history.data_start if history else time_range.min if time_range else None
    data_end = history.data_end if history else time_range.max if time_range else None
    columns: list[tuple[Any, ...]] = []
    datasets: list[tuple[Any, ...]] = []
    scopes = [(OVERALL, report.columns, report.dataset)] + [
        (s.label, s.columns, s.dataset) for s in report.segments
    ]
    for scope, cols, dataset in scopes:
        for c in cols:
            columns.append(
                (
                    scope,
                    c.column,
                    c.test,
                    c.status.value,
                    c.statistic,
                    c.pvalue_adjusted if c.pvalue_adjusted is not None else c.pvalue,
                    c.threshold,
                    c.drift_score,
                    int(c.drifted),
                )
            )
        if dataset is not None:
            datasets.append(
                (
                    scope,
                    dataset.columns_tested,
                    dataset.columns_drifted,
                    dataset.drift_share,
                    int(dataset.drifted),
                )
            )
    metrics: list[tuple[Any, ...]] = []
    perf = report.section(PerformanceSection)
    if perf is not None:
        for sp in (perf.overall, *perf.segments):
            if sp.comparison is not None:
                metrics += [
                    (sp.scope, name, value) for name, value in sp.comparison.current.metrics.items()
                ]
    inputs = [
        {"side": side, "source": info.source, "rows": info.rows, "files": input_files(info.source)}
        for side, info in (("reference", report.reference), ("current", report.current))
    ]
    return RunRecord(
        model=model,
        started_at=_iso(started),
        finished_at=_iso(finished),
        data_start=data_start,
        data_end=data_end,
        status=report.status.value,
        exit_code=int(report.exit_code if exit_code is None else exit_code),
        driftcli_version=report.driftcli_version,
        config_hash=config_hash(report),
        fingerprint=fp,
        inputs=json.dumps(inputs, sort_keys=True),
        n_reference=report.reference.rows,
        n_current=report.current.rows,
        run_key=run_key,
        columns=tuple(columns),
        datasets=tuple(datasets),
        metrics=tuple(metrics),
        findings=tuple(("fail", m) for m in report.breaches)
        + tuple(("warn", m) for m in report.warnings),
        health=json.dumps(health(report), sort_keys=True),
        report=report_location,
    )
