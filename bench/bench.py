#!/usr/bin/env python
"""Benchmark ``drift report`` against the time Polars takes just to read the same two files.

Usage (from the repository root)::

    python bench/bench.py --rows 1000000 --repeat 3
    python bench/bench.py --rows 10000000 --repeat 1
    python bench/bench.py --rows 1000000 --profile      # cProfile hot spots, no timing table

It generates a deterministic reference/current Parquet pair (20 numeric + 5 categorical
columns by default; cached under ``--out``), then times, each measurement in its own fresh
child process so that interpreter start and imports are counted on both sides and peak memory
is per measurement:

(a) the read baseline, ``python -c "import polars as pl; pl.read_parquet(ref);
    pl.read_parquet(cur)"`` (wall time of the whole child), plus the two reads alone timed
    inside the child;
(b) ``python -m driftcli report REF CUR --json X --html Y --quiet`` (wall time of the child);
(c) ``run_report`` + ``to_json`` + ``to_html`` timed inside a child (no interpreter start,
    no driftcli import).

Peak memory is the child's ``ru_maxrss`` from ``os.wait4`` (per child, not cumulative).
The results table is printed and written to ``bench/results/latest.md``.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
PYTHON = sys.executable

#: Bump when the generator changes so cached files are regenerated.
GENERATOR_VERSION = 1
N_NUMERIC = 20
N_CATEGORICAL = 5
CHUNK_ROWS = 500_000

#: Targets from the issue.
TARGET_RATIO_1M = 2.5  # issue "Speed of the whole report" (was 3x before it)
TARGET_PEAK_MB_10M = 8 * 1024


# --------------------------------------------------------------------------------------------
# Data


def _numeric_spec(i: int) -> tuple[str, float, float]:
    """(distribution, shift of location in current, scale factor in current) for column i."""
    dists = ("normal", "lognormal", "uniform", "exponential", "gamma")
    dist = dists[i % len(dists)]
    # A handful of columns drift a little in the current batch; most do not.
    shifts = {0: (0.05, 1.0), 3: (0.0, 1.10), 7: (0.02, 1.0), 12: (0.25, 1.0), 16: (0.0, 0.95)}
    loc, scale = shifts.get(i, (0.0, 1.0))
    return dist, loc, scale


def _categorical_spec(j: int) -> tuple[int, bool]:
    """(number of categories, whether current has a mix shift) for categorical column j."""
    sizes = (5, 12, 20, 35, 50)
    return sizes[j % len(sizes)], j == 1


def _numeric_chunk(rng: Any, i: int, n: int, current: bool) -> Any:
    import numpy as np

    dist, loc, scale = _numeric_spec(i)
    if dist == "normal":
        x = rng.normal(10.0 + i, 2.0, n)
    elif dist == "lognormal":
        x = rng.lognormal(1.0, 0.5, n)
    elif dist == "uniform":
        x = rng.uniform(-5.0, 5.0, n)
    elif dist == "exponential":
        x = rng.exponential(3.0, n)
    else:
        x = rng.gamma(2.0, 2.0, n)
    if current:
        x = x * scale + loc
    # Rounded to 4 decimals so there are repeated values (like real measurements).
    x = np.round(x, 4)
    if i % 5 == 4:
        # ~1% nulls in a few columns
        x[rng.random(n) < 0.01] = np.nan
    return x


def _categorical_chunk(rng: Any, j: int, n: int, current: bool) -> Any:
    import numpy as np
    import pyarrow as pa

    k, shifted = _categorical_spec(j)
    # Zipf-like base mix, deterministic per column.
    w = 1.0 / np.arange(1, k + 1) ** 1.1
    if current and shifted:
        w = w[::-1] * 0.3 + w * 0.7  # moves mass toward the rare categories
    p = w / w.sum()
    codes = rng.choice(k, size=n, p=p).astype(np.int32)
    labels = pa.array([f"c{j}_{v:03d}" for v in range(k)], type=pa.string())
    mask = None
    if j == 4:
        mask = rng.random(n) < 0.005
    indices = pa.array(codes, mask=mask)
    return pa.DictionaryArray.from_arrays(indices, labels).cast(pa.string())


def _schema() -> Any:
    import pyarrow as pa

    fields = [pa.field(f"num_{i:02d}", pa.float64()) for i in range(N_NUMERIC)]
    fields += [pa.field(f"cat_{j}", pa.string()) for j in range(N_CATEGORICAL)]
    return pa.schema(fields)


def _write_side(path: Path, rows: int, seed: int, current: bool) -> None:
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng([seed, 1 if current else 0])
    schema = _schema()
    tmp = path.with_suffix(".parquet.tmp")
    with pq.ParquetWriter(tmp, schema, compression="snappy") as writer:
        done = 0
        while done < rows:
            n = min(CHUNK_ROWS, rows - done)
            cols = []
            for i in range(N_NUMERIC):
                x = _numeric_chunk(rng, i, n, current)
                cols.append(pa.array(x, from_pandas=True))  # NaN -> null
            for j in range(N_CATEGORICAL):
                cols.append(_categorical_chunk(rng, j, n, current))
            writer.write_table(pa.Table.from_arrays(cols, schema=schema), row_group_size=n)
            done += n
    os.replace(tmp, path)


def ensure_data(out: Path, rows: int, seed: int) -> tuple[Path, Path]:
    """Generate the pair unless it is already there with the same parameters."""
    out.mkdir(parents=True, exist_ok=True)
    stem = f"{rows}x{N_NUMERIC + N_CATEGORICAL}_s{seed}"
    ref, cur, meta = (
        out / f"ref_{stem}.parquet",
        out / f"cur_{stem}.parquet",
        out / f"meta_{stem}.json",
    )
    params = {
        "rows": rows,
        "seed": seed,
        "numeric": N_NUMERIC,
        "categorical": N_CATEGORICAL,
        "chunk_rows": CHUNK_ROWS,
        "generator": GENERATOR_VERSION,
    }
    if ref.exists() and cur.exists() and meta.exists():
        try:
            if json.loads(meta.read_text()) == params:
                print(f"using cached data {ref.name}, {cur.name}", file=sys.stderr)
                return ref, cur
        except ValueError:
            pass
    t0 = time.perf_counter()
    print(f"generating {rows:,} rows x {N_NUMERIC + N_CATEGORICAL} columns ...", file=sys.stderr)
    _write_side(ref, rows, seed, current=False)
    _write_side(cur, rows, seed, current=True)
    meta.write_text(json.dumps(params))
    size = (ref.stat().st_size + cur.stat().st_size) / 2**20
    print(f"generated in {time.perf_counter() - t0:.1f}s ({size:.0f} MB on disk)", file=sys.stderr)
    return ref, cur


# --------------------------------------------------------------------------------------------
# Child processes

READ_CHILD = r"""
import json, sys, time
t0 = time.perf_counter()
import polars as pl
t1 = time.perf_counter()
a = pl.read_parquet(sys.argv[1])
b = pl.read_parquet(sys.argv[2])
t2 = time.perf_counter()
print(json.dumps({"import_s": t1 - t0, "read_s": t2 - t1, "rows": a.height + b.height}))
"""

DRIFT_CHILD = r"""
import json, sys, time
t0 = time.perf_counter()
from driftcli import DriftConfig, IntegrityConfig, run_report, to_json, to_html
# argv[3] == "no-integrity": the same run with the data integrity checks off (their cost).
config = DriftConfig(integrity=IntegrityConfig(enabled=sys.argv[3:] != ["no-integrity"]))
t1 = time.perf_counter()
c1 = time.process_time()
report = run_report(sys.argv[1], sys.argv[2], config)
c2 = time.process_time()
t2 = time.perf_counter()
j = to_json(report)
t3 = time.perf_counter()
h = to_html(report)
t4 = time.perf_counter()
print(json.dumps({"import_s": t1 - t0, "run_report_s": t2 - t1, "to_json_s": t3 - t2,
                  "to_html_s": t4 - t3, "drift_s": t4 - t1, "run_report_cpu_s": c2 - c1,
                  "json_bytes": len(j),
                  "html_bytes": len(h), "status": str(report.status)}))
