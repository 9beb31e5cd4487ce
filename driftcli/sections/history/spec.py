"""Run history: trends over the model's stored runs and the rules across runs (the registry
entry). The store itself is :mod:`driftcli.history`; it loads the stored runs into the
``[history]`` table before a run and records the run after it."""

from __future__ import annotations

from pathlib import Path

from driftcli._lazy import lazy_call
from driftcli.config import ConfigTable, DriftConfig
from driftcli.sections.history.config import (
    OPTION_NAMES,
    HistoryConfig,
    history_from_mapping,
    history_options,
)
from driftcli.sections.registry import HtmlView, SectionSpec

HERE = Path(__file__).parent


def _enabled(config: DriftConfig) -> bool:
    return config.section(HistoryConfig).url is not None


SECTION = SectionSpec(
    key="history",
    title="Run history",
    compute=lazy_call("driftcli.sections.history.compute", "compute"),
    enabled=_enabled,
    config=ConfigTable(
        "history",
        HistoryConfig,
        history_from_mapping,
        'history = "sqlite:///drift-history.db", or a [history] table: url, model, '
        "run_key, on_duplicate, trend_runs, max_gap, [[history.rules]]",
        options=history_options,
        option_names=OPTION_NAMES,
    ),
    terminal=lazy_call("driftcli.sections.history.terminal", "print_section"),
    html=HtmlView(
        HERE / "section.html.j2",
        lazy_call("driftcli.sections.history.html", "view"),
        anchor="history",
        nav="Run history",
        summary=lazy_call("driftcli.sections.history.html", "summary"),
    ),
    schema=HERE / "schema.json",
)
