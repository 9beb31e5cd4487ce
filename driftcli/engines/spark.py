"""The Spark engine: Spark reads, the executors compare each pass with the local code.

``--engine spark`` opens each side with Spark (a local path, glob or folder, an ``s3a://``,
``hdfs://`` or ``file://`` URI, or ``table:db.name``). By default (``compute="executors"``)
the driver reads only the columns every pass shares (segments, time, the model's), and each
pass of tested columns is one Spark job: a cogroup of both sides on a constant puts the pass's
columns of both sides in one task, whose Python worker orders the rows as the driver would
and runs :func:`driftcli.engines.passes.remote_pass`, the same Polars/NumPy/SciPy code as a
local pass; only the pickled results come back, and the driver merges them. Passes run a
core's worth at a time. The tested columns never reach the driver; one task holds one pass,
so a pass's columns of both sides must fit an executor. With ``compute="driver"``
(``$DRIFT_SPARK_COMPUTE=driver``, and always for a side whose rows come from no file) every
read projects the columns a pass needs and brings them to the driver as Arrow, which compares
them: all the needed ones when they fit its memory budget and Spark's result-size limit,
else a pass of a few. Either way the numbers are the local engine's (``tests/test_spark.py``
compares whole reports).

What makes it exact:

- **Row order.** Spark returns a folder's files largest first, not in name order, and a run
  lines up the columns of several reads side by side. Every read therefore also brings each
  row's file split (a hash of ``input_file_name()`` and ``input_file_block_start()``, 8 bytes
  a row), and the rows are sorted by the split's rank: files in the order Polars reads them
  (driftcli's own listing of a local path; URI order for remote data), splits by offset. On
  the driver, rows of a split stay as the one task that read it returned them (stably); on
  an executor, after the shuffle, by ``monotonically_increasing_id()`` taken as the split was
  read. Rows that come from no file (a view over a join) have no such order: such a side is
  read at once, on the driver.
- **Dtypes.** Spark's types go to Polars through Arrow. Where Spark's type system loses what
  a Parquet file says (unsigned integers, Categorical, a millisecond or zoned Datetime, a
  nanosecond Datetime that Spark reads as a number, an INT96 timestamp, a Null column), the
  dtype Polars reads from the file (Polars' own schema of a local file; the footer's Arrow
  schema or INT96 columns under a URI) is restored after each read (on the driver, or in the
  executor's worker). CSV and JSON Lines are typed as Polars types them: integers Int64,
  dates and times left as text; CSV columns are named as Polars names them, and files whose
  headers differ are refused (Spark maps CSV fields by position).

The session is the active one when there is one (``spark-submit``, a notebook); else a new one
on ``$DRIFT_SPARK_MASTER`` (default ``local[2]``) whose JVM writes its output and logs to a file
(``$DRIFT_SPARK_LOG``, else a temporary file removed at exit), never to the terminal; its Python
workers run this interpreter unless ``$PYSPARK_PYTHON`` says otherwise. PySpark is imported
only here, inside functions: ``import driftcli`` and ``drift --help`` never load it.
"""

from __future__ import annotations

import atexit
import base64
import codecs
import contextlib
import csv as csv_format
import functools
import io
import json
import math
import os
import pickle
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlparse

import polars as pl

from driftcli.engines.base import DataSource, PassRunner, rows_frame
from driftcli.engines.passes import PassJob, PassOutcome, dumps, remote_pass
from driftcli.engines.spark_common import pass_error, read_error, spark_column, spark_message
from driftcli.engines.stream import (
    StreamEngine,
    parse_size,
    width,
)
from driftcli.errors import ConfigError, InputError
from driftcli.inputs.formats import json_array, ndjson_columns, open_file
from driftcli.inputs.registry import INFER_ROWS, format_from_path, normalise_format
from driftcli.inputs.sources import (
    UNNAMED,
    SourceLike,
    not_utf8,
    resolve_files,
    separator_hint,
)

if TYPE_CHECKING:
    from pyspark.sql import DataFrame as SparkFrame
    from pyspark.sql import SparkSession

INSTALL_HINT = "pip install 'driftcli[spark]'"
JDK_HINT = (
    "install a JDK 17 or later (Debian/Ubuntu: apt-get install openjdk-17-jre-headless) "
    "or set JAVA_HOME to one"
)
#: The formats Spark reads natively.
SPARK_FORMATS = ("parquet", "csv", "ndjson")
TABLE_PREFIX = "table:"
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
#: The column every read brings beside the data: which file split each row comes from.
_SPLIT = "__drift_split"
#: Beside it in a pass run on the executors: each row's place in the task that read it.
_ROW = "__drift_row"
#: Where the passes run: on the executors (each pass's columns go to one task, which tests
#: them with the local code) or on the driver (the columns come to it).
COMPUTE = ("executors", "driver", "partitions")
#: Bytes of a pass's pickled outcome per row (and Arrow batch) the executors send back.
_PIECE = 64 << 20
_KEY_BYTES = 8
#: The share of ``spark.driver.maxResultSize`` one read may fill.
RESULT_SHARE = 0.8
#: The share of the driver JVM's heap one read may fill (the results pass through it).
HEAP_SHARE = 0.3
#: The same on a local master, whose tasks run in the driver's JVM: there a task's result is
#: held up to three times at once (the task's serialized result in the block manager, the copy
#: the driver fetches, the bytes it collects) beside the tasks' own Parquet and Arrow buffers.
#: With 0.3, a 1M-row read on Spark's default 1g heap ran out of it in about 1 run in 7.
LOCAL_HEAP_SHARE = HEAP_SHARE / 3
#: JSON Lines keys are put in the order Polars infers them from: the first rows of a file.
JSON_HEAD_ROWS = 100


# ---------------------------------------------------------------------------- the session


def _pyspark_version() -> str:
    """PySpark's version; ConfigError with the install hint when it is missing or too old."""
    try:
        import pyspark
    except ImportError as exc:
        raise ConfigError(
            f"--engine spark needs PySpark, which is not installed: {INSTALL_HINT}"
        ) from exc
    version = str(pyspark.__version__)
    if int(version.split(".")[0]) < 4:
        raise ConfigError(
            f"--engine spark needs PySpark 4 (found PySpark {version}): {INSTALL_HINT}"
        )
    return version


