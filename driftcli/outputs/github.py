"""GitHub Actions: a run's step summary, annotations and step outputs.

:func:`publish` does three things, each only where GitHub reads it:

- appends the Markdown summary (:mod:`driftcli.outputs.markdown`) to the file named by
  ``GITHUB_STEP_SUMMARY``, cut to stay under GitHub's limit (an upload over 1024 KiB is
  aborted: "$GITHUB_STEP_SUMMARY upload aborted, supports content up to a size of 1024k");
- writes workflow commands to stdout: ``::error`` for each failed check and ``::warning`` for
  each warning (a ``warn`` outcome, or a data or tool problem), worst first and at most 10 of
  each (GitHub shows 10 errors and 10 warnings per step), then one ``::notice`` saying how
  many more are in the report; a check with a config entry points at its file and line;
- writes the step outputs ``status``, ``exit_code``, ``drift_share``, ``drifted_columns`` and
  ``report`` to the file named by ``GITHUB_OUTPUT``.

Escaping follows actions/toolkit: in messages ``%``, ``\\r`` and ``\\n`` become ``%25``,
``%0D`` and ``%0A``; property values also escape ``:`` and ``,``. A message can therefore never
end the command line, and a column name cannot start a command of its own.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterable, Mapping, Sequence
from typing import TextIO

from driftcli.errors import ConfigError
from driftcli.outputs.configlines import config_line
from driftcli.outputs.markdown import to_markdown
from driftcli.outputs.text import fmt_time
from driftcli.results.checks import report_checks
from driftcli.results.report import Report
from driftcli.results.section import Check
from driftcli.results.vocabulary import Outcome

#: GitHub aborts a step summary larger than this (per step, all writes together).
SUMMARY_LIMIT = 1024 * 1024
#: Kept free below the limit (line endings, the runner's own additions).
SUMMARY_MARGIN = 16 * 1024
#: Annotations of each kind GitHub shows per step.
ANNOTATIONS_PER_KIND = 10


def github_enabled(env: Mapping[str, str], flag: bool | None) -> bool:
    """Whether to publish to GitHub: the ``--github`` flag when given, else whether the run is
    inside GitHub Actions (``GITHUB_ACTIONS=true``)."""
    return flag if flag is not None else env.get("GITHUB_ACTIONS") == "true"


def escape_data(text: str) -> str:
    """A workflow command's message, escaped as actions/toolkit does."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A workflow command's property value: the message escaping, plus ``:`` and ``,``."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, message: str, properties: Mapping[str, str] | None = None) -> str:
    """One workflow command line, ``::name k=v,k=v::message`` (without the newline)."""
    props = ",".join(f"{k}={escape_property(v)}" for k, v in (properties or {}).items())
    return f"::{name}{' ' + props if props else ''}::{escape_data(message)}"


def _origin(report: Report) -> str | None:
    origin = getattr(report.config, "origin", None)
    return origin if isinstance(origin, str) else None


def _repo_path(path: str, env: Mapping[str, str]) -> str:
    """``path`` relative to the workspace (the repository) when it is an absolute path in it."""
    workspace = env.get("GITHUB_WORKSPACE")
    if not workspace or not os.path.isabs(path):
        return path
    try:
        inside = os.path.commonpath([workspace, path]) == os.path.normpath(workspace)
    except ValueError:  # different drives
        return path
    return os.path.relpath(path, workspace) if inside else path


def _properties(check: Check, origin: str | None, env: Mapping[str, str]) -> dict[str, str]:
    props: dict[str, str] = {}
    line = config_line(origin, check.source)
    if origin is not None and line is not None:
        props = {"file": _repo_path(origin, env), "line": str(line)}
    props["title"] = f"driftcli: {check.suite} {check.name}"
    return props


def _column_scores(report: Report) -> dict[tuple[str, str], float]:
    """The drift score of each column check by (suite, name), to put the strongest first."""
    scopes = [("overall", report.columns), *((s.label, s.columns) for s in report.segments)]
    return {
        (suite, f"{c.column} [{c.test}]" if c.test else c.column): c.drift_score or 0.0
        for suite, columns in scopes
        for c in columns
    }


