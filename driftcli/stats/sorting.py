"""Which sort puts a numeric column in order: numpy's, except on a CPU where it is known slow.

Every numeric column is sorted once per side (and once per segment and window), so the sort
is most of an exact report's compute. numpy's float sort is x86-simd-sort's AVX-512 kernel on
any CPU with AVX-512. On AMD Zen 4 (family 19h with AVX-512) that kernel is about 5x slower
than numpy's own AVX2 kernel: its partition step writes with the memory-destination form of
``vcompresspd``, which Zen 4 runs in microcode (AMD's software optimisation guide for family
19h, 2.11.2: "avoid the memory destination form of COMPRESS instructions"; reported as
numpy/x86-simd-sort#6). Measured on a 2-core Zen 4 VM with numpy 2.4, two sorts at a time
as a run sorts: a million float64 values take 56 ms in ``np.sort``, 12 ms with numpy's AVX-512
dispatch turned off (``NPY_DISABLE_CPU_FEATURES``, which numpy reads only at import and which
changes the last bits of other kernels' sums too) and 35 ms in Polars' sort on one thread
(``python bench/bench_sort.py`` prints all three on the machine at hand).

So on such a CPU the columns are sorted by Polars (one thread per sort: the run sorts columns
on its own thread pool). Both sorts give the same values in the same order, apart from the
order of ``-0.0`` and ``0.0`` among themselves, which neither sort defines (nor do numpy's
own kernels agree on it): every test and distance reads the two as equal, and only a
quantile or histogram edge that lands on a zero could print its sign differently.
``DRIFT_SORT=numpy`` or ``DRIFT_SORT=polars`` chooses the sort by hand (for a benchmark, or
a CPU this check does not know); any other value is a ConfigError.
"""

from __future__ import annotations

import functools
import os
import platform
import re

import numpy as np

from driftcli.errors import ConfigError

__all__ = ["SORTS", "amd_family_of", "numpy_sort_is_slow", "sort_with"]

#: The values ``DRIFT_SORT`` may take.
SORTS = ("numpy", "polars")


def sort_with() -> str:
    """The sort for numeric columns in this process: ``DRIFT_SORT`` when set (one of
    :data:`SORTS`; ConfigError for anything else), else Polars where numpy's sort is slow."""
    chosen = os.environ.get("DRIFT_SORT", "").strip().lower()
    if not chosen:
        return "polars" if numpy_sort_is_slow() else "numpy"
    if chosen not in SORTS:
        raise ConfigError(
            f"DRIFT_SORT={os.environ['DRIFT_SORT']!r} is not a sort: set it to numpy or "
            "polars, or unset it to let the CPU decide"
        )
    return chosen


@functools.cache
def numpy_sort_is_slow() -> bool:
    """True when numpy dispatches its float sort to AVX-512 on an AMD Zen 4 CPU."""
    return _numpy_sorts_with_avx512() and _amd_family() == 0x19


def _numpy_sorts_with_avx512() -> bool:
    """Whether numpy's dispatch found (and was not told to skip) the AVX-512 feature group
    x86-simd-sort's 64-bit kernels need: ``X86_V4`` from numpy 2.4, ``AVX512_SKX`` before."""
    core = getattr(np, "_core", None) or getattr(np, "core", None)
    features = getattr(getattr(core, "_multiarray_umath", None), "__cpu_features__", None)
    if not isinstance(features, dict):
        return False
    return bool(features.get("X86_V4") or features.get("AVX512_SKX"))


def _amd_family() -> int | None:
    """This machine's AMD CPU family, None for another vendor or where the system does not
    say (Linux's /proc/cpuinfo, else the processor string Windows gives)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            text = f.read(4096)
    except OSError:
        text = platform.processor()
    return amd_family_of(text)


def amd_family_of(text: str) -> int | None:
    """The CPU family in /proc/cpuinfo's text (``vendor_id : AuthenticAMD``, ``cpu family :
    25``) or in Windows' processor string (``AMD64 Family 25 Model 17 Stepping 1,
    AuthenticAMD``) when the vendor is AMD, else None. Zen 3 and Zen 4 are family 0x19 (25),
    Zen 5 0x1A."""
    if "AuthenticAMD" not in text:
        return None
    found = re.search(r"^cpu family\s*:\s*(\d+)\s*$", text, re.MULTILINE) or re.search(
        r"\bFamily (\d+)\b", text
    )
    return int(found.group(1)) if found else None
