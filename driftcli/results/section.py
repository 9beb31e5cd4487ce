"""What every report section is: a titled result with findings and a JSON form.

A section (data integrity, model performance, drift over time, ...) is computed by its own
subpackage under :mod:`driftcli.sections` and handed to the :class:`~driftcli.results.report.
Report` as an instance of :class:`Section`. The run's verdict and exit code read only a
section's :meth:`Section.findings` (:mod:`driftcli.results.verdict`); outputs read its
``to_dict`` (JSON) and the views its subpackage registers.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, ClassVar

from driftcli.results.vocabulary import Outcome, Severity, worst


@dataclass(frozen=True)
class Finding:
    """One thing a section found that the verdict must know: a breach or a warning.

    ``severity`` is :attr:`Severity.FAIL` (a breach unless ``fail_on = "never"``) or
    :attr:`Severity.WARN` (listed among the warnings).
    """

    severity: Severity
    message: str


@dataclass(frozen=True)
class Check:
    """One question a run answered.

    ``suite`` groups checks (``overall``, a segment label, a section's title); ``name`` is
    unique within the suite; ``message`` is one line and ``detail`` the rest. ``kind`` says
    what was checked (``drift``, ``dataset``, ``integrity``, ``rule``, ``limit``, ``concept``);
    ``error`` marks a problem with the data or the tool (an integrity failure, a column whose
    test gave no result) rather than a failed comparison. ``source`` names the config entry
    behind it (``column."income"``, ``model.rules[0]``, ``online.latency_p95_max``), for
    outputs that point at the config file's line. ``seconds`` is the time it took, when known.
    """

    suite: str
    name: str
    outcome: Outcome
    message: str
    detail: str = ""
    kind: str = "drift"
    error: bool = False
    source: str | None = None
    seconds: float = 0.0


def findings_of(severity: Severity, messages: Iterable[str]) -> tuple[Finding, ...]:
    """One finding per message, all at ``severity``."""
    return tuple(Finding(severity, m) for m in messages)


class Section(ABC):
    """A report section's result: ``key`` (its JSON key), ``title``, findings and JSON form.

    Subclasses are frozen dataclasses that set the two class variables and implement
    :meth:`findings` and :meth:`to_dict`; :attr:`outcome` follows from the findings.
    """

    key: ClassVar[str]
    title: ClassVar[str]

    @abstractmethod
    def findings(self) -> tuple[Finding, ...]:
        """Breaches (severity fail) and warnings (severity warn), in report order."""

    @abstractmethod
    def to_dict(self) -> dict[str, Any]:
        """The section in the JSON summary (its schema is the section's ``schema.json``)."""

    def checks(self) -> tuple[Check, ...]:
        """Every question the section answered, passes included (JUnit test cases, CI
        annotations); none by default."""
        return ()

    @property
    def outcome(self) -> Outcome:
        """fail when a finding fails, warn when one warns, else pass."""
        return worst(Outcome(f.severity.value) for f in self.findings())
