"""Acceptance tests for issue 10, "Trust on real data": the CLI end to end on messy inputs.

Each test names the numbered case of the issue it specifies. The CLI is driven through Typer's
runner (one case through a subprocess, for its time limit) and results are read back from the
JSON summary. Python warnings raised during a run are recorded, not turned into errors, so a
test can assert that none of them would have reached the user.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import warnings
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl
import pytest
from sklearn.metrics import accuracy_score, f1_score, precision_score, recall_score
from typer.testing import CliRunner

from driftcli.cli import app

runner = CliRunner()

#: Python warning classes printed to a user's terminal look like "RuntimeWarning: ...".
WARNING_TEXT = re.compile(r"\w+Warning\b")


@dataclass(frozen=True)
class Outcome:
    """What one `drift report` run showed the user and wrote."""

    code: int
    output: str
    stderr: str
    caught: tuple[str, ...]
    summary: dict[str, Any] | None


def drift(ref: Path, cur: Path, *args: str, json_out: Path | None = None) -> Outcome:
    """Run `drift report REF CUR ARGS [--json JSON_OUT]`, recording any Python warning."""
    argv = ["report", str(ref), str(cur), *args]
    if json_out is not None:
        argv += ["--json", str(json_out)]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = runner.invoke(app, argv)
    summary = None
    if json_out is not None and json_out.is_file():
        summary = json.loads(json_out.read_text())
    return Outcome(
        code=result.exit_code,
        output=result.output,
        stderr=result.stderr,
        caught=tuple(f"{w.category.__name__}: {w.message}" for w in caught),
        summary=summary,
    )


def assert_clean(run: Outcome) -> None:
    """No Python warning and no traceback reached the user."""
    assert not run.caught, f"Python warnings during the run: {run.caught}\n{run.output}"
    assert "Traceback" not in run.output, run.output
    assert not WARNING_TEXT.search(run.output), run.output


def assert_usage_error(run: Outcome, *needles: str) -> None:
    """Exit 2 with a message naming every needle, no traceback, no JSON written."""
    assert run.code == 2, f"exit {run.code}, expected 2\n{run.output}"
    assert run.summary is None, "a run that exits 2 writes no output"
    assert_clean(run)
    for needle in needles:
        assert needle in run.output, f"{needle!r} not in the message:\n{run.output}"


def summary_of(run: Outcome) -> dict[str, Any]:
    """The JSON summary, which must have been written."""
    assert run.summary is not None, f"no JSON summary (exit {run.code})\n{run.output}"
    return run.summary


def column(summary: dict[str, Any], name: str) -> dict[str, Any]:
    """The overall result row of one column."""
    rows: list[dict[str, Any]] = [c for c in summary["columns"] if c["column"] == name]
    names = [c["column"] for c in summary["columns"]]
    assert len(rows) == 1, f"{name!r}: {len(rows)} rows among the columns {names}"
    return rows[0]


def statuses(summary: dict[str, Any]) -> dict[str, str]:
    """Column name -> status, overall."""
    return {c["column"]: c["status"] for c in summary["columns"]}


def failed_checks(summary: dict[str, Any]) -> list[tuple[str, str | None]]:
    """(check, column) of every integrity finding at status fail."""
    findings = summary["integrity"]["findings"]
    return [(f["check"], f["column"]) for f in findings if f["status"] == "fail"]


def write_pair(tmp_path: Path, ref: pl.DataFrame, cur: pl.DataFrame) -> tuple[Path, Path]:
    """Write both frames as Parquet."""
    ref_path, cur_path = tmp_path / "reference.parquet", tmp_path / "current.parquet"
    ref.write_parquet(ref_path)
    cur.write_parquet(cur_path)
    return ref_path, cur_path


def stable_features(rng: np.random.Generator, n: int) -> dict[str, Any]:
    """Columns drawn from the same distribution on every call: they never drift."""
    return {
        "x": rng.normal(0.0, 1.0, n),
        "z": rng.gamma(2.0, 1.5, n),
        "channel": rng.choice(["web", "mobile", "branch"], n, p=[0.5, 0.3, 0.2]),
    }


def model_side(seed: int, n: int, float_labels: bool, float_prediction: bool) -> pl.DataFrame:
    """A binary model's log: a 0/1 target, a 0/1 prediction right 80% of the time, a count.

    ``float_labels`` writes the target and the count as pandas would after a NaN: Float64,
    with one missing count.
    """
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.3).astype(np.int64)
    p = np.where(rng.random(n) < 0.8, y, 1 - y)
    visits = rng.poisson(1.5, n).astype(np.int64)
    frame = pl.DataFrame(
        {**stable_features(rng, n), "visits": visits, "y": y, "p": p},
        schema_overrides={"visits": pl.Int64, "y": pl.Int64, "p": pl.Int64},
    )
    if float_labels:
        frame = frame.with_columns(
            pl.col("y").cast(pl.Float64),
            pl.when(pl.int_range(pl.len()) == 7)
            .then(None)
            .otherwise(pl.col("visits"))
            .cast(pl.Float64)
            .alias("visits"),
        )
    if float_prediction:
        frame = frame.with_columns(pl.col("p").cast(pl.Float64))
    return frame


def sklearn_metrics(frame: pl.DataFrame) -> dict[str, float]:
    """Binary metrics of y and p with 1 as the positive class, as scikit-learn computes them."""
    y = frame["y"].to_numpy().astype(np.int64)
    p = frame["p"].to_numpy().astype(np.int64)
    return {
        "accuracy": float(accuracy_score(y, p)),
        "precision": float(precision_score(y, p, pos_label=1)),
        "recall": float(recall_score(y, p, pos_label=1)),
        "f1": float(f1_score(y, p, pos_label=1)),
    }


def assert_metrics_match(summary: dict[str, Any], ref: pl.DataFrame, cur: pl.DataFrame) -> None:
    """The JSON performance section's metrics equal scikit-learn's on each side."""
    perf = summary.get("performance")
    assert perf is not None, "no performance section"
    comparison = perf["overall"]["comparison"]
    assert comparison is not None, perf["overall"]["reason"]
    for side, frame in (("reference", ref), ("current", cur)):
        got = comparison[side]["metrics"]
        for name, expected in sklearn_metrics(frame).items():
            assert got[name] == pytest.approx(expected, abs=1e-12), (side, name, got)


# Case 1 -------------------------------------------------------------------------------------


def test_case1_float_and_int_versions_of_a_column_are_the_same_column(tmp_path: Path) -> None:
    """Case 1: a 0/1 flag and a count, Float64 in the reference and Int64 in the current."""
    ref = model_side(1, 2000, float_labels=True, float_prediction=False).rename({"y": "flag"})
    cur = model_side(2, 2000, float_labels=False, float_prediction=False).rename({"y": "flag"})
    assert ref.schema["flag"] == pl.Float64 and cur.schema["flag"] == pl.Int64
    assert ref.schema["visits"] == pl.Float64 and cur.schema["visits"] == pl.Int64
    run = drift(*write_pair(tmp_path, ref, cur), json_out=tmp_path / "s.json")
    summary = summary_of(run)
    assert run.code == 0, run.output
    assert_clean(run)
    assert summary["status"] == "pass" and summary["breaches"] == []
    assert failed_checks(summary) == []
    new_cats = [f for f in summary["integrity"]["findings"] if f["check"] == "new_categories"]
    assert new_cats == [], new_cats
    assert statuses(summary)["flag"] == "ok"
    assert statuses(summary)["visits"] == "ok"


# Case 2 -------------------------------------------------------------------------------------


@pytest.mark.parametrize("float_prediction", [False, True], ids=["p-int", "p-mixed"])
def test_case2_float_target_in_reference_int_in_current(
    tmp_path: Path, float_prediction: bool
) -> None:
    """Case 2: --target y (Float64 then Int64) and --prediction p: no crash, sklearn metrics."""
    ref = model_side(3, 2000, float_labels=True, float_prediction=float_prediction)
    cur = model_side(4, 2000, float_labels=False, float_prediction=False)
    run = drift(
        *write_pair(tmp_path, ref, cur),
        "--target",
        "y",
        "--prediction",
        "p",
        json_out=tmp_path / "s.json",
    )
    assert run.code == 0, run.output
    assert_clean(run)
    summary = summary_of(run)
    assert summary["status"] == "pass" and summary["breaches"] == []
    assert failed_checks(summary) == []
    assert summary["performance"]["task"] == "binary"
    assert_metrics_match(summary, ref, cur)


@pytest.mark.parametrize("with_model", [False, True], ids=["features-only", "with-model"])
def test_case1_2_nothing_drifted_float_reference_int_current_exits_0(
    tmp_path: Path, with_model: bool
) -> None:
    """Cases 1-2: 0/1 target and count Float64 then Int64 exit 0; metrics equal sklearn's."""
    ref = model_side(5, 2500, float_labels=True, float_prediction=False)
    cur = model_side(6, 2500, float_labels=False, float_prediction=False)
    model_args = ("--target", "y", "--prediction", "p") if with_model else ()
    run = drift(*write_pair(tmp_path, ref, cur), *model_args, json_out=tmp_path / "s.json")
    assert run.code == 0, run.output
    assert_clean(run)
    summary = summary_of(run)
    assert summary["status"] == "pass" and summary["exit_code"] == 0
    assert failed_checks(summary) == []
    assert {c: s for c, s in statuses(summary).items() if s != "ok"} == {}
    if with_model:
        assert_metrics_match(summary, ref, cur)
    else:
        assert summary.get("performance") is None


