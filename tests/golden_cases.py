"""Fixed runs whose outputs are kept as golden files (tests/golden/).

The golden files pin what every output says for a few representative runs, so a change that
should not alter results (a refactor, a speed-up) is checked byte for byte:

- ``sample``: the README quickstart (sample_data with sample_data/drift.toml: segments, model
  performance, windows, concept drift, online metrics);
- ``sample_segments``: the sample with ``segment_by = ["region"]`` only;
- ``bench_pair``: bench/bench.py's generator (20 numeric, 5 categorical columns) at 20k rows;
- ``bench_model``: bench/bench_model.py's pair at 20k rows with every section on;
- ``broken``: a broken pipeline (renamed column, null burst, new category) for integrity.

``DRIFT_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py`` rewrites them; review the diff.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import io
import re
import sys
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from types import ModuleType

import numpy as np
import polars as pl
from rich.console import Console

from driftcli import DriftConfig, Report, load_config, run_report, to_html, to_json
from driftcli.outputs.terminal import print_summary
from tests.conftest import ROOT, make_frame

GOLDEN = Path(__file__).resolve().parent / "golden"
#: Every golden run is stamped with this time, so outputs do not depend on the clock.
FIXED_TIME = datetime(2026, 1, 1, tzinfo=timezone.utc)
_PLOTLY = re.compile(r'(<script type="text/plain" id="plotly-src">).*?(</script>)', re.DOTALL)


def _bench_module(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"_golden_{name}", ROOT / "bench" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _sample() -> Report:
    return run_report(
        "sample_data/reference.parquet",
        "sample_data/current.parquet",
        load_config(ROOT / "sample_data" / "drift.toml"),
    )


def _sample_segments() -> Report:
    return run_report(
        "sample_data/reference.parquet",
        "sample_data/current.parquet",
        DriftConfig(segment_by=("region",)),
    )


def _bench_pair(tmp: Path) -> Report:
    bench = _bench_module("bench")
    ref, cur = bench.ensure_data(tmp, 20_000, 20240601)
    report = run_report(ref, cur)
    # Labels as a user passing relative paths would see them, whatever tmp is.
    return dataclasses.replace(
        report,
        reference=dataclasses.replace(report.reference, source=ref.name),
        current=dataclasses.replace(report.current, source=cur.name),
    )


def _bench_model(_tmp: Path) -> Report:
    bench_model = _bench_module("bench_model")
    ref = bench_model.make_side(20_000, 1, current=False)
    cur = bench_model.make_side(20_000, 2, current=True)
    name, config = bench_model.configs()[-1]
    assert name.startswith("+ online")
    return run_report(ref, cur, config)


def _broken(_tmp: Path) -> Report:
    ref = make_frame(1000, 20)
    cur = make_frame(800, 21)
    n = cur.height
    x = cur["x"].to_numpy().copy()
    x[: n // 4] = np.nan
    channel = cur["channel"].to_list()
    channel[: n // 10] = ["kiosk"] * (n // 10)
    cur = cur.rename({"y": "y_v2"}).with_columns(pl.Series("x", x), pl.Series("channel", channel))
    return run_report(ref, cur, DriftConfig(segment_by=("region",)))


CASES: dict[str, Callable[[Path], Report]] = {
    "sample": lambda _tmp: _sample(),
    "sample_segments": lambda _tmp: _sample_segments(),
    "bench_pair": _bench_pair,
    "bench_model": _bench_model,
    "broken": _broken,
}


def terminal_text(report: Report) -> str:
    """The terminal summary as the CLI prints it without a terminal (120 columns, no colour)."""
    buf = io.StringIO()
    console = Console(file=buf, width=120, no_color=True, highlight=False, force_terminal=False)
    print_summary(report, console)
    return buf.getvalue()


def outputs(report: Report) -> dict[str, str]:
    """Every output of a run stamped with FIXED_TIME: JSON, terminal text, HTML without the
    inlined plotly.js bundle (it is a vendored file, not output of ours)."""
    fixed = dataclasses.replace(report, generated_at=FIXED_TIME)
    html = _PLOTLY.sub(r"\1(plotly.js)\2", to_html(fixed))
    return {"json": to_json(fixed), "txt": terminal_text(fixed), "html": html}


def squeeze(html: str) -> str:
    """HTML without any whitespace: golden HTML may differ in whitespace only."""
    return re.sub(r"\s+", "", html)
