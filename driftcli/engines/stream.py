"""The stream engine: data larger than memory, compared exactly, a few columns at a time.

Every statistic driftcli computes is a function of one column (in a scope: the whole data, a
segment), so a run need not hold every column at once: it can read a few tested columns of
both sides (a *pass*), test them with the same code as the in-memory engine, and let them go
before reading the next. Columnar files (Parquet, IPC) read only the columns asked for, so the
passes together read the data about once; a text format (CSV, NDJSON) is parsed once into a
temporary Parquet file (in ``$TMPDIR``) that the passes read, and which is removed after the
run. The numbers are the in-memory engine's, bit for bit (``tests/test_conformance.py``):
nothing is sampled or sketched. Peak memory is what one pass holds, which grows with the rows
of a few columns rather than the whole table.

``auto`` (the default engine) reads everything at once when the estimated size of the needed
columns fits the memory budget, and in passes when it does not. The budget is
``$DRIFT_MEMORY_BUDGET`` (``16G``, ``512M``, bytes) or else 80% of the memory available.
"""

from __future__ import annotations

import contextlib
import errno
import math
import os
import re
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from typing import TypeGuard

import polars as pl

from driftcli.columns.analyse import workers
from driftcli.engines.base import DataSource
from driftcli.engines.memory import MemoryEngine
from driftcli.errors import ConfigError, InputError
from driftcli.inputs.sources import Source

#: Bytes per value in memory by dtype; strings and nested values are a guess per value.
_WIDTHS: dict[type[pl.DataType], int] = {
    pl.Boolean: 1,
    pl.Int8: 1,
    pl.UInt8: 1,
    pl.Int16: 2,
    pl.UInt16: 2,
    pl.Int32: 4,
    pl.UInt32: 4,
    pl.Float32: 4,
    pl.Date: 4,
    pl.Int64: 8,
    pl.UInt64: 8,
    pl.Float64: 8,
    pl.Datetime: 8,
    pl.Duration: 8,
    pl.Time: 8,
}
#: Polars keeps a string as a 16-byte view (up to 12 bytes inline, longer ones in a buffer).
_OTHER_WIDTH = 16

#: Memory a numeric column takes while it is tested, in multiples of its values on both
#: sides: their sorted float copies and the temporaries of the sort and the tests (a
#: categorical column needs only its category counts).
WORKING_FACTOR = 3

#: The in-memory run's peak over the size of what it reads (10M x 25 Parquet: 4.0 GB of
#: values, 5.2 GB peak), with room to spare.
IN_MEMORY_FACTOR = 1.5

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?\s*$", re.IGNORECASE)


def parse_size(text: str, where: str) -> int:
    """Bytes from ``16G``, ``512M``, ``1.5GB`` or a plain number; ConfigError otherwise."""
    m = _SIZE.match(text)
    if m is None:
        raise ConfigError(
            f"{where}: {text!r} is not a size; give bytes or a number with K, M, G or T "
            "(for example 16G)"
        )
    return int(float(m.group(1)) * 1024 ** "_kmgt".index(m.group(2).lower() or "_"))


def _available() -> int:
    """Memory available to a new allocation (Linux ``MemAvailable``), else physical memory."""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def memory_budget() -> int:
    """The bytes a run may hold: ``$DRIFT_MEMORY_BUDGET``, else 80% of available memory."""
    text = os.environ.get("DRIFT_MEMORY_BUDGET")
    if text:
        return parse_size(text, "DRIFT_MEMORY_BUDGET")
    return int(_available() * 0.8)


def width(dtype: pl.DataType) -> int:
    """Estimated bytes per value of ``dtype`` in memory."""
    return _WIDTHS.get(type(dtype), _OTHER_WIDTH)


