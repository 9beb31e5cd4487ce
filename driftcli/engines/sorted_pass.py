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

import functools
import math
import pickle
from collections.abc import Collection, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from driftcli.engines.spark_common import spark_column
from driftcli.errors import InputError
from driftcli.stats.partials import (
    BoolArray,
    Finished,
    Group,
    Step,
    group_results,
    run_tests,
    sorted_passes,
)
from driftcli.stats.samples import FloatArray, IntArray

if TYPE_CHECKING:
    import polars as pl
    import pyarrow as pa
    from pyspark.sql import DataFrame as SparkFrame

#: Values a partition holds, about: 4M doubles and their side flags take about 40 MB as
#: NumPy arrays in a worker (and the step's temporaries a few times that).
VALUES_PER_PARTITION = 4_000_000


#: The tag columns a side's frame may carry for :func:`compare_numeric_groups`: each row's
#: segment and (the current's) window, as Int32 numbers, -1 for none.
SEGMENT_TAG = "__drift_segment"
WINDOW_TAG = "__drift_window"


def compare_numeric(
    reference: SparkFrame,
    current: SparkFrame,
    column: str,
    *,
    partitions: int | None = None,
    bins: int = 10,
    integrity: bool = False,
    tests: Collection[str] | None = None,
) -> Finished:
    """Every rank and ECDF test, the summaries and the histogram of a numeric ``column`` of
    two Spark DataFrames, computed in partitions (see the module's text); with ``integrity``
    also the counts the integrity checks read (:attr:`Finished.counts`); with ``tests`` (their
    names) only those tests.

    ``partitions``: how many ranges of values (default: one per
    :data:`VALUES_PER_PARTITION` values, at least Spark's default parallelism); Spark makes
    fewer when the column has fewer distinct values. Raises :class:`InputError` naming the
    column when a side lacks it or it is not numeric."""
    return compare_numeric_groups(
        reference, current, column, [Group()], partitions=partitions, bins=bins,
        integrity=[integrity], tests=tests,
    )[0]  # fmt: skip


def compare_numeric_groups(
    reference: SparkFrame,
    current: SparkFrame,
    column: str,
    groups: Sequence[Group],
    *,
    partitions: int | None = None,
    bins: int = 10,
    integrity: Sequence[bool] | None = None,
    tests: Collection[str] | None = None,
) -> list[Finished]:
    """:func:`compare_numeric` of each of ``groups`` (the whole data, segments, windows, a
    learned threshold's reference chunks: the rows their tags select, the
    :data:`SEGMENT_TAG` and :data:`WINDOW_TAG` columns of the frames), all from one sort of
    the column: every step of every group runs in one Spark job
    (:func:`~driftcli.stats.partials.sorted_passes`). ``integrity[k]``: group ``k`` also
    counts what the integrity checks read."""
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
    # Both sides' values with their side and tags. Tagged sides (the executors' Python
    # workers pass over their rows) are kept (``persist``) for the counts, the range
    # sampling and the shuffle, so that each is tagged once; untagged ones are read again,
    # which costs less than keeping them.
    tagged = any(t in f.columns for f in (reference, current) for t in (SEGMENT_TAG, WINDOW_TAG))
    # Untagged, the union carries no tags (the partitions' tasks take -1 for them).
    tags = ["s", "w"] if tagged else []

    def side(frame: SparkFrame, current: bool) -> SparkFrame:
        marks = [_tag(frame, SEGMENT_TAG).alias("s"), _tag(frame, WINDOW_TAG).alias("w")]
        return frame.select(value.alias("v"), sf.lit(current).alias("c"), *marks[: len(tags)])

    both = side(reference, False).unionByName(side(current, True))
    if tagged:
        both = both.persist(StorageLevel.MEMORY_AND_DISK)
    valid = sf.col("v").isNotNull() & ~sf.isnan("v")
    ranged = None
    try:
        # Each side's rows and valid values per combination of tags: a group's counts are
        # sums of these (untagged: one aggregate, no shuffle).
        cells: list[list[tuple[int, int, int, int]]] = [[], []]
        if tagged:
            found = (
                both.groupBy("c", "s", "w")
                .agg(sf.count(sf.lit(1)).alias("n"), sf.count(sf.when(valid, 1)).alias("v"))
                .collect()
            )
            for r in found:
                cells[int(r["c"])].append((int(r["s"]), int(r["w"]), int(r["n"]), int(r["v"])))
        else:
            flags = [~sf.col("c"), sf.col("c")]
            row = both.select(
                *[sf.count(sf.when(flags[k], 1)) for k in (0, 1)],
                *[sf.count(sf.when(flags[k] & valid, 1)) for k in (0, 1)],
            ).first()
            assert row is not None
            cells = [[(-1, -1, int(row[k]), int(row[2 + k]))] for k in (0, 1)]

        def side_counts(group: Group, side: int) -> tuple[int, int]:
            found = [
                (n, v)
                for s, w, n, v in cells[0 if group.chunk is not None else side]
                if (group.segment is None or s == group.segment) and _in_side(group, side, w)
            ]
            rows, values = sum(n for n, _ in found), sum(v for _, v in found)
            return rows, rows - values

        counts = [(side_counts(g, 0), side_counts(g, 1)) for g in groups]
        values = sum(valid for side in cells for *_, valid in side)  # the union's values
        if partitions is None:
            parallel = reference.sparkSession.sparkContext.defaultParallelism
            partitions = max(parallel, math.ceil(values / VALUES_PER_PARTITION))
        ranged = (
            both.where(valid)
            .repartitionByRange(max(partitions, 1), "v")
            .sortWithinPartitions("v")
            .persist(StorageLevel.MEMORY_AND_DISK)
        )
        return _sorted_passes(ranged, both, groups, counts, bins, integrity, tests, tags)
    finally:
        if ranged is not None:
            ranged.unpersist()
        both.unpersist()


