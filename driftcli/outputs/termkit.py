"""Building blocks of the terminal summary shared by the summary and every section's view.

Two layouts, chosen from the console each time something is printed:

- **terminal** (``console.is_terminal`` and not ``console.soft_wrap``): lines fit
  ``console.width``. Text wraps at spaces with a hanging indent. A table shrinks only its
  free-text columns, and only at spaces: a short cell (a kind, a test, a status, a number) never
  wraps; when even that does not fit, the table leaves out its least important columns and says
  which.
- **log** (no terminal, or a console that soft-wraps): no hard wrap at any width; every line is
  as long as it needs to be and the reader's window wraps it. Tables take their natural width.

In both layouts no line ends in spaces, and a column that is empty in every row is not printed.

Section views print through :func:`emit`, :func:`line`, :func:`field`, :func:`title` and
:class:`Grid`, and ask :func:`limit` how many rows to show: ``MAX_ROWS`` in the default summary,
all of them when ``print_summary(..., verbose=True)``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TypeVar

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.segment import Segment
from rich.style import Style
from rich.table import Table
from rich.text import Text

from driftcli.outputs.text import fmt_time
from driftcli.results.records import ColumnResult

#: How many rows of a long list (drifted columns, segments, scopes) the default summary shows.
MAX_ROWS = 5

#: The width a log-layout line may reach before anything would cut it (in effect: none).
LOG_WIDTH = 1_000_000

#: Width of the label of a ``field`` line ("  breach    ...").
LABEL_WIDTH = 9

STATUS_STYLES = {"fail": "bold red", "warn": "yellow", "not_evaluated": "dim", "pass": "green"}

T = TypeVar("T")
Cell = str | Text

_VERBOSE: ContextVar[bool] = ContextVar("driftcli_terminal_verbose", default=False)


# ---------------------------------------------------------------------------- verbosity


@contextmanager
def verbosity(verbose: bool) -> Iterator[None]:
    """Section views inside this block show everything (``True``) or the top few."""
    token = _VERBOSE.set(verbose)
    try:
        yield
    finally:
        _VERBOSE.reset(token)


def is_verbose() -> bool:
    """True inside ``print_summary(..., verbose=True)``."""
    return _VERBOSE.get()


def limit(rows: int = MAX_ROWS) -> int | None:
    """How many rows of a list to show: ``rows``, or ``None`` (all) when verbose."""
    return None if is_verbose() else rows


def cut(items: Sequence[T], rows: int = MAX_ROWS) -> tuple[list[T], int]:
    """The items to show and how many were left out (none when verbose)."""
    n = limit(rows)
    shown = list(items) if n is None else list(items[:n])
    return shown, len(items) - len(shown)


def more_text(items: int, shown: int, what: str = "", plural: str | None = None) -> str:
    """``"+3 more segments (--verbose)"`` (``what`` is singular, ``plural`` defaults to it with
    an "s"), or ``""`` when nothing was left out."""
    hidden = items - shown
    if hidden <= 0:
        return ""
    noun = what if hidden == 1 else (plural if plural is not None else f"{what}s")
    return f"+{hidden} more{f' {noun}' if noun else ''} (--verbose)"


# ---------------------------------------------------------------------------- numbers


def fmt_number(x: float | None) -> str:
    """Four significant digits; small p-values in scientific notation."""
    if x is None:
        return "-"
    if x != 0 and abs(x) < 1e-3:
        return f"{x:.2e}"
    return f"{x:.4g}"


def signed(x: float | None) -> str:
    if x is None:
        return "-"
    return ("+" if x > 0 else "") + fmt_number(x)


# ---------------------------------------------------------------------------- printing


def is_log(console: Console) -> bool:
    """True when the output goes to a log: no terminal, or a console that soft-wraps."""
    return bool(console.soft_wrap) or not console.is_terminal


def _rstrip(line: list[Segment]) -> list[Segment]:
    """The line without trailing spaces (styles kept)."""
    out = list(line)
    while out:
        seg = out[-1]
        if seg.control:
            break
        text = seg.text.rstrip()
        if text:
            out[-1] = Segment(text, seg.style)
            break
        out.pop()
    return out


class _Lines:
    """Rendered lines, printed as they are (each ends with a new line)."""

    def __init__(self, lines: list[list[Segment]]) -> None:
        self.lines = lines

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for line in self.lines:
            yield from line
            yield Segment.line()


def _options(console: Console) -> ConsoleOptions:
    if is_log(console):
        return console.options.update(width=LOG_WIDTH, no_wrap=True, overflow="ignore")
    return console.options


def emit(console: Console, *renderables: RenderableType) -> None:
    """Print renderables in the console's layout, without trailing spaces on any line.

    A terminal gets lines that fit its width; a log gets lines as long as they need to be.
    Lines are printed as rendered: never cropped, so a table wider than the terminal (its short
    cells alone) is wrapped by the terminal rather than cut.
    """
    options = _options(console)
    lines: list[list[Segment]] = []
    for renderable in renderables:
        segments = console.render(renderable, options)
        lines.extend(_rstrip(x) for x in Segment.split_lines(segments))
    console.print(_Lines(lines), soft_wrap=True)


def blank(console: Console) -> None:
    console.print()


def _breaks(plain: str, first: int, rest: int) -> list[int]:
    """Offsets where to break ``plain`` so that its first line is at most ``first`` cells and
    the others at most ``rest``: at spaces, inside a word only when the word alone is longer."""
    offsets: list[int] = []
    start = 0  # where the current line starts
    end = 0  # where its last word ends
    width = first
    for word in re.finditer(r"\S+", plain):
        if end > start and cell_len(plain[start : word.end()]) > width:
            offsets.append(word.start())
            start, width = word.start(), rest
        end = word.end()
        while cell_len(plain[start:end]) > width:  # a word longer than a line: fold it
            cut, used = start, 0
            while cut < end and used + cell_len(plain[cut]) <= width:
                used += cell_len(plain[cut])
                cut += 1
            cut = max(cut, start + 1)
            offsets.append(cut)
            start, width = cut, rest
    return offsets


def line(console: Console, text: Cell, *, indent: int = 0, hang: int = 2, style: str = "") -> None:
    """One line of text indented by ``indent``. On a terminal it wraps at spaces and the
    continuation lines are indented ``hang`` more; in a log it is one line."""
    body = Text(fmt_time(text), style=style) if isinstance(text, str) else text
    pad = " " * indent
    if is_log(console):
        emit(console, Text(pad) + body)
        return
    first = max(console.width - indent, 10)
    parts = body.divide(_breaks(body.plain, first, max(first - hang, 10)))
    emit(console, *(Text(pad + (" " * hang if i else "")) + part for i, part in enumerate(parts)))


def field(console: Console, label: str, text: Cell, *, style: str = "", indent: int = 2) -> None:
    """A ``"  label     text"`` line: continuation lines align with the text."""
    body = Text(f"{label:<{LABEL_WIDTH}} ")
    body.append_text(Text(fmt_time(text), style=style) if isinstance(text, str) else text)
    line(console, body, indent=indent, hang=LABEL_WIDTH + 1)


def title(text: str, console: Console) -> None:
    """A section title: a blank line, then the title in bold."""
    blank(console)
    line(console, Text(text, style="bold"))


def heading(text: str, console: Console) -> None:
    """A late section's title: with a blank line before it when verbose; in the default summary
    the sections' short views follow one another."""
    if is_verbose():
        title(text, console)
    else:
        line(console, Text(text, style="bold"))


