"""``drift report --engine spark`` in partitions (``DRIFT_SPARK_COMPUTE=partitions``) against
the local engine: the same report, where no task holds a column.

Each case writes seeded data into tmp_path and runs ``run_report`` with ``engine="polars"``
and with the Spark engine in partitions. Everything counted or categorical is equal (``==``):
counts, kinds, categories, quantiles, bins, every categorical test, verdicts, the integrity
checks; a float that the sorted pass sums in partition order (standard deviations, the
numeric tests' statistics and p-values) is within 1e-12 relative of the local one, and a
mean within 1e-12 of its column's scale (``|mean| + std``: a mean near zero cancels digits
in any order of summation). A fixture makes any read of a whole column to the driver fail.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl
import pytest

from driftcli import DriftConfig, InputError, run_report
from driftcli.config import load_config
from driftcli.engines.registry import register_engine, unregister_engine
from driftcli.engines.spark import SparkEngine, SparkSource
from driftcli.outputs.json import to_dict
from tests.conftest import ROOT, SAMPLE_CUR, SAMPLE_REF, broken_pair, make_frame, need_spark
from tests.test_conformance import comparable
from tests.test_spark import mixed

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

RELATIVE = 1e-12


def mean_close(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """A side summary's means within RELATIVE of the column's scale (``|mean| + std``): a
    mean near zero cancels its digits in any order of summation (0.00025 of values spread
    over 1 kept 1.3e-12 relative between two orders, 3e-16 of its scale)."""
    x, y, std = a.get("mean"), b.get("mean"), a.get("std")
    if not (isinstance(x, float) and isinstance(y, float) and isinstance(std, float)):
        return False
    return abs(x - y) <= RELATIVE * (abs(x) + std)


def close(a: Any, b: Any, path: str = "") -> list[str]:
    """Where two JSON values differ: floats beyond RELATIVE (means of the column's scale),
    anything else at all."""
    if isinstance(a, dict) and isinstance(b, dict):
        keys = [k for k in {**a, **b} if not (k == "mean" and mean_close(a, b))]
        return [d for k in keys for d in close(a.get(k), b.get(k), f"{path}.{k}")]
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [
            d
            for i, (x, y) in enumerate(zip(a, b, strict=True))
            for d in close(x, y, f"{path}[{i}]")
        ]
    if isinstance(a, float) and isinstance(b, float) and math.isclose(a, b, rel_tol=RELATIVE):
        return []
    return [] if a == b else [f"{path}: {a!r} != {b!r}"]


@pytest.fixture(scope="module")
def partitions(spark: SparkSession) -> Iterator[str]:
    """The Spark engine in partitions, registered under its own name."""
    register_engine("spark-partitions", lambda: SparkEngine(compute="partitions"))
    yield "spark-partitions"
    unregister_engine("spark-partitions")


@pytest.fixture
def no_column_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail any read of columns to the driver (the only driver read allowed is none)."""

    def refuse(self: SparkSource, columns: list[str]) -> pl.DataFrame:
        if columns:
            raise AssertionError(f"columns {columns} read to the driver")
        from driftcli.engines.base import rows_frame

        return rows_frame(self.rows())

    monkeypatch.setattr(SparkSource, "read", refuse)


def same_report(
    ref: Path, cur: Path, engine: str, config: DriftConfig | None = None
) -> dict[str, Any]:
    """Assert the partitions report equals the local one (floats to RELATIVE); return it."""
    local = comparable(to_dict(run_report(ref, cur, config, engine="polars")))
    remote = to_dict(run_report(str(ref), str(cur), config, engine=engine))
    assert close(comparable(remote), local) == []
    assert remote["engine"]["compared_on"] == "partitions"
    return remote


def config_of(tmp: Path, text: str) -> DriftConfig:
    """The config a TOML ``text`` gives, as ``--config`` reads it (written into ``tmp``)."""
    toml = tmp / "drift.toml"
    toml.write_text(text)
    return load_config(toml)


def kinds(n: int, seed: int, current: bool) -> pl.DataFrame:
    """test_spark's every kind (without its segment column), with infinities, repeating ids,
    Float32, a constant and an all-null column, and dates written as text."""
    rng = np.random.default_rng(seed + 100)
    frame = mixed(n, seed, current).drop("region")
    amount = frame["amount"].to_numpy().copy()
    amount[rng.random(n) < 0.01] = np.inf
    ids = frame["id"].to_numpy().copy()
    if current:
        ids[:5] = ids[5:10]  # ids repeat in current
    month = 2 if current else 1
    return frame.with_columns(
        pl.Series("id", ids),
        pl.Series("amount", amount).scatter(frame["amount"].is_null().arg_true(), None),
        pl.Series("small", rng.normal(0, 1, n), dtype=pl.Float32),
        pl.Series("same", np.full(n, 2.5)),
        pl.Series("empty", [None] * n, dtype=pl.Float64),
        pl.Series("when", [f"2024-0{month}-{1 + d:02d}" for d in rng.integers(0, 28, n)]),
    )


def write(tmp: Path, ref: pl.DataFrame, cur: pl.DataFrame) -> tuple[Path, Path]:
    paths = tmp / "ref.parquet", tmp / "cur.parquet"
    ref.write_parquet(paths[0])
    cur.write_parquet(paths[1])
    return paths


@pytest.mark.parametrize("rows", [400, 12_000])  # small sides gathered, then partitions
def test_every_kind_equals_the_local_report(
    partitions: str, no_column_reads: None, tmp_path: Path, rows: int
) -> None:
    ref, cur = write(tmp_path, kinds(rows, 1, False), kinds(int(rows * 0.9), 2, True))
    got = same_report(ref, cur, partitions)
    columns = {c["column"]: c for c in got["columns"]}
    assert columns["x"]["status"] == "drift"
    assert columns["id"]["kind"] == "id" and columns["when"]["kind"] == "datetime"
    tripped = {(f["check"], f["column"]) for f in got["integrity"]["findings"]}
    assert {("new_categories", "channel"), ("id_unique", "id")} <= tripped


def test_a_broken_pipeline_and_duplicate_rows(
    partitions: str, no_column_reads: None, tmp_path: Path
) -> None:
    ref, cur = broken_pair(3000, 2500, 900)
    cur = pl.concat([cur, cur.head(400)])  # duplicate rows
    got = same_report(*write(tmp_path, ref, cur), partitions)
    tripped = {(f["check"], f["column"]) for f in got["integrity"]["findings"]}
    assert ("missing_column", "y") in tripped and ("nulls", "x") in tripped
    assert ("duplicates", None) in tripped


def test_distinct_integers_in_file_order_are_ids(
    partitions: str, no_column_reads: None, tmp_path: Path
) -> None:
    """All-distinct integers spread far apart are ids when they rise (or fall) in file order
    and numbers otherwise, as the local inference says: the executors read each file split's
    order, and the driver joins the splits in the files' order (three files a side)."""
    rng = np.random.default_rng(9)

    def side(n: int, seed: int) -> pl.DataFrame:
        draws = np.random.default_rng(seed).choice(10**12, n, replace=False)
        ordered = np.sort(draws)
        # each file's values rise, but the files go down: not monotone (other values than
        # "shuffled": equal statistics would order the columns by rounding)
        other = np.sort(np.random.default_rng(seed + 50).choice(10**11, n, replace=False))
        blocks = np.concatenate([other[k : k + 4000] for k in reversed(range(0, n, 4000))])
        return pl.DataFrame(
            {
                "rising": ordered,
                "falling": ordered[::-1].copy(),
                "blocks": blocks,
                "shuffled": draws,
                "x": rng.normal(0, 1, n),
            }
        )

    folders = []
    for name, frame in (("ref", side(12_000, 1)), ("cur", side(11_000, 2))):
        folder = tmp_path / name
        folder.mkdir()
        for k, part in enumerate(frame.iter_slices(4000)):
            part.write_parquet(folder / f"part-{k}.parquet")
        folders.append(folder)
    got = same_report(folders[0], folders[1], partitions)
    kind = {c["column"]: c["kind"] for c in got["columns"]}
    assert kind == {
        "rising": "id",
        "falling": "id",
        "blocks": "numeric",
        "shuffled": "numeric",
        "x": "numeric",
    }


def test_segments_missing_small_and_tested(partitions: str, tmp_path: Path) -> None:
    """Each segment is its rows filtered on Spark and compared in partitions; a segment
    missing on one side and one too small are reported as locally."""
    rng = np.random.default_rng(5)

    def side(n: int, seed: int, regions: list[str], shift: float) -> pl.DataFrame:
        frame = kinds(n, seed, shift > 0).drop("id", "when", "day", "ts")
        region = rng.choice(regions, n)
        region[:8] = "tiny"  # too small for min_segment_rows on both sides
        x = frame["x"].to_numpy() + np.where(region == "north", shift, 0.0)
        return frame.with_columns(pl.Series("region", region), pl.Series("x", x))

    ref = side(3000, 1, ["north", "south", "east"], 0.0)
    cur = side(2600, 2, ["north", "south", "west"], 0.8)
    got = same_report(*write(tmp_path, ref, cur), partitions, DriftConfig(segment_by=("region",)))
    status = {s["segment"]["region"]: s["status"] for s in got["segments"]}
    assert status == {
        "east": "missing_current",
        "north": "tested",
        "south": "tested",
        "tiny": "too_small",
        "west": "missing_reference",
    }


@pytest.fixture
def only_time_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail any read to the driver of a column other than the time and segment columns
    (``ts``, ``region``)."""
    read = SparkSource.read

    def only_shared(self: SparkSource, columns: list[str]) -> pl.DataFrame:
        if set(columns) - {"ts", "region"}:
            raise AssertionError(f"columns {columns} read to the driver")
        return read(self, columns)

    monkeypatch.setattr(SparkSource, "read", only_shared)


@pytest.mark.parametrize("clock", ["naive", "Europe/Berlin", "text, month first"])
def test_windows_and_segments_equal_the_local_report(
    partitions: str, only_time_read: None, tmp_path: Path, clock: str
) -> None:
    """Drift over time in partitions: the current's time column comes to the driver, which
    splits the windows; the executors give each row its window (the same parse and
    truncation) and every window is a group of each column's one sort, beside the segments.
    A day with few rows is too small; rows without a time are in no window."""

    def side(n: int, seed: int, current: bool) -> pl.DataFrame:
        frame = mixed(n, seed, current).drop("id", "day")
        if current:  # 2024-03-10 keeps 1 row in 20: too small a window
            sparse = (pl.col("ts").dt.day() == 10) & (pl.int_range(pl.len()) % 20 != 0)
            frame = frame.filter(~sparse)
        ts = frame["ts"].scatter(list(range(0, frame.height, 97)), None)
        if clock == "Europe/Berlin":
            ts = ts.dt.replace_time_zone(clock)
        elif clock.startswith("text"):
            ts = ts.dt.to_string("%m/%d/%Y %H:%M")  # 03/14/2024: read month first
        return frame.with_columns(ts.alias("ts"))

    ref, cur = write(tmp_path, side(12_000, 1, False), side(11_000, 2, True))
    config = config_of(
        tmp_path,
        'segment_by = ["region"]\ntime_column = "ts"\nwindow = "1d"\n'
        "[windows]\nmax_drift_share = 0.3\nconsecutive = 2\n",
    )
    got = same_report(ref, cur, partitions, config)
    windows = got["windows"]["windows"]
    statuses = [w["status"] for w in windows]
    assert len(windows) == 28 and statuses.count("too_small") == 1
    assert windows[9]["status"] == "too_small" and windows[9]["label"] == "2024-03-10"
    assert got["windows"]["rows_without_time"] > 0
    assert {s["status"] for s in got["segments"]} == {"tested"}


def test_a_batch_of_text_times_all_null_gets_no_window() -> None:
    """A task's batch whose text times are all null parses as naive datetimes, while the
    column's windows start in UTC (text with offsets): its rows get no window, no error."""
    import pyarrow as pa

    from driftcli.engines.partitioned import _Tagger, _TimeTags

    starts = pl.DataFrame(
        {"t": pl.Series(["2024-03-01T00:00:00Z"]).str.to_datetime(), "__window": [0]}
    ).with_columns(pl.col("__window").cast(pl.Int32))
    tags = _TimeTags("ts", "1d", None, None, starts)
    tagger = _Tagger([], {}, None, tags, "x")
    batches = [
        pa.RecordBatch.from_pydict({"v": [1.0, 2.0], "t": ["2024-03-01T05:00:00Z", None]}),
        pa.RecordBatch.from_pydict({"v": [3.0], "t": pa.array([None], pa.string())}),
    ]
    got = [b.column(2).to_pylist() for b in tagger(iter(batches))]
    assert got == [[0, -1], [-1]]


def test_a_model_whose_sections_run_on_the_driver(partitions: str, tmp_path: Path) -> None:
    """The model's columns come to the driver, where performance runs as in the other modes;
    every column is compared in partitions."""

    def side(n: int, seed: int, worse: bool) -> pl.DataFrame:
        rng = np.random.default_rng(seed)
        f1, f2 = rng.normal(0, 1, n), rng.normal(0.3 if worse else 0.0, 1, n)
        target = (f1 + 0.5 * f2 + rng.normal(0, 1.2 if worse else 0.6, n)) > 0
        score = 1 / (1 + np.exp(-(f1 + 0.5 * f2)))
        return pl.DataFrame(
            {"f1": f1, "f2": f2, "target": target.astype(np.int64), "score": score}
        ).with_columns(prediction=(pl.col("score") > 0.5).cast(pl.Int64))

    ref, cur = write(tmp_path, side(2000, 5, False), side(1800, 6, True))
    config = config_of(
        tmp_path,
        '[model]\ntarget = "target"\nprediction = "prediction"\nscore = "score"\n'
        '[[model.rules]]\nmetric = "accuracy"\nmax_drop = 0.02\nseverity = "fail"\n',
    )
    got = same_report(ref, cur, partitions, config)
    assert got["performance"] and got["status"] == "fail"


@pytest.mark.parametrize("rows", [3000, 24_000])  # chunks gathered, then in partitions
def test_thresholds_learned_from_reference_periods(
    partitions: str, tmp_path: Path, rows: int
) -> None:
    """threshold = "auto" with chunks by period: each day of the reference against the rest
    is a group of each column's sort (its chunk tagged by the executors, as chunk_ids
    buckets it), for the whole data and learned again in each segment."""

    def side(n: int, seed: int, current: bool) -> pl.DataFrame:
        frame = mixed(n, seed, current).drop("id", "day", "note")
        ts = frame["ts"].scatter(list(range(0, n, 101)), None)  # rows in no chunk
        return frame.with_columns(ts.dt.to_string("%Y-%m-%dT%H:%M:%S").alias("ts"))

    ref, cur = write(tmp_path, side(rows, 1, False), side(rows * 9 // 10, 2, True))
    config = config_of(
        tmp_path,
        'threshold = "auto"\nsegment_by = ["region"]\n'
        '[auto_threshold]\nchunk_by = "period"\ntime_column = "ts"\nperiod = "1w"\n',
    )
    got = same_report(ref, cur, partitions, config)
    learned = [c for c in got["columns"] if c.get("auto_threshold")]
    assert {c["column"] for c in learned} >= {"x", "amount", "channel"}
    assert all(c["auto_threshold"]["chunks"] >= 2 for c in learned)
    in_segments = [c for s in got["segments"] for c in s["columns"] if c.get("auto_threshold")]
    assert len(in_segments) >= 4 * len(learned) - 4


def test_what_partitions_do_not_compare_is_refused(partitions: str, tmp_path: Path) -> None:
    ref, cur = write(tmp_path, make_frame(500, 1), make_frame(500, 2))
    with pytest.raises(InputError, match='chunk_by = "period"'):
        run_report(str(ref), str(cur), DriftConfig(threshold="auto"), engine=partitions)


def test_cli_the_sample_with_its_full_config_equals_the_local_report(tmp_path: Path) -> None:
    """The sample's full configuration (segments, 4-day windows over event_time, the model,
    concept drift, online metrics) through the real CLI in partitions: the local report,
    exit 1 as locally."""
    need_spark()
    out = tmp_path / "report.json"
    config = ROOT / "sample_data" / "drift.toml"
    proc = subprocess.run(
        [sys.executable, "-m", "driftcli", "report", str(SAMPLE_REF), str(SAMPLE_CUR),
         "--engine", "spark", "--config", str(config), "--output", f"json={out}"],
        env={**os.environ, "DRIFT_SPARK_COMPUTE": "partitions"},
        capture_output=True, text=True, check=False, timeout=600,
    )  # fmt: skip
    assert proc.returncode == 1, proc.stderr
    remote = json.loads(out.read_text())
    local = to_dict(run_report(SAMPLE_REF, SAMPLE_CUR, load_config(config), engine="polars"))
    assert close(comparable(remote), comparable(local)) == []
    assert remote["engine"]["compared_on"] == "partitions"
    assert len(remote["windows"]["windows"]) == 7 and remote["online"] is not None


def test_cli_a_row_window_is_refused_in_one_line(tmp_path: Path) -> None:
    """Row windows follow the rows' order in the files, which partitions do not read: exit
    2, one line naming the window and what to use, no output written."""
    need_spark()
    ref, cur = write(tmp_path, make_frame(500, 1), make_frame(500, 2))
    toml = tmp_path / "drift.toml"
    toml.write_text('window = "100 rows"\n')
    out = tmp_path / "report.json"
    proc = subprocess.run(
        [sys.executable, "-m", "driftcli", "report", str(ref), str(cur), "--engine", "spark",
         "--config", str(toml), "--output", f"json={out}"],
        env={**os.environ, "DRIFT_SPARK_COMPUTE": "partitions"},
        capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 2, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in proc.stderr
    assert "window '100 rows'" in lines[0] and "not compared in partitions" in lines[0]
    assert "use a time window" in lines[0]
    assert not out.exists()