# Case 3 -------------------------------------------------------------------------------------


def test_case3_float_column_with_eight_values_is_numeric_and_drifts(tmp_path: Path) -> None:
    """Case 3: a float column with 8 distinct values is numeric and its shift is drift."""
    rng = np.random.default_rng(7)
    levels = np.arange(8) + 0.5  # 0.5, 1.5, ..., 7.5
    n = 2000
    ref = pl.DataFrame({**stable_features(rng, n), "grade": rng.choice(levels, n)})
    cur = pl.DataFrame({**stable_features(rng, n), "grade": rng.choice(levels + 80.0, n)})
    run = drift(
        *write_pair(tmp_path, ref, cur), "--fail-on", "column", json_out=tmp_path / "s.json"
    )
    summary = summary_of(run)
    grade = column(summary, "grade")
    assert grade["kind"] == "numeric", grade
    assert grade["status"] == "drift", grade
    assert run.code == 1, run.output
    assert_clean(run)
    assert {c: s for c, s in statuses(summary).items() if c != "grade"} == {
        "x": "ok",
        "z": "ok",
        "channel": "ok",
    }


def test_case3_global_test_is_used_on_a_low_cardinality_integer_column(tmp_path: Path) -> None:
    """Case 3: --test ks runs ks on a 5-valued integer column, or its reason says why not."""
    rng = np.random.default_rng(8)
    n = 2000
    ref = pl.DataFrame({**stable_features(rng, n), "rooms": rng.integers(1, 6, n)})
    cur = pl.DataFrame({**stable_features(rng, n), "rooms": rng.integers(1, 6, n)})
    run = drift(*write_pair(tmp_path, ref, cur), "--test", "ks", json_out=tmp_path / "s.json")
    assert run.code == 0, run.output
    assert_clean(run)
    summary = summary_of(run)
    rooms = column(summary, "rooms")
    assert rooms["status"] == "ok", rooms
    if rooms["test"] != "ks":
        reason = rooms["reason"] or ""
        assert "ks" in reason, f"--test ks not used on 'rooms' and no reason says why: {rooms}"
    assert column(summary, "x")["test"] == "ks"


# Case 4 -------------------------------------------------------------------------------------


def amounts_in_cents(rng: np.random.Generator, n: int) -> npt.NDArray[Any]:
    """n distinct amounts in cents in random order: not monotone, not contiguous."""
    draws = np.unique(np.round(rng.lognormal(8.0, 0.6, 3 * n) * 100).astype(np.int64))
    assert draws.size >= n
    return rng.choice(draws, n, replace=False)


def test_case4_distinct_integer_amounts_are_tested_ids_are_flagged(tmp_path: Path) -> None:
    """Case 4: distinct integer amounts are numeric and drift; a contiguous id is named up top."""
    rng = np.random.default_rng(9)
    n = 2000
    ref_amounts = amounts_in_cents(rng, n)
    assert np.unique(ref_amounts).size == n
    assert not (np.all(np.diff(ref_amounts) > 0) or np.all(np.diff(ref_amounts) < 0))
    cur_amounts = np.round(amounts_in_cents(rng, n) * 1.3).astype(np.int64)
    ref = pl.DataFrame(
        {
            "customer_id": np.arange(n) + 10_000,
            **stable_features(rng, n),
            "amount_cents": ref_amounts,
        }
    )
    cur = pl.DataFrame(
        {
            "customer_id": np.arange(n) + 10_000 + n,
            **stable_features(rng, n),
            "amount_cents": cur_amounts,
        }
    )
    run = drift(
        *write_pair(tmp_path, ref, cur), "--fail-on", "column", json_out=tmp_path / "s.json"
    )
    summary = summary_of(run)
    amount = column(summary, "amount_cents")
    assert amount["kind"] == "numeric", amount
    assert amount["status"] == "drift", amount
    ident = column(summary, "customer_id")
    assert ident["kind"] == "id" and ident["status"] == "skipped", ident
    assert run.code == 1, run.output
    assert_clean(run)
    # The terminal names the id column, with a hint to override its kind, near the top.
    lines = run.stderr.splitlines()
    cut = next((i for i, line in enumerate(lines) if "Drifted columns" in line), None)
    head = lines[: cut if cut is not None else 15]
    mentions = [line for line in head if "customer_id" in line]
    assert mentions, f"customer_id not named before the drifted columns:\n{run.stderr}"
    assert any(re.search(r"\bid\b", line) for line in mentions), run.stderr
    assert any("kind" in line for line in head), f"no override hint ('kind'):\n{run.stderr}"


# Case 5 -------------------------------------------------------------------------------------


@pytest.mark.parametrize("days", [7, 28])
def test_case5_dates_as_strings_are_datetime_and_skipped(tmp_path: Path, days: int) -> None:
    """Case 5: daily batch dates stored as strings (7 or 28 distinct) are datetime, skipped."""
    rng = np.random.default_rng(10 + days)
    n = 2000
    ref_dates = [f"2024-01-{d:02d}" for d in range(1, days + 1)]
    cur_dates = [f"2024-02-{d:02d}" for d in range(1, days + 1)]
    ref = pl.DataFrame({**stable_features(rng, n), "batch_date": rng.choice(ref_dates, n)})
    cur = pl.DataFrame({**stable_features(rng, n), "batch_date": rng.choice(cur_dates, n)})
    assert ref.schema["batch_date"] == pl.String
    run = drift(*write_pair(tmp_path, ref, cur), json_out=tmp_path / "s.json")
    summary = summary_of(run)
    batch = column(summary, "batch_date")
    assert batch["kind"] == "datetime", batch
    assert batch["status"] == "skipped", batch
    assert run.code == 0, run.output
    assert_clean(run)
    assert summary["status"] == "pass" and failed_checks(summary) == []


# Case 6 -------------------------------------------------------------------------------------


