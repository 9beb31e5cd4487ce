#!/usr/bin/env python
"""Where the full configuration's time goes: the drift pass and each section, wall and CPU.

Usage (from the repository root)::

    python bench/bench_sections.py --rows 1000000 --repeat 3

Builds bench_model.py's in-memory pair (1M rows x 32 columns a side, 4 segments, 30 daily
windows, a binary model) and runs ``run_report`` with the drift-only configuration and with
the full one (model performance, drift over time, concept drift with its 4 detectors, online
metrics), in turn, after one warm-up run of each. In the full run it reads the clock around
the whole-data comparison (``_compare``: every column, overall and per segment) and around
each section's ``compute``; CPU seconds are ``time.process_time`` (all threads), so CPU / wall
says how many of the cores a phase kept busy. Medians over ``--repeat``. The last line is
the issue's ratio, full over drift-only, from the medians of this one run.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_model import configs, make_side

import driftcli.run as run
from driftcli import run_report
from driftcli.sections import registry

#: (phase, wall s, CPU s) of the run being timed
_marks: list[tuple[str, float, float]] = []


def _timed(name: str, inner: Callable[..., Any]) -> Callable[..., Any]:
    def timed(*args: Any, **kwargs: Any) -> Any:
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            return inner(*args, **kwargs)
        finally:
            _marks.append((name, time.perf_counter() - wall, time.process_time() - cpu))

    return timed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000, help="rows per side (default 1M)")
    ap.add_argument("--repeat", type=int, default=3, help="timed runs of each (default 3)")
    args = ap.parse_args()
    ref = make_side(args.rows, 1, current=False)
    cur = make_side(args.rows, 2, current=True)
    every = configs()
    drift_only, full = every[0][1], every[-1][1]
    run._compare = _timed("drift pass (whole data and segments)", run._compare)
    for key, spec in list(registry._SECTIONS.items()):
        registry._SECTIONS[key] = dataclasses.replace(
            spec, compute=_timed(f"section {key}", spec.compute)
        )
    totals: dict[str, list[float]] = {"drift only": [], "full": []}
    phases: dict[str, list[tuple[float, float]]] = {}
    for i in range(args.repeat + 1):  # the first of each is a warm-up
        for name, config in (("drift only", drift_only), ("full", full)):
            _marks.clear()
            started = time.perf_counter()
            run_report(ref, cur, config)
            took = time.perf_counter() - started
            if i == 0:
                continue
            totals[name].append(took)
            if name == "full":
                for phase, wall, cpu in _marks:
                    phases.setdefault(phase, []).append((wall, cpu))
    print(f"{args.rows:,} rows x {ref.width} columns a side, median of {args.repeat}\n")
    print("| phase of the full configuration | wall s | CPU s |\n|---|---:|---:|")
    for phase, runs in phases.items():
        wall = statistics.median(w for w, _ in runs)
        cpu = statistics.median(c for _, c in runs)
        if wall >= 0.005:
            print(f"| {phase} | {wall:.2f} | {cpu:.2f} |")
    d, f = statistics.median(totals["drift only"]), statistics.median(totals["full"])
    print(f"| **run_report, full configuration** | {f:.2f} | |")
    print(f"\nrun_report: drift only {d:.2f} s, full {f:.2f} s: {f / d:.2f}x")


if __name__ == "__main__":
    main()
