"""Run history: trends over the model's stored runs and the rules across runs (the registry
entry). The store itself is :mod:`driftcli.history`; it loads the stored runs into the
``[history]`` table before a run and records the run after it."""

from __future__ import annotations

from pathlib import Path

from driftcli.config import ConfigTable
from driftcli.sections.history import compute, html, terminal
from driftcli.sections.history.config import (
    OPTION_NAMES,
    HistoryConfig,
    history_from_mapping,
    history_options,
)
from driftcli.sections.registry import HtmlView, SectionSpec

HERE = Path(__file__).parent

SECTION = SectionSpec(
    key="history",
    title="Run history",
    compute=compute.compute,
    config=ConfigTable(
        "history",
        HistoryConfig,
        history_from_mapping,
        'history = "sqlite:///drift-history.db", or a [history] table: url, model, '
        "run_key, on_duplicate, trend_runs, max_gap, [[history.rules]]",
        options=history_options,
        option_names=OPTION_NAMES,
    ),
    terminal=terminal.print_section,
    html=HtmlView(
        HERE / "section.html.j2",
        html.view,
        anchor="history",
        nav="Run history",
        summary=html.summary,
    ),
    schema=HERE / "schema.json",
)
