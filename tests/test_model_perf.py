"""Model performance in a run: the [model] config, per-scope comparisons and drop rules.

Metric values are checked against scikit-learn (the [test] extra) on the same rows; the
sklearn call is written next to each comparison. Data come from seeded numpy generators or
are built exactly (a known number of wrong predictions) so rule outcomes are predictable.
"""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest

from driftcli.config import load_config
from driftcli.errors import ConfigError, InputError
from driftcli.results.section import Finding
from driftcli.results.vocabulary import Outcome, Severity
from driftcli.sections.performance.compute import run_performance
from driftcli.sections.performance.config import (
    ModelConfig,
    PerformanceRule,
    model_config_from_mapping,
)
from driftcli.sections.performance.result import PerformanceSection, RuleOutcome

skm = pytest.importorskip("sklearn.metrics", reason="scikit-learn is the oracle ([test] extra)")

FAST = 200  # bootstrap resamples in tests that do not look at the interval's width


def failures(section: PerformanceSection) -> list[str]:
    """Messages of the rules that failed at severity fail (the section's fail findings)."""
    return [f.message for f in section.findings() if f.severity is Severity.FAIL]


def warnings(section: PerformanceSection) -> list[str]:
    """Messages of the rules that failed at severity warn.

    The section's warn findings also list the rules it could not evaluate; this is the
    rules' own verdict.
    """
    return [r.message for r in section.rules if r.status is Outcome.WARN]


def close(value: float | None, expected: float) -> bool:
    return value is not None and math.isclose(value, expected, rel_tol=1e-12, abs_tol=1e-15)


def exact_binary(n: int, wrong: int, region: str, score: bool = True) -> pl.DataFrame:
    """n rows alternating 0/1 with exactly ``wrong`` predictions flipped."""
    y = np.arange(n) % 2
    p = y.copy()
    p[:wrong] = 1 - p[:wrong]
    data: dict[str, Any] = {"region": [region] * n, "y": y, "p": p}
    if score:
        data["s"] = np.where(p == 1, 0.8, 0.2)
    return pl.DataFrame(data)


def rule_frames() -> tuple[pl.DataFrame, pl.DataFrame]:
    """north steady at 0.9; south 0.9 -> 0.7; tiny (4 rows) too small to test."""
    ref = pl.concat(
        [exact_binary(200, 20, "north"), exact_binary(200, 20, "south"), exact_binary(4, 0, "tiny")]
    )
    cur = pl.concat(
        [exact_binary(200, 20, "north"), exact_binary(200, 60, "south"), exact_binary(4, 0, "tiny")]
    )
    return ref, cur


def run_rules(*rules: PerformanceRule, n_resamples: int = FAST) -> PerformanceSection:
    ref, cur = rule_frames()
    config = ModelConfig(
        target="y", prediction="p", score="s", n_resamples=n_resamples, rules=rules
    )
    return run_performance(ref, cur, config, segment_by=["region"], min_segment_rows=30)


def only(section: PerformanceSection) -> RuleOutcome:
    assert len(section.rules) == 1
    return section.rules[0]


# ------------------------------------------------------------------------------------ config


FULL = {
    "target": "y",
    "prediction": "p",
    "score": "s",
    "task": "binary",
    "positive_label": 1,
    "n_resamples": 500,
    "confidence": 0.9,
    "seed": 7,
    "rules": [
        {"metric": "accuracy", "segment": "region=south", "max_drop": 0.02},
        {"metric": "roc_auc", "max_relative_drop": 0.05, "severity": "warn"},
        {"metric": "f1", "segment": "*", "max_drop": 0, "significant_only": True},
    ],
}


def test_config_parses_every_key_and_echoes_it() -> None:
    config = model_config_from_mapping(FULL, "drift.toml")
    assert config.enabled
    assert config.roles == {"y": "target", "p": "prediction", "s": "score"}
    assert (config.task, config.positive_label, config.n_resamples) == ("binary", 1, 500)
    assert (config.confidence, config.seed) == (0.9, 7)
    assert config.rules == (
        PerformanceRule("accuracy", "region=south", max_drop=0.02),
        PerformanceRule("roc_auc", max_relative_drop=0.05, severity=Severity.WARN),
        PerformanceRule("f1", "*", max_drop=0.0, significant_only=True),
    )
    assert isinstance(config.rules[2].max_drop, float)  # an integer limit becomes a float
    echo = config.to_dict()
    assert echo["rules"][1] == {
        "metric": "roc_auc",
        "segment": "overall",
        "max_drop": None,
        "max_relative_drop": 0.05,
        "severity": "warn",
        "significant_only": False,
    }
    assert {k: v for k, v in echo.items() if k != "rules"} == {
        k: v for k, v in FULL.items() if k != "rules"
    }
    hash(config)  # frozen and hashable like the other configs


