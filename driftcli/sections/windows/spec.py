"""Drift over time: every tested column per window of the current data, and the
consecutive-window rule (the registry entry)."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from driftcli.config import ConfigTable, DriftConfig
from driftcli.errors import InputError
from driftcli.sections.registry import HtmlView, SectionSpec
from driftcli.sections.windows import compute, html, terminal
from driftcli.sections.windows.config import WindowRule, window_rule_from_mapping

HERE = Path(__file__).parent


def _check(config: DriftConfig, ref: pl.Schema, cur: pl.Schema) -> None:
    spec, time_column = config.window_spec, config.time_column
    if spec is not None and spec.every is not None and time_column not in cur:
        raise InputError(
            f"time column {time_column!r} is missing from current; windows and "
            "concept drift order the current rows by it"
        )


SECTION = SectionSpec(
    key="windows",
    title="Drift over time",
    compute=compute.compute,
    config=ConfigTable(
        "windows",
        WindowRule,
        window_rule_from_mapping,
        "[windows] table: max_drift_share, consecutive, severity, min_rows",
    ),
    check=_check,
    passes=compute.passes,
    memory=compute.memory,
    terminal=terminal.print_section,
    html=HtmlView(
        HERE / "section.html.j2",
        html.view,
        anchor="windows",
        nav="Drift over time",
        summary=html.summary,
        script=HERE / "section.js",
    ),
    schema=HERE / "schema.json",
)
