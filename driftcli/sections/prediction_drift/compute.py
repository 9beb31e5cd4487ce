"""Prediction and target drift in a run: the model's columns taken from the column results."""

from __future__ import annotations

from driftcli.sections.prediction_drift.result import PredictionDriftSection
from driftcli.sections.registry import RunContext


def compute(ctx: RunContext) -> PredictionDriftSection | None:
    """The model's columns' whole-data drift; None when the config names none of them."""
    if not ctx.roles:
        return None
    return PredictionDriftSection(tuple(c for c in ctx.columns if c.column in ctx.roles))
