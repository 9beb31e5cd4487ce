"""A column of two Spark DataFrames compared exactly, without holding a side in one place.

``compare_column(reference, current, "income")`` compares a numeric column through
:func:`compare_numeric` and a categorical one through :func:`compare_categorical` (Spark's
counts per value, then the local tests). ``compare_numeric`` runs
:mod:`driftcli.stats.partials` on Spark: the column's values of both sides, tagged by
side, are range-partitioned and sorted within partitions (``repartitionByRange`` +
``sortWithinPartitions``, kept with ``persist``), and each of the three steps is one
``mapInArrow`` job whose tasks send back a few numbers a partition. No task, executor or
driver ever holds a whole side, so the size of a column is bounded by the cluster's disks,
not by one worker's memory; the numbers are those of ``--engine polars`` on the same values
(counts, order statistics, the KS distance and the rank sums exactly, sums of floats to about
1e-15). Sides of at most
:data:`~driftcli.stats.partials.SMALL_SIDE` values are brought to the driver for the local
tests' exact p-values.

The executors run this module's steps in their Python workers, so they need driftcli
installed (the ``spark`` extra), as for the Spark engine's passes. PySpark is imported only
inside functions.
"""

from __future__ import annotations

import math
import pickle
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import numpy as np

from driftcli.engines.spark_common import spark_column
from driftcli.errors import InputError
from driftcli.stats.partials import BoolArray, Finished, run_tests, sorted_pass
from driftcli.stats.samples import FloatArray

if TYPE_CHECKING:
    import polars as pl
    import pyarrow as pa
    from pyspark.sql import DataFrame as SparkFrame

#: Values a partition holds, about: 4M doubles and their side flags take about 40 MB as
#: NumPy arrays in a worker (and the step's temporaries a few times that).
VALUES_PER_PARTITION = 4_000_000


def compare_numeric(
    reference: SparkFrame,
    current: SparkFrame,
    column: str,
    *,
    partitions: int | None = None,
    bins: int = 10,
    integrity: bool = False,
) -> Finished:
    """Every rank and ECDF test, the summaries and the histogram of a numeric ``column`` of
    two Spark DataFrames, computed in partitions (see the module's text); with ``integrity``
    also the counts the integrity checks read (:attr:`Finished.counts`).

    ``partitions``: how many ranges of values (default: one per
    :data:`VALUES_PER_PARTITION` values, at least Spark's default parallelism); Spark makes
    fewer when the column has fewer distinct values. Raises :class:`InputError` naming the
    column when a side lacks it or it is not numeric."""
    from pyspark.sql import functions as sf
    from pyspark.storagelevel import StorageLevel

    for role, frame in (("reference", reference), ("current", current)):
        kind = _spark_type(role, frame, column)
        if kind not in _NUMERIC_TYPES:
            raise InputError(
                f"column {column!r} of the {role} is {kind}, not a number: the sorted pass "
                "compares numeric columns"
            )
    value = spark_column(column).cast("double")  # a name with dots or spaces is one column
    valid = value.isNotNull() & ~sf.isnan(value)
    counts: list[tuple[int, int]] = []
    for frame in (reference, current):
        row = frame.select(sf.count(sf.lit(1)), sf.count(sf.when(valid, 1))).first()
        assert row is not None
        counts.append((int(row[0]), int(row[0]) - int(row[1])))
    values = sum(rows - nulls for rows, nulls in counts)
    spark = reference.sparkSession
    if partitions is None:
        parallel = spark.sparkContext.defaultParallelism
        partitions = max(parallel, math.ceil(values / VALUES_PER_PARTITION))
    both = (
        reference.select(value.alias("v"), sf.lit(False).alias("c"))
        .unionByName(current.select(value.alias("v"), sf.lit(True).alias("c")))
        .where(sf.col("v").isNotNull() & ~sf.isnan("v"))
    )
    ranged = (
        both.repartitionByRange(max(partitions, 1), "v")
        .sortWithinPartitions("v")
        .persist(StorageLevel.MEMORY_AND_DISK)
    )
    try:

        def each(step: Callable[[FloatArray, BoolArray, int], Any]) -> list[Any]:
            rows = ranged.mapInArrow(_Task(step), "i int, r binary").collect()
            found = {int(row["i"]): pickle.loads(row["r"]) for row in rows}
            return [found.get(i) for i in range(max(found, default=-1) + 1)]

        def gather() -> tuple[FloatArray, FloatArray]:
            sides = []
            for flag in (False, True):
                table = ranged.where(sf.col("c") == flag).select("v").toArrow()
                sides.append(np.sort(table.column(0).to_numpy()))
            return sides[0], sides[1]

        return sorted_pass(each, (counts[0], counts[1]), gather, bins, integrity)
    finally:
        ranged.unpersist()


_NUMERIC_TYPES = frozenset({"byte", "short", "integer", "long", "float", "double", "decimal"})
_CATEGORICAL_TYPES = frozenset({"string", "boolean"})


