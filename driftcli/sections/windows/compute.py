"""Time windows: split the current data into windows and track drift (and the model) per window.

``window`` is a Polars duration string (``"1d"``, ``"6h"``, ``"1w"``, ``"1mo"``, ``"2d12h"``) that
needs ``time_column``, or a row count (``"1000 rows"``, ``"1000rows"`` or Polars' index-count form
``"1000i"``). Time windows are tumbling and calendar-aligned: a row belongs to the window that
starts at its timestamp truncated to the duration (``Expr.dt.truncate``), so ``1d`` windows are
calendar days and ``1w`` windows start on Mondays. For a time-zone-aware column the days are
those of the column's time zone (a Europe/Berlin column gets Berlin midnights, 23- and 25-hour
days at DST changes); a naive column is taken as it is; ISO 8601 text is parsed, and text with
UTC offsets becomes UTC. A Date column cannot take windows shorter than a day (ConfigError).
Row windows are consecutive blocks of rows in time order (file order without ``time_column``);
the last one may be shorter. Rows whose timestamp is missing belong to no window, with row
windows too; they are counted in ``WindowSection.rows_without_time``. Rows with equal timestamps
keep their file order. Windows without rows (a day with no data) are not listed.

Each window with at least ``min_rows`` rows (``[windows] min_rows``, else the run's
``min_segment_rows``) is tested: every planned column against the *whole* reference, with the
run's multiple-testing correction applied across that window's columns (``WindowColumn.pvalue``
is the adjusted p-value when a correction is configured). Smaller windows are ``too_small``:
listed, not tested. ``WindowSection.columns`` lists every column any tested window returned, in
order of first appearance (the first tested window's order, then columns first seen later).
With a model, each tested window also gets its performance metrics (no bootstrap interval).

The consecutive-window rule (``[windows]``, off unless ``max_drift_share`` is set)
    A tested window *exceeds* when its dataset drift share is strictly above
    ``max_drift_share`` (a share exactly at it does not). A run is a sequence of exceeding
    windows that are consecutive in time: a ``too_small`` window breaks a run, and for time
    windows so does a missing calendar window (a window whose start is not the previous
    window's end; a day without rows breaks "3 consecutive days"). Row windows have no gaps.
    A run of at least ``consecutive`` windows is a finding with ``severity`` (warn | fail);
    otherwise the rule passes. The outcome gives the longest run and every qualifying run as
    (first, last) window indexes.

How rows are split into windows: :mod:`driftcli.timeline`. The rule's config table:
:mod:`driftcli.sections.windows.config`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import polars as pl

from driftcli.columns.analyse import Analysis, drift_score, groups_within, window_plans
from driftcli.columns.correction import apply_correction
from driftcli.columns.plan import ColumnPlan
from driftcli.config import DriftConfig
from driftcli.engines.passes import PassData
from driftcli.results.records import ColumnResult, DatasetVerdict
from driftcli.results.vocabulary import Kind, Outcome, SegmentStatus
from driftcli.sections.performance.metrics import PerformanceSpec, evaluate
from driftcli.sections.performance.result import PerformanceSection
from driftcli.sections.registry import RunContext
from driftcli.sections.windows.config import WindowRule
from driftcli.sections.windows.result import (
    WindowColumn,
    WindowResult,
    WindowRuleOutcome,
    WindowSection,
    exceeding_runs,
)
from driftcli.stats.samples import FloatArray
from driftcli.timeline import (
    Window,
    WindowSpec,
    in_time_order,
    parse_time_column,
    split_windows,
    time_order,
)

#: About the most the columns tested together may hold beside the data (bytes): their
#: reference prepared for the windows (sorted values and prefix sums, two reference columns'
#: size) and, when the current rows are not written in time order, their time-ordered copy.
#: The columns are tested a group of that size at a time, not all at once (at 10M rows the
#: prefix sums alone of 20 columns are 1.6 GB).
WINDOW_GROUP_BYTES = 512 << 20


def compute(ctx: RunContext) -> WindowSection | None:
    """Every column the whole-data run tested, per window, with that run's test and threshold;
    None without a ``window``."""
    config = ctx.config
    if config.window_spec is None:
        return None
    plans = window_plans(ctx.plans, ctx.columns)
    windows = WindowPasses(config, ctx.plans)
    known = ctx.take_sorted_reference()
    cur, time_column = ctx.with_times("current"), config.time_column
    timed = [time_column] if time_column is not None and time_column in cur.columns else []
    # The rows' time order, found once for every group (None: they are in time order).
    order = time_order(cur, timed[0]) if timed else None
    for group in _groups(plans, ctx.tested_reference, cur if order is not None else None):
        names = [p.name for p in group]
        ref = ctx.tested_reference.select(names)
        mine = {n: known.pop(n) for n in names if n in known}  # freed with the group
        rows = cur.select(list(dict.fromkeys([*names, *timed])))  # a tested time column too
        if order is not None:
            rows = in_time_order(rows, timed[0], order)
        windows.test(group, ref, rows, ctx.kinds, ctx.analysis, mine)
        del ref, rows, mine
    del known
    return windows.finish(ctx)


def _groups(
    plans: Sequence[ColumnPlan], ref: pl.DataFrame, unordered: pl.DataFrame | None
) -> list[list[ColumnPlan]]:
    """The window plans in groups tested together, each holding about WINDOW_GROUP_BYTES
    beside the data (:func:`groups_within`): the reference prepared for the windows and,
    when the current rows are not in time order (``unordered``), their time-ordered copy (in
    time order the windows are slices, no copy)."""
    names = [p.name for p in plans]
    size = 2 * ref.select(names).estimated_size()
    if unordered is not None:
        size += unordered.select(names).estimated_size()
    return groups_within(plans, size, WINDOW_GROUP_BYTES)


def _corrected(
    ctx: RunContext, cols: list[ColumnResult]
) -> tuple[list[ColumnResult], DatasetVerdict]:
    """One window's columns with the run's correction across them, and its dataset drift."""
    config = ctx.config
    cols, _, _ = apply_correction(cols, [], config.correction, config.drift_share, drift_score)
    return cols, ctx.analysis.verdict(cols)


def _section(ctx: RunContext, analyse: AnalyseWindow) -> WindowSection:
    """The section from the run's windows, each tested window's columns from ``analyse``."""
    config = ctx.config
    spec = config.window_spec
    assert spec is not None
    performance = ctx.computed.get("performance")
    perf_spec = perf_reference = None
    if isinstance(performance, PerformanceSection):
        perf_spec = PerformanceSpec(
            performance.target,
            performance.prediction,
            performance.score,
            performance.task,
            performance.positive_label,
            performance.labels,
        )  # fmt: skip
        comparison = performance.overall.comparison
        perf_reference = comparison.reference.metrics if comparison is not None else None
    return run_windows(
        ctx.timed_current,
        spec,
        config.time_column,
        analyse,
        rule=config.section(WindowRule),
        min_rows=config.min_segment_rows,
        performance=perf_spec,
        performance_reference=perf_reference,
        roles=ctx.roles,
        split=ctx.current_windows,
    )


def window_floor(rule: WindowRule | None, min_rows: int) -> int:
    """The fewest rows a window needs to be tested."""
    return rule.min_rows if rule is not None and rule.min_rows is not None else min_rows


@dataclass
class WindowPasses:
    """Drift over time built pass by pass, for a run that reads its columns in passes: each
    pass tests its columns in every window, and :meth:`finish` joins each window's columns
    (plan order) and applies the correction across them. Equals :func:`compute` on all the
    columns at once."""

    config: DriftConfig
    plans: Sequence[ColumnPlan]
    #: Per tested window (in time order): its row count and its columns so far.
    windows: dict[int, tuple[int, list[ColumnResult]]] = field(default_factory=dict)
    #: The current's time column parsed by the first pass: every pass reads the same rows in
    #: the same order, so a text column is read once, not once per pass.
    _times: pl.Series | None = field(default=None, repr=False, compare=False)

    def add(self, data: PassData) -> None:
        """This pass's tested columns in every tested window."""
        spec, time_column = self.config.window_spec, self.config.time_column
        if data.windows is not None:  # compared where the rows are
            floor = window_floor(self.config.section(WindowRule), self.config.min_segment_rows)
            for index, (height, cols) in data.windows.items():
                if height >= floor:
                    self.windows.setdefault(index, (height, []))[1].extend(cols)
            return
        plans = window_plans(self.plans, data.columns)
        if spec is None or not plans:
            return
        names = [p.name for p in plans]
        analysis = data.analysis
        assert analysis is not None, "a pass with the values has the run's analysis"
        cur = data.current
        if time_column is not None and time_column in cur.columns:
            cur = cur.select(list(dict.fromkeys([*names, time_column])))
            if self._times is None or self._times.len() != cur.height:
                self._times = parse_time_column(
                    cur.select(time_column),
                    time_column,
                    "current",
                    analysis.config.date_order,  # as the run resolved it
                ).get_column(time_column)
            cur = cur.with_columns(self._times)
        else:
            cur = cur.select(names)
        ref = data.reference.select(names)
        self.test(plans, ref, cur, data.kinds, analysis, data.sorted_reference)

    def test(
        self,
        plans: Sequence[ColumnPlan],
        ref: pl.DataFrame,
        cur: pl.DataFrame,
        kinds: Mapping[str, Kind | None],
        analysis: Analysis,
        known: Mapping[str, FloatArray],
    ) -> None:
        """``plans``' columns in every tested window: ``ref`` and ``cur`` hold their columns
        (``cur`` the time column too, parsed, rows as read), ``known`` the sorted reference
        columns the whole-data comparison kept."""
        spec, time_column = self.config.window_spec, self.config.time_column
        assert spec is not None
        if time_column is not None and time_column in cur.columns:
            cur = in_time_order(cur, time_column)
        prepared = analysis.engine.prepare_reference(plans, kinds, ref, analysis.pool, known)
        floor = window_floor(self.config.section(WindowRule), self.config.min_segment_rows)
        tested = [w for w in split_windows(cur, spec, time_column)[0] if w.frame.height >= floor]
        found = analysis.frames(plans, kinds, ref, [w.frame for w in tested], reference=prepared)
        for w, cols in zip(tested, found, strict=True):
            self.windows.setdefault(w.index, (w.frame.height, []))[1].extend(cols)

    def merge(self, other: WindowPasses) -> None:
        """The columns ``other``'s passes tested in each window, beside these."""
        for index, (height, cols) in other.windows.items():
            self.windows.setdefault(index, (height, []))[1].extend(cols)

    def finish(self, ctx: RunContext) -> WindowSection | None:
        """The section, each tested window's columns joined from every pass."""
        if self.config.window_spec is None:
            return None
        order = {p.name: i for i, p in enumerate(ctx.plans)}
        tested = iter(sorted(self.windows.items()))

        def analyse(frame: pl.DataFrame) -> tuple[list[ColumnResult], DatasetVerdict]:
            found = next(tested, None)
            if found is None:  # no column was tested in any pass
                return _corrected(ctx, [])
            index, (height, cols) = found
            if height != frame.height:
                raise RuntimeError(f"window {index}: the passes split the rows differently")
            return _corrected(ctx, sorted(cols, key=lambda c: order[c.column]))

        return _section(ctx, analyse)


