"""Multiple-testing correction: adjusted p-values, config and CLI, and the run-wide application."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from typer.testing import CliRunner

from driftcli.cli import app
from driftcli.columns.correction import adjust_pvalues, parse_correction
from driftcli.config import DriftConfig, config_from_mapping
from driftcli.errors import ConfigError
from driftcli.outputs.json import to_dict
from driftcli.results.records import ColumnResult, CorrectionInfo
from driftcli.results.report import Report
from driftcli.results.vocabulary import DEFAULT_CORRECTION, Correction, Status
from driftcli.run import run_report
from driftcli.stats import get_test

P = [0.01, 0.04, 0.03, 0.005]


def test_bonferroni_hand_worked() -> None:
    # p * 4: 0.04, 0.16, 0.12, 0.02
    # R: p.adjust(c(0.01, 0.04, 0.03, 0.005), "bonferroni") -> 0.04 0.16 0.12 0.02
    assert adjust_pvalues(P, Correction.BONFERRONI) == pytest.approx([0.04, 0.16, 0.12, 0.02])
    assert adjust_pvalues([0.3, 0.5], Correction.BONFERRONI) == [0.6, 1.0]


def test_holm_hand_worked() -> None:
    # sorted 0.005, 0.01, 0.03, 0.04 times 4, 3, 2, 1 -> 0.02, 0.03, 0.06, 0.04;
    # running max -> 0.02, 0.03, 0.06, 0.06; back in input order:
    # R: p.adjust(c(0.01, 0.04, 0.03, 0.005), "holm") -> 0.03 0.06 0.06 0.02
    assert adjust_pvalues(P, Correction.HOLM) == pytest.approx([0.03, 0.06, 0.06, 0.02])


def test_bh_hand_worked() -> None:
    # sorted 0.005, 0.01, 0.03, 0.04 times 4/1, 4/2, 4/3, 4/4 -> 0.02, 0.02, 0.04, 0.04;
    # running min from the largest -> the same; back in input order:
    # R: p.adjust(c(0.01, 0.04, 0.03, 0.005), "BH") -> 0.02 0.04 0.04 0.02
    assert adjust_pvalues(P, Correction.BH) == pytest.approx([0.02, 0.04, 0.04, 0.02])
    # Step-up: a larger p-value can lift smaller ones below alpha.
    # R: p.adjust(c(0.02, 0.03, 0.04), "BH") -> 0.04 0.04 0.04
    assert adjust_pvalues([0.02, 0.03, 0.04], Correction.BH) == pytest.approx([0.04] * 3)


def test_none_and_empty() -> None:
    assert adjust_pvalues(P, Correction.NONE) == P
    for method in Correction:
        assert adjust_pvalues([], method) == []


def test_adjusted_never_below_raw_and_ordered() -> None:
    rng = np.random.default_rng(0)
    p = rng.random(200).tolist()
    for method in Correction:
        q = adjust_pvalues(p, method)
        assert all(b >= a - 1e-15 for a, b in zip(p, q, strict=True))
        assert all(0.0 <= v <= 1.0 for v in q)
        order = np.argsort(p)
        assert np.all(np.diff(np.asarray(q)[order]) >= -1e-15)  # monotone in p


def test_default_is_bh_and_parsing() -> None:
    assert DEFAULT_CORRECTION is Correction.BH
    assert DriftConfig().correction is Correction.BH
    assert parse_correction("Holm") is Correction.HOLM
    with pytest.raises(ConfigError) as info:
        parse_correction("fdr")
    for name in ("none", "bonferroni", "holm", "bh"):
        assert name in str(info.value)
    assert config_from_mapping({"correction": "bonferroni"}).correction is Correction.BONFERRONI
    with pytest.raises(ConfigError, match="valid values: none, bonferroni, holm, bh"):
        config_from_mapping({"correction": "sidak"}, "drift.toml")
    assert (
        CorrectionInfo(Correction.BH, 3).description
        == "Benjamini-Hochberg (bh) over 3 p-value tests"
    )


def _frames(
    n_cols: int, n: int, seed: int, shift: float = 0.0
) -> tuple[pl.DataFrame, pl.DataFrame]:
    rng = np.random.default_rng(seed)
    ref = {f"c{i}": rng.normal(size=n) for i in range(n_cols)}
    cur = {f"c{i}": rng.normal(shift if i == 0 else 0.0, 1.0, size=n) for i in range(n_cols)}
    region = rng.choice(["a", "b"], size=n)
    return (
        pl.DataFrame({**ref, "region": region}),
        pl.DataFrame({**cur, "region": rng.choice(["a", "b"], size=n)}),
    )


def test_run_adjusts_all_columns_and_segments_together() -> None:
    ref, cur = _frames(6, 400, 1, shift=0.3)
    raw = run_report(ref, cur, DriftConfig(segment_by=("region",), correction="none"))
    bonf = run_report(ref, cur, DriftConfig(segment_by=("region",), correction="bonferroni"))

    def results(r: Report) -> list[ColumnResult]:
        out = [c for c in r.columns if c.pvalue is not None and c.tested]
        for s in r.segments:
            out += [c for c in s.columns if c.pvalue is not None and c.tested]
        return out

    raw_results, bonf_results = results(raw), results(bonf)
    m = len(bonf_results)
    # 7 columns overall (region too) + 6 in each of 2 segments, all ks / z (400 rows)
    assert m == 7 + 2 * 6
    assert bonf.correction == CorrectionInfo(Correction.BONFERRONI, m)
    assert raw.correction == CorrectionInfo(Correction.NONE, m)
    for a, b in zip(raw_results, bonf_results, strict=True):
        assert a.pvalue == b.pvalue
        assert a.pvalue_adjusted == a.pvalue
        assert b.pvalue is not None  # results() keeps the columns with a p-value
        assert b.pvalue_adjusted == pytest.approx(min(1.0, b.pvalue * m))
        assert b.pvalue_adjusted is not None and b.threshold is not None
        # The verdict uses the adjusted p-value, through is_drift.
        assert b.drifted == (b.pvalue_adjusted < b.threshold)
    seg = bonf.segments[0]
    assert seg.dataset is not None
    assert seg.dataset.columns_drifted == sum(c.drifted for c in seg.columns)


def test_correction_removes_a_marginal_alarm() -> None:
    # A seeded same-distribution pair where a raw p-value is below 0.05 (a false alarm) that
    # the correction removes.
    for seed in range(200):
        ref, cur = _frames(10, 300, seed)
        raw = run_report(ref, cur, DriftConfig(correction="none"))
        bh = run_report(ref, cur, DriftConfig(correction="bh"))
        if any(c.drifted for c in raw.columns) and not any(c.drifted for c in bh.columns):
            break
    else:  # pragma: no cover
        pytest.fail("no marginal alarm found")
    flagged = [c for c in raw.columns if c.drifted]
    assert all(c.pvalue is not None and c.pvalue < 0.05 for c in flagged)
    for c in bh.columns:
        if c.pvalue is not None:
            assert c.pvalue_adjusted is not None and c.pvalue_adjusted >= c.pvalue
            assert c.threshold is not None
            assert c.status is (Status.DRIFT if c.pvalue_adjusted < c.threshold else Status.OK)


def test_distances_pass_through() -> None:
    ref, cur = _frames(3, 1500, 2, shift=0.5)  # > 1000 rows: wasserstein / jensenshannon
    report = run_report(ref, cur)
    assert report.correction.tests == 0
    for c in report.columns:
        if c.tested:
            assert get_test(c.test or "").has_pvalue is False
            assert c.pvalue_adjusted is None


def test_json_and_cli(tmp_path: Path) -> None:
    ref, cur = _frames(4, 300, 3, shift=0.4)
    rp, cp = tmp_path / "r.parquet", tmp_path / "c.parquet"
    ref.write_parquet(rp)
    cur.write_parquet(cp)
    out = tmp_path / "s.json"
    result = CliRunner().invoke(
        app, ["report", str(rp), str(cp), "--correction", "holm", "--json", str(out)]
    )
    assert result.exit_code in (0, 1), result.output
    data = json.loads(out.read_text())
    assert data["correction"]["method"] == "holm"
    assert data["correction"]["pvalue_tests"] == 5
    assert data["config"]["correction"] == "holm"
    ks = next(c for c in data["columns"] if c["column"] == "c0")
    assert ks["pvalue_adjusted"] >= ks["pvalue"]
    assert ks["effect_size_name"] == "KS D"
    assert "Holm (holm) over 5 p-value tests" in result.output
    bad = CliRunner().invoke(app, ["report", str(rp), str(cp), "--correction", "fdr"])
    assert bad.exit_code == 2
    assert "valid values: none, bonferroni, holm, bh" in bad.output


def test_report_to_dict_has_correction() -> None:
    ref, cur = _frames(2, 100, 4)
    d = to_dict(run_report(ref, cur))
    assert d["correction"] == {
        "method": "bh",
        "pvalue_tests": 3,  # c0, c1 (ks) and region (z)
        "description": "Benjamini-Hochberg (bh) over 3 p-value tests",
    }
