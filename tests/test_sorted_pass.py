"""The sorted pass on Spark (driftcli.engines.sorted_pass) gives the local engine's numbers.

Seeded columns are written as Parquet, read by a local Spark session (``local[2]``) and
compared in range partitions on the executors; each result is checked against the local
code on the same values with ``tests.test_partials.assert_same`` (counts, order statistics
and the KS distance exactly, sums of floats to 1e-12 relative).
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl
import pytest

from driftcli.engines.memory import _categorical_summary, category_bars
from driftcli.engines.sorted_pass import compare_column, compare_numeric
from driftcli.engines.spark import spark_session
from driftcli.errors import InputError
from driftcli.results.vocabulary import Kind
from driftcli.stats.partials import Finished, run_tests
from driftcli.stats.samples import CategoricalSample
from tests.test_partials import assert_same, local

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession


def frames(
    spark: SparkSession, tmp: Path, ref: pl.Series, cur: pl.Series, column: str = "x"
) -> tuple[DataFrame, DataFrame]:
    out = []
    for name, s in (("ref", ref), ("cur", cur)):
        path = tmp / f"{name}.parquet"
        s.alias(column).to_frame().write_parquet(path)
        out.append(spark.read.parquet(str(path)))
    return out[0], out[1]


def as_floats(s: pl.Series) -> np.ndarray:
    """The values as the local engine reads them: Float64, nulls as NaN."""
    out: np.ndarray = s.cast(pl.Float64).fill_null(np.nan).to_numpy()
    return out


@pytest.fixture
def no_side_reaches_the_driver(monkeypatch: pytest.MonkeyPatch) -> None:
    """Large sides are never collected: the only collect of values is the small sides'."""
    from pyspark.sql import DataFrame

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a side's values were brought to the driver")

    monkeypatch.setattr(DataFrame, "toArrow", refuse)


@pytest.mark.usefixtures("no_side_reaches_the_driver")
def test_continuous_values_in_range_partitions(spark: SparkSession, tmp_path: Path) -> None:
    rng = np.random.default_rng(7)
    ref = pl.Series(rng.normal(0, 1, 12_000))
    cur = pl.Series(rng.normal(0.1, 1.2, 15_000))
    name = "income.eur `net`"
    got = compare_numeric(*frames(spark, tmp_path, ref, cur, name), name, partitions=5)
    assert got.partitions == 5
    assert_same(as_floats(ref), as_floats(cur), got)
    summary = json.loads(json.dumps(got.to_dict()))
    assert summary["partitions"] == 5
    assert summary["tests"]["ks"]["statistic"] == got.outcomes["ks"].statistic  # type: ignore[union-attr]
    assert summary["reference"]["count"] == 12_000


@pytest.mark.usefixtures("no_side_reaches_the_driver")
def test_integers_with_long_runs_of_ties_nulls_and_floats_with_nan_and_infinities(
    spark: SparkSession, tmp_path: Path
) -> None:
    rng = np.random.default_rng(13)
    ref = pl.Series(np.round(rng.normal(0, 3, 14_000)).astype(np.int64))
    cur = pl.Series(np.round(rng.normal(0.4, 3, 11_000)).astype(np.int64))
    ref = ref.scatter([1, 2, 3], None)
    got = compare_numeric(*frames(spark, tmp_path, ref, cur), "x", partitions=6)
    assert got.partitions > 1  # Spark cuts fewer ranges than asked of 25 distinct values
    assert got.reference.nulls == 3
    assert_same(as_floats(ref), as_floats(cur), got)

    a = rng.normal(0, 1, 11_000)
    a[:20], a[20:25], a[25:300] = np.inf, -np.inf, np.nan
    b = rng.normal(0.2, 1, 12_000)
    b[:7] = -np.inf
    floats = pl.Series(a), pl.Series(b).scatter([10, 11], None)
    got = compare_numeric(*frames(spark, tmp_path, *floats), "x", partitions=4)
    assert got.reference.nulls == 275 and got.current.nulls == 2
    assert_same(as_floats(floats[0]), as_floats(floats[1]), got)


def test_small_sides_get_the_local_exact_p_values(spark: SparkSession, tmp_path: Path) -> None:
    rng = np.random.default_rng(5)
    ref, cur = pl.Series(rng.normal(0, 1, 300)), pl.Series(rng.normal(0.3, 1, 250))
    got = compare_numeric(*frames(spark, tmp_path, ref, cur), "x", partitions=3)
    assert got.outcomes == local(as_floats(ref), as_floats(cur))
    assert_same(as_floats(ref), as_floats(cur), got)


