"""The names of the built-in input and output formats, for the ``drift`` help texts.

``drift --help`` must not import the formats themselves (the readers need Polars, the renderers
Jinja2 and more), so the help texts read these names instead of the registries.
tests/test_registries.py checks that they are exactly the registered names, in order: a new
format registered without its name here fails that test.
"""

from __future__ import annotations

#: The registered input formats (driftcli/inputs/), in registration order.
INPUT_FORMATS: tuple[str, ...] = ("parquet", "csv", "ndjson", "ipc")

#: The registered output formats (driftcli/outputs/), in registration order.
OUTPUT_FORMATS: tuple[str, ...] = (
    "json",
    "html",
    "terminal",
    "junit",
    "junit-strict",
    "markdown",
    "prometheus",
)


def input_formats_text() -> str:
    """``"parquet, csv, ndjson or ipc"``, as ``driftcli.inputs.registry.format_names()``."""
    names = INPUT_FORMATS
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"
