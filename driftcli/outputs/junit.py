"""JUnit XML: every check of a run as a test case, for CI servers (GitLab, Jenkins, GitHub).

One ``<testsuite>`` per check suite (``drift.overall``, ``drift.region=south``,
``drift.performance``, ...), in order of first appearance, and one ``<testcase
classname="drift.<suite>" name="<check>">`` per check (:func:`~driftcli.results.checks.
report_checks`), ``(classname, name)`` unique, as GitLab keeps only the first of duplicates:

- a check that fails the run is a ``<failure type="<kind>" message="...">detail</failure>``
  (the message again when there is no detail: GitLab shows the text);
- a problem with the data or the tool (an integrity failure, a column whose test gave no
  result) that fails or warns is an ``<error>``;
- a check that could not be judged is ``<skipped message="<reason>"/>``;
- a warning passes, with ``<system-out>warning: ...</system-out>`` (never skipped: it was
  judged). Under ``fail_on = "never"`` nothing fails, so there is no ``<failure>``; an
  integrity failure is still an ``<error>`` (the data is broken, whatever the gate).

Every suite and case has ``name`` and ``time`` (seconds, 3 decimals; a missing ``time`` breaks
dorny/test-reporter). The overall suite also carries the run time not spent in any check
(reading, preparing), so the suites add up to the run's duration. The first suite holds the
run's ``<properties>``. Messages are one line; text is escaped by ElementTree, and characters
XML 1.0 cannot carry are written as ``\\xNN``.

Two formats, because the schema and the annotators disagree:

- ``junit`` (the default) puts ``file`` and ``line`` on each test case whose check comes from
  an entry of the config file (a column rule, a model rule, an online limit): the config file
  and that entry's line. mikepenz/action-junit-report and GitLab use them to annotate the line.
- ``junit-strict`` is the same document without ``file``/``line``: valid against the Jenkins
  xunit2 schema (``junit-10.xsd``), whose ``testcase`` has no such attributes. pytest makes the
  same split with ``junit_family = xunit1`` (with file/line) and ``xunit2`` (schema-valid).

Both leave ``skipped`` off the root ``<testsuites>`` (the schema has no such attribute there;
each ``<testsuite>`` has it, and readers count skips from the cases).
"""

from __future__ import annotations

import contextlib
import math
import re
import socket
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path

from driftcli.outputs.configlines import config_line
from driftcli.outputs.registry import Renderer, register_renderer
from driftcli.results.checks import OVERALL, report_checks, unique_names
from driftcli.results.report import Report
from driftcli.results.section import Check
from driftcli.results.vocabulary import Outcome

#: Suite names and classnames are ``drift.<suite>``.
PREFIX = "drift."
_HEADER = '<?xml version="1.0" encoding="UTF-8"?>\n'
#: Characters XML 1.0 cannot hold (control characters, lone surrogates, U+FFFE/U+FFFF).
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(value: str) -> str:
    """``value`` with every character XML cannot carry written as its Python escape."""
    return _ILLEGAL.sub(lambda m: ascii(m.group())[1:-1], value)


def _one_line(value: str) -> str:
    return " ".join(part.strip() for part in value.splitlines() if part.strip())


def _seconds(value: float | None) -> float:
    """Seconds as a finite, non-negative number (0 when unknown)."""
    return value if value is not None and math.isfinite(value) and value > 0 else 0.0


def _time(value: float) -> str:
    return f"{_seconds(value):.3f}"


def _element(tag: str, attrs: Mapping[str, str], text: str = "") -> ET.Element:
    element = ET.Element(tag, {k: xml_safe(v) for k, v in attrs.items()})
    if text:
        element.text = xml_safe(text)
    return element


def category(check: Check) -> str:
    """What the check is in JUnit: ``failure``, ``error``, ``skipped``, ``warning``, ``info``
    or ``pass``."""
    if check.outcome is Outcome.NOT_EVALUATED:
        return "skipped"
    if check.error and check.outcome in (Outcome.FAIL, Outcome.WARN):
        return "error"
    if check.outcome is Outcome.FAIL:
        return "failure"
    return {Outcome.WARN: "warning", Outcome.INFO: "info"}.get(check.outcome, "pass")


def _result(check: Check) -> ET.Element | None:
    """The case's one child: failure, error, skipped or the warning's system-out."""
    kind = category(check)
    message = _one_line(check.message)
    if kind in ("failure", "error"):
        attrs = {"type": check.kind, "message": message}
        return _element(kind, attrs, check.detail or message)
    if kind == "skipped":
        return _element("skipped", {"message": message}, check.detail)
    if kind in ("warning", "info"):
        return _element("system-out", {}, f"{kind}: {message}")
    return None