def java_problem() -> str | None:
    """Why Spark could not start a JVM here (no Java, or older than 17), else None."""
    home = os.environ.get("JAVA_HOME")
    java = os.path.join(home, "bin", "java") if home else shutil.which("java")
    if home and not os.access(os.path.join(home, "bin", "java"), os.X_OK):
        return f"JAVA_HOME={home} has no bin/java"
    if java is None:
        return "no Java found (JAVA_HOME is not set and there is no java on PATH)"
    try:
        out = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"{java} -version failed ({exc})"
    m = re.search(r'version "(\d+)(?:\.(\d+))?', out.stderr + out.stdout)
    if m is not None:
        major = int(m.group(2) or 0) if m.group(1) == "1" else int(m.group(1))
        if major < 17:
            return f"{java} is Java {major}, and Spark 4 needs 17 or later"
    return None


def _log_path() -> tuple[str, bool]:
    """Where a new JVM writes its output, and whether to keep the file after the run."""
    chosen = os.environ.get("DRIFT_SPARK_LOG")
    if chosen:
        return chosen, True
    fd, path = tempfile.mkstemp(prefix="driftcli-spark-", suffix=".log")
    os.close(fd)
    return path, False


def _last_line(path: str) -> str:
    with contextlib.suppress(OSError):
        lines = [ln.strip() for ln in Path(path).read_text(errors="replace").splitlines()]
        lines = [ln for ln in lines if ln and not ln.startswith("at ")]  # no Java stack
        if lines:
            return lines[-1]
    return "no output"


def spark_session() -> SparkSession:
    """The active SparkSession, else a new one (see the module doc)."""
    _pyspark_version()
    from pyspark.errors import PySparkRuntimeError
    from pyspark.sql import SparkSession

    with contextlib.suppress(PySparkRuntimeError):
        return SparkSession.active()
    master = os.environ.get("DRIFT_SPARK_MASTER")
    conf = {
        "spark.app.name": "driftcli",
        "spark.ui.showConsoleProgress": "false",
        # Timestamps with a zone come back in UTC (their instants are exact either way).
        "spark.sql.session.timeZone": "UTC",
        # Polars tells "x" from "X"; so must Spark.
        "spark.sql.caseSensitive": "true",
        # Nanosecond Parquet timestamps (pandas writes them) are read as numbers and turned
        # back into Datetime("ns") from the file's Arrow schema; Spark refuses them otherwise.
        "spark.sql.legacy.parquet.nanosAsLong": "true",
        # A time-of-day column (Polars' Time, Parquet's TIME) is read as Spark's TIME type;
        # without it Spark refuses the whole file (UNSUPPORTED_TIME_TYPE).
        "spark.sql.timeType.enabled": "true",
    }
    if "PYSPARK_GATEWAY_PORT" in os.environ:
        # Under spark-submit: the JVM runs already, with the master it was given.
        builder = SparkSession.builder
        for key, value in conf.items():
            builder = builder.config(key, value)
        if master:
            builder = builder.master(master)
        spark = builder.getOrCreate()
        spark.sparkContext.setLogLevel("WARN")
        return spark
    problem = java_problem()
    if problem is not None:
        raise ConfigError(f"--engine spark needs Java to run Spark: {problem}; {JDK_HINT}")
    return _launch(master or "local[2]", conf)


def _launch(master: str, settings: dict[str, str]) -> SparkSession:
    """A new JVM and session whose output goes to a log file instead of the terminal."""
    from pyspark import SparkConf, SparkContext
    from pyspark.java_gateway import launch_gateway
    from pyspark.sql import SparkSession

    conf = SparkConf().setMaster(master).setAll(list(settings.items()))
    if master.startswith("local"):
        conf.set("spark.ui.enabled", "false")  # no web UI (nor its port) for a local run
        if not os.environ.get("PYSPARK_PYTHON"):
            # The executors' Python workers run this interpreter, which has driftcli (else
            # they would run the first python3 on the PATH). PySpark reads only the variable.
            os.environ["PYSPARK_PYTHON"] = sys.executable
    path, keep = _log_path()
    if not keep:
        atexit.register(lambda: Path(path).unlink(missing_ok=True))
    try:
        # PySpark keeps the first JVM it was given for the whole process and ignores a gateway
        # passed later: once a session was stopped, a new one reuses that JVM (launching
        # another would leave it running unused until the process ends).
        old = SparkContext._gateway
        proc = getattr(old, "proc", None)
        if old is None or (proc is not None and proc.poll() is not None):
            SparkContext._gateway = SparkContext._jvm = None  # none yet, or it has exited
            with open(path, "ab") as log:
                gateway = launch_gateway(  # type: ignore[no-untyped-call]
                    conf, popen_kwargs={"stdout": log, "stderr": log}
                )
            sc = SparkContext(conf=conf, gateway=gateway)
        else:
            sc = SparkContext(conf=conf)
    except Exception as exc:
        raise ConfigError(
            f"Spark did not start ({_last_line(path)}); set DRIFT_SPARK_LOG=FILE to keep "
            "Spark's output, and check the Java and Spark installation"
        ) from exc
    sc.setLogLevel("WARN")  # into the log file
    return SparkSession(sc)


# ---------------------------------------------------------------------------- a source


def _frame(table: Any) -> pl.DataFrame:
    """An Arrow table as a Polars DataFrame."""
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    return frame


def _spark_schema(frame: SparkFrame) -> pl.Schema:
    """A Spark DataFrame's schema as Polars types it through Arrow (no job runs)."""
    return _frame(frame.limit(0).toArrow()).schema


def _local_uri(path: str) -> str:
    """A local path as Spark must see it: ``file:`` (the driver's disk, never the cluster's
    default file system) and glob characters escaped (the listing is done already)."""
    return "file:" + re.sub(r"([\\*?\[\]{}])", r"\\\1", os.path.abspath(path))