def test_a_missing_or_text_column_is_an_input_error(spark: SparkSession, tmp_path: Path) -> None:
    ref, cur = frames(spark, tmp_path, pl.Series(["a", "b"]), pl.Series(["c", "d"]))
    with pytest.raises(InputError, match="column 'x' of the reference is string, not a number"):
        compare_numeric(ref, cur, "x")
    with pytest.raises(InputError, match="the reference has no column 'y'"):
        compare_numeric(ref, cur, "y")
    times = pl.Series([datetime(2024, 1, 1), datetime(2024, 1, 2)])
    ref, cur = frames(spark, tmp_path, times, times)
    with pytest.raises(InputError, match="column 'x' of the reference is timestamp_ntz: the"):
        compare_column(ref, cur, "x")


def local_categorical(ref: pl.Series, cur: pl.Series) -> Finished:
    """The local engine's functions on the same values, as compare_categorical returns."""
    sample = CategoricalSample.from_series(ref, cur)
    return Finished(
        "categorical",
        run_tests(sample, Kind.CATEGORICAL),
        _categorical_summary(ref, sample.labels, sample.reference),
        _categorical_summary(cur, sample.labels, sample.current),
        category_bars(sample),
        (sample.reference, sample.current),
        0,
    )


@pytest.mark.usefixtures("no_side_reaches_the_driver")
@pytest.mark.parametrize("case", ["text", "booleans", "float codes"])
def test_categorical_columns_from_spark_counts(
    spark: SparkSession, tmp_path: Path, case: str
) -> None:
    rng = np.random.default_rng(17)
    if case == "text":
        labels = np.array([f"plan_{i}" for i in range(40)])
        ref = pl.Series(labels[rng.integers(0, 40, 9000)]).scatter([4, 5], None)
        cur = pl.Series(labels[rng.integers(0, 35, 7000)])  # five categories gone
        cur = pl.concat([cur, pl.Series(["plan_new"] * 30)])  # one new
    elif case == "booleans":
        ref = pl.Series(rng.random(5000) < 0.3).scatter([0], None)
        cur = pl.Series(rng.random(6000) < 0.34)
    else:
        ref = pl.Series(rng.integers(0, 6, 8000).astype(np.float64)).scatter([1, 2], np.nan)
        cur = pl.Series(rng.integers(0, 7, 8000).astype(np.float64)).scatter([3], None)
    kind = "categorical" if case == "float codes" else None
    name = "plan.tier `x`"  # a dot, a space and backticks: one column, not a field path
    got = compare_column(*frames(spark, tmp_path, ref, cur, name), name, kind=kind)
    want = local_categorical(ref, cur)
    # the same tests on the same counts: equal to the bit, summaries and bars too
    assert got.to_dict() == want.to_dict()
    assert got.outcomes == want.outcomes
    assert got.bins[0].tolist() == want.bins[0].tolist()
    assert got.bins[1].tolist() == want.bins[1].tolist()


def test_compare_column_picks_the_kind_from_the_type(spark: SparkSession, tmp_path: Path) -> None:
    rng = np.random.default_rng(19)
    ref, cur = pl.Series(rng.integers(0, 9, 400)), pl.Series(rng.integers(0, 9, 300))
    sides = frames(spark, tmp_path, ref, cur)
    assert compare_column(*sides, "x").kind == "numeric"
    assert compare_column(*sides, "x", kind="categorical").kind == "categorical"
    with pytest.raises(InputError, match="kind 'text' is not one of: numeric, categorical"):
        compare_column(*sides, "x", kind="text")


def test_a_session_after_a_stopped_one_reuses_its_jvm(spark: SparkSession) -> None:
    # PySpark keeps a process's first JVM; a new session must not launch a second, unused one
    # (it stayed running until the process ended, and its collected Popen warned).
    from pyspark import SparkContext

    jvm = SparkContext._gateway.proc  # type: ignore[union-attr]
    spark.stop()
    again = spark_session()
    try:
        assert SparkContext._gateway.proc is jvm  # type: ignore[union-attr]
        assert jvm.poll() is None
        assert again.range(3).count() == 3
    finally:
        again.stop()
