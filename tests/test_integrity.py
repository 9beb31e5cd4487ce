"""Data integrity checks: one frame that trips each check and one that does not, config,
breaches and hints, and a broken pipeline end to end through the CLI."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import jsonschema
import numpy as np
import numpy.typing as npt
import polars as pl
import pytest
from typer.testing import CliRunner

from driftcli import (
    ColumnConfig,
    ConfigError,
    DriftConfig,
    Kind,
    Report,
    load_config,
    run_report,
    to_html,
)
from driftcli.cli import app
from driftcli.exitcodes import ExitCode
from driftcli.outputs.json import report_schema, to_dict
from driftcli.results.vocabulary import FailOn, Severity
from driftcli.sections.integrity.checks import (
    ColumnScope,
    column_checks,
    duplicate_check,
    row_count_check,
    schema_checks,
)
from driftcli.sections.integrity.config import CHECKS, ColumnIntegrity, IntegrityConfig
from driftcli.sections.integrity.result import IntegrityReport, IntegrityResult
from tests.conftest import make_frame

SCHEMA = report_schema()
CFG = IntegrityConfig()


def integrity(report: Report) -> IntegrityReport:
    """The run's data integrity section (always there; empty when integrity is off)."""
    section = report.section(IntegrityReport)
    assert section is not None
    return section


def only(results: list[IntegrityResult], check: str, column: str | None = None) -> IntegrityResult:
    found = [r for r in results if r.check == check and r.column == column]
    assert len(found) == 1, (check, column, results)
    return found[0]


def columns(
    ref: pl.DataFrame, cur: pl.DataFrame, kinds: dict[str, Kind], cfg: IntegrityConfig = CFG
) -> list[IntegrityResult]:
    return column_checks(ref, cur, [ColumnScope(n, k) for n, k in kinds.items()], cfg)


def normal(n: int, seed: int, loc: float = 0.0) -> npt.NDArray[Any]:
    return np.random.default_rng(seed).normal(loc, 1.0, n)


# ------------------------------------------------------------------------------ schema


def test_missing_and_new_columns() -> None:
    ref = pl.Schema({"a": pl.Int64, "b": pl.String})
    res = schema_checks(ref, pl.Schema({"a": pl.Int64, "c": pl.String}), ["a", "b", "c"], CFG)
    missing = only(res, "missing_column", "b")
    assert missing.status == "fail" and "'b'" in missing.message
    assert only(res, "new_column", "c").status == "warn"
    same = schema_checks(ref, ref, ["a", "b"], CFG)
    assert not [r for r in same if r.tripped]


def test_dtype_change_names_both_types() -> None:
    ref = pl.Schema({"a": pl.Int64, "b": pl.Int32})
    cur = pl.Schema({"a": pl.String, "b": pl.Int64})
    res = schema_checks(ref, cur, ["a", "b"], CFG)
    a = only(res, "dtype_change", "a")
    assert a.status == "fail" and "Int64" in a.message and "String" in a.message
    # Same family (integer widths): reported for context only.
    assert only(res, "dtype_change", "b").status == "info"
    assert only(schema_checks(ref, ref, ["a", "b"], CFG), "dtype_change", "a").status == "pass"


def test_column_order_is_info_only() -> None:
    ref = pl.Schema({"a": pl.Int64, "b": pl.Int64})
    moved = only(
        schema_checks(ref, pl.Schema({"b": pl.Int64, "a": pl.Int64}), ["a", "b"], CFG),
        "column_order",
    )
    assert moved.status == "info" and moved.severity is Severity.INFO
    assert only(schema_checks(ref, ref, ["a", "b"], CFG), "column_order").status == "pass"


# ------------------------------------------------------------------------------ rows


def test_row_count_band_and_empty_current() -> None:
    assert row_count_check(1000, 300, CFG)[0].status == "warn"
    assert row_count_check(1000, 2500, CFG)[0].status == "warn"
    assert row_count_check(1000, 900, CFG)[0].status == "pass"
    empty = row_count_check(1000, 0, CFG)[0]
    assert empty.status == "fail" and "no rows" in empty.message