class SparkSource:
    """One side opened by Spark: its DataFrame, its Polars schema and how to read it in
    file order."""

    def __init__(
        self,
        role: str,
        label: str,
        frame: SparkFrame,
        fmt: str | None,
        local_files: Sequence[str] = (),
        casts: dict[str, pl.DataType] | None = None,
    ) -> None:
        self._role, self._label = role, label
        self.frame = frame
        self.format = fmt
        #: driftcli's listing of a local path, in the order Polars reads it (else empty).
        self.local_files = tuple(local_files)
        #: Columns turned back into the dtype Polars reads, on the driver after each read.
        self.casts = dict(casts or {})
        try:
            spark_schema = _spark_schema(frame)
        except Exception as exc:
            raise self.read_error(exc) from exc
        self._schema = pl.Schema(
            {name: self.casts.get(name, dtype) for name, dtype in spark_schema.items()}
        )
        self._ranks: dict[int, int] | None = None
        self._rows: int | None = None
        self._from_files = True

    @property
    def role(self) -> str:
        return self._role

    @property
    def label(self) -> str:
        return self._label

    def schema(self) -> pl.Schema:
        return self._schema

    def separator_hint(self) -> str | None:
        return separator_hint(self._schema.names()) if self.format == "csv" else None

    def read_error(self, exc: BaseException) -> InputError:
        return read_error(self.role, self.label, exc)

    def _index(self) -> dict[int, int]:
        """Each file split's rank (the hash of its file and start to its place in Polars'
        order), the row count and whether the rows come from files at all, from one Spark
        job that counts the rows of every split."""
        if self._ranks is not None:
            return self._ranks
        from pyspark.sql import functions as sf

        try:
            counted = (
                self.frame.select(
                    sf.input_file_name().alias("f"), sf.input_file_block_start().alias("b")
                )
                .groupBy("f", "b")
                .agg(sf.count(sf.lit(1)).alias("n"))
                .withColumn("h", sf.xxhash64("f", "b"))
                .collect()
            )
        except Exception as exc:
            raise self.read_error(exc) from exc
        if len({r["h"] for r in counted}) != len(counted):
            raise InputError(f"{self.role} {self.label}: two file names hash alike; rename one")
        place = {os.path.abspath(f): i for i, f in enumerate(self.local_files)}

        def order(split: Any) -> tuple[int, str, int]:
            uri = str(split["f"])
            local = unquote(urlparse(uri).path) if uri.startswith("file:") else ""
            return (place.get(local, len(place)), uri, int(split["b"]))

        ranked = sorted(counted, key=order)
        self._ranks = {int(r["h"]): i for i, r in enumerate(ranked)}
        self._rows = sum(int(r["n"]) for r in counted)
        self._from_files = all(r["f"] for r in counted)
        return self._ranks

    def rows(self) -> int:
        """The rows of this side (Spark counts them once)."""
        self._index()
        assert self._rows is not None
        return self._rows

    def from_files(self) -> bool:
        """True when every row comes from a file (a file-based table, a path): then every
        read can put the rows in file order. A view over a join or an aggregation has no file
        order, and two reads of it may return its rows in different orders."""
        self._index()
        return self._from_files

    def read(self, columns: list[str]) -> pl.DataFrame:
        """``columns`` on the driver, rows in file order, dtypes as Polars reads them.

        A file split is read by one task, in file order, and a collect keeps each task's rows
        in order: so sorting the rows by the rank of their split (stably) puts them in the
        order Polars reads the files."""

        if not columns:
            # Nothing to test (every column skipped): still count the rows.
            return rows_frame(self.rows())
        ranks = self._index()
        projected = _pass_side(self, columns, in_task=False)
        try:
            got = _frame(projected.toArrow())
        except Exception as exc:
            raise self.read_error(exc) from exc
        try:
            rank = pl.col(_SPLIT).replace_strict(ranks, return_dtype=pl.Int64)
            order = got.select(rank).with_row_index("i").sort(_SPLIT, "i").get_column("i")
        except pl.exceptions.InvalidOperationError as exc:
            raise InputError(
                f"{self.role} {self.label}: a file appeared while it was read; rerun on data "
                "that does not change during the run"
            ) from exc
        frame = _named_back(got, columns)
        if not order.is_sorted():
            frame = frame[order]
        if self.casts:
            frame = frame.with_columns(
                pl.col(c).cast(t) for c, t in self.casts.items() if c in columns
            )
        return frame


# ---------------------------------------------------------------------------- opening


def _widen(spark_type: Any, dates_as_text: bool) -> Any:
    """A CSV/JSON column's Spark type as Polars would infer it: integers 64-bit, dates and
    times text."""
    from pyspark.sql import types as st

    if isinstance(spark_type, (st.ByteType, st.ShortType, st.IntegerType)):
        return st.LongType()
    if dates_as_text and isinstance(
        spark_type, (st.DateType, st.TimestampType, st.TimestampNTZType)
    ):
        return st.StringType()
    return spark_type


def _json_key_order(lines: Sequence[str]) -> list[str]:
    """The keys of JSON Lines in Polars' column order: Polars' own inference over these
    lines. A key that some first lines lack goes where Polars merges it in (after the key
    before it in the line that has it), not last; so it is asked, not imitated. Lines Polars
    cannot read: the keys in the order they first appear."""
    with contextlib.suppress(Exception):
        text = "\n".join(line.strip() for line in lines).encode()
        return pl.read_ndjson(io.BytesIO(text), infer_schema_length=None).columns
    keys: dict[str, None] = {}
    for line in lines:
        with contextlib.suppress(ValueError):
            row = json.loads(line)
            if isinstance(row, dict):
                keys.update(dict.fromkeys(row))
    return list(keys)


def _head_lines(path: str, n: int) -> list[str]:
    with open_file(path, "rt", encoding="utf-8", errors="replace") as f:
        return [line for _, line in zip(range(n), f, strict=False) if line.strip()]


def _restorable(spark: pl.DataType, polars: pl.DataType) -> bool:
    """True when Spark's dtype is a known lossy reading of the one Polars reads from the
    file, and casting back gives Polars' values."""
    if polars == pl.Null:
        return True
    if polars.is_integer():
        return spark.is_integer() or isinstance(spark, pl.Decimal)
    if isinstance(polars, (pl.Categorical, pl.Enum)):
        return spark == pl.String
    if isinstance(polars, pl.Datetime):
        return isinstance(spark, pl.Datetime) or spark == pl.Int64
    if isinstance(polars, pl.Duration):
        return spark == pl.Int64
    return False


