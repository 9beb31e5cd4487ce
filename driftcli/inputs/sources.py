"""Opening data sources lazily: files, globs and folders of any registered input format.

The format comes from the file extension unless given (formats:
:mod:`driftcli.inputs.registry`). A folder is read as all files of its format below it;
``key=value`` folder names (hive partitions) become columns. Everything is a Polars lazy scan,
so only the columns a run needs are read."""

from __future__ import annotations

import dataclasses
import glob as globmod
import os
import re
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from driftcli.errors import InputError
from driftcli.inputs.formats import open_file
from driftcli.inputs.registry import (
    INFER_ROWS,
    ReadOptions,
    extensions_text,
    format_from_path,
    format_names,
    get_reader,
    normalise_format,
)

SourceLike = str | os.PathLike[str] | pl.DataFrame | pl.LazyFrame

#: The name a column without one gets (pandas writes its index to CSV with an empty header);
#: every output shows this name.
UNNAMED = "(unnamed)"

#: Separators a CSV read with the wrong one leaves in its single column's name.
_SEPARATORS = (";", "\t", "|")


def separator_hint(names: list[str]) -> str | None:
    """For a CSV read as one column (``names``) whose name holds another separator: the hint
    to use it (``is the separator ';'? use --separator ';'``), else None."""
    if len(names) != 1:
        return None
    found = [sep for sep in _SEPARATORS if sep in names[0]]
    if not found:
        return None
    # As typed in a shell and in TOML: '\t' (a backslash and a t), not repr's '\\t'.
    shown = "'\\t'" if found[0] == "\t" else repr(found[0])
    return (
        f"read as 1 column ({names[0]!r}); is the separator {shown}? "
        f"use --separator {shown} (or separator in the config)"
    )


@dataclass(frozen=True)
class Source:
    """One side's lazy frame and how to describe it (``format``: None for a DataFrame)."""

    role: str
    label: str
    lazy: pl.LazyFrame
    format: str | None = None
    #: The files read (empty for a frame).
    files: tuple[str, ...] = ()
    #: How the files were scanned (None for a frame).
    options: ReadOptions | None = None

    def schema(self) -> pl.Schema:
        """Column names and dtypes; read errors become InputError naming the source."""
        try:
            return self.lazy.collect_schema()
        except Exception as exc:
            raise self.read_error(exc) from exc

    def separator_hint(self) -> str | None:
        """For a CSV read as one column whose name holds another separator: the hint to use
        it (``is the separator ';'? use --separator ';'``), else None."""
        if self.format != "csv":
            return None
        return separator_hint(self.schema().names())

    def _header_hint(self) -> str | None:
        """:meth:`separator_hint` for :meth:`read_error`, from the lazy frame's schema itself
        (:meth:`schema` reports its own failures through :meth:`read_error`, which would come
        back here); None when even the header cannot be read."""
        if self.format != "csv":
            return None
        try:
            names = self.lazy.collect_schema().names()
        except Exception:  # noqa: BLE001 - no header to hint from: the generic message
            return None
        return separator_hint(names)

    def read_error(self, exc: BaseException) -> InputError:
        """An InputError naming this source, for a failure while reading it:
        :class:`TypesChangedError` when a text side's values did not parse as the types
        inferred from each file's first rows (:meth:`retyped` reads it again)."""
        msg = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if isinstance(exc, pl.exceptions.NoDataError):
            return InputError(
                f"{self.role} {self.label}: the file is empty; give a file with a header and rows"
            )
        if "invalid utf-8" in msg.lower():
            return InputError(not_utf8(self.role, self.label))
        if self.format == "csv" and "found more fields than defined" in msg:
            hint = self._header_hint()
            if hint is not None:
                # A ';' file read with ',': one header name, rows split at decimal commas.
                return InputError(f"{self.role} {self.label}: {hint}")
            return InputError(
                f"{self.role} {self.label}: a row has more fields than the header has names "
                "(a separator at the end of each row, or an unquoted value holding the "
                "separator); fix those rows, or give the header a name for every field"
            )
        if (
            isinstance(exc, pl.exceptions.ComputeError)
            and "parse" in msg
            and self.format in ("csv", "ndjson")
            and self.options is not None
            and not self.options.whole_file_types
        ):
            detail = re.sub(r" \(column number \d+\)$", "", msg)
            message = f"{self.role} {self.label}: cannot read it ({msg})"
            return TypesChangedError(self.role, detail, message)
        return InputError(
            f"{self.role} {self.label}: cannot read it ({msg}); check that it is a valid "
            f"file of its format, or set the format with --{self.role}-format"
        )

    def retyped(self) -> Source:
        """This text side read with the column types inferred from every row of each file
        (after :class:`TypesChangedError`); InputError when it still cannot be read."""
        assert self.options is not None and self.format is not None
        options = dataclasses.replace(self.options, whole_file_types=True)
        source = dataclasses.replace(self, options=options)
        try:
            lazy = _named(get_reader(self.format).scan(self.files, options))
        except Exception as exc:
            raise source.read_error(exc) from exc
        return dataclasses.replace(source, lazy=lazy)