def test_duplicate_rows() -> None:
    ref = pl.DataFrame({"a": np.arange(200), "b": np.arange(200) % 7})
    dup = pl.concat([ref.head(100), ref.head(100)])
    res = duplicate_check(ref, dup, CFG)[0]
    assert res.status == "warn" and res.observed == pytest.approx(0.5)
    assert duplicate_check(ref, ref.tail(150), CFG)[0].status == "pass"


# ------------------------------------------------------------------------------ columns


def test_null_burst_needs_absolute_and_relative_rise() -> None:
    x = normal(1000, 1)
    ref = pl.DataFrame({"x": x})
    burst = pl.DataFrame({"x": np.where(np.arange(1000) < 200, np.nan, x)})
    res = only(columns(ref, burst, {"x": Kind.NUMERIC}), "nulls", "x")
    assert res.status == "fail" and res.observed == pytest.approx(0.2)
    # 30% -> 34%: above the absolute rise of 0.05? no (0.04); 30% -> 40% is not 2x either.
    null = np.array(None)  # an object array: None where the condition holds
    base = pl.DataFrame({"x": np.where(np.arange(1000) < 300, null, x)})
    more = pl.DataFrame({"x": np.where(np.arange(1000) < 400, null, x)})
    assert only(columns(base, more, {"x": Kind.NUMERIC}), "nulls", "x").status == "pass"


def test_new_categories_with_top_offending_values() -> None:
    ref = pl.DataFrame({"c": ["a", "b", "c"] * 100})
    cur = pl.DataFrame({"c": ["a", "b", "c"] * 90 + ["new1"] * 20 + ["new2"] * 10})
    res = only(columns(ref, cur, {"c": Kind.CATEGORICAL}), "new_categories", "c")
    assert res.status == "fail" and res.observed == pytest.approx(0.1)
    assert [(o.value, o.count) for o in res.offending] == [("new1", 20), ("new2", 10)]
    same = only(columns(ref, ref, {"c": Kind.CATEGORICAL}), "new_categories", "c")
    assert same.status == "pass" and same.offending == ()


def test_vanished_categories() -> None:
    ref = pl.DataFrame({"c": ["a"] * 100 + ["b"] * 100 + ["rare"] * 1})
    cur = pl.DataFrame({"c": ["a"] * 200})
    res = only(columns(ref, cur, {"c": Kind.CATEGORICAL}), "vanished_categories", "c")
    # "rare" held under 1% of the reference: its absence is not reported.
    assert res.status == "warn" and [(o.value, o.count) for o in res.offending] == [("b", 100)]
    cur_ok = pl.DataFrame({"c": ["a"] * 100 + ["b"] * 100})
    assert (
        only(columns(ref, cur_ok, {"c": Kind.CATEGORICAL}), "vanished_categories", "c").status
        == "pass"
    )


def test_out_of_range_share_and_quantile_band() -> None:
    ref = pl.DataFrame({"x": np.linspace(0.0, 100.0, 1001)})
    cur = pl.DataFrame({"x": np.concatenate([np.linspace(0, 100, 900), np.full(100, 150.0)])})
    res = only(columns(ref, cur, {"x": Kind.NUMERIC}), "out_of_range", "x")
    assert res.status == "warn" and res.observed == pytest.approx(0.1)
    assert res.offending[0].count == 100 and "150" in res.offending[0].value
    ok = pl.DataFrame({"x": np.linspace(1.0, 99.0, 500)})
    assert only(columns(ref, ok, {"x": Kind.NUMERIC}), "out_of_range", "x").status == "pass"
    # A quantile band [5%, 95%] of the reference flags the tails of the same data.
    band = IntegrityConfig(column={"x": ColumnIntegrity(range_quantiles=(0.05, 0.95))})
    tails = only(columns(ref, ok, {"x": Kind.NUMERIC}, band), "out_of_range", "x")
    assert tails.status == "warn" and tails.reference == "[5, 95]"


def test_infinities_are_counted_separately() -> None:
    ref = pl.DataFrame({"x": normal(500, 2)})
    x = normal(500, 3)
    x[:5] = np.inf
    res = columns(ref, pl.DataFrame({"x": x}), {"x": Kind.NUMERIC})
    inf = only(res, "infinite", "x")
    assert inf.status == "warn" and inf.offending[0].count == 5
    # Infinite values are not "out of range" values: that check sees finite values only.
    assert only(res, "out_of_range", "x").observed == pytest.approx(0 / 495, abs=0.01)
    clean = only(columns(ref, ref, {"x": Kind.NUMERIC}), "infinite", "x")
    assert clean.status == "pass"