"""


@dataclass
class ChildResult:
    wall_s: float
    maxrss_mb: float
    cpu_user_s: float
    cpu_sys_s: float
    returncode: int
    stdout: str
    stderr: str

    def payload(self) -> dict[str, Any]:
        out: dict[str, Any] = json.loads(self.stdout.strip().splitlines()[-1])
        return out


def _env() -> dict[str, str]:
    env = dict(os.environ)
    # driftcli is run from the source tree; nothing needs installing.
    extra = env.get("PYTHONPATH")
    env["PYTHONPATH"] = str(REPO) + (os.pathsep + extra if extra else "")
    env.pop("COLUMNS", None)
    return env


def compile_driftcli() -> None:
    """Write driftcli's bytecode (``__pycache__``, git-ignored), as installing a package does.

    The read baseline imports Polars from the bytecode pip compiled at install; driftcli runs
    from the source tree, and where PYTHONDONTWRITEBYTECODE is set (this project's dev VM)
    every timed process would otherwise compile its ~100 modules again: about 0.2 s of each
    ``drift report`` there, which no installed copy pays. Python still reads bytecode with
    that variable set, and recompiles any module whose source is newer."""
    import compileall

    compileall.compile_dir(REPO / "driftcli", quiet=1)


def run_child(argv: list[str], cwd: Path, ok_codes: tuple[int, ...] = (0,)) -> ChildResult:
    """Run one child; wall time and that child's own peak RSS (os.wait4, KiB on Linux)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            argv, cwd=cwd, env=_env(), stdout=out, stderr=err, stdin=subprocess.DEVNULL
        )
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        res = ChildResult(
            wall,
            usage.ru_maxrss / 1024,
            usage.ru_utime,
            usage.ru_stime,
            proc.returncode,
            out.read().decode(errors="replace"),
            err.read().decode(errors="replace"),
        )
    if res.returncode not in ok_codes:
        raise SystemExit(
            f"child failed with exit code {res.returncode}: {' '.join(argv)}\n{res.stderr[-4000:]}"
        )
    return res