def worst_first(checks: Sequence[Check], report: Report) -> list[Check]:
    """Data and tool problems first, then section findings and dataset drift in report order,
    then column drift by drift score (strongest first)."""
    scores = _column_scores(report)

    def key(item: tuple[int, Check]) -> tuple[bool, bool, float, int]:
        i, c = item
        column = c.kind == "drift" and not c.error
        return (not c.error, column, -scores.get((c.suite, c.name), 0.0) if column else 0.0, i)

    return [c for _, c in sorted(enumerate(checks), key=key)]


def _more(errors: int, warnings: int) -> str:
    parts = [
        f"{n} more {word}{'' if n == 1 else 's'}"
        for n, word in ((errors, "error"), (warnings, "warning"))
        if n
    ]
    return " and ".join(parts) + " in the report"


def workflow_commands(
    report: Report, env: Mapping[str, str], report_path: str | None = None
) -> list[str]:
    """The workflow command lines of a run: errors, warnings, and a notice when some were cut."""
    checks = report_checks(report)
    failed = [c for c in checks if c.outcome is Outcome.FAIL]
    warned = [
        c
        for c in checks
        if c.outcome is not Outcome.FAIL and (c.outcome is Outcome.WARN or c.error)
    ]
    origin = _origin(report)
    lines: list[str] = []
    for name, group in (("error", failed), ("warning", warned)):
        shown = worst_first(group, report)[:ANNOTATIONS_PER_KIND]
        lines += [command(name, fmt_time(c.message), _properties(c, origin, env)) for c in shown]
    cut = [max(0, len(g) - ANNOTATIONS_PER_KIND) for g in (failed, warned)]
    if any(cut):
        where = f": {report_path}" if report_path else ""
        lines.append(command("notice", _more(*cut) + where))
    return lines


def step_outputs(report: Report, report_path: str | None = None) -> dict[str, str]:
    """The step outputs of a run, by name."""
    return {
        "status": report.status.value,
        "exit_code": str(int(report.exit_code)),
        "drift_share": f"{report.dataset.drift_share:.6g}",
        "drifted_columns": ",".join(c.column for c in report.drifted_columns),
        "report": report_path or "",
    }


def output_entry(name: str, value: str) -> str:
    """One ``GITHUB_OUTPUT`` entry: ``name=value``, or the ``name<<DELIMITER`` form with a
    random delimiter when the value spans lines."""
    if "\n" not in value and "\r" not in value:
        return f"{name}={value}\n"
    delimiter = f"ghadelimiter_{secrets.token_hex(16)}"
    while delimiter in value:
        delimiter = f"ghadelimiter_{secrets.token_hex(16)}"
    return f"{name}<<{delimiter}\n{value}\n{delimiter}\n"


def _append(path: str, text: str) -> None:
    try:
        with open(path, "a", encoding="utf-8", newline="") as f:
            f.write(text)
    except OSError as exc:
        raise ConfigError(
            f"GitHub Actions file {path}: cannot append to it ({exc.strerror or exc}); "
            "check GITHUB_STEP_SUMMARY and GITHUB_OUTPUT, or run with --no-github"
        ) from None


def write_summary(report: Report, path: str, report_path: str | None = None) -> None:
    """Append the Markdown summary to ``path``, cut so that the file stays under GitHub's limit
    (what earlier commands of the step wrote counts too)."""
    existing = os.path.getsize(path) if os.path.isfile(path) else 0
    separator = "\n" if existing else ""
    budget = SUMMARY_LIMIT - SUMMARY_MARGIN - existing - len(separator)
    if budget < 1024:  # the step's summary is already full: adding to it aborts the upload
        return
    _append(path, separator + to_markdown(report, max_bytes=budget, artifact=report_path))


def _write_lines(stdout: TextIO, lines: Iterable[str]) -> None:
    for line in lines:
        stdout.write(line + "\n")
    stdout.flush()


def publish(
    report: Report, *, env: Mapping[str, str], stdout: TextIO, report_path: str | None = None
) -> None:
    """Publish a run to GitHub Actions: step summary, annotations on stdout, step outputs."""
    summary = env.get("GITHUB_STEP_SUMMARY")
    if summary:
        write_summary(report, summary, report_path)
    _write_lines(stdout, workflow_commands(report, env, report_path))
    outputs = env.get("GITHUB_OUTPUT")
    if outputs:
        entries = step_outputs(report, report_path).items()
        _append(outputs, "".join(output_entry(k, v) for k, v in entries))
