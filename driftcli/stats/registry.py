"""The registry of drift tests, looked up by name from config files and the CLI.

A test is a pure function of a column's :mod:`driftcli.stats.samples` that returns a
:class:`TestOutcome`; whether an outcome counts as drift is decided in one place,
:func:`is_drift`: p-value below the threshold, or distance at or above it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from driftcli.errors import ConfigError
from driftcli.results.vocabulary import Kind
from driftcli.stats.samples import CategoricalSample, ColumnSample, NumericSample


class NotApplicable(Exception):  # noqa: N818 - a signal, not an error for the user
    """Raised by a test when the column's data does not fit it (reason in the message)."""


@dataclass(frozen=True)
class TestOutcome:
    """What a test computed: the statistic and, for hypothesis tests, the p-value.

    P-value tests also give an effect size (``effect_size``, named by ``effect_size_name``,
    e.g. "KS D" or "Cramér's V"), so a significant result says how big the change is.
    """

    __test__ = False  # not a pytest class

    statistic: float
    pvalue: float | None = None
    note: str | None = None
    effect_size: float | None = None
    effect_size_name: str | None = None


TestFunc = Callable[[ColumnSample], TestOutcome]


@dataclass(frozen=True)
class StatTest:
    """A registered drift test and its documented properties."""

    __test__ = False

    name: str
    kinds: frozenset[Kind]
    has_pvalue: bool
    default_threshold: float
    summary: str
    func: TestFunc
    aliases: tuple[str, ...] = ()

    @property
    def kind_label(self) -> str:
        """The test type as shown to users."""
        return "p-value" if self.has_pvalue else "distance"

    def applies_to(self, kind: Kind) -> bool:
        """True when the test can compare columns of this kind."""
        return kind in self.kinds

    def run(self, sample: ColumnSample) -> TestOutcome:
        """Run the test; raises NotApplicable when the data does not fit it."""
        if isinstance(sample, NumericSample) and not (self.kinds & {Kind.NUMERIC}):
            raise NotApplicable(f"{self.name} needs categories, the column is numeric")
        if isinstance(sample, CategoricalSample) and self.kinds == {Kind.NUMERIC}:
            raise NotApplicable(f"{self.name} needs numbers, the column is categorical")
        return self.func(sample)


_REGISTRY: dict[str, StatTest] = {}
_ALIASES: dict[str, str] = {}


def register(test: StatTest) -> StatTest:
    """Add a test to the registry under its name and aliases."""
    for key in (test.name, *test.aliases):
        if key.lower() in _ALIASES:
            raise ValueError(f"test name {key!r} is registered twice")
        _ALIASES[key.lower()] = test.name
    _REGISTRY[test.name] = test
    return test


def get_test(name: str) -> StatTest:
    """Look a test up by name or alias (case-insensitive); unknown names list the valid ones."""
    canonical = _ALIASES.get(name.lower())
    if canonical is None:
        raise ConfigError(
            f"unknown test {name!r}; valid tests: {', '.join(sorted(_REGISTRY))} "
            "(run `drift tests` for details)"
        )
    return _REGISTRY[canonical]


def all_tests() -> list[StatTest]:
    """Every registered test, sorted by name."""
    return [_REGISTRY[k] for k in sorted(_REGISTRY)]


def is_drift(test: StatTest, outcome: TestOutcome, threshold: float) -> bool:
    """The one place that turns a statistic into a verdict."""
    if test.has_pvalue:
        assert outcome.pvalue is not None
        return outcome.pvalue < threshold
    return outcome.statistic >= threshold


#: Reference rows up to which the automatic choice uses p-value tests (Evidently's rule).
AUTO_SMALL_ROWS = 1000


def auto_test_name(kind: Kind, sample: ColumnSample | None, reference_rows: int) -> str:
    """The test used when the config names none (rule documented in README).

    Up to AUTO_SMALL_ROWS reference rows: numeric -> ks, two-valued -> z, other
    categorical -> chisquare. Above: numeric -> wasserstein, categorical and boolean ->
    jensenshannon, because with many rows every p-value is near 0 for tiny changes.
    """
    small = reference_rows <= AUTO_SMALL_ROWS
    if kind is Kind.NUMERIC:
        return "ks" if small else "wasserstein"
    if not small:
        return "jensenshannon"
    if isinstance(sample, CategoricalSample) and len(sample.labels) == 2:
        return "z"
    return "chisquare"
