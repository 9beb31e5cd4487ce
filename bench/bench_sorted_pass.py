#!/usr/bin/env python
"""Benchmark the sorted pass on Spark (``driftcli.engines.sorted_pass.compare_numeric``): one
numeric column compared in range partitions, against the same column compared in one task
(``drift report --engine spark``) and in memory, with the numbers checked equal.

Usage (from the repository root, with PySpark and Java 17+ installed)::

    python bench/bench_sorted_pass.py --rows 10000000
    python bench/bench_sorted_pass.py --rows 1000000 --partitions 8

It reuses bench/bench_spark.py's cached Parquet folders (N rows x 20 columns a side) and
compares column ``num_00`` (``--column``) three ways, each in a fresh process:

- ``sorted pass``: ``compare_numeric`` on ``local[2]``: the column of both sides
  range-partitioned and sorted by Spark, three ``mapInArrow`` steps, a few numbers a
  partition back to the driver;
- ``one task``: ``drift report --engine spark`` with only that column and no integrity
  checks: the column of both sides in one executor task (the Spark engine's pass);
- ``in memory``: Polars reads the column, the local tests run on the sorted sides.

For each: the wall time and the peak RSS of each kind of process, sampled from /proc every
50 ms: the driver (the Python process that runs it), Spark's JVM, and the largest of
Spark's Python workers. Last, it checks the sorted pass's tests, summaries and histogram
against the in-memory ones: counts, order statistics and the KS distance exactly, every
other number to 1e-12 relative. The exit code is 1 when they differ.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench_spark import ensure_data

from bench import proc_table

HERE = Path(__file__).resolve().parent
REPO = HERE.parent


def _processes(root: int) -> dict[int, tuple[str, int]]:
    """Each process of ``root``'s tree: its kind (driver, jvm, worker) and RSS in bytes."""
    table = proc_table()
    parent = {pid: row[0] for pid, row in table.items()}
    rss = {pid: row[1] for pid, row in table.items()}
    out: dict[int, tuple[str, int]] = {}
    for pid in rss:
        p = pid
        while p not in (0, 1, root) and p in parent:
            p = parent[p]
        if p != root:
            continue
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        kind = "jvm" if "java" in cmd.split(" ")[0] else "worker" if "pyspark" in cmd else "driver"
        out[pid] = ("driver" if pid == root else kind, rss[pid])
    return out


