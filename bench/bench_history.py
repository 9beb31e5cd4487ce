"""Time the run history: what writing a run to SQLite and PostgreSQL adds to a run, and the
store's size per run.

    python bench/bench_history.py --rows 1000000 --repeat 20

Runs one report of the bench pair (bench/bench.py's data, made when missing), then times
``attach`` (open, migrate check, duplicate check, read the last runs) and ``record`` (capture
the report, one write transaction) ``--repeat`` times per backend, each into a store that
already holds the earlier runs. PostgreSQL is a throwaway local server (Debian's initdb and
pg_ctl; as root it runs as ``nobody``), skipped when not installed.
"""

from __future__ import annotations

import argparse
import glob
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench import ensure_data  # noqa: E402
from driftcli import DriftConfig, run_report  # noqa: E402
from driftcli.history import attach, record  # noqa: E402
from driftcli.sections.history.config import HistoryConfig  # noqa: E402


@contextmanager
def postgres() -> Iterator[str | None]:
    """A throwaway PostgreSQL server's URL, or None when it is not installed."""
    initdb = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not initdb:
        yield None
        return
    bindir = os.path.dirname(initdb[-1])
    folder = tempfile.mkdtemp(prefix="driftcli-pg-bench-")
    as_user: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(folder, "nobody")
        as_user = ["runuser", "-u", "nobody", "--"]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    data = os.path.join(folder, "data")
    subprocess.run([*as_user, f"{bindir}/initdb", "-D", data, "-A", "trust", "-U", "postgres"],
                   check=True, capture_output=True)  # fmt: skip
    # default durability settings (fsync on): what a real server does
    opts = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1"
    log = os.path.join(folder, "log")
    subprocess.run([*as_user, f"{bindir}/pg_ctl", "-D", data, "-o", opts, "-l", log, "-w",
                    "start"], check=True, capture_output=True)  # fmt: skip
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*as_user, f"{bindir}/pg_ctl", "-D", data, "-m", "fast", "stop"],
                       capture_output=True)  # fmt: skip
        shutil.rmtree(folder, ignore_errors=True)


def _median_ms(fn: Callable[[], object], repeat: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), times


def bench(url: str, ref: str, cur: str, repeat: int) -> dict[str, float]:
    """Median attach and record times (ms) over ``repeat`` runs appended to ``url``."""
    cfg = DriftConfig(history=HistoryConfig(url=url, model="bench", on_duplicate="append"))
    t = time.perf_counter()
    report = run_report(ref, cur, attach(cfg, ref, cur))
    run_s = time.perf_counter() - t
    attach_ms, _ = _median_ms(lambda: attach(cfg, ref, cur), repeat)
    record_ms, _ = _median_ms(lambda: record(report), repeat)
    return {"run_s": run_s, "attach_ms": attach_ms, "record_ms": record_ms}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--seed", type=int, default=20240601)
    args = parser.parse_args()
    ref, cur = ensure_data(ROOT / "bench" / "data", args.rows, args.seed)
    folder = Path(tempfile.mkdtemp(prefix="driftcli-history-bench-"))
    try:
        db = folder / "h.db"
        r = bench(f"sqlite:///{db}", str(ref), str(cur), args.repeat)
        runs = args.repeat + 1
        size = db.stat().st_size + sum(p.stat().st_size for p in folder.glob("h.db-*"))
        print(f"the report itself: {r['run_s']:.1f} s ({args.rows:,} rows per side)")
        print(f"sqlite:   attach {r['attach_ms']:.1f} ms, record {r['record_ms']:.1f} ms "
              f"(median of {args.repeat}); {size / runs / 1024:.1f} KiB per run "
              f"({runs} runs, {size / 1024:.0f} KiB)")  # fmt: skip
        with postgres() as pg:
            if pg is None:
                print("postgresql: not installed, skipped")
                return
            r = bench(pg, str(ref), str(cur), args.repeat)
            import psycopg

            with psycopg.connect(pg) as con:
                row = con.execute(
                    "SELECT SUM(pg_total_relation_size(c.oid)) FROM pg_class c "
                    "JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE n.nspname = 'public' AND c.relkind = 'r'"
                ).fetchone()
            total = int(row[0]) if row and row[0] is not None else 0
            print(f"postgres: attach {r['attach_ms']:.1f} ms, record {r['record_ms']:.1f} ms "
                  f"(median of {args.repeat}); {total / runs / 1024:.1f} KiB per run "
                  f"({runs} runs, tables and indexes {total / 1024:.0f} KiB)")  # fmt: skip
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