def _local_parquet_schema(path: str) -> dict[str, pl.DataType]:
    """The dtypes Polars reads from a local Parquet file (its footer only)."""
    with open(path, "rb") as fh:  # the name literally: "part [1].parquet" is no glob
        return dict(pl.read_parquet_schema(fh))


def _remote_parquet_schema(spark: SparkSession, path: str) -> dict[str, pl.DataType]:
    """The dtypes Polars would read from a Parquet file under a URI, where its footer says
    them: the Arrow schema it carries (``ARROW:schema``, written by Polars, pyarrow and
    pandas), else its INT96 timestamps (Spark's and Hive's legacy type, which Polars reads
    as a naive nanosecond Datetime and Spark as an instant in the session's zone). Read
    through Spark's own Hadoop file system (credentials and all); {} when unreadable."""
    import pyarrow as pa

    try:
        jvm: Any = spark.sparkContext._jvm
        hadoop = spark.sparkContext._jsc.hadoopConfiguration()
        file = jvm.org.apache.parquet.hadoop.util.HadoopInputFile.fromPath(
            jvm.org.apache.hadoop.fs.Path(jvm.java.net.URI(path)), hadoop
        )
        reader = jvm.org.apache.parquet.hadoop.ParquetFileReader.open(file)
        try:
            meta = reader.getFooter().getFileMetaData()
            text = meta.getKeyValueMetaData().get("ARROW:schema")
            if text:
                schema = pa.ipc.read_schema(pa.py_buffer(base64.b64decode(text)))
                return dict(_frame(schema.empty_table()).schema)
            return {
                str(field.getName()): pl.Datetime("ns")
                for field in meta.getSchema().getFields()
                if field.isPrimitive()
                and str(field.asPrimitiveType().getPrimitiveTypeName().name()) == "INT96"
            }
        finally:
            reader.close()
    except Exception:  # noqa: BLE001 - nothing to restore from: Spark's types stay
        return {}


def _parquet_casts(
    spark: SparkSession, frame: SparkFrame, first: str | None, local: bool
) -> dict[str, pl.DataType]:
    """Casts that give Spark's reading of a Parquet side the dtypes Polars reads: for a
    local file, Polars' own schema of it; under a URI, what its footer says."""
    if first is None:
        return {}
    wanted = _local_parquet_schema(first) if local else _remote_parquet_schema(spark, first)
    got = _spark_schema(frame)
    return {
        name: dtype
        for name, dtype in wanted.items()
        if name in got and got[name] != dtype and _restorable(got[name], dtype)
    }


def _hive_casts(
    frame: SparkFrame, files: Sequence[str], root: str | None, fmt: str
) -> dict[str, pl.DataType]:
    """``key=value`` folder columns as Polars types them: integers Int64 for Parquet (Spark
    infers Int32), text for CSV and JSON Lines (Polars adds them as text)."""
    if root is None:
        return {}
    keys = {
        part.split("=", 1)[0]
        for f in files
        for part in Path(f).relative_to(root).parent.parts
        if "=" in part
    }
    got = _spark_schema(frame)
    out: dict[str, pl.DataType] = {}
    for key in keys & set(got.names()):
        if fmt != "parquet":
            out[key] = pl.String()
        elif got[key].is_integer():
            out[key] = pl.Int64()
    return out


def _columns_differ(first: dict[str, Any], other: dict[str, Any]) -> str:
    """How ``other``'s columns (name: type) differ from ``first``'s, in words."""
    extra = [repr(c) for c in other if c not in first]
    missing = [repr(c) for c in first if c not in other]
    retyped = [
        f"{c!r} ({other[c]}, not {first[c]})" for c in first if c in other and other[c] != first[c]
    ]
    parts = [
        f"{label} {', '.join(names)}"
        for label, names in (("extra", extra), ("missing", missing), ("other type", retyped))
        if names
    ]
    return "; ".join(parts)


def _one_schema(
    spark: SparkSession, reader: Any, frame: SparkFrame, paths: list[str], local: list[str]
) -> str | None:
    """Why a side's Parquet files do not make one table, else None.

    Polars reads several files only when each has the first file's columns, of the same
    types (in any order); Spark takes one file's schema and reads the others into it, so
    it would drop a column some files add. Local files are checked as Polars checks them,
    file by file (their footers). Files under a URI are checked in one Spark job: the
    schema merged from every footer against the first file's, which finds a column some
    files add or retype (a file lacking a column is read with nulls for it, as Spark does).
    """
    if len(local) > 1:
        first = _local_parquet_schema(local[0])
        for path in local[1:]:
            other = _local_parquet_schema(path)
            if other != first:
                return f"{path} differs from {local[0]}: {_columns_differ(first, other)}"
        return None
    if local:
        return None
    files = sorted(frame.inputFiles())
    if len(files) < 2:
        return None
    try:
        merged = reader.option("mergeSchema", "true").parquet(*paths).schema
    except Exception as exc:  # noqa: BLE001 - a type no schema merges: Spark says which
        return f"they do not merge ({spark_message(exc)})"
    head = spark.read.parquet(files[0]).schema
    whole = {f.name: f.dataType.simpleString() for f in merged.fields}
    one = {f.name: f.dataType.simpleString() for f in head.fields}
    hive = {f.name for f in frame.schema.fields} - set(one)  # key=value folder columns
    whole = {k: v for k, v in whole.items() if k not in hive}
    if whole == one:
        return None
    return f"other files differ from {files[0]}: {_columns_differ(one, whole)}"


def _uri_format(uri: str, fmt: str | None) -> str | None:
    """``fmt``, else the format a URI's name says (``.../day=1/part.csv``: csv), else None."""
    return fmt or format_from_path(urlparse(uri).path.rstrip("/"))


