"""The Spark engine against the local engine: the same report, number for number.

One local Spark session (``local[2]``) serves the module. Each case writes seeded data into
tmp_path, runs ``run_report`` with ``engine="polars"`` and ``engine="spark"`` and compares the
whole JSON apart from ``generated_at`` and ``engine``. Spark only
reads: the rows come in the same order with the same dtypes, and the same local code computes.

Exactness. Every value of the JSON is equal (``==``): counts, kinds, tests, verdicts, strings
and every float to the last bit, also where Polars reads a side in several chunks (a folder
of files, CSV and JSON Lines) and Spark's columns arrive in one: the local code sums
contiguous columns (tests/test_conformance.py checks the report does not depend on the
chunks). Where the reads differ in layout, the values read are also asserted equal frame for
frame.

Without PySpark or Java the tests skip, except under CI=true where they fail (``.ci/run``
installs both). The bad-input tests run the real CLI in subprocesses.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from driftcli import ConfigError, DriftConfig, InputError, run_report
from driftcli.config import load_config
from driftcli.engines import spark as spark_engine
from driftcli.engines.memory import MemoryEngine
from driftcli.engines.registry import register_engine, unregister_engine
from driftcli.engines.spark import SparkEngine, SparkSource
from driftcli.engines.spark_common import pass_error, read_error
from driftcli.engines.stream import width
from driftcli.outputs.json import to_dict
from driftcli.sections.integrity.result import IntegrityReport
from tests.conftest import ROOT, SAMPLE_CUR, SAMPLE_REF, broken_pair, make_frame, need_spark
from tests.test_conformance import comparable

if TYPE_CHECKING:
    from pyspark.sql import SparkSession


def differences(a: Any, b: Any, path: str = "") -> list[str]:
    """Where two JSON values differ (``path: a != b``), leaf by leaf."""
    if isinstance(a, dict) and isinstance(b, dict):
        keys = {**a, **b}
        return [d for k in keys for d in differences(a.get(k), b.get(k), f"{path}.{k}")]
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        pairs = enumerate(zip(a, b, strict=True))
        return [d for i, (x, y) in pairs for d in differences(x, y, f"{path}[{i}]")]
    return [] if a == b else [f"{path}: {a!r} != {b!r}"]


def same_report(
    ref: str | Path,
    cur: str | Path,
    config: DriftConfig | None = None,
    engine: str = "spark",
) -> dict[str, Any]:
    """Assert the Spark engine's report equals the local one's, every value exactly; return
    the Spark JSON."""
    local = comparable(to_dict(run_report(ref, cur, config, engine="polars")))
    remote = to_dict(run_report(str(ref), str(cur), config, engine=engine))
    assert differences(comparable(remote), local) == []
    return remote


# ---------------------------------------------------------------------------- fixtures


def mixed(n: int, seed: int, current: bool) -> pl.DataFrame:
    """Every kind: numeric (normal, shifted in current), integers, a code, categories with a
    new one in current, nulls and NaN, booleans, datetimes, a date, a segment column, an id."""
    rng = np.random.default_rng(seed)
    amount = rng.lognormal(3.0, 0.6 if current else 0.5, n)
    amount[rng.random(n) < (0.08 if current else 0.02)] = np.nan
    channels = ["web", "mobile", "branch"] + (["kiosk"] if current else [])
    start = datetime(2024, 3 if current else 1, 1)
    return pl.DataFrame(
        {
            "id": np.arange(n) + (10**6 if current else 0),
            "x": rng.normal(0.4 if current else 0.0, 1.0, n),
            "y": rng.normal(0.0, 1.0, n),
            "count": rng.poisson(4.0, n),
            "code": pl.Series(rng.integers(1, 6, n), dtype=pl.Int32),
            "channel": rng.choice(channels, n),
            "amount": pl.Series(amount).scatter(np.flatnonzero(rng.random(n) < 0.05), None),
            "note": pl.Series([None if v < 0.3 else f"n{int(v * 5)}" for v in rng.random(n)]),
            "flag": rng.random(n) < (0.4 if current else 0.3),
            "ts": [start + timedelta(minutes=int(m)) for m in rng.integers(0, 40_000, n)],
            "day": [(start + timedelta(days=int(d))).date() for d in rng.integers(0, 28, n)],
            "region": rng.choice(["north", "south", "east", "west"], n),
        }
    )


def write_pair(tmp: Path, ref: pl.DataFrame, cur: pl.DataFrame, ext: str) -> tuple[Path, Path]:
    paths = tmp / f"ref.{ext}", tmp / f"cur.{ext}"
    for frame, path in zip((ref, cur), paths, strict=True):
        if ext == "parquet":
            frame.write_parquet(path)
        elif ext == "csv":
            frame.write_csv(path)
        else:
            frame.write_ndjson(path)
    return paths


def read_both(
    ref: Path, cur: Path, columns: list[str] | None = None, extra: list[str] | None = None
) -> list[tuple[pl.DataFrame, pl.DataFrame]]:
    """What the Spark engine and the polars engine read of ``columns`` (default all) of both
    sides (plus ``extra`` of the reference), after checking that their schemas agree."""
    out: list[tuple[pl.DataFrame, pl.DataFrame]] = []
    for engine in (SparkEngine(), MemoryEngine()):
        a = engine.open(ref, None, "reference", None)
        b = engine.open(cur, None, "current", None)
        names = columns if columns is not None else a.schema().names()
        out.append(engine.read(a, b, names, (extra or [], [])))
    assert [df.schema for df in out[0]] == [df.schema for df in out[1]]
    return out


# ---------------------------------------------------------------------------- conformance


@pytest.fixture(scope="module")
def on_the_driver() -> Iterator[str]:
    """The engine with ``compute="driver"``: the columns come to the driver."""
    register_engine("spark-driver", lambda: SparkEngine(compute="driver"))
    yield "spark-driver"
    unregister_engine("spark-driver")


@pytest.mark.parametrize("rows", [400, 3000])  # p-value tests, then distances
@pytest.mark.parametrize("compute", ["executors", "driver"])
def test_every_kind_with_segments(
    spark: SparkSession, on_the_driver: str, tmp_path: Path, rows: int, compute: str
) -> None:
    ref, cur = write_pair(tmp_path, mixed(rows, 1, False), mixed(rows - 50, 2, True), "parquet")
    engine = "spark" if compute == "executors" else on_the_driver
    got = same_report(ref, cur, DriftConfig(segment_by=("region",)), engine=engine)
    assert got["engine"]["compared_on"] == compute
    kinds = {c["column"]: c["kind"] for c in got["columns"]}
    assert kinds["x"] == "numeric" and kinds["channel"] == "categorical"
    assert kinds["ts"] == kinds["day"] == "datetime" and kinds["id"] == "id"
    status = {c["column"]: c["status"] for c in got["columns"]}
    assert status["x"] == "drift" and status["y"] == "ok"
    assert len(got["segments"]) == 4
    assert got["reference"]["time_range"]["column"] == "ts"  # naive Datetime, as in Polars


def test_passes_of_one_column_merge_to_the_same_report(spark: SparkSession, tmp_path: Path) -> None:
    register_engine("spark-one", lambda: SparkEngine(columns_per_pass=1))
    try:
        ref, cur = write_pair(tmp_path, mixed(800, 3, False), mixed(700, 4, True), "parquet")
        got = same_report(ref, cur, DriftConfig(segment_by=("region",)), engine="spark-one")
    finally:
        unregister_engine("spark-one")
    tested = [c for c in got["columns"] if c["status"] not in ("skipped",)]
    assert got["engine"]["name"] == "spark" and got["engine"]["columns_per_pass"] == 1
    assert got["engine"]["passes"] >= len(tested) - 1  # region is read once, with the base


@pytest.mark.parametrize("compute", ["executors", "driver"])
def test_the_sample_with_every_section(
    spark: SparkSession, on_the_driver: str, compute: str
) -> None:
    """The README sample with its drift.toml: segments, model performance, prediction
    drift, windows, concept drift and online metrics, all from Spark's reads."""
    config = load_config(ROOT / "sample_data" / "drift.toml")
    engine = "spark" if compute == "executors" else on_the_driver
    got = same_report(SAMPLE_REF, SAMPLE_CUR, config, engine=engine)
    assert got["status"] == "fail" and got["windows"] and got["performance"]


