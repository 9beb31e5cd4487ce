"""The ``drift`` command: parse options, call the library, write outputs, choose the exit code.

No statistics here: everything the CLI does is one library call away for Python users.

Start-up stays light (``drift --help``): at module level only typer and driftcli modules that
import no third-party library; each command body loads the library (:func:`_library`) and
imports what it uses. tests/test_cli.py checks the heavy libraries stay out.
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
import traceback
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TextIO, TypeVar

import typer

from driftcli import builtin_names
from driftcli._version import __version__
from driftcli.errors import ConfigError, DriftError
from driftcli.exitcodes import ExitCode
from driftcli.results.vocabulary import FailOn

if TYPE_CHECKING:
    from rich.console import Console

    from driftcli.config import DriftConfig
    from driftcli.results.report import Report

EXIT_CODES_HELP = (
    "Exit codes: 0 no breach; 1 breach at the --fail-on level; "
    "2 usage, config or input error; 3 internal error (rerun with --debug)."
)


class _Group(typer.core.TyperGroup):
    """typer's group whose ``--help`` is False, not None, when not given: typer coerces a None
    through pydantic (~0.15 s to import), which ``drift report --help`` and ``drift history
    --help`` would pay only to parse the group's own absent ``--help``."""

    def get_help_option(self, ctx: Any) -> typer.core.TyperOption | None:  # typer._click.Context
        option = super().get_help_option(ctx)
        if option is not None and option.default is None:
            option.default = False
        return option