def passes(config: DriftConfig, plans: Sequence[ColumnPlan]) -> WindowPasses:
    """The accumulator of a run in column passes."""
    return WindowPasses(config, plans)


#: Supplied by the engine: test every planned column of one window against the reference and
#: apply the run's correction across that window's columns.
AnalyseWindow = Callable[[pl.DataFrame], "tuple[list[ColumnResult], DatasetVerdict]"]


def run_windows(
    current: pl.DataFrame,
    spec: WindowSpec,
    time_column: str | None,
    analyse: AnalyseWindow,
    *,
    rule: WindowRule | None = None,
    min_rows: int = 30,
    performance: PerformanceSpec | None = None,
    performance_reference: Mapping[str, float | None] | None = None,
    roles: Mapping[str, str] | None = None,
    split: tuple[list[Window], int] | None = None,
) -> WindowSection:
    """Split ``current`` into windows, analyse each, and apply the consecutive-window rule.

    A window with fewer rows than ``rule.min_rows`` (when set, else ``min_rows``) is
    ``too_small``: not analysed, no performance, never exceeding. ``analyse`` is called once per
    tested window with that window's rows; with ``performance`` (its task fixed) each tested
    window's metrics come from :func:`driftcli.performance.evaluate` (no bootstrap).
    """
    # ``split``: the windows another section already made of ``current`` (RunContext)
    windows, missing = split if split is not None else split_windows(current, spec, time_column)
    floor = window_floor(rule, min_rows)
    share = rule.max_drift_share if rule is not None else None
    results: list[WindowResult] = []
    names: dict[str, None] = {}  # insertion-ordered set of column names
    tested = [w.frame for w in windows if w.frame.height >= floor]
    analysed = iter([analyse(f) for f in tested])
    for w in windows:
        rows = w.frame.height
        if rows < floor:
            results.append(
                WindowResult(
                    w.index, w.label, w.start, w.end, w.first_row, rows, SegmentStatus.TOO_SMALL
                )
            )
            continue
        column_results, verdict = next(analysed)
        columns = tuple(_lean(c) for c in column_results)
        for c in columns:
            names.setdefault(c.column)
        metrics = None
        if performance is not None:
            metrics = dict(evaluate(w.frame, performance).metrics)
        results.append(
            WindowResult(
                w.index,
                w.label,
                w.start,
                w.end,
                w.first_row,
                rows,
                SegmentStatus.TESTED,
                dataset=verdict,
                columns=columns,
                performance=metrics,
                exceeds=share is not None and verdict.drift_share > share,
            )
        )
    outcome = None
    if rule is not None and rule.max_drift_share is not None:
        outcome = _rule_outcome(results, rule, rule.max_drift_share, spec.by)
    return WindowSection(
        window=spec.text,
        by=spec.by,
        time_column=time_column,
        rows_without_time=missing,
        windows=tuple(results),
        columns=tuple(names),
        performance_reference=performance_reference,
        rule=rule,
        rule_outcome=outcome,
        roles=dict(roles or {}),
    )


