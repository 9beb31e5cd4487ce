"""Data integrity: schema, rows, nulls, categories and ranges checked against limits learned
from the reference, so a broken pipeline is not mistaken for drift (the registry entry)."""

from __future__ import annotations

from pathlib import Path

from driftcli._lazy import lazy_call
from driftcli.config import ConfigTable, DriftConfig
from driftcli.sections.integrity import compute
from driftcli.sections.integrity.config import IntegrityConfig, integrity_config_from_mapping
from driftcli.sections.registry import HtmlView, SectionSpec

HERE = Path(__file__).parent


def _named(config: DriftConfig) -> list[tuple[list[str], str]]:
    return [(list(config.section(IntegrityConfig).column), "integrity column settings")]


SECTION = SectionSpec(
    key="integrity",
    title="Data integrity",
    placement="early",
    compute=compute.compute,
    config=ConfigTable(
        "integrity",
        IntegrityConfig,
        integrity_config_from_mapping,
        "[integrity] table: data integrity checks, limits and severities",
        placement="early",
    ),
    reads=compute.reads,
    passes=compute.passes,
    named_columns=_named,
    # The renderers load when a terminal summary or a page is made: rich and the page's
    # helpers stay out of a run that writes neither (a quiet run, a JSON summary).
    terminal=lazy_call("driftcli.sections.integrity.terminal", "print_section"),
    html=HtmlView(
        HERE / "section.html.j2",
        lazy_call("driftcli.sections.integrity.html", "view"),
        anchor="integrity",
        nav="Integrity",
    ),
    schema=HERE / "schema.json",
)
