"""Time and row windows: parsing, splitting, the [windows] rule and per-window analysis.

``run_windows`` is driven by a fake ``analyse`` that reads how many of ten columns drift from a
column ``k`` of the window's rows, so each window's drift share is chosen by the test.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import polars as pl
import pytest

from driftcli.config import config_from_mapping
from driftcli.errors import ConfigError, InputError
from driftcli.results.records import ColumnResult, DatasetVerdict
from driftcli.results.vocabulary import Kind, Severity, Status
from driftcli.sections.performance.metrics import PerformanceSpec, evaluate
from driftcli.sections.windows.compute import run_windows
from driftcli.sections.windows.config import WindowRule, window_rule_from_mapping
from driftcli.sections.windows.result import WindowColumn
from driftcli.timeline import (
    date_order,
    parse_time_column,
    parse_window,
    split_windows,
    time_ordered,
)

# ------------------------------------------------------------------------------ parse_window


@pytest.mark.parametrize(
    ("text", "every"),
    [
        ("1d", "1d"),
        ("6h", "6h"),
        ("1w", "1w"),
        ("1mo", "1mo"),
        ("1q", "1q"),
        ("2d12h", "2d12h"),
        ("90s", "90s"),
        ("500ms", "500ms"),
        (" 1 d ", "1d"),
        ("1h30m", "1h30m"),
    ],
)
def test_parse_window_durations(text: str, every: str) -> None:
    spec = parse_window(text)
    assert spec.every == every
    assert spec.rows is None
    assert spec.by == "time"


@pytest.mark.parametrize(
    ("text", "rows"),
    [("1000 rows", 1000), ("1000rows", 1000), ("1000 ROWS", 1000), ("1 row", 1), ("1000i", 1000)],
)
def test_parse_window_row_counts(text: str, rows: int) -> None:
    spec = parse_window(text)
    assert spec.rows == rows
    assert spec.every is None
    assert spec.by == "rows"
    assert spec.text == text.strip()


@pytest.mark.parametrize(
    "text", ["", "   ", "0 rows", "0i", "0d", "1x", "d", "1.5d", "-1d", "1D", "1000 lines", "rows"]
)
def test_parse_window_rejects(text: str) -> None:
    with pytest.raises(ConfigError, match="window"):
        parse_window(text)


def test_parse_window_rejects_non_text_and_names_where() -> None:
    with pytest.raises(ConfigError, match="--window"):
        parse_window(5, "--window")  # type: ignore[arg-type]


# ----------------------------------------------------------------------------- split_windows


def test_time_windows_are_calendar_days_in_time_order() -> None:
    df = pl.DataFrame(
        {
            "ts": [
                datetime(2025, 3, 4, 1, 0),
                datetime(2025, 3, 2, 0, 0),
                datetime(2025, 3, 1, 23, 59),
                datetime(2025, 3, 2, 12, 0),
            ],
            "v": [3, 1, 0, 2],
        }
    )
    windows, missing = split_windows(df, parse_window("1d"), "ts")
    assert missing == 0
    assert [w.label for w in windows] == ["2025-03-01", "2025-03-02", "2025-03-04"]
    assert [w.index for w in windows] == [0, 1, 2]
    assert [w.first_row for w in windows] == [0, 1, 3]
    assert [w.frame["v"].to_list() for w in windows] == [[0], [1, 2], [3]]
    assert windows[1].start == "2025-03-02T00:00:00"
    assert windows[1].end == "2025-03-03T00:00:00"
    assert windows[2].start == "2025-03-04T00:00:00"  # the empty 3rd is not listed
    assert "__window_start" not in windows[0].frame.columns


def test_sub_day_windows_are_labelled_with_the_time() -> None:
    df = pl.DataFrame({"ts": [datetime(2025, 3, 1, 5, 59), datetime(2025, 3, 1, 6, 0)]})
    windows, _ = split_windows(df, parse_window("6h"), "ts")
    assert [w.label for w in windows] == ["2025-03-01 00:00", "2025-03-01 06:00"]
    assert windows[1].end == "2025-03-01T12:00:00"


def test_date_column_days_and_monday_weeks() -> None:
    days = [date(2025, 3, 1) + timedelta(days=i) for i in range(10)]  # Sat 1 .. Mon 10
    df = pl.DataFrame({"d": days})
    daily, _ = split_windows(df, parse_window("1d"), "d")
    assert len(daily) == 10
    assert daily[0].start == "2025-03-01" and daily[0].end == "2025-03-02"
    weekly, _ = split_windows(df, parse_window("1w"), "d")
    assert [w.label for w in weekly] == ["2025-02-24", "2025-03-03", "2025-03-10"]
    assert [w.frame.height for w in weekly] == [2, 7, 1]


def test_date_column_rejects_sub_day_windows() -> None:
    df = pl.DataFrame({"d": [date(2025, 3, 1)]})
    with pytest.raises(ConfigError, match="shorter than a day"):
        split_windows(df, parse_window("6h"), "d")


def test_tz_aware_days_follow_the_columns_time_zone() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    df = pl.DataFrame(
        {
            "ts": [
                datetime(2025, 3, 1, 23, 30, tzinfo=berlin),  # 22:30 UTC
                datetime(2025, 3, 2, 0, 30, tzinfo=berlin),  # 23:30 UTC on the 1st
                datetime(2025, 3, 30, 12, 0, tzinfo=berlin),  # the spring DST change
            ]
        },
        schema={"ts": pl.Datetime("us", "Europe/Berlin")},
    )
    windows, _ = split_windows(df, parse_window("1d"), "ts")
    assert [w.label for w in windows] == ["2025-03-01", "2025-03-02", "2025-03-30"]
    assert windows[0].start == "2025-03-01T00:00:00+01:00"
    assert windows[2].end == "2025-03-31T00:00:00+02:00"  # a 23-hour day


def test_text_time_column_is_parsed() -> None:
    df = pl.DataFrame({"ts": ["2025-03-02T10:00:00", "2025-03-01T09:00:00"], "v": [1, 0]})
    windows, _ = split_windows(df, parse_window("1d"), "ts")
    assert [w.label for w in windows] == ["2025-03-01", "2025-03-02"]
    assert windows[0].frame.schema["ts"] == pl.Datetime("us")


@pytest.mark.parametrize(
    "values", [["2025-03-01", "not a date"], ["yesterday", "today"]], ids=["one-bad", "all-bad"]
)
def test_unparseable_text_time_column_is_an_input_error(values: list[str]) -> None:
    with pytest.raises(InputError, match=r"'ts'.*does not parse"):
        split_windows(pl.DataFrame({"ts": values}), parse_window("1d"), "ts")


@pytest.mark.parametrize(
    ("values", "order"),
    [
        (["31/01/2024", "01/02/2024"], "day first"),  # 31 is a day
        (["01/28/2024 10:00", "02/01/2024 09:00", None], "month first"),  # 28 is a day
        (["01.28.2024", "1-5-2024"], "month first"),  # dots and dashes too
        (["01/02/2024", "03/04/2024"], "either"),  # 1 February or 2 January
        (["01/01/2024", "05/05/2024"], None),  # the same either way
        (["31/01/2024", "01/28/2024"], "mixed"),
        (["2024-01-02", "2024-01-28"], None),  # ISO 8601
        (["01/02/2024", "tomorrow"], None),  # not all numeric dates
    ],
)
def test_date_order_of_numeric_dates(values: list[str | None], order: str | None) -> None:
    assert date_order(pl.Series(values, dtype=pl.String)) == order


def test_date_order_is_day_first_or_month_first() -> None:
    assert config_from_mapping({"date_order": "month first"}).date_order == "month first"
    with pytest.raises(ConfigError, match="date_order must be one of 'day first', 'month first'"):
        config_from_mapping({"date_order": "mm/dd"})


def test_month_first_text_is_read_month_first() -> None:
    # Polars reads a/b/yyyy day first (pl.Series(["01/05/2024"]).str.to_datetime(): 1 May),
    # so a month-first log failed at its first day past the 12th. A second number above 12
    # shows the order: 01/05 is 5 January beside 01/28.
    df = pl.DataFrame({"ts": ["01/05/2024 10:00", "01/28/2024 10:00", "02/01/2024 09:30"]})
    parsed = parse_time_column(df, "ts")["ts"].to_list()
    assert parsed == [
        datetime(2024, 1, 5, 10, 0),
        datetime(2024, 1, 28, 10, 0),
        datetime(2024, 2, 1, 9, 30),
    ]
    windows, _ = split_windows(df, parse_window("1d"), "ts")
    assert [w.label for w in windows] == ["2024-01-05", "2024-01-28", "2024-02-01"]


def test_dates_written_both_ways_in_one_column_are_named_as_such() -> None:
    df = pl.DataFrame({"ts": ["31/01/2024 10:00", "01/28/2024 10:00"]})
    with pytest.raises(InputError, match=r"does not parse as datetimes \(some dates are written"):
        split_windows(df, parse_window("1d"), "ts")


def test_time_column_must_exist_and_be_temporal() -> None:
    df = pl.DataFrame({"n": [1, 2]})
    with pytest.raises(InputError, match="'ts' is not in the current data"):
        time_ordered(df, "ts")
    with pytest.raises(InputError, match="'n' in the current data has dtype") as epoch:
        time_ordered(df, "n")
    assert "numbers since 1970 are not read as times" in str(epoch.value)  # seconds or ms?
    with pytest.raises(
        InputError, match=r"has dtype Boolean; it must be a Date or Datetime \(or ISO 8601 text\)$"
    ):
        time_ordered(pl.DataFrame({"b": [True, False]}), "b")


def test_null_timestamps_are_counted_and_left_out() -> None:
    df = pl.DataFrame(
        {
            "ts": [datetime(2025, 3, 1, 1), None, datetime(2025, 3, 1, 2), None, None],
            "v": [0, 1, 2, 3, 4],
        }
    )
    windows, missing = split_windows(df, parse_window("1d"), "ts")
    assert missing == 3
    assert [w.frame["v"].to_list() for w in windows] == [[0, 2]]
    rows, missing_rows = split_windows(df, parse_window("1 rows"), "ts")
    assert missing_rows == 3 and len(rows) == 2


def test_equal_timestamps_keep_file_order() -> None:
    rng = np.random.default_rng(7)
    n = 2000
    hours = rng.integers(0, 48, n)
    df = pl.DataFrame(
        {"ts": [datetime(2025, 3, 1) + timedelta(hours=int(h)) for h in hours], "id": range(n)}
    )
    windows, _ = split_windows(df, parse_window("1d"), "ts")
    got = pl.concat([w.frame for w in windows])
    expected = df.with_columns(pl.Series("h", hours)).sort("h", maintain_order=True)
    assert got["id"].to_list() == expected["id"].to_list()


def test_rows_in_time_order_and_nulls_last_split_alike() -> None:
    # The run hands split_windows rows already in time order, rows without a time last
    # (RunContext.timed_current); those are taken as they are and must split as shuffled ones.
    rng = np.random.default_rng(11)
    n = 500
    stamps: list[datetime | None] = [
        datetime(2025, 3, 1) + timedelta(minutes=int(m)) for m in rng.integers(0, 4320, n)
    ]
    stamps[::50] = [None] * len(stamps[::50])
    df = pl.DataFrame({"ts": stamps, "id": range(n)}, schema={"ts": pl.Datetime, "id": pl.Int64})
    ordered = df.sort("ts", maintain_order=True, nulls_last=True)
    for frame in (df, ordered):
        windows, missing = split_windows(frame, parse_window("1d"), "ts")
        assert missing == 10
        assert [w.frame.height for w in windows] == [
            int(c)
            for c in df.drop_nulls("ts").group_by(pl.col("ts").dt.date()).len().sort("ts")["len"]
        ]
        got = pl.concat([w.frame for w in windows])
        assert got["id"].to_list() == ordered.drop_nulls("ts")["id"].to_list()
        assert [w.first_row for w in windows] == [
            0,
            *np.cumsum([w.frame.height for w in windows])[:-1],
        ]


@pytest.mark.parametrize("every", ["1h", "90m"])
def test_windows_at_a_dst_change_keep_every_row_once(every: str) -> None:
    # New York's November change: 1h windows start at 01:00 EDT and again at 01:00 EST (two
    # starts Python's datetimes call equal), and 90m windows' starts go back (01:00 EST
    # truncates to 00:00 EDT, after the 01:30 EDT window), so that window's rows are two runs.
    # Both used to lose rows and repeat a window.
    stamps = pl.datetime_range(
        datetime(2025, 11, 2, 4), datetime(2025, 11, 2, 9), "10m", time_zone="UTC", eager=True
    ).dt.convert_time_zone("America/New_York")
    df = pl.DataFrame({"ts": stamps, "i": range(len(stamps))})
    keys = df["ts"].dt.truncate(every)
    expected = df.with_columns(keys.alias("k")).group_by("k", maintain_order=True).agg("i")
    windows, _ = split_windows(df, parse_window(every), "ts")
    assert [w.frame["i"].to_list() for w in windows] == expected["i"].to_list()
    assert sorted(i for w in windows for i in w.frame["i"]) == list(range(df.height))
    assert len({w.start for w in windows}) == len(windows)  # each start names its instant
    assert len({w.label for w in windows}) == len(windows)
    if every == "1h":
        labels = [w.label for w in windows]
        assert labels[1:3] == ["2025-11-02 01:00 EDT", "2025-11-02 01:00 EST"]
        assert labels[0] == "2025-11-02 00:00"  # a label said once keeps its short form


def test_row_windows_without_time_column_keep_file_order() -> None:
    df = pl.DataFrame({"v": list(range(25))})
    windows, missing = split_windows(df, parse_window("10 rows"), None)
    assert missing == 0
    assert [w.frame.height for w in windows] == [10, 10, 5]
    assert [w.label for w in windows] == ["rows 0-9", "rows 10-19", "rows 20-24"]
    assert [w.first_row for w in windows] == [0, 10, 20]
    assert windows[0].start is None and windows[0].end is None
    assert windows[2].frame["v"].to_list() == list(range(20, 25))


def test_row_windows_with_time_column_are_in_time_order() -> None:
    ts = [datetime(2025, 3, 1) + timedelta(hours=h) for h in (5, 1, 3, 0, 4, 2)]
    df = pl.DataFrame({"ts": ts, "v": [5, 1, 3, 0, 4, 2]})
    windows, _ = split_windows(df, parse_window("4i"), "ts")
    assert [w.frame["v"].to_list() for w in windows] == [[0, 1, 2, 3], [4, 5]]
    assert windows[0].start == "2025-03-01T00:00:00"
    assert windows[0].end == "2025-03-01T03:00:00"  # the last timestamp of a row window


def test_duration_without_time_column_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="needs a time column"):
        split_windows(pl.DataFrame({"v": [1]}), parse_window("1d"), None)


# ------------------------------------------------------------------------------- the rule


def test_rule_from_mapping_and_to_dict() -> None:
    table = {"max_drift_share": 0.3, "consecutive": 3, "severity": "warn", "min_rows": 10}
    rule = window_rule_from_mapping(table, "drift.toml")
    assert rule == WindowRule(0.3, 3, Severity.WARN, 10)
    assert rule.to_dict() == table
    assert rule.enabled
    assert window_rule_from_mapping({}, "drift.toml") == WindowRule()
    assert not WindowRule().enabled
    assert WindowRule().to_dict() == {
        "max_drift_share": None,
        "consecutive": 1,
        "severity": "fail",
        "min_rows": None,
    }
    one = window_rule_from_mapping({"max_drift_share": 1}, "drift.toml")
    assert one.max_drift_share == 1.0 and isinstance(one.max_drift_share, float)


def test_rule_unknown_key_names_source_key_and_valid_keys() -> None:
    with pytest.raises(ConfigError) as info:
        window_rule_from_mapping({"max_drift_share": 0.3, "consecutve": 3}, "drift.toml")
    msg = str(info.value)
    assert msg.startswith("drift.toml: windows: unknown key 'consecutve'")
    assert "valid keys: max_drift_share, consecutive, severity, min_rows" in msg


def test_rule_must_be_a_table() -> None:
    with pytest.raises(ConfigError, match=r"drift.toml: windows must be a table: \[windows\]"):
        window_rule_from_mapping(0.3, "drift.toml")


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("max_drift_share", 0),
        ("max_drift_share", 0.0),
        ("max_drift_share", 1.5),
        ("max_drift_share", -0.1),
        ("max_drift_share", "0.3"),
        ("max_drift_share", True),
        ("max_drift_share", math.nan),
        ("max_drift_share", math.inf),
        ("consecutive", 0),
        ("consecutive", 1.5),
        ("consecutive", True),
        ("consecutive", "3"),
        ("severity", "error"),
        ("severity", "FAIL"),
        ("min_rows", 0),
        ("min_rows", 2.0),
        ("min_rows", False),
    ],
)
def test_rule_rejects_bad_values(key: str, value: object) -> None:
    with pytest.raises(ConfigError, match=rf"^drift.toml: windows: (unknown )?{key}"):
        window_rule_from_mapping({key: value}, "drift.toml")
    with pytest.raises(ConfigError, match=rf"^windows: (unknown )?{key}"):
        WindowRule(**{key: value})  # type: ignore[arg-type]


def test_config_reads_the_windows_table() -> None:
    cfg = config_from_mapping(
        {"time_column": "ts", "window": "1d", "windows": {"max_drift_share": 0.3}}, "drift.toml"
    )
    assert cfg.section(WindowRule) == WindowRule(max_drift_share=0.3)
    with pytest.raises(ConfigError, match=r"drift\.toml: windows: unknown key 'share'"):
        config_from_mapping({"windows": {"share": 0.3}}, "drift.toml")


# ----------------------------------------------------------------------------- run_windows

COLS = tuple(f"f{i}" for i in range(10))
START = date(2025, 3, 1)


def daily(ks: Sequence[int | None], rows: int = 40, seed: int = 0) -> pl.DataFrame:
    """``rows`` rows per day from START; ``k`` is how many of COLS drift on that day.

    None is a day without rows. Also a binary target ``y`` and a prediction ``p`` right 80% of
    the time.
    """
    rng = np.random.default_rng(seed)
    parts = []
    for day, k in enumerate(ks):
        if k is None:
            continue
        minutes = np.sort(rng.integers(0, 24 * 60, rows))
        base = datetime.combine(START + timedelta(days=day), datetime.min.time())
        y = rng.integers(0, 2, rows)
        p = np.where(rng.random(rows) < 0.8, y, 1 - y)
        parts.append(
            pl.DataFrame(
                {
                    "ts": [base + timedelta(minutes=int(m)) for m in minutes],
                    "k": np.full(rows, k),
                    "y": y,
                    "p": p,
                }
            )
        )
    return pl.concat(parts)


class FakeAnalyse:
    """Columns f0..f(k-1) drift; records the frames it was called with."""

    def __init__(self, extra_from_call: int | None = None) -> None:
        self.frames: list[pl.DataFrame] = []
        self.extra_from_call = extra_from_call

    def __call__(self, frame: pl.DataFrame) -> tuple[list[ColumnResult], DatasetVerdict]:
        self.frames.append(frame)
        k = int(frame["k"][0])
        cols = [
            ColumnResult(
                column=name,
                kind=Kind.NUMERIC,
                status=Status.DRIFT if i < k else Status.OK,
                test="ks",
                statistic=0.5 if i < k else 0.05,
                pvalue=0.001 if i < k else 0.4,
                # a correction on odd columns only, to see both p-values used
                pvalue_adjusted=(0.01 if i < k else 0.9) if i % 2 else None,
                threshold=0.05,
                drift_score=0.5 if i < k else 0.05,
            )
            for i, name in enumerate(COLS)
        ]
        if self.extra_from_call is not None and len(self.frames) > self.extra_from_call:
            cols.insert(0, ColumnResult("late", Kind.CATEGORICAL, Status.SKIPPED, reason="empty"))
        return cols, DatasetVerdict.from_columns(cols, 0.5)


def test_run_windows_analyses_each_window() -> None:
    df = daily([0, 2, 5, 5, 1])
    analyse = FakeAnalyse(extra_from_call=2)
    rule = WindowRule(max_drift_share=0.3, consecutive=2)
    section = run_windows(df, parse_window("1d"), "ts", analyse, rule=rule)
    assert section.window == "1d" and section.by == "time" and section.time_column == "ts"
    assert section.rows_without_time == 0
    assert section.rule == rule
    assert [w.status for w in section.windows] == ["tested"] * 5
    assert [f.height for f in analyse.frames] == [40] * 5
    assert [f["ts"].dt.date().unique().to_list() for f in analyse.frames] == [
        [START + timedelta(days=i)] for i in range(5)
    ]
    shares = [w.dataset.drift_share if w.dataset else None for w in section.windows]
    assert shares == [0.0, 0.2, 0.5, 0.5, 0.1]
    assert [w.exceeds for w in section.windows] == [False, False, True, True, False]
    assert [w.rows for w in section.windows] == [40] * 5
    assert section.windows[2].first_row == 80
    # columns: the first tested window's order, then the column first seen in the 3rd window
    assert section.columns == (*COLS, "late")
    first = section.windows[1].columns
    assert first[0] == WindowColumn("f0", Status.DRIFT, "ks", 0.5, 0.001, 0.05, 0.5)
    assert first[1] == WindowColumn("f1", Status.DRIFT, "ks", 0.5, 0.01, 0.05, 0.5)  # adjusted
    assert first[3] == WindowColumn("f3", Status.OK, "ks", 0.05, 0.9, 0.05, 0.05)
    assert section.windows[2].columns[0].status == "skipped"
    assert section.windows[0].performance is None

    outcome = section.rule_outcome
    assert outcome is not None
    assert outcome.status == "fail"
    assert outcome.longest_run == 2
    assert outcome.runs == ((2, 3),)
    assert outcome.message == (
        "dataset drift share above 30% in 2 consecutive windows (2025-03-03 to 2025-03-04); "
        "rule: 2 (fail)"
    )


def test_without_a_rule_nothing_exceeds() -> None:
    df = daily([5, 5])
    for rule in (None, WindowRule(consecutive=1, severity=Severity.WARN)):
        section = run_windows(df, parse_window("1d"), "ts", FakeAnalyse(), rule=rule)
        assert section.rule_outcome is None
        assert not any(w.exceeds for w in section.windows)
        assert section.rule == rule


def test_small_windows_are_not_tested_and_break_a_run() -> None:
    df = daily([5, 5, 5, 5, 5], rows=40).filter(
        (pl.col("ts").dt.day() != 3) | (pl.int_range(pl.len()) % 10 == 0)
    )  # the 3rd day keeps 4 of its 40 rows
    analyse = FakeAnalyse()
    rule = WindowRule(max_drift_share=0.3, consecutive=3)
    section = run_windows(df, parse_window("1d"), "ts", analyse, rule=rule)
    small = section.windows[2]
    assert small.status == "too_small" and small.rows == 4
    assert small.dataset is None and small.columns == () and not small.exceeds
    assert small.label == "2025-03-03" and small.first_row == 80
    assert len(analyse.frames) == 4
    assert section.rule_outcome is not None
    assert section.rule_outcome.status == "pass"
    assert section.rule_outcome.longest_run == 2
    assert section.rule_outcome.runs == ()
    assert section.rule_outcome.message == (
        "dataset drift share above 30% in at most 2 consecutive windows "
        "(2025-03-01 to 2025-03-02); rule: 3 (fail) not met"
    )

    two = run_windows(df, parse_window("1d"), "ts", FakeAnalyse(), rule=WindowRule(0.3, 2))
    assert two.rule_outcome is not None and two.rule_outcome.runs == ((0, 1), (3, 4))
    assert "2 consecutive windows (2025-03-01 to 2025-03-02, and 1 more run)" in (
        two.rule_outcome.message
    )

    # [windows] min_rows overrides the run's min_rows (min_segment_rows)
    low = WindowRule(max_drift_share=0.3, consecutive=3, min_rows=4)
    tested = run_windows(df, parse_window("1d"), "ts", FakeAnalyse(), rule=low, min_rows=30)
    assert tested.windows[2].status == "tested"
    assert tested.rule_outcome is not None and tested.rule_outcome.runs == ((0, 4),)
    assert tested.rule_outcome.longest_run == 5
    fewer = run_windows(df, parse_window("1d"), "ts", FakeAnalyse(), min_rows=5)
    assert fewer.windows[2].status == "too_small"


def test_a_missing_day_breaks_a_run_of_time_windows() -> None:
    df = daily([5, 5, None, 5])
    rule = WindowRule(max_drift_share=0.3, consecutive=3)
    section = run_windows(df, parse_window("1d"), "ts", FakeAnalyse(), rule=rule)
    assert [w.label for w in section.windows] == ["2025-03-01", "2025-03-02", "2025-03-04"]
    assert all(w.exceeds for w in section.windows)
    assert section.windows[1].end != section.windows[2].start
    assert section.rule_outcome is not None
    assert section.rule_outcome.status == "pass"
    assert section.rule_outcome.longest_run == 2

    # the same rows in row windows: no calendar, so no gap
    rows = run_windows(df, parse_window("40 rows"), "ts", FakeAnalyse(), rule=rule)
    assert rows.by == "rows"
    assert rows.rule_outcome is not None and rows.rule_outcome.status == "fail"
    assert rows.rule_outcome.runs == ((0, 2),)
    assert "(rows 0-39 to rows 80-119)" in rows.rule_outcome.message


def test_severity_warn_and_exactly_at_threshold() -> None:
    warn = WindowRule(max_drift_share=0.3, consecutive=2, severity=Severity.WARN)
    section = run_windows(daily([4, 4, 4]), parse_window("1d"), "ts", FakeAnalyse(), rule=warn)
    assert section.rule_outcome is not None
    assert section.rule_outcome.status == "warn"
    assert section.rule_outcome.runs == ((0, 2),)
    assert section.rule_outcome.message.endswith("rule: 2 (warn)")

    # 3 of 10 columns: a share of exactly 0.3 does not exceed 0.3
    at = run_windows(daily([3, 3, 3]), parse_window("1d"), "ts", FakeAnalyse(), rule=warn)
    assert [w.dataset.drift_share if w.dataset else None for w in at.windows] == [0.3] * 3
    assert not any(w.exceeds for w in at.windows)
    assert at.rule_outcome is not None
    assert at.rule_outcome.status == "pass" and at.rule_outcome.longest_run == 0
    assert at.rule_outcome.message == (
        "no window had a dataset drift share above 30%; rule: 2 (warn) not met"
    )


def test_a_rule_too_few_windows_were_tested_for_is_not_evaluated_and_warns() -> None:
    # "1m" typed for "1mo": every window too small to test. The rule cannot be judged, and a
    # rule nobody could check must not read as passed.
    rule = WindowRule(max_drift_share=0.3, consecutive=2)
    small = run_windows(
        daily([5, 5, 5], rows=10), parse_window("1d"), "ts", FakeAnalyse(), rule=rule
    )
    o = small.rule_outcome
    assert o is not None and o.status == "not_evaluated" and o.runs == ()
    assert o.message == (
        "consecutive-window rule not evaluated: 0 of 3 windows tested, and it needs 2 in a "
        "row; 3 had too few rows: use a longer window or a lower [windows] min_rows"
    )
    assert [(f.severity, f.message) for f in small.findings()] == [(Severity.WARN, o.message)]
    assert [c.outcome for c in small.checks()] == ["not_evaluated"]
    # One day of data against a rule of 3 consecutive days: too short, whatever the rows.
    short = run_windows(
        daily([5]), parse_window("1d"), "ts", FakeAnalyse(), rule=WindowRule(0.3, 3)
    )
    assert short.rule_outcome is not None and short.rule_outcome.status == "not_evaluated"
    assert short.rule_outcome.message.endswith(
        "1 window tested, and it needs 3 in a row; the current data spans fewer windows than that"
    )


def test_rows_without_time_are_reported() -> None:
    df = daily([1, 1]).with_columns(
        pl.when(pl.int_range(pl.len()) < 3).then(None).otherwise(pl.col("ts")).alias("ts")
    )
    section = run_windows(df, parse_window("1d"), "ts", FakeAnalyse(), min_rows=10)
    assert section.rows_without_time == 3
    assert [w.rows for w in section.windows] == [37, 40]


def test_per_window_performance_equals_evaluate_on_the_slice() -> None:
    df = daily([0, 1, 2, 3], rows=50, seed=3)
    df = df.filter((pl.col("ts").dt.day() != 2) | (pl.int_range(pl.len()) % 10 == 0))
    spec = PerformanceSpec(target="y", prediction="p", task="binary")
    reference = {"accuracy": 0.8, "f1": 0.8}
    section = run_windows(
        df,
        parse_window("1d"),
        "ts",
        FakeAnalyse(),
        performance=spec,
        performance_reference=reference,
    )
    assert section.performance_reference == reference
    assert section.windows[1].status == "too_small" and section.windows[1].performance is None
    for w in section.windows:
        if w.status != "tested":
            continue
        day = START + timedelta(days=w.index)
        slice_ = df.filter(pl.col("ts").dt.date() == day)
        assert w.performance == evaluate(slice_, spec).metrics
        assert w.performance is not None and set(w.performance) >= {"accuracy", "f1"}

    skm = pytest.importorskip("sklearn.metrics", reason="scikit-learn is the oracle")
    third = df.filter(pl.col("ts").dt.date() == date(2025, 3, 3))
    # sklearn.metrics.accuracy_score(y_true, y_pred) on the 3rd day's rows
    expected = skm.accuracy_score(third["y"].to_numpy(), third["p"].to_numpy())
    assert section.windows[2].performance is not None
    assert section.windows[2].performance["accuracy"] == pytest.approx(expected, abs=1e-12)


def test_sub_second_windows_have_distinct_labels() -> None:
    df = pl.DataFrame(
        {"ts": [datetime(2025, 3, 1, 0, 0, 1), datetime(2025, 3, 1, 0, 0, 1, 600_000)]}
    )
    windows, _ = split_windows(df, parse_window("500ms"), "ts")
    assert [w.label for w in windows] == ["2025-03-01 00:00:01", "2025-03-01 00:00:01.500000"]


def test_windows_against_a_large_reference_equal_the_direct_distance() -> None:
    """A 60k-row reference against daily windows of ~1k rows takes the prefix-sum path for
    the Wasserstein distance (reference prepared once); each window's statistic equals
    scipy.stats.wasserstein_distance(ref, window) / ref.std() to 1e-12."""
    from scipy import stats

    from driftcli import DriftConfig, run_report
    from driftcli.sections.windows.result import WindowSection

    rng = np.random.default_rng(4)
    n, m = 60_000, 5_000
    ref = pl.DataFrame({"x": rng.normal(0.0, 1.0, n), "ts": [datetime(2025, 1, 1)] * n})
    start = datetime(2025, 2, 1)
    cur = pl.DataFrame(
        {
            "x": rng.normal(0.2, 1.0, m),
            "ts": [
                start + timedelta(seconds=int(s)) for s in np.sort(rng.integers(0, 5 * 86_400, m))
            ],
        }
    )
    report = run_report(ref, cur, DriftConfig(test="wasserstein", time_column="ts", window="1d"))
    section = report.section(WindowSection)
    assert section is not None and len(section.windows) == 5
    x_ref = ref["x"].to_numpy()
    for w in section.windows:
        # the current rows are in time order: a window is a run of them
        window = cur["x"].to_numpy()[w.first_row : w.first_row + w.rows]
        assert len(window) == w.rows
        expected = stats.wasserstein_distance(x_ref, window) / np.std(x_ref)
        (col,) = w.columns
        assert col.statistic == pytest.approx(expected, rel=1e-12)


def test_drift_over_time_that_compared_no_window_warns() -> None:
    # Asked for windows, none compared: every current timestamp null, or every window below
    # min_rows. Without a rule nothing else would say so, and the section tested nothing.
    from driftcli import DriftConfig, run_report

    rng = np.random.default_rng(13)
    stamps = [datetime(2025, 1, 1) + timedelta(hours=h) for h in range(400)]
    ref = pl.DataFrame({"ts": stamps, "x": rng.normal(size=400)})
    no_time = pl.DataFrame(
        {"ts": pl.Series([None] * 300, dtype=pl.Datetime("us")), "x": rng.normal(size=300)}
    )
    report = run_report(ref, no_time, DriftConfig(time_column="ts", window="1d"))
    assert (
        "drift over time: no window was compared (300 current rows without a timestamp "
        "in 'ts')" in report.warnings
    )
    small = pl.DataFrame({"ts": stamps[:40], "x": rng.normal(size=40)})
    report = run_report(ref, small, DriftConfig(time_column="ts", window="1h"))
    assert "drift over time: no window was compared (40 windows too small)" in report.warnings
    enough = pl.DataFrame({"ts": stamps[:100], "x": rng.normal(size=100)})
    report = run_report(ref, enough, DriftConfig(time_column="ts", window="2d"))  # 48 rows
    assert not [w for w in report.warnings if w.startswith("drift over time")]


def test_dates_that_read_the_same_either_way_take_any_order() -> None:
    # 01/01/2024 is 1 January whichever number is the day: a run that reads month first
    # (from the other side's dates) reads it without complaint.
    df = pl.DataFrame({"ts": ["01/01/2024 10:00", "02/02/2024 11:00"]})
    for order in (None, "day first", "month first"):
        parsed = parse_time_column(df, "ts", "current", order)["ts"].to_list()
        assert parsed == [datetime(2024, 1, 1, 10, 0), datetime(2024, 2, 2, 11, 0)]
    written = pl.DataFrame({"ts": ["31/01/2024"]})
    with pytest.raises(InputError, match=r"dates written day first \(31/01/2024\), but they"):
        parse_time_column(written, "ts", "current", "month first")


def test_all_windows_at_once_equal_each_window_alone() -> None:
    """``Analysis.frames`` (every window in one call, the work ordered column by column so a
    column's reference stays in the CPU cache) gives each window's columns as ``frame`` does
    for that window alone, in plan order; and no window gives none."""
    from concurrent.futures import ThreadPoolExecutor

    from driftcli.columns.analyse import Analysis
    from driftcli.columns.plan import plan_columns
    from driftcli.config import DriftConfig
    from driftcli.engines.memory import MemoryEngine

    rng = np.random.default_rng(41)

    def side(n: int, shift: float) -> pl.DataFrame:
        return pl.DataFrame(
            {
                "x": rng.normal(shift, 1.0, n),
                "k": rng.integers(0, 9, n).astype(np.float64),
                "c": rng.choice(["a", "b", "c"], n),
                "t": [f"2024-01-{d:02d}" for d in rng.integers(1, 29, n)],
            }
        )

    ref, cur = side(60_000, 0.0), side(9_000, 0.2)
    config = DriftConfig()
    plans = plan_columns(config, ref.schema, cur.schema)
    engine = MemoryEngine()
    with ThreadPoolExecutor(2) as pool:
        analysis = Analysis(config, engine, pool, {}, ref.height)
        whole = analysis.frame(plans, {p.name: p.kind for p in plans}, ref, cur)
        kinds = {c.column: c.kind for c in whole}
        tested = [p for p in plans if kinds[p.name] in (Kind.NUMERIC, Kind.CATEGORICAL)]
        cache = engine.prepare_reference(tested, kinds, ref, pool)
        windows = [cur.slice(i * 1500, 1500) for i in range(6)]
        together = analysis.frames(tested, kinds, ref, windows, reference=cache)
        alone = [analysis.frame(tested, kinds, ref, w, reference=cache) for w in windows]
        assert analysis.frames(tested, kinds, ref, [], reference=cache) == []
    assert [[c.column for c in cols] for cols in together] == [["x", "k", "c"]] * 6
    assert together == alone


# ------------------------------------------------------ current rows not in time order


def test_rows_out_of_time_order_are_ordered_a_group_of_columns_at_a_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Current rows not written in time order are put in time order for the windows. That
    used to copy every column the run read at once (4M x 20 shuffled: 4.0 GB against 2.8 GB
    in time order); now the sections that read rows in time order get only the columns they
    read (model, online, time), and drift over time orders the tested columns a group at a
    time. Every result equals the run that orders them all at once."""
    from driftcli import DriftConfig, ModelConfig, OnlineConfig, run_report, to_json
    from driftcli.columns.analyse import workers
    from driftcli.sections.windows import compute as windows_compute
    from driftcli.timeline import in_time_order

    rng = np.random.default_rng(57)

    def side(n: int, shift: float, start: str) -> pl.DataFrame:
        cols: dict[str, object] = {f"n{i}": rng.normal(shift * (i % 3), 1.0, n) for i in range(9)}
        cols["c"] = rng.choice(["a", "b", "c"], n)
        seconds = rng.integers(0, 5 * 86_400, n).astype("timedelta64[s]")
        cols["t"] = (np.datetime64(start, "s") + seconds).astype("datetime64[ms]")
        score = rng.random(n)
        cols["s"], cols["y"] = score, (rng.random(n) < score).astype(np.int64)
        cols["p"] = (score > 0.5).astype(np.int64)
        cols["ms"] = rng.lognormal(4.0, 0.5, n)
        return pl.DataFrame(cols)  # rows in random time order

    ref, cur = side(3000, 0.0, "2024-01-01"), side(2500, 0.4, "2024-02-01")
    config = DriftConfig(
        time_column="t",
        window="1d",
        min_segment_rows=50,
        model=ModelConfig(target="y", prediction="p", score="s"),
        online=OnlineConfig(latency="ms"),
    )
    at_once = to_json(run_report(ref, cur, config))

    widths: list[int] = []

    def ordered(df: pl.DataFrame, column: str, order: pl.Series | None = None) -> pl.DataFrame:
        out = in_time_order(df, column, order)
        if out is not df:
            widths.append(df.width)  # a copy of these columns
        return out

    monkeypatch.setattr(windows_compute, "WINDOW_GROUP_BYTES", 1)
    monkeypatch.setattr(windows_compute, "in_time_order", ordered)
    monkeypatch.setattr("driftcli.sections.registry.in_time_order", ordered)
    grouped = to_json(run_report(ref, cur, config))

    # The tested columns (10 features and the 4 model and online columns) in groups of two
    # per worker with the time column; the sections' own copy holds y, p, s, ms and t.
    assert len(widths) > 2 and max(widths) <= max(2 * workers() + 1, 5)
    strip = re.compile(r'"(generated_at|seconds)": [^,}\n]+')
    assert strip.sub("", grouped) == strip.sub("", at_once)

    # Rows in time order are not copied, and are tested in groups as well (the reference's
    # prefix sums of a group at a time), with the same results.
    cur = cur.sort("t")
    widths.clear()
    monkeypatch.setattr(windows_compute, "WINDOW_GROUP_BYTES", 512 << 20)
    at_once = to_json(run_report(ref, cur, config))
    monkeypatch.setattr(windows_compute, "WINDOW_GROUP_BYTES", 1)
    grouped = to_json(run_report(ref, cur, config))
    assert widths == []
    assert strip.sub("", grouped) == strip.sub("", at_once)
