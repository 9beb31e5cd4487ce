"""Reading inputs: every format, globs, folders with hive partitions, format overrides."""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest

from driftcli import DriftConfig, InputError, run_report
from driftcli.inputs.registry import format_from_path
from driftcli.inputs.sources import open_source


def write(df: pl.DataFrame, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    name = path.name
    if name.endswith(".csv.gz"):
        path.write_bytes(gzip.compress(df.write_csv().encode()))
    elif name.endswith(".csv"):
        df.write_csv(path)
    elif name.endswith((".ndjson", ".jsonl")):
        df.write_ndjson(path)
    elif name.endswith((".arrow", ".ipc", ".feather")):
        df.write_ipc(path)
    else:
        df.write_parquet(path)
    return path


@pytest.mark.parametrize("ext", [".parquet", ".csv", ".csv.gz", ".ndjson", ".jsonl", ".arrow"])
def test_each_format_gives_the_same_results(
    tmp_path: Path, frames: tuple[pl.DataFrame, pl.DataFrame], ext: str
) -> None:
    ref = write(frames[0], tmp_path / f"ref{ext}")
    cur = write(frames[1], tmp_path / f"cur{ext}")
    report = run_report(ref, cur)
    expected = run_report(*frames)
    got = {c.column: (c.status, c.statistic) for c in report.columns}
    want = {c.column: (c.status, c.statistic) for c in expected.columns}
    assert got.keys() == want.keys()
    for name, (status, stat) in want.items():
        assert got[name][0] == status, name
        if stat is not None:
            assert got[name][1] == pytest.approx(stat, rel=1e-9), name


def test_glob_and_folder(tmp_path: Path, frames: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    ref, cur = frames
    write(ref.head(300), tmp_path / "ref" / "part-0.parquet")
    write(ref.tail(300), tmp_path / "ref" / "part-1.parquet")
    write(cur, tmp_path / "cur.parquet")
    by_glob = run_report(str(tmp_path / "ref" / "*.parquet"), tmp_path / "cur.parquet")
    by_folder = run_report(tmp_path / "ref", tmp_path / "cur.parquet")
    assert by_glob.reference.rows == by_folder.reference.rows == 600


@pytest.mark.parametrize("ext", [".parquet", ".csv"])
def test_hive_partitions_become_columns(
    tmp_path: Path, frames: tuple[pl.DataFrame, pl.DataFrame], ext: str
) -> None:
    for side, df in (("ref", frames[0]), ("cur", frames[1])):
        for (region,), part in df.partition_by("region", as_dict=True).items():
            write(part.drop("region"), tmp_path / side / f"region={region}" / f"data{ext}")
    report = run_report(tmp_path / "ref", tmp_path / "cur", DriftConfig(segment_by=("region",)))
    assert {s.segment["region"] for s in report.segments} == {"north", "south"}
    by_glob = run_report(
        str(tmp_path / "ref" / "*" / f"data{ext}"),
        str(tmp_path / "cur" / "*" / f"data{ext}"),
        DriftConfig(segment_by=("region",)),
    )
    assert {s.segment["region"] for s in by_glob.segments} == {"north", "south"}


def test_format_override(tmp_path: Path, frames: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    ref = tmp_path / "ref.data"
    frames[0].write_csv(ref)
    cur = write(frames[1], tmp_path / "cur.csv")
    with pytest.raises(InputError, match="cannot tell the format"):
        run_report(ref, cur)
    report = run_report(ref, cur, DriftConfig(reference_format="csv"))
    assert report.reference.rows == 600


def test_folder_errors(tmp_path: Path, frames: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match=r"has no \.parquet"):
        open_source(tmp_path / "empty", None, "reference")
    write(frames[0], tmp_path / "mixed" / "a.parquet")
    write(frames[0], tmp_path / "mixed" / "b.csv")
    with pytest.raises(InputError, match="mixes formats"):
        open_source(tmp_path / "mixed", None, "reference")
    assert open_source(tmp_path / "mixed", "csv", "reference").lazy.collect().height == 600


def test_glob_without_match(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no files match"):
        open_source(str(tmp_path / "*.parquet"), None, "current")


def test_only_needed_columns_are_read(
    tmp_path: Path, frames: tuple[pl.DataFrame, pl.DataFrame]
) -> None:
    ref = write(frames[0], tmp_path / "ref.parquet")
    cur = write(frames[1], tmp_path / "cur.parquet")
    plan = open_source(ref, None, "reference").lazy.select(["x"]).explain()
    assert "PROJECT 1/6 COLUMNS" in plan
    report = run_report(ref, cur, DriftConfig(columns=("x",)))
    assert [c.column for c in report.columns] == ["x"]
    assert report.reference.columns == 6  # the schema is still described in full


def test_format_from_path() -> None:
    assert format_from_path("a/b.CSV.gz") == "csv"
    assert format_from_path("x.jsonl") == "ndjson"
    assert format_from_path("x.feather") == "ipc"
    assert format_from_path("x.txt") is None


def test_json_lines_keys_beyond_the_first_lines_are_found(tmp_path: Path) -> None:
    # Polars reads only the keys it inferred from the first 100 lines: a key they lack was
    # dropped without a word. One pass over the text tells whether any line may hold more;
    # a false "yes" only costs the inference from every line, a "no" must be right.
    from driftcli.inputs.formats import _keys_beyond

    def lines(path: Path, row: Callable[[int], str], zipped: bool = False) -> Path:
        text = "".join(row(i) + "\n" for i in range(300))
        if zipped:
            with gzip.open(path, "wt", encoding="utf-8") as f:
                f.write(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    cases = {
        "plain": (lambda i: json.dumps({"a": i, "b": "x"}), False, False),
        "late key": (lambda i: json.dumps({"a": i, **({"z": 1} if i > 200 else {})}), False, True),
        "late nested field": (
            lambda i: json.dumps({"a": i, "s": {"u": i, **({"v": i} if i > 200 else {})}}),
            False,
            True,
        ),
        "space before the colon": (
            lambda i: '{"a": ' + str(i) + (', "late" : 1' if i > 200 else "") + "}",
            False,
            True,
        ),
        "only null in the first lines": (
            lambda i: json.dumps({"a": i, "n": None if i < 150 else i}),
            False,
            True,
        ),
        "a backslash (an escaped key may hide one)": (
            lambda i: json.dumps({"a": i, "p": "C:\\\\tmp"}),
            False,
            True,
        ),
        "gzipped, late key": (
            lambda i: json.dumps({"a": i, **({"z": 1} if i > 200 else {})}),
            True,
            True,
        ),
    }
    for name, (row, zipped, expected) in cases.items():
        path = lines(tmp_path / f"{len(name)}.ndjson{'.gz' if zipped else ''}", row, zipped)
        schema = pl.scan_ndjson(path, infer_schema_length=100).collect_schema()
        assert _keys_beyond(str(path), schema) is expected, name


def _with_decimal_commas(df: pl.DataFrame, path: Path) -> Path:
    """``df`` as a ';' CSV whose floats are written with a decimal comma (``-0,5``)."""
    floats = [c for c, t in df.schema.items() if t.is_float()]
    text = df.with_columns(
        pl.col(c).cast(pl.String).str.replace(".", ",", literal=True) for c in floats
    )
    text.write_csv(path, separator=";")
    return path


@pytest.mark.parametrize("engine", ["polars", "stream"])
def test_decimal_comma_reads_numbers_as_the_same_data_written_with_points(
    tmp_path: Path, frames: tuple[pl.DataFrame, pl.DataFrame], engine: str
) -> None:
    # A European spreadsheet's CSV: ';' between fields, ',' before the decimals. Read with
    # decimal_comma its numbers are the very floats of the same data written with points.
    ref = _with_decimal_commas(frames[0], tmp_path / "ref.csv")
    cur = _with_decimal_commas(frames[1], tmp_path / "cur.csv")
    assert "," in ref.read_text().splitlines()[1]
    config = DriftConfig(separator=";", decimal_comma=True)
    got = run_report(ref, cur, config, engine=engine)
    want = run_report(
        write(frames[0], tmp_path / "p_ref.csv"), write(frames[1], tmp_path / "p_cur.csv")
    )
    assert [c.to_dict() for c in got.columns] == [c.to_dict() for c in want.columns]
    x = next(c for c in got.columns if c.column == "x")
    assert x.kind.value == "numeric" and x.drifted


def test_decimal_commas_read_without_the_option_name_it(
    tmp_path: Path, frames: tuple[pl.DataFrame, pl.DataFrame]
) -> None:
    ref = _with_decimal_commas(frames[0], tmp_path / "ref.csv")
    cur = _with_decimal_commas(frames[1], tmp_path / "cur.csv")
    report = run_report(ref, cur, DriftConfig(separator=";"))
    x = next(c for c in report.columns if c.column == "x")
    assert x.status.value == "error" and x.reason is not None
    assert "--decimal-comma (decimal_comma = true)" in x.reason
    # a formatted number without a decimal comma is not sent there
    plus = tmp_path / "plus.csv"
    plus.write_text("v,w\n" + "\n".join(f"+{i},{i % 7}.5" for i in range(50)) + "\n")
    other = next(c for c in run_report(plus, plus).columns if c.column == "v")
    assert other.reason is not None and "numbers written as text ('+0'" in other.reason
    assert "--decimal-comma" not in other.reason
    # nor are numbers with digit grouping (1.234,5), which decimal_comma cannot read either
    grouped = tmp_path / "grouped.csv"
    rows = [f"{i}.{i:03d},5;{i % 7},5" for i in range(1, 51)]
    grouped.write_text("v;w\n" + "\n".join(rows) + "\n")
    config = DriftConfig(separator=";", decimal_comma=True)
    columns = {c.column: c for c in run_report(grouped, grouped, config).columns}
    assert columns["w"].kind.value == "numeric"
    reason = columns["v"].reason
    assert reason is not None and "numbers written as text ('1.001,5'" in reason
    assert "--decimal-comma" not in reason


def test_decimal_comma_needs_another_separator_and_a_boolean() -> None:
    from driftcli.config import config_from_mapping
    from driftcli.errors import ConfigError

    with pytest.raises(ConfigError, match="decimal_comma needs a separator other than ','"):
        DriftConfig(decimal_comma=True)
    with pytest.raises(ConfigError, match="decimal_comma needs a separator"):
        DriftConfig(separator=",", decimal_comma=True)
    with pytest.raises(ConfigError, match="decimal_comma must be true or false, got 'yes'"):
        config_from_mapping({"separator": ";", "decimal_comma": "yes"})
    config = config_from_mapping({"separator": ";", "decimal_comma": True})
    assert config.decimal_comma and config.to_dict()["decimal_comma"] is True
    assert "decimal_comma" not in DriftConfig().to_dict()  # echoed only when set