def _sorted_passes(
    ranged: SparkFrame,
    both: SparkFrame,
    groups: Sequence[Group],
    counts: Sequence[tuple[tuple[int, int], tuple[int, int]]],
    bins: int,
    integrity: Sequence[bool] | None,
    tests: Collection[str] | None,
    tags: Sequence[str],
) -> list[Finished]:
    """:func:`~driftcli.stats.partials.sorted_passes` over the sorted partitions ``ranged``
    (with ``tags``, their tag columns, or none); ``both``, the union they were made from, is
    let go once the first step made them."""
    from pyspark.sql import functions as sf

    made = False

    def each(steps: Mapping[int, Step]) -> dict[int, list[Any]]:
        task = _Task(steps, groups)
        rows = ranged.mapInArrow(task, "i int, r binary").collect()
        nonlocal made
        if not made:  # the partitions are kept: the union is no longer needed
            both.unpersist()
            made = True
        found = {int(row["i"]): pickle.loads(row["r"]) for row in rows}
        last = max(found, default=-1) + 1
        return {k: [found[i][k] if i in found else None for i in range(last)] for k in steps}

    def gather(ks: Sequence[int]) -> dict[int, tuple[FloatArray, FloatArray]]:
        # The rows of every small group in one job (each group's sides are at most
        # SMALL_SIDE values), split by group on the driver.
        wanted = [groups[k] for k in ks]
        if Group() in wanted:
            chosen = sf.lit(True)
        else:
            chosen = functools.reduce(lambda a, b: a | b, [_chosen(g) for g in wanted])
        table = ranged.where(chosen).select("v", "c", *tags).toArrow()
        v, c = (table.column(i).to_numpy(zero_copy_only=False) for i in range(2))
        seg, win = (
            (table.column(i).to_numpy(zero_copy_only=False) for i in range(2, 4))
            if tags
            else (np.full(len(v), -1), np.full(len(v), -1))
        )
        out = {}
        for k, group in zip(ks, wanted, strict=True):
            keep, sides = group.select(c, seg, win)
            kept = v[keep]
            out[k] = (np.sort(kept[~sides]), np.sort(kept[sides]))
        return out

    return sorted_passes(each, counts, gather, bins, integrity, tests)


def _chosen(group: Group) -> Any:
    """Spark's condition for the rows of a group of the sorted union (Group.mask)."""
    from pyspark.sql import functions as sf

    chosen = sf.lit(True)
    if group.segment is not None:
        chosen = chosen & (sf.col("s") == group.segment)
    if group.chunk is not None:
        chosen = chosen & ~sf.col("c") & (sf.col("w") >= 0)
    elif group.window is not None:
        chosen = chosen & (~sf.col("c") | (sf.col("w") == group.window))
    return chosen


def _in_side(group: Group, side: int, tag: int) -> bool:
    """Whether rows tagged ``tag`` (a current row's window, a reference row's chunk) are on
    ``side`` of ``group`` (their side's rows, of the reference's for a chunk)."""
    if group.chunk is not None:
        return tag == group.chunk if side == 1 else tag >= 0 and tag != group.chunk
    return side == 0 or group.window is None or tag == group.window


