"""The JSON summary: schema-valid, strict JSON, the documented fields."""

from __future__ import annotations

import json
import math
from datetime import datetime
from typing import Any

import jsonschema
import polars as pl
import pytest

from driftcli import ColumnConfig, DriftConfig, Report, run_report, to_json
from driftcli.outputs.json import report_schema, to_dict
from tests.conftest import SAMPLE_CUR, SAMPLE_REF
from tests.section_fixtures import HOSTILE, with_sections

SCHEMA = report_schema()


def test_sample_summary_matches_schema() -> None:
    report = run_report(SAMPLE_REF, SAMPLE_CUR, DriftConfig(segment_by=("region",)))
    data = json.loads(to_json(report))
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    jsonschema.validate(data, SCHEMA)
    sample = pl.read_parquet(SAMPLE_REF)  # the sample's width grows with new features
    assert {k: data["reference"][k] for k in ("source", "rows", "columns")} == {
        "source": str(SAMPLE_REF),
        "rows": sample.height,
        "columns": sample.width,
    }
    stamp = datetime.strptime(data["generated_at"], "%Y-%m-%dT%H:%M:%SZ")
    assert stamp.year >= 2024
    for col in data["columns"]:
        if col["test_type"] == "distance":
            assert col["pvalue"] is None
        if col["status"] in ("ok", "drift"):
            assert col["statistic"] is not None and col["threshold"] is not None
        else:
            assert col["reason"]


def _walk(value: Any) -> list[float]:
    if isinstance(value, dict):
        return [x for v in value.values() for x in _walk(v)]
    if isinstance(value, list):
        return [x for v in value for x in _walk(v)]
    return [value] if isinstance(value, float) else []


def test_no_nan_or_infinity_even_with_infinite_values() -> None:
    base = [float(i) for i in range(60)]
    ref = pl.DataFrame({"v": [*base[:-1], float("inf")], "w": base})
    cur = pl.DataFrame({"v": [float("-inf"), *base[1:]], "w": [b + 30 for b in base]})
    cfg = DriftConfig(
        test="wasserstein",
        column={"w": ColumnConfig(test="wasserstein"), "v2": ColumnConfig(test="wasserstein")},
    )
    ref = ref.with_columns(pl.col("v").alias("v2"))
    cur = cur.with_columns(pl.col("v").alias("v2"))
    text = to_json(run_report(ref, cur, cfg))
    data = json.loads(text, parse_constant=lambda c: (_ for _ in ()).throw(ValueError(c)))
    assert all(math.isfinite(x) for x in _walk(data))
    jsonschema.validate(data, SCHEMA)
    cols = {c["column"]: c for c in data["columns"]}
    # --test that does not fit the data falls back, and says so
    assert cols["v"]["test"] == "ks" and "wasserstein did not fit" in cols["v"]["reason"]
    # a test set for the column itself does not fall back: the row is an error
    assert cols["v2"]["status"] == "error" and "infinite" in cols["v2"]["reason"]


def test_time_range_of_the_timestamp_column() -> None:
    report = run_report(SAMPLE_REF, SAMPLE_CUR)
    data = json.loads(to_json(report))
    assert data["reference"]["time_range"] == {
        "column": "signup_date",
        "min": "2024-01-01",
        "max": "2024-12-31",
    }
    assert data["current"]["time_range"]["min"] == "2025-01-01"
    no_time = run_report(pl.DataFrame({"v": [1.0, 2.0, 3.0] * 10}), pl.DataFrame({"v": [1.0] * 30}))
    assert no_time.reference.time_range is None


# ------------------------------------------------------------------ issue-6 sections (1.1)

SECTIONS = ("prediction_drift", "performance", "windows", "concept_drift", "online")


def _strict(text: str) -> Any:
    return json.loads(text, parse_constant=lambda c: (_ for _ in ()).throw(ValueError(c)))


def _with_sections(frames: tuple[pl.DataFrame, pl.DataFrame]) -> Report:
    base = run_report(frames[0], frames[1], DriftConfig(segment_by=("region",)))
    return with_sections(base, roles={"y": "target", "x": "prediction"})


def test_plain_report_has_null_sections_and_feature_roles(
    frames: tuple[pl.DataFrame, pl.DataFrame],
) -> None:
    data = _strict(to_json(run_report(frames[0], frames[1], DriftConfig(segment_by=("region",)))))
    jsonschema.validate(data, SCHEMA)
    assert data["schema_version"] == "1.5"
    assert all(data[k] is None for k in SECTIONS)
    assert {c["role"] for c in data["columns"]} == {"feature"}
    assert {c["role"] for s in data["segments"] for c in s["columns"]} == {"feature"}


def test_report_with_every_section_matches_schema(
    frames: tuple[pl.DataFrame, pl.DataFrame],
) -> None:
    text = to_json(_with_sections(frames))
    data = _strict(text)
    jsonschema.validate(data, SCHEMA)
    assert all(data[k] is not None for k in SECTIONS)
    assert all(math.isfinite(x) for x in _walk(data))
    roles = {c["column"]: c["role"] for c in data["columns"]}
    assert roles == {"x": "prediction", "y": "target", "id": "feature", "channel": "feature",
                     "flag": "feature", "region": "feature"}  # fmt: skip
    assert all(c["role"] == roles[c["column"]] for s in data["segments"] for c in s["columns"])
    # x drifted (shifted), y did not: drifted first
    assert data["prediction_drift"] == {"columns": ["x", "y"], "drifted": ["x"]}


