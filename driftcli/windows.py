"""Time windows: split the current data into windows and track drift (and the model) per window.

``window`` is a Polars duration string (``"1d"``, ``"6h"``, ``"1w"``, ``"1mo"``, ``"2d12h"``) that
needs ``time_column``, or a row count (``"1000 rows"``, ``"1000rows"`` or Polars' index-count form
``"1000i"``). Time windows are tumbling and calendar-aligned: a row belongs to the window that
starts at its timestamp truncated to the duration (``Expr.dt.truncate``), so ``1d`` windows are
calendar days (UTC for time-zone-aware columns' wall clock) and ``1w`` windows start on Mondays.
Row windows are consecutive blocks of rows in time order (file order without ``time_column``);
the last one may be shorter. Rows whose timestamp is missing belong to no window; they are
counted in ``WindowSection.rows_without_time``.

CONTRACT SKELETON (issue 6): ``parse_window`` and ``split_windows`` are implemented; the rest
is being written.

Config::

    time_column = "event_time"   # --time-column
    window = "1d"                # --window

    [windows]                    # the consecutive-window rule (off unless max_drift_share is set)
    max_drift_share = 0.3        # a window "exceeds" when its dataset drift share is above this
    consecutive = 3              # ... in this many consecutive tested windows -> a finding
    severity = "fail"            # warn | fail
    min_rows = 30                # windows with fewer rows are not tested (default:
                                 # min_segment_rows)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Literal

import polars as pl

from driftcli.errors import ConfigError, InputError

if TYPE_CHECKING:  # model imports config, which imports this module
    from driftcli.model import ColumnResult, DatasetVerdict
    from driftcli.performance import PerformanceSpec

Severity = Literal["warn", "fail"]

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


def _iso(v: object) -> str | None:
    if v is None:
        return None
    if isinstance(v, (datetime, date)):
        return v.isoformat()
    return str(v)


def _label(v: object, every: str | None) -> str:
    if isinstance(v, datetime):
        if every is not None and re.search(r"\d(?:d|w|mo|q|y)", every) and not re.search(
            r"\d(?:ns|us|ms|s|m|h)(?:\d|$)", every
        ):
            return v.date().isoformat()
        return v.strftime("%Y-%m-%d %H:%M:%S" if v.second else "%Y-%m-%d %H:%M")
    return _iso(v) or ""


def time_ordered(df: pl.DataFrame, time_column: str | None) -> tuple[pl.DataFrame, int]:
    """Rows with a timestamp in time order (stable), and how many rows had none.

    Without ``time_column`` the frame is returned as is. A text column is parsed as datetimes;
    a column that is neither temporal nor parseable is an InputError naming it.
    """
    if time_column is None:
        return df, 0
    if time_column not in df.columns:
        raise InputError(f"time column {time_column!r} is not in the current data")
    dtype = df.schema[time_column]
    if dtype == pl.String:
        try:
            parsed = df[time_column].str.to_datetime(strict=True)
        except (pl.exceptions.ComputeError, pl.exceptions.InvalidOperationError):
            raise InputError(
                f"time column {time_column!r} is text that does not parse as datetimes; "
                "fix the values or write it as a Date/Datetime column"
            ) from None
        df = df.with_columns(parsed.alias(time_column))
    elif not isinstance(dtype, (pl.Date, pl.Datetime)):
        raise InputError(
            f"time column {time_column!r} has dtype {dtype}; it must be a Date or Datetime "
            "(or ISO 8601 text)"
        )
    missing = int(df[time_column].null_count())
    if missing:
        df = df.filter(pl.col(time_column).is_not_null())
    return df.sort(time_column, maintain_order=True), missing


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
                start, end = _iso(frame[time_column][0]), _iso(frame[time_column][-1])
            windows.append(Window(i, f"rows {first}-{last}", start, end, first, frame))
        return windows, missing
    assert spec.every is not None and time_column is not None
    key = "__window_start"
    keyed = ordered.with_columns(pl.col(time_column).dt.truncate(spec.every).alias(key))
    starts = keyed[key].unique(maintain_order=True)
    ends = starts.dt.offset_by(spec.every)
    first = 0
    parts = keyed.partition_by(key, as_dict=True, maintain_order=True, include_key=False)
    for i, (s, e) in enumerate(zip(starts, ends, strict=True)):
        frame = parts[(s,)]
        windows.append(Window(i, _label(s, spec.every), _iso(s), _iso(e), first, frame))
        first += frame.height
    return windows, missing


@dataclass(frozen=True)
class WindowRule:
    """Breach when the drift share exceeds ``max_drift_share`` in ``consecutive`` windows."""

    max_drift_share: float | None = None
    consecutive: int = 1
    severity: Severity = "fail"
    min_rows: int | None = None  # None: the run's min_segment_rows

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, as echoed in reports."""
        raise NotImplementedError


def window_rule_from_mapping(data: object, source: str) -> WindowRule:
    """Validate a parsed ``[windows]`` table (ConfigError naming ``source`` and the key)."""
    raise NotImplementedError


@dataclass(frozen=True)
class WindowColumn:
    """One column's result in one window (lean: no summaries or distributions)."""

    column: str
    status: str  # Status value: ok | drift | skipped | error
    test: str | None
    statistic: float | None
    pvalue: float | None  # adjusted within the window when a correction is configured
    threshold: float | None
    drift_score: float | None


@dataclass(frozen=True)
class WindowResult:
    """One window: its rows, drift verdicts and (with a model) performance metrics."""

    index: int
    label: str
    start: str | None
    end: str | None
    first_row: int
    rows: int
    status: Literal["tested", "too_small"]
    dataset: DatasetVerdict | None = None
    columns: tuple[WindowColumn, ...] = ()
    performance: Mapping[str, float | None] | None = None  # metric -> value on this window
    exceeds: bool = False  # drift share above the rule's max_drift_share


@dataclass(frozen=True)
class WindowRuleOutcome:
    """The consecutive-window rule's verdict."""

    status: Literal["pass", "warn", "fail"]
    longest_run: int  # most consecutive exceeding windows
    runs: tuple[tuple[int, int], ...]  # (first, last) window index of each qualifying run
    message: str


@dataclass(frozen=True)
class WindowSection:
    """Drift (and model performance) per window of the current data."""

    window: str
    by: Literal["time", "rows"]
    time_column: str | None
    rows_without_time: int
    windows: tuple[WindowResult, ...]
    columns: tuple[str, ...]  # the drift-tested columns, in report order
    performance_reference: Mapping[str, float | None] | None = None  # metrics on the reference
    rule: WindowRule | None = None
    rule_outcome: WindowRuleOutcome | None = None


#: Supplied by the engine: test every planned column of one window against the reference and
#: apply the run's correction across that window's columns.
AnalyseWindow = Callable[[pl.DataFrame], "tuple[list[ColumnResult], DatasetVerdict]"]


def run_windows(
    current: pl.DataFrame,
    spec: WindowSpec,
    time_column: str | None,
    analyse: AnalyseWindow,
    *,
    rule: WindowRule | None = None,
    min_rows: int = 30,
    performance: PerformanceSpec | None = None,
    performance_reference: Mapping[str, float | None] | None = None,
) -> WindowSection:
    """Split ``current`` into windows, analyse each, and apply the consecutive-window rule."""
    raise NotImplementedError


__all__ = [
    "AnalyseWindow",
    "Window",
    "WindowColumn",
    "WindowResult",
    "WindowRule",
    "WindowRuleOutcome",
    "WindowSection",
    "WindowSpec",
    "parse_window",
    "run_windows",
    "split_windows",
    "time_ordered",
]