def test_default_config_is_disabled_and_echoes_none() -> None:
    config = model_config_from_mapping({}, "drift.toml")
    assert not config.enabled
    assert config.to_dict() == {
        "target": None,
        "prediction": None,
        "score": None,
        "task": None,
        "positive_label": None,
        "n_resamples": 1000,
        "confidence": 0.95,
        "seed": 0,
        "rules": [],
    }
    # Target alone is allowed (its drift is reported apart), it just computes no performance.
    assert model_config_from_mapping({"prediction": "p"}, "x").roles == {"p": "prediction"}


def test_config_from_a_toml_file(tmp_path: Path) -> None:
    path = tmp_path / "drift.toml"
    path.write_text(
        'segment_by = ["region"]\n'
        "[model]\n"
        'target = "y"\nprediction = "p"\n'
        "[[model.rules]]\n"
        'metric = "accuracy"\nsegment = "*"\nmax_drop = 0.02\nseverity = "warn"\n'
    )
    config = load_config(path)
    assert config.section(ModelConfig).rules == (
        PerformanceRule("accuracy", "*", 0.02, severity=Severity.WARN),
    )
    assert config.to_dict()["model"]["target"] == "y"


BASE = {"target": "y", "prediction": "p"}


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("y", ["drift.toml: model must be a table"]),
        ({"targt": "y"}, ["unknown key 'targt'", "valid keys: target, prediction, score"]),
        ({**BASE, "target": 3}, ["target must be a string"]),
        ({**BASE, "task": "classification"}, ["task must be one of binary, multiclass"]),
        ({**BASE, "n_resamples": 0}, ["n_resamples must be a whole number >= 1"]),
        ({**BASE, "n_resamples": True}, ["n_resamples must be a whole number >= 1"]),
        ({**BASE, "confidence": 1.0}, ["confidence must be a number in (0, 1)"]),
        ({**BASE, "seed": -1}, ["seed must be a whole number >= 0"]),
        ({**BASE, "positive_label": [1]}, ["positive_label must be a label value"]),
        ({**BASE, "rules": {"metric": "accuracy"}}, ["rules must be tables like [[model.rules]]"]),
        ({**BASE, "rules": ["accuracy"]}, ["rules[0] must be a table"]),
        (
            {"target": "y", "rules": [{"metric": "accuracy", "max_drop": 0.1}]},
            ["rules need both target and prediction", "--prediction"],
        ),
        (
            {**BASE, "rules": [{"metric": "acc", "max_drop": 0.1}]},
            ["rules[0]", "unknown metric 'acc'", "accuracy, precision, recall"],
        ),
        ({**BASE, "rules": [{"max_drop": 0.1}]}, ["rules[0]: metric is required", "accuracy"]),
        (
            {**BASE, "rules": [{"metric": "f1", "max_drop": 0.1, "limit": 1}]},
            ["rules[0]: unknown key 'limit'", "valid keys: metric, segment, max_drop"],
        ),
        (
            {**BASE, "rules": [{"metric": "f1", "max_drop": 0.1, "max_relative_drop": 0.1}]},
            ["exactly one of max_drop", "max_drop and max_relative_drop"],
        ),
        ({**BASE, "rules": [{"metric": "f1"}]}, ["exactly one of max_drop", "neither"]),
        ({**BASE, "rules": [{"metric": "f1", "max_drop": -0.1}]}, ["max_drop must be a non-neg"]),
        (
            {**BASE, "rules": [{"metric": "f1", "max_relative_drop": "5%"}]},
            ["max_relative_drop must be a non-negative number, got '5%'"],
        ),
        (
            {**BASE, "rules": [{"metric": "f1", "max_drop": 0.1, "severity": "error"}]},
            ["severity must be warn or fail, got 'error'"],
        ),
        (
            {**BASE, "rules": [{"metric": "f1", "max_drop": 0.1, "significant_only": "yes"}]},
            ["significant_only must be true or false"],
        ),
        (
            {**BASE, "rules": [{"metric": "f1", "max_drop": 0.1, "segment": ""}]},
            ["segment must be 'overall', '*' or a segment label"],
        ),
        (
            {**BASE, "task": "regression", "rules": [{"metric": "accuracy", "max_drop": 0.1}]},
            ["'accuracy' does not apply to a regression task", "regression metrics: mae"],
        ),
        (
            {**BASE, "rules": [{"metric": "roc_auc", "max_drop": 0.1}]},
            ["'roc_auc' needs a score column", "--score"],
        ),
    ],
)
def test_config_errors_name_source_key_and_fix(data: object, expected: list[str]) -> None:
    with pytest.raises(ConfigError) as err:
        model_config_from_mapping(data, "drift.toml")
    message = str(err.value)
    assert message.startswith("drift.toml: model")
    for part in expected:
        assert part in message


