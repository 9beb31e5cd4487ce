"""``drift audit``: verify and export the audit trail of runs.

Only typer and the standard library are imported here at module level: ``drift --help``
loads this module, and the trail code is imported by the commands when they run.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from driftcli.audit.trail import VerifyResult

_OK, _BROKEN, _USAGE = 0, 1, 2

app = typer.Typer(
    name="audit",
    help="Verify and export the tamper-evident audit trail of runs (one chained JSON Lines "
    "record per run). Exit codes: 0 chain intact; 1 chain broken (the first broken record is "
    "named); 2 bad option or missing file.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


class Format(str, enum.Enum):
    """The export formats."""

    jsonl = "jsonl"
    json = "json"
    csv = "csv"


TrailArg = Annotated[
    Path,
    typer.Argument(help="The audit trail file (JSON Lines).", metavar="PATH", show_default=False),
]


def _guard(body: Callable[[], int]) -> None:
    """Run ``body``; exit with its code. User errors exit 2 with one line on stderr."""
    from driftcli.errors import DriftError

    try:
        code = body()
    except typer.Exit:
        raise
    except DriftError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(_USAGE) from None
    raise typer.Exit(code)


def broken_line(path: Path, result: VerifyResult) -> str:
    """``audit trail PATH is broken at record S (line L): REASON``."""
    brk = result.first_break
    assert brk is not None
    where = f"record {brk.seq} (line {brk.line})" if brk.seq is not None else f"line {brk.line}"
    return f"audit trail {path} is broken at {where}: {brk.reason}"


@app.command("verify")
def verify_cmd(
    path: TrailArg,
    expect_last_hash: Annotated[
        str | None,
        typer.Option(
            "--expect-last-hash",
            metavar="HEX",
            help="A record hash stored earlier (the 'hash' this command printed): fail "
            "unless a record has it. Catches deleted last records and a rewritten trail.",
        ),
    ] = None,
    min_records: Annotated[
        int | None,
        typer.Option(
            "--min-records",
            min=0,
            metavar="N",
            help="Fail when the trail holds fewer records than this.",
        ),
    ] = None,
) -> None:
    """Check the chain of hashes; name the first edited, deleted or reordered record.

    Prints the last record's seq and hash: store them elsewhere (a cron job) and pass the
    hash back with --expect-last-hash, since a trail alone cannot show its last records
    were cut off.

    Example: drift audit verify audit/drift-audit.jsonl --expect-last-hash 3f5a...
    """

    def body() -> int:
        from driftcli.audit.trail import verify

        result = verify(path, expect_last_hash=expect_last_hash, min_records=min_records)
        if not result.ok:
            typer.echo(broken_line(path, result))
            return _BROKEN
        line = f"audit trail {path}: {result.records} records, chain intact"
        if result.last_seq is not None:
            line += f"; last record seq {result.last_seq} hash {result.last_hash}"
        typer.echo(line)
        return _OK

    _guard(body)


@app.command("export")
def export_cmd(
    path: TrailArg,
    since: Annotated[
        str,
        typer.Option(
            "--since",
            metavar="DATE",
            help="Records from this date on: YYYY-MM-DD (from its start, UTC) or an ISO "
            "date-time such as 2025-03-01T12:00:00Z.",
            show_default=False,
        ),
    ],
    fmt: Annotated[
        Format,
        typer.Option(
            "--format",
            "-f",
            help="jsonl: the records as written; json: with the verification; csv: flat.",
        ),
    ] = Format.jsonl,
    output: Annotated[
        str,
        typer.Option("--output", "-o", metavar="FILE", help="The file to write, or - for stdout."),
    ] = "-",
) -> None:
    """Export the records from a date on, for compliance reporting.

    The chain is verified first: a broken chain still exports, warns on stderr and exits 1
    (the JSON export also carries the verification itself).

    Example: drift audit export audit/drift-audit.jsonl --since 2025-01-01 -f csv -o q1.csv
    """

    def body() -> int:
        from driftcli.audit.exports import parse_since, render_export
        from driftcli.outputs.atomic import write_text_atomic

        start = parse_since(since)
        text, result = render_export(path, start, fmt.value)
        if output == "-":
            typer.echo(text, nl=False)
        else:
            write_text_atomic(output, text)
        if not result.ok:
            typer.echo(
                f"warning: {broken_line(path, result)}; the export holds the records as "
                "they are in the file",
                err=True,
            )
            return _BROKEN
        return _OK

    _guard(body)
