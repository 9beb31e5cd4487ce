"""The built-in output formats: the JSON summary, the HTML report and the terminal summary."""

from __future__ import annotations

import io

from driftcli.outputs.registry import Renderer, register_renderer
from driftcli.results.report import Report


def _json(report: Report) -> str:
    from driftcli.outputs.json import to_json

    return to_json(report)


def _html(report: Report) -> str:
    from driftcli.outputs.html import to_html

    return to_html(report)


def to_text(report: Report, width: int = 120) -> str:
    """The terminal summary as plain text (no colour), ``width`` columns wide."""
    from rich.console import Console

    from driftcli.outputs.terminal import print_summary

    buf = io.StringIO()
    console = Console(file=buf, width=width, no_color=True, highlight=False, force_terminal=False)
    print_summary(report, console)
    return buf.getvalue()


JSON = register_renderer(
    Renderer("json", "the JSON summary (schema: drift schema)", _json, ".json")
)
HTML = register_renderer(Renderer("html", "the self-contained HTML report", _html, ".html"))
TEXT = register_renderer(
    Renderer("terminal", "the terminal summary as plain text", to_text, ".txt")
)