def test_case6_same_test_in_every_segment_and_overall(tmp_path: Path) -> None:
    """Case 6: a numeric column gets one test in a 200-row segment, a 5000-row one and overall."""
    rng = np.random.default_rng(11)

    def side() -> pl.DataFrame:
        seg = np.array(["small"] * 200 + ["large"] * 5000)
        n = seg.size
        return pl.DataFrame({"seg": seg, **stable_features(rng, n)})

    run = drift(
        *write_pair(tmp_path, side(), side()), "--segment-by", "seg", json_out=tmp_path / "s.json"
    )
    summary = summary_of(run)
    assert_clean(run)
    segments = summary["segments"]
    # Overall (5200 rows a side) nothing drifts; a distance on 200 rows may flag a chance
    # difference in the small segment, and the exit code must then say so.
    assert {c: s for c, s in statuses(summary).items() if s != "ok"} == {}
    segment_drift = any(s["dataset"] is not None and s["dataset"]["drifted"] for s in segments)
    assert run.code == (1 if segment_drift else 0), run.output
    assert sorted(s["rows"]["reference"] for s in segments) == [200, 5000]
    for name in ("x", "z"):
        overall = column(summary, name)["test"]
        per_segment = [c["test"] for s in segments for c in s["columns"] if c["column"] == name]
        assert len(per_segment) == 2, segments
        assert set(per_segment) == {overall}, (name, overall, per_segment)
        assert overall is not None


# Case 7 -------------------------------------------------------------------------------------


def semicolon_csv(path: Path, seed: int) -> None:
    """A European-style CSV: semicolon-separated, header a;b;c."""
    rng = np.random.default_rng(seed)
    n = 1000
    pl.DataFrame(
        {
            "a": rng.normal(10.0, 2.0, n).round(3),
            "b": rng.integers(0, 4, n),
            "c": rng.choice(["red", "green", "blue"], n),
        }
    ).write_csv(path, separator=";")


def test_case7_semicolon_csv_without_separator_is_an_input_error(tmp_path: Path) -> None:
    """Case 7: a semicolon CSV read as one column exits 2 and suggests --separator ';'."""
    ref, cur = tmp_path / "ref.csv", tmp_path / "cur.csv"
    semicolon_csv(ref, 12)
    semicolon_csv(cur, 13)
    assert ref.read_text().startswith("a;b;c\n")
    run = drift(ref, cur, json_out=tmp_path / "s.json")
    assert_usage_error(run, "--separator", ";")


def test_case7_semicolon_csv_with_separator_is_tested(tmp_path: Path) -> None:
    """Case 7: with --separator ';' the same pair is read as three columns and tested."""
    ref, cur = tmp_path / "ref.csv", tmp_path / "cur.csv"
    semicolon_csv(ref, 12)
    semicolon_csv(cur, 13)
    run = drift(ref, cur, "--separator", ";", json_out=tmp_path / "s.json")
    assert run.code == 0, run.output
    assert_clean(run)
    summary = summary_of(run)
    assert summary["dataset"]["columns_tested"] == 3
    assert statuses(summary) == {"a": "ok", "b": "ok", "c": "ok"}


def test_case7_run_with_no_testable_column_is_an_input_error(tmp_path: Path) -> None:
    """Case 7: when no column can be tested (an id and a date only), exit 2 with the reason."""
    n = 500

    def side(start: int, day: str) -> pl.DataFrame:
        return pl.DataFrame(
            {"customer_id": np.arange(start, start + n), "day": [day] * n}
        ).with_columns(pl.col("day").str.to_date())

    run = drift(
        *write_pair(tmp_path, side(0, "2024-01-01"), side(n, "2024-01-02")),
        json_out=tmp_path / "s.json",
    )
    assert_usage_error(run)
    message = run.output.lower()
    assert "test" in message, run.output
    assert "customer_id" in run.output or "column" in message, run.output


# Case 8 -------------------------------------------------------------------------------------


def test_case8_shift_near_overflow_is_drift(tmp_path: Path) -> None:
    """Case 8: values ~1e307 with a clear shift drift, and no overflow warning is shown."""
    rng = np.random.default_rng(14)
    n = 2000
    ref = pl.DataFrame({**stable_features(rng, n), "huge": rng.normal(0.0, 1.0, n) * 1e307})
    cur = pl.DataFrame({**stable_features(rng, n), "huge": rng.normal(3.0, 1.0, n) * 1e307})
    assert np.isfinite(ref["huge"].to_numpy()).all() and np.isfinite(cur["huge"].to_numpy()).all()
    run = drift(
        *write_pair(tmp_path, ref, cur), "--fail-on", "column", json_out=tmp_path / "s.json"
    )
    summary = summary_of(run)
    huge = column(summary, "huge")
    assert huge["status"] == "drift", huge
    assert run.code == 1, run.output
    assert_clean(run)
    assert "overflow encountered" not in run.output.lower(), run.output


def test_case8_dbl_max_sentinels_never_turn_a_shift_into_a_pass(tmp_path: Path) -> None:
    """Case 8: 5% DBL_MAX sentinels and a shifted bulk: drift, or an error row that says why."""
    rng = np.random.default_rng(15)
    n = 2000
    dbl_max = float(np.finfo(np.float64).max)

    def sentinels(values: npt.NDArray[Any]) -> npt.NDArray[Any]:
        return np.where(rng.random(values.size) < 0.05, dbl_max, values)

    ref = pl.DataFrame({**stable_features(rng, n), "balance": sentinels(rng.normal(1e5, 1e4, n))})
    cur = pl.DataFrame({**stable_features(rng, n), "balance": sentinels(rng.normal(1.5e5, 1e4, n))})
    run = drift(
        *write_pair(tmp_path, ref, cur), "--fail-on", "column", json_out=tmp_path / "s.json"
    )
    summary = summary_of(run)
    balance = column(summary, "balance")
    assert_clean(run)
    assert "overflow encountered" not in run.output.lower(), run.output
    assert balance["status"] in ("drift", "error"), balance
    if balance["status"] == "drift":
        assert run.code == 1, run.output
    else:
        assert balance["reason"], balance
        said = summary["breaches"] + summary["warnings"]
        assert any("balance" in line for line in said), f"error row not surfaced: {said}"
        assert run.code != 0, run.output


# Case 9 -------------------------------------------------------------------------------------


def test_case9_huge_cardinality_same_distribution_is_not_drift(tmp_path: Path) -> None:
    """Case 9: ~100k distinct categories drawn alike on both sides: no bare drift, exit 0."""
    rng = np.random.default_rng(16)
    n, distinct = 250_000, 100_000

    def side() -> pl.DataFrame:
        codes = pl.Series("code", rng.integers(0, distinct, n))
        frame = pl.DataFrame({**stable_features(rng, n), "code": codes})
        return frame.with_columns(pl.format("m{}", pl.col("code")).alias("merchant")).drop("code")

    ref, cur = side(), side()
    assert ref["merchant"].n_unique() > 90_000
    assert ref["merchant"].n_unique() < n / 2  # categorical by the string rules, not text
    run = drift(*write_pair(tmp_path, ref, cur), json_out=tmp_path / "s.json")
    summary = summary_of(run)
    merchant = column(summary, "merchant")
    if merchant["status"] == "drift":
        reason = (merchant["reason"] or "").lower()
        caveats = ("sparse", "cardinality", "distinct", "too many", "per category")
        assert any(word in reason for word in caveats), f"drift without a caveat: {merchant}"
    assert ("new_categories", "merchant") not in failed_checks(summary), failed_checks(summary)
    assert not any("new_categories" in b for b in summary["breaches"]), summary["breaches"]
    assert run.code == 0, run.output
    assert_clean(run)


# Case 10 ------------------------------------------------------------------------------------


def test_case10_labels_of_different_types_are_not_accuracy_zero_in_silence(
    tmp_path: Path,
) -> None:
    """Case 10: a yes/no target with a 0/1 prediction: exit 2, or a warning on the mismatch."""
    rng = np.random.default_rng(17)
    n = 1000

    def side() -> pl.DataFrame:
        approved = rng.random(n) < 0.4
        predicted = np.where(rng.random(n) < 0.8, approved, ~approved).astype(np.int64)
        return pl.DataFrame(
            {
                **stable_features(rng, n),
                "approved": np.where(approved, "yes", "no"),
                "predicted": predicted,
            }
        )

    run = drift(
        *write_pair(tmp_path, side(), side()),
        "--target",
        "approved",
        "--prediction",
        "predicted",
        json_out=tmp_path / "s.json",
    )
    assert "Traceback" not in run.output, run.output
    if run.code == 2:
        assert_usage_error(run, "approved", "predicted")
        return
    assert run.code in (0, 1), run.output
    assert_clean(run)
    summary = summary_of(run)
    mismatch = [
        w
        for w in summary["warnings"]
        if ("approved" in w or "predicted" in w) and ("label" in w.lower() or "type" in w.lower())
    ]
    assert mismatch, f"no exit 2 and no warning about the label mismatch: {summary['warnings']}"
    perf = summary.get("performance")
    if perf is not None and perf["overall"]["comparison"] is not None:
        for side_name in ("reference", "current"):
            accuracy = perf["overall"]["comparison"][side_name]["metrics"].get("accuracy")
            assert accuracy != 0.0 or mismatch, side_name


