"""The built wheel works on its own: templates ship inside it and `drift report` runs.

Slow (builds the wheel and installs it with its dependencies into a fresh virtual
environment); the README's test command runs it once.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from tests.conftest import ROOT, SAMPLE_CUR, SAMPLE_REF


@pytest.mark.slow
def test_wheel_installs_into_fresh_venv_and_reports(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(ROOT)],
        check=True,
    )
    (wheel,) = dist.glob("driftcli-*.whl")
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    py = env_dir / "bin" / "python"
    subprocess.run([str(py), "-m", "pip", "install", "-q", str(wheel)], check=True)
    work = tmp_path / "work"  # outside the source tree, so only the wheel can be imported
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    where = subprocess.run(
        [
            str(py),
            "-c",
            "import driftcli, driftcli.outputs.html as h; print(driftcli.__file__);"
            " print(h.template_dir())",
        ],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert all(str(env_dir) in line for line in where), where
    proc = subprocess.run(
        [
            str(env_dir / "bin" / "drift"),
            "report",
            str(SAMPLE_REF),
            str(SAMPLE_CUR),
            "--config",
            str(SAMPLE_REF.parent / "drift.toml"),
            "--html",
            "report.html",
            "--json",
            "summary.json",
        ],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr  # the sample has dataset drift in region=south
    summary = json.loads((work / "summary.json").read_text())
    assert summary["status"] == "fail"
    assert summary["performance"] is not None and summary["windows"] is not None
    html = (work / "report.html").read_text()
    assert "<html" in html and "drift-data" in html