def proc_table() -> dict[int, tuple[int, int, float]]:
    """Every process from /proc: its parent's pid, RSS (bytes) and CPU seconds (user +
    system)."""
    out: dict[int, tuple[int, int, float]] = {}
    page, tick = os.sysconf("SC_PAGE_SIZE"), os.sysconf("SC_CLK_TCK")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        rss, cpu = int(fields[21]) * page, (int(fields[11]) + int(fields[12])) / tick
        out[int(entry)] = (int(fields[1]), rss, cpu)
    return out


def tree_usage(pid: int) -> tuple[int, float]:
    """Summed RSS (bytes) and CPU seconds (user + system) of ``pid`` and its descendants,
    from /proc: a child's own children (a fleet's workers, the Spark run's JVM) included."""
    children: dict[int, list[int]] = {}
    usage: dict[int, tuple[int, float]] = {}
    for p, (parent, rss, cpu) in proc_table().items():
        children.setdefault(parent, []).append(p)
        usage[p] = (rss, cpu)
    rss, cpu, stack = 0, 0.0, [pid]
    while stack:
        p = stack.pop()
        rss, cpu = rss + usage.get(p, (0, 0.0))[0], cpu + usage.get(p, (0, 0.0))[1]
        stack.extend(children.get(p, []))
    return rss, cpu


@dataclass
class Sample:
    read_wall: list[float] = field(default_factory=list)
    read_inproc: list[float] = field(default_factory=list)
    read_rss: list[float] = field(default_factory=list)
    cli_wall: list[float] = field(default_factory=list)
    cli_rss: list[float] = field(default_factory=list)
    cli_exit: list[int] = field(default_factory=list)
    drift_inproc: list[float] = field(default_factory=list)
    drift_parts: list[dict[str, float]] = field(default_factory=list)
    drift_rss: list[float] = field(default_factory=list)
    #: run_report seconds of the in-process child with [integrity] enabled = false
    run_report_no_integrity: list[float] = field(default_factory=list)
    run_report_cpu_no_integrity: list[float] = field(default_factory=list)
    #: (user, sys) CPU seconds of each child, per kind of measurement
    cpu: dict[str, list[tuple[float, float]]] = field(default_factory=dict)

    def add_cpu(self, kind: str, res: ChildResult) -> None:
        self.cpu.setdefault(kind, []).append((res.cpu_user_s, res.cpu_sys_s))


