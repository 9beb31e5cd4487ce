"""The ``drift`` command: parse options, call the library, write outputs, choose the exit code.

No statistics here: everything the CLI does is one library call away for Python users.
"""

from __future__ import annotations

import dataclasses
import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from driftcli._version import __version__
from driftcli.atomic import write_text_atomic
from driftcli.config import DriftConfig, FailOn, discover_config, load_config, parse_column_list
from driftcli.errors import ConfigError, DriftError, InputError
from driftcli.exitcodes import ExitCode
from driftcli.model_perf import ModelConfig
from driftcli.performance import TASKS

EXIT_CODES_HELP = (
    "Exit codes: 0 no breach; 1 breach at the --fail-on level; "
    "2 usage, config or input error; 3 internal error (rerun with --debug)."
)

app = typer.Typer(
    name="drift",
    help="Batch drift reports for data and models. " + EXIT_CODES_HELP,
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

T = TypeVar("T")


def _console(stderr: bool) -> Console:
    console = Console(stderr=stderr, highlight=False)
    if not console.is_terminal and "COLUMNS" not in os.environ:
        # Logs and CI output are read in wide windows; rich would fold at 80 columns.
        console = Console(stderr=stderr, highlight=False, width=120)
    return console


def _stderr() -> Console:
    return _console(stderr=True)


def _guard(debug: bool, body: Callable[[], T]) -> T:
    """Run a command body: user errors exit 2 with one line, bugs exit 3."""
    err = _stderr()
    try:
        return body()
    except typer.Exit:
        raise
    except DriftError as exc:
        err.print(f"error: {exc}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(int(ExitCode.USAGE)) from None
    except KeyboardInterrupt:
        err.print("interrupted", markup=False)
        raise typer.Exit(130) from None
    except Exception as exc:  # noqa: BLE001 - every other exception is a bug: exit 3
        if debug:
            traceback.print_exc(file=sys.stderr)
        err.print(
            f"internal error: {type(exc).__name__}: {exc}. This is a bug in driftcli; rerun "
            "with --debug for the traceback and report it.",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
        raise typer.Exit(int(ExitCode.INTERNAL)) from None


def _model_option(
    base: ModelConfig,
    target: str | None,
    prediction: str | None,
    score: str | None,
    task: str | None,
    positive_label: str | None,
) -> ModelConfig | None:
    """The config file's [model] with the given flags applied; None when no flag is given."""
    if all(v is None for v in (target, prediction, score, task, positive_label)):
        return None
    if task is not None and task not in TASKS:
        raise ConfigError(f"--task: unknown task {task!r}; valid tasks: {', '.join(TASKS)}")
    return dataclasses.replace(
        base,
        target=target if target is not None else base.target,
        prediction=prediction if prediction is not None else base.prediction,
        score=score if score is not None else base.score,
        task=task if task is not None else base.task,
        positive_label=positive_label if positive_label is not None else base.positive_label,
    )


def _threshold_option(value: str | None) -> float | str | None:
    """--threshold as given: a number, or the word "auto" (validated by the config)."""
    if value is None or value.strip().lower() == "auto":
        return value.strip().lower() if value is not None else None
    try:
        return float(value)
    except ValueError:
        raise ConfigError(f'--threshold: expected a number or "auto", got {value!r}') from None


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"driftcli {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_version_callback,
            is_eager=True,
            help="Show the version and exit.",
        ),
    ] = False,
) -> None:
    """Batch drift reports for data and models."""


