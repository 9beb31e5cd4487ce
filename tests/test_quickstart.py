"""The README quickstart's report, run as a user runs it: the sample's documented story holds."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from driftcli.cli import app
from driftcli.exitcodes import ExitCode
from tests.conftest import ROOT


def _quickstart_args() -> list[str]:
    """The `drift report ...` part of the README's first quickstart command."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    line = next(x for x in readme.splitlines() if x.startswith("python3 -m venv") and "report" in x)
    command = line.split("&&")[-1].strip()
    words = shlex.split(command)
    assert words[0].endswith("drift") and words[1] == "report", command
    return words[1:]


def test_quickstart_report_tells_the_documented_story(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    args = _quickstart_args()
    out_json, out_html = tmp_path / "summary.json", tmp_path / "report.html"
    args[args.index("--json") + 1] = str(out_json)
    args[args.index("--html") + 1] = str(out_html)
    result = CliRunner().invoke(app, args)
    assert result.exit_code == ExitCode.BREACH, result.output
    summary = json.loads(out_json.read_text())
    breaches = summary["breaches"]
    # Dataset drift in region=south only, the south accuracy rule, and the p95 latency limit.
    assert any("dataset drift in segment region=south" in b for b in breaches)
    assert not any("segment region=north" in b or "region=east" in b for b in breaches)
    assert any(b.startswith("accuracy dropped") and "region=south" in b for b in breaches)
    assert any("latency p95" in b for b in breaches)
    perf = summary["performance"]
    south = next(s for s in perf["segments"] if s["scope"] == "region=south")
    diff = south["comparison"]["differences"]["accuracy"]
    assert diff["difference"] < -0.1 and diff["ci_high"] < 0  # a real drop, not noise
    # The change point: ADWIN on south's error stream fires after 2025-03-15, not before.
    scopes = {s["scope"]: s for s in summary["concept_drift"]["scopes"]}
    adwin = next(d for d in scopes["region=south"]["detectors"] if d["method"] == "adwin")
    assert adwin["drifts"] and all(p["timestamp"] >= "2025-03-15" for p in adwin["drifts"])
    windows = summary["windows"]["windows"]
    assert len(windows) == 7 and sum(w["rows"] for w in windows) == 3500
    assert (
        summary["online"]["current"]["latency_p95"] > summary["online"]["reference"]["latency_p95"]
    )
    html = out_html.read_text()
    for section in ("performance", "concept-drift"):
        assert f'id="{section}"' in html
