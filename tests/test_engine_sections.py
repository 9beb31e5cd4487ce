"""run_report with the model, windows, concept-drift and online sections wired in."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from driftcli import DriftConfig, ExitCode, FailOn, Severity, run_report
from driftcli.errors import ConfigError, InputError
from driftcli.sections.concept_drift.config import ConceptConfig
from driftcli.sections.concept_drift.result import ConceptSection
from driftcli.sections.online.config import OnlineConfig
from driftcli.sections.online.result import OnlineSection
from driftcli.sections.performance.config import ModelConfig, PerformanceRule
from driftcli.sections.performance.result import PerformanceSection
from driftcli.sections.windows.config import WindowRule
from driftcli.sections.windows.result import WindowSection


def _frame(
    n: int, seed: int, start: dt.datetime, days: int, *, broken_from: int | None
) -> pl.DataFrame:
    """A scored request log: x drifts nowhere, the model breaks from day ``broken_from`` on."""
    rng = np.random.default_rng(seed)
    seconds = rng.integers(0, days * 86_400, n)
    t = np.datetime64(start, "us") + seconds.astype("timedelta64[s]")
    day = seconds // 86_400
    x = rng.normal(0, 1, n)
    target = (rng.random(n) < 1 / (1 + np.exp(-2 * x))).astype(np.int64)
    score = 1 / (1 + np.exp(-2 * x + rng.normal(0, 0.3, n)))
    broken = np.zeros(n, dtype=bool) if broken_from is None else day >= broken_from
    score = np.where(broken, rng.beta(2, 5, n), score)
    latency = rng.lognormal(np.log(80), 0.3, n) * np.where(broken, 3.0, 1.0)
    status = np.where(rng.random(n) < np.where(broken, 0.1, 0.005), "error", "ok")
    return pl.DataFrame(
        {
            "event_time": pl.Series(t, dtype=pl.Datetime("us")),
            "region": rng.choice(["north", "south"], n),
            "x": x,
            "y": rng.normal(0, 1, n),
            "score": score,
            "prediction": (score >= 0.5).astype(np.int64),
            "target": target,
            "latency_ms": latency,
            "status": status,
        }
    )


@pytest.fixture(scope="module")
def log_pair() -> tuple[pl.DataFrame, pl.DataFrame]:
    """Reference: 10 healthy days; current: 10 days (2000 rows a day), broken from day 5 on."""
    ref = _frame(5000, 1, dt.datetime(2025, 2, 1), 10, broken_from=None)
    cur = _frame(20000, 2, dt.datetime(2025, 3, 1), 10, broken_from=5)
    return ref, cur


MODEL = ModelConfig(target="target", prediction="prediction", score="score")


def test_model_columns_are_reported_apart_and_left_out_of_the_dataset_share(
    log_pair: tuple[pl.DataFrame, pl.DataFrame],
) -> None:
    ref, cur = log_pair
    report = run_report(ref, cur, DriftConfig(model=MODEL, exclude=("event_time",)))
    assert dict(report.roles) == {"target": "target", "prediction": "prediction", "score": "score"}
    assert {c.column for c in report.model_columns} == {"target", "prediction", "score"}
    assert "score" not in {c.column for c in report.feature_columns}
    # The broken half of current moves score (and so prediction) a lot ...
    assert {c.column: c.drifted for c in report.model_columns}["score"]
    # ... but the share counts features only: x and y do not drift; latency and status do.
    features = [c for c in report.feature_columns if c.tested]
    assert report.dataset.columns_tested == len(features)
    assert report.dataset.columns_drifted == sum(c.drifted for c in features)


def test_performance_rule_breach_sets_exit_code(
    log_pair: tuple[pl.DataFrame, pl.DataFrame],
) -> None:
    ref, cur = log_pair
    rule = PerformanceRule(metric="accuracy", max_drop=0.05, severity=Severity.FAIL)
    model = dataclasses.replace(MODEL, rules=(rule,), n_resamples=200)
    config = DriftConfig(model=model, columns=("x", "y"))
    report = run_report(ref, cur, config)
    performance = report.section(PerformanceSection)
    assert performance is not None
    acc = performance.overall.comparison
    assert acc is not None
    diff = acc.differences["accuracy"]
    assert diff.difference is not None and diff.difference < -0.05
    assert report.exit_code is ExitCode.BREACH
    assert any(b.startswith("accuracy") for b in report.breaches)
    # With fail_on = never the same finding is a warning and the run passes.
    quiet = run_report(ref, cur, config.replace(fail_on=FailOn.NEVER))
    assert quiet.exit_code is ExitCode.OK
    assert any(w.startswith("accuracy") for w in quiet.warnings)


def test_windows_track_drift_per_day_with_the_whole_run_tests(
    log_pair: tuple[pl.DataFrame, pl.DataFrame],
) -> None:
    ref, cur = log_pair
    config = DriftConfig(
        model=MODEL,
        time_column="event_time",
        window="1d",
        windows=WindowRule(max_drift_share=0.3, consecutive=3, severity=Severity.FAIL),
    )
    report = run_report(ref, cur, config)
    section = report.section(WindowSection)
    assert section is not None
    assert [w.label for w in section.windows] == [f"2025-03-{d:02d}" for d in range(1, 11)]
    assert sum(w.rows for w in section.windows) == cur.height
    tests = {c.column: c.test for c in report.columns if c.tested}
    for w in section.windows:
        assert w.status == "tested"
        assert {c.column: c.test for c in w.columns if c.test} == tests
        assert w.performance is not None and w.performance["accuracy"] is not None
    # Latency, status and score drift only once the model breaks (day 6 on).
    assert not any(w.exceeds for w in section.windows[:5])
    assert all(w.exceeds for w in section.windows[5:])
    assert section.rule_outcome is not None and section.rule_outcome.status == "fail"
    assert report.exit_code is ExitCode.BREACH


def test_window_numbers_equal_a_run_on_that_window_alone(
    log_pair: tuple[pl.DataFrame, pl.DataFrame],
) -> None:
    """The per-window path reuses the sorted reference; its numbers must not change."""
    ref, cur = log_pair
    base = DriftConfig(exclude=("event_time",), correction="none")
    windowed = run_report(ref, cur, base.replace(time_column="event_time", window="1d"))
    windows = windowed.section(WindowSection)
    assert windows is not None
    day = windows.windows[6]
    alone = cur.filter(pl.col("event_time").dt.date() == dt.date(2025, 3, 7))
    # Same tests as the whole-data run: pin them so the small slice keeps them too.
    whole = {c.column: c for c in windowed.columns if c.tested}
    direct = run_report(ref, alone, base)
    for col in day.columns:
        if col.test is None:
            continue
        ref_result = next(c for c in direct.columns if c.column == col.column)
        assert ref_result.test == col.test == whole[col.column].test
        assert col.statistic == pytest.approx(ref_result.statistic, rel=1e-12, abs=1e-15)
        assert col.status == ref_result.status.value


def test_concept_drift_finds_the_break_in_time(log_pair: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    ref, cur = log_pair
    config = DriftConfig(
        model=MODEL,
        columns=("x",),
        time_column="event_time",
        concept=ConceptConfig(detectors=("adwin", "ddm")),
    )
    report = run_report(ref, cur, config)
    concept = report.section(ConceptSection)
    assert concept is not None and concept.stream == "misclassification"
    overall = concept.scopes[0]
    assert overall.scope == "overall"
    first = overall.first_change
    assert first is not None and first.timestamp is not None
    # The model breaks on 2025-03-06; the first change point comes after, within two days.
    assert "2025-03-06" <= first.timestamp[:10] <= "2025-03-08"
    # A change point is a warning by default: the run itself passes.
    assert report.exit_code is ExitCode.OK
    assert any("concept drift" in w for w in report.warnings)


def test_online_limits_feed_the_exit_code(log_pair: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    ref, cur = log_pair
    online = OnlineConfig(
        latency="latency_ms", status="status", error_values=("error",), latency_p95_max=150.0
    )
    config = DriftConfig(columns=("x",), online=online, time_column="event_time", window="1d")
    report = run_report(ref, cur, config)
    section = report.section(OnlineSection)
    assert section is not None and section.reference is not None
    assert section.current.latency_p95 is not None and section.current.latency_p95 > 150
    assert len(section.windows) == 10
    assert report.exit_code is ExitCode.BREACH
    assert any("p95" in b for b in report.breaches)


def test_row_windows_without_a_time_column(log_pair: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    ref, cur = log_pair
    report = run_report(ref, cur, DriftConfig(columns=("x", "y"), window="1000 rows"))
    windows = report.section(WindowSection)
    assert windows is not None
    assert [w.rows for w in windows.windows] == [1000] * 20


def test_section_config_mistakes_are_user_errors(
    log_pair: tuple[pl.DataFrame, pl.DataFrame],
) -> None:
    ref, cur = log_pair
    with pytest.raises(ConfigError, match="needs a time column"):
        DriftConfig(window="1d")
    with pytest.raises(ConfigError, match="'nope'"):
        run_report(ref, cur, DriftConfig(time_column="nope", window="1d"))
    with pytest.raises(ConfigError, match="'label'"):
        run_report(
            ref, cur, DriftConfig(model=ModelConfig(target="label", prediction="prediction"))
        )
    with pytest.raises(InputError, match="event_time"):
        run_report(ref, cur.drop("event_time"), DriftConfig(time_column="event_time", window="1d"))


def test_ndjson_request_log_with_utc_text_timestamps(
    tmp_path: Path, log_pair: tuple[pl.DataFrame, pl.DataFrame]
) -> None:
    """NDJSON logs carry ISO text with a Z offset; windows and online metrics parse it."""
    paths = []
    for name, frame in zip(("ref", "cur"), log_pair, strict=True):
        text = frame.with_columns(pl.col("event_time").dt.strftime("%Y-%m-%dT%H:%M:%SZ"))
        paths.append(tmp_path / f"{name}.ndjson")
        text.write_ndjson(paths[-1])
    online = OnlineConfig(latency="latency_ms", status="status", error_values=("error",))
    config = DriftConfig(columns=("x",), time_column="event_time", window="1d", online=online)
    report = run_report(paths[0], paths[1], config)
    windows, online_section = report.section(WindowSection), report.section(OnlineSection)
    assert windows is not None and len(windows.windows) == 10
    assert online_section is not None and len(online_section.windows) == 10
    assert windows.windows[0].start == "2025-03-01T00:00:00+00:00"


def test_concept_change_at_severity_fail_is_a_breach(
    log_pair: tuple[pl.DataFrame, pl.DataFrame],
) -> None:
    ref, cur = log_pair
    concept = ConceptConfig(detectors=("adwin",), severity=Severity.FAIL, per_segment=False)
    config = DriftConfig(model=MODEL, columns=("x",), time_column="event_time", concept=concept)
    report = run_report(ref, cur, config)
    assert report.exit_code is ExitCode.BREACH
    assert any(b.startswith("concept drift overall: adwin") for b in report.breaches)
