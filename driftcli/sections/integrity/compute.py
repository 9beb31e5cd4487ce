"""Data integrity in a run: the checks on the frames already read, joined to the drift verdicts."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from driftcli.columns.plan import ColumnPlan
from driftcli.config import DriftConfig
from driftcli.results.records import ColumnResult
from driftcli.results.vocabulary import Kind
from driftcli.sections.integrity.checks import ColumnScope, attach_drift, run_integrity
from driftcli.sections.integrity.config import IntegrityConfig
from driftcli.sections.integrity.result import IntegrityReport
from driftcli.sections.registry import RunContext


def reads(
    config: DriftConfig, plans: Sequence[ColumnPlan], ref: pl.Schema, cur: pl.Schema
) -> list[str]:
    """Shared columns the drift tests skip by kind (ids, dates, text) but integrity checks;
    columns skipped for a dtype change are not read."""
    if not config.section(IntegrityConfig).enabled:
        return []
    return [
        p.name
        for p in plans
        if p.skip is not None and p.name in ref and p.name in cur and not p.dtype_error
    ]


def _scope(c: ColumnResult, configured: dict[str, Kind | None]) -> ColumnScope:
    # Reuse the medians and reference range the drift summaries took from sorted samples.
    r, k = c.reference, c.current
    numeric = c.kind is Kind.NUMERIC and r is not None and r.min is not None
    return ColumnScope(
        c.column,
        c.kind,
        configured.get(c.column),
        ref_median=r.p50 if numeric and r is not None else None,
        cur_median=k.p50 if numeric and k is not None else None,
        ref_range=(r.min, r.max)
        if numeric and r is not None and r.min is not None and r.max is not None
        else None,
        cur_range=(k.min, k.max)
        if numeric and k is not None and k.min is not None and k.max is not None
        else None,
    )


def compute(ctx: RunContext) -> IntegrityReport:
    """Every enabled check; an empty report (``enabled`` false) when integrity is off."""
    config = ctx.config.section(IntegrityConfig)
    if not config.enabled:
        return IntegrityReport()
    ref, cur = ctx.reference, ctx.current
    configured = {p.name: p.kind for p in ctx.plans if p.kind_source == "config"}
    both = set(ref.columns) & set(cur.columns)
    scopes = [_scope(c, configured) for c in ctx.columns if c.column in both]
    names = [p.name for p in ctx.plans]
    results = run_integrity(
        ref, cur, ctx.reference_schema, ctx.current_schema, names, scopes, config, ctx.labels
    )
    return attach_drift(results, {c.column: (c.status.value, c.drifted) for c in ctx.columns})