def test_library_callers_get_the_same_validation() -> None:
    config = ModelConfig(target="y", prediction="p", rules=[PerformanceRule("f1", max_drop=1)])  # type: ignore[arg-type]
    assert isinstance(config.rules, tuple)
    with pytest.raises(ConfigError, match="rules must hold PerformanceRule items"):
        ModelConfig(target="y", prediction="p", rules=({"metric": "f1"},))  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="unknown metric 'auc'"):
        PerformanceRule("auc", max_drop=0.1)
    with pytest.raises(ConfigError, match="must be a non-negative number"):
        PerformanceRule("mae", max_drop=math.inf)
    assert dataclasses.replace(config, seed=3).seed == 3
    with pytest.raises(ConfigError, match="confidence"):
        dataclasses.replace(config, confidence=0)


# ---------------------------------------------------------------------------------- numbers


def seeded_binary(n: int, seed: int, noise: float) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    s = np.clip(np.round((1 - noise) * y + noise * rng.random(n), 3), 0, 1)
    region = rng.choice(["north", "south", "east"], n)
    return pl.DataFrame({"region": region, "y": y, "p": (s > 0.5).astype(np.int64), "s": s})


def test_overall_and_segments_match_sklearn() -> None:
    ref, cur = seeded_binary(900, 1, 0.6), seeded_binary(700, 2, 0.8)
    config = ModelConfig(target="y", prediction="p", score="s", n_resamples=FAST)
    section = run_performance(ref, cur, config, segment_by=["region"])
    assert section.task == "binary"
    assert section.positive_label == 1
    assert [s.scope for s in section.segments] == ["region=east", "region=north", "region=south"]
    scopes = [(section.overall, None), *((s, s.scope.split("=")[1]) for s in section.segments)]
    for scope, region in scopes:
        assert scope.comparison is not None
        assert scope.segment == (None if region is None else {"region": region})
        for frame, result in ((ref, scope.comparison.reference), (cur, scope.comparison.current)):
            rows = frame if region is None else frame.filter(pl.col("region") == region)
            y, p, s = (rows.get_column(c).to_numpy() for c in ("y", "p", "s"))
            m = result.metrics
            assert result.n_rows == rows.height
            assert close(m["accuracy"], skm.accuracy_score(y, p))
            assert close(m["precision"], skm.precision_score(y, p))
            assert close(m["recall"], skm.recall_score(y, p))
            assert close(m["f1"], skm.f1_score(y, p))
            assert close(m["roc_auc"], skm.roc_auc_score(y, s))
            assert close(m["log_loss"], skm.log_loss(y, s))
        diff = scope.comparison.differences["accuracy"]
        assert diff.difference is not None and diff.ci_low is not None and diff.ci_high is not None
        assert diff.ci_low <= diff.difference <= diff.ci_high
        assert diff.n_resamples == FAST


