"""Time windows: split the current data into windows and track drift (and the model) per window.

``window`` is a Polars duration string (``"1d"``, ``"6h"``, ``"1w"``, ``"1mo"``, ``"2d12h"``) that
needs ``time_column``, or a row count (``"1000 rows"``, ``"1000rows"`` or Polars' index-count form
``"1000i"``). Time windows are tumbling and calendar-aligned: a row belongs to the window that
starts at its timestamp truncated to the duration (``Expr.dt.truncate``), so ``1d`` windows are
calendar days and ``1w`` windows start on Mondays. For a time-zone-aware column the days are
those of the column's time zone (a Europe/Berlin column gets Berlin midnights, 23- and 25-hour
days at DST changes); a naive column is taken as it is; ISO 8601 text is parsed, and text with
UTC offsets becomes UTC. A Date column cannot take windows shorter than a day (ConfigError).
Row windows are consecutive blocks of rows in time order (file order without ``time_column``);
the last one may be shorter. Rows whose timestamp is missing belong to no window, with row
windows too; they are counted in ``WindowSection.rows_without_time``. Rows with equal timestamps
keep their file order. Windows without rows (a day with no data) are not listed.

Each window with at least ``min_rows`` rows (``[windows] min_rows``, else the run's
``min_segment_rows``) is tested: every planned column against the *whole* reference, with the
run's multiple-testing correction applied across that window's columns (``WindowColumn.pvalue``
is the adjusted p-value when a correction is configured). Smaller windows are ``too_small``:
listed, not tested. ``WindowSection.columns`` lists every column any tested window returned, in
order of first appearance (the first tested window's order, then columns first seen later).
With a model, each tested window also gets its performance metrics (no bootstrap interval).

The consecutive-window rule (``[windows]``, off unless ``max_drift_share`` is set)
    A tested window *exceeds* when its dataset drift share is strictly above
    ``max_drift_share`` (a share exactly at it does not). A run is a sequence of exceeding
    windows that are consecutive in time: a ``too_small`` window breaks a run, and for time
    windows so does a missing calendar window (a window whose start is not the previous
    window's end; a day without rows breaks "3 consecutive days"). Row windows have no gaps.
    A run of at least ``consecutive`` windows is a finding with ``severity`` (warn | fail);
    otherwise the rule passes. The outcome gives the longest run and every qualifying run as
    (first, last) window indexes.

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

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Literal

import polars as pl

from driftcli.errors import ConfigError, InputError, reject_unknown_keys
from driftcli.severity import Severity, check_severity

if TYPE_CHECKING:  # model imports config, which imports this module
    from driftcli.model import ColumnResult, DatasetVerdict
    from driftcli.performance import PerformanceSpec


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


def parse_time_column(df: pl.DataFrame, column: str, role: str = "current") -> pl.DataFrame:
    """``df`` with a text time column parsed as datetimes (ISO 8601; an offset or ``Z`` gives
    UTC); Date/Datetime columns pass through. Anything else is an InputError naming it."""
    dtype = df.schema[column]
    if dtype == pl.String:
        try:
            # Eager on the Series: Polars' expression form refuses text with an offset unless
            # a format or time zone is given; the eager form infers both.
            parsed = df[column].str.to_datetime(strict=True)
        except (pl.exceptions.ComputeError, pl.exceptions.InvalidOperationError):
            raise InputError(
                f"time column {column!r} in the {role} data is text that does not parse as "
                "datetimes; fix the values or write it as a Date/Datetime column"
            ) from None
        return df.with_columns(parsed.alias(column))
    if not isinstance(dtype, (pl.Date, pl.Datetime)):
        raise InputError(
            f"time column {column!r} in the {role} data has dtype {dtype}; it must be a Date "
            "or Datetime (or ISO 8601 text)"
        )
    return df


def time_ordered(df: pl.DataFrame, time_column: str | None) -> tuple[pl.DataFrame, int]:
    """Rows with a timestamp in time order (stable), and how many rows had none.

    Without ``time_column`` the frame is returned as is. A text column is parsed as datetimes;
    a column that is neither temporal nor parseable is an InputError naming it.
    """
    if time_column is None:
        return df, 0
    if time_column not in df.columns:
        raise InputError(f"time column {time_column!r} is not in the current data")
    df = parse_time_column(df, time_column)
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
                start, end = iso_text(frame[time_column][0]), iso_text(frame[time_column][-1])
            windows.append(Window(i, f"rows {first}-{last}", start, end, first, frame))
        return windows, missing
    assert spec.every is not None and time_column is not None
    if ordered.schema[time_column] == pl.Date and _SUB_DAY.search(spec.every):
        raise ConfigError(
            f"window {spec.text!r} is shorter than a day but time column {time_column!r} holds "
            "dates without a time of day; use a window of whole days such as '1d'"
        )
    key = "__window_start"
    keyed = ordered.with_columns(pl.col(time_column).dt.truncate(spec.every).alias(key))
    starts = keyed[key].unique(maintain_order=True)
    ends = starts.dt.offset_by(spec.every)
    first = 0
    parts = keyed.partition_by(key, as_dict=True, maintain_order=True, include_key=False)
    for i, (s, e) in enumerate(zip(starts, ends, strict=True)):
        frame = parts[(s,)]
        windows.append(
            Window(i, window_label(s, spec.every), iso_text(s), iso_text(e), first, frame)
        )
        first += frame.height
    return windows, missing


@dataclass(frozen=True)
class WindowRule:
    """Breach when the drift share exceeds ``max_drift_share`` in ``consecutive`` windows."""

    max_drift_share: float | None = None
    consecutive: int = 1
    severity: Severity = "fail"
    min_rows: int | None = None  # None: the run's min_segment_rows

    def __post_init__(self) -> None:
        share = self.max_drift_share
        if share is not None:
            if isinstance(share, bool) or not isinstance(share, (int, float)):
                raise ConfigError(
                    f"windows: max_drift_share must be a number above 0 and at most 1, "
                    f"got {share!r}"
                )
            if not math.isfinite(share) or not 0 < share <= 1:
                raise ConfigError(
                    f"windows: max_drift_share must be above 0 and at most 1, got {share!r}"
                )
            object.__setattr__(self, "max_drift_share", float(share))
        if not _whole(self.consecutive):
            raise ConfigError(
                f"windows: consecutive must be a whole number >= 1, got {self.consecutive!r}"
            )
        check_severity(self.severity, "windows")
        if self.min_rows is not None and not _whole(self.min_rows):
            raise ConfigError(
                f"windows: min_rows must be a whole number >= 1, got {self.min_rows!r}"
            )

    @property
    def enabled(self) -> bool:
        """True when ``max_drift_share`` is set (the rule is off otherwise)."""
        return self.max_drift_share is not None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, as echoed in reports."""
        return {
            "max_drift_share": self.max_drift_share,
            "consecutive": self.consecutive,
            "severity": self.severity,
            "min_rows": self.min_rows,
        }