def test_on_the_executors_the_tested_columns_never_reach_the_driver(
    spark: SparkSession, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The driver reads the columns every pass shares (the segment and time columns); the
    executors read and test the others, and only their results come back."""
    asked: list[str] = []
    read = SparkSource.read

    def spy(self: SparkSource, columns: list[str]) -> pl.DataFrame:
        asked.extend(columns)
        return read(self, columns)

    monkeypatch.setattr(SparkSource, "read", spy)
    ref, cur = write_pair(tmp_path, mixed(600, 5, False), mixed(500, 6, True), "parquet")
    got = same_report(ref, cur, DriftConfig(segment_by=("region",)))
    assert got["engine"]["passes"] >= 2 and got["engine"]["compared_on"] == "executors"
    tested = {c["column"] for c in got["columns"] if c["status"] in ("ok", "drift")}
    assert {"x", "channel"} <= tested
    assert set(asked) == {"region", "ts"}  # the segments, and the time range's column


def test_a_model_with_target_prediction_and_score(spark: SparkSession, tmp_path: Path) -> None:
    def side(n: int, seed: int, worse: bool) -> pl.DataFrame:
        rng = np.random.default_rng(seed)
        f1, f2 = rng.normal(size=n), rng.normal(size=n)
        target = (f1 + 0.5 * f2 + rng.normal(0, 1.2 if worse else 0.6, n)) > 0
        score = 1 / (1 + np.exp(-(f1 + 0.5 * f2)))
        return pl.DataFrame(
            {"f1": f1, "f2": f2, "target": target.astype(np.int64), "score": score}
        ).with_columns(prediction=(pl.col("score") > 0.5).cast(pl.Int64))

    ref, cur = write_pair(tmp_path, side(2000, 5, False), side(1800, 6, True), "parquet")
    toml = tmp_path / "drift.toml"
    toml.write_text(
        '[model]\ntarget = "target"\nprediction = "prediction"\nscore = "score"\n'
        '[[model.rules]]\nmetric = "accuracy"\nmax_drop = 0.02\nseverity = "fail"\n'
    )
    got = same_report(ref, cur, load_config(toml))
    assert got["performance"] and got["status"] == "fail"


def test_a_broken_pipeline_trips_the_same_integrity_checks(
    spark: SparkSession, tmp_path: Path
) -> None:
    ref, cur = broken_pair(1000, 800, 300)
    paths = write_pair(tmp_path, ref, cur, "parquet")
    got = same_report(*paths, DriftConfig(segment_by=("region",)))
    tripped = {(f["check"], f["column"]) for f in got["integrity"]["findings"]}
    assert ("missing_column", "y") in tripped and ("nulls", "x") in tripped


def test_a_folder_of_files_comes_back_in_file_order(spark: SparkSession, tmp_path: Path) -> None:
    """Spark lists a folder's files largest first and splits a large file between tasks; the
    engine puts the rows back in the order Polars reads them, so a run's reads line up."""
    for side, seed in (("ref", 7), ("cur", 8)):
        (tmp_path / side).mkdir()
        frame = mixed(4200, seed, side == "cur")
        # Odd names too: Spark must read them literally (no glob, no %-encoding).
        names = ("part-0.parquet", "part-1 [big].parquet", "part-2.parquet", "part-3 é%20.parquet")
        bounds = ((0, 300), (300, 2300), (2300, 2400), (2400, 4200))
        for name, (lo, hi) in zip(names, bounds, strict=True):
            frame[lo:hi].write_parquet(tmp_path / side / name, row_group_size=250)
    ref, cur = tmp_path / "ref", tmp_path / "cur"
    # Small splits: the large files are read by several tasks each.
    spark.conf.set("spark.sql.files.maxPartitionBytes", "16k")
    try:
        scan = spark.read.parquet(str(ref))
        assert scan.rdd.getNumPartitions() > len(names)
        raw = pl.from_arrow(scan.toArrow())
        assert isinstance(raw, pl.DataFrame)
        assert not raw.equals(pl.read_parquet(ref / "*.parquet"))  # Spark's own order differs
        mine, theirs = read_both(ref, cur, ["x", "channel", "ts"], ["id"])
        for a, b in zip(mine, theirs, strict=True):
            assert_frame_equal(a, b)  # the values, exactly, in the same order
        same_report(ref, cur, DriftConfig(segment_by=("region",)))
    finally:
        spark.conf.unset("spark.sql.files.maxPartitionBytes")


def test_csv_and_json_lines_are_typed_as_polars_types_them(
    spark: SparkSession, tmp_path: Path
) -> None:
    for ext in ("csv", "ndjson"):
        folder = tmp_path / ext
        folder.mkdir()
        ref, cur = write_pair(folder, mixed(600, 9, False), mixed(500, 10, True), ext)
        mine, theirs = read_both(ref, cur)
        for a, b in zip(mine, theirs, strict=True):
            assert_frame_equal(a, b)  # the values, exactly
        same_report(ref, cur, DriftConfig(segment_by=("region",)))


def test_text_files_written_by_hand_read_as_polars_reads_them(
    spark: SparkSession, tmp_path: Path
) -> None:
    """CSV with quoted fields holding commas, doubled quotes and line breaks, a byte-order
    mark and CRLF line ends; JSON Lines whose first lines lack a key that later ones have
    (Polars puts it beside its neighbours, not last), one past the first 100 lines too
    (both engines type JSON Lines from every line). Spark read a quoted line break as two
    short rows, and put such a key last (a column order change between the sides)."""
    rng = np.random.default_rng(31)

    def csv(path: Path, shift: float, bom: bool) -> None:
        notes = ["plain", '"with, comma"', '"two\nlines"', '"say ""hi"""', ""]
        rows = [
            f"{i},{rng.normal(10 + shift, 2):.3f},{notes[int(rng.integers(0, 5))]},"
            f"{rng.choice(['a', 'b'])}"
            for i in range(300)
        ]
        text = "\r\n".join(["id,amount,note,kind", *rows]) + "\r\n"
        path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode())

    def ndjson(path: Path, shift: float) -> None:
        lines = []
        for i in range(300):
            row: dict[str, object] = {"id": i, "v": float(rng.normal(shift, 1))}
            if i >= 150:  # past the first 100 lines: Polars' inference from them dropped it
                row["late"] = float(rng.normal(shift, 1))
            if i % 7 == 3:  # not in the first lines
                row["opt"] = int(rng.integers(0, 5))
            row |= {"k": str(rng.choice(["a", "b"])), "nested": {"a": int(rng.integers(0, 3))}}
            lines.append(json.dumps(row))
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    csv(tmp_path / "ref.csv", 0.0, bom=True)
    csv(tmp_path / "cur.csv", 1.0, bom=False)
    ndjson(tmp_path / "ref.ndjson", 0.0)
    ndjson(tmp_path / "cur.ndjson", 1.0)
    every_line = pl.read_ndjson(tmp_path / "ref.ndjson", infer_schema_length=None).columns
    assert every_line == ["id", "v", "late", "opt", "k", "nested"]
    for ext in ("csv", "ndjson"):
        ref, cur = tmp_path / f"ref.{ext}", tmp_path / f"cur.{ext}"
        mine, theirs = read_both(ref, cur)
        for a, b in zip(mine, theirs, strict=True):
            assert_frame_equal(a, b)  # the values, exactly, in the same order
        got = same_report(ref, cur)
        assert got["reference"]["rows"] == 300 and got["current"]["rows"] == 300
        assert all(f["check"] != "column_order" for f in got["integrity"]["findings"])