def _lean(c: ColumnResult) -> WindowColumn:
    pvalue = c.pvalue_adjusted if c.pvalue_adjusted is not None else c.pvalue
    return WindowColumn(
        column=c.column,
        status=c.status,
        test=c.test,
        statistic=c.statistic,
        pvalue=pvalue,
        threshold=c.threshold,
        drift_score=c.drift_score,
    )


def _span(windows: list[WindowResult], run: tuple[int, int]) -> str:
    first, last = windows[run[0]], windows[run[1]]
    return first.label if run[0] == run[1] else f"{first.label} to {last.label}"


def _rule_outcome(
    windows: list[WindowResult], rule: WindowRule, share: float, by: Literal["time", "rows"]
) -> WindowRuleOutcome:
    above = f"dataset drift share above {share * 100:g}%"
    need = f"rule: {rule.consecutive} ({rule.severity})"
    tested = sum(1 for w in windows if w.status is SegmentStatus.TESTED)
    if tested < rule.consecutive:
        # Too few windows to judge: not a pass (the windows asked for were not tested).
        small = sum(1 for w in windows if w.status is SegmentStatus.TOO_SMALL)
        what = f"{tested} of {len(windows)} window{'s' if len(windows) != 1 else ''} tested"
        fix = (
            f"{small} had too few rows: use a longer window or a lower [windows] min_rows"
            if small
            else "the current data spans fewer windows than that"
        )
        message = (
            f"consecutive-window rule not evaluated: {what}, and it needs "
            f"{rule.consecutive} in a row; {fix}"
        )
        return WindowRuleOutcome(Outcome.NOT_EVALUATED, 0, (), message)
    runs = exceeding_runs(windows, by)
    longest = max((last - first + 1 for first, last in runs), default=0)
    qualifying = [r for r in runs if r[1] - r[0] + 1 >= rule.consecutive]

    def plural(n: int) -> str:
        return f"{n} consecutive window{'s' if n != 1 else ''}"

    if qualifying:
        worst = max(qualifying, key=lambda r: (r[1] - r[0], -r[0]))
        more = len(qualifying) - 1
        extra = f", and {more} more run{'s' if more != 1 else ''}" if more else ""
        message = f"{above} in {plural(longest)} ({_span(windows, worst)}{extra}); {need}"
        status = Outcome(rule.severity.value)
    elif runs:
        worst = max(runs, key=lambda r: (r[1] - r[0], -r[0]))
        message = f"{above} in at most {plural(longest)} ({_span(windows, worst)}); {need} not met"
        status = Outcome.PASS
    else:
        message = f"no window had a {above}; {need} not met"
        status = Outcome.PASS
    return WindowRuleOutcome(
        status=status,
        longest_run=longest,
        runs=tuple((windows[a].index, windows[b].index) for a, b in qualifying),
        message=message,
    )


__all__ = [
    "AnalyseWindow",
    "WindowPasses",
    "compute",
    "passes",
    "run_windows",
    "window_floor",
]