def test_near_constant_column_that_was_not_constant() -> None:
    ref = pl.DataFrame({"x": normal(1000, 4), "c": ["a", "b"] * 500})
    cur = pl.DataFrame({"x": np.r_[np.zeros(995), normal(5, 5)], "c": ["a"] * 1000})
    res = columns(ref, cur, {"x": Kind.NUMERIC, "c": Kind.CATEGORICAL})
    assert only(res, "constant", "x").status == "warn"
    c = only(res, "constant", "c")
    assert c.status == "warn" and c.offending[0].value == "a" and "constant" in c.message
    # Constant on both sides is not news.
    flat = pl.DataFrame({"x": np.zeros(100), "c": ["a"] * 100})
    res = columns(flat, flat, {"x": Kind.NUMERIC, "c": Kind.CATEGORICAL})
    assert only(res, "constant", "x").status == "pass"
    assert only(res, "constant", "c").status == "pass"


VALUE_CHECKS = ("infinite", "out_of_range", "constant")


def test_durations_and_times_of_day_are_checked_in_seconds() -> None:
    """A wait (Duration) and an hour of purchase (Time) are numeric, compared in seconds:
    their range, near-constant and infinity checks are those of the same values written as
    seconds (they got none: the checks looked at numeric dtypes only), whole run and checks
    alone, with the reference's quantile band too."""
    rng = np.random.default_rng(17)
    ms_ref = (rng.lognormal(3, 0.5, 800) * 1000).astype(np.int64)
    ms_cur = np.r_[(rng.lognormal(3, 0.5, 700) * 1000).astype(np.int64), np.full(100, 900_000)]
    minutes_ref = rng.integers(480, 1200, 800)  # 8:00 to 20:00
    minutes_cur = np.r_[np.full(796, 600), rng.integers(0, 1440, 4)]  # mostly 10:00

    def frames(as_seconds: bool) -> tuple[pl.DataFrame, pl.DataFrame]:
        out = []
        for ms, minutes in ((ms_ref, minutes_ref), (ms_cur, minutes_cur)):
            if as_seconds:
                wait, hour = pl.Series(ms / 1000.0), pl.Series(minutes * 60.0)
            else:
                wait = pl.Series(ms).cast(pl.Duration("ms"))
                hour = pl.Series(minutes * 60_000_000_000).cast(pl.Time)
            out.append(pl.DataFrame([wait.alias("wait"), hour.alias("hour")]))
        return out[0], out[1]

    def found(report: IntegrityReport) -> list[tuple[Any, ...]]:
        return [
            (r.check, r.column, r.status, r.observed, r.message)
            for r in report.results
            if r.column in ("wait", "hour") and r.check in ("nulls", *VALUE_CHECKS)
        ]

    timed, seconds = frames(as_seconds=False), frames(as_seconds=True)
    got = found(integrity(run_report(*timed)))
    assert got == found(integrity(run_report(*seconds)))
    checks = {(check, column): status for check, column, status, _, _ in got}
    assert checks[("out_of_range", "wait")] == "warn"  # 900 s waits, above any before
    assert checks[("constant", "hour")] == "warn"  # 10:00 for 99% of the purchases
    assert checks[("infinite", "wait")] == "pass"
    # the checks alone (their own medians and ranges, not the drift pass's counts)
    kinds = {"wait": Kind.NUMERIC, "hour": Kind.NUMERIC}
    band = IntegrityConfig(column={"wait": ColumnIntegrity(range_quantiles=(0.05, 0.95))})
    for config in (CFG, band):
        alone = columns(*timed, kinds, config)
        assert [(r.check, r.status, r.observed, r.message) for r in alone] == [
            (r.check, r.status, r.observed, r.message) for r in columns(*seconds, kinds, config)
        ]
        assert {r.check for r in alone if r.column == "hour"} == {"nulls", *VALUE_CHECKS}