@app.command()
def report(
    reference: Annotated[str, typer.Argument(help="Reference data: file, glob or folder.")],
    current: Annotated[str, typer.Argument(help="Current data: file, glob or folder.")],
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            "-c",
            help="drift.toml or pyproject.toml ([tool.drift]). "
            "Default: ./pyproject.toml when it has [tool.drift].",
        ),
    ] = None,
    json_out: Annotated[
        str | None, typer.Option("--json", help="Write the JSON summary here ('-' for stdout).")
    ] = None,
    html_out: Annotated[
        Path | None, typer.Option("--html", help="Write the self-contained HTML report here.")
    ] = None,
    segment_by: Annotated[
        list[str] | None,
        typer.Option("--segment-by", "-s", help="Segment column (repeat for combinations)."),
    ] = None,
    columns: Annotated[
        list[str] | None,
        typer.Option("--columns", help="Only these columns (comma-separated or repeated)."),
    ] = None,
    exclude: Annotated[
        list[str] | None,
        typer.Option("--exclude", help="Leave these columns out (comma-separated or repeated)."),
    ] = None,
    test: Annotated[
        str | None,
        typer.Option(
            "--test", help="Use this test for every column it applies to (see `drift tests`)."
        ),
    ] = None,
    threshold: Annotated[
        str | None,
        typer.Option(
            "--threshold",
            help='Threshold for --test, or "auto": learned from reference chunks '
            "(then --test is optional).",
        ),
    ] = None,
    correction: Annotated[
        str | None,
        typer.Option(
            "--correction",
            help="Multiple-testing correction over all p-value results: none, bonferroni, "
            "holm or bh (default: bh).",
        ),
    ] = None,
    drift_share: Annotated[
        float | None,
        typer.Option(
            "--drift-share", help="Share of drifted columns that is dataset drift (default 0.5)."
        ),
    ] = None,
    fail_on: Annotated[
        FailOn | None,
        typer.Option(
            "--fail-on",
            help="What makes exit code 1: dataset (default: the "
            "dataset or any segment has dataset drift), column (any drifted column), "
            "never.",
        ),
    ] = None,
    reference_format: Annotated[
        str | None, typer.Option("--reference-format", help="parquet, csv, ndjson or ipc.")
    ] = None,
    current_format: Annotated[
        str | None, typer.Option("--current-format", help="parquet, csv, ndjson or ipc.")
    ] = None,
    target: Annotated[
        str | None, typer.Option("--target", help="The model's target (label) column.")
    ] = None,
    prediction: Annotated[
        str | None, typer.Option("--prediction", help="The model's prediction column.")
    ] = None,
    score: Annotated[
        str | None,
        typer.Option("--score", help="Probability of the positive class (binary models)."),
    ] = None,
    task: Annotated[
        str | None,
        typer.Option("--task", help="binary, multiclass or regression (default: inferred)."),
    ] = None,
    positive_label: Annotated[
        str | None,
        typer.Option("--positive-label", help="The positive class (default: 1 or true)."),
    ] = None,
    time_column: Annotated[
        str | None,
        typer.Option(
            "--time-column", help="Timestamp column: orders rows for windows and concept drift."
        ),
    ] = None,
    window: Annotated[
        str | None,
        typer.Option(
            "--window",
            help="Per-window drift of the current data: a Polars duration such as 1d or 1w "
            "(needs --time-column), or a row count such as '1000 rows'.",
        ),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No terminal summary.")] = False,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show tracebacks of internal errors.")
    ] = False,
) -> None:
    """Compare CURRENT with REFERENCE and report drift per column and per segment.

    Exit codes: 0 no breach; 1 breach at the --fail-on level; 2 usage, config or input
    error; 3 internal error (rerun with --debug).

    Example: drift report ref.parquet cur.parquet --segment-by region --html report.html
    --json summary.json
    """

    def body() -> None:
        from driftcli.engine import run_report
        from driftcli.render.json import to_json

        path = config or discover_config()
        base = load_config(path) if path is not None else DriftConfig()
        cfg = base.replace(
            columns=parse_column_list(columns),
            exclude=parse_column_list(exclude),
            segment_by=parse_column_list(segment_by),
            test=test,
            threshold=_threshold_option(threshold),
            correction=correction,
            drift_share=drift_share,
            fail_on=fail_on,
            reference_format=reference_format,
            current_format=current_format,
            time_column=time_column,
            window=window,
            model=_model_option(base.model, target, prediction, score, task, positive_label),
        )
        # Check output folders before the run, so a bad path fails fast and no output is
        # written by a run that exits 2.
        for out in (json_out if json_out != "-" else None, html_out):
            if out is not None and not Path(out).resolve().parent.is_dir():
                raise InputError(
                    f"{out}: the folder {Path(out).parent} does not exist; create it first"
                )
        err = _stderr()
        show_progress = not quiet and err.is_terminal
        if show_progress:
            from rich.progress import Progress

            with Progress(console=err, transient=True) as bar:
                bar_task = bar.add_task("comparing", total=None)

                def hook(done: int, total: int) -> None:
                    bar.update(bar_task, completed=done, total=total)

                result = run_report(reference, current, cfg, progress=hook)
        else:
            result = run_report(reference, current, cfg)
        # Render everything before writing anything: a rendering failure leaves no file.
        json_text = to_json(result) if json_out is not None else None
        html_text = None
        if html_out is not None:
            from driftcli.render.html import to_html

            html_text = to_html(result)
        if json_out is not None and json_text is not None:
            if json_out == "-":
                sys.stdout.write(json_text)
                sys.stdout.flush()
            else:
                write_text_atomic(json_out, json_text)
        if html_out is not None and html_text is not None:
            write_text_atomic(html_out, html_text)
        if not quiet:
            from driftcli.render.terminal import print_summary

            print_summary(result, err)
        raise typer.Exit(int(result.exit_code))

    _guard(debug, body)


@app.command()
def init(
    reference: Annotated[str, typer.Argument(help="Reference data: file, glob or folder.")],
    output: Annotated[
        str, typer.Option("--output", "-o", help="Where to write the config ('-' for stdout).")
    ] = "drift.toml",
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
    reference_format: Annotated[
        str | None, typer.Option("--reference-format", help="parquet, csv, ndjson or ipc.")
    ] = None,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show tracebacks of internal errors.")
    ] = False,
) -> None:
    """Write a starter drift.toml from REFERENCE: each column, its kind and chosen test.

    Example: drift init ref.parquet && drift report ref.parquet cur.parquet -c drift.toml
    """

    def body() -> None:
        from driftcli.errors import ConfigError
        from driftcli.starter import starter_config

        if output != "-" and os.path.exists(output) and not force:
            raise ConfigError(f"{output} already exists; pass --force to overwrite it")
        text = starter_config(reference, reference_format)
        if output == "-":
            sys.stdout.write(text)
        else:
            write_text_atomic(output, text)
            _stderr().print(f"wrote {output}", markup=False, highlight=False)

    _guard(debug, body)


@app.command("tests")
def list_tests() -> None:
    """List the registered drift tests: kinds, p-value or distance, default threshold.

    Example: drift tests
    """
    from driftcli.stats import all_tests

    table = Table(show_edge=False, pad_edge=False)
    for head in ("test", "column kinds", "type", "default threshold", "drift when", "about"):
        table.add_column(head, overflow="fold")
    for t in all_tests():
        table.add_row(
            t.name + (f" ({', '.join(t.aliases)})" if t.aliases else ""),
            ", ".join(sorted(k.value for k in t.kinds)),
            t.kind_label,
            f"{t.default_threshold:g}",
            "p < threshold" if t.has_pvalue else "statistic >= threshold",
            t.summary,
        )
    _console(stderr=False).print(table)


def main() -> None:
    """Console-script entry point."""
    app()
