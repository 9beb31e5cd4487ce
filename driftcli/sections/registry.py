"""The section registry: what a report section is made of, and what a run gives it.

A section (data integrity, model performance, drift over time, ...) is one subpackage of
:mod:`driftcli.sections` that builds a :class:`SectionSpec` and one line in
``driftcli/sections/__init__.py`` that registers it. The spec carries everything the rest of
driftcli needs, so nothing else changes when a section is added:

- ``config``: its config table (``[model]``), registered with :mod:`driftcli.config`;
- ``compute(context)``: its result (a :class:`~driftcli.results.section.Section`) from a
  :class:`RunContext`, or None when it does not run;
- ``reads``/``check``/``named_columns``/``roles``: the extra columns it reads (on each side
  that has them), its checks of the two schemas before reading, the columns its settings name
  (checked to exist), the model roles it defines;
- ``terminal`` and ``html``: its views; its JSON is the result's own ``to_dict``, described by
  ``schema`` (a JSON Schema fragment, merged into the report's schema).

``placement`` puts a section before the column drift in every output (``early``: data
integrity) or after it (``late``). Findings feed the verdict in registry order.

In a run that reads the tested columns a few at a time (the stream engine), a section's
``reads`` are read once and held for the whole run, and ``compute`` runs as usual, unless it
has ``passes``: then its reads are read pass by pass and its result is built by a
:class:`PassAccumulator` that sees every pass (data integrity checks every column; drift
over time tests every column per window).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

import polars as pl

from driftcli.columns.analyse import Analysis
from driftcli.columns.plan import ColumnPlan
from driftcli.config import ConfigTable, DriftConfig, register_table, unregister_table
from driftcli.engines.passes import PassSink
from driftcli.results.records import ColumnResult, SegmentResult
from driftcli.results.report import Report
from driftcli.results.section import Section
from driftcli.results.vocabulary import Kind
from driftcli.stats.samples import FloatArray
from driftcli.timeline import Window, in_time_order, parse_time_column, split_windows

if TYPE_CHECKING:
    from rich.console import Console


@dataclass
class RunContext:
    """What a section's ``compute`` gets: the run's config, data and column results.

    ``reference``/``current`` hold every column the run read (tested columns, segment and
    time columns, and each section's ``reads``); ``tested_reference`` the tested columns only.
    ``computed`` holds the sections computed so far (registry order), so a section can use
    another's result (drift over time uses performance's task and metrics).
    """

    config: DriftConfig
    reference: pl.DataFrame
    current: pl.DataFrame
    reference_schema: pl.Schema
    current_schema: pl.Schema
    labels: tuple[str, str]
    plans: Sequence[ColumnPlan]
    kinds: Mapping[str, Kind | None]
    columns: Sequence[ColumnResult]
    segments: Sequence[SegmentResult]
    tested_reference: pl.DataFrame
    analysis: Analysis
    computed: dict[str, Section | None] = field(default_factory=dict)
    #: The whole-data comparison's sorted reference of each numeric column compared as read
    #: (``sorted_values(reference[name])``), kept when a section asked for it
    #: (:attr:`SectionSpec.sorted_reference`); see :meth:`take_sorted_reference`.
    sorted_reference: dict[str, FloatArray] = field(default_factory=dict, repr=False)
    #: The columns of ``current`` that :attr:`timed_current` puts in time order (None: every
    #: column). A run that holds every column in memory leaves out the tested columns no
    #: section reads but drift over time, which orders them a group at a time.
    timed_columns: Sequence[str] | None = None
    #: Each side with its text time column parsed (:meth:`with_times`), once asked for.
    _with_times: dict[str, pl.DataFrame] = field(default_factory=dict, repr=False)

    def take_sorted_reference(self) -> dict[str, FloatArray]:
        """The kept sorted reference columns, given up by the context: held by the caller
        alone from then on, so they are freed once it is done with them."""
        kept, self.sorted_reference = self.sorted_reference, {}
        return kept

    @property
    def roles(self) -> Mapping[str, str]:
        """The model's columns and their roles (target, prediction, score)."""
        return self.analysis.roles

    @property
    def pool(self) -> ThreadPoolExecutor:
        """The run's thread pool."""
        return self.analysis.pool

    def with_times(self, role: Literal["reference", "current"]) -> pl.DataFrame:
        """One side's rows, in their order, with the time column parsed: a text column read
        once per run, in the run's date order, for every section that reads it; the side as
        it is without a time column. An InputError says why the text does not parse."""
        df = self.reference if role == "reference" else self.current
        time_column = self.config.time_column
        if time_column is None or time_column not in df.columns:
            return df
        if role not in self._with_times:
            order = self.config.date_order
            self._with_times[role] = parse_time_column(df, time_column, role, order)
        return self._with_times[role]

    @functools.cached_property
    def timed_current(self) -> pl.DataFrame:
        """The current rows with the time column parsed and sorted by it (stable, nulls
        last), made once for every section that orders rows by time; ``current`` as is
        without a time column. Only the :attr:`timed_columns` when set: rows that are not
        written in time order are copied, and the tested columns need not be."""
        time_column = self.config.time_column
        if time_column is None or time_column not in self.current.columns:
            return self.current
        frame = self.with_times("current")
        if self.timed_columns is not None:
            wanted = dict.fromkeys([*self.timed_columns, time_column])
            frame = frame.select([c for c in wanted if c in frame.columns])
        return in_time_order(frame, time_column)

    @functools.cached_property
    def current_windows(self) -> tuple[list[Window], int] | None:
        """The current rows split into the config's windows, and the count of rows without a
        timestamp: split once for every section that works per window (drift over time,
        online metrics); None without a window."""
        spec = self.config.window_spec
        if spec is None:
            return None
        return split_windows(self.timed_current, spec, self.config.time_column)