def test_id_column_that_stopped_being_unique() -> None:
    ref = pl.DataFrame({"id": np.arange(100)})
    cur = pl.DataFrame({"id": np.r_[np.arange(90), np.arange(10)]})
    res = only(columns(ref, cur, {"id": Kind.ID}), "id_unique", "id")
    assert res.status == "fail" and res.offending[0].count == 2
    fresh = pl.DataFrame({"id": np.arange(1000, 1100)})
    assert only(columns(ref, fresh, {"id": Kind.ID}), "id_unique", "id").status == "pass"


def test_parse_failures_for_text_set_to_numeric_or_datetime() -> None:
    nums = [str(v) for v in range(100)]
    ref = pl.DataFrame({"n": nums, "d": [f"2024-01-{1 + v % 28:02d}" for v in range(100)]})
    cur = pl.DataFrame(
        {"n": nums[:80] + ["n/a"] * 20, "d": ["yesterday"] * 30 + ref["d"].to_list()[:70]}
    )
    scopes = [
        ColumnScope("n", Kind.NUMERIC, Kind.NUMERIC),
        ColumnScope("d", Kind.DATETIME, Kind.DATETIME),
    ]
    res = column_checks(ref, cur, scopes, CFG)
    n = only(res, "parse_failures", "n")
    assert n.status == "fail" and n.observed == pytest.approx(0.2)
    assert n.offending[0].value == "n/a" and n.offending[0].count == 20
    d = only(res, "parse_failures", "d")
    assert d.status == "fail" and d.observed == pytest.approx(0.3)
    ok = column_checks(ref, ref, scopes, CFG)
    assert only(ok, "parse_failures", "n").status == "pass"
    assert only(ok, "parse_failures", "d").status == "pass"


# ------------------------------------------------------------------------------ config


def test_every_check_is_registered_with_a_documented_default() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    for name, spec in CHECKS.items():
        assert f"`{name}`" in readme, name
        assert spec.severity in (Severity.FAIL, Severity.WARN, Severity.INFO)


def test_config_file_limits_severities_and_unknown_keys(tmp_path: Path) -> None:
    path = tmp_path / "drift.toml"
    path.write_text(
        "[integrity]\nnull_rise = 0.2\nrow_ratio = [0.8, 1.25]\n"
        '[integrity.severity]\nout_of_range = "fail"\nnew_column = "off"\n'
        '[integrity.column."x"]\nnull_rise = 0.5\nseverity = { nulls = "warn" }\n'
    )
    cfg = load_config(path).section(IntegrityConfig)
    assert cfg.limit("null_rise") == 0.2 and cfg.limit("null_rise", "x") == 0.5
    assert cfg.row_ratio == (0.8, 1.25)
    assert cfg.severity_of("out_of_range", "y") is Severity.FAIL
    assert cfg.severity_of("nulls", "x") is Severity.WARN
    assert cfg.severity_of("nulls", "y") is Severity.FAIL
    path.write_text("[integrity]\nnull_rse = 0.2\n")
    with pytest.raises(ConfigError, match="unknown key 'null_rse'; valid keys: enabled"):
        load_config(path)
    path.write_text('[integrity.severity]\nnulz = "warn"\n')
    with pytest.raises(ConfigError, match="unknown check 'nulz'; valid checks: missing_column"):
        load_config(path)
    path.write_text('[integrity.severity]\nnulls = "loud"\n')
    with pytest.raises(ConfigError, match="valid severities: fail, warn, info, off"):
        load_config(path)
    path.write_text('[integrity.column."x"]\nrow_ratio = [1, 2]\n')
    with pytest.raises(ConfigError, match="unknown key 'row_ratio'"):
        load_config(path)
    path.write_text("[integrity]\nrange_quantiles = [0.9, 0.1]\n")
    with pytest.raises(ConfigError, match="range_quantiles"):
        load_config(path)


def test_integrity_column_settings_must_name_a_column() -> None:
    cfg = DriftConfig(integrity=IntegrityConfig(column={"nope": ColumnIntegrity(null_rise=0.1)}))
    with pytest.raises(ConfigError, match="no column 'nope'"):
        run_report(make_frame(100, 1), make_frame(100, 2), cfg)


