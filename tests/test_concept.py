"""Concept-drift detectors against river, the library whose definitions and defaults they follow.

The oracle is river 0.26.1 (pinned in the [test] extra): each stream is fed to river's detector
one value at a time and the full lists of drift rows, and of rows where river's warning flag turns
on, must equal driftcli's. Streams are built as river's docstrings build them, with
``random.Random(seed).choices(...)``. The docstring examples themselves are also pinned as
literals (copied from river/drift/adwin.py, binary/ddm.py, binary/eddm.py, page_hinkley.py), so
they hold even where river is not installed.
"""

from __future__ import annotations

import dataclasses
import random
import subprocess
import sys
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

from driftcli.errors import ConfigError, InputError
from driftcli.sections.concept_drift import detectors as concept
from driftcli.sections.concept_drift.detectors import (
    DETECTORS,
    DetectorResult,
    adwin,
    ddm,
    eddm,
    page_hinkley,
)

Stream = list[float]


def doc_binary(seed: int) -> Stream:
    """river's DDM/EDDM docstring stream: 1000 fair coin flips, then 1000 with P(1) = 0.7."""
    rng = random.Random(seed)
    first = rng.choices([0, 1], k=1000)
    return [float(v) for v in first + rng.choices([0, 1], k=1000, weights=[0.3, 0.7])]


def doc_shift(seed: int) -> Stream:
    """river's ADWIN/Page-Hinkley docstring stream: 1000 of {0, 1}, then 1000 of {4..7}."""
    rng = random.Random(seed)
    return [float(v) for v in rng.choices([0, 1], k=1000) + rng.choices(range(4, 8), k=1000)]


def error_rates(seed: int) -> Stream:
    """A longer 0/1 error stream whose error rate changes four times (15,000 rows)."""
    rng = random.Random(seed)
    out: list[int] = []
    for p in (0.1, 0.3, 0.05, 0.5, 0.2):
        out += rng.choices([0, 1], k=3000, weights=[1 - p, p])
    return [float(v) for v in out]


def gaussian_shift(seed: int) -> Stream:
    """Real-valued errors: N(0, 1) then N(1.5, 1), 3000 rows each."""
    rng = random.Random(seed)
    return [rng.gauss(0, 1) for _ in range(3000)] + [rng.gauss(1.5, 1) for _ in range(3000)]


def slow_drift(seed: int) -> Stream:
    """A 0/1 stream whose error rate creeps from 0.05 to 0.45 over 20,000 rows."""
    rng = random.Random(seed)
    return [float(rng.random() < 0.05 + 0.4 * i / 20_000) for i in range(20_000)]


SEEDS = (1, 7, 42, 2024, 12345)
BINARY_SHAPES = {"doc_binary": doc_binary, "error_rates": error_rates, "slow_drift": slow_drift}
REAL_SHAPES = {"doc_shift": doc_shift, "gaussian_shift": gaussian_shift, **BINARY_SHAPES}


def river_detections(detector: Any, stream: Stream) -> tuple[list[int], list[int]]:
    """Drift rows, and rows where the warning flag turns on, from a river detector."""
    drifts: list[int] = []
    warnings: list[int] = []
    warning_before = False
    for i, value in enumerate(stream):
        detector.update(value)
        warning = bool(getattr(detector, "warning_detected", False))
        if warning and not warning_before:
            warnings.append(i)
        warning_before = warning
        if detector.drift_detected:
            drifts.append(i)
            warning_before = False  # river resets the detector on the next update
    return drifts, warnings


def cases() -> Iterator[Any]:
    """(river factory, driftcli call, stream shape) for default and non-default parameters."""
    real: list[tuple[str, str, dict[str, Any]]] = [
        ("ADWIN", "adwin", {}),
        ("ADWIN", "adwin", {"delta": 0.05, "clock": 1}),
        ("ADWIN", "adwin", {"clock": 7, "max_buckets": 3, "min_window_length": 20}),
        ("PageHinkley", "page_hinkley", {}),
        ("PageHinkley", "page_hinkley", {"threshold": 10.0, "mode": "up"}),
        ("PageHinkley", "page_hinkley", {"threshold": 10.0, "mode": "down", "alpha": 0.999}),
    ]
    binary: list[tuple[str, str, dict[str, Any]]] = [
        ("binary.DDM", "ddm", {}),
        ("binary.DDM", "ddm", {"warm_start": 100, "warning_threshold": 1.5}),
        ("binary.EDDM", "eddm", {}),
        ("binary.EDDM", "eddm", {"alpha": 0.8, "beta": 0.75}),
        ("binary.EDDM", "eddm", {"warm_start": 5, "alpha": 0.9, "beta": 0.85}),
    ]
    for shapes, specs in ((REAL_SHAPES, real), (BINARY_SHAPES, binary)):
        for river_name, ours, params in specs:
            for shape in shapes:
                if params.get("clock") == 1 and shape in ("error_rates", "slow_drift"):
                    continue  # a check on every row: the short streams cover it, faster
                label = "-".join(f"{k}={v}" for k, v in params.items()) or "defaults"
                yield pytest.param(river_name, ours, params, shape, id=f"{ours}-{label}-{shape}")