def more(
    console: Console, hidden: int, what: str, plural: str | None = None, *, indent: int = 2
) -> None:
    """``"+N more <what> (--verbose)"`` when ``hidden`` rows were left out (see more_text)."""
    if hidden > 0:
        line(console, more_text(hidden, 0, what, plural), indent=indent)


# ---------------------------------------------------------------------------- tables


@dataclass(frozen=True)
class Col:
    """One column of a :class:`Grid`.

    ``wrap``: free text that may wrap at spaces (never inside a word) when the terminal is
    narrow (its header too); other columns never wrap. ``optional``: 0 for a column always
    shown; a column with a higher number is left out first when the short cells alone do not
    fit the terminal.
    """

    head: str
    right: bool = False
    wrap: bool = False
    optional: int = 0


def _plain(cell: Cell) -> str:
    return cell.plain if isinstance(cell, Text) else cell


def _width(text: str) -> int:
    return max((cell_len(part) for part in text.split("\n")), default=0)


def _longest_word(text: str) -> int:
    return max((cell_len(word) for word in text.split()), default=0)


def _fit(natural: list[int], minimum: list[int], budget: int) -> list[int]:
    """Widths that fit ``budget``: the widest shrinkable column gives up a cell at a time
    (never below its minimum) until the total fits or nothing can shrink."""
    widths = list(natural)
    excess = sum(widths) - budget
    while excess > 0:
        candidates = [i for i, w in enumerate(widths) if w > minimum[i]]
        if not candidates:
            break
        widest = max(candidates, key=lambda i: (widths[i], i))
        widths[widest] -= 1
        excess -= 1
    return widths


