"""The engine registry: compute engines by name (``run_report(..., engine="polars")``).

An engine is a class implementing :class:`~driftcli.engines.base.Engine`; registering a
factory under a name is the one line a new engine needs. Every engine must give the numbers
the in-memory Polars engine gives.
"""

from __future__ import annotations

from collections.abc import Callable

from driftcli.engines.base import Engine
from driftcli.engines.memory import MemoryEngine
from driftcli.engines.spark import SparkEngine
from driftcli.engines.stream import AutoEngine, StreamEngine
from driftcli.errors import ConfigError

_ENGINES: dict[str, Callable[[], Engine]] = {}


def register_engine(name: str, factory: Callable[[], Engine]) -> None:
    """Make ``factory()`` the engine named ``name``."""
    if name in _ENGINES:
        raise ValueError(f"engine {name!r} is registered twice")
    _ENGINES[name] = factory


def unregister_engine(name: str) -> None:
    """Remove an engine (for tests that register a throwaway one)."""
    del _ENGINES[name]


def engine_names() -> list[str]:
    """The registered engine names, in registration order."""
    return list(_ENGINES)


def get_engine(name: str) -> Engine:
    """A new instance of the engine ``name``, or ConfigError listing the valid names."""
    factory = _ENGINES.get(name)
    if factory is None:
        raise ConfigError(f"unknown engine {name!r}; valid engines: {', '.join(_ENGINES)}")
    return factory()


register_engine("auto", AutoEngine)
register_engine("polars", MemoryEngine)
register_engine("stream", StreamEngine)
register_engine("spark", SparkEngine)
