"""Segment keys: how drift, performance and concept drift name, order and label segments.

One definition so a segment reads ``region=south`` everywhere, in the same order, and a rule's
``segment = "region=south"`` matches the label the report shows.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, time

Key = tuple[object, ...]


def json_value(v: object) -> object:
    """A segment value (or any cell) as a JSON scalar: dates as ISO text, NaN/inf as None."""
    if isinstance(v, (datetime, date, time)):
        return v.isoformat()
    if isinstance(v, float) and not math.isfinite(v):
        return None
    if v is None or isinstance(v, (str, int, float, bool)):
        return v
    return str(v)


def _sort_key(key: Key) -> tuple[object, ...]:
    return tuple((v is None, str(type(v)), v if v is not None else 0) for v in key)


def ordered_keys(*groups: Iterable[Key]) -> list[Key]:
    """The union of the groups' keys, in first-seen order made stable by value (None last)."""
    keys = list(dict.fromkeys(k for group in groups for k in group))
    try:
        keys.sort(key=_sort_key)
    except TypeError:  # values of mixed types that do not compare
        keys.sort(key=str)
    return keys


def segment_of(by: Sequence[str], key: Key) -> dict[str, object]:
    """``{column: value}`` of a partition key, values as JSON scalars."""
    return {col: json_value(v) for col, v in zip(by, key, strict=True)}


def segment_label(segment: Mapping[str, object]) -> str:
    """Human-readable ``col=value, col2=value`` form."""
    return ", ".join(f"{k}={v}" for k, v in segment.items())