def open_spark(
    spark: SparkSession, src: str, fmt: str | None, role: str, separator: str | None
) -> SparkSource:
    """One side as a Spark DataFrame (nothing but the schema is read; CSV and JSON Lines are
    scanned once by Spark to infer their types)."""
    if src.startswith(TABLE_PREFIX):
        name = src.removeprefix(TABLE_PREFIX)
        try:
            frame = spark.table(name)
        except Exception as exc:
            raise InputError(
                f"{role} {src}: Spark has no table {name!r} ({spark_message(exc)}); check the "
                "name (db.table) and the session's catalog"
            ) from exc
        return SparkSource(role, src, frame, None)
    fmt = normalise_format(fmt, f"{role} format")
    if _URI.match(src):
        local_files: list[str] = []
        hive_root = None
        fmt = _uri_format(src, fmt)
        if fmt is None:
            raise InputError(
                f"{role} {src}: cannot tell the format from the name; pass --{role}-format "
                f"({', '.join(SPARK_FORMATS)})"
            )
        paths = [src]
    else:
        local_files, fmt, hive_root = resolve_files(src, fmt, role)
        paths = [_local_uri(f) for f in local_files]
    if fmt not in SPARK_FORMATS:
        raise InputError(
            f"{role} {src}: the spark engine reads {', '.join(SPARK_FORMATS)}, not {fmt}; "
            "convert it, or use --engine polars"
        )
    if fmt != "parquet":
        _check_utf8(role, src, local_files)
    arrays = [f for f in local_files if fmt == "ndjson" and json_array(f)]
    if arrays:
        raise InputError(
            f"{role} {arrays[0]}: a JSON array, which the spark engine does not read (it reads "
            "JSON Lines: one record a line); convert it, e.g. jq -c '.[]' IN > OUT.jsonl, or "
            "use --engine polars"
        )
    reader = spark.read.option("basePath", _local_uri(hive_root)) if hive_root else spark.read
    try:
        if fmt == "parquet":
            frame = reader.parquet(*paths)
        elif fmt == "csv":
            frame = _read_csv(spark, reader, paths, local_files, separator)
        else:
            frame = _read_json(spark, reader, paths, local_files)
        first = local_files[0] if local_files else min(frame.inputFiles(), default=None)
        casts = _parquet_casts(spark, frame, first, bool(local_files)) if fmt == "parquet" else {}
        casts |= _hive_casts(frame, local_files, hive_root, fmt)
        why = _one_schema(spark, reader, frame, paths, local_files) if fmt == "parquet" else None
    except InputError:
        raise
    except Exception as exc:
        raise read_error(role, src, exc) from exc
    if why is not None:
        raise InputError(
            f"{role} {src}: its Parquet files do not share one schema: {why}; give files "
            "with the same columns and types (as the polars engine requires), or compare "
            "them apart"
        )
    return SparkSource(role, src, frame, fmt, local_files, casts)


#: Bytes of each local CSV or JSON Lines file checked to be UTF-8 before Spark reads it.
UTF8_CHECK_BYTES = 1 << 20


def _check_utf8(role: str, label: str, local_files: Sequence[str]) -> None:
    """InputError when a local text file's first :data:`UTF8_CHECK_BYTES` are not UTF-8, as
    the polars engine refuses it: Spark would replace each such byte with U+FFFD without a
    word (``José`` read as ``Jos\ufffd``)."""
    for path in local_files:
        with open_file(path) as f:
            head = f.read(UTF8_CHECK_BYTES)
        try:
            # final=False: a character cut at the end of the bytes read is not an error
            codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        except UnicodeDecodeError:
            raise InputError(not_utf8(role, label)) from None


def _csv_header(
    remote: Sequence[str] | None, local_files: Sequence[str], separator: str
) -> tuple[list[str], list[str]] | None:
    """A side's CSV header as written (its first line's fields) and as the polars engine
    names the columns (Polars' names for a repeated or empty name, then an empty name made
    :data:`UNNAMED`); None when there is no header line to read. ``remote``: the side's
    first lines under a URI (None for local files)."""
    lines = list(remote[:1]) if remote is not None else _head_lines(local_files[0], 1)
    if not lines:
        return None
    line = lines[0].lstrip("\ufeff").rstrip("\r\n")
    written = next(csv_format.reader([line], delimiter=separator), [])
    names = pl.read_csv(io.BytesIO(line.encode()), separator=separator).columns
    if "" in names and UNNAMED not in names:
        names = [UNNAMED if n == "" else n for n in names]
    return written, names


def _csv_head_types(
    remote: Sequence[str] | None, local_files: Sequence[str], separator: str
) -> list[pl.DataType] | None:
    """The column types Polars infers from a side's first rows (:data:`INFER_ROWS` of each
    local file, else ``remote``: the side's first lines under a URI): a column is text when
    any file's first rows make it text, as the polars engine stacks the files. None when the
    files do not agree on their number of columns or Polars cannot read those rows."""
    with contextlib.suppress(Exception):
        if remote is None:
            schemas = [
                pl.scan_csv(f, separator=separator, glob=False, infer_schema_length=INFER_ROWS)
                .collect_schema()
                .dtypes()
                for f in local_files
            ]
        else:
            # Lines of several small files: their headers are not rows (they would make
            # every column text).
            lines = [*remote[:1], *(line for line in remote[1:] if line != remote[0])]
            text = "\n".join(lines).encode()
            schemas = [pl.read_csv(io.BytesIO(text), separator=separator).schema.dtypes()]
        if len({len(d) for d in schemas}) == 1:
            return [
                pl.String() if any(d[i] == pl.String for d in schemas) else schemas[0][i]
                for i in range(len(schemas[0]))
            ]
    return None


def _as_polars_infers(spark_type: Any, head: pl.DataType | None) -> Any:
    """Spark's type of a CSV column (inferred over the whole data, then :func:`_widen`)
    where Polars would infer another from the first rows, in the syntax each accepts: text
    for Polars (``+8``, ``1d``, `` 5``, ``Infinity``, which Spark reads as numbers) stays
    text, so each value reads as written; a float column whose values Spark takes for
    decimals or integers (``5.``) is a double."""
    from pyspark.sql import types as st

    if head == pl.String and not isinstance(spark_type, st.StringType):
        return st.StringType()
    numeric = (st.DecimalType, st.LongType, st.IntegerType)
    if head == pl.Float64 and isinstance(spark_type, numeric):
        return st.DoubleType()
    return spark_type