@pytest.mark.parametrize(("river_name", "ours", "params", "shape"), list(cases()))
def test_same_change_points_as_river(
    river_name: str, ours: str, params: dict[str, Any], shape: str
) -> None:
    drift = pytest.importorskip("river.drift", reason="river is the oracle ([test] extra)")
    factory: Callable[..., Any] = drift
    for part in river_name.split("."):
        factory = getattr(factory, part)
    for seed in SEEDS:
        stream = REAL_SHAPES[shape](seed)
        expected_drifts, expected_warnings = river_detections(factory(**params), stream)
        result = DETECTORS[ours](np.array(stream), **params)
        assert list(result.drifts) == expected_drifts, f"seed {seed}"
        if result.warnings is not None:
            assert list(result.warnings) == expected_warnings, f"seed {seed}"


@pytest.mark.parametrize("name", sorted(DETECTORS))
def test_same_change_points_as_river_on_a_long_stream(name: str) -> None:
    """60,000 rows: ADWIN's window reaches many bucket levels, blocks grow and carry state."""
    drift = pytest.importorskip("river.drift", reason="river is the oracle ([test] extra)")
    factory = {
        "adwin": drift.ADWIN,
        "ddm": drift.binary.DDM,
        "eddm": drift.binary.EDDM,
        "page_hinkley": drift.PageHinkley,
    }[name]
    rng = np.random.default_rng(0)
    rate = np.repeat([0.1, 0.25, 0.15, 0.3], 15_000)
    errors = (rng.random(60_000) < rate).astype(np.float64)
    streams = [errors]
    if name in ("adwin", "page_hinkley"):
        streams.append(
            np.abs(rng.standard_normal(60_000)) * np.repeat([1.0, 1.3, 1.1, 1.5], 15_000)
        )
    for stream in streams:
        expected_drifts, expected_warnings = river_detections(factory(), stream.tolist())
        result = DETECTORS[name](stream)
        assert list(result.drifts) == expected_drifts
        assert result.warnings is None or list(result.warnings) == expected_warnings


def test_river_docstring_examples() -> None:
    # river/drift/adwin.py: "Change detected at index 1023, input value: 4"
    assert adwin(doc_shift(12345)).drifts == (1023,)
    # river/drift/page_hinkley.py: "Change detected at index 1006, input value: 5"
    assert page_hinkley(doc_shift(12345)).drifts[0] == 1006
    # river/drift/binary/ddm.py prints the first warning after the start and after each drift:
    # "Warning detected at index 1084", "Change detected at index 1334", "Warning ... 1492"
    result = ddm(doc_binary(42))
    assert result.drifts[0] == 1334
    assert result.warnings is not None
    assert min(result.warnings) == 1084
    assert min(w for w in result.warnings if w > 1334) == 1492
    # river/drift/binary/eddm.py with alpha=0.8, beta=0.75:
    # "Warning detected at index 1059", "Change detected at index 1278"
    result = eddm(doc_binary(42), alpha=0.8, beta=0.75)
    assert result.drifts == (1278,)
    assert result.warnings is not None
    assert min(result.warnings) == 1059


