"""The CI front door from the command line, as a CI job runs it: a fresh ``drift`` process with
GitHub's environment variables, the JUnit and Markdown flags and the config's ``[outputs]``,
and a reader that closes the pipe early. The exit code is the verdict's in every case."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

SAMPLE = ROOT / "sample_data"


def _drift() -> list[str]:
    exe = Path(sys.executable).with_name("drift")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "driftcli"]


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    env.update(extra)
    return env


def _command(*args: str, config: Path = SAMPLE / "drift.toml") -> list[str]:
    """``drift report`` on the sample with ``config`` and ``args``."""
    ref, cur = str(SAMPLE / "reference.parquet"), str(SAMPLE / "current.parquet")
    return [*_drift(), "report", ref, cur, "--config", str(config), *args]


def _report(tmp: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    cmd = _command("--quiet", *args)
    return subprocess.run(cmd, cwd=tmp, env=env, capture_output=True, text=True, check=False)


def test_inside_github_actions_it_publishes(tmp_path: Path) -> None:
    summary, outputs = tmp_path / "summary.md", tmp_path / "output.txt"
    env = _env(
        GITHUB_ACTIONS="true",
        GITHUB_STEP_SUMMARY=str(summary),
        GITHUB_OUTPUT=str(outputs),
        GITHUB_WORKSPACE=str(ROOT),
    )
    proc = _report(tmp_path, "--html", "report.html", env=env)
    assert proc.returncode == 1, proc.stderr
    commands = proc.stdout.splitlines()
    assert commands[0].startswith("::error title=driftcli%3A region=south dataset drift::")
    # the rule's annotation lands on its config line, relative to the workspace
    assert any(c.startswith("::error file=sample_data/drift.toml,line=") for c in commands)
    assert summary.read_text(encoding="utf-8").startswith("## ❌ drift report: FAIL (exit code 1")
    lines = outputs.read_text(encoding="utf-8").splitlines()
    assert lines[:2] == ["status=fail", "exit_code=1"]
    assert "report=report.html" in lines
    assert (tmp_path / "report.html").is_file()


def test_no_github_turns_it_off(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    env = _env(GITHUB_ACTIONS="true", GITHUB_STEP_SUMMARY=str(summary))
    proc = _report(tmp_path, "--no-github", env=env)
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout == ""
    assert not summary.exists()


def test_outside_github_actions_nothing_is_published(tmp_path: Path) -> None:
    proc = _report(tmp_path, env=_env())
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout == ""


def test_a_github_file_that_cannot_be_written_is_exit_2(tmp_path: Path) -> None:
    env = _env(GITHUB_ACTIONS="true", GITHUB_OUTPUT=str(tmp_path))  # a folder
    proc = _report(tmp_path, env=env)
    assert proc.returncode == 2
    assert f"GitHub Actions file {tmp_path}: cannot append" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_junit_and_markdown_flags_and_config_outputs(tmp_path: Path) -> None:
    config = tmp_path / "drift.toml"
    text = (SAMPLE / "drift.toml").read_text(encoding="utf-8")
    config.write_text(
        text + '\n[outputs]\njunit = "from-config.xml"\nmarkdown = "summary.md"\n',
        encoding="utf-8",
    )
    # a flag replaces the config's path for the same format
    cmd = _command("--quiet", "--junit", "flag.xml", config=config)
    proc = subprocess.run(cmd, cwd=tmp_path, env=_env(), capture_output=True, text=True)
    assert proc.returncode == 1, proc.stderr
    assert (tmp_path / "flag.xml").read_text(encoding="utf-8").startswith("<?xml")
    assert not (tmp_path / "from-config.xml").exists()
    md = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert md.startswith("## ❌ drift report: FAIL")


def test_a_closed_pipe_keeps_the_exit_code(tmp_path: Path) -> None:
    """``drift report ... --github | head -1``: the reader is gone before drift writes (its end
    of the pipe is closed at once, so every write meets a broken pipe); drift's exit code is
    still the verdict's (1), with no traceback on stderr."""
    cmd = _command("--github")
    err = tmp_path / "err.txt"
    with err.open("w") as stderr:
        proc = subprocess.Popen(
            cmd, cwd=tmp_path, env=_env(), stdout=subprocess.PIPE, stderr=stderr
        )
        assert proc.stdout is not None
        proc.stdout.close()
        code = proc.wait(timeout=120)
    assert code == 1, err.read_text(encoding="utf-8")
    text = err.read_text(encoding="utf-8")
    assert "Traceback" not in text and "BrokenPipe" not in text, text
    assert "drift report: FAIL" in text  # the summary on stderr is still written