def test_csv_values_polars_reads_as_text_stay_as_written(
    spark: SparkSession, tmp_path: Path
) -> None:
    """Spark infers ``+8``, ``1d``, `` 5`` and ``Infinity`` as numbers and ``5.`` as a
    decimal, where Polars reads text and a float (``pl.read_csv(b"a\\n+8\\n").schema``:
    String): the columns were cast back to text, so ``+8`` reached the report as ``8``. A
    column whose values turn to text past Polars' first 100 rows is text on both engines
    (Spark infers over every row; the local engine reads the side again, and says so)."""
    rng = np.random.default_rng(51)
    header = "plus,suffix,padded,infinite,dot,x,late"
    for name, shift in (("ref", 0.0), ("cur", 0.3)):
        rows = [
            f"+{int(r * 9)},{int(r * 5)}d, {int(r * 7)},"
            f"{rng.choice(['Infinity', '-Infinity', '1.5'])},{int(r * 9)}.,{r:.4f},"
            + (str(i) if i < 300 else f"X{i}")
            for i, r in enumerate(rng.random(400) + shift)
        ]
        (tmp_path / f"{name}.csv").write_text("\n".join([header, *rows]) + "\n")
    ref, cur = tmp_path / "ref.csv", tmp_path / "cur.csv"
    mine, theirs = read_both(ref, cur, columns=header.split(",")[:-1])
    for a, b in zip(mine, theirs, strict=True):
        assert_frame_equal(a, b)  # the values as written, "+8" not 8
    assert mine[0]["plus"].dtype == pl.String and mine[0]["dot"].dtype == pl.Float64
    local = comparable(to_dict(run_report(ref, cur, engine="polars")))
    remote = comparable(to_dict(run_report(str(ref), str(cur), engine="spark")))
    (late,) = differences(remote, local)
    assert late.startswith('.notices: [] != ["reference ')  # only the local engine re-read
    kinds = {c["column"]: c["kind"] for c in remote["columns"]}
    assert kinds["late"] == "id" and kinds["dot"] == "numeric"
    # Under a URI the first lines are read through Spark: in a folder of files shorter than
    # those lines, the next file's header is not a row (it made every column text).
    for name, shift in (("ref", 0.0), ("cur", 0.5)):
        (tmp_path / name).mkdir()
        for k in range(3):
            part = pl.DataFrame({"n": rng.integers(0, 9, 40), "x": rng.normal(shift, 1, 40)})
            part.write_csv(tmp_path / name / f"part-{k}.csv")
    config = DriftConfig(reference_format="csv", current_format="csv")
    local = comparable(to_dict(run_report(tmp_path / "ref", tmp_path / "cur", engine="polars")))
    uri = to_dict(
        run_report(
            (tmp_path / "ref").as_uri() + "/",
            (tmp_path / "cur").as_uri() + "/",
            config,
            engine="spark",
        )
    )
    assert [c["kind"] for c in local["columns"]] == ["numeric", "categorical"]  # n: 9 values
    for key in ("column", "kind", "statistic"):
        assert [c[key] for c in uri["columns"]] == [c[key] for c in local["columns"]]