def compare_column(
    reference: SparkFrame,
    current: SparkFrame,
    column: str,
    *,
    kind: str | None = None,
    partitions: int | None = None,
    bins: int = 10,
) -> Finished:
    """Every registered test, the summaries and the plot's distribution of ``column`` of two
    Spark DataFrames, without holding a side in one place: a numeric column through
    :func:`compare_numeric`, a categorical one through :func:`compare_categorical`.

    ``kind``: "numeric" or "categorical"; by default numbers are numeric, and text and
    booleans categorical. ``drift report`` also looks at the data (an integer column with at
    most ``DISCRETE_MAX_UNIQUE`` distinct values is categorical there, README "Column
    kinds"): pass ``kind="categorical"`` for such codes to get the report's tests."""
    if kind is None:
        spark_type = _spark_type("reference", reference, column)
        kind = "numeric" if spark_type in _NUMERIC_TYPES else "categorical"
    if kind == "numeric":
        return compare_numeric(reference, current, column, partitions=partitions, bins=bins)
    if kind == "categorical":
        return compare_categorical(reference, current, column)
    raise InputError(f"kind {kind!r} is not one of: numeric, categorical")


def compare_categorical(reference: SparkFrame, current: SparkFrame, column: str) -> Finished:
    """Every categorical test, the summaries and the bars of ``column`` of two Spark
    DataFrames, from Spark's counts per value (``groupBy(column).count()``, one row a
    category back to the driver): the local tests on the same counts, so the same bits.
    Nulls (and a float column's NaN) are counted apart, as the local engine does."""

    from driftcli.engines.memory import categorical_summary, category_bars
    from driftcli.results.vocabulary import Kind
    from driftcli.stats.samples import CategoricalSample

    frames: list[pl.DataFrame] = []
    totals: list[tuple[int, int]] = []
    for role, frame, side in (("reference", reference, "ref"), ("current", current, "cur")):
        got, rows, nulls = value_counts(role, frame, column)
        frames.append(got.rename({"n": side}))
        totals.append((rows, nulls))
    sample = CategoricalSample.from_counts(frames[0], frames[1])
    return Finished(
        "categorical",
        run_tests(sample, Kind.CATEGORICAL),
        categorical_summary(*totals[0], sample.labels, sample.reference),
        categorical_summary(*totals[1], sample.labels, sample.current),
        category_bars(sample),
        (sample.reference, sample.current),
        0,
    )


def value_counts(role: str, frame: SparkFrame, column: str) -> tuple[pl.DataFrame, int, int]:
    """Spark's count of each non-null value of ``column`` (a ``value`` and an Int64 ``n``
    column, one row a value, brought to the driver), the rows and the nulls (a float
    column's NaN counted as null, as the local engine counts them)."""
    import polars as pl
    from pyspark.sql import functions as sf

    spark_type = _spark_type(role, frame, column)
    if spark_type not in _NUMERIC_TYPES | _CATEGORICAL_TYPES:
        raise InputError(
            f"column {column!r} of the {role} is {spark_type}: the sorted pass compares "
            "numbers, text and booleans (cast it, or compare it with drift report)"
        )
    value = spark_column(column)
    if spark_type in ("float", "double"):
        value = sf.when(~sf.isnan(value), value)
    got = pl.from_arrow(frame.select(value.alias("value")).groupBy("value").count().toArrow())
    assert isinstance(got, pl.DataFrame)
    got = got.rename({"count": "n"}).with_columns(pl.col("n").cast(pl.Int64))
    rows = int(got["n"].sum())
    nulls = int(got.filter(pl.col("value").is_null())["n"].sum())
    return got.filter(pl.col("value").is_not_null()), rows, nulls


def _spark_type(role: str, frame: SparkFrame, column: str) -> str:
    if column not in frame.columns:
        raise InputError(f"the {role} has no column {column!r}")
    name: str = frame.schema[column].dataType.typeName()
    return name


class _Task:
    """One step on one partition, in an executor's Python worker: the partition's values as
    NumPy arrays, the step's result pickled in one row (``i``: the partition)."""

    def __init__(self, step: Callable[[FloatArray, BoolArray, int], Any]) -> None:
        self.step = step

    def __call__(self, batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        import pyarrow as pa
        from pyspark import TaskContext

        values: list[FloatArray] = []
        sides: list[BoolArray] = []
        for batch in batches:
            values.append(batch.column(0).to_numpy(zero_copy_only=False))
            sides.append(batch.column(1).to_numpy(zero_copy_only=False))
        v = np.concatenate(values) if values else np.zeros(0)
        c = np.concatenate(sides) if sides else np.zeros(0, np.bool_)
        if len(v) > 1 and bool((v[1:] < v[:-1]).any()):
            raise RuntimeError("a partition of the sorted pass is not sorted")
        context = TaskContext.get()
        index = context.partitionId() if context is not None else 0
        out = pickle.dumps(self.step(v, c, index))
        yield pa.RecordBatch.from_arrays(
            [pa.array([index], pa.int32()), pa.array([out], pa.binary())], names=["i", "r"]
        )