app = typer.Typer(
    name="drift",
    cls=_Group,
    help="Batch drift reports for data and models. " + EXIT_CODES_HELP,
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

T = TypeVar("T")


#: Set by :func:`main`: this process runs one command and ends (the console script), so the
#: objects the library's import makes live as long as the process does.
_ONE_SHOT = False


def _library() -> None:
    """Load the library as ``import driftcli`` does: every input and output format, notifier
    and report section registered. Each command body calls it first."""
    from driftcli import registries

    if not _ONE_SHOT:
        registries.load()
        return
    # Importing Polars, NumPy and driftcli makes ~60,000 objects that live to the end: the
    # collector's passes over them while they are made, and on every later full collection,
    # find nothing (about 0.04 s of a report, measured). They are left out of collection.
    gc.disable()
    try:
        registries.load()
    finally:
        gc.freeze()
        gc.enable()


def _console(stderr: bool) -> Console:
    from rich.console import Console

    console = Console(stderr=stderr, highlight=False)
    if not console.is_terminal and "COLUMNS" not in os.environ:
        # Logs and CI output are read in wide windows; rich would fold at 80 columns.
        console = Console(stderr=stderr, highlight=False, width=120)
    return console


def _stderr() -> Console:
    return _console(stderr=True)


@contextlib.contextmanager
def _closed_pipe_ok(stream: TextIO) -> Iterator[None]:
    """Stop writing to ``stream`` (stdout or stderr) when its reader went away, quietly: its
    later writes (and the interpreter's final flush) go to /dev/null instead of raising."""
    try:
        yield
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        with contextlib.suppress(OSError, ValueError):
            os.dup2(devnull, stream.fileno())


def _guard(debug: bool, body: Callable[[], T]) -> T:
    """Run a command body: user errors exit 2 with one line, bugs exit 3."""
    try:
        _library()
        return body()
    except typer.Exit:
        raise
    except DriftError as exc:
        _stderr().print(f"error: {exc}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(int(ExitCode.USAGE)) from None
    except KeyboardInterrupt:
        _stderr().print("interrupted", markup=False)
        raise typer.Exit(130) from None
    except Exception as exc:  # noqa: BLE001 - every other exception is a bug: exit 3
        if debug:
            traceback.print_exc(file=sys.stderr)
        _stderr().print(
            f"internal error: {type(exc).__name__}: {exc}. This is a bug in driftcli; rerun "
            "with --debug for the traceback and report it.",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
        raise typer.Exit(int(ExitCode.INTERNAL)) from None


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


_FORMATS = builtin_names.input_formats_text()

# The options of `drift report`, one line each in its signature.
ConfigOpt = Annotated[
    Path | None,
    typer.Option(
        "--config",
        "-c",
        help="drift.toml or pyproject.toml ([tool.drift]). "
        "Default: ./pyproject.toml when it has [tool.drift].",
    ),
]
JsonOpt = Annotated[
    str | None, typer.Option("--json", help="Write the JSON summary here ('-' for stdout).")
]
HtmlOpt = Annotated[
    str | None, typer.Option("--html", help="Write the self-contained HTML report here.")
]
JunitOpt = Annotated[
    str | None,
    typer.Option("--junit", help="Write JUnit XML here (one test case per check, for CI servers)."),
]
MarkdownOpt = Annotated[
    str | None,
    typer.Option("--markdown", help="Write the summary as Markdown here (merge requests, chat)."),
]
OutputOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--output",
        "-o",
        help="Write an output as FORMAT=PATH (repeat for several; '-' for stdout). Formats: "
        + ", ".join(builtin_names.OUTPUT_FORMATS)
        + ".",
    ),
]
ListOpt = Annotated[list[str] | None, typer.Option()]
SegmentOpt = Annotated[
    list[str] | None,
    typer.Option("--segment-by", "-s", help="Segment column (repeat for combinations)."),
]
ColumnsOpt = Annotated[
    list[str] | None,
    typer.Option("--columns", help="Only these columns (comma-separated or repeated)."),
]
ExcludeOpt = Annotated[
    list[str] | None,
    typer.Option("--exclude", help="Leave these columns out (comma-separated or repeated)."),
]
TestOpt = Annotated[
    str | None,
    typer.Option(
        "--test", help="Use this test for every column it applies to (see `drift tests`)."
    ),
]
ThresholdOpt = Annotated[
    str | None,
    typer.Option(
        "--threshold",
        help='Threshold for --test, or "auto": learned from reference chunks '
        "(then --test is optional).",
    ),
]
CorrectionOpt = Annotated[
    str | None,
    typer.Option(
        "--correction",
        help="Multiple-testing correction over all p-value results: none, bonferroni, "
        "holm or bh (default: bh).",
    ),
]
ShareOpt = Annotated[
    float | None,
    typer.Option(
        "--drift-share", help="Share of drifted columns that is dataset drift (default 0.5)."
    ),
]
FailOnOpt = Annotated[
    FailOn | None,
    typer.Option(
        "--fail-on",
        help="What makes exit code 1: dataset (default: the "
        "dataset or any segment has dataset drift), column (any drifted column), "
        "never.",
    ),
]
RefFormatOpt = Annotated[str | None, typer.Option("--reference-format", help=f"{_FORMATS}.")]
CurFormatOpt = Annotated[str | None, typer.Option("--current-format", help=f"{_FORMATS}.")]
TargetOpt = Annotated[
    str | None, typer.Option("--target", help="The model's target (label) column.")
]
PredictionOpt = Annotated[
    str | None, typer.Option("--prediction", help="The model's prediction column.")
]
ScoreOpt = Annotated[
    str | None,
    typer.Option("--score", help="Probability of the positive class (binary models)."),
]
TaskOpt = Annotated[
    str | None,
    typer.Option("--task", help="binary, multiclass or regression (default: inferred)."),
]
PositiveOpt = Annotated[
    str | None,
    typer.Option("--positive-label", help="The positive class (default: 1 or true)."),
]
TimeOpt = Annotated[
    str | None,
    typer.Option(
        "--time-column", help="Timestamp column: orders rows for windows and concept drift."
    ),
]
WindowOpt = Annotated[
    str | None,
    typer.Option(
        "--window",
        help="Per-window drift of the current data: a Polars duration such as 1d or 1w "
        "(needs --time-column), or a row count such as '1000 rows'.",
    ),
]
SeparatorOpt = Annotated[
    str | None,
    typer.Option("--separator", help="Field separator of CSV inputs (default ','; '\\t' for tab)."),
]
DecimalCommaOpt = Annotated[
    bool | None,
    typer.Option(
        "--decimal-comma",
        help="CSV numbers are written with a decimal comma (1,5); needs --separator, usually ';'.",
    ),
]
ColumnErrorsOpt = Annotated[
    str | None,
    typer.Option(
        "--column-errors",
        help="warn (default) or fail: whether a column whose test gave no result fails the run.",
    ),
]
EngineOpt = Annotated[
    str,
    typer.Option(
        "--engine",
        help="auto (default): in memory while the data fits the memory budget "
        "($DRIFT_MEMORY_BUDGET, else 80% of free memory), else stream; polars: in memory; "
        "stream: a few columns at a time, for data larger than memory; spark: Spark reads "
        "(paths, s3a:// or hdfs:// URIs, table:db.name; pip install 'driftcli[spark]'), "
        "the columns are compared here. Same numbers.",
    ),
]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No terminal summary.")]
VerboseOpt = Annotated[
    bool,
    typer.Option(
        "--verbose", "-v", help="Full terminal tables (every drifted column, segment, rule)."
    ),
]
GithubOpt = Annotated[
    bool | None,
    typer.Option(
        "--github/--no-github",
        help="Publish to GitHub Actions: step summary, annotations, step outputs "
        "(default: on when GITHUB_ACTIONS=true).",
        show_default=False,
    ),
]
DebugOpt = Annotated[bool, typer.Option("--debug", help="Show tracebacks of internal errors.")]
HistoryOpt = Annotated[
    str | None,
    typer.Option(
        "--history",
        help="Remember this run in a history store (sqlite:///drift-history.db or "
        "postgresql://user@host/db): rules across runs, trends, `drift history`.",
    ),
]
RunKeyOpt = Annotated[
    str | None,
    typer.Option("--run-key", help="Idempotency key of this run (default: the inputs' files)."),
]
OnDuplicateOpt = Annotated[
    str | None,
    typer.Option(
        "--on-duplicate",
        help="A run stored before for the same key: refuse (default, exit 2), replace, append.",
    ),
]
PrometheusOpt = Annotated[
    str | None,
    typer.Option(
        "--prometheus",
        help="Write Prometheus metrics here (a .prom file for node_exporter's textfile collector).",
    ),
]
PushgatewayOpt = Annotated[
    str | None,
    typer.Option(
        "--pushgateway",
        help='Push the metrics to this Pushgateway (grouping key job="driftcli", model).',
    ),
]
AlertmanagerOpt = Annotated[
    str | None,
    typer.Option(
        "--alertmanager",
        help="Post alerts to this Alertmanager (/api/v2/alerts); a passing run resolves them.",
    ),
]
ModelNameOpt = Annotated[
    str | None,
    typer.Option(
        "--model-name",
        help="The model's name: the model label of metrics and alerts, and the model history "
        "runs are stored under (default: [prometheus] model, or the config's stem for history).",
    ),
]
AuditOpt = Annotated[
    str | None,
    typer.Option(
        "--audit",
        envvar="DRIFT_AUDIT",
        help="Append this run to a tamper-evident audit trail (a JSON Lines file; also from "
        "$DRIFT_AUDIT); `drift audit verify` checks it.",
    ),
]
WebhookOpt = Annotated[
    str | None,
    typer.Option(
        "--webhook", help="POST the JSON summary here ([notify] webhook_format: compact, slack)."
    ),
]


def _targets(
    configured: Mapping[str, str], named: Mapping[str, str | None], outputs: list[str]
) -> list[tuple[str, str]]:
    """The requested outputs as (format, path): the config's [outputs], then --json, --html,
    --junit, --markdown, then each --output; a format given again replaces the earlier path."""
    chosen = dict(configured)
    chosen.update({name: path for name, path in named.items() if path is not None})
    for item in outputs:
        name, sep, path = item.partition("=")
        if not sep or not name.strip() or not path.strip():
            raise ConfigError(f"--output {item!r}: expected FORMAT=PATH, e.g. json=summary.json")
        chosen[name.strip().lower()] = path.strip()
    return list(chosen.items())


def _publish_github(result: Report, flag: bool | None, written: Mapping[str, str]) -> None:
    """The GitHub Actions step summary, annotations and step outputs, when on; the ``report``
    step output names the HTML report (else the JSON) this run wrote."""
    from driftcli.outputs.github import github_enabled, publish

    if github_enabled(os.environ, flag):
        path = written.get("html") or written.get("json")
        publish(result, env=os.environ, stdout=sys.stdout, report_path=path)


def _deliver(result: Report, cfg: DriftConfig, written: Mapping[str, str]) -> Report:
    """Send the configured notifications; print each failed one on stderr (secrets masked)."""
    from driftcli.notify import deliver

    location = written.get("html") or written.get("json")
    result = deliver(result, cfg, None if location == "-" else location, written)
    with _closed_pipe_ok(sys.stderr):
        for d in result.deliveries:
            if not d.ok:
                _stderr().print(
                    f"warning: {d.name} delivery to {d.target} failed after {d.attempts} "
                    f"attempt(s): {d.error}",
                    markup=False,
                    highlight=False,
                    soft_wrap=True,
                )
    return result


def _run(reference: str, current: str, cfg: DriftConfig, engine: str, progress: bool) -> Report:
    """run_report, with a progress bar on stderr when it is a terminal."""
    from driftcli.run import run_report

    if not progress:
        return run_report(reference, current, cfg, engine=engine)
    from rich.progress import Progress

    with Progress(console=_stderr(), transient=True) as bar:
        bar_task = bar.add_task("comparing", total=None)

        def hook(done: int, total: int) -> None:
            bar.update(bar_task, completed=done, total=total)

        return run_report(reference, current, cfg, progress=hook, engine=engine)


def _history_before(
    cfg: DriftConfig, reference: str, current: str
) -> tuple[DriftConfig, DriftError | None]:
    """Load the run history for this run. A refused duplicate stops here (exit 2, nothing
    written); a store that cannot be read is reported after the run, whose report files are
    still written."""
    from driftcli.history import HistoryStoreError, attach, mark_unavailable

    try:
        return attach(cfg, reference, current), None
    except HistoryStoreError as exc:
        return mark_unavailable(cfg, exc), exc


def _history_after(result: Report, failed: DriftError | None, location: str | None) -> int:
    """Record the run in the history store; the exit code: the run's, or 2 when the store
    failed (see README, "Run history": the files are written, the run is not remembered, so
    it is not a pass)."""
    from driftcli.config import DriftConfig
    from driftcli.history import HistoryError, record
    from driftcli.sections.history.config import HistoryConfig

    cfg = result.config
    if not isinstance(cfg, DriftConfig) or cfg.section(HistoryConfig).url is None:
        return int(result.exit_code)
    if failed is None:
        try:
            record(result, report_location=None if location == "-" else location)
            return int(result.exit_code)
        except HistoryError as exc:
            failed = exc
    _stderr().print(
        f"error: {failed}; the report files were written but this run was not recorded "
        f"(the run alone would exit {int(result.exit_code)})",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )
    return int(ExitCode.USAGE)


def _audit(
    path: str | None,
    reference: str,
    current: str,
    exit_code: int,
    result: Report | None = None,
    error: str | None = None,
    cfg: DriftConfig | None = None,
) -> int:
    """Append the run (or the error that stopped it) to the audit trail; the exit code, 2
    when the trail cannot be appended to (a compliance record that was not written is not a
    pass; the report files are written)."""
    if path is None:
        return exit_code
    from driftcli.audit import append, input_fingerprint, report_verdict, run_record

    try:
        rows: dict[str, int | None] = {"reference": None, "current": None}
        if result is not None:
            rows = {"reference": result.reference.rows, "current": result.current.rows}
        inputs = [
            {"side": side, **input_fingerprint(source, rows=rows[side])}
            for side, source in (("reference", reference), ("current", current))
        ]
        config = result.config if result is not None else cfg
        append(
            path,
            run_record(
                command="report",
                exit_code=exit_code,
                model=_model_name(config),
                config=config.to_dict() if config is not None else None,
                inputs=inputs,
                verdict=report_verdict(result) if result is not None else None,
                error=error,
            ),
        )
    except DriftError as exc:
        _stderr().print(
            f"error: audit trail {path}: {exc}; the report files were written but this run "
            f"was not audited (the run alone would exit {exit_code})",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
        return int(ExitCode.USAGE)
    return exit_code


def _model_name(cfg: object) -> str | None:
    """The model's name for the audit trail: [prometheus] model / --model-name when set."""
    from driftcli.config import DriftConfig

    if not isinstance(cfg, DriftConfig):
        return None
    from driftcli.outputs.prometheus import DEFAULT_MODEL, PrometheusConfig

    name = cfg.section(PrometheusConfig).model
    return None if name == DEFAULT_MODEL else name


@app.command()
def report(
    reference: Annotated[str, typer.Argument(help="Reference data: file, glob or folder.")],
    current: Annotated[str, typer.Argument(help="Current data: file, glob or folder.")],
    config: ConfigOpt = None,
    json_out: JsonOpt = None,
    html_out: HtmlOpt = None,
    junit_out: JunitOpt = None,
    md_out: MarkdownOpt = None,
    prometheus_out: PrometheusOpt = None,
    output: OutputOpt = None,
    segment_by: SegmentOpt = None,
    columns: ColumnsOpt = None,
    exclude: ExcludeOpt = None,
    test: TestOpt = None,
    threshold: ThresholdOpt = None,
    correction: CorrectionOpt = None,
    drift_share: ShareOpt = None,
    fail_on: FailOnOpt = None,
    reference_format: RefFormatOpt = None,
    current_format: CurFormatOpt = None,
    target: TargetOpt = None,
    prediction: PredictionOpt = None,
    score: ScoreOpt = None,
    task: TaskOpt = None,
    positive_label: PositiveOpt = None,
    time_column: TimeOpt = None,
    window: WindowOpt = None,
    separator: SeparatorOpt = None,
    decimal_comma: DecimalCommaOpt = None,
    column_errors: ColumnErrorsOpt = None,
    engine: EngineOpt = "auto",
    history: HistoryOpt = None,
    run_key: RunKeyOpt = None,
    on_duplicate: OnDuplicateOpt = None,
    github: GithubOpt = None,
    pushgateway: PushgatewayOpt = None,
    alertmanager: AlertmanagerOpt = None,
    webhook: WebhookOpt = None,
    model_name: ModelNameOpt = None,
    audit: AuditOpt = None,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Compare CURRENT with REFERENCE and report drift per column and per segment.

    Exit codes: 0 no breach; 1 breach at the --fail-on level; 2 usage, config or input
    error; 3 internal error (rerun with --debug).

    Example: drift report ref.parquet cur.parquet --segment-by region --html report.html
    --json summary.json
    """
    flags = {k: v for k, v in locals().items() if k not in _NOT_CONFIG}

    def body() -> None:
        cfg: DriftConfig | None = None
        try:
            cfg = _config(flags)
            _report(cfg)
        except typer.Exit:  # the run's own exit code, audited by _report
            raise
        except DriftError as exc:  # audited, then the one-line message and exit 2
            _audit(audit, reference, current, int(ExitCode.USAGE), error=str(exc), cfg=cfg)
            raise
        except Exception as exc:  # a bug: audited too, then exit 3 as _guard decides
            why = f"internal error: {type(exc).__name__}: {exc}"
            _audit(audit, reference, current, int(ExitCode.INTERNAL), error=why, cfg=cfg)
            raise

    def _config(flags: dict[str, object]) -> DriftConfig:
        from driftcli.config import DriftConfig, discover_config, load_config

        path = config or discover_config()
        base = load_config(path) if path is not None else DriftConfig()
        return base.with_options(**flags)

    def _report(cfg: DriftConfig) -> None:
        from driftcli.outputs.write import check_targets, write_outputs

        named = {
            "json": json_out,
            "html": html_out,
            "junit": junit_out,
            "markdown": md_out,
            "prometheus": prometheus_out,
        }
        targets = _targets(cfg.outputs, named, output or [])
        # Check every output before the run: a bad path fails fast, and a run that exits 2
        # writes nothing.
        check_targets(targets)
        cfg, store_error = _history_before(cfg, reference, current)
        # rich loads only to print: a quiet run that goes well never imports it.
        err = None if quiet else _stderr()
        result = _run(reference, current, cfg, engine, err is not None and err.is_terminal)
        # Notify before writing, so the JSON lists the deliveries; a failed delivery is
        # reported, never fatal: the files are still written and the verdict stands.
        result = _deliver(result, cfg, dict(targets))
        write_outputs(result, targets)
        # A reader that closed the pipe (`drift report ... | head -3`) must not change the
        # exit code: the run's verdict stands.
        with _closed_pipe_ok(sys.stdout):  # the annotations go to stdout
            _publish_github(result, github, dict(targets))
        if err is not None:
            from driftcli.outputs.terminal import print_summary

            with _closed_pipe_ok(sys.stderr):
                print_summary(result, err, verbose=verbose)
        location = dict(targets).get("html") or dict(targets).get("json")
        code = _history_after(result, store_error, location)
        raise typer.Exit(_audit(audit, reference, current, code, result=result))

    _guard(debug, body)


#: `drift report` parameters that are not config options.
_NOT_CONFIG = frozenset(
    {"reference", "current", "config", "json_out", "html_out", "junit_out", "md_out", "output",
     "github", "verbose", "engine", "quiet", "debug", "prometheus_out", "audit"}
)  # fmt: skip


@app.command()
def schema() -> None:
    """Print the JSON Schema of the JSON summary (the base schema plus every section's).

    Example: drift schema > report.schema.json
    """
    import json

    _library()
    from driftcli.outputs.json import report_schema

    sys.stdout.write(json.dumps(report_schema(), indent=2, ensure_ascii=False) + "\n")


@app.command()
def init(
    reference: Annotated[str, typer.Argument(help="Reference data: file, glob or folder.")],
    output: Annotated[
        str, typer.Option("--output", "-o", help="Where to write the config ('-' for stdout).")
    ] = "drift.toml",
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
    reference_format: Annotated[
        str | None, typer.Option("--reference-format", help=f"{_FORMATS}.")
    ] = None,
    separator: SeparatorOpt = None,
    decimal_comma: DecimalCommaOpt = None,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show tracebacks of internal errors.")
    ] = False,
) -> None:
    """Write a starter drift.toml from REFERENCE: each column, its kind and chosen test.

    Example: drift init ref.parquet && drift report ref.parquet cur.parquet -c drift.toml
    """

    def body() -> None:
        from driftcli.outputs.atomic import write_text_atomic
        from driftcli.starter import starter_config

        if output != "-" and os.path.exists(output) and not force:
            raise ConfigError(f"{output} already exists; pass --force to overwrite it")
        text = starter_config(reference, reference_format, separator, bool(decimal_comma))
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
    _library()
    from driftcli.outputs.termkit import emit
    from driftcli.outputs.testlist import tests_table

    with _closed_pipe_ok(sys.stdout):
        emit(_console(stderr=False), tests_table())


from driftcli.history.cli import app as _history_app  # noqa: E402  (drift history ...)

app.add_typer(_history_app, name="history")

from driftcli.fleet.cli import app as _fleet_app  # noqa: E402  (drift fleet ...)

app.add_typer(_fleet_app, name="fleet")

from driftcli.audit.cli import app as _audit_app  # noqa: E402  (drift audit ...)

app.add_typer(_audit_app, name="audit")


def main() -> None:
    """Console-script entry point (``drift``, ``python -m driftcli``): the process ends with
    the command."""
    global _ONE_SHOT  # set once, by the process's entry point
    _ONE_SHOT = True
    try:
        app()
    finally:
        # The process is about to exit: spare the collector's last walks over the ~60,000
        # objects the libraries left (typer, rich, Polars, NumPy, Jinja2; about 0.07 s of a
        # report's exit, measured). Everything the command wrote is closed already; the
        # memory goes back to the system with the process.
        gc.freeze()
