"""Column kinds and the rules that infer them from the data.

Inference rules, in order (documented as a table in README, "Column kinds"):

- Boolean dtype -> ``boolean``.
- Duration and Time dtype -> ``numeric``: a duration in seconds, a time of day in seconds
  since midnight (a wait, a session's length, an hour of purchase are measurements).
- Date and Datetime dtype -> ``datetime`` (not drift-tested).
- String dtype whose sampled non-null values all parse as dates or datetimes -> ``datetime``,
  whatever the number of distinct values (a week of daily batches is 7 dates, not 7 categories).
- Float and Decimal dtypes -> ``numeric``, whatever the number of distinct values.
- Integer dtype that says "id" (at least ``ID_MIN_ROWS`` non-null values) -> ``id`` (not
  drift-tested: ids differ between batches by design). Saying "id" takes more than all values
  being distinct (amounts in cents are distinct too): either the name is an id's name
  (``id``, ``customer_id``, ``orderId``, ``uuid``, ``key``) and at least half the values are
  distinct, or every value is distinct *and* the values are shaped like ids: monotone in file
  order, or near-contiguous (their span is at most ``ID_SPAN_FACTOR`` times their count).
- Integer dtype when a numeric test is asked for the column (``--test``, ``test`` or a
  column's ``test``) -> ``numeric``.
- Integer dtype with at most ``DISCRETE_MAX_UNIQUE`` distinct values -> ``categorical``
  (codes, counts, 0/1 flags); other integers -> ``numeric``.
- String, Categorical or Enum whose non-null values are all distinct (at least
  ``ID_MIN_ROWS``) -> ``id``; String with more than ``DISCRETE_MAX_UNIQUE`` distinct values and
  more than half its non-null rows distinct -> ``text`` (not tested); others -> ``categorical``.
- Anything else (lists, structs, binary) -> ``other`` (not tested).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import polars as pl

from driftcli.results.vocabulary import Kind

ID_MIN_ROWS = 20
DISCRETE_MAX_UNIQUE = 10
TEXT_UNIQUE_SHARE = 0.5
DATETIME_SAMPLE = 1000
#: All-distinct integers whose span (max - min + 1) is at most this times their count are
#: near-contiguous, as generated ids are.
ID_SPAN_FACTOR = 1.5
#: Names that say "id": id, ids, key, uuid, guid, pk as a whole word or a _suffix, an id_
#: prefix, or a camelCase ...Id.
ID_NAME = re.compile(r"(?:^|[_\W])(?:ids?|key|uuid|guid|pk)$|^ids?[_\W]", re.IGNORECASE)
_CAMEL_ID = re.compile(r"[a-z0-9](?:Id|ID|Ids|IDs|Key|Uuid|UUID)$")


@dataclass(frozen=True)
class KindEvidence:
    """What inference looks at: the dtype, the reference's non-null and distinct counts, and
    for integer columns the name and whether the values are shaped like ids."""

    dtype: pl.DataType
    non_null: int
    n_unique: int
    parses_as_datetime: bool = False
    name: str = ""
    id_shaped: bool = False  # all distinct and monotone or near-contiguous
    wants_numeric: bool = False  # a numeric test was asked for this column


def looks_like_id_name(name: str) -> bool:
    """True when a column's name says it holds ids (``id``, ``customer_id``, ``orderId``)."""
    return ID_NAME.search(name) is not None or _CAMEL_ID.search(name) is not None


def id_shaped(values: pl.Series, minimum: float, maximum: float, n_unique: int) -> bool:
    """True when all-distinct integers look generated: near-contiguous, or monotone in file
    order (``values`` is the raw column, ``minimum``/``maximum``/``n_unique`` its stats)."""
    if n_unique and maximum - minimum + 1 <= ID_SPAN_FACTOR * n_unique:
        return True
    diffs = values.drop_nulls().diff().drop_nulls()
    return diffs.len() > 0 and bool((diffs > 0).all() or (diffs < 0).all())


def is_numeric_dtype(dtype: pl.DataType) -> bool:
    """True for integer, float and decimal dtypes."""
    return dtype.is_numeric()


def holds_values(dtype: pl.DataType) -> bool:
    """True for a dtype of one plain value per row: not a list, array or struct (several
    values) nor a Python object."""
    return not (dtype.is_nested() or dtype == pl.Object)


def is_string_like(dtype: pl.DataType) -> bool:
    """True for String, Categorical and Enum dtypes."""
    return dtype == pl.String or isinstance(dtype, (pl.Categorical, pl.Enum))


def kind_from_dtype(dtype: pl.DataType) -> Kind | None:
    """The kind when the dtype alone decides it, else None (the data must be looked at)."""
    if dtype == pl.Boolean:
        return Kind.BOOLEAN
    if isinstance(dtype, (pl.Duration, pl.Time)):
        return Kind.NUMERIC  # quantities: compared in seconds (a time of day: since midnight)
    if dtype.is_temporal():
        return Kind.DATETIME
    if is_numeric_dtype(dtype) or is_string_like(dtype) or dtype == pl.Null:
        return None
    return Kind.OTHER


