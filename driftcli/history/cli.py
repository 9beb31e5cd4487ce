"""``drift history``: read and prune the run history store.

The store is ``--history URL``, else the config's ``history`` (``--config``, or
./pyproject.toml's [tool.drift]).

Like every sub-app of ``drift``, this module imports only typer at module level (``drift
--help`` imports it); each command body loads the library through :func:`_guard`.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from driftcli.errors import ConfigError, DriftError
from driftcli.exitcodes import ExitCode

if TYPE_CHECKING:
    from rich.console import Console

    from driftcli.outputs.termkit import Cell, Col

app = typer.Typer(
    name="history",
    help="Read and prune the run history store (drift report --history URL). "
    "Exit codes: 0 done; 2 bad option, unknown run or unreachable store.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

HistoryOpt = Annotated[
    str | None,
    typer.Option(
        "--history",
        help="The store: sqlite:///drift-history.db or postgresql://user@host/db "
        "(default: the config's history).",
    ),
]
ConfigOpt = Annotated[
    Path | None, typer.Option("--config", "-c", help="drift.toml or pyproject.toml.")
]
ModelOpt = Annotated[str | None, typer.Option("--model", "-m", help="Only this model's runs.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="JSON on stdout instead of a table.")]


def _console() -> Console:
    from rich.console import Console

    return Console(highlight=False, width=None if sys.stdout.isatty() else 120)


def _guard(body: Callable[[], None]) -> None:
    """Load the library (every registry, as ``import driftcli`` does), then run ``body``: user
    errors (bad option, unreachable store) exit 2 with one line."""
    from rich.console import Console

    from driftcli import registries

    registries.load()
    try:
        body()
    except typer.Exit:
        raise
    except DriftError as exc:
        Console(stderr=True, highlight=False).print(
            f"error: {exc}", markup=False, highlight=False, soft_wrap=True
        )
        raise typer.Exit(int(ExitCode.USAGE)) from None


def _url(history: str | None, config: Path | None) -> str:
    """The store's URL: ``--history``, else the config's."""
    from driftcli.config import DriftConfig, discover_config, load_config
    from driftcli.sections.history.config import HistoryConfig

    if history:
        return history
    path = config or discover_config()
    cfg = load_config(path) if path is not None else DriftConfig()
    url = cfg.section(HistoryConfig).url
    if url is None:
        raise ConfigError(
            "no history store: pass --history sqlite:///drift-history.db or set "
            'history = "..." in the config'
        )
    return url


def _json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


def _share(x: float | None) -> str:
    return "-" if x is None else f"{x:.0%}"


def _emit(cols: Sequence[Col], rows: Sequence[Sequence[Cell]]) -> None:
    from driftcli.outputs import termkit as tk

    tk.emit(_console(), tk.Grid(cols, rows))


@app.command("list")
def list_runs(
    history: HistoryOpt = None,
    config: ConfigOpt = None,
    model: ModelOpt = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="How many runs.")] = 20,
    as_json: JsonOpt = False,
) -> None:
    """List the latest runs (newest first): status, exit code, drift share.

    Example: drift history list --history sqlite:///drift-history.db --model churn --limit 5
    """

    def body() -> None:
        from driftcli.history.runs import open_store
        from driftcli.outputs.termkit import Col

        with open_store(_url(history, config)) as store:
            runs = store.runs(model, limit)
        if as_json:
            _json(runs)
            return
        cols = [
            Col("run", right=True),
            Col("model"),
            Col("started"),
            Col("data end"),
            Col("status"),
            Col("exit", right=True),
            Col("drift share", right=True),
            Col("drifted", right=True),
        ]
        rows: list[list[Cell]] = [
            [
                str(r["id"]),
                r["model"],
                r["started_at"],
                r["data_end"] or "",
                r["status"],
                str(r["exit_code"]),
                _share(r["drift_share"]),
                ""
                if r["columns_tested"] is None
                else f"{r['columns_drifted']}/{r['columns_tested']}",
            ]
            for r in runs
        ]
        _emit(cols, rows)

    _guard(body)


@app.command("column")
def column(
    name: Annotated[str, typer.Argument(help="The column.")],
    history: HistoryOpt = None,
    config: ConfigOpt = None,
    model: ModelOpt = None,
    last: Annotated[int, typer.Option("--last", "-n", min=1, help="How many runs.")] = 10,
    scope: Annotated[
        str, typer.Option("--scope", help="overall, or a segment label such as region=south.")
    ] = "overall",
    as_json: JsonOpt = False,
) -> None:
    """A column's test, statistic, p-value and verdict over its last runs (newest first).

    Example: drift history column income --last 5 --history sqlite:///drift-history.db
    """

    def body() -> None:
        from driftcli.history.runs import open_store
        from driftcli.outputs.termkit import Col, fmt_number

        with open_store(_url(history, config)) as store:
            rows = store.column(name, model, last, scope)
        if as_json:
            _json(rows)
            return
        if not rows:
            raise ConfigError(f"no stored results for column {name!r} ({scope}); check the name")
        _emit(
            [
                Col("run", right=True),
                Col("model"),
                Col("started"),
                Col("test"),
                Col("statistic", right=True),
                Col("p-value", right=True),
                Col("threshold", right=True),
                Col("drifted"),
            ],
            [
                [
                    str(r["run_id"]),
                    r["model"],
                    r["started_at"],
                    r["test"] or "",
                    fmt_number(r["statistic"]),
                    fmt_number(r["pvalue"]),
                    fmt_number(r["threshold"]),
                    "yes" if r["drifted"] else "no",
                ]
                for r in rows
            ],
        )

    _guard(body)


@app.command("show")
def show(
    run_id: Annotated[int, typer.Argument(help="The run's id (see drift history list).")],
    history: HistoryOpt = None,
    config: ConfigOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """One run: its inputs, dataset verdicts, drifted columns, metrics and findings.

    Example: drift history show 42 --history sqlite:///drift-history.db
    """

    def body() -> None:
        from driftcli.history.runs import open_store
        from driftcli.outputs import termkit as tk
        from driftcli.outputs.termkit import Col, fmt_number

        with open_store(_url(history, config)) as store:
            run = store.show(run_id)
        if run is None:
            raise ConfigError(f"no run {run_id} in the history store; see drift history list")
        run["inputs"] = json.loads(run["inputs"]) if run["inputs"] else []
        if as_json:
            _json(run)
            return
        console = _console()
        tk.heading(f"Run {run['id']} of model {run['model']}", console)
        for key in ("started_at", "finished_at", "data_start", "data_end", "status", "exit_code"):
            tk.field(console, key.replace("_", " "), str(run[key]))
        for side in run["inputs"]:
            tk.field(console, side["side"], f"{side['source']} ({side['rows']} rows)")
        for d in run["datasets"]:
            tk.field(
                console,
                d["scope"],
                f"{d['columns_drifted']} of {d['columns_tested']} columns drifted "
                f"({_share(d['drift_share'])})" + ("; dataset drift" if d["drifted"] else ""),
            )
        drifted = [c for c in run["columns"] if c["drifted"]]
        if drifted:
            _emit(
                [Col("scope"), Col("column", wrap=True), Col("test"), Col("statistic", right=True),
                 Col("p-value", right=True)],
                [
                    [c["scope"], c["column"], c["test"] or "", fmt_number(c["statistic"]),
                     fmt_number(c["pvalue"])]
                    for c in drifted
                ],
            )  # fmt: skip
        for m in run["metrics"]:
            if m["scope"] == "overall":
                tk.field(console, m["name"], fmt_number(m["value"]))
        for f in run["findings"]:
            tk.field(console, f["severity"], f["message"])

    _guard(body)


@app.command("prune")
def prune(
    keep: Annotated[
        str, typer.Option("--keep", help="Keep the runs of this last period: 90d, 12w, 36h.")
    ],
    history: HistoryOpt = None,
    config: ConfigOpt = None,
    model: ModelOpt = None,
) -> None:
    """Delete the runs that started before the --keep period (all models, or --model).

    Example: drift history prune --keep 90d --history sqlite:///drift-history.db
    """

    def body() -> None:
        from rich.console import Console

        from driftcli.history.runs import open_store
        from driftcli.sections.history.config import parse_duration

        period = parse_duration(keep, "--keep")
        with open_store(_url(history, config)) as store:
            n = store.prune(period, model)
        Console(stderr=True, highlight=False).print(
            f"deleted {n} {'run' if n == 1 else 'runs'} older than {keep}", markup=False
        )

    _guard(body)