def _tag(frame: SparkFrame, name: str) -> Any:
    """A frame's tag column, or -1 for every row when it has none."""
    from pyspark.sql import functions as sf

    return sf.col(name).cast("int") if name in frame.columns else sf.lit(-1).cast("int")


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
    return counts_of([tagged_value_counts(role, frame, column)], Group(), 0)


def tagged_value_counts(role: str, frame: SparkFrame, column: str) -> pl.DataFrame:
    """Spark's count of each value of ``column`` (null for nulls and a float column's NaN)
    per combination of the frame's tags (:data:`SEGMENT_TAG`, :data:`WINDOW_TAG`; -1 where it
    has none): columns ``s``, ``w``, ``value`` and an Int64 ``n``, one row each, brought to
    the driver; :func:`counts_of` takes a group's counts from them."""
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
    keys = [_tag(frame, SEGMENT_TAG).alias("s"), _tag(frame, WINDOW_TAG).alias("w")]
    got = pl.from_arrow(
        frame.select(*keys, value.alias("value")).groupBy("s", "w", "value").count().toArrow()
    )
    assert isinstance(got, pl.DataFrame)
    return got.rename({"count": "n"}).with_columns(pl.col("n").cast(pl.Int64))


def counts_of(
    tables: Sequence[pl.DataFrame], group: Group, side: int
) -> tuple[pl.DataFrame, int, int]:
    """One group's counts per value on one side (0: the reference) from each side's
    :func:`tagged_value_counts`: its non-null values and their ``n``, in the order of first
    appearance, its rows and its nulls (a chunk's group reads the reference's table only)."""
    import polars as pl

    chosen = tables[0 if group.chunk is not None else side]
    if group.segment is not None:
        chosen = chosen.filter(pl.col("s") == group.segment)
    if group.chunk is not None:
        chunk = pl.col("w") == group.chunk
        chosen = chosen.filter(chunk if side == 1 else ~chunk & (pl.col("w") >= 0))
    elif side == 1 and group.window is not None:
        chosen = chosen.filter(pl.col("w") == group.window)
    got = chosen.group_by("value", maintain_order=True).agg(pl.col("n").sum())
    rows = int(got["n"].sum())
    nulls = int(got.filter(pl.col("value").is_null())["n"].sum())
    return got.filter(pl.col("value").is_not_null()), rows, nulls


def _spark_type(role: str, frame: SparkFrame, column: str) -> str:
    if column not in frame.columns:
        raise InputError(f"the {role} has no column {column!r}")
    name: str = frame.schema[column].dataType.typeName()
    return name


class _Task:
    """The steps of a job on one partition, in an executor's Python worker: the partition's
    values, sides and tags (-1 when the union carries none) as NumPy arrays, each group's
    step on its rows (:func:`~driftcli.stats.partials.group_results`), pickled in one row
    (``i``: the partition)."""

    def __init__(self, steps: Mapping[int, Step], groups: Sequence[Group]) -> None:
        self.steps = dict(steps)
        self.groups = list(groups)

    def __call__(self, batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        import pyarrow as pa
        from pyspark import TaskContext

        columns: list[list[Any]] = [[], [], [], []]
        for batch in batches:
            for k in range(batch.num_columns):  # values, sides, and the tags when tagged
                columns[k].append(batch.column(k).to_numpy(zero_copy_only=False))

        def joined(k: int, dtype: type[np.generic]) -> Any:
            return (
                np.concatenate(columns[k]).astype(dtype, copy=False)
                if columns[k]
                else np.zeros(0, dtype)
            )

        v: FloatArray = joined(0, np.float64)
        c: BoolArray = joined(1, np.bool_)
        untagged = np.full(len(v), -1, np.int64)
        s: IntArray = joined(2, np.int64) if columns[2] else untagged
        w: IntArray = joined(3, np.int64) if columns[3] else untagged
        if len(v) > 1 and bool((v[1:] < v[:-1]).any()):
            raise RuntimeError("a partition of the sorted pass is not sorted")
        context = TaskContext.get()
        index = context.partitionId() if context is not None else 0
        out = pickle.dumps(group_results(self.steps, self.groups, v, c, s, w, index))
        yield pa.RecordBatch.from_arrays(
            [pa.array([index], pa.int32()), pa.array([out], pa.binary())], names=["i", "r"]
        )
