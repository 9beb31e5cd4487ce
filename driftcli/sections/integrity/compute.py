"""Data integrity in a run: the checks on the frames already read, joined to the drift verdicts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import polars as pl

from driftcli.columns.plan import ColumnPlan
from driftcli.config import DriftConfig
from driftcli.engines.base import ROWS_COLUMN
from driftcli.engines.passes import PassData
from driftcli.results.records import ColumnResult, CountedColumn
from driftcli.results.vocabulary import Kind, Severity
from driftcli.sections.integrity.checks import (
    ColumnScope,
    attach_drift,
    column_checks,
    combine_hashes,
    combine_row_hashes,
    counted_column_checks,
    duplicate_result,
    duplicate_share,
    row_count_check,
    run_integrity,
    schema_checks,
)
from driftcli.sections.integrity.config import IntegrityConfig
from driftcli.sections.integrity.result import IntegrityReport, IntegrityResult
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


def scope_of(c: ColumnResult, configured: Mapping[str, Kind | None]) -> ColumnScope:
    """What the column checks need of a compared column besides its values."""
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
        counts=c.counts if numeric else None,
        categories=c.categories,
    )


def compute(ctx: RunContext) -> IntegrityReport:
    """Every enabled check; an empty report (``enabled`` false) when integrity is off."""
    config = ctx.config.section(IntegrityConfig)
    if not config.enabled:
        return IntegrityReport()
    ref, cur = ctx.reference, ctx.current
    configured = {p.name: p.kind for p in ctx.plans if p.kind_source == "config"}
    both = set(ref.columns) & set(cur.columns)
    scopes = [scope_of(c, configured) for c in ctx.columns if c.column in both]
    names = [p.name for p in ctx.plans]
    results = run_integrity(
        ref, cur, ctx.reference_schema, ctx.current_schema, names, scopes, config, ctx.labels
    )
    return attach_drift(results, {c.column: (c.status.value, c.drifted) for c in ctx.columns})


@dataclass
class IntegrityPasses:
    """Integrity built pass by pass, for a run that reads its columns in passes: each pass's
    column checks as they come, and the duplicate rows from row hashes combined over the
    passes. The result equals :func:`compute` on all the columns at once."""

    config: IntegrityConfig
    plans: Sequence[ColumnPlan]
    results: list[IntegrityResult] = field(default_factory=list)
    hashes: list[pl.Series | None] = field(default_factory=lambda: [None, None])
    rows: tuple[int, int] = (0, 0)
    #: Each side's share of duplicate rows when counted where the rows are (a run compared
    #: in partitions), instead of from ``hashes``.
    duplicates: tuple[float, float] | None = None

    def add(self, data: PassData) -> None:
        """The checks of the columns this pass owns."""
        if not self.config.enabled:
            return
        if data.counted is not None:
            self._add_counted(data, data.counted)
            return
        ref, cur, first = data.reference, data.current, data.first
        owned = {c.column for c in data.columns}
        own_ref, own_cur = (
            df.select([c for c in df.columns if (first and c != ROWS_COLUMN) or c in owned])
            for df in (ref, cur)
        )
        self.rows = (ref.height, cur.height)
        if self.config.severity_of("duplicates") is not Severity.OFF:
            for i, df in enumerate((own_ref, own_cur)):
                if df.width:
                    self.hashes[i] = combine_row_hashes(self.hashes[i], df)
        configured = {p.name: p.kind for p in self.plans if p.kind_source == "config"}
        both = set(ref.columns) & set(cur.columns)
        scopes = [scope_of(c, configured) for c in data.columns if c.column in both]
        self.results += column_checks(ref, cur, scopes, self.config)

    def _add_counted(self, data: PassData, counted: Mapping[str, CountedColumn]) -> None:
        """A pass compared where its columns lie: the checks from its counts."""
        config = self.config
        self.rows = (data.reference.height, data.current.height)
        configured = {p.name: p.kind for p in self.plans if p.kind_source == "config"}
        scopes = [scope_of(c, configured) for c in data.columns if c.column in counted]
        repeats = data.repeats
        assert repeats is not None

        def examples(name: str) -> pl.LazyFrame:
            return repeats(name, config.top_values)

        self.results += counted_column_checks(self.rows, scopes, counted, config, examples)
        wants = config.severity_of("duplicates") is not Severity.OFF
        if data.first and wants and data.duplicates is not None:
            self.duplicates = data.duplicates()

    def merge(self, other: IntegrityPasses) -> None:
        """The passes ``other`` added, after this one's: its checks, and its row hashes
        combined with these as :func:`combine_row_hashes` combines a pass's."""
        if not self.config.enabled:
            return
        self.results += other.results
        self.rows = other.rows
        if other.duplicates is not None:
            self.duplicates = other.duplicates
        for i, theirs in enumerate(other.hashes):
            if theirs is not None:
                self.hashes[i] = combine_hashes(self.hashes[i], theirs)

    def finish(self, ctx: RunContext) -> IntegrityReport:
        """Schema, rows and duplicates, then every column's checks in the columns' order."""
        config = self.config
        if not config.enabled:
            return IntegrityReport()
        names = [p.name for p in ctx.plans]
        out = schema_checks(ctx.reference_schema, ctx.current_schema, names, config, ctx.labels)
        out += row_count_check(*self.rows, config)
        r, c = self.hashes
        if self.duplicates is not None:
            out += duplicate_result(*self.duplicates, config)
        elif r is not None and c is not None and r.len() and c.len():
            out += duplicate_result(duplicate_share(r), duplicate_share(c), config)
        order = {name: i for i, name in enumerate(names)}
        out += sorted(self.results, key=lambda res: order.get(res.column or "", -1))
        return attach_drift(out, {c.column: (c.status.value, c.drifted) for c in ctx.columns})


def passes(config: DriftConfig, plans: Sequence[ColumnPlan]) -> IntegrityPasses:
    """The accumulator of a run in column passes."""
    return IntegrityPasses(config.section(IntegrityConfig), plans)
