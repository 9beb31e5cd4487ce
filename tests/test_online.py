"""Online metrics from request logs: config, percentiles, error rate, throughput, limits."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest

from driftcli.errors import ConfigError, InputError
from driftcli.inputs.sources import open_source
from driftcli.results.vocabulary import Severity
from driftcli.sections.online.compute import run_online
from driftcli.sections.online.config import OnlineConfig, online_config_from_mapping
from driftcli.sections.online.result import LimitOutcome, OnlineSection
from driftcli.timeline import parse_window

START = dt.datetime(2025, 3, 1)


def request_log(seed: int, n: int = 400, days: int = 4, error_share: float = 0.1) -> pl.DataFrame:
    """A seeded request log: timestamps over ``days`` days, latency in ms, text and HTTP status."""
    rng = np.random.default_rng(seed)
    minutes = np.sort(rng.integers(0, days * 24 * 60, n))
    is_error = rng.random(n) < error_share
    return pl.DataFrame(
        {
            "ts": [START + dt.timedelta(minutes=int(m)) for m in minutes],
            "latency_ms": rng.gamma(2.0, 50.0, n),
            "outcome": np.where(is_error, "error", "ok").tolist(),
            "http": np.where(is_error, 503, 200).tolist(),
        }
    )


def failures(section: OnlineSection) -> list[str]:
    """Messages of the limits breached at severity fail."""
    return [f.message for f in section.findings() if f.severity is Severity.FAIL]


def warnings(section: OnlineSection) -> list[str]:
    """Messages of the section's warnings: limits breached at severity warn, then limits that
    could not be checked."""
    return [f.message for f in section.findings() if f.severity is Severity.WARN]


def limit(section: OnlineSection, name: str, scope: str = "overall") -> LimitOutcome:
    (found,) = [x for x in section.limits if x.name == name and x.scope == scope]
    return found


# --------------------------------------------------------------------------------------------
# Config


def test_config_from_mapping_valid() -> None:
    cfg = online_config_from_mapping(
        {
            "latency": "latency_ms",
            "status": "outcome",
            "error_values": "error",
            "latency_p95_max": 250,
            "error_rate_max": 0.02,
            "throughput_min": 50,
            "severity": "warn",
        },
        "drift.toml",
    )
    assert cfg.error_values == ("error",)
    assert cfg.latency_p95_max == 250.0
    assert cfg.enabled
    d = cfg.to_dict()
    assert d["error_values"] == ["error"]
    assert d["severity"] == "warn"
    assert d["error_min"] is None
    kwargs: dict[str, Any] = {k: (tuple(v) if isinstance(v, list) else v) for k, v in d.items()}
    assert OnlineConfig(**kwargs) == cfg


def test_config_defaults_disabled() -> None:
    assert not OnlineConfig().enabled
    assert OnlineConfig().to_dict()["error_values"] == []


def test_config_list_and_mixed_error_values() -> None:
    cfg = online_config_from_mapping(
        {"status": "s", "error_values": ["error", 500, True]}, "c.toml"
    )
    assert cfg.error_values == ("error", 500, True)


@pytest.mark.parametrize(
    ("table", "needle"),
    [
        ({"latency": "l", "bogus": 1}, "c.toml: online: unknown key 'bogus'; valid keys: latency,"),
        ({}, "set latency"),
        ({"latency_p95_max": 1.0}, "set latency"),
        ({"latency": ""}, "latency must be a column name"),
        ({"latency": 3}, "latency must be a column name"),
        ({"status": "s"}, "add error_values"),
        ({"status": "s", "error_values": ["x"], "error_min": 500}, "mutually exclusive"),
        ({"status": "s", "error_values": [["x"]]}, "error_values items"),
        ({"status": "s", "error_values": {"a": 1}}, "error_values must be a list"),
        ({"status": "s", "error_min": "500"}, "error_min must be a number"),
        ({"latency": "l", "error_values": ["x"]}, "need a status column"),
        ({"latency": "l", "latency_p95_max": -1}, "latency_p95_max must be a finite number >= 0"),
        ({"latency": "l", "latency_p99_max": True}, "latency_p99_max must be a number"),
        ({"latency": "l", "throughput_min": float("nan")}, "throughput_min must be a finite"),
        ({"status": "s", "error_min": 500, "error_rate_max": 2}, "from 0 to 1"),
        ({"latency": "l", "error_rate_max": 0.1}, "error_rate_max needs a status column"),
        ({"status": "s", "error_min": 5, "latency_p50_max": 1}, "needs a latency column"),
        ({"latency": "l", "severity": "info"}, "severity must be warn or fail"),
        ({"latency": "l", "latency_unit": ""}, "latency_unit"),
    ],
)
def test_config_errors(table: dict[str, Any], needle: str) -> None:
    with pytest.raises(ConfigError) as exc:
        online_config_from_mapping(table, "c.toml")
    assert str(exc.value).startswith("c.toml: ")
    assert needle in str(exc.value)


def test_config_not_a_table() -> None:
    with pytest.raises(ConfigError, match=r"c.toml: online must be a table"):
        online_config_from_mapping(["latency"], "c.toml")


def test_config_validated_for_library_callers() -> None:
    with pytest.raises(ConfigError, match="mutually exclusive"):
        OnlineConfig(status="s", error_values=("x",), error_min=500)
    with pytest.raises(ConfigError, match="severity"):
        OnlineConfig(latency="l", severity="error")  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------
# Statistics


def test_percentiles_match_numpy_with_nulls_and_nan() -> None:
    rng = np.random.default_rng(7)
    values: list[float | None] = list(rng.lognormal(4.0, 0.6, 501))
    for i in range(0, 501, 17):
        values[i] = None
    for i in range(5, 501, 23):
        values[i] = float("nan")
    df = pl.DataFrame({"lat": values}, schema={"lat": pl.Float64})
    section = run_online(df, df, OnlineConfig(latency="lat"))
    clean = np.array([v for v in values if v is not None and not np.isnan(v)])
    assert section.current.latency_count == clean.size
    assert section.current.rows == 501
    # Reference: numpy.percentile(clean, q) with its default method="linear".
    for q, got in (
        (50, section.current.latency_p50),
        (95, section.current.latency_p95),
        (99, section.current.latency_p99),
    ):
        assert got == pytest.approx(float(np.percentile(clean, q)), rel=1e-12)
    assert section.current.latency_mean == pytest.approx(float(clean.mean()), rel=1e-12)
    assert section.reference == section.current


def test_negative_and_infinite_latencies_are_left_out_and_counted() -> None:
    # A -1 for "unknown" pulled every percentile down and an infinity made the mean null,
    # without a word. They are left out like NaN, and a warning counts them per side.
    rng = np.random.default_rng(11)
    values = list(rng.lognormal(4.0, 0.6, 300))
    values[:12] = [-1.0] * 12
    values[12:15] = [float("inf"), float("-inf"), float("inf")]
    cur = pl.DataFrame({"lat": values})
    ref = pl.DataFrame({"lat": list(rng.lognormal(4.0, 0.6, 300))})
    section = run_online(ref, cur, OnlineConfig(latency="lat"))
    clean = np.array(values[15:])
    assert section.current.latency_count == clean.size == 285
    # numpy.percentile(clean, q), numpy's default method="linear"
    assert section.current.latency_p50 == pytest.approx(float(np.percentile(clean, 50)), rel=1e-12)
    assert section.current.latency_mean == pytest.approx(float(clean.mean()), rel=1e-12)
    assert warnings(section) == [
        "online: 15 current latencies in 'lat' were negative or infinite (a sentinel such as "
        "-1?) and were left out of the latency statistics"
    ]
    assert section.to_dict()["current"]["latency_count"] == 285  # the JSON's fields unchanged
    assert "latency_invalid" not in section.to_dict()["current"]


def test_integer_latency_and_all_null() -> None:
    df = pl.DataFrame({"lat": [1, 2, 3, 4]})
    stats = run_online(df, df, OnlineConfig(latency="lat")).current
    assert stats.latency_p50 == 2.5
    empty = pl.DataFrame({"lat": [None, None]}, schema={"lat": pl.Float64})
    stats = run_online(empty, empty, OnlineConfig(latency="lat")).current
    assert (stats.latency_count, stats.latency_p95, stats.latency_mean) == (0, None, None)


def test_duration_latency_in_milliseconds() -> None:
    df = pl.DataFrame({"lat": [dt.timedelta(milliseconds=m) for m in (10, 20, 30, 40, 1000)]})
    section = run_online(df, df, OnlineConfig(latency="lat", latency_unit="s"))
    assert section.latency_unit == "ms"
    assert section.current.latency_p50 == 30.0
    assert section.current.latency_mean == pytest.approx(220.0)
    ns = df.with_columns(pl.col("lat").cast(pl.Duration("ns")))
    assert run_online(ns, ns, OnlineConfig(latency="lat")).current == section.current


@pytest.mark.parametrize("values", [["1ms", "2ms"], [True, False]])
def test_latency_bad_dtype(values: list[Any]) -> None:
    df = pl.DataFrame({"lat": values})
    with pytest.raises(InputError, match="latency column 'lat' has dtype"):
        run_online(df, df, OnlineConfig(latency="lat"))


def test_missing_columns_in_current() -> None:
    df = pl.DataFrame({"lat": [1.0]})
    with pytest.raises(InputError, match="status column 'code' is not in the current data"):
        run_online(df, df, OnlineConfig(latency="lat", status="code", error_min=500))
    with pytest.raises(InputError, match="latency column 'x' is not in the current data"):
        run_online(df, df, OnlineConfig(latency="x"))


def test_error_rate_string_status_with_nulls() -> None:
    df = pl.DataFrame({"s": ["ok", "error", "timeout", None, "ok", "ok", "error", "ok"]})
    cfg = OnlineConfig(status="s", error_values=("error", "timeout"))
    stats = run_online(df, df, cfg).current
    # A null status is not an error but counts as a row.
    assert (stats.errors, stats.rows, stats.error_rate) == (3, 8, 3 / 8)
    assert stats.latency_count == 0 and stats.latency_p50 is None


def test_error_rate_http_error_min() -> None:
    df = pl.DataFrame({"code": [200, 201, 404, 500, 503, None, 200, 599, 302, 200]})
    stats = run_online(df, df, OnlineConfig(status="code", error_min=500)).current
    assert (stats.errors, stats.error_rate) == (3, 0.3)


def test_error_values_cast_to_status_dtype() -> None:
    numeric = pl.DataFrame({"code": [200, 500, 503, 200]})
    stats = run_online(numeric, numeric, OnlineConfig(status="code", error_values=(500, "503")))
    assert stats.current.errors == 2
    text = pl.DataFrame({"code": ["200", "500", "503", "200"]})
    stats = run_online(text, text, OnlineConfig(status="code", error_values=(500,)))
    assert stats.current.errors == 1
    flags = pl.DataFrame({"failed": [True, False, None, True]})
    stats = run_online(flags, flags, OnlineConfig(status="failed", error_values=(True,)))
    assert stats.current.errors == 2
    cat = text.with_columns(pl.col("code").cast(pl.Categorical))
    assert run_online(cat, cat, OnlineConfig(status="code", error_values=("500",))).current.errors


def test_error_values_that_cannot_be_cast() -> None:
    df = pl.DataFrame({"code": [200, 500]})
    with pytest.raises(ConfigError, match=r"error_values has 'error' but status column 'code'"):
        run_online(df, df, OnlineConfig(status="code", error_values=("error",)))
    flags = pl.DataFrame({"failed": [True]})
    with pytest.raises(ConfigError, match="is boolean"):
        run_online(flags, flags, OnlineConfig(status="failed", error_values=("x",)))
    text = pl.DataFrame({"code": ["200"]})
    with pytest.raises(InputError, match="error_min needs a numeric status"):
        run_online(text, text, OnlineConfig(status="code", error_min=500))


def test_throughput_per_second() -> None:
    df = pl.DataFrame(
        {"ts": [START + dt.timedelta(seconds=s) for s in (0, 10, 20, 40)], "lat": [1.0] * 4}
    )
    assert (
        run_online(df, df, OnlineConfig(latency="lat"), "ts").current.throughput_per_second == 0.1
    )
    assert run_online(df, df, OnlineConfig(latency="lat")).current.throughput_per_second is None
    one = df.head(1)
    assert (
        run_online(one, one, OnlineConfig(latency="lat"), "ts").current.throughput_per_second
        is None
    )


# --------------------------------------------------------------------------------------------
# Reference


def test_reference_comparison_and_missing_columns() -> None:
    cur = request_log(1)
    ref = request_log(2)
    cfg = OnlineConfig(latency="latency_ms", status="outcome", error_values=("error",))
    section = run_online(ref, cur, cfg, "ts")
    assert section.reference is not None
    assert section.reference.latency_p95 == pytest.approx(
        float(np.percentile(ref["latency_ms"].to_numpy(), 95))
    )
    assert section.reference.errors == (ref["outcome"] == "error").sum()

    only_latency = run_online(ref.drop("outcome", "ts"), cur, cfg, "ts").reference
    assert only_latency is not None
    assert only_latency.latency_count == ref.height
    assert only_latency.errors is None and only_latency.error_rate is None
    assert only_latency.throughput_per_second is None

    only_status = run_online(ref.drop("latency_ms"), cur, cfg).reference
    assert only_status is not None
    assert only_status.latency_count == 0 and only_status.latency_p50 is None
    assert only_status.error_rate is not None

    assert run_online(ref.select("ts"), cur, cfg).reference is None


# --------------------------------------------------------------------------------------------
# Windows


def test_windows_daily_stats_and_throughput() -> None:
    cur = request_log(3, n=400, days=4)
    cfg = OnlineConfig(latency="latency_ms", status="http", error_min=500)
    section = run_online(cur, cur, cfg, "ts", parse_window("1d"))
    assert section.window == "1d"
    assert [w.label for w in section.windows] == [
        "2025-03-01",
        "2025-03-02",
        "2025-03-03",
        "2025-03-04",
    ]
    assert sum(w.stats.rows for w in section.windows) == cur.height
    for w in section.windows:
        day = cur.filter(pl.col("ts").dt.date() == dt.date.fromisoformat(w.label))
        assert w.stats.rows == day.height
        assert w.stats.latency_p99 == pytest.approx(
            float(np.percentile(day["latency_ms"].to_numpy(), 99))
        )
        assert w.stats.errors == (day["http"] >= 500).sum()
        first, last = day["ts"].min(), day["ts"].max()
        assert isinstance(first, dt.datetime) and isinstance(last, dt.datetime)
        span = (last - first).total_seconds()
        assert w.stats.throughput_per_second == pytest.approx(day.height / span)
    assert not section.limits


def test_row_windows_without_time() -> None:
    cur = request_log(4, n=25)
    section = run_online(
        cur, cur, OnlineConfig(latency="latency_ms"), window=parse_window("10 rows")
    )
    assert [w.stats.rows for w in section.windows] == [10, 10, 5]
    assert section.windows[0].stats.throughput_per_second is None


# --------------------------------------------------------------------------------------------
# Limits


def _cur() -> pl.DataFrame:
    # Latency 1..100 (p50 50.5, p95 95.05, p99 99.01); every tenth request is an error.
    return pl.DataFrame(
        {
            "lat": [float(x) for x in range(1, 101)],
            "s": ["error" if i % 10 == 0 else "ok" for i in range(100)],
        }
    )


def test_latency_limits_pass_and_breach() -> None:
    cur = _cur()
    p95 = float(np.percentile(cur["lat"].to_numpy(), 95))  # 95.05
    cfg = OnlineConfig(latency="lat", latency_p50_max=60, latency_p95_max=90, latency_p99_max=100)
    section = run_online(cur, cur, cfg)
    assert limit(section, "latency_p50_max").status == "pass"
    assert limit(section, "latency_p50_max").message == "latency p50 50.5 ms is within 60 ms"
    breach = limit(section, "latency_p95_max")
    assert (breach.status, breach.value, breach.limit) == ("fail", p95, 90.0)
    assert breach.message == "latency p95 95.0 ms exceeds 90 ms (fail)"
    assert limit(section, "latency_p99_max").status == "pass"
    assert failures(section) == [breach.message]
    assert warnings(section) == []


def test_latency_limit_not_evaluated_without_values() -> None:
    cur = pl.DataFrame({"lat": [None]}, schema={"lat": pl.Float64})
    section = run_online(cur, cur, OnlineConfig(latency="lat", latency_p95_max=1))
    out = limit(section, "latency_p95_max")
    assert out.status == "not_evaluated" and out.value is None
    assert "no latency values" in out.message
    # a limit that could not be checked warns: never a quiet pass (the reference, all null
    # too, leaves the integrity checks nothing to say)
    assert warnings(section) == [out.message] and failures(section) == []


def test_latency_p95_increase() -> None:
    ref = pl.DataFrame({"lat": [float(x) for x in range(1, 101)]})
    cur = ref.with_columns(pl.col("lat") * 1.3)
    cfg = OnlineConfig(latency="lat", latency_p95_increase_max=0.25, severity=Severity.WARN)
    out = limit(run_online(ref, cur, cfg), "latency_p95_increase_max")
    assert out.status == "warn"
    assert out.value == pytest.approx(0.3)
    assert out.reference == pytest.approx(95.05)
    assert out.message.endswith("exceeds 25.0% (warn)")
    ok = limit(run_online(ref, ref, cfg), "latency_p95_increase_max")
    assert (ok.status, ok.value) == ("pass", 0.0)
    no_ref = limit(run_online(ref.rename({"lat": "x"}), cur, cfg), "latency_p95_increase_max")
    assert no_ref.status == "not_evaluated" and "reference has no latency" in no_ref.message
    zero = pl.DataFrame({"lat": [0.0, 0.0]})
    assert limit(run_online(zero, cur, cfg), "latency_p95_increase_max").status == "not_evaluated"


def test_error_rate_limits() -> None:
    cur = _cur()  # 10% errors
    ref = cur.with_columns(pl.lit("ok").alias("s"))  # 0% errors
    cfg = OnlineConfig(
        status="s", error_values=("error",), error_rate_max=0.02, error_rate_increase_max=0.2
    )
    section = run_online(ref, cur, cfg)
    breach = limit(section, "error_rate_max")
    assert breach.status == "fail"
    assert breach.message == "error rate 10.0% exceeds 2.0% (fail)"
    rise = limit(section, "error_rate_increase_max")
    assert (rise.status, rise.value, rise.reference) == ("pass", 0.1, 0.0)
    tight = OnlineConfig(status="s", error_values=("error",), error_rate_increase_max=0.05)
    assert limit(run_online(ref, cur, tight), "error_rate_increase_max").status == "fail"
    no_ref = limit(run_online(ref.drop("s"), cur, tight), "error_rate_increase_max")
    assert no_ref.status == "not_evaluated" and no_ref.value is None
    loose = OnlineConfig(status="s", error_values=("error",), error_rate_max=0.5)
    assert limit(run_online(ref, cur, loose), "error_rate_max").status == "pass"
    empty = cur.head(0)
    assert limit(run_online(ref, empty, loose), "error_rate_max").status == "not_evaluated"


def test_throughput_min_per_window_with_gap() -> None:
    rows = [START + dt.timedelta(hours=h) for h in range(0, 24, 2)]  # 12 on day 1
    rows += [START + dt.timedelta(days=1, hours=h) for h in range(0, 24, 6)]  # 4 on day 2
    rows += [START + dt.timedelta(days=3, hours=h) for h in range(0, 24, 3)]  # 8 on day 4
    cur = pl.DataFrame({"ts": rows, "lat": [1.0] * len(rows)})
    cfg = OnlineConfig(latency="lat", throughput_min=5, severity=Severity.WARN)
    section = run_online(cur, cur, cfg, "ts", parse_window("1d"))
    outcomes = [x for x in section.limits if x.name == "throughput_min"]
    assert [(x.scope, x.value, x.status) for x in outcomes] == [
        ("2025-03-01", 12.0, "pass"),
        ("2025-03-02", 4.0, "warn"),
        ("2025-03-03", 0.0, "warn"),  # no rows at all that day: an outage
        ("2025-03-04", 8.0, "pass"),
    ]
    assert outcomes[1].message == "throughput 4 rows in window 2025-03-02 is below 5 (warn)"
    assert len(section.windows) == 3
    assert len(warnings(section)) == 2


def test_throughput_gaps_of_a_date_column_and_at_a_dst_change() -> None:
    days = [dt.date(2025, 3, 1)] * 6 + [dt.date(2025, 3, 2)] * 2 + [dt.date(2025, 3, 4)] * 6
    cur = pl.DataFrame({"d": days, "lat": [1.0] * len(days)})
    cfg = OnlineConfig(latency="lat", throughput_min=5, severity=Severity.WARN)
    section = run_online(cur, cur, cfg, "d", parse_window("1d"))
    outcomes = [(x.scope, x.value) for x in section.limits if x.name == "throughput_min"]
    assert outcomes == [
        ("2025-03-01", 6.0),
        ("2025-03-02", 2.0),
        ("2025-03-03", 0.0),
        ("2025-03-04", 6.0),
    ]
    # New York's November change has two 01:00 hours, both with rows: no gap between them.
    stamps = pl.datetime_range(
        dt.datetime(2025, 11, 2, 4), dt.datetime(2025, 11, 2, 9), "10m", time_zone="UTC", eager=True
    ).dt.convert_time_zone("America/New_York")
    cur = pl.DataFrame({"ts": stamps, "lat": [1.0] * len(stamps)})
    section = run_online(cur, cur, cfg, "ts", parse_window("1h"))
    outcomes = [(x.scope, x.value) for x in section.limits if x.name == "throughput_min"]
    assert [scope for scope, _ in outcomes] == [
        "2025-11-02 00:00",
        "2025-11-02 01:00 EDT",
        "2025-11-02 01:00 EST",
        "2025-11-02 02:00",
        "2025-11-02 03:00",
        "2025-11-02 04:00",
    ]
    assert 0.0 not in [value for _, value in outcomes]


def test_throughput_min_not_evaluated_without_window() -> None:
    cur = _cur()
    section = run_online(cur, cur, OnlineConfig(latency="lat", throughput_min=5))
    out = limit(section, "throughput_min")
    assert out.status == "not_evaluated" and "needs a window" in out.message


# --------------------------------------------------------------------------------------------
# End to end


def test_ndjson_round_trip(tmp_path: Path) -> None:
    log = request_log(5, n=200, days=3).with_columns(pl.col("ts").dt.strftime("%Y-%m-%dT%H:%M:%S"))
    path = tmp_path / "requests.ndjson"
    log.write_ndjson(path)
    current = open_source(str(path), None, "current").lazy.collect()
    assert current.schema["ts"] == pl.String
    cfg = OnlineConfig(
        latency="latency_ms",
        status="http",
        error_min=500,
        latency_p95_max=1000,
        error_rate_max=0.5,
        throughput_min=1,
    )
    section = run_online(current, current, cfg, "ts", parse_window("1d"))
    expected = float(np.percentile(log["latency_ms"].to_numpy(), 95))
    assert section.current.latency_p95 == pytest.approx(expected)
    assert section.current.errors == (log["http"] >= 500).sum()
    assert [w.label for w in section.windows] == ["2025-03-01", "2025-03-02", "2025-03-03"]
    assert section.current.throughput_per_second is not None
    assert {x.status for x in section.limits} == {"pass"}
    assert not failures(section)


def test_deterministic() -> None:
    cur, ref = request_log(8), request_log(9)
    cfg = OnlineConfig(
        latency="latency_ms",
        status="outcome",
        error_values=("error",),
        latency_p95_max=200,
        latency_p95_increase_max=0.1,
        error_rate_increase_max=0.01,
        throughput_min=90,
    )
    runs = [run_online(ref, cur, cfg, "ts", parse_window("1d")) for _ in range(3)]
    assert runs[0] == runs[1] == runs[2]


def test_statuses_that_differ_from_an_error_value_by_case_are_named() -> None:
    # error_values = ["error"] against a log writing "ERROR" counted no errors: an error rate
    # of 0 that passed every limit without a word. Matching stays exact; a warning says how
    # many statuses differ only by case or spaces, per side, with the first of them.
    statuses: list[str | None] = ["ok", "ok", "ok", "ok", "ok", "ok", "ERROR", "ERROR"]
    statuses += [" error", "error", None]
    cur = pl.DataFrame({"status": statuses})
    ref = pl.DataFrame({"status": ["ok", "ok", "error"]}, schema={"status": pl.Categorical})
    section = run_online(ref, cur, OnlineConfig(status="status", error_values=("error",)))
    assert (section.current.errors, section.reference and section.reference.errors) == (1, 1)
    assert warnings(section) == [
        "online: 3 current statuses in 'status' equal an error value but for case or spaces "
        "(such as ' error') and were not counted as errors; error_values match exactly: add "
        "them to error_values if they are errors"
    ]
    assert "errors_near" not in section.to_dict()["current"]
    # Listing them silences the warning and counts them.
    fixed = run_online(
        ref, cur, OnlineConfig(status="status", error_values=("error", "ERROR", " error"))
    )
    assert fixed.current.errors == 4 and warnings(fixed) == []
