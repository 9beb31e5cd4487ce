"""The library API: run_report on frames, kinds and skips, segments, verdicts."""

from __future__ import annotations

import os
import re
import sys
from datetime import date, timedelta

import numpy as np
import polars as pl
import pytest

import driftcli
from driftcli import (
    ColumnConfig,
    ConfigError,
    DriftConfig,
    InputError,
    Kind,
    SegmentStatus,
    Status,
    run_report,
)
from driftcli.sections.integrity.result import IntegrityReport
from tests.conftest import make_frame


def by_name(report: driftcli.Report) -> dict[str, driftcli.ColumnResult]:
    return {c.column: c for c in report.columns}


def test_public_api_is_curated() -> None:
    assert sorted(driftcli.__all__) == sorted(set(driftcli.__all__))
    for name in driftcli.__all__:
        assert hasattr(driftcli, name), name


def test_frames_lazyframes_and_verdicts(frames: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    ref, cur = frames
    report = run_report(ref, cur.lazy())
    cols = by_name(report)
    assert cols["x"].status is Status.DRIFT and cols["x"].test == "ks"
    assert cols["channel"].status is Status.DRIFT and cols["channel"].test == "chisquare"
    assert cols["y"].status is Status.OK
    assert cols["flag"].status is Status.OK and cols["flag"].test == "z"
    assert cols["id"].kind is Kind.ID and cols["id"].status is Status.SKIPPED
    assert report.dataset.columns_tested == 5 and report.dataset.columns_drifted == 2
    assert report.dataset.drift_share == pytest.approx(0.4)
    assert not report.dataset.drifted and report.status == "pass"
    assert report.reference.rows == 600 and report.current.rows == 500


def test_identical_inputs_show_no_drift(frames: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    report = run_report(frames[0], frames[0])
    assert all(c.status in (Status.OK, Status.SKIPPED) for c in report.columns)
    assert report.dataset.columns_drifted == 0


def test_results_are_deterministic(frames: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    a = driftcli.to_dict(run_report(*frames, DriftConfig(segment_by=("region",))))
    b = driftcli.to_dict(run_report(*frames, DriftConfig(segment_by=("region",))))
    a.pop("generated_at")
    b.pop("generated_at")
    assert a == b


def test_large_samples_use_distances() -> None:
    ref, cur = make_frame(3000, 5), make_frame(3000, 6)
    cols = by_name(run_report(ref, cur))
    assert cols["x"].test == "wasserstein" and cols["x"].pvalue is None
    assert cols["channel"].test == "jensenshannon"
    assert cols["flag"].test == "jensenshannon"


def test_global_test_applies_where_it_fits(frames: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    cols = by_name(run_report(*frames, DriftConfig(test="psi", threshold=0.2)))
    assert cols["x"].test == "psi" and cols["x"].threshold == 0.2
    assert cols["channel"].test == "psi"
    cols = by_name(run_report(*frames, DriftConfig(test="ks")))
    assert cols["x"].test == "ks"
    assert cols["channel"].test == "chisquare"  # ks does not apply: automatic choice
    cols = by_name(run_report(*frames, DriftConfig(test="z")))
    assert cols["flag"].test == "z"
    assert cols["channel"].test == "chisquare"  # four values: z does not fit


def test_per_column_test_that_does_not_fit_is_an_error_row(
    frames: tuple[pl.DataFrame, pl.DataFrame],
) -> None:
    report = run_report(*frames, DriftConfig(column={"channel": ColumnConfig(test="ks")}))
    col = by_name(report)["channel"]
    assert col.status is Status.ERROR and "ks does not apply" in (col.reason or "")
    assert any("channel" in w for w in report.warnings)


def test_kind_override(frames: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    cfg = DriftConfig(column={"id": ColumnConfig(kind=Kind.NUMERIC)})
    col = by_name(run_report(*frames, cfg))["id"]
    assert col.kind is Kind.NUMERIC and col.kind_source == "config"
    assert col.status is Status.DRIFT  # the id ranges do not overlap


def test_skips_are_reported_with_reasons() -> None:
    n = 200
    rng = np.random.default_rng(7)
    start = date(2024, 1, 1)

    def frame(offset: int) -> pl.DataFrame:
        return pl.DataFrame(
            {
                "v": rng.normal(size=n),
                "const": [1.0] * n,
                "empty": pl.Series([None] * n, dtype=pl.Float64),
                "day": [start + timedelta(days=offset + i) for i in range(n)],
                "day_text": [str(start + timedelta(days=offset + i)) for i in range(n)],
                "note": [f"free text number {offset + i} here" for i in range(n)],
            }
        )

    cols = by_name(run_report(frame(0), frame(400)))
    assert cols["v"].status is Status.OK
    assert cols["const"].status is Status.SKIPPED and "constant" in (cols["const"].reason or "")
    assert cols["empty"].status is Status.SKIPPED
    assert "no non-null values" in (cols["empty"].reason or "")
    assert cols["day"].kind is Kind.DATETIME and cols["day"].status is Status.SKIPPED
    assert cols["day_text"].kind is Kind.DATETIME, "a timestamp read as text is not text drift"
    assert cols["note"].status is Status.SKIPPED and cols["note"].kind in (Kind.TEXT, Kind.ID)


def test_dtype_change_is_an_error_row_not_a_crash() -> None:
    ref = pl.DataFrame({"a": [1, 2, 3] * 20, "b": [0.5, 1.5, 2.5, 3.5] * 15})
    cur = pl.DataFrame({"a": ["x", "y", "z"] * 20, "b": [0.5, 1.5, 2.5, 3.5] * 15})
    col = by_name(run_report(ref, cur))["a"]
    assert col.status is Status.ERROR
    assert "Int64 in reference, String in current" in (col.reason or "")


def test_missing_column_is_reported() -> None:
    ref = pl.DataFrame({"a": [1.0, 2.0, 3.5] * 20, "gone": [1, 2, 3] * 20})
    cur = pl.DataFrame({"a": [1.0, 2.0, 3.5] * 20, "new": [1, 2, 3] * 20})
    cols = by_name(run_report(ref, cur))
    assert cols["gone"].status is Status.SKIPPED and cols["gone"].reason == "missing from current"
    assert cols["new"].reason == "missing from reference"


def test_nulls_and_nan_are_left_out_of_tests_and_counted() -> None:
    ref = pl.DataFrame({"v": [1.0, 2.0, float("nan"), None, 3.0, 4.0] * 10})
    cur = pl.DataFrame({"v": [1.0, 2.0, 3.0, 4.0, None, None] * 10})
    col = by_name(run_report(ref, cur))["v"]
    assert col.reference is not None and col.current is not None
    assert col.reference.nulls == 20 and col.current.nulls == 20
    assert col.status is Status.OK


def test_segments_missing_and_too_small() -> None:
    rng = np.random.default_rng(11)

    def frame(regions: list[str], sizes: list[int]) -> pl.DataFrame:
        parts = [
            pl.DataFrame({"region": [r] * k, "v": rng.normal(size=k)})
            for r, k in zip(regions, sizes, strict=True)
        ]
        return pl.concat(parts)

    ref = frame(["a", "b", "tiny"], [100, 100, 10])
    cur = frame(["a", "c", "tiny"], [100, 100, 50])
    report = run_report(ref, cur, DriftConfig(segment_by=("region",)))
    segs = {s.segment["region"]: s for s in report.segments}
    assert segs["a"].status is SegmentStatus.TESTED and segs["a"].dataset is not None
    assert segs["b"].status is SegmentStatus.MISSING_CURRENT and segs["b"].dataset is None
    assert segs["c"].status is SegmentStatus.MISSING_REFERENCE
    assert segs["tiny"].status is SegmentStatus.TOO_SMALL
    assert "at least 30" in (segs["tiny"].reason or "")
    assert len([w for w in report.warnings if w.startswith("segment ")]) == 3
    # the segment column itself is not tested inside its own segments
    assert {c.column for c in segs["a"].columns} == {"v"}


def test_segment_combinations() -> None:
    ref, cur = make_frame(800, 8), make_frame(800, 9)
    ref = ref.with_columns(pl.col("flag").alias("tier"))
    cur = cur.with_columns(pl.col("flag").alias("tier"))
    report = run_report(ref, cur, DriftConfig(segment_by=("region", "tier"), exclude=("flag",)))
    keys = {(s.segment["region"], s.segment["tier"]) for s in report.segments}
    assert keys == {(r, t) for r in ("north", "south") for t in (False, True)}


def test_drift_in_one_segment_only_fails_the_run() -> None:
    ref, cur = make_frame(1000, 12), make_frame(1000, 13)
    south = pl.col("region") == "south"
    cur = cur.with_columns(
        pl.when(south).then(pl.col("x") + 2).otherwise(pl.col("x")).alias("x"),
        pl.when(south).then(pl.col("y") + 2).otherwise(pl.col("y")).alias("y"),
    )
    report = run_report(ref, cur, DriftConfig(segment_by=("region",), exclude=("id",)))
    segs = {s.segment["region"]: s for s in report.segments}
    assert segs["south"].dataset is not None and segs["south"].dataset.drifted
    assert segs["north"].dataset is not None and not segs["north"].dataset.drifted
    assert report.status == "fail"
    assert any("south" in b for b in report.breaches)


def test_config_validation() -> None:
    with pytest.raises(ConfigError, match="drift_share"):
        DriftConfig(drift_share=1.5)
    with pytest.raises(ConfigError, match="valid values: dataset, column, never"):
        DriftConfig(fail_on="sometimes")
    with pytest.raises(ConfigError, match="unknown test"):
        ColumnConfig(test="nope")
    with pytest.raises(ConfigError, match="threshold needs a test"):
        DriftConfig(threshold=0.1)


def test_unknown_segment_column(frames: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    with pytest.raises(ConfigError, match="no column 'nope'"):
        run_report(*frames, DriftConfig(segment_by=("nope",)))


def test_segment_column_on_one_side_only() -> None:
    ref = pl.DataFrame({"v": [1.0, 2.0] * 20, "seg": ["a", "b"] * 20})
    cur = pl.DataFrame({"v": [1.0, 2.0] * 20})
    with pytest.raises(InputError, match="segment column 'seg' is missing from current"):
        run_report(ref, cur, DriftConfig(segment_by=("seg",)))


def test_progress_hook_is_called(frames: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    seen: list[tuple[int, int]] = []
    run_report(
        *frames, DriftConfig(segment_by=("region",)), progress=lambda d, t: seen.append((d, t))
    )
    assert seen and seen[-1][0] == seen[-1][1]


def test_integer_and_float_encodings_of_the_same_values_do_not_drift() -> None:
    # 0/1 read as Int64 on one side and as Float64 on the other (e.g. CSV "0" vs "0.0").
    ref = pl.DataFrame({"flag": [0, 1, 1, 0] * 50})
    cur = pl.DataFrame({"flag": [0.0, 1.0, 1.0, 0.0] * 40})
    col = by_name(run_report(ref, cur))["flag"]
    assert col.status is Status.OK and col.test == "z"
    assert col.statistic == pytest.approx(0.0)


def test_infinite_values_fall_back_to_a_binned_distance() -> None:
    # Above 1000 rows the automatic wasserstein refuses infinities; the column must still be
    # tested (jensenshannon's open end bins hold them) rather than end as an error.
    rng = np.random.default_rng(21)
    ref = pl.DataFrame({"v": rng.normal(size=2000)})
    cur_v = rng.normal(3.0, 1.0, 2000)
    cur_v[:3] = np.inf
    col = by_name(run_report(ref, pl.DataFrame({"v": cur_v})))["v"]
    assert col.test == "jensenshannon" and col.status is Status.DRIFT
    assert "wasserstein did not fit" in (col.reason or "")


def test_global_auto_threshold_reaches_columns_with_their_own_test() -> None:
    ref, cur = make_frame(600, 22), make_frame(500, 23)
    cfg = DriftConfig(threshold="auto", column={"y": ColumnConfig(test="energy")})
    col = by_name(run_report(ref, cur, cfg))["y"]
    assert col.test == "energy" and col.auto_threshold is not None


def test_numeric_column_that_arrives_as_text_is_parsed_when_kind_is_numeric() -> None:
    rng = np.random.default_rng(24)
    ref = pl.DataFrame({"amount": rng.normal(100, 10, 300)})
    values = [f"{v:.3f}" for v in rng.normal(100, 10, 300)]
    values[:30] = ["n/a"] * 30
    cur = pl.DataFrame({"amount": values})
    cfg = DriftConfig(column={"amount": ColumnConfig(kind=Kind.NUMERIC)})
    report = run_report(ref, cur, cfg)
    col = by_name(report)["amount"]
    assert col.status is Status.OK and col.test == "ks"
    assert "30 values were not numbers" in (col.reason or "")
    integrity = report.section(IntegrityReport)
    assert integrity is not None
    failed = {(r.check, r.column) for r in integrity.results if r.status == "fail"}
    assert ("parse_failures", "amount") in failed


def test_empty_columns_list_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="columns is empty"):
        DriftConfig(columns=())


def test_segments_list_the_skipped_columns_in_a_run_in_passes() -> None:
    """A run in column passes lists every column in every segment, the skipped ones (ids,
    datetimes) too, as the in-memory run does (they went missing from the segments)."""
    from driftcli.engines.registry import register_engine, unregister_engine
    from driftcli.engines.stream import StreamEngine

    def side(n: int, seed: int) -> pl.DataFrame:
        start = date(2024, 1, 1)
        return make_frame(n, seed).with_columns(
            day=pl.Series([start + timedelta(days=i % 20) for i in range(n)])
        )

    register_engine("stream-one", lambda: StreamEngine(columns_per_pass=1))
    try:
        config = DriftConfig(segment_by=("region",))
        passes = driftcli.to_dict(
            run_report(side(600, 1), side(500, 2), config, engine="stream-one")
        )
        memory = driftcli.to_dict(run_report(side(600, 1), side(500, 2), config, engine="polars"))
    finally:
        unregister_engine("stream-one")
    assert passes["engine"]["columns_per_pass"] == 1
    for key in ("generated_at", "engine"):
        passes.pop(key, None)
        memory.pop(key, None)
    listed = {c["column"] for c in passes["segments"][0]["columns"]}
    assert listed == {"id", "x", "y", "channel", "flag", "day"}
    assert passes == memory


def test_moments_equal_the_finite_values_moments_bit_for_bit() -> None:
    """The moments skip the is_finite filter where a column has no NaN or infinity: the same
    bits as filtering, on every awkward shape (nulls, NaN, infinities, one value, none)."""
    from driftcli.engines.memory import _moments

    rng = np.random.default_rng(7)
    n = 50_000
    base = rng.lognormal(size=n)
    nulls = pl.Series(base).scatter(rng.choice(n, 500, replace=False), None)
    frame = pl.DataFrame(
        {
            "plain": base,
            "nulls": nulls,
            "nan": pl.Series(base).scatter([3, 99], float("nan")),
            "inf": pl.Series(base).scatter([5], float("inf")),
            "both_inf": pl.Series(base).scatter([5, 6], [float("inf"), float("-inf")]),
            "nulls_nan": nulls.scatter([10], float("nan")),
            "ints": rng.integers(0, 1000, n),
            "one": pl.Series([None] * (n - 1) + [2.5], dtype=pl.Float64),
            "none": pl.Series([None] * n, dtype=pl.Float64),
            "huge": pl.Series(np.full(n, 1e300)),
        }
    )
    # Several chunks, as a multi-file read gives.
    frame = pl.concat([frame.head(20_000), frame.tail(n - 20_000)], rechunk=False)
    got = _moments(frame, frame.columns)
    for name in frame.columns:
        x = pl.col(name).cast(pl.Float64)
        finite = x.filter(x.is_finite())
        mean, std = frame.rechunk().select(finite.mean().alias("m"), finite.std().alias("s")).row(0)
        expect = [v if isinstance(v, float) and np.isfinite(v) else None for v in (mean, std)]
        assert [got[name].mean, got[name].std] == expect, name
    assert got["plain"].mean is not None and got["one"].std is None and got["none"].mean is None


_OUT_OF_MEMORY = """
import resource, sys
import numpy as np, polars as pl
from driftcli import InputError, run_report
rng = np.random.default_rng(0)
n = 30_000_000
ref, cur = pl.DataFrame({"x": rng.normal(size=n)}), pl.DataFrame({"x": rng.normal(size=n)})
with open("/proc/self/status") as status:
    size = next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmSize"))
# 150 MiB more address space than the data took: a 229 MiB sorted copy cannot be made
resource.setrlimit(resource.RLIMIT_AS, (size + 150 * 2**20, size + 150 * 2**20))
try:
    run_report(ref, cur, engine="polars")
except InputError as exc:
    print(exc)
    sys.exit(2)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RLIMIT_AS and /proc are Linux's")
def test_a_run_that_does_not_fit_in_memory_says_what_to_do_not_that_it_is_a_bug() -> None:
    # A real MemoryError: NumPy cannot allocate a column's sorted copy under an address-space
    # limit. It used to reach the CLI as "internal error ... a bug in driftcli", exit 3.
    import subprocess

    # One malloc arena: each new thread would reserve 64 MiB of address space for its own,
    # and the run's threads could not start under the limit ("can't start new thread").
    env = {**os.environ, "MALLOC_ARENA_MAX": "1"}
    done = subprocess.run(
        [sys.executable, "-c", _OUT_OF_MEMORY], capture_output=True, text=True, timeout=300, env=env
    )
    assert done.returncode == 2, done.stdout + done.stderr
    said = done.stdout
    assert said.startswith("the inputs do not fit in this run's memory (Unable to allocate")
    assert "use the default engine (auto)" in said and "--engine stream" in said


def test_a_large_segment_is_compared_a_few_columns_at_a_time_with_the_same_results(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A segment whose copy of every column would exceed SEGMENT_COPY_BYTES is gathered a
    group of columns at a time (a 10M-row run with 2 segments peaked at 8.5 GB against 5.5 GB
    without segments); every result is the one of the segment gathered at once, also for
    thresholds learned from reference chunks by time, which read a column no group tests."""
    from driftcli.columns import analyse

    rng = np.random.default_rng(41)

    def side(n: int, shift: float) -> pl.DataFrame:
        cols: dict[str, object] = {f"n{i}": rng.normal(shift * (i % 3), 1.0, n) for i in range(9)}
        cols["c"] = rng.choice(["a", "b", "c"], n)
        cols["region"] = rng.choice(["north", "south"], n)
        cols["t"] = np.datetime64("2024-01-01") + rng.integers(0, 20, n).astype("timedelta64[D]")
        return pl.DataFrame(cols)

    ref, cur = side(3000, 0.0), side(2000, 0.3).with_columns(pl.lit(1.0).alias("only_current"))
    config = DriftConfig(
        segment_by=("region",),
        threshold="auto",
        exclude=("t",),
        auto_threshold=driftcli.AutoThresholdConfig(
            chunk_by="period", time_column="t", period="2d"
        ),
    )
    at_once = driftcli.to_json(run_report(ref, cur, config))

    groups: list[int] = []
    real = analyse._column_groups

    def spy(*args: object) -> list[tuple[list[str], list[str], list[object]]]:
        found = real(*args)  # type: ignore[arg-type]
        groups.extend(len(plans) for _, _, plans in found)
        return found  # type: ignore[return-value]

    monkeypatch.setattr(analyse, "SEGMENT_COPY_BYTES", 1)
    monkeypatch.setattr(analyse, "_column_groups", spy)
    grouped = driftcli.to_json(run_report(ref, cur, config))

    # Two segments of 11 planned columns, in groups of two columns per worker.
    per_group = 2 * analyse.workers()
    assert len(groups) > 2 and max(groups) == per_group and sum(groups) == 2 * 11
    strip = re.compile(r'"(generated_at|seconds)": [^,}\n]+')
    assert strip.sub("", grouped) == strip.sub("", at_once)
