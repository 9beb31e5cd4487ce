"""Column kind inference rules (driftcli.columns.kinds), on hand-built evidence."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from driftcli.columns.kinds import (
    DISCRETE_MAX_UNIQUE,
    ID_MIN_ROWS,
    KindEvidence,
    formatted_number_example,
    id_shaped,
    infer_kind,
    kind_from_dtype,
    looks_like_id_name,
    strings_parse_as_datetime,
)
from driftcli.results.vocabulary import TESTABLE_KINDS, Kind


def ev(
    dtype: pl.DataType, non_null: int, n_unique: int, parses_as_datetime: bool = False
) -> KindEvidence:
    return KindEvidence(dtype, non_null, n_unique, parses_as_datetime)


def test_constants() -> None:
    assert ID_MIN_ROWS == 20
    assert DISCRETE_MAX_UNIQUE == 10
    assert frozenset({Kind.NUMERIC, Kind.CATEGORICAL, Kind.BOOLEAN}) == TESTABLE_KINDS


def test_boolean() -> None:
    assert infer_kind(ev(pl.Boolean(), 100, 2)) is Kind.BOOLEAN
    # Even all-distinct booleans (two rows) or a single value stay boolean.
    assert infer_kind(ev(pl.Boolean(), 2, 2)) is Kind.BOOLEAN
    assert infer_kind(ev(pl.Boolean(), 50, 1)) is Kind.BOOLEAN


@pytest.mark.parametrize("dtype", [pl.Date(), pl.Datetime("us"), pl.Datetime("ms", "UTC")])
def test_temporal_dtype_is_datetime(dtype: pl.DataType) -> None:
    assert kind_from_dtype(dtype) is Kind.DATETIME
    # Decided by dtype, whatever the counts say (all distinct would otherwise mean id).
    assert infer_kind(ev(dtype, 500, 500)) is Kind.DATETIME
    assert infer_kind(ev(dtype, 500, 3)) is Kind.DATETIME


@pytest.mark.parametrize("dtype", [pl.Time(), pl.Duration("ns"), pl.Duration("ms")])
def test_durations_and_times_of_day_are_numeric(dtype: pl.DataType) -> None:
    # A wait or an hour of purchase is a measurement: it was "datetime: time ranges differ
    # between batches by design", not tested, and kind = "numeric" stopped the run.
    assert kind_from_dtype(dtype) is Kind.NUMERIC
    assert infer_kind(ev(dtype, 500, 500)) is Kind.NUMERIC


@pytest.mark.parametrize("dtype", [pl.Int64(), pl.Int32(), pl.UInt8(), pl.UInt64()])
def test_integer_id_needs_more_than_all_distinct(dtype: pl.DataType) -> None:
    # All distinct is not enough: amounts in cents are distinct too.
    assert infer_kind(ev(dtype, 10_000, 10_000)) is Kind.NUMERIC
    # All distinct and shaped like ids (monotone or near-contiguous): id.
    shaped = KindEvidence(dtype, ID_MIN_ROWS, ID_MIN_ROWS, id_shaped=True)
    assert infer_kind(shaped) is Kind.ID
    # Named like an id and mostly distinct: id, even with repeats.
    named = KindEvidence(dtype, 10_000, 6_000, name="customer_id")
    assert infer_kind(named) is Kind.ID
    # Named like an id but mostly repeated (a code): not an id.
    assert infer_kind(KindEvidence(dtype, 10_000, 4_000, name="store_id")) is Kind.NUMERIC


def test_id_names_and_shapes() -> None:
    for name in ("id", "ID", "customer_id", "orderId", "customerID", "uuid", "user-key", "ids"):
        assert looks_like_id_name(name), name
    for name in ("amount_cents", "valid", "paid", "grid", "kid", "identity", "width", "monkey"):
        assert not looks_like_id_name(name), name
    rng = np.random.default_rng(3)
    cents = pl.Series(rng.choice(10**7, 500, replace=False))
    c = cents.to_numpy()
    assert not id_shaped(cents, float(c.min()), float(c.max()), 500)
    counter = pl.Series(np.arange(1000, 1500))
    assert id_shaped(counter.shuffle(seed=1), 1000.0, 1499.0, 500)  # near-contiguous
    rising = pl.Series(np.cumsum(rng.integers(1, 50, 500)))
    r = rising.to_numpy()
    assert id_shaped(rising, float(r.min()), float(r.max()), 500)


def test_floats_are_numeric_whatever_their_cardinality() -> None:
    assert infer_kind(ev(pl.Float64(), 1000, 8)) is Kind.NUMERIC
    assert infer_kind(ev(pl.Float32(), 1000, 2)) is Kind.NUMERIC
    assert infer_kind(ev(pl.Float64(), 1000, 1000)) is Kind.NUMERIC  # never an id


def test_a_requested_numeric_test_makes_a_discrete_integer_numeric() -> None:
    assert infer_kind(ev(pl.Int64(), 1000, 5)) is Kind.CATEGORICAL
    assert infer_kind(KindEvidence(pl.Int64(), 1000, 5, wants_numeric=True)) is Kind.NUMERIC


def test_integer_all_distinct_below_min_rows_is_not_id() -> None:
    # 19 distinct integers in 19 rows: too few rows to call it an id; > 10 distinct -> numeric.
    assert infer_kind(ev(pl.Int64(), ID_MIN_ROWS - 1, ID_MIN_ROWS - 1)) is Kind.NUMERIC
    # 5 distinct in 5 rows -> categorical (few distinct values).
    assert infer_kind(ev(pl.Int64(), 5, 5)) is Kind.CATEGORICAL


def test_integer_with_repeats_is_numeric() -> None:
    assert infer_kind(ev(pl.Int64(), 1000, 999)) is Kind.NUMERIC


def test_float_all_distinct_is_numeric_not_id() -> None:
    assert infer_kind(ev(pl.Float64(), 1000, 1000)) is Kind.NUMERIC
    assert infer_kind(ev(pl.Float32(), 200, 150)) is Kind.NUMERIC


@pytest.mark.parametrize("dtype", [pl.Int64(), pl.UInt16(), pl.Int8()])
def test_integer_few_distinct_is_categorical(dtype: pl.DataType) -> None:
    assert infer_kind(ev(dtype, 1000, DISCRETE_MAX_UNIQUE)) is Kind.CATEGORICAL
    assert infer_kind(ev(dtype, 1000, 2)) is Kind.CATEGORICAL
    assert infer_kind(ev(dtype, 1000, 1)) is Kind.CATEGORICAL
    assert infer_kind(ev(dtype, 1000, DISCRETE_MAX_UNIQUE + 1)) is Kind.NUMERIC


def test_string_all_distinct_is_id() -> None:
    assert infer_kind(ev(pl.String(), ID_MIN_ROWS, ID_MIN_ROWS)) is Kind.ID
    assert infer_kind(ev(pl.String(), 5000, 5000)) is Kind.ID


def test_string_many_distinct_is_text() -> None:
    # 600 distinct of 1000 rows: more than 10 distinct and more than half the rows.
    assert infer_kind(ev(pl.String(), 1000, 600)) is Kind.TEXT
    # Exactly half is not "more than half" -> categorical.
    assert infer_kind(ev(pl.String(), 1000, 500)) is Kind.CATEGORICAL


def test_string_few_distinct_is_categorical() -> None:
    assert infer_kind(ev(pl.String(), 1000, 4)) is Kind.CATEGORICAL
    # Few rows, > half distinct but <= 10 distinct: still categorical, not text.
    assert infer_kind(ev(pl.String(), 12, 8)) is Kind.CATEGORICAL


def test_categorical_dtype_is_categorical_not_text() -> None:
    assert infer_kind(ev(pl.Categorical(), 1000, 5)) is Kind.CATEGORICAL
    assert infer_kind(ev(pl.Categorical(), 1000, 600)) is Kind.CATEGORICAL
    assert infer_kind(ev(pl.Enum(["a", "b", "c"]), 300, 3)) is Kind.CATEGORICAL


def test_string_parsing_as_datetime_is_datetime() -> None:
    assert infer_kind(ev(pl.String(), 1000, 365, parses_as_datetime=True)) is Kind.DATETIME
    assert infer_kind(ev(pl.String(), 1000, 5, parses_as_datetime=True)) is Kind.DATETIME


def test_other_dtypes() -> None:
    assert infer_kind(ev(pl.List(pl.Int64()), 10, 10)) is Kind.OTHER
    assert infer_kind(ev(pl.Struct({"a": pl.Int64()}), 10, 10)) is Kind.OTHER
    assert infer_kind(ev(pl.Binary(), 10, 10)) is Kind.OTHER
    assert infer_kind(ev(pl.Null(), 0, 0)) is Kind.CATEGORICAL


@pytest.mark.parametrize(
    "values",
    [
        ["2024-01-01", "2024-02-15", "2023-12-31"],
        ["2024-01-01 10:00:00", "2024-01-02 11:30:00"],
        [None, "2024-01-01", "2024-03-09"],
    ],
)
def test_strings_parse_as_datetime_true(values: list[str | None]) -> None:
    assert strings_parse_as_datetime(pl.Series(values, dtype=pl.String))


@pytest.mark.parametrize(
    "values",
    [
        ["apple", "pear", "plum"],
        ["2024-01-01", "not a date"],
        ["20240101", "20240102"],  # plain numbers are not dates
        ["1.5", "2"],
        [None, None],
        [],
    ],
)
def test_strings_parse_as_datetime_false(values: list[str | None]) -> None:
    assert not strings_parse_as_datetime(pl.Series(values, dtype=pl.String))


def test_date_strings_infer_datetime_end_to_end() -> None:
    s = pl.Series([f"2024-01-{d:02d}" for d in range(1, 29)] * 3)
    evidence = KindEvidence(
        s.dtype, s.len() - s.null_count(), s.n_unique(), strings_parse_as_datetime(s)
    )
    assert infer_kind(evidence) is Kind.DATETIME


def test_kind_str() -> None:
    assert str(Kind.NUMERIC) == "numeric"
    assert Kind("categorical") is Kind.CATEGORICAL


def test_numbers_written_as_formatted_text_are_recognised() -> None:
    comma = pl.Series(["14,68", "8,67", None, "10", "-3,5"])
    assert formatted_number_example(comma, pl.Series(["1,5", "2"])) == "14,68"
    assert formatted_number_example(pl.Series(["10", "11"]), comma) == "14,68"  # either side
    for written in ("1,234.50", "1.234,50", "12 %", "12.5%", "$1,200", "1 200,50 €", "1'000"):
        assert formatted_number_example(pl.Series([written, "7"])) == written
    # Polars reads a column of these as text (pl.read_csv(b"a\n+8\n 5\n").schema: String),
    # not as the integers they write.
    for written in ("+8", " 5", "5 ", "+1.5"):
        assert formatted_number_example(pl.Series([written, "7"])) == written.strip()
    assert formatted_number_example(pl.Series(["10", "11.5"])) is None  # plain numbers
    assert formatted_number_example(comma, pl.Series(["1,5", "n/a"])) is None  # not all numbers
    assert formatted_number_example(pl.Series(["1,2,3", "4,5,6"])) is None  # lists, not numbers
    assert formatted_number_example(pl.Series(["1.2.3", "1.10.0"])) is None  # versions
    assert formatted_number_example(pl.Series(["Lyon, France", "Paris, France"])) is None
    assert formatted_number_example(pl.Series([1.5, 2.0])) is None  # numbers already
    assert formatted_number_example(pl.Series([None], dtype=pl.String)) is None


def test_text_columns_that_are_not_compared_are_not_counted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Timestamps, ids and free text written as text (or ids as Categorical) get the kind the
    rules give on both sides' full counts, but without counting both sides (about as many
    distinct values as rows: seconds at 1M rows), in the whole data and in each segment."""
    from driftcli import DriftConfig, run_report
    from driftcli.stats import samples

    n = 400

    def side(seed: int) -> pl.DataFrame:
        r = np.random.default_rng(seed)
        days, mins = r.integers(1, 29, n), r.integers(0, 60, n)
        order = r.permutation(n)
        return pl.DataFrame(
            {
                "ts": [f"2024-03-{d:02d} 10:{m:02d}:00" for d, m in zip(days, mins, strict=True)],
                "customer_id": [f"C{i:06d}" for i in r.permutation(n) + seed * n],
                "comment": [f"note {k}" for k in r.integers(0, 10 * n, n)],
                "plan": r.choice(["basic", "pro", "team"], n),
                "order_ref": pl.Series("o", [f"O{i:06d}" for i in order], pl.Categorical),
                "region": r.choice(["north", "south"], n),
            }
        )  # fmt: skip

    ref, cur = side(1), side(2)
    original = samples.CategoricalSample.from_series.__func__  # type: ignore[attr-defined]
    seen: list[str] = []

    def counting(cls: type, /, a: pl.Series, b: pl.Series, **kw: object) -> object:
        seen.append(str(a.name))
        return original(cls, a, b, **kw)

    monkeypatch.setattr(samples.CategoricalSample, "from_series", classmethod(counting))
    config = DriftConfig(segment_by=("region",), min_segment_rows=10)
    report = run_report(ref, cur, config)
    found = {c.column: c.kind for c in report.columns}
    for name in ("ts", "customer_id", "comment", "plan", "order_ref"):
        s = ref[name]
        rule = infer_kind(
            KindEvidence(
                s.dtype, s.len() - s.null_count(), s.n_unique(), strings_parse_as_datetime(s), name
            )
        )
        assert found[name] is rule, name
    assert [found[c] for c in ("ts", "customer_id", "comment", "plan", "order_ref")] == [
        Kind.DATETIME, Kind.ID, Kind.TEXT, Kind.CATEGORICAL, Kind.ID,
    ]  # fmt: skip
    # only the compared columns were counted: plan in the whole data and in the two
    # segments, the segment column in the whole data
    assert sorted(seen) == ["plan", "plan", "plan", "region"]