def measure(ref: Path, cur: Path, repeat: int, work: Path) -> Sample:
    s = Sample()
    # Warm the page cache once so neither side pays for cold disk reads.
    run_child([PYTHON, "-c", READ_CHILD, str(ref), str(cur)], work)
    for k in range(repeat):
        r = run_child([PYTHON, "-c", READ_CHILD, str(ref), str(cur)], work)
        s.read_wall.append(r.wall_s)
        s.read_inproc.append(float(r.payload()["read_s"]))
        s.read_rss.append(r.maxrss_mb)
        s.add_cpu("read", r)

        j, h = work / "bench_summary.json", work / "bench_report.html"
        c = run_child(
            [
                PYTHON,
                "-m",
                "driftcli",
                "report",
                str(ref),
                str(cur),
                "--json",
                str(j),
                "--html",
                str(h),
                "--quiet",
            ],
            work,
            ok_codes=(0, 1),
        )
        s.cli_wall.append(c.wall_s)
        s.cli_rss.append(c.maxrss_mb)
        s.cli_exit.append(c.returncode)
        s.add_cpu("drift CLI", c)

        d = run_child([PYTHON, "-c", DRIFT_CHILD, str(ref), str(cur)], work)
        p = d.payload()
        s.drift_inproc.append(float(p["drift_s"]))
        s.drift_parts.append({key: float(v) for key, v in p.items() if key.endswith("_s")})
        s.drift_rss.append(d.maxrss_mb)
        s.add_cpu("in-process drift", d)

        off = run_child([PYTHON, "-c", DRIFT_CHILD, str(ref), str(cur), "no-integrity"], work)
        q = off.payload()
        s.run_report_no_integrity.append(float(q["run_report_s"]))
        s.run_report_cpu_no_integrity.append(float(q["run_report_cpu_s"]))
        print(
            f"  run {k + 1}/{repeat}: run_report with integrity checks {p['run_report_s']:.2f}s "
            f"({p['run_report_cpu_s']:.2f} CPU s), without {q['run_report_s']:.2f}s "
            f"({q['run_report_cpu_s']:.2f} CPU s)",
            file=sys.stderr,
        )
        print(
            f"  run {k + 1}/{repeat}: read {r.wall_s:.2f}s (in-process {s.read_inproc[-1]:.2f}s), "
            f"drift CLI {c.wall_s:.2f}s exit {c.returncode} ({c.maxrss_mb:.0f} MB), "
            f"in-process drift {s.drift_inproc[-1]:.2f}s "
            f"[run_report {p['run_report_s']:.2f} + json {p['to_json_s']:.2f} "
            f"+ html {p['to_html_s']:.2f}; import {p['import_s']:.2f}] ({d.maxrss_mb:.0f} MB)",
            file=sys.stderr,
        )
    return s


# --------------------------------------------------------------------------------------------
# Report