class PassAccumulator(PassSink, Protocol):
    """A section's result built pass by pass, in a run that reads its columns in passes
    (:class:`~driftcli.engines.passes.PassSink`: ``add`` and ``merge``)."""

    def finish(self, context: RunContext) -> Section | None:
        """The section's result once every pass was added."""
        ...


#: ``view(section, report, page)``: the template context of a section's HTML partial, or
#: None to leave it out. ``page`` has ``rows`` (drill-down data) and ``charts`` (chart series)
#: that the page embeds as JSON.
HtmlViewFunc = Callable[[Any, Report, Any], "dict[str, Any] | None"]


@dataclass(frozen=True)
class HtmlView:
    """A section's part of the HTML page: a partial template and its view function.

    ``summary(section, report)`` gives the section's line in the page header (or None);
    ``anchor`` is the section element's id and ``nav`` its label in the top navigation;
    ``script`` is its page script (charts registered on ``window.driftcli.charts``), inlined
    after the page's own when the section is shown.
    """

    template: Path
    view: HtmlViewFunc
    anchor: str
    nav: str
    summary: Callable[[Any, Report], dict[str, str] | None] | None = None
    script: Path | None = None


@dataclass(frozen=True)
class SectionSpec:
    """A registered report section (see the module docstring)."""

    key: str
    title: str
    compute: Callable[[RunContext], Section | None]
    #: Whether ``config`` can turn the section on (cheap, from the config alone): False skips
    #: ``compute`` and ``passes``, so a section that is off never loads its implementation
    #: (its spec names it with :func:`driftcli._lazy.lazy_call`). True may still compute None.
    enabled: Callable[[DriftConfig], bool] = lambda _config: True
    placement: Literal["early", "late"] = "late"
    config: ConfigTable | None = None
    reads: Callable[[DriftConfig, Sequence[ColumnPlan], pl.Schema, pl.Schema], Sequence[str]] = (
        lambda _config, _plans, _ref, _cur: ()
    )
    check: Callable[[DriftConfig, pl.Schema, pl.Schema], None] | None = None
    named_columns: Callable[[DriftConfig], Sequence[tuple[Sequence[str], str]]] = lambda _config: ()
    roles: Callable[[DriftConfig], Mapping[str, str]] = lambda _config: {}
    #: What the report must say about ``config`` itself (cheap, from the config alone), for
    #: a section the config half turns on: the report's notices.
    notices: Callable[[DriftConfig], Sequence[str]] = lambda _config: ()
    #: Whether the section, with ``config``, prepares the reference once for many slices
    #: (:meth:`Engine.prepare_reference`): the run then keeps the whole-data comparison's
    #: sorted reference columns for it (:meth:`RunContext.take_sorted_reference`) rather
    #: than have it sort them again.
    sorted_reference: Callable[[DriftConfig], bool] = lambda _config: False
    #: Runs in column passes: the accumulator that builds the result pass by pass (its
    #: ``reads`` are then read per pass); None: ``compute`` once on the columns it reads.
    passes: Callable[[DriftConfig, Sequence[ColumnPlan]], PassAccumulator] | None = None
    #: Memory the section works in beyond the data while it runs (copies, caches), as a
    #: multiple of the tested columns' size in memory (both sides), with ``config``'s
    #: settings: the engines size their reads by it (:meth:`Engine.passes`).
    memory: Callable[[DriftConfig], float] = lambda _config: 0.0
    terminal: Callable[[Any, Report, Console], None] | None = None
    html: HtmlView | None = None
    schema: Path | None = None


