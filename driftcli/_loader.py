"""Fills the built-in registries the first time the config table registry is read.

``import driftcli`` is lazy (``drift --help`` must not load Polars), so importing an internal
module directly (``from driftcli.config import load_config``) would find the section tables
([model], [notify], ...) not yet registered. ``driftcli/__init__.py``, which Python runs
before any submodule, installs the loader here (the top layer may import everything); the
config registry calls :func:`ensure_loaded` before it is read. No imports: the bottom layer.
"""

from __future__ import annotations

from collections.abc import Callable

_loader: Callable[[], None] | None = None
_done = False


def set_loader(load: Callable[[], None]) -> None:
    """Install the function that fills every registry (``driftcli.registries.load``)."""
    global _loader
    _loader = load


def ensure_loaded() -> None:
    """Fill the registries once; a no-op while they are being filled and after."""
    global _done
    if _done or _loader is None:
        return
    _done = True
    _loader()
