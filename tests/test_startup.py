"""``drift --help`` stays light: the command's start-up imports none of the heavy libraries,
and the library still loads whole (every registry populated) on first use of a name.

Checked in fresh interpreters by what they import, never by timing; bench/bench_help.py
times it (target: under 0.3 s).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import driftcli

ROOT = Path(__file__).resolve().parents[1]

#: Loaded by a run, never by ``drift --help``.
HEAVY = (
    "polars",
    "numpy",
    "scipy",
    "jinja2",
    "plotly",
    "pyarrow",
    "rich",
    "pydantic",
    "pyspark",
    "py4j",
)


def _fresh(code: str) -> dict[str, object]:
    """Run ``code`` in a new interpreter; the JSON it prints last."""
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return dict(json.loads(proc.stdout.splitlines()[-1]))


def test_importing_the_cli_loads_no_heavy_library() -> None:
    code = (
        "import json, sys\n"
        "import driftcli.cli\n"
        f"print(json.dumps({{'heavy': [m for m in {HEAVY!r} if m in sys.modules]}}))\n"
    )
    assert _fresh(code) == {"heavy": []}


def test_help_of_the_commands_loads_no_heavy_library() -> None:
    """``drift --help`` and ``--help`` of report, history, fleet and audit, as the console
    script runs them (typer parses the group's options too)."""
    for args in ([], ["report"], ["history"], ["fleet"], ["audit"]):
        code = (
            "import json, sys\n"
            "from driftcli.cli import app\n"
            f"sys.argv = ['drift', *{args!r}, '--help']\n"
            "try:\n"
            "    app()\n"
            "except SystemExit:\n"
            "    pass\n"
            f"print(json.dumps({{'heavy': [m for m in {HEAVY!r} if m in sys.modules]}}))\n"
        )
        assert _fresh(code) == {"heavy": []}, args


#: The implementations of the sections a default run leaves off (no model, window, online
#: metrics or history): registered, never imported by such a run.
OFF_BY_DEFAULT = (
    "driftcli.sections.performance.compute",
    "driftcli.sections.performance.metrics",
    "driftcli.sections.performance.html",
    "driftcli.sections.windows.compute",
    "driftcli.sections.windows.terminal",
    "driftcli.sections.concept_drift.compute",
    "driftcli.sections.concept_drift.detectors",
    "driftcli.sections.online.compute",
    "driftcli.sections.history.compute",
)


#: Delivery code (and the HTTP client it loads): never imported by a run without [notify] or
#: [trigger].
DELIVERY = ("driftcli.notify.http", "driftcli.notify.notifiers", "urllib.request")

#: Never imported by these runs: typer from 0.29 on validates options with pydantic (pinned
#: below); scipy.signal (about 0.7 s): Page-Hinkley's fading sums do not need it.
NEVER = ("pydantic", "scipy.signal")


def test_a_run_loads_only_the_sections_it_turns_on(tmp_path: Path) -> None:
    """``drift report`` (JSON, HTML and the terminal summary) without a config imports no
    off section's implementation; with the sample's config, which turns all but history on,
    it imports theirs and reports every section. Neither delivers, so neither loads the
    delivery code, and neither loads pydantic."""

    def run(*config: str) -> dict[str, object]:
        out = tmp_path / f"r{len(config)}.json"
        argv = ["drift", "report", "sample_data/reference.parquet", "sample_data/current.parquet"]
        argv += [*config, "--json", str(out), "--html", str(tmp_path / "r.html")]
        code = (
            "import json, sys\n"
            "from driftcli.cli import app\n"
            f"sys.argv = {argv!r}\n"
            "try:\n"
            "    app()\n"
            "except SystemExit:\n"
            "    pass\n"
            f"watched = {OFF_BY_DEFAULT + DELIVERY + NEVER!r}\n"
            "print(json.dumps([m for m in watched if m in sys.modules]))\n"
        )
        proc = subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
        )
        doc = json.loads(out.read_text())
        sections = ("performance", "windows", "concept_drift", "online", "history")
        return {
            "loaded": json.loads(proc.stdout.splitlines()[-1]),
            "sections": [k for k in sections if doc.get(k) is not None],
        }

    assert run() == {"loaded": [], "sections": []}
    assert run("--config", "sample_data/drift.toml") == {
        "loaded": [m for m in OFF_BY_DEFAULT if ".history." not in m],
        "sections": ["performance", "windows", "concept_drift", "online"],
    }


def test_the_first_public_name_loads_the_library_with_every_registry() -> None:
    code = (
        "import json, sys\n"
        "import driftcli\n"
        "before = 'polars' in sys.modules\n"
        "config = driftcli.DriftConfig()\n"
        "from driftcli.inputs.registry import readers\n"
        "from driftcli.notify.notifiers import notifiers\n"
        "from driftcli.outputs.registry import renderers\n"
        "from driftcli.sections.registry import sections\n"
        "print(json.dumps({'before': before, 'inputs': [r.name for r in readers()],\n"
        "    'notifiers': [n.name for n in notifiers()],\n"
        "    'outputs': [r.name for r in renderers()],\n"
        "    'sections': [s.key for s in sections()]}))\n"
    )
    from driftcli.inputs.registry import readers
    from driftcli.notify.notifiers import notifiers
    from driftcli.outputs.registry import renderers
    from driftcli.sections.registry import sections

    loaded = _fresh(code)
    assert loaded.pop("before") is False
    # The same registries as this test process, which imported driftcli's names (conftest).
    assert loaded == {
        "inputs": [r.name for r in readers()],
        "notifiers": [n.name for n in notifiers()],
        "outputs": [r.name for r in renderers()],
        "sections": [s.key for s in sections()],
    }
    assert loaded["inputs"] and loaded["notifiers"] and loaded["outputs"] and loaded["sections"]


