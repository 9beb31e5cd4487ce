"""The Markdown summary: GitHub-flavoured Markdown for merge requests, wikis, chat and the
GitHub Actions step summary.

Verdict first (PASS/FAIL, exit code, ``fail_on``), then the inputs, the breaches, warnings and
notices, the dataset drift share, one line per section (performance rules, online limits, the
windows rule, concept drift, ...), the drifted columns and the segments. The section lines come
before the two tables because the tables are what grows with the data: a cut
(:func:`to_markdown` with ``max_bytes``) drops table rows from the end and keeps the rest.

Every user string (column and segment names, paths, messages) goes through :func:`escape`, so
a hostile name can neither add a table cell nor become HTML. The text is a function of the
Report alone: the same report gives the same bytes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from driftcli.outputs.registry import Renderer, register_renderer
from driftcli.outputs.text import fmt_time, worst_first
from driftcli.results.checks import report_checks
from driftcli.results.jsonable import num
from driftcli.results.records import ColumnResult, SegmentResult
from driftcli.results.report import Report
from driftcli.results.section import Check, Section
from driftcli.results.vocabulary import FailOn, Outcome, tally, worst

#: One block of the document: units that are kept or cut whole (a heading travels with its
#: first item, a table's heading and header rows with its first row). Blocks are separated by
#: a blank line, units by a newline.
Block = list[str]

ICONS = {
    Outcome.PASS: "✅",
    Outcome.INFO: "ℹ️",
    Outcome.WARN: "⚠️",
    Outcome.FAIL: "❌",
    Outcome.NOT_EVALUATED: "➖",
}

_PUNCTUATION = re.compile(r"([\\`*_\[\]<>|&~$#])")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")
_LEADING = re.compile(r"^([-+=]|\d+[.)])")
_NOUNS = {"rule": "rule", "limit": "limit", "concept": "scope", "integrity": "check"}
_DONE = {
    Outcome.FAIL: "failed",
    Outcome.WARN: "warned",
    Outcome.INFO: "info",
    Outcome.NOT_EVALUATED: "not evaluated",
    Outcome.PASS: "passed",
}


def escape(text: object, line_start: bool = False) -> str:
    """``text`` as inline Markdown that renders as itself: one line, Markdown punctuation
    backslash-escaped (``|`` cannot split a table cell, ``<`` cannot open HTML); with
    ``line_start``, also no leading character that starts a list, a quote or a heading."""
    flat = _PUNCTUATION.sub(r"\\\1", _CONTROL.sub(" ", str(text)).strip())
    if not line_start:
        return flat
    return _LEADING.sub(lambda m: m.group(1)[:-1] + "\\" + m.group(1)[-1], flat)


def _fmt(x: float | None) -> str:
    return "-" if x is None or num(x) is None else f"{x:.4g}"


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _bullets(title: str, items: Sequence[str]) -> Block:
    """``### title (n)`` and one bullet per item; empty when there are none."""
    if not items:
        return []
    lines = [f"- {escape(fmt_time(x), line_start=True)}" for x in items]
    return [f"### {title} ({len(items)})\n\n{lines[0]}", *lines[1:]]


def _table(title: str, header: Sequence[str], align: str, rows: Sequence[Sequence[str]]) -> Block:
    """A heading and a table (``align``: ``l`` or ``r`` per column); the heading and header
    rows travel with the first row."""
    head = "| " + " | ".join(header) + " |"
    rule = "| " + " | ".join("---:" if a == "r" else "---" for a in align) + " |"
    body = ["| " + " | ".join(cells) + " |" for cells in rows]
    return [f"### {title}\n\n{head}\n{rule}\n{body[0]}", *body[1:]] if body else []


def _soften(outcome: Outcome, fail_on: FailOn) -> Outcome:
    """Under ``fail_on = "never"`` nothing fails: a failure is reported as a warning."""
    return Outcome.WARN if fail_on is FailOn.NEVER and outcome is Outcome.FAIL else outcome


def _verdict(report: Report) -> Block:
    word = "PASS" if report.status is Outcome.PASS else "FAIL"
    fail_on = report.config.fail_on.value
    return [
        f"## {ICONS[report.status]} drift report: {word} "
        f"(exit code {int(report.exit_code)}, fail-on {fail_on})"
    ]


def _inputs(report: Report) -> Block:
    lines = []
    for role, info in (("reference", report.reference), ("current", report.current)):
        line = f"- **{role}**: {escape(info.source)}: {info.rows} rows, {info.columns} columns"
        if info.time_range is not None:
            tr = info.time_range
            line += (
                f"; {escape(tr.column)} {escape(fmt_time(tr.min))} to {escape(fmt_time(tr.max))}"
            )
        lines.append(line)
    stamp = report.generated_at.isoformat(timespec="seconds")
    lines.append(f"- **driftcli** {escape(report.driftcli_version)}, generated {escape(stamp)}")
    return lines


def _dataset(report: Report) -> Block:
    d = report.dataset
    verdict = "dataset drift" if d.drifted else "no dataset drift"
    text = (
        f"**Dataset drift share**: {d.drift_share:.0%} ({d.columns_drifted} of "
        f"{d.columns_tested} tested features drifted; dataset drift at "
        f"{d.drift_share_threshold:.0%}): {verdict}."
    )
    if report.correction.tests:  # "over 0 p-value tests" says nothing
        text += f" Tests: {escape(report.correction.description)}."
    return [text]