def test_csv_headers_are_read_by_name_or_refused(spark: SparkSession, tmp_path: Path) -> None:
    """Spark maps a CSV file's fields by position: a folder whose files list the columns in
    another order was read with two columns swapped (both drifted, from means 0 and 100 to
    50); it is now refused, naming the fix. A repeated or empty header name gets Polars'
    names (``a_duplicated_0``, ``(unnamed)``), not Spark's (``a0``, ``a1``, ``_c0``)."""
    rng = np.random.default_rng(41)
    for side in ("ref", "cur"):
        (tmp_path / side).mkdir()
        for k, order in enumerate((["a", "b"], ["b", "a"] if side == "ref" else ["a", "b"])):
            part = pl.DataFrame({"a": rng.normal(0, 1, 300), "b": rng.normal(100, 1, 300)})
            part.select(order).write_csv(tmp_path / side / f"part-{k}.csv")
    local = run_report(tmp_path / "ref", tmp_path / "cur", engine="polars")
    assert [c.status.value for c in local.columns] == ["ok", "ok"]  # matched by name
    with pytest.raises(InputError, match=r"^reference .*: its CSV files do not all have the "):
        run_report(tmp_path / "ref", tmp_path / "cur", engine="spark")
    odd = tmp_path / "odd.csv"
    rows = [
        f"{i},{rng.normal():.4f},{rng.normal():.4f},{rng.choice(['x', 'y'])}" for i in range(200)
    ]
    odd.write_text("\n".join([",a,a,b", *rows]) + "\n", encoding="utf-8")
    got = same_report(odd, odd)
    assert {c["column"] for c in got["columns"]} == {"(unnamed)", "a", "a_duplicated_0", "b"}


def test_dtypes_spark_cannot_hold_come_back_as_polars_reads_them(
    spark: SparkSession, tmp_path: Path
) -> None:
    """Unsigned integers, Categorical, Enum, millisecond, zoned and nanosecond Datetimes, a
    Duration, a Decimal and a Null column: Spark reads them as other types; the engine
    restores the dtypes Polars reads from the file (its own schema of a local file, the
    Arrow schema in the footer of one under a URI). A time of day is read as Spark's
    TIME (``spark.sql.timeType.enabled``, which the sessions driftcli starts turn on)."""

    def side(n: int, seed: int) -> pl.DataFrame:
        rng = np.random.default_rng(seed)
        stamps = pl.Series([datetime(2024, 1, 1) + timedelta(hours=int(h)) for h in range(n)])
        hours, minutes = rng.integers(0, 24, n), rng.integers(0, 60, n)
        return pl.DataFrame(
            {
                "u32": pl.Series(rng.integers(0, 50, n), dtype=pl.UInt32),
                "u64": pl.Series(rng.integers(0, 2**40, n), dtype=pl.UInt64),
                "cat": pl.Series(rng.choice(["a", "b", "c"], n)).cast(pl.Categorical),
                "ms": stamps.cast(pl.Datetime("ms")),
                "zoned": stamps.dt.replace_time_zone("Europe/Paris"),
                "ns": stamps.cast(pl.Datetime("ns")),
                "empty": pl.Series([None] * n),
                "v": rng.normal(size=n),
                "clock": pl.Series(
                    [time(int(h), int(m)) for h, m in zip(hours, minutes, strict=True)]
                ),
                "wait": pl.Series(rng.integers(0, 10**9, n), dtype=pl.Duration("us")),
                "price": pl.Series(rng.integers(0, 10**6, n)).cast(pl.Decimal(12, 2)) / 100,
                "size": pl.Series(rng.choice(["S", "M", "L"], n)).cast(pl.Enum(["S", "M", "L"])),
            }
        )

    ref, cur = write_pair(tmp_path, side(300, 11), side(300, 12), "parquet")
    src = SparkEngine().open(ref, None, "reference", None)
    assert src.schema() == pl.read_parquet_schema(ref)
    same_report(ref, cur)


def test_column_names_spark_would_parse(
    spark: SparkSession, on_the_driver: str, tmp_path: Path
) -> None:
    """Names with a dot, a space or backticks, ``x`` beside ``X``, and ones named like the
    engine's own columns: the same report on the executors and on the driver (the
    executors' cogroup resolved ``a.b`` as field ``b`` of a column ``a``; ``__drift_split``
    was a duplicate column on both paths, and a column named ``__rows`` was taken for a
    frame of no data, which left the duplicate-rows check out of the local report)."""

    def side(seed: int, shift: float) -> pl.DataFrame:
        rng = np.random.default_rng(seed)
        return pl.DataFrame(
            {
                "a.b": rng.normal(shift, 1, 400),
                "sp ace": rng.choice(["u", "v", "w"], 400),
                "`tick`": rng.normal(0, 1, 400),
                "x": rng.normal(0, 1, 400),
                "X": rng.normal(shift, 1, 400),
                "__drift_c0": rng.integers(0, 4, 400),
                "__drift_split": rng.normal(0, 1, 400),
                "__drift_row": rng.normal(0, 1, 400),
                "__rows": rng.normal(0, 1, 400),
            }
        )

    ref, cur = write_pair(tmp_path, side(21, 0.0), side(22, 0.5), "parquet")
    config = DriftConfig(segment_by=("sp ace",))
    got = same_report(ref, cur, config)
    assert got["engine"]["compared_on"] == "executors"
    named = {"a.b", "`tick`", "x", "X", "__drift_c0", "__drift_split", "__drift_row", "__rows"}
    assert {c["column"] for c in got["columns"]} >= named
    checks = run_report(ref, cur, config, engine="polars").section(IntegrityReport)
    assert checks is not None and any(r.check == "duplicates" for r in checks.results)
    assert same_report(ref, cur, config, on_the_driver)["engine"]["compared_on"] == "driver"


