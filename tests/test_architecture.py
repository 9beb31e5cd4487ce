"""The package's layers, read from its source: no import cycle, and imports only point down.

The static import graph includes every ``import`` statement in a module: at the top, inside
functions and under ``if TYPE_CHECKING:``. A cycle kept out of load time by a function-level
import is still a cycle here. See docs/architecture.md for the layers.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "driftcli"

#: Layers from the bottom; a module may import its own layer or a lower one. The first
#: matching prefix decides a module's layer.
LAYERS: list[tuple[str, ...]] = [
    (
        "driftcli.errors",
        "driftcli.exitcodes",
        "driftcli._version",
        "driftcli._loader",
        "driftcli._lazy",
    ),
    ("driftcli.results",),
    (
        "driftcli.stats",
        "driftcli.timeline",
        "driftcli.inputs",
        "driftcli.outputs.registry",
        "driftcli.outputs.atomic",
        "driftcli.outputs.text",
        "driftcli.outputs.htmlkit",
        "driftcli.outputs.termkit",
    ),
    ("driftcli.columns.kinds", "driftcli.columns.thresholds", "driftcli.columns.correction"),
    ("driftcli.config",),
    ("driftcli.columns", "driftcli.engines"),
    ("driftcli.sections.registry",),
    ("driftcli.sections",),
    ("driftcli.outputs", "driftcli.notify"),
    (
        "driftcli.run",
        "driftcli.starter",
        "driftcli.history",
        "driftcli.audit",
        "driftcli.registries",
    ),
    ("driftcli.fleet",),
    ("driftcli.cli", "driftcli.__main__", "driftcli"),
]


def _modules() -> dict[str, Path]:
    out: dict[str, Path] = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


MODULES = _modules()


def _imports(name: str, path: Path) -> Iterator[str]:
    """Every driftcli module ``name`` imports, anywhere in its source."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names if a.name.startswith("driftcli"))
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            if not base.startswith("driftcli"):
                continue
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                yield sub if sub in MODULES else base


def _graph() -> dict[str, set[str]]:
    return {name: set(_imports(name, path)) - {name} for name, path in MODULES.items()}


def _layer_of(name: str) -> int:
    """The layer of the longest matching prefix."""
    found = [
        (len(p), i)
        for i, prefixes in enumerate(LAYERS)
        for p in prefixes
        if name == p or name.startswith(p + ".")
    ]
    assert found, f"{name} is in no layer; add it to LAYERS"
    return max(found)[1]


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle of ``graph`` (its modules in order, the first repeated), or None."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state:
                found = visit(nxt)
                if found is not None:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found is not None:
                return found
    return None


def test_the_static_import_graph_has_no_cycle() -> None:
    graph = _graph()
    assert sum(len(d) for d in graph.values()) > 200  # the graph was really read
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_find_cycle_reports_a_cycle_and_only_a_cycle() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None
    # a function-level import inside a module counts: read one from source
    assert "driftcli.sections.registry" in set(_imports("driftcli.run", MODULES["driftcli.run"]))


def test_imports_only_point_to_the_same_or_a_lower_layer() -> None:
    wrong = [
        f"{name} (layer {_layer_of(name)}) imports {dep} (layer {_layer_of(dep)})"
        for name, deps in sorted(_graph().items())
        for dep in sorted(deps)
        if _layer_of(dep) > _layer_of(name)
    ]
    assert not wrong, "\n".join(wrong)


def test_the_result_layer_imports_nothing_above_it() -> None:
    allowed = ("driftcli.results", "driftcli.errors", "driftcli.exitcodes")
    graph = _graph()
    for name, deps in graph.items():
        if name.startswith("driftcli.results"):
            above = [d for d in deps if not d.startswith(allowed)]
            assert not above, f"{name} imports {above}"
