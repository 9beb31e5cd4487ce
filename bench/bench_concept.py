#!/usr/bin/env python
"""Time the concept-drift detectors (driftcli/sections/concept_drift/detectors.py) on a long stream.

Usage (from the repository root)::

    python bench/bench_concept.py                      # 10M events, best of 3
    python bench/bench_concept.py --events 1000000 --repeat 5

The streams are deterministic (``numpy.random.default_rng(seed)``):

- ``binary``: 0/1 errors whose rate steps through 0.10, 0.20, 0.10, 0.30, 0.15, 0.10, 0.25,
  0.10, 0.20, 0.10 in ten equal parts (what a classifier's misclassification stream looks like);
- ``real``: absolute errors ``|N(0, 1)|`` whose scale goes from 1 to 1.5 and back in the same
  ten parts (a regression model's error stream), for ADWIN and Page-Hinkley;
- ``flapping``: 0/1 errors whose rate alternates between 0.05 and 0.6 every 2,000 rows, a
  worst case with thousands of change points (every detection restarts a detector).

Each detector runs on each stream it accepts with its default (river's) parameters. The table
gives the best wall time and the CPU time of that run, events per second and the number of
drifts and warning-zone starts found. Timings are in this process, after the imports and
a warm-up call of each detector.

A second table times the whole report step,
:func:`driftcli.sections.concept_drift.compute.run_concept`, on a frame of ``--events`` rows
built from the ``binary`` stream: a Datetime column one second apart in shuffled row order (so
the stable sort by time is paid in full), integer target and prediction, and a ``region`` column
of four values. It runs all four detectors overall and, in the ``segments`` case, also per
region (``segment_by = ["region"]``). ``--no-report`` skips it."""

from __future__ import annotations

import argparse
import platform
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import polars as pl

from driftcli.sections.concept_drift.compute import run_concept
from driftcli.sections.concept_drift.config import ConceptConfig
from driftcli.sections.concept_drift.detectors import DETECTORS
from driftcli.sections.performance.config import ModelConfig

RATES = (0.10, 0.20, 0.10, 0.30, 0.15, 0.10, 0.25, 0.10, 0.20, 0.10)
SCALES = (1.0, 1.0, 1.5, 1.5, 1.0, 1.2, 1.0, 1.5, 1.0, 1.0)


def streams(events: int, seed: int) -> dict[str, npt.NDArray[Any]]:
    """The benchmark's binary and real-valued error streams."""
    rng = np.random.default_rng(seed)
    part = -(-events // len(RATES))
    rate = np.repeat(RATES, part)[:events]
    scale = np.repeat(SCALES, part)[:events]
    flapping = np.where(np.arange(events) // 2000 % 2 == 0, 0.05, 0.6)
    return {
        "binary": (rng.random(events) < rate).astype(np.float64),
        "real": np.abs(rng.standard_normal(events)) * scale,
        "flapping": (rng.random(events) < flapping).astype(np.float64),
    }


def report_frame(events: int, seed: int, errors: npt.NDArray[Any]) -> pl.DataFrame:
    """A current frame whose misclassification stream, in time order, is ``errors``."""
    rng = np.random.default_rng(seed + 1)
    y = rng.integers(0, 2, events)
    p = np.where(errors == 1.0, 1 - y, y)
    start = np.datetime64("2025-01-01T00:00:00", "us")
    t = start + np.arange(events).astype("timedelta64[s]")
    order = rng.permutation(events)
    region = rng.choice(np.array(["north", "south", "east", "west"]), events)
    return pl.DataFrame({"t": t[order], "y": y[order], "p": p[order], "region": region})


def bench_report(frame: pl.DataFrame, repeat: int) -> None:
    """Time run_concept end to end: order by time, error stream, detectors, series."""
    model = ModelConfig(target="y", prediction="p")
    print()
    print(f"# run_concept on {frame.height:,} rows, best of {repeat}")
    print("| case | wall s | cpu s | rows/s | scopes | drifts overall |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for case, segment_by in (("overall", ()), ("segments", ("region",))):
        best = (float("inf"), 0.0)
        for _ in range(repeat):
            wall, cpu = time.perf_counter(), time.process_time()
            section = run_concept(frame, "t", model, "binary", ConceptConfig(), segment_by)
            best = min(best, (time.perf_counter() - wall, time.process_time() - cpu))
        drifts = sum(len(d.drifts) for d in section.scopes[0].detectors)
        print(
            f"| {case} | {best[0]:.2f} | {best[1]:.2f} | {frame.height / best[0]:,.0f} | "
            f"{len(section.scopes)} | {drifts} |"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-report", action="store_true", help="skip the run_concept table")
    args = parser.parse_args(argv)

    data = streams(args.events, args.seed)
    print(
        f"# concept detectors on {args.events:,} events, best of {args.repeat} "
        f"(Python {platform.python_version()}, numpy {np.__version__}, {platform.machine()})"
    )
    print("| detector | stream | wall s | cpu s | events/s | drifts | warnings |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    for detector in DETECTORS.values():
        detector(np.zeros(100))  # warm-up: lazy imports (scipy.signal) are not timed
    for name, detector in DETECTORS.items():
        for kind, stream in data.items():
            if kind == "real" and name in ("ddm", "eddm"):
                continue  # 0/1 streams only
            best = (float("inf"), 0.0)
            for _ in range(args.repeat):
                wall, cpu = time.perf_counter(), time.process_time()
                result = detector(stream)
                best = min(best, (time.perf_counter() - wall, time.process_time() - cpu))
            warnings = "-" if result.warnings is None else str(len(result.warnings))
            print(
                f"| {name} | {kind} | {best[0]:.2f} | {best[1]:.2f} | "
                f"{args.events / best[0]:,.0f} | {result.n_drifts} | {warnings} |"
            )
    if not args.no_report:
        bench_report(report_frame(args.events, args.seed, data["binary"]), args.repeat)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
