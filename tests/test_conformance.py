"""Conformance: a run in column passes (the stream engine) gives the in-memory engine's report.

Every case runs through ``engine="polars"`` (everything at once) and through the stream engine
with passes of one and of three columns, run here and shipped to a worker as the Spark
engine's executors run them (pickled, read there, merged back). The JSON must be equal apart
from the time stamp and the ``engine`` key: counts, statistics (bit for bit: the same code
runs on the same values), verdicts, segments and every section (integrity's duplicate rows
from row hashes combined over the passes, drift over time per window). A new engine joins the
contract by adding its name to ``ENGINES``.
"""

from __future__ import annotations

import dataclasses
import json
import os
import pickle
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest

import driftcli.engines.memory
import driftcli.stats.samples
from driftcli import DriftConfig, ModelConfig, load_config, run_report
from driftcli.columns.plan import plan_columns
from driftcli.engines.base import DataSource, PassRunner
from driftcli.engines.passes import PassJob, PassOutcome, dumps, remote_pass
from driftcli.engines.registry import register_engine, unregister_engine
from driftcli.engines.stream import StreamEngine, parse_size
from driftcli.errors import ConfigError, InputError
from driftcli.inputs.sources import open_source
from driftcli.outputs.json import to_dict
from driftcli.sections import registry
from driftcli.sections.online.config import OnlineConfig
from driftcli.sections.windows.result import WindowSection
from tests.conftest import ROOT, SAMPLE_CUR, SAMPLE_REF, make_frame

ENGINES = ("stream-1", "stream-3", "shipped-1", "shipped-3")

Case = Callable[[Path], tuple[Any, Any, DriftConfig]]


class ShippedPasses(StreamEngine):
    """Runs every pass as an engine that runs them elsewhere does (Spark's executors): the
    job pickled, the pass's columns read by the worker, :func:`remote_pass` on them, the
    outcome pickled back and merged on the driver. Without Spark, so that the merges of the
    sections' accumulators are checked in every case here."""

    def pass_runner(self, ref: DataSource, cur: DataSource) -> PassRunner | None:
        def run(jobs: Sequence[PassJob]) -> Iterator[PassOutcome]:
            for job in jobs:
                shipped: PassJob = pickle.loads(dumps(job))
                bases = ([*shipped.base[0]], [*shipped.base[1]])
                frames = self.read(ref, cur, list(shipped.chunk), bases)
                yield pickle.loads(dumps(remote_pass(shipped, *frames)))

        return run


@pytest.fixture(scope="module", autouse=True)
def _stream_engines() -> Iterator[None]:
    register_engine("stream-1", lambda: StreamEngine(columns_per_pass=1))
    register_engine("stream-3", lambda: StreamEngine(columns_per_pass=3))
    register_engine("shipped-1", lambda: ShippedPasses(columns_per_pass=1))
    register_engine("shipped-3", lambda: ShippedPasses(columns_per_pass=3))
    yield
    for name in ("stream-1", "stream-3", "shipped-1", "shipped-3"):
        unregister_engine(name)


def comparable(doc: dict[str, Any]) -> dict[str, Any]:
    """A report's JSON without what differs by design: the time stamp and the ``engine``."""
    return {k: v for k, v in doc.items() if k not in ("generated_at", "engine")}


