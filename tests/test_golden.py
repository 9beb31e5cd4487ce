"""Golden outputs: the JSON and terminal summary of fixed runs are byte-identical to the files
in tests/golden/, and the HTML differs at most in whitespace (see tests/golden_cases.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.golden_cases import CASES, GOLDEN, outputs, squeeze

UPDATE = os.environ.get("DRIFT_UPDATE_GOLDEN") == "1"


@pytest.mark.parametrize("case", sorted(CASES))
def test_outputs_match_the_golden_files(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    got = outputs(CASES[case](tmp_path))
    for ext, text in got.items():
        path = GOLDEN / f"{case}.{ext}"
        if UPDATE:
            path.parent.mkdir(exist_ok=True)
            path.write_text(text, encoding="utf-8")
            continue
        want = path.read_text(encoding="utf-8")
        if ext == "html":
            assert squeeze(text) == squeeze(want), f"{path.name}: differs beyond whitespace"
        else:
            assert text == want, f"{path.name} differs; rerun with DRIFT_UPDATE_GOLDEN=1 to see"


def test_cli_json_of_the_quickstart_matches_the_golden_file(tmp_path: Path) -> None:
    """The README's command through the real CLI gives the golden JSON (but for the time)."""
    out = tmp_path / "summary.json"
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
    )
    assert proc.returncode == 1, proc.stderr
    got = json.loads(out.read_text(encoding="utf-8"))
    want = json.loads((GOLDEN / "sample.json").read_text(encoding="utf-8"))
    got["generated_at"] = want["generated_at"]
    assert (
        json.dumps(got, indent=2, ensure_ascii=False) + "\n"
        == json.dumps(want, indent=2, ensure_ascii=False) + "\n"
    )