def test_performance_section_is_a_faithful_view(
    frames: tuple[pl.DataFrame, pl.DataFrame],
) -> None:
    perf = _strict(to_json(_with_sections(frames)))["performance"]
    assert (perf["task"], perf["target"], perf["score"], perf["positive_label"]) == (
        "binary", "target", "score", 1
    )  # fmt: skip
    cmp = perf["overall"]["comparison"]
    assert cmp["reference"]["confusion"] == {"labels": [0, 1], "counts": [[600, 90], [120, 190]]}
    assert cmp["reference"]["n_missing_target"] == 3
    acc = cmp["differences"]["accuracy"]
    assert acc["reference"] == 0.78 and acc["current"] == 0.74
    assert acc["ci_low"] == pytest.approx(acc["difference"] - 0.03)
    assert (acc["confidence"], acc["n_resamples"], acc["higher_is_better"]) == (0.95, 1000, True)
    assert cmp["differences"]["log_loss"]["higher_is_better"] is False
    south, tiny = perf["segments"]
    # an undefined metric is null with its note, and its difference has no interval
    assert south["comparison"]["current"]["metrics"]["f1"] is None
    assert south["comparison"]["current"]["notes"] == {"f1": "no predicted positives"}
    assert south["comparison"]["differences"]["f1"]["ci_low"] is None
    assert tiny["comparison"] is None and tiny["segment"] == {"region": HOSTILE}
    assert [r["status"] for r in perf["rules"]] == ["fail", "warn", "pass", "not_evaluated"]
    assert perf["rules"][3]["drop"] is None


def test_windows_concept_and_online_sections(frames: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    data = _strict(to_json(_with_sections(frames)))
    win = data["windows"]
    assert [w["status"] for w in win["windows"]] == ["tested", "tested", "tested", "too_small"]
    assert [w["exceeds"] for w in win["windows"]] == [False, True, True, False]
    assert win["windows"][3]["dataset"] is None and win["windows"][3]["columns"] == []
    first = win["windows"][0]["columns"][0]
    assert first == {
        "column": "income", "role": "feature", "status": "ok", "test": "psi",
        "statistic": 0.2, "pvalue": None, "threshold": 0.1, "drift_score": 2.0,
    }  # fmt: skip
    assert win["windows"][1]["performance"] == {"accuracy": pytest.approx(0.7), "roc_auc": None}
    assert win["rule"] is None
    assert win["rule_outcome"]["runs"] == [[1, 2]] and win["rule_outcome"]["status"] == "fail"
    concept = data["concept_drift"]
    overall, tiny = concept["scopes"]
    assert overall["first_change"] == {
        "detector": "adwin", "row": 512, "timestamp": "2025-03-15T01:00:00"
    }  # fmt: skip
    ddm = overall["detectors"][1]
    assert ddm["warnings"] == [{"row": 500, "timestamp": "2025-03-14T22:00:00"}]
    assert overall["detectors"][3]["warnings"] is None  # page_hinkley has no warning zone
    assert overall["detectors"][0]["params"] == {"delta": 0.002, "clock": 32}
    assert tiny["first_change"] is None and tiny["reason"] == "10 events; needs 30"
    online = data["online"]
    assert online["current"]["latency_p95"] == 320.5 and online["reference"]["error_rate"] == 0.005
    assert online["windows"][0]["stats"]["throughput_per_second"] is None
    assert [x["status"] for x in online["limits"]] == ["fail", "pass", "warn", "not_evaluated"]


def test_sections_never_emit_nan_and_stay_deterministic(
    frames: tuple[pl.DataFrame, pl.DataFrame],
) -> None:
    import dataclasses

    from driftcli.sections.online.result import OnlineSection, OnlineStats

    report = _with_sections(frames)
    online = report.section(OnlineSection)
    assert online is not None
    nan = OnlineStats(10, 0, float("nan"), float("inf"), None, float("-inf"), 0, float("nan"))
    sections = {**report.sections, "online": dataclasses.replace(online, current=nan)}
    report = dataclasses.replace(report, sections=sections)
    text = to_json(report)
    data = _strict(text)
    jsonschema.validate(data, SCHEMA)
    assert data["online"]["current"]["latency_p50"] is None
    assert data["online"]["current"]["error_rate"] is None
    # same input, same bytes (generated_at is part of the report, so it is the same too)
    assert to_json(report) == text
    assert to_dict(report) == to_dict(report)


def test_model_run_end_to_end_matches_schema(frames: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    from driftcli.sections.performance.config import ModelConfig

    ref, cur = (f.with_columns(pred=pl.col("flag") ^ (pl.col("x") > 1.5)) for f in frames)
    cfg = DriftConfig(segment_by=("region",), model=ModelConfig(target="flag", prediction="pred"))
    data = _strict(to_json(run_report(ref, cur, cfg)))
    jsonschema.validate(data, SCHEMA)
    roles = {c["column"]: c["role"] for c in data["columns"]}
    assert roles["flag"] == "target" and roles["pred"] == "prediction" and roles["x"] == "feature"
    assert sorted(data["prediction_drift"]["columns"]) == ["flag", "pred"]
    assert data["performance"]["task"] == "binary"
    # the dataset verdict counts features only
    assert data["dataset"]["columns_tested"] == sum(
        1 for c in data["columns"] if c["role"] == "feature" and c["status"] in ("ok", "drift")
    )
