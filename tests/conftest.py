"""Shared fixtures: small seeded frames written in the formats driftcli reads, and a local
Spark session for the modules that test the Spark engine."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import polars as pl
import pytest

from driftcli import DriftConfig, Report, run_report
from driftcli.engines.spark import java_problem, spark_session

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_REF = ROOT / "sample_data" / "reference.parquet"
SAMPLE_CUR = ROOT / "sample_data" / "current.parquet"


def make_frame(n: int, seed: int, shift: float = 0.0, mobile: float = 0.2) -> pl.DataFrame:
    """A small mixed-kind frame; ``shift`` moves x, ``mobile`` sets a category's share."""
    rng = np.random.default_rng(seed)
    rest = (1 - mobile) / 3
    return pl.DataFrame(
        {
            "id": np.arange(n) + seed * 1_000_000,
            "x": rng.normal(shift, 1.0, n),
            "y": rng.normal(0.0, 1.0, n),
            "channel": rng.choice(
                ["web", "mobile", "branch", "partner"], n, p=[rest, mobile, rest, rest]
            ),
            "flag": rng.random(n) < 0.3,
            "region": rng.choice(["north", "south"], n),
        }
    )


def broken_pair(ref_rows: int, cur_rows: int, nulls: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """A broken pipeline: current's x has a burst of ``nulls`` NaN and y is renamed y_v2."""
    ref = make_frame(ref_rows, 20)
    cur = make_frame(cur_rows, 21)
    x = cur["x"].to_numpy().copy()
    x[:nulls] = np.nan  # a burst of nulls
    return ref, cur.rename({"y": "y_v2"}).with_columns(pl.Series("x", x))


@pytest.fixture(scope="session")
def sample_report() -> Report:
    """The README's sample run (segments by region), shared by the HTML and browser tests."""
    return run_report(SAMPLE_REF, SAMPLE_CUR, DriftConfig(segment_by=("region",)))


@pytest.fixture
def frames() -> tuple[pl.DataFrame, pl.DataFrame]:
    """Reference and current with drift in x and channel, none in y and flag."""
    return make_frame(600, 1), make_frame(500, 2, shift=1.0, mobile=0.6)


@pytest.fixture
def same_frames() -> tuple[pl.DataFrame, pl.DataFrame]:
    """Reference and current from the same distribution."""
    return make_frame(600, 3), make_frame(500, 4)


@pytest.fixture
def parquet_pair(tmp_path: Path, frames: tuple[pl.DataFrame, pl.DataFrame]) -> tuple[Path, Path]:
    """The drifted pair written as Parquet."""
    ref, cur = tmp_path / "ref.parquet", tmp_path / "cur.parquet"
    frames[0].write_parquet(ref)
    frames[1].write_parquet(cur)
    return ref, cur


def _spark_missing() -> str | None:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "PySpark is not installed (pip install 'driftcli[spark]')"
    return java_problem()


def need_spark() -> None:
    """Skip without PySpark or Java; under CI=true fail instead (a broken install must not
    pass as skipped)."""
    problem = _spark_missing()
    if problem is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"the Spark tests cannot run: {problem}")
    pytest.skip(problem)


@pytest.fixture(scope="module")
def spark() -> Iterator[SparkSession]:
    """One local session for the module (the engine reuses it as the active session)."""
    need_spark()
    session = spark_session()
    yield session
    session.stop()
