#!/usr/bin/env python
"""Where the wall time of ``drift report`` goes, phase by phase, against the read baseline.

Usage (from the repository root; the data is bench.py's pair, made when missing)::

    python bench/bench_phases.py --rows 1000000 --repeat 7

Each repeat runs, in turn and each in a fresh process, bench.py's read baseline (import
Polars, read both files) and ``drift report REF CUR --json X --html Y --quiet`` through the
console script's entry point (``driftcli.cli.main``), with a clock read at each phase's end:

| phase | from .. to |
|---|---|
| start | the process is spawned .. its first line runs (interpreter, site) |
| imports | .. the library is loaded (typer, Polars, NumPy, driftcli; ``_library``) |
| plan | .. the data is read: config, output checks, sources, schemas, column plans |
| read | .. both sides are in memory (``_read``) |
| compare | .. every column is tested (``_compare``: moments, sorts, counts, tests) |
| sections | .. the sections ran (``run_sections``: the data integrity checks by default) |
| outputs | .. the JSON and HTML are written (``write_outputs``, and the report's assembly) |
| exit | .. the process has ended (interpreter shutdown, memory handed back) |

Wall seconds are medians over the repeats; CPU seconds (all threads, ``time.process_time``)
say how busy the two cores were. It wraps driftcli's internal functions to read the clock:
a measuring tool, not an API. Unlike ``bench.py --profile`` (cProfile, one thread), these
are wall times of the real run on every core.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench import READ_CHILD, compile_driftcli, ensure_data

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

CHILD = """
import functools, json, os, sys, time
marks = [("start", time.time(), time.process_time())]
def mark(name):
    marks.append((name, time.time(), time.process_time()))
import driftcli.cli as cli
def wrap(module, name, after):
    inner = getattr(module, name)
    @functools.wraps(inner)
    def timed(*args, **kwargs):
        if after is None:
            mark(name + ":before")
        out = inner(*args, **kwargs)
        mark(after or name)
        return out
    setattr(module, name, timed)
wrap(cli, "_library", "imports")
import driftcli.run as run
wrap(run, "_read", None)
wrap(run, "_compare", "compare")
wrap(run, "run_sections", "sections")
sys.argv = ["drift", "report", *sys.argv[1:3], "--json", sys.argv[3], "--html", sys.argv[4],
            "--quiet"]
try:
    cli.main()
except SystemExit:
    pass
mark("outputs")
os.write(int(os.environ["PHASES_FD"]), json.dumps(marks).encode())
"""

PHASES = ("start", "imports", "plan", "read", "compare", "sections", "outputs", "exit")


def _read(ref: Path, cur: Path) -> float:
    t0 = time.perf_counter()
    # bench.py's read baseline (it prints its in-process times, not read here)
    subprocess.run(
        [sys.executable, "-c", READ_CHILD, str(ref), str(cur)], check=True, capture_output=True
    )
    return time.perf_counter() - t0


def _report(ref: Path, cur: Path, out: Path) -> dict[str, tuple[float, float]]:
    """Wall and CPU seconds of each phase of one fresh ``drift report``."""
    r, w = os.pipe()
    env = {**os.environ, "PHASES_FD": str(w), "PYTHONPATH": str(ROOT)}
    argv = [sys.executable, "-c", CHILD, str(ref), str(cur)]
    argv += [str(out / "phases.json"), str(out / "phases.html")]
    spawned = time.time()
    proc = subprocess.Popen(argv, env=env, pass_fds=(w,), cwd=out)
    os.close(w)
    with os.fdopen(r, "rb") as pipe:
        payload = pipe.read()
    proc.wait()
    ended = time.time()
    marks = {name: (at, cpu) for name, at, cpu in json.loads(payload)}
    # "plan" ends where the read starts; the phases between keep their own names.
    marks["plan"] = marks.pop("_read:before")
    marks["read"] = marks.pop("_read")
    out_phases: dict[str, tuple[float, float]] = {}
    before_at, before_cpu = spawned, 0.0
    for name in PHASES:
        if name == "exit":
            out_phases[name] = (ended - before_at, float("nan"))
            break
        at, cpu = marks[name]
        out_phases[name] = (at - before_at, cpu - before_cpu)
        before_at, before_cpu = at, cpu
    return out_phases


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=20240601)
    ap.add_argument("--out", type=Path, default=HERE / "data", help="bench.py's data folder")
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()
    ref, cur = ensure_data(args.out, args.rows, args.seed)
    compile_driftcli()  # bytecode as an installed copy has it (bench/README.md)
    scratch = args.out / "phases"
    scratch.mkdir(exist_ok=True)
    _read(ref, cur)  # the page cache warmed
    reads: list[float] = []
    runs: list[dict[str, tuple[float, float]]] = []
    for _ in range(args.repeat):
        reads.append(_read(ref, cur))
        runs.append(_report(ref, cur, scratch))
    read = statistics.median(reads)
    totals = [sum(wall for wall, _ in run.values()) for run in runs]
    ratios = [t / r for t, r in zip(totals, reads, strict=True)]
    print(f"{args.rows:,} rows x 25 columns, median of {args.repeat} (fresh processes)\n")
    print("| phase | wall s | CPU s | x read |\n|---|---:|---:|---:|")
    for name in PHASES:
        wall = statistics.median(run[name][0] for run in runs)
        cpus = [run[name][1] for run in runs]
        cpu = "" if name == "exit" else f"{statistics.median(cpus):.2f}"
        print(f"| {name} | {wall:.3f} | {cpu} | {wall / read:.2f} |")
    print(f"| **drift report** | {statistics.median(totals):.3f} | | "
          f"**{statistics.median(ratios):.2f}** |")  # fmt: skip
    print(f"| read baseline | {read:.3f} | | 1.00 |")
    print("\nratio per repeat: " + ", ".join(f"{x:.2f}" for x in ratios))


if __name__ == "__main__":
    main()
