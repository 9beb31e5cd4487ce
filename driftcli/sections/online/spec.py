"""Online metrics: latency percentiles, error rate and throughput of request logs, overall and
per window, against limits (the registry entry)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import polars as pl

from driftcli._lazy import lazy_call
from driftcli.columns.plan import ColumnPlan
from driftcli.config import ConfigTable, DriftConfig
from driftcli.sections.online.config import OnlineConfig, online_config_from_mapping
from driftcli.sections.registry import HtmlView, SectionSpec

HERE = Path(__file__).parent


def _columns(config: DriftConfig) -> list[str]:
    online = config.section(OnlineConfig)
    return [c for c in (online.latency, online.status) if c is not None]


def _reads(
    config: DriftConfig, plans: Sequence[ColumnPlan], ref: pl.Schema, cur: pl.Schema
) -> list[str]:
    return _columns(config)


def _enabled(config: DriftConfig) -> bool:
    return config.section(OnlineConfig).enabled


SECTION = SectionSpec(
    key="online",
    title="Online metrics",
    compute=lazy_call("driftcli.sections.online.compute", "compute"),
    enabled=_enabled,
    config=ConfigTable(
        "online",
        OnlineConfig,
        online_config_from_mapping,
        "[online] table: latency and status columns, error values, limits",
    ),
    reads=_reads,
    named_columns=lambda config: [(_columns(config), "online")],
    terminal=lazy_call("driftcli.sections.online.terminal", "print_section"),
    html=HtmlView(
        HERE / "section.html.j2",
        lazy_call("driftcli.sections.online.html", "view"),
        anchor="online",
        nav="Online metrics",
        summary=lazy_call("driftcli.sections.online.html", "summary"),
        script=HERE / "section.js",
    ),
    schema=HERE / "schema.json",
)
