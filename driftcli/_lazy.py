"""Names of a package that load on first use (PEP 562), so a command's ``--help`` that imports
the package (``drift history``, ``drift fleet``, ``drift audit``) does not load what they need.

    _LAZY = {"open_store": "driftcli.history.runs", ...}
    __getattr__, __dir__ = lazy_names(_LAZY, __all__, globals())

And functions that load their module on first call (:func:`lazy_call`), so a report section
that a run leaves off never imports its implementation.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, MutableMapping, Sequence
from typing import Any


def lazy_names(
    where: Mapping[str, str], exported: Sequence[str], namespace: MutableMapping[str, Any]
) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """The module ``__getattr__`` and ``__dir__`` of a package whose names in ``where`` (name
    -> module) import their module on first use; each is then kept in ``namespace``."""
    package = namespace["__name__"]

    def getattr_(name: str) -> object:
        if name not in where:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(where[name]), name)
        namespace[name] = value
        return value

    def dir_() -> list[str]:
        return sorted({*namespace, *exported})

    return getattr_, dir_


def lazy_call(module: str, name: str) -> Callable[..., Any]:
    """A function that imports ``module`` when first called and calls its ``name``: a registry
    entry (a section's compute or view) whose implementation loads only when it runs."""

    def call(*args: Any, **kwargs: Any) -> Any:
        return getattr(importlib.import_module(module), name)(*args, **kwargs)

    call.__name__ = name
    call.__qualname__ = f"{module}.{name}"
    return call
