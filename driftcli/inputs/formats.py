"""The built-in input formats: Parquet, CSV, NDJSON (JSON Lines) and Arrow IPC."""

from __future__ import annotations

import functools
import gzip
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from driftcli.inputs.registry import INFER_ROWS, Reader, ReadOptions, ScanFunc, register_reader

if TYPE_CHECKING:
    from polars._typing import PolarsDataType


def per_file(scan_one: Callable[[str, ReadOptions], pl.LazyFrame]) -> ScanFunc:
    """A scan over many files for formats Polars scans one file at a time: hive columns from
    ``key=value`` folder names are added per file, and the frames are stacked by name."""

    def scan(files: Sequence[str], options: ReadOptions) -> pl.LazyFrame:
        scans: list[pl.LazyFrame] = []
        root = options.hive_root
        for f in files:
            lf = scan_one(f, options)
            if root is not None:
                rel = Path(f).relative_to(root).parent
                parts = [p.split("=", 1) for p in rel.parts if "=" in p]
                lf = lf.with_columns([pl.lit(v).alias(k) for k, v in parts])
            scans.append(lf)
        if len(scans) == 1:
            return scans[0]
        return pl.concat(scans, how="diagonal_relaxed")

    return scan


def _parquet(files: Sequence[str], options: ReadOptions) -> pl.LazyFrame:
    # glob=False: the files are resolved already; a name like data[2024].parquet is literal.
    return pl.scan_parquet(list(files), hive_partitioning=options.hive_root is not None, glob=False)


def _ipc(files: Sequence[str], options: ReadOptions) -> pl.LazyFrame:
    return pl.scan_ipc(list(files), hive_partitioning=options.hive_root is not None, glob=False)


def _csv(file: str, options: ReadOptions) -> pl.LazyFrame:
    scan = functools.partial(
        pl.scan_csv,
        separator=options.separator or ",",
        decimal_comma=options.decimal_comma,
        glob=False,
    )
    head = scan(file, infer_schema_length=INFER_ROWS)
    if not options.whole_file_types and not _empty_at_first(head):
        return head
    return _typed_from_every_row(scan, file)


def _typed_from_every_row(scan: Callable[..., pl.LazyFrame], file: str) -> pl.LazyFrame:
    """``scan`` of a text file with the types inferred from every row. The inference parses
    the file once more, on one core (measured: 3.8 s for 290 MB of CSV, 6.0 s for 410 MB of
    JSON Lines); inferring while reading (``infer_schema_length=None`` alone) took 11.6 s for
    that CSV, against 1.1 s more to read it with the types inferred first."""
    schema = scan(file, infer_schema_length=None).collect_schema()
    return scan(file, schema=schema)


def _empty_at_first(lazy: pl.LazyFrame) -> bool:
    """Whether a column of a CSV file is empty in the first :data:`INFER_ROWS` rows, which
    Polars infers the types from, and holds values further down: Polars reads it as text
    whatever they are, and a numeric column was skipped as free text. Costs a read of the
    first rows, and of such columns to their end when there are any."""
    text = [name for name, dtype in lazy.collect_schema().items() if dtype == pl.String]
    if not text:
        return False
    head = lazy.select(text).head(INFER_ROWS).collect()
    empty = [name for name in text if head.get_column(name).null_count() == head.height]
    if not empty or head.height < INFER_ROWS:
        return False
    later = lazy.select(pl.any_horizontal(pl.col(empty).is_not_null().any())).collect()
    return bool(later.item())


def open_file(path: str, mode: str = "rb", **text: Any) -> Any:
    """A data file opened as :func:`open` opens it, decompressed when its name ends in
    ``.gz`` (``.csv.gz``, ``.ndjson.gz``); ``text``: the encoding options of a text mode."""
    return (gzip.open if path.endswith(".gz") else open)(path, mode, **text)


