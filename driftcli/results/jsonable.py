"""Turning result values into JSON scalars: no NaN or Infinity, no NumPy scalars, no enums.

Every ``to_dict`` of the result layer and of the sections goes through these, so the JSON
summary never holds a value ``json.dumps(..., allow_nan=False)`` would refuse.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

#: A JSON scalar.
Scalar = str | int | float | bool | None


def num(x: float | None) -> float | None:
    """A finite float, or None (for None, NaN and the infinities)."""
    if x is None or not math.isfinite(x):
        return None
    return x


def scalar(x: object) -> Scalar:
    """A label or parameter as a JSON scalar: bool, int and str as they are, floats finite."""
    if x is None or isinstance(x, (bool, int, str)):
        return x
    if isinstance(x, float):
        return num(x)
    item = getattr(x, "item", None)  # a NumPy scalar that slipped through
    if callable(item):
        return scalar(item())
    return str(x)


def floats(m: Mapping[str, float | None] | None) -> dict[str, float | None] | None:
    """A name -> number mapping with every number finite or None."""
    if m is None:
        return None
    return {str(k): num(v) for k, v in m.items()}


def segment_values(seg: Mapping[str, Any] | None) -> dict[str, Scalar] | None:
    """A segment's ``{column: value}`` with JSON-scalar values."""
    return None if seg is None else {str(k): scalar(v) for k, v in seg.items()}


def maybe_num(x: float | str | None) -> float | str | None:
    """A value that is a number or a text (integrity observations): numbers made finite."""
    return num(x) if isinstance(x, float) else x