def dtype_family(dtype: pl.DataType) -> str:
    """The family a dtype belongs to; a change of family between the sides is a dtype change.

    Families: null, boolean, numeric, string (String, Categorical, Enum), duration, time (of
    day), temporal (Date, Datetime); any other dtype is its own family (``List(Int64)`` and
    ``List(String)`` differ). A duration and a time of day are both compared in seconds, but
    not with each other.
    """
    if dtype == pl.Null:
        return "null"
    if dtype == pl.Boolean:
        return "boolean"
    if is_numeric_dtype(dtype):
        return "numeric"
    if is_string_like(dtype):
        return "string"
    if isinstance(dtype, pl.Duration):
        return "duration"
    if dtype == pl.Time:
        return "time"
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
        if not ev.dtype.is_integer():
            return Kind.NUMERIC
        named = looks_like_id_name(ev.name) and ev.n_unique >= 0.5 * ev.non_null
        if ev.non_null >= ID_MIN_ROWS and (named or (all_distinct and ev.id_shaped)):
            return Kind.ID
        if ev.wants_numeric or ev.n_unique > DISCRETE_MAX_UNIQUE:
            return Kind.NUMERIC
        return Kind.CATEGORICAL
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


def _distinct_head(values: pl.Series) -> pl.Series:
    """The distinct non-null values among the first ``DATETIME_SAMPLE`` non-null ones, in
    order of first appearance: what the text checks below look at."""
    head = values.head(DATETIME_SAMPLE) if values.null_count() == 0 else values.drop_nulls()
    return head.head(DATETIME_SAMPLE).unique(maintain_order=True)


#: A number as spreadsheets and European CSV files write it: a sign, a currency sign before
#: or after, digits grouped by thousands (``,`` ``.`` ``'`` or a space), a decimal point or
#: comma, a percent sign. Polars reads such values as text.
_FORMATTED_NUMBER = (
    r"^\s*[-+]?[$€£¥]?\s?[-+]?(?:\d{1,3}(?:[,.' \u00a0\u202f]\d{3})+|\d+)(?:[.,]\d+)?"
    r"\s?(?:%|[$€£¥])?\s*$"
)
#: ... and one Polars would have read as a number, had the column held only such: not
#: ``+8`` or `` 5`` (a sign or spaces make an integer text to Polars, and to its kind).
_PLAIN_NUMBER = r"^-?\d+(?:\.\d+)?$"


def formatted_number_example(*sides: pl.Series) -> str | None:
    """A value showing that text holds numbers written as spreadsheets and European CSV files
    write them (``14,68``, ``1,234.50``, ``12 %``, ``$1,200``, ``+8``, `` 5``), else None: on
    every side, every distinct non-null value of a sample is such a number, and some are not
    plain numbers. Polars reads them as text, and as text each value is only a label."""
    example: str | None = None
    for values in sides:
        sample = _distinct_head(values)
        if sample.dtype != pl.String:
            return None
        if not sample.str.contains(_FORMATTED_NUMBER).all():
            return None
        formatted = sample.filter(~sample.str.contains(_PLAIN_NUMBER))
        if example is None and formatted.len():
            example = str(formatted[0]).strip()
    return example


#: A number as ``decimal_comma`` reads it: digits, then a decimal comma and digits.
_DECIMAL_COMMA_NUMBER = r"^-?\d+(?:,\d+)?$"


def decimal_comma_numbers(*sides: pl.Series) -> bool:
    """Whether text holds numbers written with a decimal comma and nothing else (``-0,346``,
    ``12``): on every side, every distinct non-null value of a sample is such a number, and
    some have the comma. A CSV read with ``decimal_comma`` reads them as numbers."""
    comma = False
    for values in sides:
        sample = _distinct_head(values)
        if sample.dtype != pl.String or not sample.str.contains(_DECIMAL_COMMA_NUMBER).all():
            return False
        comma = comma or bool(sample.str.contains(",", literal=True).any())
    return comma


def strings_parse_as_datetime(values: pl.Series) -> bool:
    """True when a sample of the non-null strings all parse as dates or datetimes."""
    # Each distinct value once: parsing is what costs (about 5 ms for 1000 category labels
    # whose format cannot be guessed, 0.3 ms for their 50 distinct ones), and whether all
    # parse does not depend on repeats. In order: the format is guessed from the first value.
    sample = _distinct_head(values)
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


def in_seconds(*sides: pl.Series) -> tuple[list[pl.Series], str]:
    """Duration or Time columns as Float64 seconds (a time of day: since midnight), exact to
    the nanosecond below 2**53 ns (104 days), and the note that says so. A side of another
    dtype (Null) is cast as it is."""
    out = []
    for s in sides:
        if isinstance(s.dtype, pl.Duration):
            s = s.dt.total_nanoseconds()
        elif s.dtype == pl.Time:
            s = s.cast(pl.Int64)  # nanoseconds since midnight
        ns = s.cast(pl.Float64)
        # Divided by a Series, each value is rounded once: Polars multiplies by 1e-9 for a
        # scalar, which made 3335 ms 3.3350000000000004 s.
        out.append(ns / pl.repeat(1e9, len(ns), dtype=pl.Float64, eager=True))
    what = "a time of day, compared in seconds since midnight"
    if any(isinstance(s.dtype, pl.Duration) for s in sides):
        what = "a duration, compared in seconds"
    return out, what
