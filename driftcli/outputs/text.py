"""Words every output shares: how a timestamp is shown to a reader.

The JSON keeps each value as computed (timestamps to the microsecond); the pages a person reads
(terminal, HTML, Markdown, GitHub annotations) show whole seconds through :func:`fmt_time`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from driftcli.results.records import SegmentResult

#: The fractional seconds of a clock time (``12:30:05.123456``): readers see whole seconds.
SECONDS_FRACTION_RE = re.compile(r"((?<!\d)\d{2}:\d{2}:\d{2})\.\d+")


def fmt_time(text: str | None) -> str:
    """``text`` with every timestamp's fractional seconds dropped (``2025-03-18T11:50:22``);
    ``""`` for None. Works on a bare timestamp and on a message that holds some."""
    if not text:
        return ""
    return SECONDS_FRACTION_RE.sub(r"\1", text)


def fmt_share(value: float) -> str:
    """A share as a percentage with up to one decimal."""
    text = f"{value * 100:.1f}"
    return (text[:-2] if text.endswith(".0") else text) + "%"


def worst_first(segments: Sequence[SegmentResult]) -> list[SegmentResult]:
    """Segments with dataset drift first, then by falling drift share; segments that were not
    compared last. The sort is stable: ties keep the report's order."""

    def key(s: SegmentResult) -> tuple[int, float]:
        if s.dataset is None:
            return (2, 0.0)
        return (0 if s.dataset.drifted else 1, -s.dataset.drift_share)

    return sorted(segments, key=key)