def test_files_spark_wrote_with_int96_timestamps(spark: SparkSession, tmp_path: Path) -> None:
    """Spark's and Hive's legacy INT96 timestamps (no Arrow schema in the file): Polars reads
    them as a naive nanosecond Datetime, Spark as an instant; the engine casts them back,
    for local files and under a URI, so time ranges and windows read the same."""
    from pyspark.sql import functions as sf

    spark.conf.set("spark.sql.parquet.outputTimestampType", "INT96")
    try:
        for side, shift in (("ref", 0.0), ("cur", 0.5)):
            spark.range(600).select(
                (sf.randn(seed=1 if side == "ref" else 2) + shift).alias("x"),
                sf.expr("timestamp_seconds(1714521600 + id * 60)").alias("ts"),
            ).coalesce(1).write.parquet(str(tmp_path / side))
    finally:
        spark.conf.unset("spark.sql.parquet.outputTimestampType")
    ref, cur = tmp_path / "ref", tmp_path / "cur"
    assert pl.read_parquet(ref / "*.parquet").schema["ts"] == pl.Datetime("ns")
    config = DriftConfig(time_column="ts", window="1h")
    got = same_report(ref, cur, config)
    assert got["reference"]["time_range"]["min"] == "2024-05-01T00:00:00"
    local = comparable(to_dict(run_report(ref, cur, config, engine="polars")))
    uri = to_dict(
        run_report(
            ref.as_uri() + "/",
            cur.as_uri() + "/",
            config.replace(reference_format="parquet", current_format="parquet"),
            engine="spark",
        )
    )
    uri = comparable(uri)
    for doc in (uri, local):  # apart from where the data is and how its format was named
        doc["reference"].pop("source"), doc["current"].pop("source"), doc.pop("config", None)
    assert differences(uri, local) == []


def test_hive_folders_and_tables(spark: SparkSession, tmp_path: Path) -> None:
    for side, seed in (("ref", 13), ("cur", 14)):
        frame = mixed(900, seed, side == "cur")
        for region in ("north", "south", "east", "west"):
            part = tmp_path / side / f"region={region}"
            part.mkdir(parents=True)
            frame.filter(pl.col("region") == region).drop("region").write_parquet(
                part / "data.parquet"
            )
    hive = tmp_path / "ref", tmp_path / "cur"
    same_report(*hive, DriftConfig(segment_by=("region",)))  # one file a region
    # A table: the same files registered in the session's catalog.
    ref, cur = write_pair(tmp_path, mixed(500, 15, False), mixed(500, 16, True), "parquet")
    spark.read.parquet(str(ref)).createOrReplaceTempView("drift_ref")
    local = comparable(to_dict(run_report(ref, cur)))
    remote = comparable(to_dict(run_report("table:drift_ref", cur, engine="spark")))
    assert remote["reference"].pop("source") == "table:drift_ref"
    local["reference"].pop("source")
    assert remote == local


def test_a_side_without_file_order_is_read_at_once(spark: SparkSession, tmp_path: Path) -> None:
    """A view over a shuffle has no file order, so two reads of it could disagree: it is
    read once (the same report), and a run that would need passes refuses."""
    ref, cur = write_pair(tmp_path, mixed(500, 17, False), mixed(500, 18, True), "parquet")
    spark.read.parquet(str(ref)).repartition(1).createOrReplaceTempView("made")
    local = comparable(to_dict(run_report(ref, cur, DriftConfig(segment_by=("region",)))))
    remote = comparable(
        to_dict(run_report("table:made", cur, DriftConfig(segment_by=("region",)), engine="spark"))
    )
    assert remote["reference"].pop("source") == "table:made"
    local["reference"].pop("source")
    assert differences(remote, local) == []
    engine = to_dict(run_report("table:made", cur, engine="spark"))["engine"]
    assert engine["compared_on"] == "driver"  # no file order: never on the executors
    register_engine("spark-one", lambda: SparkEngine(columns_per_pass=1))
    try:
        with pytest.raises(InputError, match=r"^reference table:made: its rows come from no file"):
            run_report("table:made", cur, engine="spark-one")
    finally:
        unregister_engine("spark-one")


def test_a_file_spark_cannot_read_is_an_input_error(spark: SparkSession, tmp_path: Path) -> None:
    bad = tmp_path / "bad.parquet"
    bad.write_bytes(b"not parquet at all")
    good = tmp_path / "good.parquet"
    make_frame(100, 1).write_parquet(good)
    with pytest.raises(InputError, match=r"^reference .*bad\.parquet: Spark cannot read it \("):
        run_report(bad, good, engine="spark")
    with pytest.raises(InputError, match="no such file or folder"):
        run_report(tmp_path / "nope.parquet", good, engine="spark")
    src = SparkEngine().open(good, None, "current", None)
    assert isinstance(src, SparkSource) and src.rows() == 100
    # A CSV in Windows-1252: Spark read "José" as "Jos\ufffd" without a word, where the
    # polars engine refuses the file; both now say what it is and how to convert it.
    latin = tmp_path / "latin.csv"
    latin.write_bytes(b"name,x\n" + "".join(f"José,{i}\n" for i in range(50)).encode("cp1252"))
    for engine in ("polars", "spark"):
        with pytest.raises(InputError, match=r"^reference .*latin\.csv: the file is not UTF-8 "):
            run_report(latin, latin, engine=engine)
    # A JSON array of records: the polars engine reads it, Spark would not (one row of
    # nulls a line, or a corrupt record); the spark engine says so.
    array = tmp_path / "records.json"
    array.write_text(json.dumps([{"x": i, "c": "ab"[i % 2]} for i in range(60)], indent=1))
    assert run_report(array, array, engine="polars").reference.rows == 60
    with pytest.raises(InputError, match=r"^reference .*records\.json: a JSON array, which the"):
        run_report(array, array, engine="spark")