def test_regression_segments_match_sklearn() -> None:
    rng = np.random.default_rng(5)
    frames = []
    for bias in (0.0, 0.5):
        y = rng.normal(10, 3, 600)
        y[:7] = 0.0  # MAPE skips zero targets
        frames.append(
            pl.DataFrame(
                {"g": rng.integers(0, 2, 600), "y": y, "yhat": y + bias + rng.normal(0, 1, 600)}
            )
        )
    config = ModelConfig(target="y", prediction="yhat", n_resamples=FAST)
    section = run_performance(frames[0], frames[1], config, segment_by=["g"])
    assert section.task == "regression"
    assert [s.scope for s in section.segments] == ["g=0", "g=1"]
    for scope in section.segments:
        assert scope.comparison is not None
        group = int(scope.scope[2:])
        sides = (scope.comparison.reference, scope.comparison.current)
        for frame, result in zip(frames, sides, strict=True):
            rows = frame.filter(pl.col("g") == group)
            y, yhat = rows.get_column("y").to_numpy(), rows.get_column("yhat").to_numpy()
            nz = y != 0
            m = result.metrics
            assert close(m["mae"], skm.mean_absolute_error(y, yhat))
            assert close(m["rmse"], math.sqrt(skm.mean_squared_error(y, yhat)))
            # sklearn's MAPE on the non-zero targets only (it divides by eps at zero)
            assert close(m["mape"], skm.mean_absolute_percentage_error(y[nz], yhat[nz]))
            assert close(m["r2"], skm.r2_score(y, yhat))
            assert result.n_zero_target == int((~nz).sum())


def test_rows_without_target_are_counted_and_excluded() -> None:
    ref, cur = seeded_binary(600, 3, 0.6), seeded_binary(600, 4, 0.6)
    rng = np.random.default_rng(9)
    holes = rng.random(600) < 0.1
    cur = cur.with_columns(pl.when(pl.lit(pl.Series(holes))).then(None).otherwise("y").alias("y"))
    config = ModelConfig(target="y", prediction="p", n_resamples=FAST)
    section = run_performance(ref, cur, config, segment_by=["region"])
    assert section.overall.comparison is not None
    result = section.overall.comparison.current
    assert (result.n_rows, result.n_missing_target, result.n_used) == (
        600,
        int(holes.sum()),
        600 - int(holes.sum()),
    )
    kept = cur.filter(pl.col("y").is_not_null())
    expected = skm.accuracy_score(kept.get_column("y").to_numpy(), kept.get_column("p").to_numpy())
    assert close(result.metrics["accuracy"], expected)
    per_segment = sum(
        s.comparison.current.n_missing_target for s in section.segments if s.comparison
    )
    assert per_segment == int(holes.sum())


def test_task_is_inferred_once_for_every_segment() -> None:
    """Segment b holds only labels 0 and 1: alone it would look binary; it stays multiclass."""
    rng = np.random.default_rng(11)
    y = np.concatenate([rng.integers(0, 4, 300), rng.integers(0, 2, 300)])
    p = np.where(rng.random(600) < 0.8, y, rng.integers(0, 4, 600))
    frame = pl.DataFrame({"seg": ["a"] * 300 + ["b"] * 300, "y": y, "p": p})
    config = ModelConfig(target="y", prediction="p", n_resamples=FAST)
    section = run_performance(frame, frame, config, segment_by=["seg"])
    assert section.task == "multiclass"
    b = section.segments[1]
    assert b.scope == "seg=b" and b.comparison is not None
    assert b.comparison.reference.task == "multiclass"
    rows = frame.filter(pl.col("seg") == "b")
    yb, pb = rows.get_column("y").to_numpy(), rows.get_column("p").to_numpy()
    # macro over the labels seen in target or prediction of this segment, as sklearn does
    assert close(b.comparison.reference.metrics["f1_macro"], skm.f1_score(yb, pb, average="macro"))


def test_small_and_one_sided_segments_are_not_compared() -> None:
    ref, cur = rule_frames()
    cur = pl.concat([cur, exact_binary(50, 0, "west")])
    config = ModelConfig(target="y", prediction="p", n_resamples=FAST)
    section = run_performance(ref, cur, config, segment_by=["region"], min_segment_rows=30)
    by_scope = {s.scope: s for s in section.segments}
    assert list(by_scope) == ["region=north", "region=south", "region=tiny", "region=west"]
    assert by_scope["region=tiny"].comparison is None
    assert by_scope["region=tiny"].reason == (
        "4 reference and 4 current rows with a target and a prediction; each side needs at "
        "least 30 (min_segment_rows)"
    )
    assert by_scope["region=west"].comparison is None
    assert by_scope["region=west"].reason == "no rows in reference"


