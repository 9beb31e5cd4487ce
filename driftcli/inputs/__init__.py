"""Input formats and data sources: the reader registry, the built-in readers, and resolving a
path, glob, folder or DataFrame into a lazy source.

The registry lines: each module imported here registers its readers.
"""

from driftcli.inputs import formats as _formats  # noqa: F401  (parquet, csv, ndjson, ipc)