def _counts(checks: Sequence[Check]) -> str:
    """``(8 rules: 1 failed, 7 passed)``: how many of a section's checks had each outcome."""
    noun = _NOUNS.get(checks[0].kind, "check")
    counts = tally(c.outcome for c in checks)
    done = ", ".join(f"{counts[o]} {word}" for o, word in _DONE.items() if counts[o])
    return f" ({_plural(len(checks), noun)}: {done})"


def _section_line(section: Section, checks: Sequence[Check], fail_on: FailOn) -> str:
    own = {(c.suite, c.name) for c in section.checks()}
    mine = [c for c in checks if (c.suite, c.name) in own]
    outcome = worst(c.outcome for c in mine) if mine else _soften(section.outcome, fail_on)
    counts = _counts(mine) if mine else ""
    return f"- {ICONS[outcome]} **{escape(section.title)}**: {outcome.value}{counts}"


def _sections(report: Report, checks: Sequence[Check]) -> Block:
    lines = [
        _section_line(s, checks, report.config.fail_on)
        for s in report.sections.values()
        if s is not None
    ]
    return [f"### Sections\n\n{lines[0]}", *lines[1:]] if lines else []


def _pvalue(c: ColumnResult) -> float | None:
    return c.pvalue_adjusted if c.pvalue_adjusted is not None else c.pvalue


def _column_row(c: ColumnResult, with_p: bool) -> list[str]:
    p = [_fmt(_pvalue(c))] if with_p else []
    return [escape(c.column), escape(c.test or "-"), _fmt(c.statistic), *p, _fmt(c.threshold)]


def _columns(report: Report) -> Block:
    drifted = report.drifted_columns
    tested = report.dataset.columns_tested
    if not drifted:
        return [f"### Drifted columns\n\nNo tested feature drifted ({tested} tested)."]
    title = f"Drifted columns ({len(drifted)} of {tested} tested)"
    # a p-value column only when some drifted column has one (distance tests have none)
    with_p = any(_pvalue(c) is not None for c in drifted)
    header = ("column", "test", "statistic", *(["p-value"] if with_p else []), "threshold")
    align = "llrrr" if with_p else "llrr"
    return _table(title, header, align, [_column_row(c, with_p) for c in drifted])


def _segment_row(s: SegmentResult, dataset: dict[str, Check]) -> list[str]:
    rows = f"{s.rows_reference} / {s.rows_current}"
    check = dataset.get(s.label)
    if s.dataset is None or check is None:
        why = escape(s.reason or s.status.value)
        return [escape(s.label), rows, "-", f"{ICONS[Outcome.NOT_EVALUATED]} not tested: {why}"]
    word = "dataset drift" if s.dataset.drifted else "no drift"
    tested = f"{s.dataset.columns_drifted} / {s.dataset.columns_tested}"
    return [escape(s.label), rows, tested, f"{ICONS[check.outcome]} {word}"]


def _segments(report: Report, checks: Sequence[Check]) -> Block:
    dataset = {c.suite: c for c in checks if c.kind == "dataset" and c.name == "dataset drift"}
    header = ("segment", "rows ref / cur", "drifted / tested", "verdict")
    rows = [_segment_row(s, dataset) for s in worst_first(report.segments)]
    return _table(f"Segments ({len(rows)}, worst first)", header, "lrrl", rows)


def blocks(report: Report) -> list[Block]:
    """The document as blocks, in order; empty blocks left out."""
    checks = report_checks(report)
    found: Iterable[Block] = (
        _verdict(report),
        _inputs(report),
        _bullets("Breaches", report.breaches),
        _bullets("Warnings", report.warnings),
        _bullets("Notices", report.notices),
        _dataset(report),
        _sections(report, checks),
        _columns(report),
        _segments(report, checks),
    )
    return [b for b in found if b]


def _join(parts: Sequence[Block]) -> str:
    return "\n\n".join("\n".join(b) for b in parts) + "\n"


def _size(text: str) -> int:
    return len(text.encode("utf-8"))


def cut_note(max_bytes: int, artifact: str | None) -> str:
    """The line that ends a cut summary."""
    where = escape(artifact) if artifact else "the HTML report (drift report --html PATH)"
    return f"... cut at {max_bytes / 1024:.4g} KiB; the full report is in {where}"


def _cut(parts: Sequence[Block], max_bytes: int, note: str) -> str:
    """The whole units that fit in ``max_bytes`` with the note (at least the first unit)."""
    budget = max_bytes - _size(note) - 2
    kept: list[Block] = []
    used = 0
    for block in parts:
        units: Block = []
        for unit in block:
            cost = _size(unit) + 1 + (1 if kept and not units else 0)
            if used + cost > budget and (kept or units):
                return _join([*kept, *([units] if units else []), [note]])
            units.append(unit)
            used += cost
        kept.append(units)
    return _join([*kept, [note]])


def to_markdown(report: Report, max_bytes: int | None = None, artifact: str | None = None) -> str:
    """The Markdown summary; when it is larger than ``max_bytes`` (UTF-8), cut after the last
    whole line or table row that fits, with a note pointing at ``artifact`` (the HTML
    report's path, when there is one)."""
    parts = blocks(report)
    text = _join(parts)
    if max_bytes is None or _size(text) <= max_bytes:
        return text
    return _cut(parts, max_bytes, cut_note(max_bytes, artifact))


def _render(report: Report) -> str:
    return to_markdown(report)


MARKDOWN = register_renderer(
    Renderer(
        "markdown",
        "the summary as GitHub-flavoured Markdown (merge requests, wikis, chat)",
        _render,
        ".md",
    )
)
