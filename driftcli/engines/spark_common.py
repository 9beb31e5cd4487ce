"""What the Spark engine's modules share: a column named safely, and Spark's errors as one
line a user can act on (:func:`read_error` for a read, :func:`pass_error` for a job that ran
driftcli's code on the executors). PySpark is imported only inside functions."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from driftcli.errors import InputError

if TYPE_CHECKING:
    from pyspark.sql import Column


def spark_column(name: str) -> Column:
    """The column ``name`` as one column, whatever its characters (a dot, a space, a
    backtick): Spark would read ``a.b`` as field ``b`` of a column ``a``."""
    from pyspark.sql import functions as sf

    return sf.col("`" + name.replace("`", "``") + "`")


def spark_message(exc: BaseException) -> str:
    """The first line of a Spark error that says what went wrong (no Java stack)."""
    for line in str(exc).splitlines():
        line = line.strip().removeprefix(": ").strip()
        if not line or line.startswith(("An error occurred while calling", "JVM stacktrace")):
            continue
        return line
    return type(exc).__name__


#: Spark's words for a record its FAILFAST parser refused (a CSV row, a JSON line).
_MALFORMED = re.compile(r"\[MALFORMED_[A-Z_.]+\][^\n]*?(?=\s*(?:Parse Mode|SQLSTATE|$))", re.M)
#: Spark's words for a read too large for the driver.
_TOO_LARGE = ("maxResultSize", "TaskResultLost", "OutOfMemoryError", "Java heap space")


def read_error(role: str, label: str, exc: BaseException) -> InputError:
    """An InputError naming the source, with Spark's one line on what went wrong."""
    message = spark_message(exc)
    if any(word in str(exc) for word in _TOO_LARGE):
        return InputError(
            f"{role} {label}: one read was too large for the Spark driver ({message}); give "
            "the driver more memory (--driver-memory, or PYSPARK_SUBMIT_ARGS='--driver-memory "
            "8g pyspark-shell') or a larger spark.driver.maxResultSize, or lower "
            "DRIFT_MEMORY_BUDGET for smaller passes"
        )
    if "CSV header does not conform to the schema" in str(exc):
        return InputError(
            f"{role} {label}: its CSV files do not all have the same header (Spark reads a "
            "CSV file's fields by position, so a file with its columns in another order "
            "would be read swapped); give every file the same header, or compare with "
            "--engine polars, which matches the columns by name"
        )
    malformed = _MALFORMED.search(str(exc))
    if malformed is not None:
        return InputError(
            f"{role} {label}: Spark finds a malformed record in it ({malformed.group(0)}): a "
            "row with more or fewer fields than the header, or a quote left open; mend the "
            "file, or compare with --engine polars, which reads a short row's missing fields "
            "as nulls"
        )
    if "UNSUPPORTED_TIME_TYPE" in str(exc):
        return InputError(
            f"{role} {label}: it has a time-of-day column, which this Spark session does not "
            f"read ({message}); set spark.sql.timeType.enabled=true in the session (driftcli "
            "sets it in the sessions it starts), or compare with --engine polars"
        )
    return InputError(
        f"{role} {label}: Spark cannot read it ({message}); check the path, that Spark can "
        f"reach it, and the format (--{role}-format)"
    )


def pass_error(
    role: str,
    label: str,
    exc: BaseException,
    columns: Sequence[str] = (),
    partitions: bool = False,
) -> InputError:
    """The error of a pass's Spark job (of ``columns``; ``partitions``: a column compared in
    range partitions): a worker that cannot import driftcli or what it needs, a worker that
    died while comparing, or a read that failed (named as a read of ``role``'s ``label``)."""
    text = str(exc)
    if "Python worker exited unexpectedly" in text and partitions:
        return InputError(
            f"the Python worker comparing column {', '.join(columns)} in range partitions on "
            "Spark's executors exited unexpectedly, most often because it ran out of memory "
            "(a task holds one range of the column's sorted values, about 4M of them); give "
            "the executors' Python workers more memory (spark.executor.pyspark.memory, or "
            "spark.executor.memoryOverhead on YARN and Kubernetes)"
        )
    if "Python worker exited unexpectedly" in text:
        which = f" ({', '.join(columns)})" if columns else ""
        return InputError(
            f"the Python worker comparing a pass of columns{which} on Spark's executors "
            "exited unexpectedly, most often because it ran out of memory (one task holds "
            "the pass's columns of both sides and their sorted copies); give the executors' "
            "Python workers more memory (spark.executor.pyspark.memory, or "
            "spark.executor.memoryOverhead on YARN and Kubernetes), lower DRIFT_MEMORY_BUDGET "
            "for fewer columns a pass, set DRIFT_SPARK_COMPUTE=partitions (no task holds a "
            "column), or DRIFT_SPARK_COMPUTE=driver"
        )
    if "ModuleNotFoundError" in text or "No module named" in text:
        missing = re.search(r"No module named '([^']+)'", text)
        name = missing.group(1) if missing else "driftcli"
        return InputError(
            f"Spark's executors cannot import {name}: install driftcli (and its "
            "dependencies) where the executors run Python, or set DRIFT_SPARK_COMPUTE=driver "
            "to compare on the driver"
        )
    return read_error(role, label, exc)
