"""The renderer registry: every output format is one :class:`Renderer`, registered by name.

A renderer turns a :class:`~driftcli.results.report.Report` into text; it never recomputes a
statistic. ``drift report --output NAME=PATH`` asks for any registered renderer, and
:func:`driftcli.outputs.write.write_outputs` renders every requested output first and then
writes them all, so a Python caller gets the same outputs as the CLI.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from driftcli.errors import ConfigError
from driftcli.results.report import Report


@dataclass(frozen=True)
class Renderer:
    """An output format: its name, what it is, how to render a report, its usual suffix."""

    name: str
    description: str
    render: Callable[[Report], str]
    suffix: str = ""


_RENDERERS: dict[str, Renderer] = {}


def register_renderer(renderer: Renderer) -> Renderer:
    """Add an output format under its name."""
    if renderer.name in _RENDERERS:
        raise ValueError(f"output format {renderer.name!r} is registered twice")
    _RENDERERS[renderer.name] = renderer
    return renderer


def unregister_renderer(name: str) -> None:
    """Remove an output format (for tests that register a throwaway one)."""
    del _RENDERERS[name]


def renderers() -> list[Renderer]:
    """Every registered output format, in registration order."""
    return list(_RENDERERS.values())


def get_renderer(name: str) -> Renderer:
    """The renderer called ``name``, or ConfigError listing the valid names."""
    renderer = _RENDERERS.get(name.lower())
    if renderer is None:
        raise ConfigError(f"unknown output format {name!r}; valid formats: {', '.join(_RENDERERS)}")
    return renderer
