"""Drift over time: every tested column per window of the current data, and the
consecutive-window rule (the registry entry)."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from driftcli._lazy import lazy_call
from driftcli.config import ConfigTable, DriftConfig
from driftcli.errors import InputError
from driftcli.sections.registry import HtmlView, SectionSpec
from driftcli.sections.windows.config import WindowRule, window_rule_from_mapping

HERE = Path(__file__).parent


def _check(config: DriftConfig, ref: pl.Schema, cur: pl.Schema) -> None:
    spec, time_column = config.window_spec, config.time_column
    if spec is not None and spec.every is not None and time_column not in cur:
        raise InputError(
            f"time column {time_column!r} is missing from current; windows and "
            "concept drift order the current rows by it"
        )


#: What drift over time holds beside the tested columns, as a multiple of their size (both
#: sides): the reference's sorted values and their prefix sums (one reference's size each,
#: made once for every window), and the current rows in time order (one current's size,
#: when they are not written in time order). Measured: 4M x 20 Float64 a side with daily
#: windows, 1.34 GB of values, peaks at 2.8 GB in time order and 4.1 GB shuffled. In memory
#: (no passes) the columns are now prepared and put in time order a group at a time
#: (``WINDOW_GROUP_BYTES`` in compute.py): 2.5 GB either way; a pass still prepares and
#: orders its columns at once, which this factor counts.
WINDOW_MEMORY = 1.5


def _memory(config: DriftConfig) -> float:
    """The section's working memory (:attr:`SectionSpec.memory`): WINDOW_MEMORY with a
    window, else nothing."""
    return WINDOW_MEMORY if config.window_spec is not None else 0.0


def _enabled(config: DriftConfig) -> bool:
    return config.window_spec is not None


SECTION = SectionSpec(
    key="windows",
    title="Drift over time",
    compute=lazy_call("driftcli.sections.windows.compute", "compute"),
    enabled=_enabled,
    config=ConfigTable(
        "windows",
        WindowRule,
        window_rule_from_mapping,
        "[windows] table: max_drift_share, consecutive, severity, min_rows",
    ),
    check=_check,
    sorted_reference=_enabled,
    passes=lazy_call("driftcli.sections.windows.compute", "passes"),
    memory=_memory,
    terminal=lazy_call("driftcli.sections.windows.terminal", "print_section"),
    html=HtmlView(
        HERE / "section.html.j2",
        lazy_call("driftcli.sections.windows.html", "view"),
        anchor="windows",
        nav="Drift over time",
        summary=lazy_call("driftcli.sections.windows.html", "summary"),
        script=HERE / "section.js",
    ),
    schema=HERE / "schema.json",
)
