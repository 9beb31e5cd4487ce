"""The one vocabulary of driftcli: every status and severity word, each with one type.

=================  ==========================================  ==============================
type               words                                       says
=================  ==========================================  ==============================
:class:`Kind`      numeric, categorical, boolean, datetime,    what a column holds
                   text, id, other
:class:`Status`    ok, drift, skipped, error                   one column's comparison
:class:`SegmentStatus`  tested, missing_reference,             whether a scope (segment or
                   missing_current, too_small                  window) could be compared
:class:`Severity`  fail, warn, info, off                       how much a finding matters
                                                               (set in config)
:class:`Outcome`   pass, info, warn, fail, not_evaluated       what a check, rule, limit,
                                                               section or run concluded
:class:`FailOn`    dataset, column, never                      what drift makes the run fail
:class:`Correction`  none, bonferroni, holm, bh                the multiple-testing correction
=================  ==========================================  ==============================

Every type is a ``str`` enum whose ``str()`` is its word, so JSON, f-strings and comparisons
with plain strings (``outcome == "fail"``) all see the word. This module imports only
``driftcli.errors``: it is the bottom of the result layer.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from enum import Enum

from driftcli.errors import ConfigError


class _Word(str, Enum):
    """A vocabulary word: compares equal to, prints as and serialises as its value."""

    def __str__(self) -> str:
        return str(self.value)


class Kind(_Word):
    """What a column holds, which decides the tests that apply to it."""

    NUMERIC = "numeric"
    CATEGORICAL = "categorical"
    BOOLEAN = "boolean"
    DATETIME = "datetime"
    TEXT = "text"
    ID = "id"
    OTHER = "other"


#: Kinds that the drift tests can compare.
TESTABLE_KINDS = frozenset({Kind.NUMERIC, Kind.CATEGORICAL, Kind.BOOLEAN})

#: Kinds a user may set in a config file.
USER_KINDS = tuple(k.value for k in Kind if k is not Kind.OTHER)


class Status(_Word):
    """Outcome of one column's comparison."""

    OK = "ok"
    DRIFT = "drift"
    SKIPPED = "skipped"
    ERROR = "error"


class SegmentStatus(_Word):
    """Whether a scope (a segment, or a window of the current data) could be compared."""

    TESTED = "tested"
    MISSING_REFERENCE = "missing_reference"
    MISSING_CURRENT = "missing_current"
    TOO_SMALL = "too_small"


class Severity(_Word):
    """How much a finding matters, as a config file sets it."""

    FAIL = "fail"
    """A breach: exit code 1 unless ``fail_on = "never"``."""
    WARN = "warn"
    """Reported, never a breach."""
    INFO = "info"
    """Context only (data integrity checks)."""
    OFF = "off"
    """The check does not run (data integrity checks)."""


#: The severities of rules, limits and detectors: a finding either fails the run or warns.
RULE_SEVERITIES = (Severity.WARN, Severity.FAIL)


def check_severity(
    value: object, where: str, allowed: tuple[Severity, ...] = RULE_SEVERITIES
) -> Severity:
    """The Severity named by ``value``, or a ConfigError naming ``where`` and the valid words."""
    if isinstance(value, str) and value in {s.value for s in allowed}:
        return Severity(value)
    words = " or ".join(s.value for s in allowed)
    raise ConfigError(f"{where}: severity must be {words}, got {value!r}")


class Outcome(_Word):
    """What a check, rule, limit, section or whole run concluded."""

    PASS = "pass"
    INFO = "info"
    WARN = "warn"
    FAIL = "fail"
    NOT_EVALUATED = "not_evaluated"


_RANK = {
    Outcome.PASS: 0,
    Outcome.NOT_EVALUATED: 1,
    Outcome.INFO: 2,
    Outcome.WARN: 3,
    Outcome.FAIL: 4,
}


def worst(outcomes: Iterable[Outcome]) -> Outcome:
    """The most serious outcome (fail > warn > info > not_evaluated > pass); pass when empty."""
    return max(outcomes, key=_RANK.__getitem__, default=Outcome.PASS)


def tally(outcomes: Iterable[Outcome]) -> Counter[Outcome]:
    """How many of each outcome: the one count every section summary and view uses."""
    return Counter(Outcome(o) for o in outcomes)


class FailOn(_Word):
    """What makes the run fail (exit code 1)."""

    DATASET = "dataset"
    """The whole dataset, or any tested segment, has dataset drift."""
    COLUMN = "column"
    """Any column drifted, overall or in any segment."""
    NEVER = "never"
    """Report only; exit 0 whatever drifted."""


class Correction(_Word):
    """The multiple-testing correction applied to a run's p-values."""

    NONE = "none"
    BONFERRONI = "bonferroni"
    HOLM = "holm"
    BH = "bh"

    @property
    def full_name(self) -> str:
        """The method's full name, as shown in reports."""
        return _TITLES[self]


_TITLES = {
    Correction.NONE: "no correction",
    Correction.BONFERRONI: "Bonferroni",
    Correction.HOLM: "Holm",
    Correction.BH: "Benjamini-Hochberg",
}

#: The default correction: see driftcli/columns/correction.py and README ("Multiple testing").
DEFAULT_CORRECTION = Correction.BH

__all__ = [
    "DEFAULT_CORRECTION",
    "RULE_SEVERITIES",
    "TESTABLE_KINDS",
    "USER_KINDS",
    "Correction",
    "FailOn",
    "Kind",
    "Outcome",
    "SegmentStatus",
    "Severity",
    "Status",
    "check_severity",
    "tally",
    "worst",
]
