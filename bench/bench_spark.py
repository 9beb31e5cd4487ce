#!/usr/bin/env python
"""Benchmark ``drift report --engine spark`` against ``--engine polars`` on the same Parquet.

Usage (from the repository root, with PySpark and Java 17+ installed)::

    python bench/bench_spark.py --rows 1000000
    python bench/bench_spark.py                      # 10M rows per side (the default)
    python bench/bench_spark.py --rows 10000000 --driver-memory 8g --max-result-size 4g

It generates (seeded, 500k rows at a time) a reference and a current folder of Parquet files,
N rows x 20 columns each (16 float columns, 4 with ~1% nulls, and 4 string columns; a few
drift, from bench/bench.py's generators), cached under ``--out``; with ``--scopes`` also a
``region`` (4 values) and an ``event_time`` (30 days) column, and the runs compare 4 segments
and 30 daily windows beside the whole data (``segment_by``, ``window = "1d"``). Then it runs
``drift report REF CUR --engine E --output json=...`` for E = spark (on the executors, then on
the driver, or in range partitions: ``--compute``) and polars, each in a
fresh process under ``/usr/bin/time -v``: wall time, the driftcli process's CPU time and peak
RSS, and the summed RSS and CPU time of its whole process tree sampled from /proc every 50 ms
(the Spark run's JVM is a child of the driftcli process, not in ``time``'s figures). Last, it
checks that the two JSON reports are equal apart from ``generated_at`` and ``engine``, every
value exactly, floats to the last bit (docs/spark.md); in partitions, floats within 1e-12
relative (the sums of floats are added in partition order; a mean within 1e-12 of its
column's scale, ``|mean| + std``, as a mean near zero cancels digits in any order of
summation). The exit code is 1 when they are not.

``--driver-memory`` and ``--max-result-size`` set the heap and ``spark.driver.maxResultSize``
of the JVM driftcli starts (through ``PYSPARK_SUBMIT_ARGS``); by default Spark's own (1g each)
apply, and a read may fill 30% of the one and 80% of the other, so they decide the passes.
``DRIFT_SPARK_MASTER`` and ``DRIFT_MEMORY_BUDGET`` apply as usual.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench import CHUNK_ROWS, _categorical_chunk, _numeric_chunk, tree_usage

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
N_NUMERIC = 16
N_CATEGORICAL = 4
#: Bump when the data changes so cached files are regenerated.
GENERATOR_VERSION = 1


def _write_side(folder: Path, rows: int, seed: int, current: bool, scopes: bool = False) -> None:
    """One side as a folder of Parquet files of ``CHUNK_ROWS`` rows, written chunk by chunk;
    with ``scopes`` a segment and a time column too."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng([seed, 1 if current else 0])
    fields = [pa.field(f"num_{i:02d}", pa.float64()) for i in range(N_NUMERIC)]
    fields += [pa.field(f"cat_{j}", pa.string()) for j in range(N_CATEGORICAL)]
    if scopes:
        fields += [pa.field("region", pa.string()), pa.field("event_time", pa.timestamp("us"))]
    schema = pa.schema(fields)
    first = np.datetime64("2025-03-01" if current else "2025-01-01", "us")
    tmp = folder.with_suffix(".tmp")
    tmp.mkdir(parents=True)
    done, part = 0, 0
    while done < rows:
        n = min(CHUNK_ROWS, rows - done)
        cols = [
            pa.array(_numeric_chunk(rng, i, n, current), from_pandas=True) for i in range(N_NUMERIC)
        ]
        cols += [_categorical_chunk(rng, j, n, current) for j in range(N_CATEGORICAL)]
        if scopes:
            regions = np.array(["north", "south", "east", "west"])
            cols.append(pa.array(regions[rng.integers(0, 4, n)]))
            offsets = np.sort(rng.integers(0, 30 * 86_400_000_000, n))  # in time order
            cols.append(pa.array(first + offsets.astype("timedelta64[us]")))
        pq.write_table(pa.Table.from_arrays(cols, schema=schema), tmp / f"part-{part:04d}.parquet")
        done, part = done + n, part + 1
    tmp.rename(folder)


def ensure_data(out: Path, rows: int, seed: int, scopes: bool = False) -> tuple[Path, Path]:
    """The reference and current folders, generated unless cached."""
    scoped = "_scopes" if scopes else ""
    base = out / f"spark_{rows}x{N_NUMERIC + N_CATEGORICAL}{scoped}_s{seed}_v{GENERATOR_VERSION}"
    ref, cur = base / "ref", base / "cur"
    if ref.is_dir() and cur.is_dir():
        print(f"using cached data {base}", file=sys.stderr)
        return ref, cur
    t0 = time.perf_counter()
    print(f"generating {rows:,} rows x {N_NUMERIC + N_CATEGORICAL} columns a side", file=sys.stderr)
    for folder, current in ((ref, False), (cur, True)):
        if folder.with_suffix(".tmp").exists():
            for f in folder.with_suffix(".tmp").iterdir():
                f.unlink()
            folder.with_suffix(".tmp").rmdir()
        _write_side(folder, rows, seed, current, scopes)
    size = sum(f.stat().st_size for f in base.rglob("*.parquet")) / 2**20
    print(f"generated in {time.perf_counter() - t0:.1f} s ({size:.0f} MB)", file=sys.stderr)
    return ref, cur