def machine_info() -> str:
    import polars as pl

    def proc_line(path: str, prefix: str) -> str | None:
        try:
            with open(path) as f:
                return next((line for line in f if line.startswith(prefix)), None)
        except OSError:
            return None

    mem_line = proc_line("/proc/meminfo", "MemTotal:")
    mem = f"{int(mem_line.split()[1]) / 2**20:.0f} GB" if mem_line else "?"
    cpu_line = proc_line("/proc/cpuinfo", "model name")
    cpu = (
        cpu_line.split(":", 1)[1].strip()
        if cpu_line
        else (platform.processor() or platform.machine())
    )
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=REPO,
            text=True,
            capture_output=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "driftcli"],
            cwd=REPO,
            text=True,
            capture_output=True,
            check=True,
        ).stdout.strip()
        rev = head + (" with uncommitted changes in driftcli/" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        rev = "unknown"
    return (
        f"- date: {_dt.datetime.now(_dt.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}, "
        f"driftcli commit {rev}\n"
        f"- machine: {os.cpu_count()} CPUs (nproc {len(os.sched_getaffinity(0))}), {mem} RAM, "
        f"{cpu}\n"
        f"- python {platform.python_version()}, polars {pl.__version__}, "
        f"{platform.system()} {platform.release()}"
    )


HEADER = (
    "| rows | cols | read s | drift CLI s | CLI ratio | read in-proc s | drift in-proc s "
    "| in-proc ratio | peak RSS MB (read / CLI / in-proc) |\n"
    "|---:|---:|---:|---:|---:|---:|---:|---:|---|"
)


def table_row(rows: int, s: Sample) -> str:
    med = statistics.median
    read, cli = med(s.read_wall), med(s.cli_wall)
    rin, din = med(s.read_inproc), med(s.drift_inproc)
    return (
        f"| {rows:,} | {N_NUMERIC + N_CATEGORICAL} | {read:.2f} | {cli:.2f} | {cli / read:.2f}x "
        f"| {rin:.2f} | {din:.2f} | {din / rin:.2f}x "
        f"| {max(s.read_rss):.0f} / {max(s.cli_rss):.0f} / {max(s.drift_rss):.0f} |"
    )


def breakdown(s: Sample) -> str:
    med = statistics.median
    keys = ("import_s", "run_report_s", "to_json_s", "to_html_s")
    parts = ", ".join(f"{k[:-2]} {med(p[k] for p in s.drift_parts):.2f}s" for k in keys)
    return f"in-process drift breakdown (median of {len(s.drift_parts)}): {parts}"


def integrity_cost(s: Sample) -> str:
    """The data integrity checks' added cost: run_report with them on against off."""
    med = statistics.median
    on, off = med(p["run_report_s"] for p in s.drift_parts), med(s.run_report_no_integrity)
    cpu_on = med(p["run_report_cpu_s"] for p in s.drift_parts)
    cpu_off = med(s.run_report_cpu_no_integrity)
    # CPU seconds (all threads, time.process_time) are steadier than wall time on a busy box.
    return (
        f"integrity checks: run_report {on:.2f}s with, {off:.2f}s without "
        f"(wall {on - off:+.2f}s, {(on - off) / off:+.0%}); CPU {cpu_on:.2f}s with, "
        f"{cpu_off:.2f}s without ({cpu_on - cpu_off:+.2f}s, {(cpu_on - cpu_off) / cpu_off:+.0%})"
    )


def write_results(rows: int, repeat: int, s: Sample, results_dir: Path) -> str:
    lines = [
        f"## driftcli benchmark: {rows:,} rows x {N_NUMERIC + N_CATEGORICAL} columns "
        f"(median of {repeat})",
        "",
        machine_info(),
        "",
        HEADER,
        table_row(rows, s),
        "",
        f"- {breakdown(s)}",
        f"- {integrity_cost(s)}",
        f"- drift CLI exit codes: {sorted(set(s.cli_exit))}",
        "- CPU seconds per child, median user + sys: "
        + "; ".join(
            f"{kind} {statistics.median(u for u, _ in v):.2f} + "
            f"{statistics.median(x for _, x in v):.2f}"
            for kind, v in s.cpu.items()
        ),
        f"- all runs: read {[round(x, 2) for x in s.read_wall]}, "
        f"CLI {[round(x, 2) for x in s.cli_wall]}, "
        f"in-process drift {[round(x, 2) for x in s.drift_inproc]}",
    ]
    verdicts = []
    cli_ratio = statistics.median(s.cli_wall) / statistics.median(s.read_wall)
    in_ratio = statistics.median(s.drift_inproc) / statistics.median(s.read_inproc)
    peak = max(s.cli_rss + s.drift_rss)
    if rows <= 1_000_000:
        ok = cli_ratio <= TARGET_RATIO_1M
        verdicts.append(
            f"- target total <= {TARGET_RATIO_1M:g}x read time: CLI {cli_ratio:.2f}x "
            f"{'PASS' if ok else 'FAIL'}; in-process {in_ratio:.2f}x "
            f"{'PASS' if in_ratio <= TARGET_RATIO_1M else 'FAIL'}"
        )
    if rows >= 10_000_000:
        ok = peak <= TARGET_PEAK_MB_10M
        verdicts.append(
            f"- target peak memory < {TARGET_PEAK_MB_10M / 1024:g} GB: {peak:.0f} MB "
            f"{'PASS' if ok else 'FAIL'}"
        )
    text = "\n".join(lines + verdicts) + "\n"
    results_dir.mkdir(parents=True, exist_ok=True)
    (results_dir / f"rows_{rows}.md").write_text(text)
    # latest.md: the newest result of every size run so far, smallest first.
    parts = sorted(results_dir.glob("rows_*.md"), key=lambda f: int(f.stem.split("_")[1]))
    (results_dir / "latest.md").write_text("\n".join(f.read_text() for f in parts))
    return text


def targets_met(rows: int, s: Sample) -> bool:
    ok = True
    if rows <= 1_000_000:
        ok &= statistics.median(s.cli_wall) / statistics.median(s.read_wall) <= TARGET_RATIO_1M
    if rows >= 10_000_000:
        ok &= max(s.cli_rss + s.drift_rss) <= TARGET_PEAK_MB_10M
    return ok


# --------------------------------------------------------------------------------------------
# Profile


class _SerialExecutor:
    """Stands in for ThreadPoolExecutor under --profile: cProfile only sees the main thread."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        pass

    def __enter__(self) -> _SerialExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def map(self, fn: Any, *iterables: Any) -> list[Any]:
        return [fn(*args) for args in zip(*iterables, strict=False)]

    def submit(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        from concurrent.futures import Future

        f: Future[object] = Future()
        f.set_result(fn(*args, **kwargs))
        return f


def profile(ref: Path, cur: Path, top: int) -> None:
    import cProfile
    import io
    import pstats

    sys.path.insert(0, str(REPO))
    t0 = time.perf_counter()
    import driftcli
    import driftcli.run as engine

    print(f"import driftcli: {time.perf_counter() - t0:.2f}s", file=sys.stderr)
    # Column work runs in a thread pool; run it serially so cProfile sees it (times are then
    # the sum over columns, not wall time on N cores).
    setattr(engine, "ThreadPoolExecutor", _SerialExecutor)  # noqa: B010
    prof = cProfile.Profile()
    t0 = time.perf_counter()
    prof.enable()
    report = driftcli.run_report(str(ref), str(cur))
    t1 = time.perf_counter()
    driftcli.to_json(report)
    t2 = time.perf_counter()
    driftcli.to_html(report)
    t3 = time.perf_counter()
    prof.disable()
    print(
        f"serial, under cProfile: run_report {t1 - t0:.2f}s, to_json {t2 - t1:.2f}s, "
        f"to_html {t3 - t2:.2f}s",
        file=sys.stderr,
    )
    for order in ("cumulative", "tottime"):
        buf = io.StringIO()
        stats = pstats.Stats(prof, stream=buf).strip_dirs().sort_stats(order)
        stats.print_stats(top)
        print(f"\n===== top {top} by {order} =====")
        print(buf.getvalue())


# --------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--rows", type=int, default=1_000_000, help="rows per side (default 1M)")
    ap.add_argument("--repeat", type=int, default=3, help="timed runs; the median is reported")
    ap.add_argument(
        "--out",
        type=Path,
        default=HERE / "data",
        help="data folder (default bench/data, git-ignored)",
    )
    ap.add_argument("--seed", type=int, default=20240601)
    ap.add_argument(
        "--results",
        type=Path,
        default=HERE / "results",
        help="where latest.md goes (default bench/results)",
    )
    ap.add_argument(
        "--profile",
        action="store_true",
        help="run run_report + to_json + to_html under cProfile instead of timing",
    )
    ap.add_argument("--top", type=int, default=25, help="profile entries shown (default 25)")
    ap.add_argument(
        "--all-tests",
        action="store_true",
        help="time every registered test on every column it fits (bench/bench_tests.py)",
    )
    ap.add_argument(
        "--check",
        action="store_true",
        help="exit 1 when a target is missed (1M: CLI <= 2.5x read; 10M: < 8 GB)",
    )
    args = ap.parse_args(argv)
    if args.repeat < 1 or args.rows < 1:
        ap.error("--rows and --repeat must be positive")

    ref, cur = ensure_data(args.out.resolve(), args.rows, args.seed)
    compile_driftcli()
    if args.profile:
        profile(ref, cur, args.top)
        return 0
    if args.all_tests:
        sys.path.insert(0, str(REPO))
        from bench_tests import run_all_tests

        print(run_all_tests(ref, cur, args.results))
        return 0
    with tempfile.TemporaryDirectory(prefix="driftbench-") as tmp:
        # Children run in an empty folder so no ./pyproject.toml [tool.drift] is picked up.
        s = measure(ref, cur, args.repeat, Path(tmp))
    text = write_results(args.rows, args.repeat, s, args.results)
    print(text)
    if args.check and not targets_met(args.rows, s):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
