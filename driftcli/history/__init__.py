"""Run history: every run remembered in a SQLite or PostgreSQL store.

For Python callers, what ``drift report --history URL`` does::

    from driftcli import DriftConfig, run_report
    from driftcli.history import attach, record
    from driftcli.sections.history.config import HistoryConfig

    config = DriftConfig(history=HistoryConfig(url="sqlite:///drift-history.db", model="churn"))
    config = attach(config, "ref.parquet", "cur.parquet")  # stored runs, duplicate check
    report = run_report("ref.parquet", "cur.parquet", config)  # rules across runs, trends
    run_id = record(report)                                      # one transaction

:func:`attach` reads the model's last runs into the ``[history]`` table (the run history
section computes its trends and rules from them) and refuses a batch stored before (unless
``on_duplicate`` says otherwise); :func:`record` appends the finished run.

The package loads lazily (``drift history --help`` imports ``driftcli.history.cli``, hence this
package): the functions import what they use, and the names below load on first use.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from driftcli._lazy import lazy_names

if TYPE_CHECKING:
    from driftcli.config import DriftConfig
    from driftcli.history.runs import HistoryStore, open_store
    from driftcli.history.store import (
        SCHEMA_VERSION,
        DuplicateRunError,
        HistoryError,
        HistoryStoreError,
    )
    from driftcli.results.report import Report

#: The re-exported names and their modules, imported on first use (PEP 562).
_LAZY = {
    "HistoryStore": "driftcli.history.runs",
    "open_store": "driftcli.history.runs",
    "SCHEMA_VERSION": "driftcli.history.store",
    "DuplicateRunError": "driftcli.history.store",
    "HistoryError": "driftcli.history.store",
    "HistoryStoreError": "driftcli.history.store",
}

__all__ = [
    "SCHEMA_VERSION",
    "DuplicateRunError",
    "HistoryError",
    "HistoryStore",
    "HistoryStoreError",
    "attach",
    "default_model",
    "mark_unavailable",
    "open_store",
    "record",
    "record_failure",
]


__getattr__, __dir__ = lazy_names(_LAZY, __all__, globals())


def default_model(config: DriftConfig) -> str:
    """The model runs are filed under without ``model``: the config file's stem
    (``churn.toml`` -> ``churn``; a pyproject.toml's folder name), else ``default``."""
    if config.origin is None:
        return "default"
    p = Path(config.origin)
    return p.resolve().parent.name or "default" if p.name == "pyproject.toml" else p.stem


def attach(config: DriftConfig, reference: object, current: object) -> DriftConfig:
    """``config`` with the history store's runs loaded for this run; unchanged without a store.

    Raises DuplicateRunError when the model already has a run with this run key (or these
    input files) and ``on_duplicate`` is ``refuse``; HistoryStoreError when the store cannot
    be opened or read.
    """
    from driftcli.sections.history.config import HistoryConfig, mask_url

    h = config.section(HistoryConfig)
    if h.url is None:
        return config  # and the store's modules stay unloaded
    from driftcli.history.capture import fingerprint
    from driftcli.history.runs import open_store
    from driftcli.history.store import DuplicateRunError

    model = h.model or default_model(config)
    fp = fingerprint(reference, current)
    key = h.run_key or fp
    with open_store(h.url) as store:
        found = store.find_run(model, key) if key and h.on_duplicate != "append" else None
        if found is not None and h.on_duplicate == "refuse":
            what = f"run key {h.run_key!r}" if h.run_key else "the same input files"
            raise DuplicateRunError(
                f"history store {mask_url(h.url)}: model {model!r} already has a run for "
                f"{what} (run {found}); pass --on-duplicate replace to replace it, "
                "--on-duplicate append to keep both, or a new --run-key"
            )
        past = store.past_runs(model, h.needed_runs + 1)
    table = replace(h, model=model, past=past, fingerprint=fp, replaces=found)
    return config.replace(history=table)


def mark_unavailable(config: DriftConfig, error: BaseException) -> DriftConfig:
    """``config`` with the history store marked unavailable: the run goes on, its rules
    across runs are not evaluated and the report says why."""
    from driftcli.sections.history.config import HistoryConfig

    h = config.section(HistoryConfig)
    model = h.model or default_model(config)
    return config.replace(history=replace(h, model=model, past=(), unavailable=str(error)))


def record(
    report: Report,
    url: str | None = None,
    *,
    model: str | None = None,
    run_key: str | None = None,
    on_duplicate: str | None = None,
    reference: object = None,
    current: object = None,
    report_location: str | None = None,
) -> int:
    """Append a finished run to the history store; its run id.

    Without arguments the settings come from the report's ``[history]`` table (as
    :func:`attach` left them). ``reference``/``current`` (paths) give the input fingerprint
    when :func:`attach` did not run.
    """
    from driftcli.config import DriftConfig
    from driftcli.history.capture import capture, fingerprint
    from driftcli.history.runs import open_store
    from driftcli.history.store import HistoryError
    from driftcli.sections.history.config import HistoryConfig

    cfg = report.config
    h = cfg.section(HistoryConfig) if isinstance(cfg, DriftConfig) else HistoryConfig()
    url = url or h.url
    if url is None:
        raise HistoryError("no history store: pass a URL (e.g. sqlite:///drift-history.db)")
    if model is None:
        model = h.model or (default_model(cfg) if isinstance(cfg, DriftConfig) else "default")
    fp = h.fingerprint
    if fp is None and reference is not None and current is not None:
        fp = fingerprint(reference, current)
    mode = on_duplicate or h.on_duplicate
    rec = capture(
        report, model, run_key=run_key or h.run_key, fp=fp, report_location=report_location
    )
    with open_store(url) as store:
        return store.append(rec, mode)


def record_failure(
    url: str,
    model: str,
    error: str,
    *,
    started_at: datetime,
    run_key: str | None = None,
    on_duplicate: str = "refuse",
    exit_code: int = 2,
) -> int:
    """Append a run that did not complete (an input or config error): status ``error``, the
    message as its failing finding, no results. What a fleet records for a broken model, so
    its scorecard and staleness know the last completed run."""
    from driftcli._version import __version__
    from driftcli.history.capture import RunRecord
    from driftcli.history.runs import open_store

    now = datetime.now(timezone.utc).replace(microsecond=0)
    rec = RunRecord(
        model=model,
        started_at=started_at.astimezone(timezone.utc).replace(microsecond=0).isoformat(),
        finished_at=now.isoformat(),
        data_start=None,
        data_end=None,
        status="error",
        exit_code=exit_code,
        driftcli_version=__version__,
        config_hash="",
        fingerprint=None,
        inputs="[]",
        n_reference=0,
        n_current=0,
        run_key=run_key,
        columns=(),
        datasets=(),
        metrics=(),
        findings=(("fail", error),),
    )
    with open_store(url) as store:
        return store.append(rec, on_duplicate)