def _read_csv(
    spark: SparkSession,
    reader: Any,
    paths: list[str],
    local_files: Sequence[str],
    separator: str | None,
) -> SparkFrame:
    """CSV as Polars reads it: a header, empty fields null but a quoted "" empty text, NaN
    and inf as Polars writes them, a line break inside quotes part of the field (Spark's
    ``multiLine``: each file is then read by one task), a malformed row an error; types
    inferred by Spark over the whole data, then widened as Polars infers them (integers
    Int64, dates as text); the columns named as Polars names them (Spark would call a
    repeated name ``a0``, ``a1`` and an empty one ``_c0``).

    Spark maps a CSV file's fields to the columns by position, not by name: each file's
    header is checked against the first's (``enforceSchema`` off), so a file with its
    columns in another order is an error, not a side read with columns swapped. Spark
    cannot check a header with a repeated or empty name; such files are read by position."""
    from pyspark.sql import types as st

    sep = separator or ","
    csv = reader.options(
        header=True,
        sep=sep,
        escape='"',
        nullValue="\u0000",  # an unquoted empty field is null, a quoted "" is ""
        emptyValue="",
        nanValue="NaN",
        positiveInf="inf",
        negativeInf="-inf",
        mode="FAILFAST",
        # Read line by line, a quoted field with a line break made two short rows; under a
        # pass of a few columns, Spark's parser did not always see them as malformed.
        multiLine=True,
    )
    inferred = csv.option("inferSchema", True).csv(paths).schema
    types = [_widen(f.dataType, True) for f in inferred]
    # Under a URI, the first lines are read once, through Spark, for the types and the header.
    remote = None
    if not local_files:
        remote = [str(r[0]) for r in spark.read.text(paths).limit(INFER_ROWS + 1).collect()]
    head = _csv_head_types(remote, local_files, sep)
    if head is not None and len(head) == len(types):
        types = [_as_polars_infers(t, h) for t, h in zip(types, head, strict=True)]
    header = _csv_header(remote, local_files, sep)
    if header is None or len(header[0]) != len(types) or len(header[1]) != len(types):
        schema = st.StructType(
            [st.StructField(f.name, t) for f, t in zip(inferred, types, strict=True)]
        )
        frame: SparkFrame = csv.schema(schema).csv(paths)
        return frame
    written, names = header
    checked = "" not in written and len(set(written)) == len(written)
    fields = written if checked else [f.name for f in inferred]
    schema = st.StructType([st.StructField(n, t) for n, t in zip(fields, types, strict=True)])
    frame = csv.option("enforceSchema", not checked).schema(schema).csv(paths)
    return frame if list(frame.columns) == names else frame.toDF(*names)


def _read_json(
    spark: SparkSession, reader: Any, paths: list[str], local_files: Sequence[str]
) -> SparkFrame:
    """JSON Lines with Polars' column order (keys as they first appear, where Spark sorts
    them) and integer and date types as Polars infers them."""
    from pyspark.sql import types as st

    json_reader = reader.option("mode", "FAILFAST")
    inferred = json_reader.json(paths).schema
    schema = st.StructType([st.StructField(f.name, _widen(f.dataType, True)) for f in inferred])
    frame: SparkFrame = json_reader.schema(schema).json(paths)
    if local_files:
        # The polars engine's order exactly: each file's keys as it reads them (a key that
        # first appears past the first lines goes beside its neighbours), the files stacked
        # as Polars stacks them.
        keys: dict[str, None] = {}
        for f in local_files:
            with contextlib.suppress(Exception):
                keys.update(dict.fromkeys(ndjson_columns(f)))
        found = list(keys)
    else:
        first = min(frame.inputFiles(), default=None)
        rows = spark.read.text(first).limit(JSON_HEAD_ROWS).collect() if first else []
        found = _json_key_order([str(r[0]) for r in rows])
    order = [k for k in found if k in schema.names]
    order += [k for k in schema.names if k not in order]
    return frame.select(*[spark_column(k) for k in order])


# ---------------------------------------------------------------------------- the engine


def heap_share(master: str) -> float:
    """The share of the driver JVM's heap one read may fill on ``master``: less on a local
    master, whose executors share that heap (see :data:`LOCAL_HEAP_SHARE`)."""
    return LOCAL_HEAP_SHARE if master.startswith("local") else HEAP_SHARE


