"""The time axis of the current data: time columns, window sizes and splitting rows into windows.

Shared by the sections that look at the current data over time (drift over time, concept
drift, online metrics) and by the config, which validates ``window``.

``window`` is a Polars duration string (``"1d"``, ``"6h"``, ``"1w"``, ``"1mo"``, ``"2d12h"``) that
needs ``time_column``, or a row count (``"1000 rows"``, ``"1000rows"`` or Polars' index-count form
``"1000i"``). Time windows are tumbling and calendar-aligned: a row belongs to the window that
starts at its timestamp truncated to the duration (``Expr.dt.truncate``), so ``1d`` windows are
calendar days and ``1w`` windows start on Mondays. For a time-zone-aware column the days are
those of the column's time zone (a Europe/Berlin column gets Berlin midnights, 23- and 25-hour
days at DST changes); a naive column is taken as it is; ISO 8601 text is parsed, and text with
UTC offsets becomes UTC; numeric dates (``01/28/2024``) are read in the order their values show
(:func:`parse_time_column`). A Date column cannot take windows shorter than a day (ConfigError).
Row windows are consecutive blocks of rows in time order (file order without ``time_column``);
the last one may be shorter. Rows whose timestamp is missing belong to no window, with row
windows too. Rows with equal timestamps keep their file order. Windows without rows (a day with
no data) are not listed.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

import polars as pl

from driftcli.errors import ConfigError, InputError

_DURATION = re.compile(r"^(?:\d+(?:ns|us|ms|mo|s|m|h|d|w|q|y))+$")


_ROWS = re.compile(r"^\s*(\d+)\s*(?:rows?|i)\s*$")


@dataclass(frozen=True)
class WindowSpec:
    """A parsed ``window``: a duration (``every``) or a row count (``rows``)."""

    text: str
    every: str | None = None
    rows: int | None = None

    @property
    def by(self) -> Literal["time", "rows"]:
        """``"time"`` for a duration, ``"rows"`` for a row count."""
        return "rows" if self.rows is not None else "time"


def parse_window(text: str, where: str = "window") -> WindowSpec:
    """Parse ``"1d"``/``"6h"``/``"1mo"`` or ``"1000 rows"``/``"1000i"``; ConfigError otherwise."""
    if not isinstance(text, str) or not text.strip():
        raise ConfigError(f"{where}: expected a duration like '1d' or a row count like '1000 rows'")
    raw = text.strip()
    m = _ROWS.match(raw.lower())
    if m:
        rows = int(m.group(1))
        if rows < 1:
            raise ConfigError(f"{where}: a row window needs at least 1 row, got {text!r}")
        return WindowSpec(raw, rows=rows)
    compact = raw.replace(" ", "")
    if not _DURATION.match(compact) or not any(ch != "0" for ch in re.sub(r"\D", "", compact)):
        raise ConfigError(
            f"{where}: {text!r} is not a window; use a Polars duration such as 1h, 1d, 1w, 1mo "
            "(combinations like 1d12h work) or a row count such as '1000 rows'"
        )
    return WindowSpec(raw, every=compact)


@dataclass(frozen=True)
class Window:
    """One window of the current data, rows in time order."""

    index: int
    label: str  # "2025-03-01" / "2025-03-01 06:00" / "rows 0-999"
    start: str | None  # ISO 8601 start (inclusive); None for row windows without time
    end: str | None  # ISO 8601 end (exclusive for time windows, last timestamp for row windows)
    first_row: int  # position of its first row in the time-ordered current data
    frame: pl.DataFrame


def iso_text(v: object) -> str | None:
    """A timestamp (or other value) as ISO 8601 text; None stays None."""
    if v is None:
        return None
    if isinstance(v, (datetime, date)):
        return v.isoformat()
    return str(v)


_SUB_DAY = re.compile(r"\d(?:ns|us|ms|s|m|h)(?:\d|$)")  # a unit shorter than a day


def window_label(v: object, every: str | None) -> str:
    """How a window starting at ``v`` is named: a date for whole-day sizes, else the time."""
    if isinstance(v, datetime):
        if every is not None and not _SUB_DAY.search(every):
            return v.date().isoformat()
        if v.microsecond:  # sub-second windows: keep them apart
            return v.replace(tzinfo=None).isoformat(sep=" ")
        return v.strftime("%Y-%m-%d %H:%M:%S" if v.second else "%Y-%m-%d %H:%M")
    return iso_text(v) or ""


#: A date written with numbers only, day and month in either order (``01/02/2024``,
#: ``1.2.2024``, ``01-02-2024``), then anything (a time of day).
_NUMERIC_DATE = r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-]\d{4}"

#: A first number above 12 (a day: ``31/01/2024``), and a second one (``01/28/2024``).
_DAY_FIRST = r"^\s*(?:1[3-9]|[2-9]\d)[/.-]"
_MONTH_FIRST = r"^\s*\d{1,2}[/.-](?:1[3-9]|[2-9]\d)[/.-]"

#: The order of day and month in a text time column's numeric dates (:func:`date_order`).
DateOrder = Literal["day first", "month first", "either", "mixed"]
#: The orders a config may set (``date_order``).
DATE_ORDERS = ("day first", "month first")


def date_order(values: pl.Series) -> DateOrder | None:
    """How a text column writes its numeric dates (``a/b/yyyy``): ``day first`` when some
    first number is above 12 (``31/01/2024``); ``month first`` when some second number is
    (``01/28/2024``); ``mixed`` when both happen; ``either`` when every date reads both ways
    and some differ (``01/02/2024`` is 1 February or 2 January). None: not such dates (ISO
    8601, or not text), or dates that read the same either way (``01/01/2024``)."""
    if values.dtype != pl.String:
        return None
    dates = values.drop_nulls()
    if not dates.len() or not dates.head(1).str.contains(_NUMERIC_DATE).all():
        return None  # ISO 8601 or other text: no need to look at every value
    if not dates.str.contains(_NUMERIC_DATE).all():
        return None
    day = bool(dates.str.contains(_DAY_FIRST).any())
    month = bool(dates.str.contains(_MONTH_FIRST).any())
    if day and month:
        return "mixed"
    if month:
        return "month first"
    if day:
        return "day first"
    # Every number up to 12: the distinct day-and-month pairs (at most 144) say whether any
    # reads differently the other way.
    heads = dates.str.extract(r"^\s*(\d{1,2}[/.-]\d{1,2}[/.-])", 1).unique()
    pairs = heads.str.extract_groups(r"^(\d{1,2})[/.-](\d{1,2})").struct.unnest()
    first, second = (pairs.to_series(i).cast(pl.Int32) for i in (0, 1))
    return "either" if bool((first != second).any()) else None


def parse_time_column(
    df: pl.DataFrame, column: str, role: str = "current", order: str | None = None
) -> pl.DataFrame:
    """``df`` with a text time column parsed as datetimes (ISO 8601; an offset or ``Z`` gives
    UTC); Date/Datetime columns pass through. Anything else is an InputError naming it.

    Numeric dates (``a/b/yyyy``) are read in ``order`` (``day first`` or ``month first``, the
    run's ``date_order``); without one, day first as Polars reads them unless a second number
    above 12 shows they are written month first (``01/28/2024``), and a column whose dates
    read both ways is read day first (:func:`date_order`: the run says so)."""
    dtype = df.schema[column]
    if dtype == pl.String:
        text = df[column]
        found = date_order(text)
        if found in DATE_ORDERS and order is not None and found != order:
            shown = "31/01/2024" if found == "day first" else "01/28/2024"
            raise InputError(
                f"time column {column!r} in the {role} data has dates written {found} "
                f"({shown}), but they are read {order} (date_order); set date_order to how "
                "the data writes them, or write them as ISO 8601 (2024-01-28)"
            )
        if (order or found) == "month first" and found is not None:
            # Day and month swapped, the text is read as Polars reads day-first dates.
            text = text.str.replace(
                r"^(\s*)(\d{1,2})([/.-])(\d{1,2})([/.-])", "${1}${4}${3}${2}${5}"
            )
        try:
            # Eager on the Series: Polars' expression form refuses text with an offset unless
            # a format or time zone is given; the eager form infers both.
            parsed = text.str.to_datetime(strict=True)
        except (pl.exceptions.ComputeError, pl.exceptions.InvalidOperationError):
            mixed = (
                " (some dates are written day first, 31/01/2024, and others month first, "
                "01/28/2024: write them one way, as ISO 8601, 2024-01-28)"
                if found == "mixed"
                else ""
            )
            raise InputError(
                f"time column {column!r} in the {role} data is text that does not parse as "
                f"datetimes{mixed}; fix the values or write it as a Date/Datetime column"
            ) from None
        return df.with_columns(parsed.alias(column))
    if not isinstance(dtype, (pl.Date, pl.Datetime)):
        hint = (
            " (numbers since 1970 are not read as times: their unit, seconds or milliseconds, "
            "is not written anywhere; convert them upstream, e.g. pl.from_epoch(col, 's'))"
            if dtype.is_numeric()
            else ""
        )
        raise InputError(
            f"time column {column!r} in the {role} data has dtype {dtype}; it must be a Date "
            f"or Datetime (or ISO 8601 text){hint}"
        )
    return df


def time_order(df: pl.DataFrame, column: str) -> pl.Series | None:
    """The row positions that put ``df`` in the order of its (parsed) time ``column``,
    stable, rows without a time last; None when it is written in that order already."""
    if df[column].is_sorted(nulls_last=True):
        return None
    return df.select(pl.arg_sort_by(column, maintain_order=True, nulls_last=True)).to_series()


def in_time_order(df: pl.DataFrame, column: str, order: pl.Series | None = None) -> pl.DataFrame:
    """``df`` sorted by its (parsed) time ``column``, stable, rows without a time last; ``df``
    itself, without a copy, when it is written in that order already (the usual log).
    ``order``: :func:`time_order` of the same rows, when the caller has it."""
    if order is None:
        order = time_order(df, column)
    return df if order is None else df.select(pl.all().gather(order))


def time_ordered(df: pl.DataFrame, time_column: str | None) -> tuple[pl.DataFrame, int]:
    """Rows with a timestamp in time order (stable), and how many rows had none.

    Without ``time_column`` the frame is returned as is. A text column is parsed as datetimes;
    a column that is neither temporal nor parseable is an InputError naming it.
    """
    if time_column is None:
        return df, 0
    if time_column not in df.columns:
        raise InputError(f"time column {time_column!r} is not in the current data")
    df = in_time_order(parse_time_column(df, time_column), time_column)
    missing = int(df[time_column].null_count())
    # Rows without a timestamp are last: the others are the first ones, taken without a copy.
    return df.slice(0, df.height - missing), missing


def split_windows(
    df: pl.DataFrame, spec: WindowSpec, time_column: str | None
) -> tuple[list[Window], int]:
    """The windows of ``df`` in time order, and the count of rows without a timestamp.

    Empty windows (a day without rows) are not returned: there is nothing to test in them.
    """
    if spec.every is not None and time_column is None:
        raise ConfigError(
            f"window {spec.text!r} is a duration and needs a time column; set time_column "
            "(--time-column) or use a row window such as '1000 rows'"
        )
    ordered, missing = time_ordered(df, time_column)
    windows: list[Window] = []
    if spec.rows is not None:
        n = spec.rows
        for i, first in enumerate(range(0, ordered.height, n)):
            frame = ordered.slice(first, n)
            last = first + frame.height - 1
            start = end = None
            if time_column is not None:
                start, end = iso_text(frame[time_column][0]), iso_text(frame[time_column][-1])
            windows.append(Window(i, f"rows {first}-{last}", start, end, first, frame))
        return windows, missing
    assert spec.every is not None and time_column is not None
    if ordered.schema[time_column] == pl.Date and _SUB_DAY.search(spec.every):
        raise ConfigError(
            f"window {spec.text!r} is shorter than a day but time column {time_column!r} holds "
            "dates without a time of day; use a window of whole days such as '1d'"
        )
    keys = ordered[time_column].dt.truncate(spec.every)
    # Windows are matched to their rows by position, never by a Python datetime: at a DST
    # change 01:00 EDT and 01:00 EST start two windows, and compare equal in Python.
    if keys.is_sorted():
        # Rows in time order have their windows in order: each window is a slice, no copy.
        runs = keys.rle()
        starts = runs.struct.field("value")
        lengths = runs.struct.field("len").to_list()
        frames = [ordered.slice(o, n) for o, n in zip(_offsets(lengths), lengths, strict=True)]
    else:  # starts that go back (90-minute windows at a DST change): group the rows
        starts = keys.unique(maintain_order=True)
        key = "__window_start"
        frames = ordered.with_columns(keys.alias(key)).partition_by(
            key, maintain_order=True, include_key=False
        )
    ends = starts.dt.offset_by(spec.every)
    labels = [window_label(s, spec.every) for s in starts]
    repeated = {label for label, n in Counter(labels).items() if n > 1}
    first = 0
    for i, (s, e, frame) in enumerate(zip(starts, ends, frames, strict=True)):
        label = labels[i]
        if label in repeated and isinstance(s, datetime) and s.tzinfo is not None:
            label += s.strftime(" %Z")  # 01:00 EDT and 01:00 EST at a DST change
        windows.append(Window(i, label, iso_text(s), iso_text(e), first, frame))
        first += frame.height
    return windows, missing


def _offsets(lengths: list[int]) -> list[int]:
    """Where each of consecutive runs of ``lengths`` rows starts."""
    return [0, *itertools.accumulate(lengths)][:-1]
