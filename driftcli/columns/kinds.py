"""Column kinds and the rules that infer them from the data.

Inference rules (documented in README, "Column kinds"):

- Boolean dtype -> ``boolean``.
- Date, Datetime, Time, Duration dtype -> ``datetime`` (not drift-tested).
- String dtype whose sampled non-null values all parse as dates or datetimes -> ``datetime``
  (checked only when there are more than ``DISCRETE_MAX_UNIQUE`` distinct values).
- Integer or string dtype whose non-null reference values are all distinct (at least
  ``ID_MIN_ROWS`` of them) -> ``id`` (not drift-tested: ids differ between batches by design).
- Numeric dtype with at most ``DISCRETE_MAX_UNIQUE`` distinct reference values -> ``categorical``.
- Other numeric dtypes -> ``numeric``.
- String dtype with more distinct values than half its non-null rows -> ``text`` (not tested).
- Other string, Categorical and Enum dtypes -> ``categorical``.
- Anything else (lists, structs, binary) -> ``other`` (not tested).
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from driftcli.results.vocabulary import Kind

ID_MIN_ROWS = 20
DISCRETE_MAX_UNIQUE = 10
TEXT_UNIQUE_SHARE = 0.5
DATETIME_SAMPLE = 1000


@dataclass(frozen=True)
class KindEvidence:
    """What inference looks at: the dtype and the reference's non-null and distinct counts."""

    dtype: pl.DataType
    non_null: int
    n_unique: int
    parses_as_datetime: bool = False


def is_numeric_dtype(dtype: pl.DataType) -> bool:
    """True for integer, float and decimal dtypes."""
    return dtype.is_numeric()


def is_string_like(dtype: pl.DataType) -> bool:
    """True for String, Categorical and Enum dtypes."""
    return dtype == pl.String or isinstance(dtype, (pl.Categorical, pl.Enum))


def kind_from_dtype(dtype: pl.DataType) -> Kind | None:
    """The kind when the dtype alone decides it, else None (the data must be looked at)."""
    if dtype == pl.Boolean:
        return Kind.BOOLEAN
    if dtype.is_temporal():
        return Kind.DATETIME
    if is_numeric_dtype(dtype) or is_string_like(dtype) or dtype == pl.Null:
        return None
    return Kind.OTHER


def dtype_family(dtype: pl.DataType) -> str:
    """The family a dtype belongs to; a change of family between the sides is a dtype change.

    Families: null, boolean, numeric, string (String, Categorical, Enum), temporal; any other
    dtype is its own family (``List(Int64)`` and ``List(String)`` differ).
    """
    if dtype == pl.Null:
        return "null"
    if dtype == pl.Boolean:
        return "boolean"
    if is_numeric_dtype(dtype):
        return "numeric"
    if is_string_like(dtype):
        return "string"
    if dtype.is_temporal():
        return "temporal"
    return str(dtype)


def infer_kind(ev: KindEvidence) -> Kind:
    """Infer a column's kind from its dtype and reference statistics (rules in the module doc)."""
    fixed = kind_from_dtype(ev.dtype)
    if fixed is not None:
        return fixed
    if ev.dtype == pl.Null:
        return Kind.CATEGORICAL
    all_distinct = ev.non_null >= ID_MIN_ROWS and ev.n_unique == ev.non_null
    if is_numeric_dtype(ev.dtype):
        if all_distinct and ev.dtype.is_integer():
            return Kind.ID
        if ev.n_unique <= DISCRETE_MAX_UNIQUE:
            return Kind.CATEGORICAL
        return Kind.NUMERIC
    # String, Categorical or Enum. Timestamps read as text are usually distinct too, but
    # "datetime" is the more useful reason to give.
    if ev.parses_as_datetime:
        return Kind.DATETIME
    if all_distinct:
        return Kind.ID
    if (
        ev.dtype == pl.String
        and ev.n_unique > DISCRETE_MAX_UNIQUE
        and (ev.n_unique > TEXT_UNIQUE_SHARE * ev.non_null)
    ):
        return Kind.TEXT
    return Kind.CATEGORICAL


def strings_parse_as_datetime(values: pl.Series) -> bool:
    """True when a sample of the non-null strings all parse as dates or datetimes."""
    sample = values.drop_nulls().head(DATETIME_SAMPLE)
    if sample.len() == 0:
        return False
    if sample.dtype != pl.String:
        sample = sample.cast(pl.String)
    # Plain numbers are not dates even when a format could read them as such.
    if sample.str.contains(r"^\s*[-+]?\d+(\.\d*)?\s*$").any():
        return False
    try:
        parsed = sample.str.to_datetime(strict=False)
    except pl.exceptions.PolarsError:
        return False
    return parsed.null_count() == 0
