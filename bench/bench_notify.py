"""The added cost of Prometheus metrics and notifications on the 1M-row bench pair.

Starts a real Pushgateway and Alertmanager (Debian's binaries) and a local webhook server on
loopback, then times, on the same report:

- in process: ``to_prometheus`` and ``deliver`` (Pushgateway + Alertmanager + webhook), the
  median of ``--repeat`` calls each;
- end to end: ``drift report REF CUR --json X`` with and without ``--prometheus``,
  ``--pushgateway``, ``--alertmanager`` and ``--webhook``, the median wall and CPU (user +
  system) seconds of ``--repeat`` interleaved runs each (fresh interpreters, as a user runs
  it). On a shared machine the CPU figures are the steadier ones.

Run: python bench/bench_notify.py --rows 1000000 --repeat 3 (the data comes from bench.py).
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import ensure_data  # noqa: E402
from tests.monitoring import alertmanager, http_server, pushgateway  # noqa: E402


def _run(args: list[str]) -> tuple[float, float]:
    """(wall seconds, user + system CPU seconds) of one child run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(args, capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{args} exited {proc.returncode}: {proc.stderr}")
    if "delivery" in proc.stderr:
        raise SystemExit(f"a delivery failed: {proc.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from driftcli import DriftConfig, run_report
    from driftcli.config import config_from_mapping
    from driftcli.notify import deliver
    from driftcli.outputs.prometheus import samples, to_prometheus

    ref, cur = ensure_data(ROOT / "bench" / "data", args.rows, 20240601)
    report = run_report(ref, cur, DriftConfig())
    n = len(samples(report))
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        (tmp / "pg").mkdir()
        (tmp / "am").mkdir()
        with (
            pushgateway(tmp / "pg") as pg,
            alertmanager(tmp / "am") as am,
            http_server() as (hook, _),
        ):
            prom = []
            for _ in range(args.repeat):
                start = time.perf_counter()
                to_prometheus(report)
                prom.append(time.perf_counter() - start)
            config = config_from_mapping(
                {"notify": {"pushgateway": pg, "alertmanager": am, "webhook": hook}}
            )
            notify = []
            for _ in range(args.repeat):
                start = time.perf_counter()
                done = deliver(report, config)
                notify.append(time.perf_counter() - start)
                assert all(d.ok for d in done.deliveries), done.deliveries
            base = [sys.executable, "-m", "driftcli", "report", str(ref), str(cur), "-q"]
            plain_args = [*base, "--json", str(tmp / "a.json")]
            full_args = [
                *base, "--json", str(tmp / "b.json"), "--prometheus", str(tmp / "m.prom"),
                "--pushgateway", pg, "--alertmanager", am, "--webhook", hook,
            ]  # fmt: skip
            plain, full = [], []
            for _ in range(args.repeat):  # interleaved: load from other jobs hits both alike
                plain.append(_run(plain_args))
                full.append(_run(full_args))
    print(f"rows per side: {args.rows:,}; series: {n}; repeats: {args.repeat} (medians)")
    print(
        f"to_prometheus (in process):                     {statistics.median(prom) * 1000:8.1f} ms"
    )
    print(
        f"deliver (pushgateway, alertmanager, webhook): {statistics.median(notify) * 1000:7.1f} ms"
    )
    for label, index in (("wall", 0), ("CPU", 1)):
        p = statistics.median(r[index] for r in plain)
        f = statistics.median(r[index] for r in full)
        change = f"{f - p:+.2f} s, {(f - p) / p:+.1%}"
        print(
            f"drift report --json, {label} s: {p:.2f}; with --prometheus --pushgateway "
            f"--alertmanager --webhook: {f:.2f} ({change})"
        )
    print("runs (wall, CPU) plain:", [(round(w, 2), round(c, 2)) for w, c in plain])
    print("runs (wall, CPU) full: ", [(round(w, 2), round(c, 2)) for w, c in full])


if __name__ == "__main__":
    main()