class StreamEngine(MemoryEngine):
    """Compares the tested columns in passes sized to the memory budget (``engine="stream"``).

    ``budget`` (bytes) overrides :func:`memory_budget`; ``columns_per_pass`` fixes the pass
    size (tests use 1 to exercise every merge)."""

    name = "stream"

    def __init__(self, budget: int | None = None, columns_per_pass: int | None = None) -> None:
        self.budget = budget
        self.columns_per_pass = columns_per_pass

    def rows(self, src: DataSource) -> int | None:
        """Rows of one side without reading its values, where the format stores them (Parquet
        and IPC metadata); None when only a full read could tell."""
        if not isinstance(src, Source) or src.format not in ("parquet", "ipc"):
            return None
        try:
            return int(src.lazy.select(pl.len()).collect().item())
        except Exception as exc:
            raise src.read_error(exc) from exc

    def column_bytes(self, src: DataSource, columns: Sequence[str]) -> dict[str, int]:
        """Estimated bytes in memory of each of ``columns`` on one side (0 when absent)."""
        schema = src.schema()
        rows = self.rows(src)
        if rows is None and isinstance(src, Source) and src.files:
            # A text format: its values take about as many bytes in memory as on disk.
            total = sum(os.path.getsize(f) for f in src.files)
            return {c: total // max(1, len(schema)) if c in schema else 0 for c in columns}
        if rows is None:
            return dict.fromkeys(columns, 0)
        return {c: rows * width(schema[c]) if c in schema else 0 for c in columns}

    @contextlib.contextmanager
    def staged(
        self, ref: DataSource, cur: DataSource, columns: Sequence[str]
    ) -> Iterator[tuple[DataSource, DataSource]]:
        """The sides for a run in passes: a CSV or NDJSON side is parsed once, its needed
        ``columns`` written to a temporary Parquet file (Polars' streaming sink: bounded
        memory) that every pass reads instead of parsing the text again; removed on exit."""
        if not (_is_text(ref) or _is_text(cur)):
            yield ref, cur
            return
        try:
            folder = tempfile.mkdtemp(prefix="driftcli-passes-")
        except OSError as exc:
            raise InputError(
                f"cannot make a folder in {tempfile.gettempdir()} for the parsed text data the "
                f"passes read ({exc.strerror or exc}); set TMPDIR to a writable disk with room, "
                "or convert the data to Parquet"
            ) from None
        try:
            staged = [_as_parquet(s, columns, folder) if _is_text(s) else s for s in (ref, cur)]
            yield staged[0], staged[1]
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def _sizes(self, ref: DataSource, cur: DataSource, columns: Sequence[str]) -> list[int]:
        r, c = self.column_bytes(ref, columns), self.column_bytes(cur, columns)
        return [r[name] + c[name] for name in columns]

    def passes(
        self, ref: DataSource, cur: DataSource, columns: Sequence[str], extra: float = 0.0
    ) -> int | None:
        """Columns per pass, sized to the budget (:meth:`fit`), or ``columns_per_pass``."""
        if self.columns_per_pass is not None:
            return self.columns_per_pass
        return self.fit(ref, columns, self._sizes(ref, cur, columns), extra)

    def _budget(self) -> int:
        return self.budget if self.budget is not None else memory_budget()

    def fits_at_once(self, sizes: Sequence[int], extra: float = 0.0) -> bool:
        """Whether columns of these estimated ``sizes`` (both sides), held at once with the
        in-memory run's overhead and the sections' ``extra``, fit the memory budget."""
        return sum(sizes) * (IN_MEMORY_FACTOR + extra) <= self._budget()

    def fit(
        self, ref: DataSource, columns: Sequence[str], sizes: Sequence[int], extra: float = 0.0
    ) -> int:
        """Columns per pass: as many (of the columns' mean ``sizes``, both sides, plus the
        sections' ``extra`` share of it) as fit the budget beside the working memory of the
        largest numeric columns tested at the same time (one per thread, or per column of a
        pass smaller than that); at least one."""
        if not any(sizes):
            return max(1, len(columns))
        schema = ref.schema()
        numeric = [n for n, name in zip(sizes, columns, strict=True)
                   if name in schema and schema[name].is_numeric()]  # fmt: skip
        budget = self._budget()
        working = WORKING_FACTOR * max(numeric, default=0)
        mean = sum(sizes) / len(sizes) * (1.0 + extra)
        threads = workers()
        fit = math.floor((budget - threads * working) / mean)
        if fit < threads:
            # Fewer columns than threads: only that many are tested at once.
            fit = math.floor(budget / (mean + working))
        return max(1, min(len(columns), fit))


#: Formats read by parsing text: a run in passes parses them once (:meth:`StreamEngine.staged`).
TEXT_FORMATS = ("csv", "ndjson")


def _is_text(src: DataSource) -> TypeGuard[Source]:
    return isinstance(src, Source) and src.format in TEXT_FORMATS


def _as_parquet(src: Source, columns: Sequence[str], folder: str) -> Source:
    """``src`` (a text side) with its ``columns`` written to Parquet in ``folder``, and read
    from there, under the same label."""
    names = [c for c in dict.fromkeys(columns) if c in src.schema()]
    path = os.path.join(folder, f"{src.role}.parquet")
    try:
        src.lazy.select(names).sink_parquet(path)
    except Exception as exc:
        full = isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT)
        if full or "No space left" in str(exc) or "os error 28" in str(exc):
            raise InputError(
                f"{src.role} {src.label}: cannot write its parsed columns to {folder} for "
                "the passes (no room there); set TMPDIR to a disk with room for them, or "
                "convert the data to Parquet"
            ) from None
        raise src.read_error(exc) from exc
    return Source(src.role, src.label, pl.scan_parquet(path), "parquet", (path,))


class AutoEngine(StreamEngine):
    """In memory while the data fits the budget, else in column passes (``engine="auto"``,
    the default)."""

    name = "auto"

    def passes(
        self, ref: DataSource, cur: DataSource, columns: Sequence[str], extra: float = 0.0
    ) -> int | None:
        """None (every column at once) when the needed columns' estimated size, times the
        in-memory run's overhead and the sections' ``extra``, fits the budget; else the
        stream engine's pass size."""
        sizes = self._sizes(ref, cur, columns)
        if self.fits_at_once(sizes, extra):
            return None
        if self.columns_per_pass is not None:
            return self.columns_per_pass
        return self.fit(ref, columns, sizes, extra)