def _display_path(origin: str) -> str:
    """The config file as CI annotators want it: relative to the working folder if inside."""
    path = Path(origin)
    if path.is_absolute():
        with contextlib.suppress(ValueError, OSError):
            path = path.relative_to(Path.cwd())
    return path.as_posix()


def _origin(report: Report) -> str | None:
    origin = getattr(report.config, "origin", None)
    return origin if isinstance(origin, str) and origin else None


def location(check: Check, origin: str | None) -> dict[str, str]:
    """``file`` and ``line`` of the check's config entry, or nothing when unknown."""
    line = config_line(origin, check.source)
    if origin is None or line is None:
        return {}
    return {"file": _display_path(origin), "line": str(line)}


def _case(check: Check, where: Mapping[str, str]) -> ET.Element:
    attrs = {"classname": PREFIX + check.suite, "name": check.name, "time": _time(check.seconds)}
    case = _element("testcase", {**attrs, **where})
    child = _result(check)
    if child is not None:
        case.append(child)
    return case


def _grouped(checks: Sequence[Check]) -> dict[str, list[Check]]:
    """Checks by suite, suites in order of first appearance."""
    suites: dict[str, list[Check]] = {}
    for check in checks:
        suites.setdefault(check.suite, []).append(check)
    return suites


def suite_seconds(
    suites: Mapping[str, Sequence[Check]], duration: float | None
) -> dict[str, float]:
    """Each suite's time: the sum of its checks'; the overall suite also takes the run time not
    spent in any check, so the suites add up to the run's duration when it is known."""
    seconds = {name: sum(_seconds(c.seconds) for c in checks) for name, checks in suites.items()}
    if OVERALL in seconds:
        others = sum(t for name, t in seconds.items() if name != OVERALL)
        seconds[OVERALL] = max(seconds[OVERALL], _seconds(duration) - others)
    return seconds


def _counts(checks: Sequence[Check]) -> dict[str, str]:
    kinds = [category(c) for c in checks]
    return {
        "tests": str(len(checks)),
        "failures": str(kinds.count("failure")),
        "errors": str(kinds.count("error")),
        "skipped": str(kinds.count("skipped")),
    }


def _timestamp(when: datetime) -> str:
    """ISO 8601 in UTC without a zone suffix, as Jenkins reads it."""
    if when.tzinfo is not None:
        when = when.astimezone(timezone.utc).replace(tzinfo=None)
    return when.isoformat(timespec="seconds")


def _properties(report: Report, origin: str | None) -> ET.Element:
    values = {
        "reference": report.reference.source,
        "current": report.current.source,
        "driftcli_version": report.driftcli_version,
        "status": report.status.value,
        "exit_code": str(int(report.exit_code)),
    }
    if origin is not None:
        values["config"] = _display_path(origin)
    properties = ET.Element("properties")
    for name, value in values.items():
        properties.append(_element("property", {"name": name, "value": str(value)}))
    return properties


def _suite(name: str, checks: Sequence[Check], seconds: float, stamp: str, host: str) -> ET.Element:
    attrs = {"name": PREFIX + name, **_counts(checks), "time": _time(seconds)}
    return _element("testsuite", {**attrs, "timestamp": stamp, "hostname": host})


def to_junit(report: Report, strict: bool = False) -> str:
    """The report as JUnit XML; ``strict`` leaves out ``file``/``line`` (junit-10.xsd)."""
    checks = unique_names(report_checks(report))
    config = _origin(report)
    origin = None if strict else config
    suites = _grouped(checks)
    seconds = suite_seconds(suites, report.duration)
    stamp, host = _timestamp(report.generated_at), socket.gethostname()
    total = sum(round(t, 3) for t in seconds.values())
    counts = {k: v for k, v in _counts(checks).items() if k != "skipped"}
    root = _element("testsuites", {"name": "driftcli", **counts, "time": _time(total)})
    for index, (name, members) in enumerate(suites.items()):
        suite = _suite(name, members, seconds[name], stamp, host)
        if index == 0:
            suite.append(_properties(report, config))
        suite.extend(_case(c, location(c, origin)) for c in members)
        root.append(suite)
    ET.indent(root, space="  ")
    return _HEADER + ET.tostring(root, encoding="unicode") + "\n"


def _render_junit(report: Report) -> str:
    return to_junit(report)


def _render_strict(report: Report) -> str:
    return to_junit(report, strict=True)


JUNIT = register_renderer(
    Renderer(
        "junit",
        "JUnit XML for CI servers, each check's config file and line on its test case",
        _render_junit,
        ".xml",
    )
)
JUNIT_STRICT = register_renderer(
    Renderer(
        "junit-strict",
        "JUnit XML valid against the Jenkins xunit2 schema (junit-10.xsd), no file/line",
        _render_strict,
        ".xml",
    )
)
