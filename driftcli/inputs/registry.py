"""The reader registry: every input format is one :class:`Reader`, registered by name.

A reader says which file extensions are its own and how to scan a list of its files into one
Polars LazyFrame. Format names in config files and ``--reference-format``/``--current-format``,
their help texts and every error message that lists formats are built from this registry, so a
new input format is one module that calls :func:`register_reader` plus one import line in
``driftcli/inputs/__init__.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import polars as pl

from driftcli.errors import ConfigError


@dataclass(frozen=True)
class ReadOptions:
    """How files are read, beyond what their extension says."""

    #: The folder below which ``key=value`` folder names are hive partition columns; None
    #: when the files are not hive-partitioned.
    hive_root: str | None = None
    #: The field separator of delimited text (CSV); None: the format's default.
    separator: str | None = None
    #: CSV numbers are written with a decimal comma (``1,5``).
    decimal_comma: bool = False
    #: Text formats (CSV, JSON Lines): the column types inferred from every row of each file,
    #: not from its first :data:`INFER_ROWS` (slower: the file is parsed once more for them).
    whole_file_types: bool = False


#: Rows of a text file (CSV, JSON Lines) its column types are inferred from: Polars' default.
INFER_ROWS = 100


#: ``scan(files, options)``: one lazy frame over every file (the files share a format).
ScanFunc = Callable[[Sequence[str], ReadOptions], pl.LazyFrame]


@dataclass(frozen=True)
class Reader:
    """An input format: its name, aliases, extensions and how to scan its files."""

    name: str
    extensions: tuple[str, ...]
    scan: ScanFunc
    aliases: tuple[str, ...] = ()
    #: Extensions named in messages ("no .ndjson/.jsonl files"); default the first one.
    shown: tuple[str, ...] = field(default=())

    @property
    def shown_extensions(self) -> str:
        """The extensions as messages name them, e.g. ``.ndjson/.jsonl``."""
        return "/".join(self.shown or self.extensions[:1])


_READERS: dict[str, Reader] = {}
_NAMES: dict[str, str] = {}


def register_reader(reader: Reader) -> Reader:
    """Add an input format under its name and aliases (lower case)."""
    for key in (reader.name, *reader.aliases):
        if key.lower() in _NAMES:
            raise ValueError(f"input format {key!r} is registered twice")
        _NAMES[key.lower()] = reader.name
    _READERS[reader.name] = reader
    return reader


def unregister_reader(name: str) -> None:
    """Remove a format (for tests that register a throwaway one)."""
    reader = _READERS.pop(name)
    for key in (reader.name, *reader.aliases):
        _NAMES.pop(key.lower(), None)


def readers() -> list[Reader]:
    """Every registered format, in registration order."""
    return list(_READERS.values())


def format_names() -> str:
    """``"parquet, csv, ndjson or ipc"``: the registered names for help texts."""
    names = [r.name for r in readers()]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


def get_reader(name: str) -> Reader:
    """The reader of a format name or alias; KeyError when unknown."""
    return _READERS[_NAMES[name.lower()]]


def normalise_format(fmt: str | None, where: str = "format") -> str | None:
    """Canonical format name, or ConfigError listing the valid ones."""
    if fmt is None:
        return None
    canonical = _NAMES.get(fmt.lower())
    if canonical is None:
        raise ConfigError(f"{where}: unknown format {fmt!r}; valid formats: {', '.join(_READERS)}")
    return canonical


def format_from_path(path: str) -> str | None:
    """The format named by a path's extension (longest match wins), or None."""
    lower = path.lower()
    best: tuple[int, str] | None = None
    for reader in _READERS.values():
        for ext in reader.extensions:
            if lower.endswith(ext) and (best is None or len(ext) > best[0]):
                best = (len(ext), reader.name)
    return best[1] if best is not None else None


def extensions_text() -> str:
    """``".parquet, .csv, .ndjson/.jsonl or .arrow"``: every format's extensions for messages."""
    shown = [r.shown_extensions for r in readers()]
    return shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} or {shown[-1]}"