def _time_field(text: str, label: str) -> str:
    m = re.search(rf"^\s*{re.escape(label)}: (.+)$", text, re.MULTILINE)
    if m is None:
        raise SystemExit(f"/usr/bin/time printed no {label!r}:\n{text[-2000:]}")
    return m.group(1).strip()


def _seconds(clock: str) -> float:
    """``h:mm:ss`` or ``m:ss.ss`` as seconds."""
    total = 0.0
    for part in clock.split(":"):
        total = total * 60 + float(part)
    return total


def run(
    engine: str,
    ref: Path,
    cur: Path,
    out: Path,
    env: dict[str, str],
    label: str = "",
    config: Path | None = None,
) -> dict[str, Any]:
    """One ``drift report`` under /usr/bin/time -v; its figures and its JSON."""
    label = label or engine
    slug = re.sub(r"\W+", "_", label)
    report = out / f"{slug}.json"
    errors = out / f"{slug}.time.txt"
    report.unlink(missing_ok=True)  # drift refuses to overwrite an output
    cmd = ["/usr/bin/time", "-v", sys.executable, "-m", "driftcli", "report", str(ref),
           str(cur), "--engine", engine, "-q", "--output", f"json={report}"]  # fmt: skip
    if config is not None:
        cmd += ["--config", str(config)]
    with errors.open("w") as err:
        proc = subprocess.Popen(cmd, env=env, stderr=err, cwd=REPO)
        tree, tree_cpu = 0, 0.0
        while proc.poll() is None:
            rss, cpu = tree_usage(proc.pid)
            tree, tree_cpu = max(tree, rss), max(tree_cpu, cpu)
            time.sleep(0.05)
    text = errors.read_text()
    status = int(_time_field(text, "Exit status"))
    if status not in (0, 1):
        raise SystemExit(f"drift report --engine {engine} exited {status}:\n{text[-3000:]}")
    doc = json.loads(report.read_text())
    return {
        "engine": label,
        "wall_s": _seconds(_time_field(text, "Elapsed (wall clock) time (h:mm:ss or m:ss)")),
        "rss_mb": int(_time_field(text, "Maximum resident set size (kbytes)")) / 1024,
        "tree_mb": tree / 2**20,
        "cpu_s": float(_time_field(text, "User time (seconds)"))
        + float(_time_field(text, "System time (seconds)")),
        # sampled: at least the last 50 ms before the processes exit are missing
        "tree_cpu_s": tree_cpu,
        "exit": status,
        "passes": doc.get("engine", {}).get("passes", 0),
        "json": doc,
    }


def comparable(doc: dict[str, Any]) -> dict[str, Any]:
    """The report without what differs by design: generated_at and engine."""
    return {k: v for k, v in doc.items() if k not in ("generated_at", "engine")}


def compare(
    a: Any, b: Any, path: str = "", rel: float = 0.0, scales: dict[str, float] | None = None
) -> list[str]:
    """Where two JSON values differ (``path: a != b``), leaf by leaf; floats within ``rel``
    relative count as equal, and with ``scales`` (each column's reference std) a window's
    Wasserstein distance within ``rel`` of its column's scale (:func:`_window_close`)."""
    if isinstance(a, dict) and isinstance(b, dict):
        keys = [k for k in {**a, **b} if not (rel and k == "mean" and _mean_close(a, b, rel))]
        if rel and scales is not None and path.startswith(".windows.windows"):
            keys = [k for k in keys if not _window_close(a, b, k, rel, scales)]
        return [d for k in keys for d in compare(a.get(k), b.get(k), f"{path}.{k}", rel, scales)]
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        pairs = enumerate(zip(a, b, strict=True))
        return [d for i, (x, y) in pairs for d in compare(x, y, f"{path}[{i}]", rel, scales)]
    if isinstance(a, float) and isinstance(b, float) and math.isclose(a, b, rel_tol=rel):
        return []
    return [] if a == b else [f"{path}: {a!r} != {b!r}"]


def _mean_close(a: dict[str, Any], b: dict[str, Any], rel: float) -> bool:
    """A side summary's means within ``rel`` of the column's scale (``|mean| + std``): a mean
    near zero cancels its digits in any order of summation."""
    x, y, std = a.get("mean"), b.get("mean"), a.get("std")
    if not (isinstance(x, float) and isinstance(y, float) and isinstance(std, float)):
        return False
    return abs(x - y) <= rel * (abs(x) + std)