class TypesChangedError(InputError):
    """A CSV or JSON Lines side whose values, further down a file, do not parse as the types
    Polars infers from its first :data:`~driftcli.inputs.registry.INFER_ROWS` rows (a column
    of whole numbers that later holds ``2.5``, or an id that later holds letters).
    :func:`driftcli.run.run_report` reads the side again with types inferred from every row
    (what pandas and Spark do), and says so among the report's notices."""

    def __init__(self, role: str, detail: str, message: str) -> None:
        super().__init__(message)
        self.role = role
        self.detail = detail

    def notice(self, label: str) -> str:
        """The report's notice for the side read again."""
        return (
            f"{self.role} {label}: a value further down did not fit the types inferred from "
            f"the first {INFER_ROWS} rows ({self.detail}), so the types were inferred from "
            "every row (slower: the file is parsed once more; Parquet keeps the types)"
        )


def _extension_hint(path: str) -> str:
    """What to do with a file of a format that is not read under its usual extension."""
    suffix = Path(path).suffix.lower()
    if suffix in (".tsv", ".tab"):
        return "; a tab-separated file is read as csv with --separator '\\t'"
    if suffix in (".xlsx", ".xlsm", ".xls", ".ods"):
        return "; spreadsheets are not read: save the sheet as CSV UTF-8, or as Parquet"
    if suffix in (".zip", ".bz2", ".xz", ".zst", ".7z"):
        return f"; {suffix} archives are not read: extract the file (CSV may be gzipped: .csv.gz)"
    return ""


def not_utf8(role: str, label: str) -> str:
    """The message for a text file that is not UTF-8 (Excel's "CSV" in a Windows code page,
    its "Unicode text" in UTF-16)."""
    return (
        f"{role} {label}: the file is not UTF-8 text (it holds bytes that are not UTF-8, as "
        "Latin-1, Windows-1252 or UTF-16 files do); CSV and JSON Lines are read as UTF-8: "
        "convert it, e.g. iconv -f windows-1252 -t utf-8 IN > OUT (in Excel: save as "
        '"CSV UTF-8")'
    )


def _named(lazy: pl.LazyFrame) -> pl.LazyFrame:
    """``lazy`` with a column that has no name renamed to :data:`UNNAMED`."""
    names = lazy.collect_schema().names()
    return lazy.rename({"": UNNAMED}) if "" in names and UNNAMED not in names else lazy


def _folder_files(folder: Path, fmt: str | None, role: str) -> tuple[list[str], str]:
    found: dict[str, list[str]] = {}
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith((".", "_")))
        for name in sorted(names):
            if name.startswith((".", "_")):
                continue
            f = format_from_path(name)
            if f is not None:
                found.setdefault(f, []).append(os.path.join(root, name))
    if fmt is not None:
        files = found.get(fmt, [])
        if not files:
            raise InputError(f"{role} {folder}: the folder has no {fmt} files")
        return files, fmt
    if not found:
        raise InputError(f"{role} {folder}: the folder has no {extensions_text()} files")
    if len(found) > 1:
        raise InputError(
            f"{role} {folder}: the folder mixes formats ({', '.join(sorted(found))}); "
            f"choose one with --{role}-format"
        )
    ((f, files),) = found.items()
    return files, f


