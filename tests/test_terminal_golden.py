"""Golden terminal summaries of the README sample at 80 and 200 columns, on a terminal and
without one, and the verbose summary at 120: tests/golden/terminal_<width>_<tty|plain>.txt and
terminal_120_<tty|plain>_verbose.txt.

What the files pin, whatever the numbers: no line ends in spaces; on an 80-column terminal no
word is broken across lines (every table cell, test name and kind is whole); without a terminal
nothing is wrapped at a fixed width (the 80- and 200-column files are the same); the default
summary fits one screen with the verdict first.

``DRIFT_UPDATE_GOLDEN=1 python -m pytest tests/test_terminal_golden.py`` rewrites the files;
review the diff. The text is compared byte for byte only in the environment the golden files were
written in (tests/golden/environment.json, as tests/test_golden.py does): elsewhere a number may
differ in its last digit.
"""

from __future__ import annotations

import dataclasses
import io
import json
import os
import platform
import re
from collections import Counter
from functools import cache

import numpy as np
import polars as pl
import pytest
import scipy
from rich.console import Console

from driftcli import Report, load_config, run_report
from driftcli.outputs.terminal import print_summary
from driftcli.outputs.termkit import emit
from driftcli.outputs.testlist import tests_table as drift_tests_table
from driftcli.results.vocabulary import Kind
from driftcli.stats import all_tests
from tests.conftest import ROOT
from tests.golden_cases import FIXED_TIME, GOLDEN

UPDATE = os.environ.get("DRIFT_UPDATE_GOLDEN") == "1"
#: (width, on a terminal, verbose)
CASES = [
    (80, True, False),
    (80, False, False),
    (200, True, False),
    (200, False, False),
    (120, True, True),
    (120, False, True),
]
#: The default summary of the sample fits one screen.
SCREEN = 45


def _same_environment() -> bool:
    env_file = GOLDEN / "environment.json"
    here = {
        "python": ".".join(platform.python_version_tuple()[:2]),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "polars": pl.__version__,
    }
    return env_file.exists() and json.loads(env_file.read_text()) == here


@cache
def _sample() -> Report:
    cwd = os.getcwd()
    os.chdir(ROOT)  # the sources are labelled as the README runs them, from the repo root
    try:
        report = run_report(
            "sample_data/reference.parquet",
            "sample_data/current.parquet",
            load_config("sample_data/drift.toml"),
        )
    finally:
        os.chdir(cwd)
    return dataclasses.replace(report, generated_at=FIXED_TIME)


def _console(buf: io.StringIO, width: int, tty: bool) -> Console:
    """A console as the CLI has on a terminal of ``width`` columns or without one, with no
    colour or style codes (``color_system=None``) so that the text is what a reader sees."""
    return Console(
        file=buf,
        width=width,
        force_terminal=tty,
        color_system=None,
        no_color=True,
        highlight=False,
    )


def summary(width: int, tty: bool, verbose: bool = False) -> str:
    buf = io.StringIO()
    print_summary(_sample(), _console(buf, width, tty), verbose=verbose)
    return buf.getvalue()


def drift_tests_text(width: int, tty: bool) -> str:
    """`drift tests` as the CLI prints it."""
    buf = io.StringIO()
    emit(_console(buf, width, tty), drift_tests_table())
    return buf.getvalue()


def _name(width: int, tty: bool, verbose: bool) -> str:
    return f"terminal_{width}_{'tty' if tty else 'plain'}{'_verbose' if verbose else ''}.txt"


def words(text: str) -> Counter[str]:
    """Every word of the text, counted: a word broken across lines counts as two others."""
    return Counter(text.split())


@pytest.mark.parametrize(("width", "tty", "verbose"), CASES, ids=lambda x: str(x))
def test_terminal_summary_matches_the_golden_file(width: int, tty: bool, verbose: bool) -> None:
    text = summary(width, tty, verbose)
    lines = text.splitlines()
    assert lines[0].startswith("drift report: FAIL (exit 1"), "the verdict comes first"
    assert all(line == line.rstrip() for line in lines), "a line ends in spaces"
    assert "\x1b" not in text
    if tty:
        assert max(len(line) for line in lines) <= width
    path = GOLDEN / _name(width, tty, verbose)
    if UPDATE:
        path.write_text(text, encoding="utf-8")
        return
    if _same_environment():
        assert text == path.read_text(encoding="utf-8"), (
            f"{path.name} differs; rerun with DRIFT_UPDATE_GOLDEN=1 and review the diff"
        )


def test_default_summary_fits_one_screen_and_verbose_shows_everything() -> None:
    short = summary(120, False).splitlines()
    full = summary(120, False, verbose=True).splitlines()
    assert len(short) <= SCREEN, len(short)
    assert len(full) > len(short)
    order = [
        "drift report:",
        "  reference ",
        "  current ",
        "  dataset ",
        "  breach ",
        "  warning ",
        "Drifted columns",
        "Segments",
    ]
    first = [next(i for i, line in enumerate(short) if line.startswith(o)) for o in order]
    assert first == sorted(first), "verdict, inputs, share, breaches, warnings, then tables"
    # verbose: every segment row, every concept scope, the full metric table
    text = "\n".join(full)
    for label in ("region=east", "region=north", "region=south", "region=west"):
        assert sum(1 for line in full if line.startswith(f"  {label}:")) == 1, label
    assert "log_loss" in text and "(--verbose)" not in text
    assert "(--verbose)" in "\n".join(short)


def test_without_a_terminal_lines_are_not_wrapped_at_any_width() -> None:
    for verbose in (False, True):
        assert summary(80, False, verbose) == summary(200, False, verbose)
    assert max(len(line) for line in summary(80, False).splitlines()) > 80


def test_no_word_is_broken_at_80_columns() -> None:
    """The 80-column terminal summary has exactly the words of the unwrapped one."""
    for verbose in (False, True):
        assert words(summary(80, True, verbose)) == words(summary(80, False, verbose))


def test_drift_tests_table_keeps_every_test_and_kind_whole_at_80_columns() -> None:
    text = drift_tests_text(80, True)
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert all(line == line.rstrip() for line in lines)
    found = {w.strip(",;()") for w in text.split()}
    names = [t.name for t in all_tests()] + [a for t in all_tests() for a in t.aliases]
    for name in names + [k.value for k in Kind if any(k in t.kinds for t in all_tests())]:
        assert name in found, f"{name!r} is broken across lines or missing"
    # a test's row starts with its name, never with a piece of one
    starts = {line.split()[0] for line in lines[1:] if line and not line[0].isspace()}
    assert {t.name for t in all_tests()} <= starts
    assert re.search(r"\bwasserstein\b", text) and "cramer_von_mises" in text
    assert words(text) == words(drift_tests_text(80, False))
    assert "p-value" in text and "distance" in text