@pytest.mark.parametrize("name", sorted(DETECTORS))
def test_block_boundaries_do_not_change_the_answer(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The state carried from block to block reproduces a single pass: tiny blocks agree."""
    rng = np.random.default_rng(5)
    stream = (rng.random(30_000) < np.repeat([0.1, 0.4, 0.15], 10_000)).astype(float)
    expected = DETECTORS[name](stream)
    monkeypatch.setattr(concept, "_FIRST_BLOCK", 7)
    monkeypatch.setattr(concept, "_MAX_BLOCK", 97)
    monkeypatch.setattr(concept, "_ADWIN_FIRST_CHECKS", 1)
    monkeypatch.setattr(concept, "_ADWIN_MAX_CHECKS", 3)
    assert DETECTORS[name](stream) == expected
    assert expected.n_drifts >= 1


def test_result_shape_and_defaults() -> None:
    result = adwin(np.zeros(100))
    assert result == DetectorResult(
        method="adwin",
        n_events=100,
        drifts=(),
        warnings=None,
        params={
            "delta": 0.002,
            "clock": 32,
            "max_buckets": 5,
            "min_window_length": 5,
            "grace_period": 10,
        },
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.drifts = (1,)  # type: ignore[misc]
    assert ddm(np.zeros(10, dtype=bool)).warnings == ()
    assert page_hinkley([]).drifts == ()
    assert page_hinkley([]).params["alpha"] == 1 - 1e-4
    assert eddm(np.ones(5)).params == {"warm_start": 30, "alpha": 0.95, "beta": 0.9}


def test_constant_streams_never_drift() -> None:
    for value in (0.0, 1.0):
        stream = np.full(50_000, value)
        assert adwin(stream).drifts == ()
        assert page_hinkley(stream).drifts == ()
        assert ddm(stream).drifts == ()
        assert eddm(stream).drifts == ()


@pytest.mark.parametrize("name", sorted(DETECTORS))
def test_missing_values_are_rejected(name: str) -> None:
    with pytest.raises(InputError, match="row 2"):
        DETECTORS[name](np.array([0.0, 1.0, np.nan]))
    with pytest.raises(InputError, match="one-dimensional"):
        DETECTORS[name](np.zeros((2, 2)))


@pytest.mark.parametrize("func", [ddm, eddm])
def test_binary_detectors_need_zero_one(func: Callable[..., DetectorResult]) -> None:
    with pytest.raises(InputError, match=r"0/1 .* row 1 is 0\.5"):
        func(np.array([0.0, 0.5, 1.0]))


@pytest.mark.parametrize(
    ("func", "params", "message"),
    [
        (adwin, {"delta": 0.0}, "delta"),
        (adwin, {"clock": 0}, "clock"),
        (adwin, {"max_buckets": 1}, "max_buckets"),  # river 0.26.1 panics with 1
        (ddm, {"warning_threshold": 4.0}, "warning_threshold <= drift_threshold"),
        (eddm, {"alpha": 0.5, "beta": 0.9}, "beta <= alpha"),
        (page_hinkley, {"mode": "sideways"}, "up, down or both"),
        (page_hinkley, {"alpha": 1.5}, "alpha"),
    ],
)
def test_bad_parameters_name_the_fix(
    func: Callable[..., DetectorResult], params: dict[str, Any], message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        func(np.zeros(10), **params)


@pytest.mark.parametrize("alpha", [1 - 1e-4, 0.999, 0.5, 1e-3, 1.0])
def test_fading_sums_equal_scipy_lfilter(alpha: float) -> None:
    """Page-Hinkley's fading sums are computed in closed form instead of importing
    scipy.signal: the same recursion as its linear filter, equal to rounding, whatever the
    length and carried state; without fading (alpha = 1) the same bits."""
    from scipy.signal import lfilter

    rng = np.random.default_rng(11)
    # 2**20 + 3: past a chunk (at most 2**20 rows) whatever alpha
    for n in (0, 1, 2, 3, 1000, 200_000, 2**20 + 3):
        b = rng.standard_normal(n) * 10 - 0.005
        start = float(rng.standard_normal() * 100)
        got = concept._fading_sums(alpha)(b, start)
        # Reference: scipy.signal.lfilter([1], [1, -alpha], b, zi=[start])
        expect = lfilter([1.0], [1.0, -alpha], b, zi=[start])[0]
        assert got.dtype == np.float64 and got.shape == expect.shape, n
        if alpha == 1.0:
            assert got.tobytes() == expect.tobytes(), n
        elif n:
            scale = float(np.abs(expect).max())
            assert np.abs(got - expect).max() <= 1e-13 * scale, (n, alpha)


def test_fading_sums_of_huge_values_stay_finite() -> None:
    # The closed form's weights reach e**200: values near 1e250 take shorter chunks instead of
    # overflowing to inf (which would hide every detection).
    from scipy.signal import lfilter

    b = np.random.default_rng(5).standard_normal(5000) * 1e250
    for alpha in (1 - 1e-4, 0.5):
        got = concept._fading_sums(alpha)(b, 1e250)
        # Reference: scipy.signal.lfilter([1], [1, -alpha], b, zi=[1e250])
        expect = lfilter([1.0], [1.0, -alpha], b, zi=[1e250])[0]
        assert np.isfinite(got).all()
        assert np.abs(got - expect).max() <= 1e-13 * np.abs(expect).max()


def test_page_hinkley_gives_the_filters_answer() -> None:
    """The drift rows of Page-Hinkley on a long stream with shifts, against the same detector
    run on scipy.signal.lfilter's fading sums (the previous implementation)."""
    from scipy.signal import lfilter

    rng = np.random.default_rng(3)
    stream = np.abs(rng.standard_normal(60_000)) * np.repeat([1.0, 1.3, 1.1, 1.5], 15_000)
    found = page_hinkley(stream)

    def filtered(alpha: float) -> Callable[[npt.NDArray[np.float64], float], Any]:
        fade = np.array([1.0, -alpha])
        return lambda b, start: lfilter([1.0], fade, b, zi=[start])[0]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(concept, "_fading_sums", filtered)
        expected = page_hinkley(stream)
    assert found == expected
    assert found.n_drifts >= 2


def test_page_hinkley_leaves_scipy_signal_unloaded() -> None:
    """Importing scipy.signal cost 0.7-0.9 s of a 1M-row report: Page-Hinkley must not."""
    code = (
        "import sys, numpy as np\n"
        "from driftcli.sections.concept_drift.detectors import page_hinkley\n"
        "page_hinkley(np.random.default_rng(0).standard_normal(600_000))\n"
        "print('scipy.signal' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "False"
