"""The table of ``drift tests``: every registered drift test, its kinds and its decision rule.

Printed with ``termkit.emit(console, tests_table())``: on a terminal it fits the width without
breaking a test or kind name; without one its lines take the width they need.
"""

from __future__ import annotations

from driftcli.outputs.termkit import Cell, Col, Grid
from driftcli.stats import all_tests


def tests_table() -> Grid:
    """One row per registered test: name and aliases, column kinds, the drift rule with the
    default threshold, what it measures."""
    cols = [
        Col("test (aliases)", wrap=True),
        Col("column kinds", wrap=True),
        Col("drift when"),
        Col("about", wrap=True, optional=1),
    ]
    rows: list[list[Cell]] = []
    for t in all_tests():
        rule = "<" if t.has_pvalue else ">="
        rows.append(
            [
                t.name + (f" ({', '.join(t.aliases)})" if t.aliases else ""),
                ", ".join(sorted(k.value for k in t.kinds)),
                f"{t.kind_label} {rule} {t.default_threshold:g}",
                t.summary,
            ]
        )
    return Grid(cols, rows, indent=0)
