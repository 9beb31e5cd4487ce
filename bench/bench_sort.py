"""How fast this machine sorts a numeric column: numpy's sort, Polars' sort (one thread), and
numpy's sort with its AVX-512 dispatch turned off, with the sort driftcli picks here.

Usage (from the repository root)::

    python bench/bench_sort.py [--repeat 9]

A report sorts each numeric column once per side, segment and window, two columns at a time
on its thread pool; so the sorts here run two at a time too, on 1M, 250k and 33k float64
values (a side, a segment and a daily window of the bench pair), and the figure is wall
milliseconds per sort (median of ``--repeat``). numpy reads ``NPY_DISABLE_CPU_FEATURES`` only
when it is imported, so the third column comes from a child process started with it set
(``X86_V4`` from numpy 2.4, ``AVX512_SKX`` before). See driftcli/stats/sorting.py for why the
three differ on AMD Zen 4.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

SIZES = (1_000_000, 250_000, 33_000)


def per_sort_ms(sort: str, n: int, repeat: int) -> float:
    """Median wall ms per sort of n random normals, two sorts at a time on two threads."""
    rng = np.random.default_rng(0)
    arrays = [rng.normal(size=n) for _ in range(4)]
    series = [pl.Series(a) for a in arrays]

    def one(i: int) -> None:
        if sort == "numpy":
            np.sort(arrays[i])
        else:
            series[i].sort(multithreaded=False).to_numpy()

    times = []
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(one, range(4)))  # warm
        for _ in range(repeat):
            start = time.perf_counter()
            list(pool.map(one, range(4)))
            times.append((time.perf_counter() - start) / 2 * 1000)
    return statistics.median(times)


def _without_avx512(repeat: int) -> dict[int, float]:
    """numpy's sort in a child whose numpy was imported with AVX-512 dispatch off."""
    major, minor = (int(p) for p in np.__version__.split(".")[:2])
    feature = "X86_V4" if (major, minor) >= (2, 4) else "AVX512_SKX"
    env = {**os.environ, "NPY_DISABLE_CPU_FEATURES": feature}
    code = (
        "import json, sys; sys.path.insert(0, 'bench'); import bench_sort as b; "
        f"print(json.dumps({{n: b.per_sort_ms('numpy', n, {repeat}) for n in b.SIZES}}))"
    )
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=root, capture_output=True, text=True
    )
    if out.returncode != 0:
        print(f"(numpy without AVX-512 not measured: {out.stderr.strip()[-200:]})")
        return {}
    return {int(k): v for k, v in json.loads(out.stdout).items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=9, help="timed rounds per figure (default 9)")
    args = ap.parse_args()
    from driftcli.stats.sorting import numpy_sort_is_slow, sort_with

    print(f"numpy {np.__version__}, Polars {pl.__version__}, {platform.machine()}")
    slow = numpy_sort_is_slow()
    print(f"driftcli sorts with: {sort_with()} (numpy's sort known slow here: {slow})")
    plain = _without_avx512(args.repeat)
    print("| values | np.sort | Polars sort, 1 thread | np.sort, AVX-512 off |")
    print("| ---: | ---: | ---: | ---: |")
    for n in SIZES:
        off = f"{plain[n]:.2f} ms" if n in plain else "-"
        print(
            f"| {n:,} | {per_sort_ms('numpy', n, args.repeat):.2f} ms "
            f"| {per_sort_ms('polars', n, args.repeat):.2f} ms | {off} |"
        )


if __name__ == "__main__":
    main()
