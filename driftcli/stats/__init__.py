"""Drift tests: the registry and the tests registered in it."""

from driftcli.stats import catalogue as _catalogue  # noqa: F401  (registers the catalogue)
from driftcli.stats import defaults as _defaults  # noqa: F401  (registers the default tests)
from driftcli.stats.registry import (
    AUTO_SMALL_ROWS,
    NotApplicable,
    StatTest,
    TestOutcome,
    all_tests,
    auto_test_name,
    get_test,
    is_drift,
    register,
)

__all__ = [
    "AUTO_SMALL_ROWS",
    "NotApplicable",
    "StatTest",
    "TestOutcome",
    "all_tests",
    "auto_test_name",
    "get_test",
    "is_drift",
    "register",
]
