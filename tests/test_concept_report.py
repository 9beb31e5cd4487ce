"""The concept-drift report: [concept] config, the time-ordered error stream, scopes, findings."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl
import pytest

from driftcli.errors import ConfigError, InputError
from driftcli.results.vocabulary import Severity
from driftcli.sections.concept_drift.compute import (
    MAX_BINS,
    MIN_EVENTS,
    NOT_APPLICABLE,
    run_concept,
)
from driftcli.sections.concept_drift.config import (
    ALL_DETECTORS,
    ConceptConfig,
    concept_config_from_mapping,
)
from driftcli.sections.concept_drift.detectors import (
    DetectorResult,
    adwin,
    ddm,
    eddm,
    page_hinkley,
)
from driftcli.sections.concept_drift.result import (
    ChangePoint,
    ConceptScope,
    ConceptSection,
    DetectorReport,
)
from driftcli.sections.performance.config import ModelConfig

MODEL = ModelConfig(target="y", prediction="p")
T0 = datetime(2025, 3, 1)


def minutes(n: int) -> list[datetime]:
    return [T0 + timedelta(minutes=i) for i in range(n)]


def stepped(
    n: int = 4000, change: int = 2000, seed: int = 0, rates: tuple[float, float] = (0.1, 0.5)
) -> tuple[pl.DataFrame, npt.NDArray[Any]]:
    """Binary labels whose misclassification rate steps from rates[0] to rates[1] at `change`.

    Rows are one minute apart, in time order; returns the frame and its 0/1 error stream.
    """
    rng = np.random.default_rng(seed)
    rate = np.where(np.arange(n) < change, rates[0], rates[1])
    wrong = rng.random(n) < rate
    y = rng.integers(0, 2, n)
    p = np.where(wrong, 1 - y, y)
    frame = pl.DataFrame({"t": minutes(n), "y": y, "p": p, "region": rng.choice(["n", "s"], n)})
    return frame, wrong.astype(np.float64)


def overall(section: ConceptSection) -> ConceptScope:
    assert section.scopes[0].scope == "overall"
    return section.scopes[0]


def report(scope: ConceptScope, method: str) -> DetectorReport:
    return next(d for d in scope.detectors if d.method == method)


# ------------------------------------------------------------------------------------- config


def test_config_defaults() -> None:
    cfg = concept_config_from_mapping({}, "drift.toml")
    assert cfg == ConceptConfig()
    assert cfg.detectors == ALL_DETECTORS
    assert cfg.to_dict() == {
        "detectors": list(ALL_DETECTORS),
        "params": {},
        "severity": "warn",
        "per_segment": True,
    }
    assert cfg.effective_params("adwin") == {
        "delta": 0.002,
        "clock": 32,
        "max_buckets": 5,
        "min_window_length": 5,
        "grace_period": 10,
    }
    assert cfg.effective_params("ddm") == {
        "warm_start": 30,
        "warning_threshold": 2.0,
        "drift_threshold": 3.0,
    }
    assert cfg.effective_params("eddm") == {"warm_start": 30, "alpha": 0.95, "beta": 0.9}
    assert cfg.effective_params("page_hinkley") == {
        "min_instances": 30,
        "delta": 0.005,
        "threshold": 50.0,
        "alpha": 1 - 1e-4,
        "mode": "both",
    }


def test_config_valid_table() -> None:
    cfg = concept_config_from_mapping(
        {
            "detectors": ["adwin", "page_hinkley"],
            "severity": "fail",
            "per_segment": False,
            "adwin": {"delta": 0.01, "clock": 16},
            "page_hinkley": {"threshold": 20, "mode": "up"},
        },
        "drift.toml",
    )
    assert cfg.detectors == ("adwin", "page_hinkley")
    assert cfg.severity == "fail"
    assert cfg.per_segment is False
    assert cfg.params["page_hinkley"] == {"threshold": 20.0, "mode": "up"}
    assert isinstance(cfg.params["page_hinkley"]["threshold"], float)  # an int given for a float
    assert cfg.effective_params("adwin")["delta"] == 0.01
    assert cfg.to_dict()["params"] == {
        "adwin": {"delta": 0.01, "clock": 16},
        "page_hinkley": {"threshold": 20.0, "mode": "up"},
    }


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (["adwin"], "drift.toml: concept must be a table: [concept]"),
        (
            {"detector": ["adwin"]},
            "drift.toml: concept: unknown key 'detector'; valid keys: detectors, severity, "
            "per_segment, adwin, ddm, eddm, page_hinkley",
        ),
        ({"detectors": "adwin"}, "drift.toml: concept: detectors must be a list like"),
        (
            {"detectors": ["adwin", "kswin"]},
            "drift.toml: concept: unknown detector 'kswin'; valid detectors: adwin, ddm, eddm, "
            "page_hinkley",
        ),
        ({"detectors": []}, "drift.toml: concept: detectors is empty"),
        (
            {"detectors": ["ddm", "adwin", "ddm"]},
            "drift.toml: concept: detector 'ddm' is listed more than once",
        ),
        ({"severity": "error"}, "drift.toml: concept: severity must be warn or fail, got 'error'"),
        ({"per_segment": "yes"}, "drift.toml: concept: per_segment must be true or false"),
        (
            {"adwin": {"delta": 0.01, "window": 10}},
            "drift.toml: concept.adwin: unknown key 'window'; valid keys: delta, clock, "
            "max_buckets, min_window_length, grace_period",
        ),
        (
            {"ddm": {"warm": 10}},
            "drift.toml: concept.ddm: unknown key 'warm'; valid keys: warm_start, "
            "warning_threshold, drift_threshold",
        ),
        ({"eddm": 3}, "drift.toml: concept.eddm must be a table [concept.eddm] with keys:"),
        ({"adwin": {"clock": 2.5}}, "drift.toml: concept.adwin: clock must be a whole number"),
        ({"adwin": {"clock": True}}, "drift.toml: concept.adwin: clock must be a whole number"),
        ({"adwin": {"delta": "small"}}, "drift.toml: concept.adwin: delta must be a number"),
        ({"page_hinkley": {"mode": 1}}, "drift.toml: concept.page_hinkley: mode must be a string"),
        ({"adwin": {"delta": 2.0}}, "drift.toml: concept.adwin: delta must be in (0, 1), got 2.0"),
        (
            {"ddm": {"warning_threshold": 4.0}},
            "drift.toml: concept.ddm: need 0 < warning_threshold <= drift_threshold",
        ),
        ({"eddm": {"beta": 0.99}}, "drift.toml: concept.eddm: need 0 < beta <= alpha <= 1"),
        (
            {"page_hinkley": {"mode": "sideways"}},
            "drift.toml: concept.page_hinkley: mode must be up, down or both",
        ),
        (
            {"detectors": ["adwin"], "ddm": {"warm_start": 10}},
            "drift.toml: concept: parameters are set for ddm, which is not in detectors",
        ),
    ],
)
def test_config_errors(table: object, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        concept_config_from_mapping(table, "drift.toml")
    assert str(info.value).startswith(message), str(info.value)


def test_config_post_init_validates_library_callers() -> None:
    with pytest.raises(ConfigError, match="unknown detector 'foo'"):
        ConceptConfig(detectors=("foo",))
    with pytest.raises(ConfigError, match=r"concept\.adwin: unknown key 'alpha'"):
        ConceptConfig(params={"adwin": {"alpha": 0.1}})
    with pytest.raises(ConfigError, match="parameters for unknown detector 'hddm'"):
        ConceptConfig(params={"hddm": {}})
    with pytest.raises(ConfigError, match="severity must be warn or fail"):
        ConceptConfig(severity="info")  # type: ignore[arg-type]
    cfg = ConceptConfig(detectors=["ddm"])  # type: ignore[arg-type]
    assert cfg.detectors == ("ddm",)


def test_config_from_drift_toml(tmp_path: Any) -> None:
    from driftcli.config import load_config

    path = tmp_path / "drift.toml"
    path.write_text('[concept]\ndetectors = ["adwin"]\n[concept.adwin]\ndelta = 0.05\n')
    assert load_config(path).section(ConceptConfig) == ConceptConfig(
        ("adwin",), {"adwin": {"delta": 0.05}}
    )


# ------------------------------------------------------------------------------------- stream


def tiny(y: list[Any], p: list[Any], t: list[Any] | None = None) -> pl.DataFrame:
    return pl.DataFrame({"t": t if t is not None else minutes(len(y)), "y": y, "p": p})


def series_errors(section: ConceptSection) -> list[float]:
    """The stream itself, from a scope of fewer than MAX_BINS rows (one row per bin)."""
    scope = overall(section)
    assert all(b.rows == 1 for b in scope.series)
    return [b.mean_error for b in scope.series]


def test_misclassification_stream_by_hand() -> None:
    frame = tiny([0, 1, 1, 0, 2], [0, 0, 1, 1, 2])
    section = run_concept(frame, "t", MODEL, "multiclass", ConceptConfig())
    assert section.stream == "misclassification"
    assert series_errors(section) == [0.0, 1.0, 0.0, 1.0, 0.0]
    scope = overall(section)
    assert scope.n_events == 5
    assert scope.mean_error == pytest.approx(0.4)


@pytest.mark.parametrize(
    ("y", "p", "expected"),
    [
        ([0, 1, 1, 0], [0.0, 1.0, 0.0, 1.0], [0.0, 0.0, 1.0, 1.0]),  # int vs float 0/1
        ([True, False, True], [1, 0, 0], [0.0, 0.0, 1.0]),  # bool vs int
        (["1", "0", "1"], [1, 0, 0], [0.0, 0.0, 1.0]),  # text vs int
        (["1", "0", "1.5"], [1.0, 0.0, 1.5], [0.0, 0.0, 0.0]),  # text vs float: 1.0 is "1"
        (["a", "b", "c"], ["a", "c", "c"], [0.0, 1.0, 0.0]),
    ],
)
def test_misclassification_across_dtypes(y: list[Any], p: list[Any], expected: list[float]) -> None:
    section = run_concept(tiny(y, p), "t", MODEL, "binary", ConceptConfig())
    assert series_errors(section) == expected


def test_misclassification_integers_of_different_widths_compare_exactly() -> None:
    big = 2**62
    frame = tiny([big + 1, 3], [big, 3]).with_columns(pl.col("p").cast(pl.UInt64))
    section = run_concept(frame, "t", MODEL, "multiclass", ConceptConfig())
    assert series_errors(section) == [1.0, 0.0]  # as floats, 2**62 + 1 would equal 2**62


def test_misclassification_categorical_vs_text() -> None:
    frame = tiny(["a", "b", "a"], ["a", "a", "a"]).with_columns(pl.col("y").cast(pl.Categorical))
    section = run_concept(frame, "t", MODEL, "binary", ConceptConfig())
    assert series_errors(section) == [0.0, 1.0, 0.0]


def test_absolute_error_stream_by_hand() -> None:
    frame = tiny([1.0, 2.0, 3, -1.0], [1.5, 2.0, 1, 1.0])
    section = run_concept(frame, "t", MODEL, "regression", ConceptConfig())
    assert section.stream == "absolute_error"
    assert series_errors(section) == [0.5, 0.0, 2.0, 2.0]


def test_regression_needs_numbers() -> None:
    with pytest.raises(InputError, match="must be numeric"):
        run_concept(tiny(["a"], [1.0]), "t", MODEL, "regression", ConceptConfig())


def test_time_order_is_stable_and_sorts_unsorted_input() -> None:
    t = [T0 + timedelta(hours=h) for h in (3, 1, 2, 1, 0)]
    # errors by file row: 1, 0, 1, 1, 0; time order: row 4 (0h), rows 1 and 3 (1h, file
    # order kept), row 2 (2h), row 0 (3h)
    frame = tiny([1, 0, 1, 1, 0], [0, 0, 0, 0, 0], t)
    section = run_concept(frame, "t", MODEL, "binary", ConceptConfig())
    assert series_errors(section) == [0.0, 0.0, 1.0, 1.0, 1.0]
    starts = [b.start for b in overall(section).series]
    assert starts == [
        "2025-03-01T00:00:00",
        "2025-03-01T01:00:00",
        "2025-03-01T01:00:00",
        "2025-03-01T02:00:00",
        "2025-03-01T03:00:00",
    ]


def test_text_and_date_time_columns() -> None:
    text = tiny([0, 1], [0, 0], ["2025-03-02T00:00:00", "2025-03-01T12:00:00"])
    section = run_concept(text, "t", MODEL, "binary", ConceptConfig())
    assert series_errors(section) == [1.0, 0.0]
    assert overall(section).series[0].start == "2025-03-01T12:00:00"
    dates = tiny([0, 1], [0, 0], [date(2025, 3, 2), date(2025, 3, 1)])
    section = run_concept(dates, "t", MODEL, "binary", ConceptConfig())
    assert [b.start for b in overall(section).series] == ["2025-03-01", "2025-03-02"]


def test_exclusions_are_counted() -> None:
    t: list[datetime | None] = list(minutes(8))
    t[0] = None
    frame = pl.DataFrame(
        {
            "t": t,
            "y": [0.0, None, 1.0, float("nan"), 1.0, 0.0, 1.0, 1.0],
            "p": [0.0, 1.0, None, 1.0, float("nan"), 0.0, 0.0, 1.0],
        }
    )
    scope = overall(run_concept(frame, "t", MODEL, "binary", ConceptConfig()))
    # null time, null target, null prediction, NaN target, NaN prediction: 5 rows out
    assert (scope.n_events, scope.n_excluded) == (3, 5)
    assert scope.reason == f"3 events; the detectors need at least {MIN_EVENTS}"
    assert scope.detectors == ()
    assert scope.mean_error == pytest.approx(1 / 3)


def test_regression_excludes_infinite_errors() -> None:
    frame = tiny([1.0, float("inf"), 2.0], [1.0, 1.0, 0.0])
    scope = overall(run_concept(frame, "t", MODEL, "regression", ConceptConfig()))
    assert (scope.n_events, scope.n_excluded) == (2, 1)


def test_nothing_left() -> None:
    frame = tiny([None, None], [1, 0])
    scope = overall(run_concept(frame, "t", MODEL, "binary", ConceptConfig()))
    assert (scope.n_events, scope.n_excluded, scope.mean_error) == (0, 2, None)
    assert scope.reason == "no rows with a timestamp, a target and a prediction"
    assert scope.series == ()


def test_missing_columns_and_model() -> None:
    frame = tiny([0], [0])
    with pytest.raises(InputError, match="time column 'when'"):
        run_concept(frame, "when", MODEL, "binary", ConceptConfig())
    with pytest.raises(InputError, match="column 'region' is not in the current data"):
        run_concept(frame, "t", MODEL, "binary", ConceptConfig(), ("region",))
    with pytest.raises(ConfigError, match="needs the model's target and prediction"):
        run_concept(frame, "t", ModelConfig(target="y"), "binary", ConceptConfig())


# --------------------------------------------------------------------------------- detection


def test_seeded_change_is_found_where_the_detectors_find_it() -> None:
    frame, stream = stepped()
    shuffled = frame.sample(fraction=1.0, shuffle=True, seed=3)  # run_concept orders by time
    section = run_concept(shuffled, "t", MODEL, "binary", ConceptConfig())
    scope = overall(section)
    assert scope.n_events == 4000 and scope.n_excluded == 0
    times = frame["t"].to_list()
    detector: Callable[[npt.ArrayLike], DetectorResult]
    for method, detector in (("adwin", adwin), ("ddm", ddm)):
        found = report(scope, method)
        direct = detector(stream)
        assert [p.row for p in found.drifts] == list(direct.drifts)
        first = found.drifts[0]
        assert 2000 <= first.row <= 2200, method  # shortly after the change
        assert first == ChangePoint(direct.drifts[0], times[direct.drifts[0]].isoformat())
        assert found.params == direct.params
    assert report(scope, "ddm").warnings is not None
    assert report(scope, "adwin").warnings is None
    for method, detector in (("eddm", eddm), ("page_hinkley", page_hinkley)):
        assert [p.row for p in report(scope, method).drifts] == list(detector(stream).drifts)
    ddm_warnings = [p.row for p in report(scope, "ddm").warnings or ()]
    assert ddm_warnings == list(ddm(stream).warnings or ())
    assert scope.first_change is not None
    assert section.severity == "warn"


def test_configured_parameters_reach_the_detectors() -> None:
    frame, stream = stepped()
    cfg = ConceptConfig(detectors=("adwin",), params={"adwin": {"delta": 0.5, "clock": 8}})
    scope = overall(run_concept(frame, "t", MODEL, "binary", cfg))
    assert [d.method for d in scope.detectors] == ["adwin"]
    found = scope.detectors[0]
    assert [p.row for p in found.drifts] == list(adwin(stream, delta=0.5, clock=8).drifts)
    assert found.params["delta"] == 0.5 and found.params["clock"] == 8
    assert found.params["grace_period"] == 10


def test_regression_ddm_eddm_not_applicable() -> None:
    rng = np.random.default_rng(1)
    n = 3000
    y = rng.normal(0, 1, n)
    p = y + rng.normal(0, 1, n) * np.where(np.arange(n) < 1500, 0.5, 3.0)
    frame = pl.DataFrame({"t": minutes(n), "y": y, "p": p})
    cfg = ConceptConfig(params={"ddm": {"warm_start": 50}})
    scope = overall(run_concept(frame, "t", MODEL, "regression", cfg))
    for method in ("ddm", "eddm"):
        r = report(scope, method)
        assert r.note == NOT_APPLICABLE
        assert r.drifts == () and r.warnings is None
    assert report(scope, "ddm").params == {
        "warm_start": 50,
        "warning_threshold": 2.0,
        "drift_threshold": 3.0,
    }
    stream = np.abs(y - p)
    assert [c.row for c in report(scope, "adwin").drifts] == list(adwin(stream).drifts)
    assert report(scope, "adwin").drifts[0].row >= 1500
    assert report(scope, "adwin").note is None


def test_per_segment_scopes_and_labels() -> None:
    frame, stream = stepped(seed=2)
    frame = frame.with_columns(
        pl.when(pl.int_range(pl.len()) == 7).then(None).otherwise(pl.col("y")).alias("y"),
        pl.when(pl.int_range(pl.len()) < 10).then(pl.lit("x")).otherwise(pl.lit(1)).alias("k"),
    )
    frame = frame.with_columns(pl.col("k").cast(pl.String))
    section = run_concept(frame, "t", MODEL, "binary", ConceptConfig(), ("region", "k"))
    labels = [s.scope for s in section.scopes]
    assert labels == ["overall", "region=n, k=1", "region=n, k=x", "region=s, k=1", "region=s, k=x"]
    by_label = {s.scope: s for s in section.scopes}
    assert by_label["region=n, k=1"].segment == {"region": "n", "k": "1"}
    assert sum(s.n_events for s in section.scopes[1:]) == overall(section).n_events == 3999
    assert sum(s.n_excluded for s in section.scopes[1:]) == overall(section).n_excluded == 1
    excluded_region = frame.row(7, named=True)["region"]
    assert by_label[f"region={excluded_region}, k=x"].n_excluded == 1
    small = by_label["region=n, k=x"]
    assert small.reason is not None and small.detectors == ()
    # each segment's stream is its own rows in time order
    keep = (frame["region"] == "s") & (frame["k"] == "1")
    seg_stream = stream[keep.to_numpy()]
    seg = by_label["region=s, k=1"]
    assert seg.n_events == len(seg_stream)
    found = report(seg, "adwin").drifts
    assert [p.row for p in found] == list(adwin(seg_stream).drifts)
    seg_times = frame.filter(keep)["t"].to_list()
    assert all(p.timestamp == seg_times[p.row].isoformat() for p in found)
    off = run_concept(frame, "t", MODEL, "binary", ConceptConfig(per_segment=False), ("region",))
    assert [s.scope for s in off.scopes] == ["overall"]


def test_segment_with_only_excluded_rows_is_reported() -> None:
    frame, _ = stepped(n=200, change=100)
    frame = frame.with_columns(
        pl.when(pl.col("region") == "s").then(None).otherwise(pl.col("p")).alias("p")
    )
    section = run_concept(frame, "t", MODEL, "binary", ConceptConfig(), ("region",))
    south = next(s for s in section.scopes if s.scope == "region=s")
    assert south.n_events == 0 and south.n_excluded == (frame["region"] == "s").sum()
    assert south.reason == "no rows with a timestamp, a target and a prediction"


def test_findings() -> None:
    frame, _ = stepped()
    section = run_concept(
        frame, "t", MODEL, "binary", ConceptConfig(detectors=("adwin", "ddm")), ("region",)
    )
    findings = [f.message for f in section.findings()]
    first = overall(section)
    adwin_point = report(first, "adwin").drifts[0]
    assert findings[0].startswith(
        f"concept drift overall: adwin at row {adwin_point.row} ({adwin_point.timestamp})"
    )
    assert any(f.startswith("concept drift in segment region=s: ") for f in findings)
    quiet = run_concept(frame.head(500), "t", MODEL, "binary", ConceptConfig(("adwin",)))
    assert [f.message for f in quiet.findings()] == []
    handmade = ConceptSection(
        "t",
        "misclassification",
        Severity.FAIL,
        (
            ConceptScope(
                "overall",
                None,
                100,
                0,
                0.1,
                (
                    DetectorReport(
                        "ddm", {}, (ChangePoint(40, None), ChangePoint(80, None)), warnings=()
                    ),
                ),
            ),
        ),
    )
    assert [f.message for f in handmade.findings()] == [
        "concept drift overall: ddm at row 40 and 1 more"
    ]


def test_series_bins() -> None:
    frame, stream = stepped(n=1234)
    scope = overall(run_concept(frame, "t", MODEL, "binary", ConceptConfig()))
    bins = scope.series
    assert len(bins) == MAX_BINS
    assert sum(b.rows for b in bins) == scope.n_events == 1234
    assert {b.rows for b in bins} <= {12, 13}
    assert [b.first_row for b in bins] == list(np.cumsum([0] + [b.rows for b in bins[:-1]]))
    times = frame["t"].to_list()
    for b in bins:
        assert b.start == times[b.first_row].isoformat()
        chunk = stream[b.first_row : b.first_row + b.rows]
        assert b.mean_error == pytest.approx(chunk.mean())
    assert scope.mean_error == pytest.approx(stream.mean())


def test_deterministic() -> None:
    frame, _ = stepped(seed=5)
    runs = [
        run_concept(frame, "t", MODEL, "binary", ConceptConfig(), ("region",)) for _ in range(2)
    ]
    assert runs[0] == runs[1]


def test_null_segment_values_and_an_empty_frame() -> None:
    frame = pl.DataFrame(
        {
            "t": ["2025-01-01", None, "2025-01-03"],
            "y": [1, 0, 1],
            "p": [1, 1, 0],
            "r": ["a", None, None],
        }
    )
    section = run_concept(frame, "t", MODEL, "binary", ConceptConfig(), ("r",))
    counts = [(s.scope, s.segment, s.n_events, s.n_excluded) for s in section.scopes]
    assert counts == [
        ("overall", None, 2, 1),
        ("r=a", {"r": "a"}, 1, 0),
        ("r=None", {"r": None}, 1, 1),
    ]
    empty = frame.clear()
    section = run_concept(empty, "t", MODEL, "binary", ConceptConfig(), ("r",))
    assert [(s.scope, s.n_events, s.n_excluded) for s in section.scopes] == [("overall", 0, 0)]


def test_no_detector_ran_on_the_whole_data_warns() -> None:
    # Five events are too few for any detector: the overall scope says so in the JSON, and
    # now in the warnings (it passed for a stream without concept drift); the JUnit-style
    # check stays not_evaluated.
    section = run_concept(
        tiny([0, 1, 1, 0, 1], [0, 0, 1, 1, 1]), "t", MODEL, "binary", ConceptConfig()
    )
    assert [(f.severity, f.message) for f in section.findings()] == [
        (
            Severity.WARN,
            f"concept drift overall: 5 events; the detectors need at least {MIN_EVENTS}; "
            "no detector ran",
        )
    ]
    assert [c.outcome.value for c in section.checks()] == ["not_evaluated"]