# Case 11 ------------------------------------------------------------------------------------


def test_case11_pvalue_threshold_above_one_is_a_config_error(tmp_path: Path) -> None:
    """Case 11: --test ks --threshold 1.5 exits 2 and says a p-value threshold is in (0, 1)."""
    rng = np.random.default_rng(18)
    ref = pl.DataFrame(stable_features(rng, 500))
    cur = pl.DataFrame(stable_features(rng, 500))
    run = drift(
        *write_pair(tmp_path, ref, cur),
        "--test",
        "ks",
        "--threshold",
        "1.5",
        json_out=tmp_path / "s.json",
    )
    assert_usage_error(run, "threshold", "1.5")
    assert re.search(r"\(0,\s*1\)|between 0 and 1|\(0\s*\.\.\s*1\)", run.output), run.output


# Case 12 ------------------------------------------------------------------------------------


def test_case12_segment_by_a_continuous_column_fails_fast(tmp_path: Path) -> None:
    """Case 12: --segment-by a float column of 200k distinct values exits 2 within seconds."""
    rng = np.random.default_rng(19)
    n = 200_000
    ref = pl.DataFrame({"price": rng.normal(100.0, 10.0, n), "x": rng.normal(0.0, 1.0, n)})
    cur = pl.DataFrame({"price": rng.normal(100.0, 10.0, n), "x": rng.normal(0.0, 1.0, n)})
    assert ref["price"].n_unique() == n
    ref_path, cur_path = write_pair(tmp_path, ref, cur)
    out = tmp_path / "s.json"
    # A subprocess, so that a run that does not fail fast is stopped instead of hanging the suite.
    argv = [sys.executable, "-m", "driftcli", "report", str(ref_path), str(cur_path)]
    argv += ["--segment-by", "price", "--json", str(out)]
    try:
        proc = subprocess.run(
            argv, capture_output=True, text=True, timeout=20, cwd=tmp_path, check=False
        )
    except subprocess.TimeoutExpired:
        pytest.fail("--segment-by a continuous column did not fail within 20 s")
    assert proc.returncode == 2, f"exit {proc.returncode}\n{proc.stderr}"
    assert not out.exists()
    assert "Traceback" not in proc.stderr and not WARNING_TEXT.search(proc.stderr)
    assert "price" in proc.stderr, proc.stderr
    assert re.search(r"max_\w*segments?\w*|segments?_\w*(max|limit)", proc.stderr), proc.stderr


# Case 13 ------------------------------------------------------------------------------------


def test_case13_file_name_with_brackets_is_a_file_not_a_glob(tmp_path: Path) -> None:
    """Case 13: an existing file named data[2024].parquet is read as that file."""
    rng = np.random.default_rng(20)
    ref = tmp_path / "data[2024].parquet"
    cur = tmp_path / "current.parquet"
    pl.DataFrame(stable_features(rng, 1500)).write_parquet(ref)
    pl.DataFrame(stable_features(rng, 1400)).write_parquet(cur)
    # A decoy the glob [2024] would match: other rows, shifted data.
    decoy = pl.DataFrame(stable_features(rng, 900)).with_columns(pl.col("x") + 5.0)
    decoy.write_parquet(tmp_path / "data2.parquet")
    run = drift(ref, cur, json_out=tmp_path / "s.json")
    assert run.code == 0, run.output
    assert_clean(run)
    summary = summary_of(run)
    assert summary["reference"]["rows"] == 1500
    assert summary["dataset"]["columns_tested"] == 3
    assert statuses(summary) == {"x": "ok", "z": "ok", "channel": "ok"}


@pytest.mark.parametrize("where", ["last-12-bytes", "footer-metadata"])
def test_case13_garbled_parquet_footer_is_an_input_error(tmp_path: Path, where: str) -> None:
    """Case 13: a Parquet file whose footer is garbled exits 2 naming the file."""
    rng = np.random.default_rng(21)
    ref = tmp_path / "reference.parquet"
    cur = tmp_path / "broken_current.parquet"
    pl.DataFrame(stable_features(rng, 1000)).write_parquet(ref)
    pl.DataFrame(stable_features(rng, 1000)).write_parquet(cur)
    data = bytearray(cur.read_bytes())
    junk = bytes(np.random.default_rng(22).integers(0, 256, 12, dtype=np.uint8))
    if where == "last-12-bytes":
        data[-12:] = junk
    else:
        # Keep the footer length and the PAR1 magic, garble the metadata just before them.
        data[-20:-8] = junk
    cur.write_bytes(bytes(data))
    run = drift(ref, cur, json_out=tmp_path / "s.json")
    assert_usage_error(run, "broken_current.parquet")


# Case 14 ------------------------------------------------------------------------------------


def plain_csv(path: Path, seed: int, n: int = 400) -> None:
    """A small comma-separated file with a number, a count and a category."""
    rng = np.random.default_rng(seed)
    pl.DataFrame(
        {
            "amount": rng.normal(50.0, 5.0, n).round(2),
            "items": rng.integers(1, 5, n),
            "channel": rng.choice(["web", "shop"], n),
        }
    ).write_csv(path)


@pytest.mark.parametrize("empty_side", ["current", "reference"])
def test_case14_header_only_csv_is_an_input_error(tmp_path: Path, empty_side: str) -> None:
    """Case 14: a header-only CSV on either side exits 2 naming it, without dtype_change noise."""
    full = tmp_path / "full.csv"
    plain_csv(full, 23)
    empty = tmp_path / "header_only.csv"
    empty.write_text("amount,items,channel\n")
    ref, cur = (full, empty) if empty_side == "current" else (empty, full)
    run = drift(ref, cur, json_out=tmp_path / "s.json")
    assert_usage_error(run, "header_only.csv")
    assert "dtype_change" not in run.output, run.output
    assert "dtype" not in run.output.lower(), run.output


def test_case14_unnamed_pandas_index_column_gets_a_visible_name(tmp_path: Path) -> None:
    """Case 14: a CSV whose header starts with a comma (a pandas index) gets a placeholder name."""
    rng = np.random.default_rng(24)

    def write(path: Path, n: int) -> None:
        values = rng.normal(0.0, 1.0, n)
        cats = rng.choice(["x", "y", "w"], n)
        rows = [",a,b"] + [
            f"{i},{v:.4f},{c}" for i, (v, c) in enumerate(zip(values, cats, strict=True))
        ]
        path.write_text("\n".join(rows) + "\n")

    ref, cur = tmp_path / "ref.csv", tmp_path / "cur.csv"
    write(ref, 600)
    write(cur, 500)
    run = drift(ref, cur, json_out=tmp_path / "s.json")
    assert run.code == 0, run.output
    assert_clean(run)
    summary = summary_of(run)
    names = [c["column"] for c in summary["columns"]]
    assert "" not in names, names
    assert len(names) == 3 and {"a", "b"} <= set(names), names
    (placeholder,) = set(names) - {"a", "b"}
    assert placeholder.strip(), repr(placeholder)
    assert statuses(summary)["a"] == "ok" and statuses(summary)["b"] == "ok"
    finding_columns = [f["column"] for f in summary["integrity"]["findings"]]
    assert "" not in finding_columns, finding_columns
    assert "columns: , " not in run.output, run.output


# Case 15 ------------------------------------------------------------------------------------


