"""Render and write a report's outputs: the one function the CLI and Python callers share.

:func:`write_outputs` checks every target, renders every requested format, and only then
writes them all atomically (see :mod:`driftcli.outputs.atomic`): a rendering failure or an
unwritable path leaves no output behind, and no output is half-written.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from typing import TextIO

from driftcli.errors import ConfigError
from driftcli.outputs.atomic import check_writable, write_all_atomic
from driftcli.outputs.registry import get_renderer
from driftcli.results.report import Report

#: The target that means "standard output".
STDOUT = "-"

Targets = Mapping[str, "str | os.PathLike[str]"] | Sequence[tuple[str, "str | os.PathLike[str]"]]


def _pairs(targets: Targets) -> list[tuple[str, str]]:
    items = targets.items() if isinstance(targets, Mapping) else targets
    return [(str(name), os.fspath(path)) for name, path in items]


def check_targets(targets: Targets) -> None:
    """ConfigError for an unknown format or two outputs on stdout; InputError for a path that
    cannot be written. Nothing is written."""
    pairs = _pairs(targets)
    for name, _ in pairs:
        get_renderer(name)
    if sum(1 for _, path in pairs if path == STDOUT) > 1:
        raise ConfigError("only one output can go to stdout ('-')")
    for _, path in pairs:
        if path != STDOUT:
            check_writable(path)


def render_outputs(report: Report, targets: Targets) -> list[tuple[str, str]]:
    """``(path, text)`` of every requested output, rendered but not written."""
    return [(path, get_renderer(name).render(report)) for name, path in _pairs(targets)]


def write_outputs(report: Report, targets: Targets, stdout: TextIO | None = None) -> None:
    """Render every requested output (``{"json": "summary.json", "html": "report.html"}``),
    then write them all atomically; ``"-"`` writes that one to ``stdout``."""
    check_targets(targets)
    rendered = render_outputs(report, targets)
    write_all_atomic([(path, text) for path, text in rendered if path != STDOUT])
    for path, text in rendered:
        if path == STDOUT:
            out = stdout if stdout is not None else sys.stdout
            out.write(text)
            out.flush()
