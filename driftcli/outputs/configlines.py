"""Where a check's config entry is: the file and line, for outputs that point at it.

JUnit readers and GitHub annotations put a failure on ``file:line``; for a check with a
``source`` (``column."income"``, ``model.rules[1]``, ``online.latency_p95_max``, ``windows``)
that is the line of the config file (``DriftConfig.origin``) where the entry is written. TOML
parsers keep no positions, so the table headers and keys are found in the text; a drift.toml
and a pyproject.toml's ``[tool.drift]`` tables are both understood.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

_PREFIX = r"(?:tool\.drift\.)?"


def _quoted(name: str) -> str:
    """A TOML key as it may be written: bare, "double" or 'single' quoted."""
    plain = re.escape(name)
    return rf'(?:"{plain}"|\'{plain}\'|{plain})'


@functools.lru_cache(maxsize=32)
def _lines(path: str) -> tuple[str, ...]:
    try:
        return tuple(Path(path).read_text(encoding="utf-8").splitlines())
    except (OSError, UnicodeDecodeError):
        return ()


def _first(lines: tuple[str, ...], pattern: str, start: int = 0) -> int | None:
    regex = re.compile(pattern)
    for i in range(start, len(lines)):
        if regex.match(lines[i]):
            return i
    return None


def _table(lines: tuple[str, ...], table: str) -> int | None:
    """The 0-based line of ``[table]`` (or ``[tool.drift.table]``)."""
    return _first(lines, rf"\s*\[\s*{_PREFIX}{table}\s*\]")


def config_line(path: str | None, source: str | None) -> int | None:
    """The 1-based line of ``source`` in the config file ``path``, or None when unknown."""
    if path is None or source is None:
        return None
    lines = _lines(path)
    if not lines:
        return None
    found: int | None = None
    column = re.fullmatch(r'column\."(.+)"', source)
    rule = re.fullmatch(r"model\.rules\[(\d+)\]", source)
    if column is not None:
        found = _first(lines, rf"\s*\[\s*{_PREFIX}column\.{_quoted(column.group(1))}\s*\]")
    elif rule is not None:
        headers = [
            i
            for i, line in enumerate(lines)
            if re.match(rf"\s*\[\[\s*{_PREFIX}model\.rules\s*\]\]", line)
        ]
        index = int(rule.group(1))
        found = headers[index] if index < len(headers) else _table(lines, "model")
    elif "." in source:
        table, key = source.split(".", 1)
        start = _table(lines, re.escape(table))
        if start is not None:
            end = _first(lines, r"\s*\[", start + 1)
            within = lines[: end if end is not None else len(lines)]
            found = _first(within, rf"\s*{_quoted(key)}\s*=", start + 1)
            found = start if found is None else found
    else:
        found = _table(lines, re.escape(source))
    return None if found is None else found + 1