_RULE_KEYS: tuple[str, ...] = ("max_drift_share", "consecutive", "severity", "min_rows")


def _whole(value: object) -> bool:
    return not isinstance(value, bool) and isinstance(value, int) and value >= 1


def window_rule_from_mapping(data: object, source: str) -> WindowRule:
    """Validate a parsed ``[windows]`` table (ConfigError naming ``source`` and the key)."""
    where = f"{source}: windows"
    if not isinstance(data, Mapping):
        raise ConfigError(f"{where} must be a table: [windows]")
    reject_unknown_keys(data, _RULE_KEYS, where)
    try:
        return WindowRule(**{str(k): v for k, v in data.items()})
    except ConfigError as exc:
        raise ConfigError(f"{source}: {exc}") from None


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
    """Split ``current`` into windows, analyse each, and apply the consecutive-window rule.

    A window with fewer rows than ``rule.min_rows`` (when set, else ``min_rows``) is
    ``too_small``: not analysed, no performance, never exceeding. ``analyse`` is called once per
    tested window with that window's rows; with ``performance`` (its task fixed) each tested
    window's metrics come from :func:`driftcli.performance.evaluate` (no bootstrap).
    """
    from driftcli.performance import evaluate  # performance sits beside config in the imports

    windows, missing = split_windows(current, spec, time_column)
    floor = rule.min_rows if rule is not None and rule.min_rows is not None else min_rows
    share = rule.max_drift_share if rule is not None else None
    results: list[WindowResult] = []
    names: dict[str, None] = {}  # insertion-ordered set of column names
    for w in windows:
        rows = w.frame.height
        if rows < floor:
            results.append(
                WindowResult(w.index, w.label, w.start, w.end, w.first_row, rows, "too_small")
            )
            continue
        column_results, verdict = analyse(w.frame)
        columns = tuple(_lean(c) for c in column_results)
        for c in columns:
            names.setdefault(c.column)
        metrics = None
        if performance is not None:
            metrics = dict(evaluate(w.frame, performance).metrics)
        results.append(
            WindowResult(
                w.index,
                w.label,
                w.start,
                w.end,
                w.first_row,
                rows,
                "tested",
                dataset=verdict,
                columns=columns,
                performance=metrics,
                exceeds=share is not None and verdict.drift_share > share,
            )
        )
    outcome = None
    if rule is not None and rule.max_drift_share is not None:
        outcome = _rule_outcome(results, rule, rule.max_drift_share, spec.by)
    return WindowSection(
        window=spec.text,
        by=spec.by,
        time_column=time_column,
        rows_without_time=missing,
        windows=tuple(results),
        columns=tuple(names),
        performance_reference=performance_reference,
        rule=rule,
        rule_outcome=outcome,
    )


