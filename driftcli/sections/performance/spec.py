"""Model performance: metrics on both sides, overall and per segment, with bootstrap intervals
of the differences and direction-aware rules (the registry entry). Its ``[model]`` table names
the model's columns, which every model section uses."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import polars as pl

from driftcli._lazy import lazy_call
from driftcli.columns.plan import ColumnPlan
from driftcli.config import ConfigTable, DriftConfig
from driftcli.sections.performance.config import (
    MODEL_OPTIONS,
    ModelConfig,
    apply_model_options,
    model_config_from_mapping,
)
from driftcli.sections.registry import HtmlView, SectionSpec

HERE = Path(__file__).parent


def _roles(config: DriftConfig) -> dict[str, str]:
    return config.section(ModelConfig).roles


def _reads(
    config: DriftConfig, plans: Sequence[ColumnPlan], ref: pl.Schema, cur: pl.Schema
) -> list[str]:
    return list(_roles(config))


def _named(config: DriftConfig) -> list[tuple[list[str], str]]:
    return [(list(_roles(config)), "model")]


def _enabled(config: DriftConfig) -> bool:
    return config.section(ModelConfig).enabled


def _notices(config: DriftConfig) -> list[str]:
    """A target without a prediction: the performance section, which compares predicted
    labels with the target, does not run; say so rather than leave it out without a word
    (a probability model configured with ``target`` and ``score`` only expected it)."""
    model = config.section(ModelConfig)
    if model.target is None or model.prediction is not None:
        return []
    with_score = (
        " A score alone gives none: write the predicted label (for instance score >= 0.5) "
        "to a column and name it there."
        if model.score is not None
        else ""
    )
    return [
        f"model performance was not computed: [model] names the target {model.target!r} but "
        f"no prediction (set prediction, or --prediction, to the predicted label's column)."
        f"{with_score} The drift of {', '.join(repr(c) for c in model.roles)} is still "
        "reported."
    ]


SECTION = SectionSpec(
    key="performance",
    title="Model performance",
    compute=lazy_call("driftcli.sections.performance.compute", "compute"),
    enabled=_enabled,
    config=ConfigTable(
        "model",
        ModelConfig,
        model_config_from_mapping,
        "[model] table: target, prediction, score, task, positive_label, rules",
        options=apply_model_options,
        option_names=MODEL_OPTIONS,
    ),
    reads=_reads,
    named_columns=_named,
    roles=_roles,
    notices=_notices,
    terminal=lazy_call("driftcli.sections.performance.terminal", "print_section"),
    html=HtmlView(
        HERE / "section.html.j2",
        lazy_call("driftcli.sections.performance.html", "view"),
        anchor="performance",
        nav="Performance",
        summary=lazy_call("driftcli.sections.performance.html", "summary"),
    ),
    schema=HERE / "schema.json",
)