def test_a_folder_whose_files_differ_is_refused_as_polars_refuses_it(
    spark: SparkSession, tmp_path: Path
) -> None:
    """Spark takes one file's schema and reads the others into it, so a column that later
    files add would vanish, or a file without it would read as nulls; Polars refuses such a
    folder. So does the Spark engine, naming the file and the columns (local files, checked
    file by file), or the columns (a URI, from the schema merged over every footer)."""
    base = make_frame(100, 1)
    same = tmp_path / "same"
    same.mkdir()
    base.write_parquet(same / "part-0.parquet")
    base.select(reversed(base.columns)).write_parquet(same / "part-1.parquet")  # any order
    cases = {
        "added": base.with_columns(late=pl.lit(1.0)),
        "dropped": base.drop("channel"),
        "retyped": base.with_columns(pl.col("x").cast(pl.Float32)),
    }
    expected = {
        "added": "extra 'late'",
        "dropped": "missing 'channel'",
        "retyped": "other type 'x' (Float32, not Float64)",
    }
    for name, second in cases.items():
        folder = tmp_path / name
        folder.mkdir()
        base.write_parquet(folder / "part-0.parquet")
        second.write_parquet(folder / "part-1.parquet")
        with pytest.raises(InputError):
            run_report(folder, same, engine="polars")  # refused locally too
        with pytest.raises(InputError) as refused:
            run_report(folder, same, engine="spark")
        assert str(refused.value) == (
            f"reference {folder}: its Parquet files do not share one schema: "
            f"{folder / 'part-1.parquet'} differs from {folder / 'part-0.parquet'}: "
            f"{expected[name]}; give files with the same columns and types (as the polars "
            "engine requires), or compare them apart"
        )
    uri = (tmp_path / "added").as_uri() + "/"
    with pytest.raises(
        InputError, match=r"other files differ from .*part-0\.parquet: extra 'late'"
    ):
        SparkEngine().open(uri, "parquet", "reference", None)
    with pytest.raises(InputError, match="do not merge"):
        SparkEngine().open((tmp_path / "retyped").as_uri() + "/", "parquet", "reference", None)
    same_report(same, same)


def driver_side(tmp_path: Path) -> tuple[SparkEngine, SparkSource]:
    """The engine comparing on the driver, with no memory budget to speak of, and a 100-row
    side of ``make_frame``'s columns opened by it."""
    path = tmp_path / "side.parquet"
    make_frame(100, 1).write_parquet(path)
    engine = SparkEngine(budget=2**50, compute="driver")
    src = engine.open(path, None, "reference", None)
    assert isinstance(src, SparkSource)
    return engine, src


def test_passes_fit_what_one_read_may_bring_to_the_driver(
    spark: SparkSession, tmp_path: Path
) -> None:
    """One read of everything while it fits; else passes within spark.driver.maxResultSize
    and the driver heap, even when the memory budget would allow more."""
    engine, src = driver_side(tmp_path)
    columns = ["x", "y", "channel", "flag"]
    assert engine.passes(src, src, columns) is None
    src._rows = 10**9  # as if a billion rows: their split keys alone fill any driver's limit
    assert engine.passes(src, src, columns) == 1


def test_on_a_local_master_a_read_fills_a_third_of_the_heap_share(
    spark: SparkSession, tmp_path: Path
) -> None:
    """A local master's tasks run in the driver's JVM, whose heap then holds a task's result
    up to three times at once: a read there may fill a third of the heap share a cluster's
    driver gets (with the full share, 1M rows on a 1g heap ran out of it about 1 run in 7)."""
    assert spark_engine.heap_share("local[2]") == spark_engine.HEAP_SHARE / 3
    assert spark_engine.heap_share("yarn") == spark_engine.HEAP_SHARE
    assert spark_engine.heap_share("spark://host:7077") == spark_engine.HEAP_SHARE
    engine, src = driver_side(tmp_path)
    columns = ["x", "y", "channel", "flag"]
    assert src.rows() == 100  # counted once; then as if a million rows
    rows = src._rows = 10**6
    jvm: Any = spark.sparkContext._jvm
    heap = int(jvm.java.lang.Runtime.getRuntime().maxMemory())
    largest = rows * width(src.schema()["channel"])  # the text column

    def cap(share: float) -> int:
        return max(1, math.floor((share * heap - rows * 8) / largest))

    assert str(spark.sparkContext.master).startswith("local")
    assert cap(spark_engine.HEAP_SHARE) > cap(spark_engine.LOCAL_HEAP_SHARE)
    assert engine._read_cap(src, columns) == cap(spark_engine.LOCAL_HEAP_SHARE)