def json_array(file: str) -> bool:
    """Whether a ``.json`` file holds one JSON array (of records, as pandas'
    ``to_json(orient="records")`` writes them) rather than JSON Lines."""
    with open_file(file) as f:
        head: bytes = f.read(256)
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"[")


def _ndjson(file: str, options: ReadOptions) -> pl.LazyFrame:
    if json_array(file):
        # Read whole, in memory (Polars scans JSON Lines only), its types from every record.
        with open_file(file) as f:
            return pl.read_json(f.read(), infer_schema_length=None).lazy()
    head = pl.scan_ndjson(file, infer_schema_length=INFER_ROWS)
    if not options.whole_file_types and not _keys_beyond(file, head.collect_schema()):
        return head
    return _typed_from_every_row(pl.scan_ndjson, file)  # as Spark and pandas read them


def ndjson_columns(file: str) -> list[str]:
    """The columns the polars engine reads from a JSON Lines file, in its order (the spark
    engine, which sorts them, puts them back in it)."""
    return _ndjson(file, ReadOptions()).collect_schema().names()


def _field_names(dtype: PolarsDataType) -> list[str]:
    """The names of the struct fields within ``dtype`` (through lists and arrays)."""
    if isinstance(dtype, pl.Struct):
        return [n for f in dtype.fields for n in (f.name, *_field_names(f.dtype))]
    if isinstance(dtype, (pl.List, pl.Array)):
        return _field_names(dtype.inner)
    return []


def _has_null(dtype: PolarsDataType) -> bool:
    """Whether ``dtype`` is or holds the Null dtype (a key only null in the first lines)."""
    if dtype == pl.Null:
        return True
    if isinstance(dtype, pl.Struct):
        return any(_has_null(f.dtype) for f in dtype.fields)
    if isinstance(dtype, (pl.List, pl.Array)):
        return _has_null(dtype.inner)
    return False


def _keys_beyond(file: str, schema: pl.Schema) -> bool:
    """Whether a JSON Lines file may hold what the types inferred from its first
    :data:`INFER_ROWS` lines would lose: Polars reads only the keys it inferred, so a key
    those lines lack was dropped without a word, and one they hold only as null failed the
    read. True when a key is only null there, or when any line holds a key (``"name":``)
    beyond theirs or a backslash (an escaped key could hide one); False proves there is none.
    One multi-threaded pass over the text (measured: 1.2 s for 410 MB, against 6.0 s to infer
    the types from every line)."""
    if any(_has_null(dtype) for dtype in schema.dtypes()):
        return True
    names = dict.fromkeys([*schema.names(), *(n for d in schema.dtypes() for n in _field_names(d))])
    keys = [json.dumps(name, ensure_ascii=False) + ":" for name in names]
    try:
        lines = pl.scan_csv(
            file, has_header=False, separator="\x1f", quote_char=None, schema={"line": pl.String}
        )
        line = pl.col("line")
        rest = line.str.replace_many(keys, [""] * len(keys)) if keys else line
        found = rest.str.contains(r'"\s*:') | line.str.contains("\\", literal=True)
        return bool(lines.select(found.any()).collect().item())
    except Exception:  # noqa: BLE001 - a file this cannot read as lines: infer from every line
        return True


PARQUET = register_reader(Reader("parquet", (".parquet", ".pq"), _parquet))
CSV = register_reader(Reader("csv", (".csv", ".csv.gz"), per_file(_csv)))
NDJSON = register_reader(
    Reader(
        "ndjson",
        (".ndjson", ".jsonl", ".json", ".ndjson.gz", ".jsonl.gz", ".json.gz"),
        per_file(_ndjson),
        aliases=("jsonl", "json"),
        shown=(".ndjson", ".jsonl"),
    )
)
IPC = register_reader(
    Reader(
        "ipc", (".arrow", ".ipc", ".feather"), _ipc, aliases=("arrow", "feather"), shown=(".arrow",)
    )
)
