"""Golden outputs: the JSON and terminal summary of fixed runs are byte-identical to the files
in tests/golden/, and the HTML differs at most in whitespace (see tests/golden_cases.py).

Byte-identity holds in the environment the files were written in (tests/golden/
environment.json: Python, NumPy, SciPy and Polars versions, as CI installs them, and the
x86-64 level NumPy dispatches to: its exp and log differ in the last bit between AVX2 and
AVX-512, which moves the bench data's scores). Elsewhere (Python 3.10 gets older NumPy and
SciPy; another CPU) floating point may differ in the last digit, so the JSON is compared
number by number to 1e-9 relative, and the rendered text is not compared.
"""

from __future__ import annotations

import importlib
import json
import os
import platform
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest
import scipy

from tests.conftest import ROOT
from tests.golden_cases import CASES, GOLDEN, outputs, squeeze

UPDATE = os.environ.get("DRIFT_UPDATE_GOLDEN") == "1"


def _cpu_level() -> str:
    """The highest x86-64 level NumPy dispatches to here (``X86_V4`` with AVX-512)."""
    try:
        # Imported by name: NumPy ships no stubs for this private module (mypy strict).
        features = importlib.import_module("numpy._core._multiarray_umath").__cpu_features__
    except ImportError:  # NumPy 1.x
        return "unknown"
    levels = [lvl for lvl in ("X86_V4", "X86_V3", "X86_V2") if features.get(lvl)]
    return levels[0] if levels else platform.machine()


ENVIRONMENT = {
    "python": ".".join(platform.python_version_tuple()[:2]),
    "numpy": np.__version__,
    "scipy": scipy.__version__,
    "polars": pl.__version__,
    "cpu": _cpu_level(),
}
ENV_FILE = GOLDEN / "environment.json"


def _same_environment() -> bool:
    return bool(ENV_FILE.exists() and json.loads(ENV_FILE.read_text()) == ENVIRONMENT)


def _close(got: Any, want: Any, where: str = "$") -> None:
    """``got`` equals ``want`` but for floats, which may differ by 1e-9 relative."""
    if isinstance(want, float) and isinstance(got, (int, float)):
        assert got == pytest.approx(want, rel=1e-9, abs=1e-12), where
    elif isinstance(want, dict):
        assert isinstance(got, dict) and list(got) == list(want), where
        for k in want:
            _close(got[k], want[k], f"{where}.{k}")
    elif isinstance(want, list):
        assert isinstance(got, list) and len(got) == len(want), where
        for i, (g, w) in enumerate(zip(got, want, strict=True)):
            _close(g, w, f"{where}[{i}]")
    else:
        assert got == want, where


@pytest.mark.parametrize("case", sorted(CASES))
def test_outputs_match_the_golden_files(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    got = outputs(CASES[case](tmp_path))
    exact = _same_environment()
    for ext, text in got.items():
        path = GOLDEN / f"{case}.{ext}"
        if UPDATE:
            path.parent.mkdir(exist_ok=True)
            path.write_text(text, encoding="utf-8")
            ENV_FILE.write_text(json.dumps(ENVIRONMENT, indent=2) + "\n", encoding="utf-8")
            continue
        want = path.read_text(encoding="utf-8")
        if not exact:
            if ext == "json":
                _close(json.loads(text), json.loads(want))
            continue
        if ext == "html":
            assert squeeze(text) == squeeze(want), f"{path.name}: differs beyond whitespace"
        else:
            assert text == want, f"{path.name} differs; rerun with DRIFT_UPDATE_GOLDEN=1 to see"


@pytest.mark.parametrize("threads", [None, "1", "4"])
def test_cli_json_of_the_quickstart_matches_the_golden_file(
    tmp_path: Path, threads: str | None
) -> None:
    """The README's command through the real CLI gives the golden JSON (but for the time),
    whatever the number of Polars threads: a filter splits its result into one chunk per
    thread, and a float sum over chunks would differ in the last bit with their number."""
    out = tmp_path / "summary.json"
    env = dict(os.environ)
    if threads is not None:
        env["POLARS_MAX_THREADS"] = threads
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "driftcli",
            "report",
            "sample_data/reference.parquet",
            "sample_data/current.parquet",
            "--config",
            "sample_data/drift.toml",
            "--json",
            str(out),
            "--quiet",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    assert proc.returncode == 1, proc.stderr
    got = json.loads(out.read_text(encoding="utf-8"))
    want = json.loads((GOLDEN / "sample.json").read_text(encoding="utf-8"))
    got["generated_at"] = want["generated_at"]
    if not _same_environment():
        _close(got, want)
        return
    assert (
        json.dumps(got, indent=2, ensure_ascii=False) + "\n"
        == json.dumps(want, indent=2, ensure_ascii=False) + "\n"
    )