def test_an_outcome_comes_back_in_pieces(
    spark: SparkSession, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A pass's pickled outcome crosses back in pieces (64 MiB each, one Arrow batch a
    piece, as an Arrow binary array holds at most 2 GiB): here 4 KiB pieces, many a pass."""
    monkeypatch.setattr(spark_engine, "_PIECE", 4096)
    ref, cur = write_pair(tmp_path, mixed(700, 9, False), mixed(600, 10, True), "parquet")
    got = same_report(ref, cur, DriftConfig(segment_by=("region",)))
    assert got["engine"]["compared_on"] == "executors"


def test_passes_on_the_executors_fit_a_python_worker(
    spark: SparkSession, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two passes per core while they fit; fewer columns a pass when a worker's memory
    (spark.executor.pyspark.memory) would not hold them."""
    from pyspark import SparkConf

    path = tmp_path / "side.parquet"
    pl.concat(
        [make_frame(100, 1), make_frame(100, 2).rename(lambda c: f"{c}_2")], how="horizontal"
    ).write_parquet(path)
    engine = SparkEngine(budget=2**50)
    src = engine.open(path, None, "reference", None)
    assert isinstance(src, SparkSource)
    columns = [c for c in src.schema().names() if c not in ("id", "id_2")]  # 10 columns
    cores = spark.sparkContext.defaultParallelism
    assert engine.passes(src, src, columns) == math.ceil(len(columns) / (2 * cores)) > 1
    src._rows = 10**8  # as if 100M rows a side: 1.6 GB a float column, both sides
    context = src.frame.sparkSession.sparkContext
    conf = SparkConf(loadDefaults=False).set("spark.executor.pyspark.memory", "2g")
    monkeypatch.setattr(context, "getConf", lambda: conf)
    assert engine.passes(src, src, columns) == 1


def test_spark_errors_become_one_line_with_a_hint() -> None:
    lost = RuntimeError(
        "An error occurred while calling o46.getResult.\n: org.apache.spark.SparkException: "
        "Job aborted due to stage failure: TaskResultLost (result lost from block manager)\n"
        "\tat org.apache.spark.util.SparkThreadUtils$.awaitResult(SparkThreadUtils.scala:70)"
    )
    message = str(read_error("reference", "s3a://b/ref/", lost))
    assert message.startswith("reference s3a://b/ref/: one read was too large for the Spark")
    assert "TaskResultLost" in message and "--driver-memory" in message
    assert "\n" not in message and "\tat " not in message
    missing = RuntimeError("[PATH_NOT_FOUND] Path does not exist: s3a://b/x. SQLSTATE: 42K03")
    assert str(read_error("current", "s3a://b/x", missing)) == (
        "current s3a://b/x: Spark cannot read it ([PATH_NOT_FOUND] Path does not exist: "
        "s3a://b/x. SQLSTATE: 42K03); check the path, that Spark can reach it, and the format "
        "(--current-format)"
    )
    # a CSV row with fewer fields than the header: Spark's FAILFAST parser refuses it
    short = RuntimeError(
        "An error occurred while calling o83.toArrow.\n: org.apache.spark.SparkException: "
        "[FAILED_READ_FILE.NO_HINT] Encountered error while reading file file:///d/ref.csv.  "
        "SQLSTATE: KD001\nCaused by: org.apache.spark.SparkException: "
        "[MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION] Malformed records are detected in "
        "record parsing: [1.0,x].\nParse Mode: FAILFAST. To process malformed records as null "
        "result, try setting the option 'mode' as 'PERMISSIVE'.  SQLSTATE: 22023\n"
        "\tat org.apache.spark.sql.errors.QueryExecutionErrors$.malformedRecords(X.scala:1)"
    )
    assert str(read_error("reference", "ref.csv", short)) == (
        "reference ref.csv: Spark finds a malformed record in it ([MALFORMED_RECORD_IN_PARSING."
        "WITHOUT_SUGGESTION] Malformed records are detected in record parsing: [1.0,x].): a "
        "row with more or fewer fields than the header, or a quote left open; mend the file, "
        "or compare with --engine polars, which reads a short row's missing fields as nulls"
    )
    # a session of the user's own, without spark.sql.timeType.enabled
    clock = RuntimeError(
        "[UNSUPPORTED_TIME_TYPE] The data type TIME is not supported. SQLSTATE: 0A000"
    )
    message = str(read_error("reference", "ref.parquet", clock))
    assert message.startswith("reference ref.parquet: it has a time-of-day column")
    assert "spark.sql.timeType.enabled=true" in message and "--engine polars" in message


def test_executors_without_driftcli_and_a_wrong_compute_are_clear() -> None:
    worker = RuntimeError(
        "An error occurred while calling o88.collectAsArrowToPython.\n: org.apache.spark."
        'api.python.PythonException: Traceback (most recent call last):\n  File "<frozen>"\n'
        "ModuleNotFoundError: No module named 'polars'"
    )
    message = str(pass_error("reference", "s3a://b/ref/", worker))
    assert message == (
        "Spark's executors cannot import polars: install driftcli (and its dependencies) "
        "where the executors run Python, or set DRIFT_SPARK_COMPUTE=driver to compare on the "
        "driver"
    )
    with pytest.raises(ConfigError, match="DRIFT_SPARK_COMPUTE: 'gpu' is not one of"):
        SparkEngine(compute="gpu")


def test_a_polars_frame_is_not_a_spark_source() -> None:
    with pytest.raises(ConfigError, match="the spark engine reads paths, URIs and tables"):
        run_report(make_frame(50, 1), make_frame(50, 2), engine="spark")


# ---------------------------------------------------------------------------- the real CLI


def drift(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "driftcli", "report", *args, "--engine", "spark", "-q"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=300,
    )


def one_clean_line(stderr: str) -> str:
    """The CLI's error: one line, no Python traceback, no Java stack."""
    lines = [ln for ln in stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr and "\tat " not in stderr and "java." not in stderr
    return lines[0]


def test_cli_a_path_that_does_not_exist(tmp_path: Path) -> None:
    need_spark()
    proc = drift(str(tmp_path / "missing.parquet"), str(SAMPLE_CUR))
    assert proc.returncode == 2
    assert "missing.parquet: no such file or folder" in one_clean_line(proc.stderr)
    # A URI goes to Spark, which says it does not exist.
    uri = f"file://{tmp_path}/absent.parquet"
    proc = drift(str(SAMPLE_REF), uri)
    assert proc.returncode == 2, proc.stderr
    line = one_clean_line(proc.stderr)
    assert f"current {uri}: Spark cannot read it" in line and "PATH_NOT_FOUND" in line


def test_cli_without_pyspark(tmp_path: Path) -> None:
    fake = tmp_path / "fake" / "pyspark"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text('raise ImportError("No module named pyspark")\n')
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "fake")}
    proc = drift(str(SAMPLE_REF), str(SAMPLE_CUR), env=env)
    assert proc.returncode == 2
    assert "pip install 'driftcli[spark]'" in one_clean_line(proc.stderr)


