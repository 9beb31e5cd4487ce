#!/usr/bin/env python
"""Benchmark the HTML report: page size and time to interactive in headless Chromium.

Usage (from the repository root)::

    python bench/bench_html.py                 # sizes + browser timings, median of 5 loads
    python bench/bench_html.py --repeat 9 --check   # exit 1 when a budget is missed

Budgets (issue 4):

- a report of 100 columns x 5 segments is at most 6 MB;
- a report of 500 columns opens and becomes interactive in headless Chromium in under 3 s.

"Interactive" is measured in the page: from navigation start to the mark the page script sets
when its handlers are installed (``performance.mark("drift-ready")``), plus the time the first
interaction (a click that re-sorts the table) then takes. The wall time from Playwright's
``goto`` to the ready attribute, and the first drill-down (which evaluates plotly.js on first
use, then draws the figure), are reported too. Chromium is Debian's ``/usr/bin/chromium``
(``$DRIFT_CHROMIUM`` to change), offline, with the flags that keep it off the network; no browser is
downloaded. The table is printed and written to ``bench/results/html.md``.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from driftcli.config import DriftConfig  # noqa: E402
from driftcli.outputs.html import to_html  # noqa: E402
from driftcli.run import run_report  # noqa: E402
from tests.chromium import CHROMIUM, FLAGS  # noqa: E402

SIZE_BUDGET = 6_000_000
LOAD_BUDGET_MS = 3000.0


def frames(n_cols: int, rows: int, segments: int, seed: int = 0) -> tuple[pl.DataFrame, ...]:
    """A seeded reference/current pair: 3 numeric columns in 4 are shifted or not, 1 in 4 is a
    categorical with 3 to 27 categories; a ``segment`` column when ``segments`` > 0."""
    out = []
    for side, shift in ((0, 0.0), (1, 0.3)):
        rng = np.random.default_rng(seed + side)
        data: dict[str, Any] = {}
        if segments:
            data["segment"] = rng.choice([f"seg{i}" for i in range(segments)], rows)
        for j in range(n_cols):
            if j % 4 == 3:
                data[f"c{j:03d}"] = rng.choice([f"cat_{k}" for k in range(3 + j % 25)], rows)
            else:
                data[f"x{j:03d}"] = rng.normal(shift * (j % 3), 1.0 + j % 5, rows)
        out.append(pl.DataFrame(data))
    return tuple(out)


def build(n_cols: int, segments: int, rows: int, folder: Path) -> tuple[Path, int, int]:
    """Render one report; returns its path, size in bytes and number of table rows."""
    ref, cur = frames(n_cols, rows, segments)
    config = DriftConfig(segment_by=("segment",) if segments else ())
    html = to_html(run_report(ref, cur, config))
    path = folder / f"report_{n_cols}x{segments}.html"
    path.write_text(html, encoding="utf-8")
    return path, len(html.encode("utf-8")), html.count('<details class="row"')


def time_page(browser: Any, path: Path) -> dict[str, float]:
    """One cold load in a fresh offline context: ready, first click, first drill-down (ms)."""
    context = browser.new_context(offline=True, viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        start = time.perf_counter()
        page.goto(path.as_uri())
        page.wait_for_selector("html[data-ready]", timeout=60_000)
        wall = (time.perf_counter() - start) * 1000
        ready = float(page.evaluate("performance.getEntriesByName('drift-ready')[0].startTime"))
        click = float(
            page.evaluate(
                "() => { const t = performance.now();"
                " document.querySelector('#drift .head [data-key=column] button').click();"
                " return performance.now() - t; }"
            )
        )
        first_row = page.locator("#drift details.row").first
        t = time.perf_counter()
        first_row.locator("summary").click()
        first_row.locator(".plot .main-svg").first.wait_for(timeout=60_000)
        drill = (time.perf_counter() - t) * 1000
        second_row = page.locator("#drift details.row").nth(1)
        t = time.perf_counter()
        second_row.locator("summary").click()
        second_row.locator(".plot .main-svg").first.wait_for(timeout=60_000)
        drill2 = (time.perf_counter() - t) * 1000
        if errors:
            raise SystemExit(f"page errors in {path.name}: {errors}")
        return {
            "ready": ready,
            "interactive": ready + click,
            "wall": wall,
            "click": click,
            "drill": drill,
            "drill2": drill2,
        }
    finally:
        context.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="cold loads per page (median)")
    parser.add_argument("--rows", type=int, default=3000, help="rows per side")
    parser.add_argument("--results", type=Path, default=ROOT / "bench" / "results")
    parser.add_argument("--check", action="store_true", help="exit 1 when a budget is missed")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    cases = [(100, 5), (500, 0), (500, 5)]
    lines = [
        "# HTML report benchmark",
        "",
        f"{_dt.datetime.now(_dt.timezone.utc):%Y-%m-%d %H:%M} UTC, {platform.node()}, "
        f"{os.cpu_count()} CPUs, {args.rows:,} rows per side, median of {args.repeat} cold "
        "loads in headless Chromium (offline, 1280 px wide).",
        "",
        "| report | size | table rows | ready | interactive | goto to ready | "
        "first drill-down | next drill-down |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    failures: list[str] = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=FLAGS, env={**os.environ, "HOME": tmp}
        )
        try:
            for n_cols, segments in cases:
                path, size, rows = build(n_cols, segments, args.rows, Path(tmp))
                time_page(browser, path)  # warm the disk cache; not counted
                runs = [time_page(browser, path) for _ in range(args.repeat)]
                med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
                name = f"{n_cols} columns x {segments} segments"
                lines.append(
                    f"| {name} | {size / 1e6:.2f} MB | {rows:,} | {med['ready']:.0f} ms | "
                    f"{med['interactive']:.0f} ms | {med['wall']:.0f} ms | "
                    f"{med['drill']:.0f} ms | {med['drill2']:.0f} ms |"
                )
                if (n_cols, segments) == (100, 5) and size > SIZE_BUDGET:
                    failures.append(f"{name}: {size:,} bytes > {SIZE_BUDGET:,}")
                if n_cols == 500 and med["interactive"] > LOAD_BUDGET_MS:
                    failures.append(f"{name}: interactive at {med['interactive']:.0f} ms")
        finally:
            browser.close()
    lines += [
        "",
        "ready: navigation start to the page script's ready mark; interactive: ready plus the "
        "first click (re-sort); first drill-down includes evaluating plotly.js once.",
        "",
        "Budgets: 100 x 5 at most 6 MB; 500 columns interactive in under 3 s: "
        + ("**met**" if not failures else "**missed**: " + "; ".join(failures)),
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    args.results.mkdir(parents=True, exist_ok=True)
    (args.results / "html.md").write_text(text, encoding="utf-8")
    return 1 if failures and args.check else 0


if __name__ == "__main__":
    raise SystemExit(main())