def test_missing_columns_are_input_errors() -> None:
    ref, cur = rule_frames()
    config = ModelConfig(target="y", prediction="p", score="s")
    with pytest.raises(InputError, match="score column 's' is not in the current data"):
        run_performance(ref, cur.drop("s"), config)
    with pytest.raises(InputError, match="target column 'y' is not in the reference data"):
        run_performance(ref.drop("y"), cur, config)
    with pytest.raises(InputError, match="segment column 'zone' is not in the reference"):
        run_performance(ref, cur, config, segment_by=["zone"])
    with pytest.raises(ConfigError, match="needs both target and prediction"):
        run_performance(ref, cur, ModelConfig(target="y"))


def test_same_inputs_give_the_same_section() -> None:
    rule = PerformanceRule("accuracy", "*", max_drop=0.01, significant_only=True)
    first, second = run_rules(rule), run_rules(rule)
    assert first == second
    assert first.seed == 0 and first.overall.comparison is not None
    assert first.overall.comparison.seed == 0
    # Every scope uses the configured seed: a segment's interval does not depend on which
    # other segments exist.
    south = next(s for s in first.segments if s.scope == "region=south")
    ref, cur = (f.filter(pl.col("region") == "south") for f in rule_frames())
    config = ModelConfig(target="y", prediction="p", score="s", n_resamples=FAST)
    alone = run_performance(ref, cur, config, segment_by=["region"])
    assert alone.segments[0].comparison == south.comparison
    reseeded = run_performance(ref, cur, dataclasses.replace(config, seed=1))
    assert reseeded.seed == 1 and reseeded.overall.comparison is not None
    assert reseeded.overall.comparison.seed == 1


# ------------------------------------------------------------------------------------ rules


def test_absolute_drop_in_a_segment_fails_with_a_readable_message() -> None:
    outcome = only(run_rules(PerformanceRule("accuracy", "region=south", max_drop=0.05)))
    assert (outcome.status, outcome.scope, outcome.severity) == ("fail", "region=south", "fail")
    assert (outcome.reference, outcome.current) == (0.9, 0.7)
    assert outcome.drop is not None and math.isclose(outcome.drop, 0.2)
    assert (outcome.limit, outcome.limit_kind) == (0.05, "absolute")
    assert outcome.message == (
        "accuracy dropped 0.2 (0.9 -> 0.7) in segment region=south; limit 0.05 (fail)"
    )


def test_overall_warn_feeds_warnings_not_failures() -> None:
    # overall: reference 0.9 (all regions), current (20 + 60) wrong of 404 rows
    section = run_rules(PerformanceRule("accuracy", max_drop=0.05, severity=Severity.WARN))
    outcome = only(section)
    assert outcome.scope == "overall" and outcome.status == "warn"
    ref, cur = rule_frames()
    expected = skm.accuracy_score(ref["y"].to_numpy(), ref["p"].to_numpy()) - skm.accuracy_score(
        cur["y"].to_numpy(), cur["p"].to_numpy()
    )
    assert outcome.drop is not None and math.isclose(outcome.drop, expected)
    assert warnings(section) == [outcome.message] and failures(section) == []


def test_drop_equal_to_the_limit_passes() -> None:
    # 0.9 - 0.7 is 0.20000000000000007 in floats: still equal to a 0.2 limit
    outcome = only(run_rules(PerformanceRule("accuracy", "region=south", max_drop=0.2)))
    assert outcome.status == "pass"
    assert outcome.message == (
        "accuracy dropped 0.2 (0.9 -> 0.7) in segment region=south; within limit 0.2"
    )


def test_relative_drop_of_a_lower_is_better_metric() -> None:
    """MAE 1.0 -> 1.5 is a 50% rise (worse); MAE 1.0 -> 0.5 is an improvement."""
    y = np.arange(100, dtype=np.float64)
    ref = pl.DataFrame({"y": y, "p": y + 1.0})
    worse = pl.DataFrame({"y": y, "p": y + 1.5})
    better = pl.DataFrame({"y": y, "p": y + 0.5})
    rules = (
        PerformanceRule("mae", max_relative_drop=0.4, severity=Severity.WARN),
        PerformanceRule("mae", max_relative_drop=0.6),
        PerformanceRule("r2", max_drop=0.1),
    )
    config = ModelConfig(target="y", prediction="p", n_resamples=FAST, rules=rules)
    section = run_performance(ref, worse, config)
    assert [r.status for r in section.rules] == ["warn", "pass", "pass"]
    first = section.rules[0]
    assert first.drop is not None and math.isclose(first.drop, 0.5)
    assert first.limit_kind == "relative"
    assert first.message == "mae rose 50% (1 -> 1.5) overall; limit 40% (warn)"
    improved = run_performance(ref, better, config).rules[0]
    assert improved.status == "pass" and improved.drop is not None and improved.drop < 0
    assert improved.message == "mae improved 50% (1 -> 0.5) overall; within limit 40%"


