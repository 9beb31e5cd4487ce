"""Model performance metrics against scikit-learn, and the bootstrap interval of a difference.

The oracle is scikit-learn 1.9.1 (pinned in the [test] extra), called on the same fixed,
seeded inputs; the sklearn call is written next to each comparison. Where scikit-learn has no
direct equivalent (MAPE without zero targets, R2 of a constant target) the comparison says
how the reference is formed. Tolerance: 1e-12 relative, since both sides compute in float64.
"""

from __future__ import annotations

import dataclasses
import math
import warnings

import numpy as np
import polars as pl
import pytest

from driftcli.errors import ConfigError, InputError
from driftcli.sections.performance import metrics as performance
from driftcli.sections.performance.metrics import (
    HIGHER_IS_BETTER,
    PerformanceSpec,
    compare,
    evaluate,
    infer_task,
)

skm = pytest.importorskip("sklearn.metrics", reason="scikit-learn is the oracle ([test] extra)")

REL = 1e-12
SPEC = PerformanceSpec(target="y", prediction="p", score="s")


def close(value: float | None, expected: float) -> bool:
    return value is not None and math.isclose(value, expected, rel_tol=REL, abs_tol=1e-15)


def binary_frame(n: int = 400, seed: int = 3) -> pl.DataFrame:
    """Targets, thresholded predictions and scores rounded to 0.05 (many tied scores)."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    s = np.clip(np.round(0.35 * y + 0.65 * rng.random(n), 2) // 0.05 * 0.05, 0, 1)
    return pl.DataFrame({"y": y, "p": (s > 0.5).astype(np.int64), "s": s})


def test_binary_metrics_match_sklearn() -> None:
    frame = binary_frame()
    y, p, s = (frame.get_column(c).to_numpy() for c in ("y", "p", "s"))
    result = evaluate(frame, SPEC)
    m = result.metrics
    assert result.task == "binary"
    assert result.positive_label == 1
    assert close(m["accuracy"], skm.accuracy_score(y, p))
    assert close(m["precision"], skm.precision_score(y, p))  # pos_label=1
    assert close(m["recall"], skm.recall_score(y, p))
    assert close(m["f1"], skm.f1_score(y, p))
    assert close(m["roc_auc"], skm.roc_auc_score(y, s))  # ties handled as sklearn's trapezoids
    assert close(m["log_loss"], skm.log_loss(y, s))
    assert result.confusion is not None
    assert result.confusion.labels == (0, 1)
    assert np.array_equal(result.confusion.counts, skm.confusion_matrix(y, p))
    assert (result.n_rows, result.n_used, result.n_missing_target) == (400, 400, 0)


def test_text_labels_need_a_positive_label() -> None:
    frame = binary_frame().with_columns(
        pl.col("y").replace_strict({0: "no", 1: "yes"}),
        pl.col("p").replace_strict({0: "no", 1: "yes"}),
    )
    with pytest.raises(ConfigError, match="set positive_label"):
        evaluate(frame, SPEC)
    result = evaluate(frame, dataclasses.replace(SPEC, positive_label="no"))
    y, p, s = (frame.get_column(c).to_numpy() for c in ("y", "p", "s"))
    # skm.precision_score(y, p, pos_label="no"); the score is P(yes), so AUC flips for "no"
    assert close(result.metrics["precision"], skm.precision_score(y, p, pos_label="no"))
    assert close(result.metrics["recall"], skm.recall_score(y, p, pos_label="no"))
    assert close(result.metrics["roc_auc"], skm.roc_auc_score(y == "no", s))
    assert result.confusion is not None
    assert result.confusion.labels == ("no", "yes")


def test_multiclass_metrics_match_sklearn() -> None:
    rng = np.random.default_rng(11)
    y = rng.choice(["a", "b", "c", "d"], 300, p=[0.5, 0.3, 0.15, 0.05])
    p = np.where(rng.random(300) < 0.6, y, rng.choice(["a", "b", "c", "e"], 300))
    p[y == "d"] = "a"  # "d" is never predicted, "e" never true: zero divisions both ways
    result = evaluate(pl.DataFrame({"y": y, "p": p}), PerformanceSpec("y", "p"))
    assert result.task == "multiclass"
    assert close(result.metrics["accuracy"], skm.accuracy_score(y, p))
    for avg in ("macro", "weighted"):
        # skm.precision_recall_fscore_support(y, p, average=avg, zero_division=0)
        prec, rec, f1, _ = skm.precision_recall_fscore_support(y, p, average=avg, zero_division=0)
        assert close(result.metrics[f"precision_{avg}"], prec)
        assert close(result.metrics[f"recall_{avg}"], rec)
        assert close(result.metrics[f"f1_{avg}"], f1)
    assert result.confusion is not None
    assert result.confusion.labels == ("a", "b", "c", "d", "e")
    assert np.array_equal(result.confusion.counts, skm.confusion_matrix(y, p))
    assert "roc_auc" not in result.metrics


def test_regression_metrics_match_sklearn_with_zero_targets() -> None:
    rng = np.random.default_rng(5)
    y = np.round(rng.normal(3, 2, 250), 1)
    y[:12] = 0.0
    p = y + rng.normal(0, 1, 250)
    result = evaluate(pl.DataFrame({"y": y, "p": p}), PerformanceSpec("y", "p"))
    m = result.metrics
    assert result.task == "regression"
    assert close(m["mae"], skm.mean_absolute_error(y, p))
    assert close(m["rmse"], skm.root_mean_squared_error(y, p))
    assert close(m["r2"], skm.r2_score(y, p))
    # MAPE leaves out the zero targets: skm.mean_absolute_percentage_error(y[y != 0], p[y != 0])
    nz = y != 0
    assert close(m["mape"], skm.mean_absolute_percentage_error(y[nz], p[nz]))
    assert result.n_zero_target == int((~nz).sum()) >= 12


def test_regression_edge_cases() -> None:
    zeros = evaluate(pl.DataFrame({"y": [0.0, 0.0, 0.0], "p": [0.5, -1.0, 0.0]}), SPEC_REG)
    assert zeros.metrics["mape"] is None
    assert zeros.n_zero_target == 3
    assert "zero" in zeros.notes["mape"]
    # A constant target: skm.r2_score(y, p, force_finite=False) is -inf, i.e. undefined.
    assert zeros.metrics["r2"] is None
    assert close(zeros.metrics["mae"], 0.5)
    # Equal targets whose mean rounds away from them (0.1 * 3 / 3) are still constant.
    tenths = evaluate(pl.DataFrame({"y": [0.1, 0.1, 0.1], "p": [0.1, 0.2, 0.1]}), SPEC_REG)
    assert tenths.metrics["r2"] is None
    assert "constant" in tenths.notes["r2"]


SPEC_REG = PerformanceSpec("y", "p", task="regression")


def test_single_class_and_tied_scores() -> None:
    frame = pl.DataFrame({"y": [0, 0, 0, 0], "p": [0, 1, 0, 0], "s": [0.1, 0.9, 0.2, 0.2]})
    result = evaluate(frame, SPEC)
    assert result.metrics["roc_auc"] is None
    assert "one class" in result.notes["roc_auc"]
    # skm.precision_score / recall_score / f1_score(y, p, zero_division=0)
    assert result.metrics["precision"] == 0.0
    assert result.metrics["recall"] == 0.0
    assert result.metrics["f1"] == 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert math.isnan(skm.roc_auc_score([0, 0, 0, 0], [0.1, 0.9, 0.2, 0.2]))
    # skm.log_loss(y, s, labels=[0, 1])
    assert close(result.metrics["log_loss"], skm.log_loss([0] * 4, frame["s"], labels=[0, 1]))
    ties = evaluate(pl.DataFrame({"y": [0, 1, 0, 1], "p": [1, 1, 1, 1], "s": [0.5] * 4}), SPEC)
    assert ties.metrics["roc_auc"] == 0.5  # skm.roc_auc_score([0, 1, 0, 1], [0.5] * 4)


def test_log_loss_clips_like_sklearn_and_needs_probabilities() -> None:
    frame = pl.DataFrame({"y": [0, 1, 1, 0], "p": [0, 1, 0, 0], "s": [0.0, 1.0, 0.0, 0.3]})
    result = evaluate(frame, SPEC)
    # skm.log_loss([0, 1, 1, 0], [0.0, 1.0, 0.0, 0.3]): the 0.0 for a positive is clipped to eps
    assert close(result.metrics["log_loss"], skm.log_loss([0, 1, 1, 0], [0.0, 1.0, 0.0, 0.3]))
    raw = evaluate(frame.with_columns(s=pl.col("s") * 10 - 2), SPEC)
    assert raw.metrics["log_loss"] is None
    assert "probability" in raw.notes["log_loss"]
    assert raw.metrics["roc_auc"] == result.metrics["roc_auc"]


def test_missing_rows_are_counted_and_excluded() -> None:
    frame = pl.DataFrame(
        {
            "y": [1.0, None, float("nan"), 0.0, 1.0, 0.0, 1.0],
            "p": [1.0, 1.0, 0.0, None, 0.0, 0.0, 1.0],
            "s": [0.9, 0.8, 0.1, 0.2, None, 0.3, float("nan")],
        }
    )
    result = evaluate(frame, SPEC)
    assert result.task == "binary"
    assert (result.n_rows, result.n_missing_target, result.n_missing_prediction) == (7, 2, 1)
    assert result.n_used == 4
    assert result.n_missing_score == 2
    y, p = [1, 1, 0, 1], [1, 0, 0, 1]
    assert close(result.metrics["accuracy"], skm.accuracy_score(y, p))
    assert close(result.metrics["roc_auc"], skm.roc_auc_score([1, 0], [0.9, 0.3]))


@pytest.mark.parametrize(
    ("target", "prediction", "task"),
    [
        ([True, False, True], [True, True, False], "binary"),
        (["x", "y", "z"], ["x", "x", "y"], "multiclass"),
        ([0, 1, 1], [1, 1, 1], "binary"),
        ([0.0, 1.0, 1.0], [1.0, 0.0, 1.0], "binary"),
        ([1, 2, 3, 4, 5], [1, 2, 2, 4, 5], "multiclass"),
        (list(range(25)), list(range(25)), "regression"),
        ([0.5, 1.5, 2.0], [0.4, 1.4, 2.2], "regression"),
        ([0.0, 1.0, 1.0], [0.2, 0.9, 0.7], "regression"),
    ],
)
def test_task_inference(target: list[object], prediction: list[object], task: str) -> None:
    frame = pl.DataFrame({"y": target, "p": prediction}, strict=False)
    spec = PerformanceSpec("y", "p")
    assert infer_task(spec, frame) == task
    assert evaluate(frame, spec).task == task


def test_task_override_and_bad_task() -> None:
    frame = pl.DataFrame({"y": [1, 2, 3, 4, 5], "p": [1, 2, 2, 4, 6]})
    result = evaluate(frame, PerformanceSpec("y", "p", task="regression"))
    assert close(result.metrics["mae"], 0.4)
    with pytest.raises(ConfigError, match="binary, multiclass, regression"):
        evaluate(frame, PerformanceSpec("y", "p", task="ranking"))  # type: ignore[arg-type]
    with pytest.raises(InputError, match="regression needs a numeric 'y'"):
        evaluate(
            pl.DataFrame({"y": ["a"], "p": ["b"]}), PerformanceSpec("y", "p", task="regression")
        )
    with pytest.raises(InputError, match="'nope' not found"):
        evaluate(frame, PerformanceSpec("y", "nope"))


def test_lazy_frames_are_accepted() -> None:
    frame = binary_frame()
    assert evaluate(frame.lazy(), SPEC) == evaluate(frame, SPEC)


# ---------------------------------------------------------------------------- bootstrap


def test_resample_kernels_match_sklearn_on_each_resample() -> None:
    """The vectorised per-resample metrics equal sklearn on the same resampled rows."""
    rng = np.random.default_rng(8)
    frame = binary_frame(200, seed=8).sort("s")
    y = frame.get_column("y").to_numpy().astype(np.float64)
    s = frame.get_column("s").to_numpy()
    group = np.concatenate(([0], np.cumsum(s[1:] != s[:-1]))).astype(np.int64)
    p = np.clip(s, np.finfo(float).eps, 1 - np.finfo(float).eps)
    loss = -(y * np.log(p) + (1 - y) * np.log(1 - p))
    idx = rng.integers(0, 200, size=(5, 200))
    got = performance._score_stats(y, group, loss, idx)
    for b in range(5):
        assert close(got["roc_auc"][b], skm.roc_auc_score(y[idx[b]], s[idx[b]]))
        assert close(got["log_loss"][b], skm.log_loss(y[idx[b]], s[idx[b]], labels=[0, 1]))

    t = np.round(rng.normal(2, 1, 150), 1)
    e = rng.normal(0, 0.5, 150)
    nz = t != 0
    ape = np.where(nz, np.abs(e) / np.where(nz, np.abs(t), 1), 0)
    tc = t - t.mean()
    features = np.column_stack([np.abs(e), e * e, tc, tc * tc, ape, nz])
    idx = rng.integers(0, 150, size=(5, 150))
    got = performance._regression_stats(features, idx)
    for b in range(5):
        yt, yp = t[idx[b]], t[idx[b]] - e[idx[b]]
        assert math.isclose(got["mae"][b], skm.mean_absolute_error(yt, yp), rel_tol=1e-9)
        assert math.isclose(got["rmse"][b], skm.root_mean_squared_error(yt, yp), rel_tol=1e-9)
        assert math.isclose(got["r2"][b], skm.r2_score(yt, yp), rel_tol=1e-9)
        keep = yt != 0
        mape = skm.mean_absolute_percentage_error(yt[keep], yp[keep])
        assert math.isclose(got["mape"][b], mape, rel_tol=1e-9)


def test_bootstrap_is_deterministic_for_a_seed() -> None:
    ref, cur = binary_frame(300, seed=1), binary_frame(200, seed=2)
    first = compare(ref, cur, SPEC, seed=7)
    assert compare(ref, cur, SPEC, seed=7) == first
    other = compare(ref, cur, SPEC, seed=8)
    assert other.differences["accuracy"].ci_low != first.differences["accuracy"].ci_low
    assert first.n_resamples == 1000 and first.confidence == 0.95 and first.seed == 7
    for name, diff in first.differences.items():
        assert diff.higher_is_better == HIGHER_IS_BETTER[name]
        assert diff.n_valid == 1000
        assert diff.ci_low is not None and diff.ci_high is not None
        assert diff.ci_low <= diff.ci_high
        assert diff.difference is not None
        assert diff.difference == first.current.metrics[name] - first.reference.metrics[name]  # type: ignore[operator]


def test_bootstrap_separates_a_real_drop_from_noise() -> None:
    rng = np.random.default_rng(4)
    n = 2000
    y = rng.integers(0, 2, n)
    good = np.where(rng.random(n) < 0.9, y, 1 - y)
    worse = np.where(rng.random(n) < 0.8, y, 1 - y)
    ref = pl.DataFrame({"y": y, "p": good})
    spec = PerformanceSpec("y", "p")
    drop = compare(ref, pl.DataFrame({"y": y, "p": worse}), spec).differences["accuracy"]
    assert drop.ci_high is not None and drop.ci_high < 0
    same = compare(ref, ref, spec).differences["accuracy"]
    assert same.difference == 0.0
    assert same.ci_low is not None and same.ci_high is not None
    assert same.ci_low < 0 < same.ci_high
    # Two independent resamples of n rows: the 95% interval is about 2 * 1.96 * sqrt(2 p q / n).
    expected = 2 * 1.96 * math.sqrt(2 * 0.9 * 0.1 / n)
    assert same.ci_high - same.ci_low == pytest.approx(expected, rel=0.15)


def test_large_sides_use_a_scaled_pool() -> None:
    """Resampling a pool of max_rows rows, rescaled, gives about the full bootstrap's interval."""
    rng = np.random.default_rng(9)
    n = 40_000
    y = rng.normal(3, 1, n)
    ref = pl.DataFrame({"y": y, "p": y + rng.normal(0, 1, n)})
    cur = pl.DataFrame({"y": y, "p": y + rng.normal(0.05, 1, n)})
    spec = PerformanceSpec("y", "p")
    full = compare(ref, cur, spec, n_resamples=400, max_rows=n).differences["mae"]
    pooled = compare(ref, cur, spec, n_resamples=400, max_rows=4000).differences["mae"]
    assert pooled.difference == full.difference
    assert full.ci_low is not None and full.ci_high is not None
    assert pooled.ci_low is not None and pooled.ci_high is not None
    width = full.ci_high - full.ci_low
    assert pooled.ci_high - pooled.ci_low == pytest.approx(width, rel=0.2)
    assert pooled.ci_low < full.difference < pooled.ci_high  # type: ignore[operator]


def test_undefined_metric_has_no_interval() -> None:
    one_class = pl.DataFrame({"y": [0] * 50, "p": [0] * 50, "s": np.linspace(0, 1, 50)})
    result = compare(one_class, binary_frame(), SPEC)
    auc = result.differences["roc_auc"]
    assert auc.reference is None and auc.difference is None
    assert auc.ci_low is None and auc.ci_high is None and auc.n_valid == 0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_resamples": 0}, "n_resamples"),
        ({"confidence": 1.0}, "confidence"),
        ({"max_rows": 0}, "max_rows"),
    ],
)
def test_bad_bootstrap_options(kwargs: dict[str, float], message: str) -> None:
    frame = binary_frame(20)
    with pytest.raises(ConfigError, match=message):
        compare(frame, frame, SPEC, **kwargs)  # type: ignore[arg-type]