class SparkEngine(StreamEngine):
    """Spark reads; the executors compare (``engine="spark"``).

    ``compute="executors"`` (the default, or ``$DRIFT_SPARK_COMPUTE``): the driver reads only
    the columns every pass shares (segments, time, the model's), and each pass of tested
    columns is one Spark job whose one task gets those columns of both sides, puts the rows
    in file order and tests them with the local code (:func:`remote_pass`); the driver merges
    the results. ``compute="driver"``: the columns come to the driver, all in one read when
    they fit its memory budget and result limits, else in column passes sized to them.
    ``columns_per_pass`` fixes the pass size (tests)."""

    name = "spark"
    reads_elsewhere = True

    def __init__(
        self,
        budget: int | None = None,
        columns_per_pass: int | None = None,
        compute: str | None = None,
    ) -> None:
        super().__init__(budget, columns_per_pass)
        chosen = compute or os.environ.get("DRIFT_SPARK_COMPUTE") or COMPUTE[0]
        if chosen not in COMPUTE:
            raise ConfigError(f"DRIFT_SPARK_COMPUTE: {chosen!r} is not one of {', '.join(COMPUTE)}")
        self.compute = chosen

    @property
    def holds_columns(self) -> bool:
        """In partitions no column is held: a column not tested is read in its pass."""
        return self.compute != "partitions"

    def open(
        self,
        src: SourceLike,
        fmt: str | None,
        role: str,
        separator: str | None,
        decimal_comma: bool = False,
    ) -> DataSource:
        if isinstance(src, (pl.DataFrame, pl.LazyFrame)):
            raise ConfigError(
                f"{role}: the spark engine reads paths, URIs and tables, not a Polars frame "
                "(the frame is in this process already: use engine='polars')"
            )
        text = os.fspath(src)
        _pyspark_version()
        found = fmt
        if _URI.match(text):
            found = _uri_format(text, fmt)
        elif not text.startswith(TABLE_PREFIX):
            # a wrong local path fails before Spark starts
            found = resolve_files(text, fmt, role)[1]
        if decimal_comma and found == "csv":
            raise ConfigError(
                f"{role} {text}: decimal_comma is not read by the spark engine (Spark's CSV "
                "reader takes numbers with a decimal point only); compare these files with "
                "--engine polars or stream, or write their numbers with decimal points"
            )
        return open_spark(spark_session(), text, fmt, role, separator)

    def rows(self, src: DataSource) -> int | None:
        """Rows of one side: a Spark count, once per source."""
        assert isinstance(src, SparkSource)
        return src.rows()

    def _read_cap(self, src: DataSource, columns: Sequence[str]) -> int | None:
        """How many of ``columns`` one read of ``src`` may bring to the driver: within a
        share of ``spark.driver.maxResultSize`` and of the driver JVM's heap, which the
        results pass through (None: no limit)."""
        assert isinstance(src, SparkSource)
        context = src.frame.sparkSession.sparkContext
        limits: list[float] = []
        text = context.getConf().get("spark.driver.maxResultSize") or "1g"
        result = parse_size(text, "spark.driver.maxResultSize")
        if result:  # 0: no limit
            limits.append(RESULT_SHARE * result)
        with contextlib.suppress(Exception):  # the JVM's heap, where Spark tells it
            jvm: Any = context._jvm
            heap = int(jvm.java.lang.Runtime.getRuntime().maxMemory())
            limits.append(heap_share(str(context.master)) * heap)
        if not limits:
            return None
        rows, schema = src.rows(), src.schema()
        largest = max((rows * width(schema[c]) for c in columns if c in schema), default=0)
        room = min(limits) - rows * _KEY_BYTES
        return len(columns) if largest == 0 else max(1, math.floor(room / largest))

    def passes(
        self, ref: DataSource, cur: DataSource, columns: Sequence[str], extra: float = 0.0
    ) -> int | None:
        """On the executors: ``columns_per_pass``, else :meth:`_executor_pass`. On the driver:
        None (one read of everything) when the columns fit the memory budget and one read
        fits the driver's limits; else the stream engine's pass size, within those limits.
        A side whose rows come from no file must be read at once (InputError otherwise)."""
        if self.compute == "partitions":
            # Each column is compared in range partitions, one at a time: passes only group
            # the results.
            return self.columns_per_pass or max(1, len(columns))
        if self._on_executors(ref, cur):
            return self.columns_per_pass or self._executor_pass(ref, cur, columns, extra)
        caps = [c for c in (self._read_cap(s, columns) for s in (ref, cur)) if c is not None]
        cap = min(caps, default=None)
        sizes = self._sizes(ref, cur, columns)
        at_once = self.fits_at_once(sizes, extra) and (cap is None or cap >= len(columns))
        for src in (ref, cur):
            assert isinstance(src, SparkSource)
            if not src.from_files() and (self.columns_per_pass is not None or not at_once):
                raise InputError(
                    f"{src.role} {src.label}: its rows come from no file (a view over a join "
                    "or an aggregation, or data made in the session), so two Spark reads may "
                    "return them in different orders, and this run needs several reads (the "
                    "columns do not fit the driver's memory budget or Spark's result-size "
                    "limit at once); write it to Parquet and compare that"
                )
        if self.columns_per_pass is not None:
            return self.columns_per_pass
        if at_once:
            return None
        per = self.fit(ref, columns, sizes, extra)
        return per if cap is None else max(1, min(per, cap))

    def read(
        self,
        ref: DataSource,
        cur: DataSource,
        columns: list[str],
        extra: tuple[list[str], list[str]],
    ) -> tuple[pl.DataFrame, pl.DataFrame]:
        """``columns`` of both sides (plus each side's ``extra``): one Spark read per side,
        rows in file order."""
        frames: list[pl.DataFrame] = []
        for src, more in ((ref, extra[0]), (cur, extra[1])):
            assert isinstance(src, SparkSource)
            frames.append(src.read(columns + [c for c in more if c not in columns]))
        return frames[0], frames[1]

    def _on_executors(self, ref: DataSource, cur: DataSource) -> bool:
        """Whether this run's passes run on the executors: asked for, and both sides' rows
        come from files (a worker puts rows in file order; a view over a join has none)."""
        if self.compute != "executors":
            return False
        assert isinstance(ref, SparkSource) and isinstance(cur, SparkSource)
        return ref.from_files() and cur.from_files()

    def _executor_pass(
        self, ref: DataSource, cur: DataSource, columns: Sequence[str], extra: float
    ) -> int:
        """Tested columns per pass on the executors: two passes per core Spark offers, so
        every core has work while the passes differ in size, and no more than fit the memory
        of one task's Python worker: ``spark.executor.pyspark.memory`` when it is set (each
        executor's workers share it), else a core's share of the memory budget (on a local
        master the executors share this machine)."""
        assert isinstance(ref, SparkSource)
        context = ref.frame.sparkSession.sparkContext
        cores = max(1, int(context.defaultParallelism))
        per = max(1, math.ceil(len(columns) / (2 * cores)))
        text = context.getConf().get("spark.executor.pyspark.memory")
        if text:
            # Spark reads a bare number as MiB; one task per executor core.
            limit = parse_size(
                text if text[-1:].isalpha() else f"{text}M", "spark.executor.pyspark.memory"
            )
            executor_cores = int(context.getConf().get("spark.executor.cores") or 1)
            budget = limit // max(1, executor_cores)
        else:
            budget = self._budget() // cores
        share = StreamEngine(budget=max(1, budget))
        return min(per, share.fit(ref, columns, self._sizes(ref, cur, columns), extra))

    def extremes(
        self, ref: DataSource, cur: DataSource, column: str
    ) -> tuple[tuple[Any, Any], tuple[Any, Any]]:
        """Each side's smallest and largest value of ``column``: one Spark aggregate a side,
        typed back as Polars reads the column."""
        from pyspark.sql import functions as sf

        ends = []
        for src in (ref, cur):
            assert isinstance(src, SparkSource)
            c = spark_column(column)
            try:
                got = _frame(
                    src.frame.select(sf.min(c).alias("lo"), sf.max(c).alias("hi")).toArrow()
                )
            except Exception as exc:
                raise src.read_error(exc) from exc
            if column in src.casts:
                got = got.with_columns(pl.all().cast(src.casts[column]))
            ends.append(got.row(0))
        return (ends[0][0], ends[0][1]), (ends[1][0], ends[1][1])

    def pass_runner(self, ref: DataSource, cur: DataSource) -> PassRunner | None:
        """On the executors: each pass one Spark job (run a core's worth at a time), the
        outcomes in pass order; in partitions, :class:`PartitionedRuns`. None: the driver
        reads and compares."""
        if self.compute == "partitions":
            from driftcli.engines.partitioned import PartitionedRuns

            assert isinstance(ref, SparkSource) and isinstance(cur, SparkSource)
            cores = max(1, int(ref.frame.sparkSession.sparkContext.defaultParallelism))
            return PartitionedRuns(ref, cur, cores)
        if not self._on_executors(ref, cur):
            return None
        assert isinstance(ref, SparkSource) and isinstance(cur, SparkSource)
        sides = (ref, cur)
        cores = max(1, int(ref.frame.sparkSession.sparkContext.defaultParallelism))

        def run(jobs: Sequence[PassJob]) -> Iterator[PassOutcome]:
            with ThreadPoolExecutor(max_workers=min(cores, max(1, len(jobs)))) as pool:
                futures = [pool.submit(_run_on_executors, sides, job) for job in jobs]
                try:
                    for future in futures:
                        yield future.result()
                finally:
                    for future in futures:
                        future.cancel()

        return run