_SECTIONS: dict[str, SectionSpec] = {}


def register_section(spec: SectionSpec) -> SectionSpec:
    """Add a section (and its config table) to the registry; it runs in every later run."""
    if spec.key in _SECTIONS:
        raise ValueError(f"section {spec.key!r} is registered twice")
    if spec.config is not None:
        register_table(spec.config)
    _SECTIONS[spec.key] = spec
    return spec


def unregister_section(key: str) -> None:
    """Remove a section (for tests that register a throwaway one)."""
    spec = _SECTIONS.pop(key)
    if spec.config is not None:
        unregister_table(spec.config.key)


def sections() -> list[SectionSpec]:
    """Every registered section, in registry order (the order findings feed the verdict)."""
    return list(_SECTIONS.values())


def placed(where: Literal["early", "late"]) -> list[SectionSpec]:
    """The sections shown before (``early``) or after (``late``) the column drift."""
    return [s for s in _SECTIONS.values() if s.placement == where]


def run_sections(
    context: RunContext, accumulated: Mapping[str, PassAccumulator] | None = None
) -> dict[str, Section | None]:
    """Compute every registered section in registry order; a section with an accumulator in
    ``accumulated`` (a run in column passes) is finished from it instead."""
    accumulated = accumulated or {}
    for spec in sections():
        acc = accumulated.get(spec.key)
        if acc is not None:
            context.computed[spec.key] = acc.finish(context)
        elif spec.enabled(context.config):
            context.computed[spec.key] = spec.compute(context)
        else:
            context.computed[spec.key] = None
    return dict(context.computed)


def model_roles(config: DriftConfig) -> dict[str, str]:
    """The column roles every section defines (the model's target, prediction, score)."""
    roles: dict[str, str] = {}
    for spec in sections():
        roles.update(spec.roles(config))
    return roles


def section_columns(
    config: DriftConfig,
    plans: Sequence[ColumnPlan],
    ref: pl.Schema,
    cur: pl.Schema,
    per_pass: bool | None = None,
) -> list[str]:
    """Columns the sections read beyond the tested ones, in registry order, each once; with
    ``per_pass`` only those of the sections that do (True) or do not (False) accumulate
    pass by pass."""
    names = [
        n
        for spec in sections()
        if per_pass is None or (spec.passes is not None) == per_pass
        for n in spec.reads(config, plans, ref, cur)
    ]
    return list(dict.fromkeys(names))
