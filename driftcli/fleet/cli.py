"""``drift fleet``: run, check and read a fleet of models (fleet.toml).

Only typer and the standard library at module level: ``drift --help`` stays fast.
"""

from __future__ import annotations

import json
import shutil
import sys
import traceback
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from driftcli.fleet.result import FleetResult, ModelRow

app = typer.Typer(
    name="fleet",
    help="Many models from one fleet.toml: policy by tier, a scorecard, labelled alerts. "
    "Exit codes: 0 no model fails the job; 1 a finding its tier fails the job on; 2 a model "
    "that could not run, or a bad fleet file; 3 internal error.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

FleetArg = Annotated[Path, typer.Argument(help="The fleet file (fleet.toml).")]
DateOpt = Annotated[
    str | None,
    typer.Option(
        "--date",
        help="Run date YYYY-MM-DD: fills {date} in paths, and staleness is measured at its end "
        "(default: today, UTC, measured now).",
    ),
]
OnlyOpt = Annotated[
    list[str] | None, typer.Option("--only", help="Only this model (repeat for several).")
]
DebugOpt = Annotated[bool, typer.Option("--debug", help="Show tracebacks of internal errors.")]


def _err(text: str) -> None:
    sys.stderr.write(text + "\n")


def _guard(debug: bool, body: Callable[[], None]) -> None:
    """User errors exit 2 with one line, bugs exit 3 (as ``drift report``)."""
    from driftcli import registries
    from driftcli.errors import DriftError

    try:
        registries.load()
        body()
    except typer.Exit:
        raise
    except DriftError as exc:
        _err(f"error: {exc}")
        raise typer.Exit(2) from None
    except KeyboardInterrupt:
        _err("interrupted")
        raise typer.Exit(130) from None
    except Exception as exc:  # noqa: BLE001 - every other exception is a bug: exit 3
        if debug:
            traceback.print_exc(file=sys.stderr)
        _err(
            f"internal error: {type(exc).__name__}: {exc}. This is a bug in driftcli; rerun "
            "with --debug for the traceback and report it."
        )
        raise typer.Exit(3) from None


def _date(text: str | None) -> date | None:
    from driftcli.errors import ConfigError

    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ConfigError(f"--date {text!r}: expected YYYY-MM-DD, e.g. 2026-11-28") from None


def scorecard_lines(result: FleetResult, width: int) -> list[str]:
    """The scorecard as plain lines fitting ``width`` columns (the reason is cut to fit)."""
    heads = ("STATE", "MODEL", "TIER", "OWNER", "DRIFTED", "STREAK", "JOB")
    cells = []
    for r in result.rows:
        drifted = "" if r.columns_drifted is None else f"{r.columns_drifted}/{r.columns_tested}"
        cells.append((r.state, r.name, r.tier, r.owner, drifted, str(r.streak),
                      "FAILS" if r.exit_code else "ok"))  # fmt: skip
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(heads)]
    fmt = "  ".join(f"{{:{w}}}" for w in widths)
    lines = [fmt.format(*heads) + "  WHY"]
    for r, c in zip(result.rows, cells, strict=True):
        head = fmt.format(*c)
        room = max(20, width - len(head) - 2)
        why = r.why
        why = why if len(why) <= room else why[: room - 3] + "..."
        lines.append(f"{head}  {why}".rstrip())
    counts = ", ".join(f"{n} {s}" for s, n in result.counts().items() if n)
    failing = [r.name for r in result.rows if r.exit_code]
    verdict = (
        f"exit {int(result.exit_code)}: {len(failing)} of {len(result.rows)} models fail the "
        f"job after tier policy ({', '.join(failing)})"
        if failing
        else f"exit 0: none of {len(result.rows)} models fails the job after tier policy"
    )
    return [*lines, "", f"fleet {result.name}: {counts}; {verdict}"]


def _print(result: FleetResult) -> None:
    width = shutil.get_terminal_size((120, 24)).columns if sys.stderr.isatty() else 120
    for line in scorecard_lines(result, width):
        _err(line)