def test_cli_without_java(tmp_path: Path) -> None:
    need_spark()
    env = {k: v for k, v in os.environ.items() if k not in ("JAVA_HOME", "PYSPARK_GATEWAY_PORT")}
    env["PATH"] = str(tmp_path)  # no java here
    assert shutil.which("java", path=env["PATH"]) is None
    proc = drift(str(SAMPLE_REF), str(SAMPLE_CUR), env=env)
    assert proc.returncode == 2
    line = one_clean_line(proc.stderr)
    assert "needs Java" in line and "openjdk-17-jre-headless" in line


def test_spark_submit_runs_drift_through_the_launcher(tmp_path: Path) -> None:
    """deploy/spark/drift_submit.py under spark-submit (the cluster recipe of docs/spark.md,
    on a local master): the session is spark-submit's, the report the polars engine's."""
    need_spark()
    submit = Path(sys.executable).parent / "spark-submit"
    if not submit.exists():
        pytest.skip("no spark-submit beside this Python (PySpark installed elsewhere)")
    out = tmp_path / "submit.json"
    env = {**os.environ, "PYSPARK_PYTHON": sys.executable, "PYSPARK_DRIVER_PYTHON": sys.executable}
    proc = subprocess.run(
        [str(submit), "--master", "local[2]", "--conf", "spark.log.level=WARN",
         str(ROOT / "deploy" / "spark" / "drift_submit.py"), "report", str(SAMPLE_REF),
         str(SAMPLE_CUR), "--engine", "spark", "-q", "--output", f"json={out}"],
        capture_output=True, text=True, cwd=tmp_path, env=env, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    local = to_dict(run_report(SAMPLE_REF, SAMPLE_CUR, engine="polars"))
    assert differences(comparable(json.loads(out.read_text())), comparable(local)) == []


def test_decimal_commas_are_refused_by_the_spark_engine_with_the_fix(tmp_path: Path) -> None:
    # Spark's CSV reader takes numbers with a decimal point only: a CSV read with
    # decimal_comma stops with the fix, exit 2.
    need_spark()
    data = tmp_path / "ref.csv"
    data.write_text("x;y\n1,5;a\n2,25;b\n")
    with pytest.raises(ConfigError, match="decimal_comma is not read by the spark engine"):
        SparkEngine().open(str(data), None, "reference", ";", decimal_comma=True)
    from typer.testing import CliRunner

    from driftcli.cli import app

    args = ["report", str(data), str(data), "--engine", "spark", "--separator", ";"]
    result = CliRunner().invoke(app, [*args, "--decimal-comma"])
    assert result.exit_code == 2, result.output
    assert "--engine polars or stream" in result.output


class _WorkerExit:
    """A pass whose unpickling ends the Python worker that receives it (``os._exit``), as
    the kernel's OOM killer or a crash in native code would."""

    chunk = ("x", "y")

    def reads(self, side: int) -> list[str]:
        return ["x", "y"]

    def __reduce__(self) -> tuple[Any, tuple[int]]:
        return (os._exit, (3,))


def test_a_worker_that_dies_during_a_pass_is_said_so_not_a_read_error(
    spark: SparkSession, tmp_path: Path
) -> None:
    # Spark's words for it are "Python worker exited unexpectedly (crashed)", which read
    # as "reference ...: Spark cannot read it (... awaitResult:); check the path".
    path = tmp_path / "side.parquet"
    pl.DataFrame({"x": [1.0, 2.0, 3.0], "y": [4.0, 5.0, 6.0]}).write_parquet(path)
    src = SparkEngine().open(str(path), None, "reference", None)
    assert isinstance(src, SparkSource)
    with pytest.raises(InputError) as caught:
        spark_engine._run_on_executors((src, src), _WorkerExit())  # type: ignore[arg-type]
    message = str(caught.value)
    assert message.startswith(
        "the Python worker comparing a pass of columns (x, y) on Spark's executors exited "
        "unexpectedly, most often because it ran out of memory"
    )
    assert "spark.executor.pyspark.memory" in message and "DRIFT_SPARK_COMPUTE=driver" in message
    assert "DRIFT_SPARK_COMPUTE=partitions" in message
    died = pass_error(
        "reference", "ref.parquet", RuntimeError("Python worker exited unexpectedly"), ["x"], True
    )
    assert str(died).startswith("the Python worker comparing column x in range partitions")
    assert "cannot read" not in str(died)
    assert "cannot read" not in message


def test_month_first_text_times_read_alike_on_the_executors(
    spark: SparkSession, tmp_path: Path
) -> None:
    # The reference shows month first (01/28/2024); the current's week reads both ways
    # alone. The driver decides date_order from the shared columns before any pass, so the
    # executors' windows are 1-7 February, as the local engine's.
    rng = np.random.default_rng(79)
    for name, first, days in (("ref", datetime(2024, 1, 1), 31), ("cur", datetime(2024, 2, 1), 7)):
        when = [first + timedelta(days=int(d)) for d in np.sort(rng.integers(0, days, 400))]
        pl.DataFrame(
            {"ts": [d.strftime("%m/%d/%Y %H:%M") for d in when], "x": rng.normal(0, 1, 400)}
        ).write_csv(tmp_path / f"{name}.csv")
    config = DriftConfig(time_column="ts", window="1d")
    got = same_report(tmp_path / "ref.csv", tmp_path / "cur.csv", config)
    assert got["config"]["date_order"] == "month first"
    assert got["engine"]["compared_on"] == "executors"
    assert [w["label"] for w in got["windows"]["windows"]] == [f"2024-02-0{d}" for d in range(1, 8)]