def test_relative_limit_with_a_zero_reference_is_not_evaluated() -> None:
    y = np.arange(50, dtype=np.float64)
    ref = pl.DataFrame({"y": y, "p": y})  # MAE 0
    cur = pl.DataFrame({"y": y, "p": y + 1})
    config = ModelConfig(
        target="y",
        prediction="p",
        n_resamples=FAST,
        rules=(PerformanceRule("mae", max_relative_drop=0.1),),
    )
    outcome = only(run_performance(ref, cur, config))
    assert outcome.status == "not_evaluated" and outcome.drop is None
    assert "reference value is 0" in outcome.message and "use max_drop" in outcome.message


def test_every_scope_covers_overall_and_tested_segments() -> None:
    section = run_rules(PerformanceRule("accuracy", "*", max_drop=0.1))
    assert [(r.scope, r.status) for r in section.rules] == [
        ("overall", "pass"),
        ("region=north", "pass"),
        ("region=south", "fail"),
    ]  # region=tiny is too small: not a scope of "*"
    assert failures(section) == [section.rules[2].message]


def test_unknown_and_untested_segments_are_not_evaluated() -> None:
    section = run_rules(
        PerformanceRule("accuracy", "region=West", max_drop=0.1),
        PerformanceRule("accuracy", "region=tiny", max_drop=0.1),
    )
    unknown, tiny = section.rules
    assert unknown.status == tiny.status == "not_evaluated"
    assert unknown.message == (
        "accuracy not evaluated in segment region=West: no segment is labelled 'region=West'; "
        "use 'overall', '*' or one of: region=north, region=south, region=tiny"
    )
    assert tiny.message.startswith("accuracy not evaluated in segment region=tiny: segment not ")
    assert "lower min_segment_rows" in tiny.message
    assert failures(section) == warnings(section) == []


def test_undefined_or_inapplicable_metrics_are_not_evaluated() -> None:
    # roc_auc needs both classes: make south's current target all 1.
    ref, cur = rule_frames()
    cur = cur.with_columns(
        pl.when(pl.col("region") == "south").then(1).otherwise(pl.col("y")).alias("y")
    )
    rules = (
        PerformanceRule("roc_auc", "region=south", max_drop=0.1),
        PerformanceRule("mae", max_drop=0.1),
    )
    config = ModelConfig(target="y", prediction="p", score="s", n_resamples=FAST, rules=rules)
    auc, mae = run_performance(ref, cur, config, segment_by=["region"]).rules
    assert auc.status == "not_evaluated" and auc.reference is not None and auc.current is None
    assert "current: only one class is present in the target" in auc.message
    assert mae.status == "not_evaluated"
    assert "mae is not computed for this binary task" in mae.message
    assert "binary metrics: accuracy" in mae.message


def test_significant_only_separates_real_drops_from_noise() -> None:
    """South's 0.2 drop on 200 rows is significant; a 2-row change on 40 rows is not."""
    big = PerformanceRule("accuracy", "region=south", max_drop=0.05, significant_only=True)
    outcome = only(run_rules(big, n_resamples=1000))
    assert outcome.status == "fail"
    assert "95% interval of the difference [" in outcome.message

    ref = exact_binary(40, 4, "x")  # 0.9
    cur = exact_binary(40, 6, "x")  # 0.85
    noisy = PerformanceRule("accuracy", max_drop=0.01, significant_only=True)
    config = ModelConfig(target="y", prediction="p", rules=(noisy,))
    outcome = only(run_performance(ref, cur, config))
    assert outcome.status == "pass"
    assert outcome.drop is not None and math.isclose(outcome.drop, 0.05)
    assert "not significant" in outcome.message and "includes 0" in outcome.message
    # Without significant_only the same drop fails.
    plain = ModelConfig(
        target="y", prediction="p", rules=(dataclasses.replace(noisy, significant_only=False),)
    )
    assert only(run_performance(ref, cur, plain)).status == "fail"


