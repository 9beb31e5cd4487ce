"""Thresholds learned from reference chunks (threshold = "auto")."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, cast

import numpy as np
import polars as pl
import pytest
from typer.testing import CliRunner

from driftcli.cli import app
from driftcli.columns.thresholds import AutoThresholdConfig, chunk_ids, learn_threshold
from driftcli.config import ColumnConfig, DriftConfig, config_from_mapping
from driftcli.errors import ConfigError, InputError
from driftcli.run import run_report
from driftcli.stats import get_test
from driftcli.stats.samples import CategoricalSample, NumericSample


def test_chunk_ids_by_count() -> None:
    frame = pl.DataFrame({"x": range(10)})
    ids = chunk_ids(frame, AutoThresholdConfig(chunks=3))
    # row i -> floor(i * 3 / 10): 0 0 0 0 1 1 1 2 2 2
    assert ids.tolist() == [0, 0, 0, 0, 1, 1, 1, 2, 2, 2]


def test_chunk_ids_by_size_merges_a_small_tail() -> None:
    frame = pl.DataFrame({"x": range(11)})
    ids = chunk_ids(frame, AutoThresholdConfig(chunk_by="size", chunk_size=4))
    # 4 + 4 + 3: the tail (3 >= 4 / 2) stays a chunk
    assert ids.tolist() == [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2]
    ids = chunk_ids(pl.DataFrame({"x": range(9)}), AutoThresholdConfig("size", chunk_size=4))
    # 4 + 4 + 1: the tail (1 < 2) joins the chunk before it
    assert ids.tolist() == [0, 0, 0, 0, 1, 1, 1, 1, 1]


def test_chunk_ids_by_period() -> None:
    start = datetime(2026, 1, 1, 6)
    times = [start + timedelta(hours=12 * i) for i in range(6)] + [None]
    frame = pl.DataFrame({"t": times, "x": range(7)})
    ids = chunk_ids(frame, AutoThresholdConfig("period", time_column="t", period="1d"))
    # two rows per day; the row without a time is left out (-1)
    assert ids.tolist() == [0, 0, 1, 1, 2, 2, -1]
    # Timestamps stored as text are parsed.
    text = frame.with_columns(pl.col("t").dt.strftime("%Y-%m-%d %H:%M:%S"))
    assert chunk_ids(
        text, AutoThresholdConfig("period", time_column="t", period="1d")
    ).tolist() == [
        0,
        0,
        1,
        1,
        2,
        2,
        -1,
    ]


def test_learned_threshold_equals_chunk_by_chunk_computation() -> None:
    rng = np.random.default_rng(0)
    values = rng.normal(size=1000)
    series = pl.Series("x", values)
    sample = NumericSample.from_series(series, pl.Series(rng.normal(size=800)))
    cfg = AutoThresholdConfig(chunks=5, k=2.5)
    ids = chunk_ids(series.to_frame(), cfg)
    for name in ("psi", "wasserstein", "energy", "hellinger"):
        test = get_test(name)
        value, learned, note = learn_threshold(test, sample, series, ids, cfg)
        stats = []
        for c in range(5):
            chunk, rest = values[ids == c], values[ids != c]
            s = NumericSample.from_series(pl.Series(rest), pl.Series(chunk))
            stats.append(test.run(s).statistic)
        expected = float(np.mean(stats) + 2.5 * np.std(stats))  # np.std: ddof = 0
        assert value == pytest.approx(expected, rel=1e-12), name
        assert learned is not None and note is None
        assert learned.chunks == 5 and learned.k == 2.5
        assert learned.mean == pytest.approx(float(np.mean(stats)), rel=1e-12)
        assert "5 chunks by row order" in learned.description


def test_learned_threshold_categorical() -> None:
    rng = np.random.default_rng(1)
    ref = pl.Series("c", rng.choice(["a", "b", "c"], size=600).tolist())
    sample = CategoricalSample.from_series(ref, ref)
    cfg = AutoThresholdConfig(chunks=4)
    ids = chunk_ids(ref.to_frame(), cfg)
    test = get_test("jensenshannon")
    value, learned, _ = learn_threshold(test, sample, ref, ids, cfg)
    stats = [
        test.run(
            CategoricalSample.from_series(
                ref.filter(pl.Series(ids != c)), ref.filter(pl.Series(ids == c))
            )
        ).statistic
        for c in range(4)
    ]
    assert value == pytest.approx(float(np.mean(stats) + 3 * np.std(stats)), rel=1e-12)
    assert learned is not None


def test_pvalue_tests_keep_alpha_and_too_few_chunks_fall_back() -> None:
    series = pl.Series("x", np.arange(100, dtype=float))
    sample = NumericSample.from_series(series, series)
    ids = chunk_ids(series.to_frame(), AutoThresholdConfig())
    value, learned, note = learn_threshold(
        get_test("ks"), sample, series, ids, AutoThresholdConfig()
    )
    assert value == 0.05 and learned is None
    assert note is not None and "p-value test" in note
    one = np.zeros(100, dtype=np.int64)
    value, learned, note = learn_threshold(
        get_test("psi"), sample, series, one, AutoThresholdConfig()
    )
    assert value == 0.1 and learned is None
    assert note is not None and "2 needed" in note


def test_config_validation() -> None:
    assert DriftConfig(threshold="auto").threshold == "auto"
    # "AUTO" and "learn" are outside the declared type on purpose: config files give any text.
    assert ColumnConfig(threshold=cast(Any, "AUTO")).threshold == "auto"
    with pytest.raises(ConfigError, match="needs a test"):
        DriftConfig(threshold=0.2)
    with pytest.raises(ConfigError, match='a number or "auto"'):
        DriftConfig(threshold=cast(Any, "learn"))
    with pytest.raises(ConfigError, match="valid values: count, size, period"):
        AutoThresholdConfig(chunk_by="week")
    with pytest.raises(ConfigError, match="time_column"):
        AutoThresholdConfig(chunk_by="period")
    with pytest.raises(ConfigError, match="chunk_size"):
        AutoThresholdConfig(chunk_by="size")
    with pytest.raises(ConfigError, match="chunks must be"):
        AutoThresholdConfig(chunks=1)
    with pytest.raises(ConfigError, match="k must be"):
        AutoThresholdConfig(k=-1)
    cfg = config_from_mapping(
        {"threshold": "auto", "auto_threshold": {"chunk_by": "size", "chunk_size": 50, "k": 2}}
    )
    assert cfg.auto_threshold == AutoThresholdConfig("size", chunk_size=50, k=2.0)
    with pytest.raises(ConfigError, match="valid keys: chunk_by"):
        config_from_mapping({"auto_threshold": {"chunk": 3}}, "drift.toml")


def _frames(seed: int, shift: float) -> tuple[pl.DataFrame, pl.DataFrame]:
    rng = np.random.default_rng(seed)
    n = 3000
    day = [datetime(2026, 1, 1) + timedelta(days=int(d)) for d in rng.integers(0, 6, n)]
    ref = pl.DataFrame(
        {"x": rng.normal(size=n), "c": rng.choice(["a", "b", "c"], n).tolist(), "t": day}
    )
    cur = pl.DataFrame(
        {"x": rng.normal(shift, 1.0, size=n), "c": rng.choice(["a", "b", "c"], n).tolist()}
    )
    return ref, cur.with_columns(pl.lit(datetime(2026, 2, 1)).alias("t"))


def test_engine_auto_threshold_reports_how_it_learned() -> None:
    ref, cur = _frames(2, 0.5)
    report = run_report(ref, cur, DriftConfig(threshold="auto"))
    x = next(c for c in report.columns if c.column == "x")
    assert x.test == "wasserstein"
    assert x.auto_threshold is not None
    assert x.threshold == x.auto_threshold.value
    assert x.drifted  # half a standard deviation is far beyond chunk-to-chunk noise
    c = next(c for c in report.columns if c.column == "c")
    assert c.auto_threshold is not None and not c.drifted
    again = run_report(ref, cur, DriftConfig(threshold="auto"))
    assert [r.threshold for r in again.columns] == [r.threshold for r in report.columns]


def test_chunk_ids_by_period_of_a_column_that_holds_no_times() -> None:
    # Text that does not parse as times, and numbers, were each read as no time at all: one
    # chunk of nothing, and thresholds learned from nothing without a word (text of no known
    # format stopped the run with Polars' "could not find an appropriate format").
    config = AutoThresholdConfig("period", time_column="t", period="1d")
    for values in (["ok", "late", "ok"], [1.5, 2.5, 3.5]):
        frame = pl.DataFrame({"t": values, "x": range(3)})
        with pytest.raises(InputError, match=r"^auto_threshold.time_column: time column 't' "):
            chunk_ids(frame, config)


def test_engine_auto_threshold_by_period_and_per_column() -> None:
    ref, cur = _frames(3, 0.0)
    cfg = DriftConfig(
        column={"x": ColumnConfig(test="energy", threshold="auto")},
        auto_threshold=AutoThresholdConfig("period", time_column="t", period="1d"),
    )
    report = run_report(ref, cur, cfg)
    x = next(c for c in report.columns if c.column == "x")
    assert x.auto_threshold is not None
    assert x.auto_threshold.chunks == 6
    assert "one chunk per 1d of t" in x.auto_threshold.description
    assert not x.drifted
    other = next(c for c in report.columns if c.column == "c")
    assert other.auto_threshold is None and other.threshold == 0.1


def test_cli_threshold_auto(tmp_path: Path) -> None:
    ref, cur = _frames(4, 0.0)
    rp, cp = tmp_path / "r.parquet", tmp_path / "c.parquet"
    ref.write_parquet(rp)
    cur.write_parquet(cp)
    out = tmp_path / "s.json"
    result = CliRunner().invoke(
        app, ["report", str(rp), str(cp), "--threshold", "auto", "--json", str(out), "-q"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text())
    x = next(c for c in data["columns"] if c["column"] == "x")
    assert x["auto_threshold"]["chunks"] == 10
    assert x["threshold"] == x["auto_threshold"]["value"]
    assert data["config"]["threshold"] == "auto"
    bad = CliRunner().invoke(app, ["report", str(rp), str(cp), "--threshold", "high"])
    assert bad.exit_code == 2


def test_json_with_learned_thresholds_and_correction_matches_schema() -> None:
    import jsonschema

    from driftcli.outputs.json import report_schema, to_dict

    schema = report_schema()
    ref, cur = _frames(5, 0.3)
    seg = pl.Series("s", ["a", "b"] * (ref.height // 2))
    ref, cur = ref.with_columns(seg), cur.with_columns(seg)
    cfg = DriftConfig(
        segment_by=("s",),
        column={"x": ColumnConfig(test="mann_whitney"), "c": ColumnConfig(threshold="auto")},
        correction="holm",
    )
    data = to_dict(run_report(ref, cur, cfg))
    jsonschema.validate(data, schema)
    c = next(col for col in data["columns"] if col["column"] == "c")
    assert c["auto_threshold"]["chunks"] == 10
    x = next(col for col in data["columns"] if col["column"] == "x")
    assert x["effect_size_name"] == "rank-biserial r"
    assert x["pvalue_adjusted"] is not None
    assert data["correction"]["method"] == "holm"
    assert data["correction"]["pvalue_tests"] == 3  # x overall and in segments a and b