def _window_close(
    a: dict[str, Any], b: dict[str, Any], key: str, rel: float, scales: dict[str, float]
) -> bool:
    """A window column's Wasserstein distance (and its score, the distance over the
    threshold) within ``rel`` of the column's scale (``|distance| + std``): the local run
    sums a window's distance from the sorted reference's prefix sums, which cancel digits
    (up to 1e-11 of a distance of 0.005 over 1M reference values, 3e-14 of its scale); the
    sorted pass sums it run by run."""
    scale = scales.get(str(a.get("column")))
    if key not in ("statistic", "drift_score") or a.get("test") != "wasserstein" or not scale:
        return False
    x, y, threshold = a.get(key), b.get(key), a.get("threshold")
    if not (isinstance(x, float) and isinstance(y, float) and isinstance(threshold, float)):
        return False
    unit = 1.0 if key == "statistic" else 1.0 / threshold
    return abs(x - y) <= rel * (abs(y) + scale * unit)


def floats_apart(a: Any, b: Any) -> tuple[int, int, float]:
    """Floats compared, floats not bit-equal, and the largest relative difference."""
    if isinstance(a, dict) and isinstance(b, dict):
        parts = [floats_apart(a[k], b[k]) for k in a if k in b]
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        parts = [floats_apart(x, y) for x, y in zip(a, b, strict=True)]
    elif isinstance(a, float) and isinstance(b, float):
        diff = abs(a - b) / max(abs(a), abs(b)) if a != b else 0.0
        return 1, int(a != b), diff
    else:
        return 0, 0, 0.0
    return (
        sum(p[0] for p in parts),
        sum(p[1] for p in parts),
        max((p[2] for p in parts), default=0.0),
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=10_000_000, help="rows per side (default 10M)")
    ap.add_argument("--seed", type=int, default=20261206)
    ap.add_argument("--out", type=Path, default=HERE / "data", help="data folder (cached)")
    ap.add_argument("--driver-memory", help="heap of the JVM driftcli starts, e.g. 8g")
    ap.add_argument("--max-result-size", help="spark.driver.maxResultSize, e.g. 4g")
    ap.add_argument(
        "--compute",
        nargs="+",
        choices=("executors", "driver", "partitions"),
        default=["executors", "driver"],
        help="where the Spark runs compare (DRIFT_SPARK_COMPUTE; default both, in turn)",
    )
    ap.add_argument(
        "--scopes",
        action="store_true",
        help="add a region and an event_time column; compare 4 segments and 30 daily windows",
    )
    args = ap.parse_args()
    ref, cur = ensure_data(args.out, args.rows, args.seed, args.scopes)
    work = args.out / "spark_runs"
    work.mkdir(parents=True, exist_ok=True)
    config = None
    if args.scopes:
        config = work / "scopes.toml"
        config.write_text('segment_by = ["region"]\ntime_column = "event_time"\nwindow = "1d"\n')
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    submit = [f"--driver-memory {args.driver_memory}"] if args.driver_memory else []
    submit += [f"--conf spark.driver.maxResultSize={args.max_result_size}"] * bool(
        args.max_result_size
    )
    if submit:
        env["PYSPARK_SUBMIT_ARGS"] = " ".join([*submit, "pyspark-shell"])
    # The page cache warmed once, so neither engine pays the first read from disk.
    for f in [*ref.iterdir(), *cur.iterdir()]:
        f.read_bytes()
    runs = [
        run(
            "spark",
            ref,
            cur,
            work,
            {**env, "DRIFT_SPARK_COMPUTE": compute},
            f"spark, {compute}",
            config,
        )
        for compute in args.compute
    ]
    runs.append(run("polars", ref, cur, work, env, config=config))
    scoped = ", 4 segments and 30 daily windows" if args.scopes else ""
    print(f"\n{args.rows:,} rows x {N_NUMERIC + N_CATEGORICAL} columns a side{scoped}, "
          f"{len(list(ref.iterdir()))} Parquet files a side\n")  # fmt: skip
    print("| engine | wall s | CPU s (driftcli) | CPU s (with the JVM) | peak RSS MB (driftcli) "
          "| peak RSS MB (with the JVM) | passes | exit |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in runs:
        print(f"| {r['engine']} | {r['wall_s']:.1f} | {r['cpu_s']:.1f} | {r['tree_cpu_s']:.1f} "
              f"| {r['rss_mb']:.0f} | {r['tree_mb']:.0f} | {r['passes'] or 'one read'} "
              f"| {r['exit']} |")  # fmt: skip
    status = 0
    for r in runs[:-1]:
        # In partitions the sums of floats are added in partition order (docs/spark.md).
        rel = 1e-12 if r["engine"].endswith("partitions") else 0.0
        mine, local = comparable(r["json"]), comparable(runs[-1]["json"])
        scales = {
            c["column"]: c["reference"]["std"]
            for c in local["columns"]
            if isinstance((c.get("reference") or {}).get("std"), float)
        }
        bad = compare(mine, local, rel=rel, scales=scales)
        if bad:
            print(f"\n{r['engine']} and polars differ in {len(bad)} places:")
            print("\n".join(f"  {d}" for d in bad[:20]))
            status = 1
        elif rel:
            n, apart, worst = floats_apart(mine, local)
            same = f"{n - apart} of {n} floats to the last bit; largest difference {worst:.2g}"
            print(f"\n{r['engine']} and polars: equal, floats within {rel:g} relative ({same})")
        else:
            print(f"\n{r['engine']} and polars: reports equal, every value, floats to the last bit")
    return status


if __name__ == "__main__":
    sys.exit(main())