def test_probabilities_given_as_the_prediction_of_a_0_1_target_are_doubted() -> None:
    # A 0/1 target and a prediction of probabilities (the score column given as prediction):
    # the task is inferred as regression, which may be meant, so the section warns with the
    # fix instead of failing. A set task, a prediction outside [0, 1] or a target with other
    # values raise no doubt.
    rng = np.random.default_rng(29)

    def side(n: int) -> pl.DataFrame:
        y = (rng.random(n) < 0.4).astype(np.int64)
        return pl.DataFrame({"y": y, "p": np.clip(0.4 * y + 0.6 * rng.random(n), 0, 1)})

    ref, cur = side(600), side(500)
    section = run_performance(ref, cur, ModelConfig(target="y", prediction="p", n_resamples=50))
    assert section.task == "regression"
    assert section.findings() == (
        Finding(
            Severity.WARN,
            "model: the task was inferred as regression, but target 'y' holds only 0 and 1 "
            "and prediction 'p' only values from 0 to 1: if 'p' is the probability of class "
            "1, set it as score (--score) and give the predicted labels as prediction; set "
            'task = "regression" if it is one',
        ),
    )
    meant = ModelConfig(target="y", prediction="p", task="regression", n_resamples=50)
    assert run_performance(ref, cur, meant).findings() == ()
    wider = cur.with_columns(pl.col("p") * 2)
    plain = ModelConfig(target="y", prediction="p", n_resamples=50)
    assert run_performance(ref, wider, plain).findings() == ()
    counts = cur.with_columns(pl.col("y") * 3)
    assert run_performance(ref, counts, plain).findings() == ()


def test_a_side_without_labelled_rows_warns_that_performance_was_not_compared() -> None:
    # Labels often arrive days after the predictions: a current batch whose targets are all
    # null has every metric undefined. Without a rule nothing said so; now the section does.
    rng = np.random.default_rng(31)
    ref = pl.DataFrame({"y": rng.integers(0, 2, 300), "p": rng.integers(0, 2, 300)})
    cur = pl.DataFrame({"y": pl.Series([None] * 200, dtype=pl.Int64), "p": rng.integers(0, 2, 200)})
    config = ModelConfig(target="y", prediction="p", n_resamples=50)
    section = run_performance(ref, cur, config)
    assert section.findings() == (
        Finding(
            Severity.WARN,
            "model performance: no current row has both a target and a prediction (200 of 200 "
            "without a target, 0 without a prediction), so performance was not compared; the "
            "labels may not have arrived yet",
        ),
    )
    assert run_performance(ref, ref, config).findings() == ()
    ruled = dataclasses.replace(config, rules=(PerformanceRule("accuracy", "overall", 0.05),))
    findings = run_performance(ref, cur, ruled).findings()
    assert len(findings) == 1 and "accuracy not evaluated" in findings[0].message  # the rule's


def test_a_target_without_a_prediction_says_performance_was_not_computed() -> None:
    # [model] target and score, as a probability model is configured, gave no performance
    # section and no word about it. The run still reports the columns' drift; a notice says
    # what is missing and what to set.
    from driftcli import DriftConfig, run_report

    rng = np.random.default_rng(4)
    x = rng.normal(size=400)
    df = pl.DataFrame({"x": x, "y": (x > 0).astype(np.int64), "p": 1 / (1 + np.exp(-x))})
    report = run_report(df, df, DriftConfig(model=ModelConfig(target="y", score="p")))
    assert report.section(PerformanceSection) is None
    assert report.notices == (
        "model performance was not computed: [model] names the target 'y' but no prediction "
        "(set prediction, or --prediction, to the predicted label's column). A score alone "
        "gives none: write the predicted label (for instance score >= 0.5) to a column and "
        "name it there. The drift of 'y', 'p' is still reported.",
    )
    # Prediction set, or no target at all: nothing to say.
    both = DriftConfig(model=ModelConfig(target="y", prediction="y"))
    assert run_report(df, df, both).notices == ()
    assert run_report(df, df, DriftConfig(model=ModelConfig(score="p"))).notices == ()