def open_source(
    src: SourceLike,
    fmt: str | None,
    role: str,
    separator: str | None = None,
    decimal_comma: bool = False,
) -> Source:
    """Resolve a path, glob, folder, DataFrame or LazyFrame into a lazy Source.

    A path that names an existing file or folder is read as it is, even when its name holds
    glob characters (``data[2024].parquet``); only a path that names nothing is a pattern.
    ``separator`` is the field separator of CSV files; ``decimal_comma``: their numbers are
    written with a decimal comma.
    """
    if isinstance(src, pl.DataFrame):
        return Source(role, f"<DataFrame {src.height}x{src.width}>", _named(src.lazy()))
    if isinstance(src, pl.LazyFrame):
        return Source(role, "<LazyFrame>", _named(src))
    text = os.fspath(src)
    files, fmt, hive_root = resolve_files(text, fmt, role)
    options = ReadOptions(hive_root=hive_root, separator=separator, decimal_comma=decimal_comma)
    try:
        lazy = _named(get_reader(fmt).scan(files, options))
    except Exception as exc:
        header = _header(files[0], separator) if fmt == "csv" and files else {}
        source = Source(role, text, pl.LazyFrame(schema=header), fmt)
        raise source.read_error(exc) from exc
    return Source(role, text, lazy, fmt, tuple(files), options)


def _header(path: str, separator: str | None) -> dict[str, pl.DataType]:
    """The names in a CSV file's first line (as text), for the hints of a file Polars cannot
    scan: a ``;`` file read with ``,`` fails on its rows' decimal commas before the one-column
    header can say what is wrong. Empty when even that line cannot be read."""
    try:
        with open_file(path, "rt", encoding="utf-8-sig", errors="replace") as f:
            line: str = f.readline(1 << 20)  # a header, not a whole file without newlines
    except OSError:
        return {}
    names = line.rstrip("\r\n").split(separator or ",")
    return dict.fromkeys(names, pl.String())


def resolve_files(text: str, fmt: str | None, role: str) -> tuple[list[str], str, str | None]:
    """The files a path, glob or folder names, in the order they are read, their format and
    the hive root (the folder below which ``key=value`` folder names are columns, else None);
    InputError naming the path when it names no readable files."""
    fmt = normalise_format(fmt, f"{role} format")
    path = Path(text)
    hive_root: str | None = None
    if not path.exists() and any(ch in text for ch in "*?["):
        files = sorted(f for f in globmod.glob(text, recursive=True) if os.path.isfile(f))
        if not files:
            raise InputError(f"{role} {text}: no files match this pattern; check the path")
        kinds = {fmt or format_from_path(f) for f in files}
        if None in kinds:
            raise InputError(
                f"{role} {text}: cannot tell the format of every matching file from its "
                f"extension; pass --{role}-format"
            )
        if len(kinds) > 1:
            raise InputError(f"{role} {text}: the pattern matches several formats; narrow it")
        fmt = kinds.pop()
        # A glob through key=value folders reads them as hive partitions, like a folder does.
        parts = Path(text).parts
        fixed = next((i for i, p in enumerate(parts) if any(ch in p for ch in "*?[")), 0)
        base = Path(*parts[:fixed]) if fixed else Path(".")
        if any("=" in part for f in files for part in Path(f).relative_to(base).parent.parts):
            hive_root = str(base)
    elif path.is_dir():
        files, fmt = _folder_files(path, fmt, role)
        if any("=" in part for f in files for part in Path(f).relative_to(path).parent.parts):
            hive_root = str(path)
    elif path.is_file():
        files = [text]
        fmt = fmt or format_from_path(text)
        if fmt is None:
            raise InputError(
                f"{role} {text}: cannot tell the format from the extension; pass "
                f"--{role}-format ({format_names()}){_extension_hint(text)}"
            )
    elif path.exists():
        raise InputError(f"{role} {text}: not a regular file or folder")
    else:
        raise InputError(f"{role} {text}: no such file or folder; check the path")
    assert fmt is not None
    return files, fmt, hive_root