def case15_pair(tmp_path: Path) -> tuple[Path, Path]:
    rng = np.random.default_rng(25)
    data = tmp_path / "data"
    data.mkdir()
    ref = pl.DataFrame(stable_features(rng, 600))
    cur = pl.DataFrame(stable_features(rng, 600))
    return write_pair(data, ref, cur)


def assert_nothing_written(folder: Path, before: set[str]) -> None:
    """No output and no leftover temporary file appeared in the folder."""
    assert {p.name for p in folder.iterdir()} == before


def test_case15_html_in_missing_folder_writes_no_json(tmp_path: Path) -> None:
    """Case 15: --html into a folder that does not exist exits 2 and writes no JSON."""
    ref, cur = case15_pair(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    html = tmp_path / "nonexistent_dir" / "x.html"
    run = drift(ref, cur, "--html", str(html), json_out=out / "ok.json")
    assert_usage_error(run, "nonexistent_dir")
    assert not (out / "ok.json").exists()
    assert_nothing_written(out, set())
    assert not html.parent.exists()


def test_case15_html_pointing_at_a_folder_writes_no_json(tmp_path: Path) -> None:
    """Case 15: --html naming an existing folder exits 2 (not 3) and writes no JSON."""
    ref, cur = case15_pair(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    folder = tmp_path / "report_dir"
    folder.mkdir()
    run = drift(ref, cur, "--html", str(folder), json_out=out / "ok.json")
    assert_usage_error(run, "report_dir")
    assert not (out / "ok.json").exists()
    assert_nothing_written(out, set())
    assert_nothing_written(folder, set())


@pytest.mark.parametrize("how", ["unwritable-folder", "parent-is-a-file"])
def test_case15_unwritable_html_path_is_an_input_error(tmp_path: Path, how: str) -> None:
    """Case 15: an --html path that cannot be written exits 2, not 3, and writes nothing."""
    ref, cur = case15_pair(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    locked: Path | None = None
    if how == "parent-is-a-file":
        parent = tmp_path / "plain_file"
        parent.write_text("not a folder\n")
        html = parent / "x.html"
    elif os.geteuid() == 0:
        # Root ignores permission bits; nobody can create a file in /proc.
        html = Path("/proc") / "driftcli_report.html"
    else:
        locked = tmp_path / "locked"
        locked.mkdir()
        locked.chmod(0o500)
        html = locked / "x.html"
    try:
        run = drift(ref, cur, "--html", str(html), json_out=out / "ok.json")
    finally:
        if locked is not None:
            locked.chmod(0o700)
    assert_usage_error(run, html.name)
    assert not (out / "ok.json").exists()
    assert_nothing_written(out, set())
    assert not html.exists()
    if locked is not None:
        assert_nothing_written(locked, set())


@pytest.mark.parametrize(("rows", "warned"), [(1, True), (29, True), (30, False)])
def test_a_side_too_small_to_test_well_warns(tmp_path: Path, rows: int, warned: bool) -> None:
    # A CI gate fed a 1-row current file: compared, but "no drift" from 1 row says nothing,
    # so the run says so (a warning; the exit code stays the tests' verdict).
    rng = np.random.default_rng(3)
    pl.DataFrame({"x": rng.normal(size=500), "c": rng.choice(["a", "b"], 500)}).write_parquet(
        tmp_path / "ref.parquet"
    )
    cur = pl.DataFrame({"x": rng.normal(size=rows), "c": rng.choice(["a", "b"], rows)})
    cur.write_parquet(tmp_path / "cur.parquet")
    run = drift(tmp_path / "ref.parquet", tmp_path / "cur.parquet", json_out=tmp_path / "s.json")
    assert_clean(run)
    assert run.code == 0 and run.summary is not None
    few = [w for w in run.summary["warnings"] if w.startswith("few rows")]
    expected = (
        f"few rows: reference 500, current {rows}, fewer than min_segment_rows (30) on at least "
        "one side; the tests can hardly find drift at this size, so no drift found says little"
    )
    assert few == ([expected] if warned else [])
    assert (expected in run.output) is warned


@pytest.mark.parametrize("numbers", ["Int64", "Float64 with NaN", "Decimal"])
def test_flags_written_as_booleans_on_one_side_and_0_1_on_the_other(
    tmp_path: Path, numbers: str
) -> None:
    # One pipeline writes a flag as a Boolean, another as 0/1 numbers: the same flags,
    # compared as booleans (the numbers' NaN missing, as null is), with the same statistic
    # as when both sides hold booleans. A number that is neither 0 nor 1 is an error row that
    # says how many; a configured numeric kind says what to set instead.
    rng = np.random.default_rng(17)
    flags = pl.Series(rng.random(3000) < 0.3)
    ref = pl.DataFrame({"flag": flags[:1500], "x": rng.normal(size=1500)})
    current = flags[1500:].scatter(list(range(0, 1500, 9)), None)  # some missing
    as_numbers = {
        "Int64": current.cast(pl.Int64),
        "Float64 with NaN": current.cast(pl.Float64).fill_null(float("nan")),
        "Decimal": current.cast(pl.Int64).cast(pl.Decimal(6, 0)),
    }[numbers]
    cur = pl.DataFrame({"flag": as_numbers, "x": rng.normal(size=1500)})
    run = drift(*write_pair(tmp_path, ref, cur), json_out=tmp_path / "s.json")
    assert_clean(run)
    got = column(summary_of(run), "flag")
    assert got["kind"] == "boolean" and got["status"] == "ok"
    assert got["reason"].startswith(
        f"dtype changed (Boolean in reference, {as_numbers.dtype} in current): every current "
        "value is 0 or 1, compared as booleans (1 is true)"
    )
    both = tmp_path / "both"
    both.mkdir()
    same = drift(*write_pair(both, ref, cur.with_columns(flag=current)), json_out=both / "s.json")
    plain = column(summary_of(same), "flag")
    assert (got["test"], got["statistic"]) == (plain["test"], plain["statistic"])
    assert got["current"]["nulls"] == plain["current"]["nulls"] == current.null_count()

    other = tmp_path / "other"
    other.mkdir()
    cur2 = cur.with_columns(pl.col("flag").cast(pl.Float64).fill_nan(None).fill_null(2.0))
    run = drift(*write_pair(other, ref, cur2), json_out=other / "s.json")
    bad = column(summary_of(run), "flag")
    assert bad["status"] == "error"
    assert bad["reason"] == (
        "dtype changed: Boolean in reference, Float64 in current, and 167 current values are "
        "neither 0 nor 1; fix the upstream data, or leave the column out (exclude)"
    )


def test_numbers_written_with_a_decimal_comma_are_not_compared_as_labels(
    tmp_path: Path,
) -> None:
    # A CSV written in much of Europe: ';' between fields and a decimal comma. Polars reads
    # "14,68" as text, and as text every amount was its own category: a Jensen-Shannon
    # distance over 1,800 labels that called the column drifted. It is an error row that says
    # what the values are and what to do; the other columns are compared as usual.
    rng = np.random.default_rng(23)
    for name, shift in (("ref.csv", 0.0), ("cur.csv", 1.0)):
        amounts = [f"{v:.2f}".replace(".", ",") for v in rng.normal(10 + shift, 2, 2000)]
        cities = rng.choice(["Paris", "Lyon"], 2000)
        lines = ["amount;city", *(f"{a};{c}" for a, c in zip(amounts, cities, strict=True))]
        (tmp_path / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    run = drift(
        tmp_path / "ref.csv", tmp_path / "cur.csv", "--separator", ";", json_out=tmp_path / "s.json"
    )
    assert_clean(run)
    summary = summary_of(run)
    amount = column(summary, "amount")
    assert amount["status"] == "error" and amount["test"] is None
    assert amount["reason"].startswith("its values are numbers written with a decimal comma ('")
    assert "read them with --decimal-comma (decimal_comma = true)" in amount["reason"]
    assert statuses(summary)["city"] == "ok"
    by_city = drift(
        tmp_path / "ref.csv",
        tmp_path / "cur.csv",
        "--separator",
        ";",
        "--segment-by",
        "city",
        json_out=tmp_path / "by_city.json",
    )
    segments = summary_of(by_city)["segments"]
    assert len(segments) == 2
    for segment in segments:  # each segment says the same, not "skipped" without a reason
        (got,) = [c for c in segment["columns"] if c["column"] == "amount"]
        assert got["status"] == "error" and got["reason"].startswith("its values are numbers")


@pytest.mark.parametrize("engine", ["polars", "stream"])
def test_text_files_whose_values_change_type_past_the_first_rows(
    tmp_path: Path, engine: str
) -> None:
    # Polars infers a CSV's or JSON Lines' types from the first 100 rows: a count column
    # that holds 2.5 in row 150, or a code that turns to letters, stopped the run with
    # "cannot read it (could not parse `2.5` as dtype `i64`...); check that it is a valid
    # file" (exit 2), which no setting could mend. The side is read again with types
    # inferred from every row (what pandas and Spark do), and a notice says so.
    rng = np.random.default_rng(61)
    for name, shift in (("ref", 0.0), ("cur", 0.5)):
        counts: list[int | float] = [int(v) for v in rng.poisson(4 + shift, 400)]
        counts[150] = 2.5
        codes: list[int | str] = [i if i < 300 else f"X{i}" for i in range(400)]
        xs = [round(float(v), 3) for v in rng.normal(shift, 1, 400)]
        table = list(zip(counts, codes, xs, strict=True))
        rows = [f"{c},{k},{v}" for c, k, v in table]
        (tmp_path / f"{name}.csv").write_text("\n".join(["count,code,x", *rows]) + "\n")
        lines = [json.dumps({"count": c, "code": k, "x": v}) for c, k, v in table]
        (tmp_path / f"{name}.ndjson").write_text("\n".join(lines) + "\n")
    for ext in ("csv", "ndjson"):
        run = drift(
            tmp_path / f"ref.{ext}",
            tmp_path / f"cur.{ext}",
            "--engine",
            engine,
            json_out=tmp_path / f"{ext}.json",
        )
        assert_clean(run)
        summary = summary_of(run)
        assert run.code == 1, run.output  # count and x drifted; a verdict, not an input error
        count = column(summary, "count")
        assert count["kind"] == "numeric" and count["status"] == "drift"
        assert column(summary, "code")["kind"] == "id"
        expected = pl.read_csv(tmp_path / "ref.csv", infer_schema_length=None)["count"].mean()
        assert count["reference"]["mean"] == pytest.approx(expected, rel=1e-12)
        notices = [n for n in summary["notices"] if "did not fit the types" in n]
        assert [n.split(":")[0] for n in notices] == [
            f"reference {tmp_path / f'ref.{ext}'}",
            f"current {tmp_path / f'cur.{ext}'}",
        ]
        assert "inferred from every row" in notices[0]
        assert "2.5" in notices[0] or "X300" in notices[0]


def test_a_side_read_again_that_still_fails_is_an_input_error(tmp_path: Path) -> None:
    from driftcli.inputs.sources import TypesChangedError, open_source

    path = tmp_path / "a.csv"
    path.write_text("a\n1\n2\n", encoding="utf-8")
    source = open_source(path, None, "reference")
    failure = pl.exceptions.ComputeError("could not parse `x` as dtype `i64` at column 'a'")
    assert isinstance(source.read_error(failure), TypesChangedError)
    again = source.retyped().read_error(failure)
    assert not isinstance(again, TypesChangedError)  # read once more at most
    assert str(again).startswith(f"reference {path}: cannot read it (could not parse `x`")


def test_a_time_column_written_as_day_first_text_has_its_true_range(tmp_path: Path) -> None:
    # A time column written 28/01/2024 .. 04/02/2024 (day first, as much of the world writes
    # dates): the windows parsed it, but the report's time range was the smallest and largest
    # text, "01/02/2024 00:03" to "31/01/2024 23:59" (a range that ends before it starts).
    rng = np.random.default_rng(71)
    for name, first in (("ref", 1), ("cur", 28)):
        minutes = np.sort(rng.integers(0, 8 * 24 * 60, 600))
        start = np.datetime64(f"2024-01-{first:02d}T00:00")
        times = pl.Series((start + minutes.astype("timedelta64[m]")).astype("datetime64[us]"))
        pl.DataFrame(
            {"ts": times.dt.strftime("%d/%m/%Y %H:%M"), "x": rng.normal(0, 1, 600)}
        ).write_csv(tmp_path / f"{name}.csv")
    run = drift(
        tmp_path / "ref.csv",
        tmp_path / "cur.csv",
        "--time-column",
        "ts",
        "--window",
        "1d",
        json_out=tmp_path / "s.json",
    )
    assert_clean(run)
    summary = summary_of(run)
    got = summary["current"]["time_range"]
    assert (got["min"][:10], got["max"][:10]) == ("2024-01-28", "2024-02-04")
    assert summary["windows"]["windows"][0]["label"] == "2024-01-28"


def _dated_csv(path: Path, first: date, days: int, fmt: str, seed: int) -> Path:
    """600 rows over ``days`` days from ``first``, the time column written with ``fmt``."""
    rng = np.random.default_rng(seed)
    when = [first + timedelta(days=int(d)) for d in np.sort(rng.integers(0, days, 600))]
    pl.DataFrame({"ts": [d.strftime(fmt) for d in when], "x": rng.normal(0, 1, 600)}).write_csv(
        path
    )
    return path


def test_a_month_first_time_column_is_read_month_first(tmp_path: Path) -> None:
    # A US log, 01/13/2024 .. 01/31/2024: a second number above 12 shows the order. It used
    # to be an input error ("write month-first dates as ISO 8601").
    ref = _dated_csv(tmp_path / "ref.csv", date(2023, 12, 1), 31, "%m/%d/%Y", 72)
    cur = _dated_csv(tmp_path / "cur.csv", date(2024, 1, 13), 19, "%m/%d/%Y", 73)
    args = ("--time-column", "ts", "--window", "1d")
    run = drift(ref, cur, *args, json_out=tmp_path / "s.json")
    assert_clean(run)
    summary = summary_of(run)
    assert summary["windows"]["windows"][0]["label"] == "2024-01-13"
    got = summary["current"]["time_range"]
    assert (got["min"][:10], got["max"][:10]) == ("2024-01-13", "2024-01-31")
    assert not [n for n in summary["notices"] if "reads both" in n]


def test_dates_that_read_both_ways_are_said_to_be_read_day_first(tmp_path: Path) -> None:
    # Every date of both sides has day and month up to 12 (02/01/2024 .. 02/07/2024): no
    # value shows the order. They are read day first, as before, and now the report says so;
    # date_order = "month first" reads them as written.
    ref = _dated_csv(tmp_path / "ref.csv", date(2024, 1, 1), 7, "%m/%d/%Y", 74)
    cur = _dated_csv(tmp_path / "cur.csv", date(2024, 2, 1), 7, "%m/%d/%Y", 75)
    args = ("--time-column", "ts", "--window", "1d")
    run = drift(ref, cur, *args, json_out=tmp_path / "s.json")
    assert_clean(run)
    summary = summary_of(run)
    said = [n for n in summary["notices"] if n.startswith("time column 'ts'")]
    assert said == [
        "time column 'ts': every date reads both day first and month first (01/02/2024 is "
        "1 February or 2 January) and was read day first; if they are month first, set "
        'date_order = "month first" in the config'
    ]
    assert "read day first" in run.output  # the terminal's notices too
    day_first = [w["label"] for w in summary["windows"]["windows"]]
    assert day_first == [f"2024-0{m}-02" for m in range(1, 8)]  # 02/01 is 2 January, ...
    config = tmp_path / "drift.toml"
    config.write_text('date_order = "month first"\n')
    told = drift(ref, cur, *args, "-c", str(config), json_out=tmp_path / "t.json")
    assert_clean(told)
    told_summary = summary_of(told)
    labels = [w["label"] for w in told_summary["windows"]["windows"]]
    assert labels == [f"2024-02-0{d}" for d in range(1, 8)]
    assert not [n for n in told_summary["notices"] if n.startswith("time column")]
    # an order the dates contradict is an input error
    wrong = _dated_csv(tmp_path / "wrong.csv", date(2024, 1, 20), 5, "%d/%m/%Y", 78)
    refused = drift(ref, wrong, *args, "-c", str(config), json_out=tmp_path / "w.json")
    assert_usage_error(refused, "has dates written day first (31/01/2024), but they are read")


def test_one_side_shows_month_first_for_a_week_that_reads_both_ways(tmp_path: Path) -> None:
    # A month of reference (01/28/2024 shows month first) and a week of current that alone
    # reads both ways (02/01/2024 .. 02/07/2024): read as the reference shows, 1-7 February,
    # where it was seven windows a month apart (1 January, 1 February, ... 1 July).
    ref = _dated_csv(tmp_path / "ref.csv", date(2024, 1, 1), 31, "%m/%d/%Y", 76)
    cur = _dated_csv(tmp_path / "cur.csv", date(2024, 2, 1), 7, "%m/%d/%Y", 77)
    run = drift(ref, cur, "--time-column", "ts", "--window", "1d", json_out=tmp_path / "s.json")
    assert_clean(run)
    summary = summary_of(run)
    labels = [w["label"] for w in summary["windows"]["windows"]]
    assert labels == [f"2024-02-0{d}" for d in range(1, 8)]
    assert summary["config"]["date_order"] == "month first"  # what the run read them as
    assert not [n for n in summary["notices"] if n.startswith("time column")]
    # in column passes the shared columns decide it the same way, before any pass
    args = ("--time-column", "ts", "--window", "1d", "--engine", "stream")
    streamed = drift(ref, cur, *args, json_out=tmp_path / "p.json")
    assert_clean(streamed)
    passes = summary_of(streamed)
    assert passes["engine"]["name"] == "stream"
    assert [w["label"] for w in passes["windows"]["windows"]] == labels
    assert passes["windows"] == summary["windows"]


def test_a_sentinel_that_sets_the_scale_of_wasserstein_is_named(tmp_path: Path) -> None:
    # 999999 for "no value" in 0.3% of the rows: the reference's standard deviation is about
    # 55,000 against a spread of 1 for the rest, so a shift of every other value by one
    # standard deviation was a normed Wasserstein distance of 2e-5: "ok", without a word.
    # The statistic is the definition's (Evidently's too); the reason now says why it may
    # mislead. A column of lognormal amounts (sigma 1) gets no such note.
    rng = np.random.default_rng(81)
    for name, shift in (("ref", 0.0), ("cur", 1.0)):
        x = rng.normal(shift, 1.0, 3000)
        x[:10] = 999999.0
        amount = rng.lognormal(3.0, 1.0, 3000)
        pl.DataFrame({"x": x, "amount": amount}).write_parquet(tmp_path / f"{name}.parquet")
    run = drift(tmp_path / "ref.parquet", tmp_path / "cur.parquet", json_out=tmp_path / "s.json")
    assert_clean(run)
    summary = summary_of(run)
    row = column(summary, "x")
    assert row["test"] == "wasserstein" and row["status"] == "ok" and row["statistic"] < 1e-4
    assert "standard deviation is " in row["reason"]
    assert "times the spread of its middle half" in row["reason"]
    assert "sentinel like 999999" in row["reason"]
    assert column(summary, "amount")["reason"] is None


def test_segment_and_model_columns_of_values_no_metric_compares(tmp_path: Path) -> None:
    # A list or struct column given as segment_by stopped the run with "unhashable type:
    # 'list'" as "a bug in driftcli"; a list or duration given as the model's target with
    # "cannot cast List type ... to String". Each is now an input error naming the column
    # and its dtype (exit 2); a datetime target was compared as labels without a word.
    from driftcli import DriftConfig, InputError, ModelConfig, run_report

    rng = np.random.default_rng(91)
    frame = pl.DataFrame(
        {
            "x": rng.normal(0, 1, 200),
            "tags": [[int(v)] for v in rng.integers(0, 3, 200)],
            "meta": [{"a": int(v)} for v in rng.integers(0, 3, 200)],
            "wait": pl.Series(rng.integers(0, 100, 200)).cast(pl.Duration("ms")),
            "label": rng.integers(0, 2, 200),
        }
    )
    for column in ("tags", "meta"):
        with pytest.raises(InputError, match=rf"^segment column '{column}' has dtype "):
            run_report(frame, frame, DriftConfig(segment_by=(column,)))
    for column in ("tags", "meta", "wait"):
        model = ModelConfig(target=column, prediction="label")
        with pytest.raises(InputError, match=rf"^performance: target column '{column}' has dtype"):
            run_report(frame, frame, DriftConfig(model=model))
    # kind = "numeric" set on a list column: a row that says why, not "cannot cast List".
    lists = run_report(
        frame, frame, load_config_text(tmp_path, '[column.tags]\nkind = "numeric"\n')
    )
    (tags,) = [c for c in lists.columns if c.column == "tags"]
    assert tags.status.value == "error" and tags.reason is not None
    assert tags.reason.startswith("kind numeric, but its values are List(Int64)")
    frame.write_parquet(tmp_path / "a.parquet")
    run = drift(tmp_path / "a.parquet", tmp_path / "a.parquet", "--segment-by", "tags")
    assert run.code == 2
    assert "segment column 'tags' has dtype List(Int64) in reference" in run.stderr


def load_config_text(folder: Path, text: str) -> Any:
    """The DriftConfig of a drift.toml holding ``text``."""
    from driftcli import load_config

    path = folder / "drift.toml"
    path.write_text(text, encoding="utf-8")
    return load_config(path)


def test_columns_empty_in_the_first_rows_or_keys_absent_from_them(tmp_path: Path) -> None:
    # A CSV column empty in its first 100 rows (a field filled only later) was read as text
    # whatever followed: a numeric column that drifted by one standard deviation was skipped
    # as "free text". A JSON Lines key absent from the first 100 lines (an optional field,
    # left out when null) was dropped without a word, and one null in them failed the read
    # ("got non-null value for NULL-typed column").
    rng = np.random.default_rng(101)
    for name, shift in (("ref", 0.0), ("cur", 1.0)):
        x = [None] * 150 + [round(float(v), 3) for v in rng.normal(shift, 1, 850)]
        frame = pl.DataFrame({"x": x, "c": rng.choice(["a", "b"], 1000)})
        frame.write_csv(tmp_path / f"{name}.csv")
        lines = [
            json.dumps({"c": c, **({} if v is None else {"x": v}), "y": v})
            for c, v in zip(frame["c"], x, strict=True)
        ]
        (tmp_path / f"{name}.ndjson").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert pl.scan_csv(tmp_path / "ref.csv").collect_schema()["x"] == pl.String  # Polars alone
    for ext in ("csv", "ndjson"):
        run = drift(
            tmp_path / f"ref.{ext}", tmp_path / f"cur.{ext}", json_out=tmp_path / f"{ext}.json"
        )
        assert_clean(run)
        summary = summary_of(run)
        for name in ("x", "y") if ext == "ndjson" else ("x",):
            row = column(summary, name)
            assert (row["kind"], row["status"]) == ("numeric", "drift"), row
            assert (row["reference"]["count"], row["reference"]["nulls"]) == (1000, 150)


def test_segments_of_an_enum_whose_categories_differ_between_the_sides() -> None:
    # Each side written with its own Enum (a category added in current): counting the
    # segments stacked both sides' keys and stopped with Polars' "failed to determine
    # supertype of enum and enum", as a bug in driftcli.
    from driftcli import DriftConfig, run_report

    rng = np.random.default_rng(111)

    def side(categories: list[str]) -> pl.DataFrame:
        region = pl.Series(rng.choice(categories, 400)).cast(pl.Enum(categories))
        return pl.DataFrame({"region": region, "x": rng.normal(0, 1, 400)})

    report = run_report(
        side(["north", "south"]),
        side(["north", "south", "east"]),
        DriftConfig(segment_by=("region",)),
    )
    assert sorted(s.segment["region"] for s in report.segments) == ["east", "north", "south"]
    assert any("segment region=east: missing reference" in w for w in report.warnings)


def test_a_csv_that_is_not_utf8_says_so(tmp_path: Path) -> None:
    # Excel's "CSV" in a Windows code page and its "Unicode text" (UTF-16): the message was
    # "cannot read it (invalid utf-8 sequence); check that it is a valid file of its format,
    # or set the format", which sent users to the wrong fix.
    text = "name,city,x\n" + "".join(f"José,Köln,{i}\n" for i in range(50))
    for name, encoding in (("cp1252.csv", "cp1252"), ("utf16.csv", "utf-16")):
        path = tmp_path / name
        path.write_bytes(text.encode(encoding))
        run = drift(path, path)
        assert_clean(run)
        assert run.code == 2
        assert f"reference {path}: the file is not UTF-8 text" in run.stderr
        assert "iconv -f windows-1252 -t utf-8" in run.stderr


def test_a_csv_row_with_a_field_too_many_says_what_to_fix(tmp_path: Path) -> None:
    # A separator at the end of every row (a common export) gave "found more fields than
    # defined in 'Schema'; check that it is a valid file of its format, or set the format".
    path = tmp_path / "trailing.csv"
    path.write_text("a,b\n" + "".join(f"{i},{i * 2}," + "\n" for i in range(50)), encoding="utf-8")
    run = drift(path, path)
    assert_clean(run)
    assert run.code == 2
    assert f"reference {path}: a row has more fields than the header has names" in run.stderr


def test_a_semicolon_csv_with_decimal_commas_names_the_separator(tmp_path: Path) -> None:
    # A European Excel export ("id;amount" with values like "0,35") read with ',' failed on
    # its rows' decimal commas with "a row has more fields than the header": the hint meant
    # for a trailing separator, while the header (one name, holding ';') says what is wrong.
    path = tmp_path / "excel.csv"
    path.write_text(
        "id;amount;city\n" + "".join(f"{i};0,{i:02d};a\n" for i in range(50)), encoding="utf-8"
    )
    run = drift(path, path)
    assert_clean(run)
    assert run.code == 2
    assert f"reference {path}: read as 1 column ('id;amount;city'); is the separator ';'?" in (
        run.stderr
    )


def test_a_file_of_an_unread_extension_says_what_to_do(tmp_path: Path) -> None:
    # .tsv, .xlsx and .zip were "cannot tell the format from the extension; pass
    # --reference-format (parquet, csv, ndjson or ipc)": true, and no help for a TSV (csv
    # needs a tab separator too) or a workbook (no format reads it).
    cases = {
        "a.tsv": "a tab-separated file is read as csv with --separator '\\t'",
        "a.xlsx": "spreadsheets are not read: save the sheet as CSV UTF-8, or as Parquet",
        "a.zip": ".zip archives are not read: extract the file",
    }
    for name, hint in cases.items():
        path = tmp_path / name
        path.write_text("a\tb\n1\t2\n", encoding="utf-8")
        run = drift(path, path)
        assert_clean(run)
        assert run.code == 2 and hint in run.stderr, run.stderr
    tsv = tmp_path / "a.tsv"
    tsv.write_text("a\tb\n" + "".join(f"{i}\t{i % 3}\n" for i in range(60)), encoding="utf-8")
    run = drift(
        tsv, tsv, "--reference-format", "csv", "--current-format", "csv", "--separator", "\t"
    )
    assert run.code == 0, run.stderr  # the hint works


def test_a_json_array_of_records_is_read_as_its_records(tmp_path: Path) -> None:
    # pandas' to_json(orient="records") writes one JSON array; as .json it was read as JSON
    # Lines and refused ("NDJSON line expected to contain JSON object", or "Syntax at
    # character 0" when indented). It is read as its records, typed from every record.
    import gzip

    rng = np.random.default_rng(121)
    for name, shift in (("ref", 0.0), ("cur", 1.0)):
        frame = pl.DataFrame({"x": rng.normal(shift, 1, 300), "c": rng.choice(["a", "b"], 300)})
        frame.write_ndjson(tmp_path / f"{name}.jsonl")
        records = frame.to_dicts()
        (tmp_path / f"{name}.json").write_text(json.dumps(records, indent=2), encoding="utf-8")
        with gzip.open(tmp_path / f"{name}.json.gz", "wt", encoding="utf-8") as f:
            json.dump(records, f)
    lines = drift(tmp_path / "ref.jsonl", tmp_path / "cur.jsonl", json_out=tmp_path / "l.json")
    expected = summary_of(lines)["columns"]
    for ext in ("json", "json.gz"):
        run = drift(
            tmp_path / f"ref.{ext}", tmp_path / f"cur.{ext}", json_out=tmp_path / f"{ext}.out"
        )
        assert_clean(run)
        assert summary_of(run)["columns"] == expected


def test_durations_and_times_of_day_are_compared_in_seconds(tmp_path: Path) -> None:
    # A wait (Duration) and an hour of purchase (Time) were "datetime: time ranges differ
    # between batches by design" and never tested; kind = "numeric" on them stopped the run
    # ("casting from Duration to String not supported"). They are numeric, in seconds.
    from scipy import stats

    rng = np.random.default_rng(131)
    sides = []
    for name, shift in (("ref", 0.0), ("cur", 0.3)):
        ms = (rng.lognormal(3 + shift, 0.5, 400) * 1000).astype(np.int64)
        minutes = rng.integers(0 if shift == 0 else 360, 1440, 400)
        frame = pl.DataFrame(
            {
                "wait": pl.Series(ms).cast(pl.Duration("ms")),
                "hour": pl.Series(minutes * 60_000_000_000).cast(pl.Time),
            }
        )
        frame.write_parquet(tmp_path / f"{name}.parquet")
        sides.append((ms / 1000.0, minutes * 60.0))
    run = drift(tmp_path / "ref.parquet", tmp_path / "cur.parquet", json_out=tmp_path / "s.json")
    assert_clean(run)
    summary = summary_of(run)
    for i, (name, reason) in enumerate(
        (("wait", "a duration, compared in seconds"), ("hour", "a time of day, compared in "))
    ):
        row = column(summary, name)
        assert row["kind"] == "numeric" and row["test"] == "ks"  # 400 rows: a p-value test
        assert row["reason"].startswith(reason)
        # scipy.stats.ks_2samp(ref_seconds, cur_seconds)
        expected = stats.ks_2samp(sides[0][i], sides[1][i])
        assert row["statistic"] == pytest.approx(expected.statistic, rel=1e-12)
        assert row["pvalue"] == pytest.approx(expected.pvalue, rel=1e-9)
        assert row["reference"]["min"] == float(np.min(sides[0][i]))  # 3335 ms is 3.335, exactly


def test_a_duration_and_a_time_of_day_are_not_compared_with_each_other() -> None:
    # Both are compared in seconds, and both were the "temporal" family: a column that is a
    # Duration on one side and a Time on the other was compared as if the same quantity.
    # Durations of other units are converted (1000 us is 1 ms).
    import datetime as dt

    from driftcli import run_report

    ms = pl.Series(np.arange(200) * 1000).cast(pl.Duration("ms"))
    ref = pl.DataFrame({"w": ms, "x": np.arange(200.0)})
    time_of_day = ref.with_columns(pl.Series("w", [dt.time(1, 2)] * 200))
    (w,) = [c for c in run_report(ref, time_of_day).columns if c.column == "w"]
    assert w.status.value == "error" and w.reason is not None
    assert w.reason.startswith("dtype changed: Duration(time_unit='ms') in reference, Time in")
    same = ref.with_columns(pl.col("w").cast(pl.Duration("us")))
    (w,) = [c for c in run_report(ref, same).columns if c.column == "w"]
    assert (w.status.value, w.statistic) == ("ok", 0.0)
