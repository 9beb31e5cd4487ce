#!/usr/bin/env python
"""The floor under an exact drift report: read both files, sort every numeric column of each
side and count every categorical one, and nothing else.

Usage (from the repository root; the data is bench.py's pair, made when missing)::

    python bench/bench_floor.py --rows 1000000 --repeat 7

Every test driftcli runs by default needs at least this (KS and Wasserstein read the sorted
values, the categorical tests the counts), so no exact report can take less on the same
machine. Each repeat runs, in turn and each in a fresh process, ``read`` (the bench's read
baseline: import Polars, read both files) and ``floor`` (the same, then the sorts in a
2-thread pool and the counts), and prints the wall times and their ratio. Compare it with
``bench.py``'s ratio of ``drift report`` to the read. The sorts are driftcli's own
(``sorted_values``: numpy's sort, or Polars' on a CPU where numpy's is slow, see
driftcli/stats/sorting.py); importing it costs the floor about 0.01 s.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench import ensure_data

HERE = Path(__file__).resolve().parent

CHILD = """
import sys
from concurrent.futures import ThreadPoolExecutor
import polars as pl
sides = [pl.read_parquet(p) for p in sys.argv[1:3]]
if sys.argv[3] == "floor":
    from driftcli.stats.samples import sorted_values
    numeric = [n for n, d in sides[0].schema.items() if d.is_numeric()]
    other = [n for n in sides[0].columns if n not in numeric]
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(lambda a: sorted_values(a[0][a[1]]),
                      [(df, n) for df in sides for n in numeric]))
    for df in sides:
        for n in other:
            df.group_by(n).len()
"""


def _time(ref: Path, cur: Path, mode: str) -> float:
    t0 = time.perf_counter()
    # from the repository root: the child imports this tree's driftcli
    subprocess.run(
        [sys.executable, "-c", CHILD, str(ref.resolve()), str(cur.resolve()), mode],
        check=True,
        cwd=HERE.parent,
    )
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=20240601)
    ap.add_argument("--out", type=Path, default=HERE / "data", help="bench.py's data folder")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    ref, cur = ensure_data(args.out, args.rows, args.seed)
    _time(ref, cur, "read")  # the page cache warmed
    reads, floors = [], []
    for _ in range(args.repeat):
        reads.append(_time(ref, cur, "read"))
        floors.append(_time(ref, cur, "floor"))
    read, floor = statistics.median(reads), statistics.median(floors)
    ratios = [f / r for f, r in zip(floors, reads, strict=True)]
    print(f"{args.rows:,} rows x 25 columns, median of {args.repeat}")
    print(f"read {read:.2f} s, read + sorts + counts {floor:.2f} s")
    print(f"floor / read: {statistics.median(ratios):.2f}x (runs: "
          + ", ".join(f"{x:.2f}" for x in ratios) + ")")  # fmt: skip


if __name__ == "__main__":
    main()