class Grid:
    """A table for logs and narrow terminals: no borders, two spaces between columns, no
    padding at the end of lines, empty columns left out (see the module docstring)."""

    def __init__(
        self, cols: Sequence[Col], rows: Sequence[Sequence[Cell]], *, indent: int = 2
    ) -> None:
        self.cols = list(cols)
        self.rows = [list(r) for r in rows]
        self.indent = indent

    def _used(self) -> list[int]:
        """Columns with something in at least one row (all of them for a table without rows)."""
        if not self.rows:
            return list(range(len(self.cols)))
        return [
            i
            for i in range(len(self.cols))
            if any(_plain(r[i]).strip() not in ("", "-") for r in self.rows)
        ]

    def layout(self, max_width: int) -> tuple[list[int], list[int]]:
        """The columns to show and their widths for ``max_width`` cells."""
        shown = self._used()
        texts = {i: [self.cols[i].head] + [_plain(r[i]) for r in self.rows] for i in shown}
        natural = {i: max(_width(t) for t in texts[i]) for i in shown}
        # a free-text column (its header too) wraps at spaces only; other columns never wrap
        minimum = {
            i: max(_longest_word(t) for t in texts[i]) if self.cols[i].wrap else natural[i]
            for i in shown
        }
        available = max_width - self.indent

        def gaps(cols: list[int]) -> int:
            return 2 * (len(cols) - 1)

        while sum(minimum[i] for i in shown) + gaps(shown) > available:
            optional = [i for i in shown if self.cols[i].optional > 0]
            if not optional:
                break
            shown.remove(max(optional, key=lambda i: (self.cols[i].optional, i)))
        widths = _fit(
            [natural[i] for i in shown], [minimum[i] for i in shown], available - gaps(shown)
        )
        return shown, widths

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        shown, widths = self.layout(options.max_width)
        hidden = [self.cols[i].head for i in self._used() if i not in shown]
        table = Table(
            box=None,
            show_edge=False,
            pad_edge=False,
            expand=False,
            padding=(0, 1),
            header_style="bold",
        )
        for i, width in zip(shown, widths, strict=True):
            col = self.cols[i]
            table.add_column(
                col.head,
                justify="right" if col.right else "left",
                width=width,
                no_wrap=not col.wrap,
                overflow="fold" if col.wrap else "ellipsis",
            )
        for row in self.rows:
            table.add_row(*(row[i] for i in shown))
        total = sum(widths) + 2 * (len(widths) - 1)
        pad = Segment(" " * self.indent) if self.indent else None
        for rendered in console.render_lines(table, options.update_width(total), pad=False):
            stripped = _rstrip(rendered)
            if pad is not None and stripped:
                yield pad
            yield from stripped
            yield Segment.line()
        if hidden:
            note = " " * self.indent + "not shown at this width: " + ", ".join(hidden)
            yield Segment(note, Style(dim=True))
            yield Segment.line()


def table(console: Console, grid: Grid, heading: str | None = None) -> None:
    """A titled table (a blank line, the title in bold, the table)."""
    if heading is not None:
        title(heading, console)
    emit(console, grid)


# ---------------------------------------------------------------------------- drift results


def evidence(c: ColumnResult) -> str:
    """``"wasserstein 0.1101, threshold 0.1"``: what a column's verdict rests on."""
    parts = [f"{c.test or '-'} {fmt_number(c.statistic)}"]
    if c.pvalue is not None:
        p = c.pvalue_adjusted if c.pvalue_adjusted is not None else c.pvalue
        parts.append(f"{'adj. ' if c.pvalue_adjusted is not None else ''}p {fmt_number(p)}")
    if c.threshold is not None:
        parts.append(f"threshold {fmt_number(c.threshold)}")
    return ", ".join(parts)


def columns_grid(cols: Sequence[ColumnResult], *, verdict: bool = False) -> Grid:
    """Drift results of columns: test, statistic, p-values, effect size, threshold."""
    heads = [
        Col("column"),
        Col("kind", optional=2),
        Col("test"),
        Col("statistic", right=True),
        Col("p-value", right=True, optional=1),
        Col("adj. p", right=True),
        Col("effect size", wrap=True, optional=3),
        Col("threshold", right=True, wrap=True),
    ]
    if verdict:
        heads.append(Col("verdict"))
    rows: list[list[Cell]] = []
    for c in cols:
        row: list[Cell] = [
            Text(c.column),
            c.kind.value,
            c.test or "-",
            fmt_number(c.statistic),
            fmt_number(c.pvalue),
            fmt_number(c.pvalue_adjusted),
            f"{c.effect_size_name} {fmt_number(c.effect_size)}"
            if c.effect_size is not None and c.effect_size_name
            else "-",
            fmt_number(c.threshold) + (" (learned)" if c.auto_threshold is not None else ""),
        ]
        if verdict:
            row.append(Text("DRIFT", style="bold red") if c.drifted else Text(c.status.value))
        rows.append(row)
    return Grid(heads, rows)
