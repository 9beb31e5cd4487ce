"""Prediction and target drift: the model's own columns, drift-tested like any column but
reported apart and left out of the dataset drift share (the registry entry)."""

from __future__ import annotations

from pathlib import Path

from driftcli._lazy import lazy_call
from driftcli.sections.prediction_drift import compute
from driftcli.sections.registry import HtmlView, SectionSpec

HERE = Path(__file__).parent

SECTION = SectionSpec(
    key="prediction_drift",
    title="Prediction and target drift",
    compute=compute.compute,
    terminal=lazy_call("driftcli.sections.prediction_drift.terminal", "print_section"),
    html=HtmlView(
        HERE / "section.html.j2",
        lazy_call("driftcli.sections.prediction_drift.html", "view"),
        anchor="model-drift",
        nav="Prediction and target drift",
        summary=lazy_call("driftcli.sections.prediction_drift.html", "summary"),
    ),
    schema=HERE / "schema.json",
)