def _lean(c: ColumnResult) -> WindowColumn:
    pvalue = c.pvalue_adjusted if c.pvalue_adjusted is not None else c.pvalue
    return WindowColumn(
        column=c.column,
        status=str(c.status),
        test=c.test,
        statistic=c.statistic,
        pvalue=pvalue,
        threshold=c.threshold,
        drift_score=c.drift_score,
    )


def _exceeding_runs(
    windows: list[WindowResult], by: Literal["time", "rows"]
) -> list[tuple[int, int]]:
    """(first, last) list positions of every run of consecutive exceeding windows."""
    runs: list[tuple[int, int]] = []
    for pos, w in enumerate(windows):
        if not w.exceeds:
            continue
        prev = windows[pos - 1] if pos else None
        adjacent = (
            prev is not None
            and prev.exceeds
            and (by == "rows" or (prev.end is not None and prev.end == w.start))
        )
        if adjacent:
            runs[-1] = (runs[-1][0], pos)
        else:
            runs.append((pos, pos))
    return runs


def _span(windows: list[WindowResult], run: tuple[int, int]) -> str:
    first, last = windows[run[0]], windows[run[1]]
    return first.label if run[0] == run[1] else f"{first.label} to {last.label}"


def _rule_outcome(
    windows: list[WindowResult], rule: WindowRule, share: float, by: Literal["time", "rows"]
) -> WindowRuleOutcome:
    runs = _exceeding_runs(windows, by)
    longest = max((last - first + 1 for first, last in runs), default=0)
    qualifying = [r for r in runs if r[1] - r[0] + 1 >= rule.consecutive]
    above = f"dataset drift share above {share * 100:g}%"
    need = f"rule: {rule.consecutive} ({rule.severity})"

    def plural(n: int) -> str:
        return f"{n} consecutive window{'s' if n != 1 else ''}"

    if qualifying:
        worst = max(qualifying, key=lambda r: (r[1] - r[0], -r[0]))
        more = len(qualifying) - 1
        extra = f", and {more} more run{'s' if more != 1 else ''}" if more else ""
        message = f"{above} in {plural(longest)} ({_span(windows, worst)}{extra}); {need}"
        status: Literal["pass", "warn", "fail"] = rule.severity
    elif runs:
        worst = max(runs, key=lambda r: (r[1] - r[0], -r[0]))
        message = f"{above} in at most {plural(longest)} ({_span(windows, worst)}); {need} not met"
        status = "pass"
    else:
        message = f"no window had a {above}; {need} not met"
        status = "pass"
    return WindowRuleOutcome(
        status=status,
        longest_run=longest,
        runs=tuple((windows[a].index, windows[b].index) for a, b in qualifying),
        message=message,
    )


__all__ = [
    "AnalyseWindow",
    "Window",
    "WindowColumn",
    "WindowResult",
    "WindowRule",
    "WindowRuleOutcome",
    "WindowSection",
    "WindowSpec",
    "iso_text",
    "parse_time_column",
    "parse_window",
    "run_windows",
    "split_windows",
    "time_ordered",
    "window_label",
]
