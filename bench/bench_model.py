#!/usr/bin/env python
"""What the model sections add to a run: performance, windows, concept drift, online metrics.

Usage (from the repository root)::

    python bench/bench_model.py --rows 1000000

Builds a deterministic in-memory reference/current pair (20 numeric and 5 categorical features,
a region segment, a timestamp over 30 days, a binary target, prediction and score, latency and
status), then times ``run_report`` in this process, once per configuration, each adding one
section to the one before: drift only; + model performance (bootstrap, 4 segments); + daily
windows (30); + concept drift (4 detectors, overall and per segment); + online metrics.
Reading files is not included (see bench.py for the read baseline); imports are warm. CPU
seconds (``time.process_time``, all threads) are printed beside the wall time: they move less
than wall time when other jobs share the machine. ``--json PATH`` writes the full
configuration's JSON summary (without ``generated_at``), to check that a speed-up left every
result as it was: compare the files two commits write. ``--full-only`` times the full
configuration alone, for its time and peak memory in a fresh process. ``--text-times`` writes
the timestamps as text, as a CSV file gives them.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from driftcli import (
    ConceptConfig,
    DriftConfig,
    ModelConfig,
    OnlineConfig,
    WindowSection,
    run_report,
    to_json,
)

N_NUMERIC = 20
N_CATEGORICAL = 5
DAYS = 30


def make_side(rows: int, seed: int, current: bool) -> pl.DataFrame:
    """One side; in current the model degrades over the second half of the period."""
    rng = np.random.default_rng(seed)
    cols: dict[str, object] = {}
    for i in range(N_NUMERIC):
        cols[f"num_{i:02d}"] = rng.normal(0.1 * (i == 3 and current), 1.0, rows)
    for j in range(N_CATEGORICAL):
        cols[f"cat_{j}"] = rng.choice([f"c{k}" for k in range(5 + 5 * j)], rows)
    cols["region"] = rng.choice(["north", "south", "east", "west"], rows)
    seconds = np.sort(rng.integers(0, DAYS * 86_400, rows))
    start = np.datetime64("2025-03-01" if current else "2025-01-15", "us")
    cols["ts"] = start + seconds.astype("timedelta64[s]")
    x = np.asarray(cols["num_00"])
    late = (seconds > DAYS * 86_400 // 2) & current
    target = (rng.random(rows) < 1 / (1 + np.exp(-2 * x))).astype(np.int64)
    score = 1 / (1 + np.exp(-2 * x + rng.normal(0, np.where(late, 2.0, 0.5))))
    cols["target"], cols["score"] = target, score
    cols["prediction"] = (score >= 0.5).astype(np.int64)
    cols["latency_ms"] = rng.lognormal(np.log(80), 0.4, rows) * np.where(late, 1.5, 1.0)
    cols["status"] = np.where(rng.random(rows) < 0.01, "error", "ok")
    return pl.DataFrame(cols)


def configs() -> list[tuple[str, DriftConfig]]:
    base = DriftConfig(segment_by=("region",))
    model = base.replace(model=ModelConfig(target="target", prediction="prediction", score="score"))
    windows = model.replace(time_column="ts", window="1d")
    concept = dataclasses.replace(windows)  # concept runs whenever time_column and a model are set
    no_concept = windows.replace(concept=ConceptConfig(detectors=("adwin",)))
    online = concept.replace(
        online=OnlineConfig(latency="latency_ms", status="status", error_values=("error",))
    )
    return [
        ("drift only (4 segments)", base),
        ("+ model performance", model),
        ("+ daily windows, concept: adwin only", no_concept),
        ("+ concept: all 4 detectors", concept),
        ("+ online metrics", online),
    ]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000, help="rows per side (default 1M)")
    ap.add_argument(
        "--json",
        type=Path,
        help="also write the last (full) configuration's JSON summary here, without its "
        "generated_at, to compare the results of two commits byte for byte",
    )
    ap.add_argument(
        "--full-only",
        action="store_true",
        help="time the full configuration alone (its time and, under /usr/bin/time -v, its "
        "peak memory in a fresh process, not warmed by the configurations before it)",
    )
    ap.add_argument(
        "--text-times",
        action="store_true",
        help="the timestamps as text (2025-03-01 08:15:00), as a CSV or JSON Lines file gives "
        "them: what reading the time column as text costs",
    )
    args = ap.parse_args()
    t0 = time.perf_counter()
    ref = make_side(args.rows, 1, current=False)
    cur = make_side(args.rows, 2, current=True)
    if args.text_times:
        as_text = pl.col("ts").dt.strftime("%Y-%m-%d %H:%M:%S")
        ref, cur = ref.with_columns(as_text), cur.with_columns(as_text)
    built = time.perf_counter() - t0
    print(f"data: {args.rows:,} rows x {ref.width} columns per side ({built:.1f} s)")
    print("| configuration | run_report (s) | CPU s (all threads) |\n|---|---:|---:|")
    runs = configs()[-1:] if args.full_only else configs()
    seconds: list[float] = []
    for name, config in runs:
        t, cpu = time.perf_counter(), time.process_time()
        report = run_report(ref, cur, config)
        took, used = time.perf_counter() - t, time.process_time() - cpu
        seconds.append(took)
        print(f"| {name} | {took:.2f} | {used:.2f} |")
        windows = report.section(WindowSection)
        if windows is not None:
            assert len(windows.windows) == DAYS
    if len(seconds) > 1:
        # The target: the full configuration at most 2x the drift-only run.
        print(f"full configuration / drift only: {seconds[-1] / seconds[0]:.2f}x (this run)")
    if args.json is not None:
        doc = json.loads(to_json(report))
        doc.pop("generated_at", None)
        args.json.write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
