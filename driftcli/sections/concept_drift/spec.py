"""Concept drift: change-point detectors on the model's per-row error stream in time order,
overall and per segment (the registry entry)."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from driftcli._lazy import lazy_call
from driftcli.config import ConfigTable, DriftConfig
from driftcli.errors import InputError
from driftcli.sections.concept_drift.config import ConceptConfig, concept_config_from_mapping
from driftcli.sections.performance.config import ModelConfig
from driftcli.sections.registry import HtmlView, SectionSpec

HERE = Path(__file__).parent


def _check(config: DriftConfig, ref: pl.Schema, cur: pl.Schema) -> None:
    time_column = config.time_column
    if time_column is not None and config.section(ModelConfig).enabled and time_column not in cur:
        raise InputError(
            f"time column {time_column!r} is missing from current; windows and "
            "concept drift order the current rows by it"
        )


def _enabled(config: DriftConfig) -> bool:
    # Needs the performance section (a model) and a time column (compute.compute).
    return config.time_column is not None and config.section(ModelConfig).enabled


SECTION = SectionSpec(
    key="concept_drift",
    title="Concept drift",
    compute=lazy_call("driftcli.sections.concept_drift.compute", "compute"),
    enabled=_enabled,
    config=ConfigTable(
        "concept",
        ConceptConfig,
        concept_config_from_mapping,
        "[concept] table: detectors, severity, per_segment, per-detector parameters",
    ),
    check=_check,
    terminal=lazy_call("driftcli.sections.concept_drift.terminal", "print_section"),
    html=HtmlView(
        HERE / "section.html.j2",
        lazy_call("driftcli.sections.concept_drift.html", "view"),
        anchor="concept-drift",
        nav="Concept drift",
        summary=lazy_call("driftcli.sections.concept_drift.html", "summary"),
        script=HERE / "section.js",
    ),
    schema=HERE / "schema.json",
)