def test_every_public_name_resolves_and_is_listed_by_dir() -> None:
    for name in driftcli.__all__:
        assert getattr(driftcli, name) is not None, name
    assert set(driftcli.__all__) <= set(dir(driftcli))
    from driftcli import _api

    assert all(getattr(driftcli, n) is getattr(_api, n) for n in driftcli.__all__)


def test_an_unknown_name_is_an_attribute_error() -> None:
    try:
        driftcli.no_such_name  # noqa: B018
    except AttributeError as exc:
        assert "no_such_name" in str(exc)
    else:
        raise AssertionError("driftcli.no_such_name resolved")


def test_an_internal_module_imported_directly_finds_every_config_table(tmp_path: Path) -> None:
    """``from driftcli.config import load_config`` without a public name first: the section
    tables ([model], [notify], ...) are registered when the config registry is first read."""
    config = tmp_path / "drift.toml"
    config.write_text('[model]\ntarget = "target"\n[notify]\nretries = 1\n')
    code = (
        "import json\n"
        "from driftcli.config import load_config\n"
        f"print(json.dumps({{'tables': sorted(load_config({str(config)!r}).sections)}}))\n"
    )
    assert _fresh(code) == {"tables": ["model", "notify"]}


def test_a_run_on_another_engine_never_imports_pyspark() -> None:
    """The Spark engine is registered with the others, but PySpark is imported only when a
    run uses it."""
    code = (
        "import json, sys\n"
        "import driftcli\n"
        "from tests.conftest import make_frame\n"
        "driftcli.run_report(make_frame(200, 1), make_frame(200, 2), engine='polars')\n"
        "from driftcli.engines.registry import engine_names\n"
        "print(json.dumps({'spark': 'spark' in engine_names(),\n"
        "    'loaded': [m for m in ('pyspark', 'py4j') if m in sys.modules]}))\n"
    )
    assert _fresh(code) == {"spark": True, "loaded": []}


def test_the_console_script_leaves_the_library_out_of_collection(tmp_path: Path) -> None:
    """``drift`` (``main``) runs one command and ends: the objects the library's import made
    are frozen out of the collector's passes, which stays on for the command's own garbage.
    A caller of the same commands in process (``app``, as CliRunner) is left as it was."""
    argv = ["drift", "report", "sample_data/reference.parquet", "sample_data/current.parquet"]
    argv += ["--json", str(tmp_path / "r.json"), "--quiet"]
    code = (
        "import gc, json, sys\n"
        "from driftcli import registries\n"
        "from driftcli.cli import main\n"
        "seen = {}\n"
        "load = registries.load\n"
        "def watched():\n"
        "    seen.setdefault('collecting while loading', []).append(gc.isenabled())\n"
        "    load()\n"
        "registries.load = watched\n"
        "import driftcli.run\n"
        "run_report = driftcli.run.run_report\n"
        "def run(*args, **kwargs):\n"
        "    seen['frozen when the run starts'] = gc.get_freeze_count() > 10_000\n"
        "    seen['collecting during the run'] = gc.isenabled()\n"
        "    return run_report(*args, **kwargs)\n"
        "driftcli.run.run_report = run\n"
        f"sys.argv = {argv!r}\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as exc:\n"
        "    seen['code'] = exc.code\n"
        "seen['collecting after'] = gc.isenabled()\n"
        "print(json.dumps(seen))\n"
    )
    found = _fresh(code)
    # The entry point's load (later loads, on first use of a public name, are no-ops).
    assert False in found.pop("collecting while loading")  # type: ignore[operator]
    assert found == {
        "frozen when the run starts": True,
        "collecting during the run": True,
        "code": 0,
        "collecting after": True,
    }
    assert (tmp_path / "r.json").exists()

    import gc

    from typer.testing import CliRunner

    from driftcli.cli import app

    before = gc.get_freeze_count()
    result = CliRunner().invoke(app, argv[1:])
    assert result.exit_code == 0 and gc.get_freeze_count() == before


def test_a_quiet_run_never_imports_rich(tmp_path: Path) -> None:
    """rich loads to print: ``drift report --quiet`` writing JSON and HTML (a cron job's run)
    that goes well prints nothing and never imports it; a run with a summary does."""

    def loaded(*flags: str) -> bool:
        argv = ["drift", "report", "sample_data/reference.parquet", "sample_data/current.parquet"]
        argv += ["--json", str(tmp_path / "r.json"), "--html", str(tmp_path / "r.html"), *flags]
        code = (
            "import json, sys\n"
            "from driftcli.cli import main\n"
            f"sys.argv = {argv!r}\n"
            "try:\n"
            "    main()\n"
            "except SystemExit:\n"
            "    pass\n"
            "print(json.dumps({'rich': 'rich' in sys.modules}))\n"
        )
        return bool(_fresh(code)["rich"])

    assert loaded("--quiet") is False
    assert loaded() is True
