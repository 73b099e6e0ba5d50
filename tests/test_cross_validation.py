"""Fitting to vignettes honestly: the folds, the threshold fit, the reliability diagram and
``hipnav eval --cv`` through a real subprocess."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import numpy as np

from hipnav.assessment import assess
from hipnav.cross_validation import CaseTable, case_table, fit_thresholds, folds, urgency_ranks
from hipnav.engine import parse_case
from hipnav.evaluation import reliability
from tests.conftest import SHARED, run_hipnav

DEV = SHARED / "vignettes/dev.jsonl"
VIGNETTES = [json.loads(line) for line in DEV.read_text().splitlines() if line.strip()]


def _table(model, kb):
    results = [assess(parse_case(v["case"], kb), model) for v in VIGNETTES]
    expected = [(tuple(v["expected"]["diagnoses"]), v["expected"]["urgency"]) for v in VIGNETTES]
    return results, case_table(model, results, expected)


def test_the_ranks_are_the_urgency_the_engine_decides(model, kb):
    results, table = _table(model, kb)
    current = [kb.triage.thresholds[lv] for lv in kb.levels_ascending[1:]]
    assert list(urgency_ranks(table, current)) == [kb.urgency_rank(r.urgency.level) for r in results]


def test_folds_partition_the_cases_and_spread_every_level(model, kb):
    _, table = _table(model, kb)
    parts = folds(table, 5, seed=3)
    assert sorted(np.concatenate(parts).tolist()) == list(range(len(VIGNETTES)))
    for level in np.unique(table.gold_rank):
        counts = [int((table.gold_rank[f] == level).sum()) for f in parts]
        assert max(counts) - min(counts) <= 1
    assert [f.tolist() for f in folds(table, 5, seed=3)] == [f.tolist() for f in parts]  # seeded


def test_the_fit_finds_a_threshold_that_separates_the_levels():
    # one level above self-care: risk 0.3 and above is expected there, below it is not
    risk = np.array([[0.05], [0.1], [0.2], [0.3], [0.45], [0.7]])
    gold = np.array([0, 0, 0, 1, 1, 1])
    table = CaseTable(("self_care", "urgent"), risk, np.zeros(6, dtype=np.intp), gold,
                      np.zeros((6, 1)), np.zeros((6, 1)), np.zeros((6, 1)))
    (t,) = fit_thresholds(table, np.arange(6), {"urgent": (0.08, 0.15, 0.25, 0.35, 0.5)})
    assert t == 0.25  # the lowest of the thresholds with no error (ties go to the cautious side)
    assert list(urgency_ranks(table, [t])) == gold.tolist()


def test_reliability_bins_say_what_was_said_and_what_happened():
    forecasts = [(0.01, False)] * 90 + [(0.01, True)] * 10 + [(0.85, True)] * 3 + [(0.85, False)]
    bins = reliability(forecasts)
    assert [(b.low, b.count) for b in bins] == [(0.0, 100), (0.8, 4)]
    assert bins[0].observed == 0.1 and bins[1].observed == 0.75
    assert abs(bins[1].mean_probability - 0.85) < 1e-12


def test_eval_cross_validates_and_draws_the_diagram(tmp_path):
    svg = tmp_path / "reliability.svg"
    proc = run_hipnav("eval", str(DEV), "--cv", "3", "--seed", "1", "--json", "--reliability", str(svg),
                      timeout=300)
    assert proc.returncode == 0, proc.stderr
    card = json.loads(proc.stdout)
    cv = card["cv"]
    assert cv["k"] == 3 and len(cv["per_fold"]) == 3
    for key in ("triage_with_current_thresholds", "triage_whole_set_fit", "triage_held_out"):
        assert cv[key]["cases"] == card["cases"]
    assert cv["triage_with_current_thresholds"]["exact"] == card["urgency_exact"]
    assert cv["tempering"]["brier_current"] == card["brier"]
    root = ET.fromstring(svg.read_text())
    assert root.tag.endswith("svg")
    assert len([e for e in root.iter() if e.tag.endswith("circle")]) >= 3


def test_eval_refuses_one_fold():
    proc = run_hipnav("eval", str(DEV), "--cv", "1")
    assert proc.returncode == 2 and "--cv" in proc.stderr


def test_no_threshold_is_fitted_where_knowing_nothing_would_send_someone_on(model, kb):
    from hipnav.cross_validation import uninformed_risk

    _, table = _table(model, kb)
    above = uninformed_risk(model)
    fitted = fit_thresholds(table, np.arange(len(VIGNETTES)), above=above)
    assert all(t > a for t, a in zip(fitted, above, strict=True))
    for setting in model.settings:  # then an adult with no findings stays self-care
        case = parse_case({"age": 70, "setting": setting, "findings": {}}, kb)
        risk = assess(case, model).urgency.risk_by_level
        assert all(risk[lv] < t for lv, t in zip(kb.levels_ascending[1:], fitted, strict=True))
