"""Shared by the history tests: synthetic runs, a CLI runner, the sample split by day."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import polars as pl
from typer.testing import CliRunner, Result

from driftcli.cli import app
from driftcli.history.capture import RunRecord

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_REF = ROOT / "sample_data" / "reference.parquet"
SAMPLE_CUR = ROOT / "sample_data" / "current.parquet"
DAYS = ("2025-03-26", "2025-03-27", "2025-03-28")

runner = CliRunner()


def invoke(*args: str) -> Result:
    """``drift ARGS`` in process."""
    return runner.invoke(app, list(args))


def sqlite_url(path: Path) -> str:
    """``sqlite:////abs/path`` for an absolute path."""
    return f"sqlite:///{path}"


def synthetic_run(
    model: str = "m", i: int = 0, columns: int = 5, key: str | None = None
) -> RunRecord:
    """A small run with ``columns`` column results (statistic = i / 100, every other drifted)."""
    cols = tuple(
        ("overall", f"c{j}", "ks", "drift" if j % 2 else "ok", i / 100, 0.01, 0.05, 0.5, j % 2)
        for j in range(columns)
    )
    now = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
    return RunRecord(
        model=model,
        started_at=now,
        finished_at=now,
        data_start=None,
        data_end=None,
        status="pass",
        exit_code=0,
        driftcli_version="test",
        config_hash="h",
        fingerprint=key,
        inputs=json.dumps([]),
        n_reference=100,
        n_current=100,
        run_key=None,
        columns=cols,
        datasets=(("overall", columns, columns // 2, (columns // 2) / columns, 0),),
        metrics=(("overall", "accuracy", 0.9),),
        findings=(("warn", f"run {i}"),),
    )


def split_sample_by_day(folder: Path) -> list[Path]:
    """The sample's current data of the last three days, one Parquet file per day."""
    cur = pl.read_parquet(SAMPLE_CUR)
    out = []
    for day in DAYS:
        path = folder / f"current-{day}.parquet"
        cur.filter(pl.col("event_time").dt.date() == pl.lit(day).str.to_date()).write_parquet(path)
        out.append(path)
    return out


def three_day_config(folder: Path, url: str) -> Path:
    """README's example (sample_data/history.toml: dataset drift share above 0.3 for 3
    consecutive daily runs), its store moved to ``url``."""
    text = (ROOT / "sample_data" / "history.toml").read_text(encoding="utf-8")
    path = folder / "loans.toml"
    path.write_text(text.replace("sqlite:///drift-history.db", url), encoding="utf-8")
    return path