@app.command()
def run(
    fleet_file: FleetArg,
    run_date: DateOpt = None,
    only: OnlyOpt = None,
    parallel: Annotated[
        int | None,
        typer.Option("--parallel", "-j", min=1, help="Models at once (default: [fleet] parallel)."),
    ] = None,
    output_dir: Annotated[
        Path | None,
        typer.Option("--output-dir", help="Where outputs go (default: [fleet] output_dir)."),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No scorecard on stderr.")] = False,
    debug: DebugOpt = False,
) -> None:
    """Run every model of FLEET_FILE and write the scorecard (fleet.html, fleet.json,
    fleet.xml, fleet.prom) and each model's report under the output folder.

    Example: drift fleet run fleet.toml --date 2026-11-28
    """

    def body() -> None:
        import dataclasses

        from driftcli.fleet import load_fleet, run_fleet, write_fleet_outputs

        fleet = load_fleet(fleet_file).select(only or [])
        if output_dir is not None:
            fleet = dataclasses.replace(fleet, output_dir=output_dir)

        def tick(row: ModelRow, done: int, total: int) -> None:
            _err(f"[{done}/{total}] {row.state:5} {row.name}")

        show = not quiet and sys.stderr.isatty()
        result = run_fleet(fleet, _date(run_date), parallel=parallel,
                           progress=tick if show else None)  # fmt: skip
        written = write_fleet_outputs(result, fleet.output_dir)
        if not quiet:
            _print(result)
            _err(f"wrote {written['html']} and {written['json']}")
        for notice in result.notices:
            _err(f"notice: {notice}")
        if result.audit_error:
            _err(f"error: {result.audit_error}; the outputs were written but the runs were not "
                 "all audited")  # fmt: skip
        raise typer.Exit(int(result.exit_code))

    _guard(debug, body)


@app.command()
def status(
    fleet_file: FleetArg,
    json_out: Annotated[
        str | None, typer.Option("--json", help="Write fleet.json here ('-' for stdout).")
    ] = None,
    html_out: Annotated[
        str | None, typer.Option("--html", help="Write the scorecard page here.")
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--date",
            help="Judge staleness at the end of this day YYYY-MM-DD, as `fleet run --date` "
            "did (default: now).",
        ),
    ] = None,
    debug: DebugOpt = False,
) -> None:
    """The scorecard from the run history alone, nothing recomputed: each model's last run,
    its streak of breached runs and the staleness SLA as of now. Exits as a run would.

    Example: drift fleet status fleet.toml --html fleet-status.html
    """

    def body() -> None:
        from driftcli.fleet import fleet_status, load_fleet
        from driftcli.fleet.outputs import to_html, to_json
        from driftcli.fleet.run import as_of_time
        from driftcli.outputs.atomic import write_text_atomic

        fleet = load_fleet(fleet_file)
        day = _date(as_of)
        result = fleet_status(fleet, now=as_of_time(day)[1] if day is not None else None)
        if html_out:
            write_text_atomic(html_out, to_html(result))
        if json_out == "-":
            sys.stdout.write(to_json(result))
        elif json_out:
            write_text_atomic(json_out, to_json(result))
        _print(result)
        raise typer.Exit(int(result.exit_code))

    _guard(debug, body)


@app.command()
def validate(fleet_file: FleetArg, run_date: DateOpt = None, debug: DebugOpt = False) -> None:
    """Check every model's config and that its paths resolve to data with the configured
    columns, reading only schemas. Exit 0 when all is well, 2 otherwise.

    Example: drift fleet validate fleet.toml --date 2026-11-28
    """

    def body() -> None:
        from driftcli.fleet import load_fleet, validate_fleet
        from driftcli.fleet.run import as_of_time

        fleet = load_fleet(fleet_file)
        day, _ = as_of_time(_date(run_date))
        problems = validate_fleet(fleet, day)
        for p in problems:
            _err(f"{p.model or fleet.path}: {p.message}")
        n = len(fleet.models) + len(fleet.broken)
        if problems:
            bad = len({p.model for p in problems})
            _err(f"fleet {fleet.name}: {bad} of {n} models (or the fleet) have problems")
            raise typer.Exit(2)
        _err(f"fleet {fleet.name}: {n} models valid for {day.isoformat()}")

    _guard(debug, body)


@app.command()
def schema() -> None:
    """Print the JSON Schema of fleet.json.

    Example: drift fleet schema > fleet.schema.json
    """
    from driftcli.fleet import fleet_schema

    sys.stdout.write(json.dumps(fleet_schema(), indent=2) + "\n")
