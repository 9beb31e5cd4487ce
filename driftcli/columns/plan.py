"""Planning a run's columns from the two schemas, before any data is read.

Each column gets a :class:`ColumnPlan`: its configured kind, test and threshold, whether the
two sides' dtypes can be compared (and how), and the reason when it will not be tested at
all (missing from one side, a dtype change, a kind that is never tested).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from driftcli.columns.kinds import dtype_family, holds_values, is_string_like, kind_from_dtype
from driftcli.columns.thresholds import Threshold
from driftcli.config import DriftConfig
from driftcli.errors import ConfigError, InputError
from driftcli.results.vocabulary import TESTABLE_KINDS, Kind
from driftcli.stats import get_test

#: Why columns of these kinds are not drift-tested (shown as the column's reason).
SKIP_REASONS = {
    Kind.ID: "id-like: ids differ between batches by design",
    Kind.DATETIME: "datetime: not drift-tested (time ranges differ between batches by design)",
    Kind.TEXT: 'free text: not drift-tested; set kind = "categorical" to compare its values',
}


@dataclass(frozen=True)
class ColumnPlan:
    """What is known about a column before its data is read."""

    name: str
    kind: Kind | None  # None: infer from the data
    kind_source: str
    test: str | None  # per-column test from config
    threshold: Threshold | None  # per-column threshold from config (a number or "auto")
    skip: str | None  # reason when it is not tested at all
    cast_string: bool  # compare as strings (dtypes differ but both categorical-like)
    #: A numeric test was asked for the column (its own ``test``, or the run's): an integer
    #: column with few values is then numeric, not categorical.
    wants_numeric: bool = False
    #: Numbers on one side, text on the other: compared as numbers when every text value is
    #: one (a CSV quirk), else an error row saying how many are not.
    parse_text: bool = False
    #: Booleans on one side, numbers on the other (a writer that stores flags as 0/1):
    #: compared as booleans when every number is 0 or 1, else an error row saying how many
    #: are not.
    numbers_as_booleans: bool = False

    @property
    def dtype_error(self) -> bool:
        """True when the column is skipped because its dtype changed (an error row)."""
        return self.skip is not None and self.skip.startswith("dtype changed")


def check_names(
    config: DriftConfig,
    ref: pl.Schema,
    cur: pl.Schema,
    named: Sequence[tuple[Sequence[str], str]] = (),
) -> None:
    """ConfigError for a configured column in neither input; InputError for a segment column
    missing from a side. ``named`` adds (columns, where) pairs that sections configure."""
    known = set(ref) | set(cur)

    def check(names: Sequence[str], what: str) -> None:
        for name in names:
            if name not in known:
                sample = ", ".join(list(ref)[:20]) + (", ..." if len(ref) > 20 else "")
                raise ConfigError(
                    f"{what}: no column {name!r} in either input; reference columns: {sample}"
                )

    check(config.columns or (), "columns")
    check(config.exclude, "exclude")
    check(list(config.column), "column settings")
    check(config.segment_by, "segment_by")
    for names, what in named:
        check(names, what)
    check([config.time_column] if config.time_column else [], "time_column")
    for name in config.segment_by:
        for role, schema in (("reference", ref), ("current", cur)):
            if name not in schema:
                raise InputError(
                    f"segment column {name!r} is missing from {role}; "
                    "segments need it on both sides"
                )
            if not holds_values(schema[name]):
                raise InputError(
                    f"segment column {name!r} has dtype {schema[name]} in {role}; a segment "
                    "is one value of a column of plain values (text, numbers, booleans, "
                    "dates): segment by such a column, or derive one from it upstream"
                )


def plan_columns(config: DriftConfig, ref: pl.Schema, cur: pl.Schema) -> list[ColumnPlan]:
    """One plan per column to report, in order: the configured columns, or the reference's
    then the current's new ones, less the excluded."""
    if config.columns is not None:
        names = list(dict.fromkeys(config.columns))
    else:
        names = list(ref) + [c for c in cur if c not in ref]
    excluded = set(config.exclude)
    plans: list[ColumnPlan] = []
    for name in names:
        if name in excluded:
            continue
        cc = config.column.get(name)
        kind = cc.kind if cc else None
        source = "config" if kind is not None else "inferred"
        test = cc.test if cc else None
        threshold = cc.threshold if cc else None
        skip: str | None = None
        cast_string = parse_text = numbers_as_booleans = False
        if name not in cur or name not in ref:
            side = "current" if name not in cur else "reference"
            dtype = ref[name] if name in ref else cur[name]
            plans.append(
                ColumnPlan(
                    name,
                    kind or kind_from_dtype(dtype) or Kind.OTHER,
                    source,
                    test,
                    threshold,
                    f"missing from {side}",
                    False,
                )
            )
            continue
        rd, cd = ref[name], cur[name]
        fam_r, fam_c = dtype_family(rd), dtype_family(cd)
        if kind is None:
            kind = kind_from_dtype(rd if fam_r != "null" else cd)
        if fam_r != fam_c and "null" not in (fam_r, fam_c):
            if (kind in (Kind.CATEGORICAL, Kind.TEXT, Kind.ID) and source == "config") or {
                fam_r,
                fam_c,
            } <= {"string"}:
                cast_string = True
            elif (
                kind is Kind.NUMERIC
                and source == "config"
                and {fam_r, fam_c} <= {"numeric", "string"}
            ):
                pass  # text is parsed as numbers; what fails to parse is counted and reported
            elif kind is None and {fam_r, fam_c} == {"numeric", "string"}:
                parse_text = True  # compared as numbers if every text value is one
            elif kind in (None, Kind.BOOLEAN) and {fam_r, fam_c} == {"numeric", "boolean"}:
                kind = Kind.BOOLEAN
                numbers_as_booleans = True  # compared as booleans if every number is 0 or 1
            elif {fam_r, fam_c} == {"numeric", "boolean"}:
                skip = (
                    f"dtype changed: {rd} in reference, {cd} in current; fix the upstream "
                    'data, or set kind = "boolean" (or no kind) to compare numbers that are '
                    "all 0 or 1 as booleans"
                )
            else:
                skip = (
                    f"dtype changed: {rd} in reference, {cd} in current; fix the upstream "
                    'data, set kind = "numeric" to parse text as numbers, or kind = '
                    '"categorical" to compare the values as text'
                )
        elif is_string_like(rd) and is_string_like(cd) and rd != cd:
            cast_string = True
        if skip is None and kind is not None and kind not in TESTABLE_KINDS:
            skip = SKIP_REASONS.get(kind, f"dtype {rd} is not supported by the drift tests")
        status_error = skip is not None and skip.startswith("dtype changed")
        plans.append(
            ColumnPlan(
                name,
                kind or (Kind.OTHER if status_error else None),
                source,
                test,
                threshold,
                skip,
                cast_string,
                parse_text=parse_text,
                numbers_as_booleans=numbers_as_booleans,
            )
        )
    return [dataclasses.replace(p, wants_numeric=_wants_numeric(p, config)) for p in plans]


def _wants_numeric(plan: ColumnPlan, config: DriftConfig) -> bool:
    """True when the column's own test, or else the run's, compares numbers only."""
    requested = plan.test or config.test
    return requested is not None and get_test(requested).kinds == frozenset({Kind.NUMERIC})