def _carried(k: int) -> str:
    """The name the ``k``-th column of a pass has on its way to an executor's task."""
    return f"__drift_c{k}"


def _pass_side(src: SparkSource, columns: Sequence[str], in_task: bool = True) -> SparkFrame:
    """A read's columns of one side with each row's file split and, for a pass that goes to
    an executor's task (``in_task``), its place in the task that read it.

    The columns travel as ``__drift_c0``, ``__drift_c1``, ... (:func:`_named_back` gives
    them their names back): a cogroup's ``applyInArrow`` resolves its input's columns by
    name unquoted, so a column named ``a.b`` would be taken for field ``b`` of a column
    ``a``; and a column of the data may be named like the split's or the row's."""
    from pyspark.sql import functions as sf

    split = sf.xxhash64(sf.input_file_name(), sf.input_file_block_start())
    row = [sf.monotonically_increasing_id().alias(_ROW)] if in_task else []
    return src.frame.select(
        *[spark_column(c).alias(_carried(k)) for k, c in enumerate(columns)],
        split.alias(_SPLIT),
        *row,
    )


def _named_back(got: pl.DataFrame, columns: Sequence[str]) -> pl.DataFrame:
    """The ``columns`` of a read by :func:`_pass_side`, under their own names."""
    carried = {_carried(k): name for k, name in enumerate(columns)}
    return got.select(list(carried)).rename(carried)


def _run_on_executors(sides: tuple[SparkSource, SparkSource], job: PassJob) -> PassOutcome:
    """One pass as one Spark job: both sides' columns grouped into one task (a cogroup on a
    constant), tested there by :func:`_executor_task`, its pickled outcome sent back."""
    from pyspark.sql import functions as sf

    ranks = (sides[0]._index(), sides[1]._index())
    casts = tuple(
        {c: t for c, t in src.casts.items() if c in job.reads(i)} for i, src in enumerate(sides)
    )
    names = tuple(f"{src.role} {src.label}" for src in sides)
    task = functools.partial(_executor_task, dumps(job), ranks, casts, names, _PIECE)
    grouped = [
        _pass_side(src, job.reads(i)).groupBy(sf.lit(0).alias("__drift_group"))
        for i, src in enumerate(sides)
    ]
    try:
        pieces = grouped[0].cogroup(grouped[1]).applyInArrow(task, "piece binary").toArrow()
    except Exception as exc:
        raise pass_error(sides[0].role, sides[0].label, exc, job.chunk) from exc
    blob = b"".join(pieces.column("piece").to_pylist())
    if not blob:  # no rows on either side (the run stops on that before the passes)
        raise InputError(f"{sides[0].role} {sides[0].label}: no rows to compare")
    outcome = pickle.loads(blob)
    assert isinstance(outcome, PassOutcome)
    return outcome


def _in_file_order(
    table: Any,
    ranks: dict[int, int],
    casts: dict[str, pl.DataType],
    columns: list[str],
    side: str,
) -> pl.DataFrame:
    """One side of a pass in a worker: rows sorted by their split's rank, then by their
    place in the task that read the split (the order Polars reads the files)."""
    got = _frame(table)
    rank = pl.col(_SPLIT).replace_strict(ranks, return_dtype=pl.Int64)
    try:
        order = got.select(rank, pl.col(_ROW)).with_row_index("i").sort(_SPLIT, _ROW)
    except pl.exceptions.InvalidOperationError:
        raise InputError(
            f"{side}: a file appeared while it was read; rerun on data that does not change "
            "during the run"
        ) from None
    frame = _named_back(got, columns)[order.get_column("i")]
    return frame.with_columns(pl.col(c).cast(t) for c, t in casts.items()) if casts else frame


def _executor_task(
    job_bytes: bytes,
    ranks: tuple[dict[int, int], dict[int, int]],
    casts: tuple[dict[str, pl.DataType], ...],
    names: tuple[str, ...],
    piece: int,
    left: Any,
    right: Any,
) -> Any:
    """Runs in a Spark worker: the pass on both sides' Arrow tables, its outcome pickled in
    pieces (one Arrow row each)."""
    import pyarrow as pa

    job = pickle.loads(job_bytes)
    try:
        ref, cur = (
            _in_file_order(t, ranks[i], casts[i], job.reads(i), names[i])
            for i, t in enumerate((left, right))
        )
        outcome = remote_pass(job, ref, cur)
    except Exception as exc:  # noqa: BLE001 (raised again on the driver)
        outcome = PassOutcome(error=exc)
    try:
        blob = dumps(outcome)
    except Exception as exc:  # noqa: BLE001 (an error that does not pickle: its text)
        error = outcome.error or exc
        blob = dumps(PassOutcome(error=RuntimeError(f"{type(error).__name__}: {error}")))
    # One Arrow batch a piece: an Arrow binary array holds at most 2 GiB.
    schema = pa.schema([("piece", pa.binary())])
    batches = [
        pa.record_batch([pa.array([blob[i : i + piece]], type=pa.binary())], schema=schema)
        for i in range(0, len(blob), piece)
    ]
    return pa.Table.from_batches(batches, schema=schema)