def _bench_model(rows: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    rng = np.random.default_rng(7)

    def side(shift: float) -> pl.DataFrame:
        x = rng.normal(shift, 1.0, rows)
        score = 1 / (1 + np.exp(-2 * x + rng.normal(0, 0.5, rows)))
        return pl.DataFrame(
            {
                "x": x,
                "z": rng.normal(0, 1, rows),
                "n": rng.integers(0, 40, rows),
                "cat": rng.choice(["a", "b", "c"], rows),
                "region": rng.choice(["north", "south", "east"], rows),
                "ts": np.datetime64("2025-03-01", "us")
                + np.sort(rng.integers(0, 14 * 86_400, rows)).astype("timedelta64[s]"),
                "target": (rng.random(rows) < score).astype(np.int64),
                "score": score,
                "prediction": (score >= 0.5).astype(np.int64),
                "latency_ms": rng.lognormal(np.log(80), 0.4, rows),
                "status": np.where(rng.random(rows) < 0.02, "error", "ok"),
            }
        )

    return side(0.0), side(0.3)


def _model_case(_tmp: Path) -> tuple[Any, Any, DriftConfig]:
    ref, cur = _bench_model(3000)
    model = ModelConfig(target="target", prediction="prediction", score="score")
    online = OnlineConfig(latency="latency_ms", status="status", error_values=("error",))
    config = DriftConfig(segment_by=("region",), time_column="ts", window="2d").replace(
        model=model, online=online
    )
    return ref, cur, config


def _text_times_case(tmp: Path) -> tuple[Any, Any, DriftConfig]:
    """The model case as a log writes it: times as month-first text, rows out of time order.
    Every pass reads the same text column; the windows of each pass must be those of the run
    in memory (the text is read once and kept for the passes)."""
    ref, cur, config = _model_case(tmp)
    rng = np.random.default_rng(8)

    def as_log(df: pl.DataFrame) -> pl.DataFrame:
        text = df.with_columns(pl.col("ts").dt.strftime("%m/%d/%Y %H:%M:%S"))
        return text[rng.permutation(text.height)]

    return as_log(ref), as_log(cur), config


def _broken(_tmp: Path) -> tuple[Any, Any, DriftConfig]:
    ref, cur = make_frame(1000, 20), make_frame(800, 21)
    x = cur["x"].to_numpy().copy()
    x[:200] = np.nan
    channel = cur["channel"].to_list()
    channel[:80] = ["kiosk"] * 80
    cur = cur.rename({"y": "y_v2"}).with_columns(pl.Series("x", x), pl.Series("channel", channel))
    # Whole duplicated rows in current, for the duplicates check over every column.
    cur = pl.concat([cur, cur.head(40)])
    return ref, cur, DriftConfig(segment_by=("region",))


def _files(tmp: Path) -> tuple[Any, Any, DriftConfig]:
    """Parquet folders of several files on one side, CSV on the other: passes re-read them."""
    ref, cur = make_frame(2000, 3), make_frame(1500, 4, shift=0.3, mobile=0.4)
    folder = tmp / "ref"
    folder.mkdir()
    for i in range(3):
        ref.slice(i * 700, 700).write_parquet(folder / f"part-{i}.parquet")
    cur.write_csv(tmp / "cur.csv")
    return str(folder), str(tmp / "cur.csv"), DriftConfig(segment_by=("channel",))


def _auto_threshold(_tmp: Path) -> tuple[Any, Any, DriftConfig]:
    ref, cur = make_frame(1500, 5), make_frame(1200, 6, shift=0.2)
    return ref, cur, DriftConfig(threshold="auto")


CASES: dict[str, Case] = {
    "sample": lambda _tmp: (
        SAMPLE_REF,
        SAMPLE_CUR,
        load_config(ROOT / "sample_data" / "drift.toml"),
    ),
    "sample_segments": lambda _tmp: (SAMPLE_REF, SAMPLE_CUR, DriftConfig(segment_by=("region",))),
    "model_online_segments": _model_case,
    "model_online_text_times": _text_times_case,
    "broken_pipeline": _broken,
    "files_csv_parquet": _files,
    "auto_threshold": _auto_threshold,
}


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("case", sorted(CASES))
def test_an_engine_gives_the_in_memory_report(case: str, engine: str, tmp_path: Path) -> None:
    ref, cur, config = CASES[case](tmp_path)
    memory = run_report(ref, cur, config, engine="polars")
    other = run_report(ref, cur, config, engine=engine)
    assert memory.engine is None
    assert other.engine is not None and other.engine.passes > 1
    assert comparable(to_dict(other)) == comparable(to_dict(memory))
    assert other.exit_code == memory.exit_code


def test_a_shipped_pass_returns_its_error_for_the_driver_to_raise() -> None:
    """A worker's exception comes back in the outcome (the run raises it on the driver)."""
    config = DriftConfig()
    plans = tuple(plan_columns(config, pl.Schema({"x": pl.Float64}), pl.Schema({"x": pl.Float64})))
    job = PassJob(config, plans, plans, {"x": None}, {}, 10, (), ((), ()), ("x",), (), True)
    outcome = remote_pass(job, pl.DataFrame({"y": [1.0]}), pl.DataFrame({"y": [2.0]}))
    assert isinstance(outcome.error, pl.exceptions.ColumnNotFoundError) and not outcome.columns


def _chunked(frame: pl.DataFrame, pieces: int = 7) -> pl.DataFrame:
    """``frame`` in ``pieces`` chunks, as several files, row groups or CSV blocks read."""
    step = frame.height // pieces + 1
    parts = [frame.slice(i, step) for i in range(0, frame.height, step)]
    return pl.concat(parts, rechunk=False)


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_report_does_not_depend_on_how_the_rows_are_chunked(case: str, tmp_path: Path) -> None:
    # Polars sums a column chunk by chunk: the same values from one file or from twenty must
    # still give the same last bits (a run in passes reads text through Parquet, Spark's
    # columns arrive in one piece).
    ref, cur, config = CASES[case](tmp_path)
    ref, cur = (
        side
        if isinstance(side, pl.DataFrame)
        else open_source(side, None, role, None).lazy.collect()
        for side, role in ((ref, "reference"), (cur, "current"))
    )
    whole = run_report(ref.rechunk(), cur.rechunk(), config, engine="polars")
    chunked = run_report(_chunked(ref), _chunked(cur), config, engine="polars")
    assert comparable(to_dict(chunked)) == comparable(to_dict(whole))


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_report_does_not_depend_on_which_sort_ran(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # numpy's sort or Polars' (driftcli.stats.sorting picks Polars on AMD Zen 4): the same
    # values in the same order, so every count, statistic and verdict keeps its bits.
    ref, cur, config = CASES[case](tmp_path)
    docs = []
    for sort in ("numpy", "polars"):
        monkeypatch.setenv("DRIFT_SORT", sort)
        docs.append(comparable(to_dict(run_report(ref, cur, config, engine="polars"))))
    assert docs[0] == docs[1]


def test_auto_reads_in_passes_only_when_the_data_exceeds_the_budget(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ref, cur = make_frame(2000, 1), make_frame(2000, 2, shift=0.4)
    ref.write_parquet(tmp_path / "ref.parquet")
    cur.write_parquet(tmp_path / "cur.parquet")
    paths = (str(tmp_path / "ref.parquet"), str(tmp_path / "cur.parquet"))
    assert run_report(*paths).engine is None  # 2000 rows fit any budget
    # The six columns take 2 x 2000 x (3 x 8 + 2 x 16 + 1) bytes = 228 kB in memory; times
    # the in-memory overhead (1.5) that exceeds a 200 kB budget.
    monkeypatch.setenv("DRIFT_MEMORY_BUDGET", "200k")
    streamed = run_report(*paths)
    assert streamed.engine is not None and streamed.engine.name == "auto"
    assert comparable(to_dict(streamed)) == comparable(to_dict(run_report(*paths, engine="polars")))


def test_pass_size_follows_the_budget(tmp_path: Path) -> None:
    from driftcli.columns.analyse import workers

    ref = pl.DataFrame({f"c{i}": np.arange(10_000, dtype=np.float64) for i in range(8)})
    ref.write_parquet(tmp_path / "ref.parquet")
    ref.write_parquet(tmp_path / "cur.parquet")
    engine = StreamEngine(budget=2_000_000)
    ref_side = engine.open(str(tmp_path / "ref.parquet"), None, "reference", None)
    cur_side = engine.open(str(tmp_path / "cur.parquet"), None, "current", None)
    column = 2 * 10_000 * 8  # both sides of one Float64 column
    # the budget less the working memory of the columns tested at once, in columns
    want = (2_000_000 - workers() * 3 * column) // column
    assert engine.passes(ref_side, cur_side, [f"c{i}" for i in range(8)]) == max(1, min(8, want))
    assert StreamEngine(budget=1).passes(ref_side, cur_side, ["c0", "c1"]) == 1
    # A section that works in 1.5x its columns' size (drift over time) leaves room for fewer.
    fewer = int((2_000_000 - workers() * 3 * column) // (column * 2.5))
    columns = [f"c{i}" for i in range(8)]
    assert engine.passes(ref_side, cur_side, columns, 1.5) == max(1, min(8, fewer))


def test_drift_over_time_counts_in_the_memory_budget(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 8 tested Float64 columns a side, 10,000 rows: 2 x 10,000 x 8 x 8 B = 1.28 MB. In memory
    # a plain run needs 1.5x that (1.92 MB), with drift over time 1.5 + 1.5 = 3x (3.84 MB):
    # a 3 MiB budget (3.15 MB) holds the first, not the second.
    rng = np.random.default_rng(5)
    stamps = pl.datetime_range(datetime(2025, 3, 1), datetime(2025, 3, 8), "1m", eager=True).head(
        10_000
    )
    for side in ("ref", "cur"):
        frame = pl.DataFrame({f"c{i}": rng.normal(size=10_000) for i in range(8)})
        frame.with_columns(ts=stamps).write_parquet(tmp_path / f"{side}.parquet")
    paths = (str(tmp_path / "ref.parquet"), str(tmp_path / "cur.parquet"))
    monkeypatch.setenv("DRIFT_MEMORY_BUDGET", "3M")
    assert run_report(*paths).engine is None
    windows = DriftConfig(time_column="ts", window="1d")
    streamed = run_report(*paths, windows)
    assert streamed.engine is not None and streamed.engine.passes > 1
    in_memory = run_report(*paths, windows, engine="polars")
    assert comparable(to_dict(streamed)) == comparable(to_dict(in_memory))


@pytest.fixture
def spill(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty folder the run's temporary files go to (tempfile's $TMPDIR)."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_text_data_is_parsed_once_for_the_passes(tmp_path: Path, spill: Path) -> None:
    # A CSV and an NDJSON side read in passes: each is parsed once into Parquet in $TMPDIR,
    # which every pass reads (instead of parsing the text again), and removed after the run.
    ref, cur = make_frame(2000, 7), make_frame(1800, 8, shift=0.3)
    ref.write_csv(tmp_path / "ref.csv")
    cur.write_ndjson(tmp_path / "cur.ndjson")
    paths = (str(tmp_path / "ref.csv"), str(tmp_path / "cur.ndjson"))
    seen: list[list[str]] = []

    def progress(_done: int, _total: int) -> None:
        seen.append(sorted(f.name for folder in spill.iterdir() for f in folder.iterdir()))

    streamed = run_report(*paths, engine="stream-1", progress=progress)
    assert streamed.engine is not None and streamed.engine.passes > 1
    assert seen and all(files == ["current.parquet", "reference.parquet"] for files in seen)
    assert list(spill.iterdir()) == []
    in_memory = run_report(*paths, engine="polars")
    assert comparable(to_dict(streamed)) == comparable(to_dict(in_memory))


def test_text_data_that_does_not_parse_fails_as_in_memory(tmp_path: Path, spill: Path) -> None:
    # Polars infers "n" as integers from the first rows; a later word fails that parse, in the
    # passes' one parse as in memory, and the side is read again with the types of every row
    # (a notice says so). A row with a field too many fails in both: an InputError naming
    # the file, and nothing left behind.
    rows = [f"{i},{i * 0.5}" for i in range(300)] + ["many,1.0"]
    (tmp_path / "cur.csv").write_text("n,x\n" + "\n".join(rows) + "\n")
    pl.DataFrame({"n": range(300), "x": np.arange(300) * 0.5}).write_csv(tmp_path / "ref.csv")
    paths = (str(tmp_path / "ref.csv"), str(tmp_path / "cur.csv"))
    memory = comparable(to_dict(run_report(*paths, engine="polars")))
    assert [n.split(":")[0] for n in memory["notices"]] == [f"current {paths[1]}"]
    assert comparable(to_dict(run_report(*paths, engine="stream-1"))) == memory
    assert list(spill.iterdir()) == []
    (tmp_path / "cur.csv").write_text("n,x\n" + "\n".join([*rows[:-1], "1,2.0,3"]) + "\n")
    for engine in ("polars", "stream-1"):
        with pytest.raises(InputError, match=r"current .*cur\.csv: a row has more fields than"):
            run_report(*paths, engine=engine)
    assert list(spill.iterdir()) == []


def test_no_room_for_the_parsed_text_is_one_clear_error(
    tmp_path: Path, spill: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ref = make_frame(500, 9)
    ref.write_csv(tmp_path / "ref.csv")
    ref.write_csv(tmp_path / "cur.csv")
    paths = (str(tmp_path / "ref.csv"), str(tmp_path / "cur.csv"))
    (tmp_path / "file").write_text("")
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "file" / "below"))  # not a folder
    with pytest.raises(InputError, match=r"cannot make a folder in .*below for the parsed text"):
        run_report(*paths, engine="stream-1")
    monkeypatch.setattr(tempfile, "tempdir", str(spill))

    def full(*_args: object, **_kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pl.LazyFrame, "sink_parquet", full)
    with pytest.raises(InputError, match=r"reference .*ref\.csv: cannot write .* \(no room"):
        run_report(*paths, engine="stream-1")
    assert list(spill.iterdir()) == []


def test_memory_budget_sizes() -> None:
    assert parse_size("16G", "x") == 16 * 1024**3
    assert parse_size("512m", "x") == 512 * 1024**2
    assert parse_size("1.5GB", "x") == int(1.5 * 1024**3)
    assert parse_size("1000", "x") == 1000
    with pytest.raises(ConfigError, match=r"DRIFT_MEMORY_BUDGET: 'lots' is not a size"):
        parse_size("lots", "DRIFT_MEMORY_BUDGET")


def test_cli_stream_engine_and_a_bad_budget(tmp_path: Path) -> None:
    out = tmp_path / "summary.json"
    cmd = [sys.executable, "-m", "driftcli", "report", str(SAMPLE_REF), str(SAMPLE_CUR)]
    env = {**os.environ, "DRIFT_MEMORY_BUDGET": "1"}
    html = tmp_path / "report.html"
    done = subprocess.run(
        [*cmd, "--engine", "stream", "--json", str(out), "--html", str(html)],
        capture_output=True,
        text=True,
        env=env,
    )
    assert done.returncode in (0, 1), done.stderr
    assert json.loads(out.read_text())["engine"]["name"] == "stream"
    said = "stream: read in 18 passes of at most 1 tested columns (same numbers as in memory)"
    assert "stream: read in 18 passes" in done.stdout + done.stderr  # the terminal summary
    assert f"engine {said}" in html.read_text()
    bad = subprocess.run(
        cmd, capture_output=True, text=True, env={**os.environ, "DRIFT_MEMORY_BUDGET": "lots"}
    )
    assert bad.returncode == 2
    assert "DRIFT_MEMORY_BUDGET: 'lots' is not a size" in bad.stderr
    assert "Traceback" not in bad.stderr


def _edge_columns(n: int, seed: int, shift: float) -> pl.DataFrame:
    """Numeric columns whose sorted reference is not their values as read (a sentinel, text
    numbers against numbers, values near the float limit, durations) beside plain ones with
    nulls, NaN and infinities, and a daily time column."""
    rng = np.random.default_rng(seed)
    plain = rng.normal(shift, 1, n)
    gappy = np.where(rng.random(n) < 0.1, np.nan, rng.normal(shift, 2, n))
    gappy[:3] = [np.inf, -np.inf, np.nan]
    sentinel = np.where(rng.random(n) < 0.02, np.finfo(np.float64).max, rng.normal(shift, 1, n))
    huge = rng.normal(shift, 1, n) * 1e307
    start = datetime(2025, 3, 1) if shift else datetime(2025, 1, 1)
    step = timedelta(minutes=10)
    return pl.DataFrame(
        {
            "ts": pl.datetime_range(start, start + (n - 1) * step, step, eager=True),
            "plain": plain,
            "gappy": gappy,
            "nullable": pl.Series(rng.integers(0, 50, n)).scatter(np.arange(0, n, 7), None),
            "sentinel": sentinel,
            "huge": huge,
            "waited": pl.Series(rng.integers(0, 10_000, n)).cast(pl.Duration("ms")),
            "label": rng.choice(["a", "b", "c"], n),
        }
    )


def _no_kept_reference(monkeypatch: pytest.MonkeyPatch) -> None:
    """Drift over time sorts the reference itself, as before it reused the kept one."""
    spec = registry._SECTIONS["windows"]
    never = dataclasses.replace(spec, sorted_reference=lambda _config: False)
    monkeypatch.setitem(registry._SECTIONS, "windows", never)


@pytest.mark.parametrize("engine", ["polars", "stream-1", "shipped-3"])
def test_drift_over_time_reuses_the_sorted_reference_with_the_same_numbers(
    engine: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The whole-data comparison's sorted reference columns are the ones drift over time
    would make; columns whose sorted values are not the data as read are sorted again."""
    ref, cur = _edge_columns(3000, 1, 0.0), _edge_columns(2600, 2, 0.3)
    ref = ref.with_columns(text=pl.col("plain").round(3).cast(pl.String))
    cur = cur.with_columns(text=pl.col("plain").round(3))
    config = DriftConfig(time_column="ts", window="1d", segment_by=("label",))
    reused = to_dict(run_report(ref, cur, config, engine=engine))
    with monkeypatch.context() as patched:
        _no_kept_reference(patched)
        sorted_again = to_dict(run_report(ref, cur, config, engine=engine))
    assert comparable(reused) == comparable(sorted_again)
    assert len(reused["windows"]["windows"]) >= 3


@pytest.mark.parametrize("engine", ["polars", "stream-1"])
def test_drift_over_time_sorts_the_reference_once(
    engine: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    ref, cur = make_frame(3000, 1), make_frame(2000, 2, shift=0.2)
    stamps = pl.datetime_range(datetime(2025, 1, 1), datetime(2025, 1, 31), "10m", eager=True)
    ref = ref.with_columns(ts=stamps.head(3000))
    cur = cur.with_columns(ts=stamps.head(2000))
    numeric = [c for c, t in ref.schema.items() if t.is_float()]
    assert numeric
    sorted_lengths: list[int] = []
    original = driftcli.stats.samples.sorted_values

    def counted(s: pl.Series) -> Any:
        sorted_lengths.append(s.len())
        return original(s)

    monkeypatch.setattr(driftcli.stats.samples, "sorted_values", counted)
    monkeypatch.setattr(driftcli.engines.memory, "sorted_values", counted)
    config = DriftConfig(time_column="ts", window="1d", columns=tuple(numeric))
    windows = run_report(ref, cur, config, engine=engine).section(WindowSection)
    assert windows is not None and len(windows.windows) >= 3
    # Each numeric column's 3000 reference rows are sorted once, by the whole-data
    # comparison; the 2000 current rows once, then once per daily window (144 rows a day).
    assert sorted_lengths.count(3000) == len(numeric)
    assert sorted_lengths.count(2000) == len(numeric)
    with monkeypatch.context() as patched:
        _no_kept_reference(patched)
        sorted_lengths.clear()
        run_report(ref, cur, config, engine=engine)
        assert sorted_lengths.count(3000) == 2 * len(numeric)