def measured(cmd: list[str], env: dict[str, str]) -> dict[str, Any]:
    """Run ``cmd``; its wall time and each kind of process's peak RSS (MB)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=REPO)
    peaks = {"driver": 0, "jvm": 0, "worker": 0}
    while proc.poll() is None:
        for kind, rss in _processes(proc.pid).values():
            peaks[kind] = max(peaks[kind], rss)
        time.sleep(0.05)
    wall = time.perf_counter() - t0
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} exited {proc.returncode}")
    return {"wall_s": wall, **{f"{k}_mb": v / 2**20 for k, v in peaks.items()}}


def child_sorted(ref: str, cur: str, column: str, partitions: int | None, out: str) -> None:
    from driftcli.engines.sorted_pass import compare_numeric
    from driftcli.engines.spark import spark_session

    spark = spark_session()
    done = compare_numeric(
        spark.read.parquet(ref), spark.read.parquet(cur), column, partitions=partitions
    )
    Path(out).write_text(json.dumps(done.to_dict()))


def child_memory(ref: str, cur: str, column: str, out: str) -> None:
    import polars as pl

    from driftcli.engines.memory import _histogram, _moments_of, _numeric_summary
    from driftcli.results.vocabulary import Kind
    from driftcli.stats.partials import Finished, run_tests
    from driftcli.stats.samples import NumericSample, sorted_values

    raw = [pl.read_parquet(f"{p}/*.parquet", columns=[column])[column] for p in (ref, cur)]
    sample = NumericSample(sorted_values(raw[0]), sorted_values(raw[1]))
    outcomes = run_tests(sample, Kind.NUMERIC)
    binned = sample.binned
    done = Finished(
        "numeric",
        outcomes,
        _numeric_summary(raw[0], sample.reference, _moments_of(raw[0])),
        _numeric_summary(raw[1], sample.current, _moments_of(raw[1])),
        _histogram(sample),
        (binned.reference, binned.current),
    )
    Path(out).write_text(json.dumps(done.to_dict()))


EXACT = {
    "statistic:ks",
    "effect_size:ks",
    "count",
    "nulls",
    "unique",
    "min",
    "p25",
    "p50",
    "p75",
    "max",
}


def differences(a: Any, b: Any, path: str = "") -> list[str]:
    """Where the sorted pass's numbers differ from the in-memory ones beyond the contract."""
    if isinstance(a, dict) and isinstance(b, dict):
        keys = [k for k in {**a, **b} if k != "partitions"]
        return [d for k in keys for d in differences(a.get(k), b.get(k), f"{path}.{k}")]
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [
            d
            for i, (x, y) in enumerate(zip(a, b, strict=True))
            for d in differences(x, y, f"{path}[{i}]")
        ]
    if isinstance(a, float) and isinstance(b, float):
        parts = path.split(".")
        exact = parts[-1] in EXACT or f"{parts[-1]}:{parts[-2]}" in EXACT
        if a == b or (not exact and math.isclose(a, b, rel_tol=1e-12)):
            return []
        # a p-value far in a tail keeps its statistic's rounding in its logarithm
        tail = parts[-1] == "pvalue" and min(a, b) > 0
        if tail and math.isclose(math.log(a), math.log(b), rel_tol=1e-12):
            return []
    elif a == b:
        return []
    return [f"{path}: {a!r} != {b!r}"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=10_000_000, help="rows per side (default 10M)")
    ap.add_argument("--seed", type=int, default=20261206)
    ap.add_argument("--out", type=Path, default=HERE / "data", help="data folder (cached)")
    ap.add_argument("--column", default="num_00")
    ap.add_argument("--partitions", type=int, help="ranges of values (default: 4M values each)")
    ap.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        mode, ref_s, cur_s, out_s = args.child
        if mode == "sorted":
            child_sorted(ref_s, cur_s, args.column, args.partitions, out_s)
        else:
            child_memory(ref_s, cur_s, args.column, out_s)
        return 0
    ref, cur = ensure_data(args.out, args.rows, args.seed)
    work = args.out / "sorted_pass_runs"
    work.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PYTHONPATH": f"{REPO}:{HERE}"}
    for f in [*ref.iterdir(), *cur.iterdir()]:
        f.read_bytes()  # the page cache warmed once, for every run alike
    me = [sys.executable, str(Path(__file__).resolve())]
    extra = ["--column", args.column] + (
        ["--partitions", str(args.partitions)] if args.partitions else []
    )
    results: dict[str, dict[str, Any]] = {}
    sorted_json, memory_json = work / "sorted.json", work / "memory.json"
    results["sorted pass"] = measured(
        [*me, *extra, "--child", "sorted", str(ref), str(cur), str(sorted_json)], env
    )
    config = work / "one_column.toml"
    config.write_text(f'columns = ["{args.column}"]\n\n[integrity]\nenabled = false\n')
    report = work / "one_task.json"
    report.unlink(missing_ok=True)
    results["one task"] = measured(
        [sys.executable, "-m", "driftcli", "report", str(ref), str(cur), "--engine", "spark",
         "--config", str(config), "-q", "--output", f"json={report}"],
        {**env, "DRIFT_SPARK_COMPUTE": "executors"},
    )  # fmt: skip
    results["in memory"] = measured(
        [*me, *extra, "--child", "memory", str(ref), str(cur), str(memory_json)], env
    )
    print(f"\ncolumn {args.column}, {args.rows:,} rows a side\n")
    print("| run | wall s | driver MB | JVM MB | largest worker MB |")
    print("|---|---:|---:|---:|---:|")
    for name, r in results.items():
        mb = " | ".join(f"{r[k]:.0f}" for k in ("driver_mb", "jvm_mb", "worker_mb"))
        print(f"| {name} | {r['wall_s']:.1f} | {mb} |")
    got, want = json.loads(sorted_json.read_text()), json.loads(memory_json.read_text())
    print(f"\nsorted pass: {got['partitions']} partitions")
    diff = differences(got, want)
    for d in diff[:20]:
        print(d)
    print(
        "numbers: "
        + ("equal to the in-memory ones (the contract)" if not diff else f"{len(diff)} differ")
    )
    return 1 if diff else 0


if __name__ == "__main__":
    sys.exit(main())