# ------------------------------------------------------------------------------ the run


def broken(n: int = 800, seed: int = 21) -> pl.DataFrame:
    """A current batch from a broken pipeline: y renamed, a null burst in x, a new channel."""
    cur = make_frame(n, seed)
    x = cur["x"].to_numpy().copy()
    x[: n // 4] = np.nan
    channel = cur["channel"].to_list()
    channel[: n // 10] = ["kiosk"] * (n // 10)
    return cur.rename({"y": "y_v2"}).with_columns(pl.Series("x", x), pl.Series("channel", channel))


def test_broken_pipeline_findings_breaches_and_hints() -> None:
    ref = make_frame(1000, 20)
    report = run_report(ref, broken())
    found = {(r.check, r.column): r for r in integrity(report).tripped}
    assert found[("missing_column", "y")].status == "fail"
    assert found[("new_column", "y_v2")].status == "warn"
    assert found[("nulls", "x")].status == "fail"
    kiosk = found[("new_categories", "channel")]
    assert kiosk.status == "fail" and kiosk.offending[0].value == "kiosk"
    assert report.status == "fail" and int(report.exit_code) == 1
    assert any("integrity nulls" in b for b in report.breaches)
    # The column with the null burst is still drift-tested, and the report says so.
    assert found[("nulls", "x")].drift_status in ("ok", "drift")
    hinted = {h.column for h in integrity(report).hints}
    assert "channel" in hinted  # drifted (a new category) and failed integrity
    data = to_dict(report)
    jsonschema.validate(data, SCHEMA)
    assert data["integrity"]["failed"] == 3
    page = to_html(report)
    assert 'id="integrity"' in page and "kiosk" in page and "likely a data issue" in page


def test_fail_on_never_and_warn_only_do_not_breach() -> None:
    report = run_report(make_frame(1000, 20), broken(), DriftConfig(fail_on=FailOn.NEVER))
    assert report.status == "pass" and integrity(report).count("fail") == 3
    warn_only = IntegrityConfig(severity={"out_of_range": Severity.WARN})
    ref, cur = make_frame(600, 3), make_frame(500, 4, shift=0.3)
    report = run_report(ref, cur, DriftConfig(integrity=warn_only))
    assert not [b for b in report.breaches if b.startswith("integrity")]


def test_disabled_integrity_runs_nothing() -> None:
    cfg = DriftConfig(integrity=IntegrityConfig(enabled=False))
    report = run_report(make_frame(1000, 20), broken(), cfg)
    assert integrity(report).results == () and not integrity(report).enabled
    assert not [b for b in report.breaches if b.startswith("integrity")]
    jsonschema.validate(to_dict(report), SCHEMA)


def test_no_findings_on_batches_from_the_same_distribution() -> None:
    report = run_report(make_frame(2000, 30), make_frame(1800, 31))
    assert [r for r in integrity(report).results if r.status in ("fail", "warn")] == []
    assert integrity(report).count("pass") > 10


def test_skipped_kinds_are_still_checked_and_configured_kinds_parse() -> None:
    ref = make_frame(300, 5).with_columns(pl.col("x").round(3).cast(pl.String).alias("amount"))
    cur = make_frame(300, 6).with_columns(pl.col("x").round(3).cast(pl.String).alias("amount"))
    cur = cur.with_columns(
        pl.when(pl.int_range(pl.len()) < 30)
        .then(pl.lit("oops"))
        .otherwise("amount")
        .alias("amount"),
        pl.when(pl.int_range(pl.len()) < 100).then(None).otherwise("id").alias("id"),
    )
    cfg = DriftConfig(column={"amount": ColumnConfig(kind=Kind.NUMERIC)})
    found = {(r.check, r.column) for r in integrity(run_report(ref, cur, cfg)).tripped}
    assert ("parse_failures", "amount") in found
    assert ("nulls", "id") in found  # id columns are not drift-tested but are checked


def test_cli_broken_pipeline_exit_code_and_outputs(tmp_path: Path) -> None:
    ref, cur, out = tmp_path / "ref.parquet", tmp_path / "cur.parquet", tmp_path / "s.json"
    make_frame(1000, 20).write_parquet(ref)
    broken().write_parquet(cur)
    result = CliRunner().invoke(app, ["report", str(ref), str(cur), "--json", str(out)])
    assert result.exit_code == ExitCode.BREACH, result.stderr
    assert "Integrity findings" in result.stderr and "kiosk" in result.stderr
    data = json.loads(out.read_text())
    checks = {(f["check"], f["column"], f["status"]) for f in data["integrity"]["findings"]}
    assert {
        ("missing_column", "y", "fail"),
        ("new_column", "y_v2", "warn"),
        ("nulls", "x", "fail"),
        ("new_categories", "channel", "fail"),
    } <= checks
    toml = tmp_path / "drift.toml"
    toml.write_text('fail_on = "never"\n')
    result = CliRunner().invoke(app, ["report", str(ref), str(cur), "-c", str(toml)])
    assert result.exit_code == ExitCode.OK, result.stderr


def test_missing_column_names_a_likely_new_name() -> None:
    ref = pl.Schema({"a": pl.Int64, "b": pl.Float64})
    cur = pl.Schema({"a": pl.Int64, "b_v2": pl.Float64, "note": pl.String})
    res = only(schema_checks(ref, cur, ["a", "b", "b_v2", "note"], CFG), "missing_column", "b")
    assert "same dtype: b_v2" in res.message and "note" not in res.message
    # A CSV header written with a trailing space or another case by another export: named
    # as such, quoted so that the space shows (it read "same dtype: amount )").
    cur = pl.Schema({"amount ": pl.Float64, "Kind": pl.String, "b_v2": pl.Float64})
    ref = pl.Schema({"amount": pl.Float64, "kind": pl.String})
    names = ["amount", "kind", "amount ", "Kind", "b_v2"]
    for name, near in (("amount", "'amount '"), ("kind", "'Kind'")):
        res = only(schema_checks(ref, cur, names, CFG), "missing_column", name)
        assert f"; current has {near}, the same name but for case or spaces)" in res.message


def test_hostile_offending_values_are_escaped_in_html() -> None:
    evil = "</script><script>alert(1)</script>"
    ref = pl.DataFrame({"c": ["a", "b"] * 100, "v": normal(200, 8)})
    cur = pl.DataFrame({"c": ["a", "b"] * 80 + [evil] * 40, "v": normal(200, 9)})
    report = run_report(ref, cur)
    assert integrity(report).tripped[0].offending[0].value == evil
    page = to_html(report)
    section = page[page.index('<section id="integrity">') :]
    section = section[: section.index("\n</section>")]
    assert evil not in section and "&lt;/script&gt;&lt;script&gt;alert(1)" in section


def test_drift_init_block_uncommented_gives_the_defaults() -> None:
    from driftcli.config import config_from_mapping
    from driftcli.starter import _integrity_lines

    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib

    lines = _integrity_lines()
    text = "\n".join([lines[0], *(line.removeprefix("# ") for line in lines[1:])])
    cfg = config_from_mapping(tomllib.loads(text), "drift.toml").section(IntegrityConfig)
    assert cfg.to_dict() == {
        **IntegrityConfig().to_dict(),
        "severity": {n: s.severity.value for n, s in CHECKS.items()},
    }


def test_the_counts_the_drift_pass_takes_equal_the_checks_own(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Infinities, values at the median and current values outside the reference range are
    counted from the drift pass's sorted sides; the checks' own Polars counts give the same
    report (checked with infinities, NaN, nulls, integers, a value repeated at the median,
    values beyond the range, and a sentinel column the checks count themselves)."""
    from driftcli.engines import memory

    rng = np.random.default_rng(11)

    def side(n: int, shift: float) -> pl.DataFrame:
        x = rng.normal(shift, 1.0, n)
        x[:7] = np.inf
        x[7:10] = -np.inf
        x[10:30] = np.nan
        # Ties at the median; on current most of the values: near-constant.
        x[30 : n if shift else 60] = 0.25
        sentinel = rng.normal(0, 1, n)
        sentinel[:5] = np.finfo(np.float64).max
        # Numbers on one side, the same as text on the other: the checks count these.
        parsed = pl.Series(np.round(rng.normal(shift, 1.0, n), 3))
        return pl.DataFrame(
            {
                "x": pl.Series(x).set(pl.Series(np.arange(n) % 97 == 0), None),
                "i": pl.Series(rng.integers(-50, 50 + int(40 * shift), n), dtype=pl.Int32),
                "w": rng.lognormal(shift, 1.0, n),
                "sentinel": sentinel,
                "parsed": parsed.cast(pl.String) if shift else parsed,
            }
        )

    ref, cur = side(3000, 0.0), side(2500, 1.5)
    counted = run_report(ref, cur)
    assert {c.column for c in counted.columns if c.counts is not None} == {"x", "i", "w"}
    monkeypatch.setattr(memory, "_sorted_counts", lambda *_: None)
    own = run_report(ref, cur)
    assert all(c.counts is None for c in own.columns)
    got = to_dict(counted)["integrity"]
    assert got == to_dict(own)["integrity"]
    checks = {(r["check"], r["column"]) for r in got["findings"]}
    assert {("infinite", "x"), ("out_of_range", "i"), ("constant", "x")} <= checks


def test_the_categories_the_drift_pass_counts_equal_the_checks_own(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Text and boolean columns: the category checks read the drift pass's counts, with the
    report the checks' own counts give (new and vanished categories, nulls, a categorical
    dtype, booleans, a near-constant column); the report keeps none of them. A column whose
    dtypes differ between the sides (compared as text) is counted by the checks."""
    from driftcli.engines import memory

    rng = np.random.default_rng(12)

    def side(n: int, current: bool) -> pl.DataFrame:
        names = ["north", "south", "east", "west"] + (["moon"] if current else ["atlantis"])
        region = pl.Series(rng.choice(names, n, p=[0.3, 0.3, 0.2, 0.15, 0.05]))
        plan = pl.Series(rng.choice(["a", "b", "c"], n)).set(pl.Series(rng.random(n) < 0.1), None)
        constant = np.full(n, "same", dtype=object)
        constant[: 3 if current else n // 3] = "other"
        return pl.DataFrame(
            {
                "region": region.cast(pl.Categorical),
                "plan": plan,
                "flag": rng.random(n) < (0.7 if current else 0.4),
                "constant": pl.Series(constant, dtype=pl.String),
            }
        )

    ref, cur = side(3000, False), side(2500, True)
    from driftcli.sections.integrity import checks

    used: list[tuple[str, ...]] = []
    as_frames = checks._as_frames

    def spy(found: Any) -> tuple[pl.DataFrame, pl.DataFrame]:
        used.append(found.labels)
        return as_frames(found)

    monkeypatch.setattr(checks, "_as_frames", spy)
    counted = run_report(ref, cur)
    assert len(used) == 4  # region, plan, flag and constant: none counted again
    monkeypatch.setattr(memory, "_as_text", lambda _: False)
    own = run_report(ref, cur)
    got = to_dict(counted)["integrity"]
    assert got == to_dict(own)["integrity"]
    found = {(r["check"], r["column"]) for r in got["findings"]}
    assert {("new_categories", "region"), ("vanished_categories", "region")} <= found
    assert ("constant", "constant") in found
    assert all(c.categories is None for c in counted.columns)


@pytest.mark.parametrize("k", [3, 10_000, 10_001, 25_000])
def test_category_counts_become_the_same_frames_through_a_list_or_an_array(k: int) -> None:
    """_as_frames makes few categories' counts a Series through a list, many through NumPy:
    the same frames either way, absent categories left out."""
    from driftcli.results.records import CategoryCounts
    from driftcli.sections.integrity.checks import _as_frames

    rng = np.random.default_rng(k)
    labels = tuple(f"c{i:06d}" for i in range(k))
    ref, cur = rng.integers(0, 3, k), rng.integers(0, 3, k)
    got = _as_frames(CategoryCounts(labels, ref, cur))
    for frame, counts in zip(got, (ref, cur), strict=True):
        expect = pl.DataFrame(
            {"value": [lab for lab, n in zip(labels, counts, strict=True) if n > 0]},
            schema={"value": pl.String},
        ).with_columns(n=pl.Series([int(n) for n in counts if n > 0], dtype=pl.Int64))
        assert frame.equals(expect)
