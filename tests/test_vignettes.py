"""Accuracy on vignettes, scored two ways: by our own `hipnav eval` and by the independent
scorer in shared/tools (which only uses the public command-line contract).

Two sets:
- shared/vignettes/dev.jsonl: 44 published case reports, many of them unusual presentations
  first taken for something else. Unseen cases like them judge the program, so these floors
  guard against regressions; they are not targets to tune to. Issue 2 asks for top-1 >= 0.70
  and top-3 >= 0.85; the floors below are what the knowledge base reaches honestly today.
- shared/vignettes/dev-2.jsonl: 78 more published cases (case reports, abstracts, teaching
  cases), with floors of their own.
- tests/data/textbook.jsonl: 151 typical presentations written from the clinical descriptions
  of each condition (not from the dev cases), each with the urgencies that are acceptable.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SHARED, run_hipnav

DEV = SHARED / "vignettes/dev.jsonl"
TEXTBOOK = Path(__file__).parent / "data/textbook.jsonl"


#: What the code honestly reaches on each file (issue 12), as floors against regressions: not
#: targets to tune to. Emergencies caught and under-triage by two levels are must-shows.
FLOORS = {
    # 2026.11.12: SCFE and Perthes ages from published series, then the urgency thresholds
    # refitted by cross-validation (triage.yaml) cost each file one FAI case over-triaged to
    # urgent, and dev-2 one top-1 (a 10-year-old's SCFE/Perthes ranked after FAI); the floors
    # follow (issue 12: sourced figures may move results)
    "dev.jsonl": {"top1": 0.5, "top3": 0.7, "considered": 0.81, "urgency_exact": 0.61,
                  "max_over_triage": 0.28, "max_brier": 0.037, "emergencies_missed": 0},
    "dev-2.jsonl": {"top1": 0.41, "top3": 0.55, "considered": 0.65, "urgency_exact": 0.62,
                    "max_over_triage": 0.17, "max_brier": 0.035, "emergencies_missed": 1},
}


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_dev_vignettes_hold_their_floors(name):
    floors = FLOORS[name]
    proc = run_hipnav("eval", str(SHARED / "vignettes" / name), "--json")
    assert proc.returncode == 0, proc.stderr
    card = json.loads(proc.stdout)
    assert card["refused"] == 0
    for key in ("top1", "top3", "considered", "urgency_exact"):
        assert card[key] >= floors[key], (key, card)
    caught, total = map(int, card["emergencies_caught"].split("/"))
    assert total - caught <= floors["emergencies_missed"], card["misses"]
    assert card["under_triage_2_levels"] == 0, card["misses"]  # a must-show of issues 2 and 12
    assert card["over_triage"] <= floors["max_over_triage"], card
    assert card["brier"] <= floors["max_brier"], card


def test_independent_scorer_agrees_with_eval():
    bindir = str(Path(sys.executable).parent)
    proc = subprocess.run(
        [sys.executable, str(SHARED / "tools/score-vignettes"), str(DEV), "--json"],
        capture_output=True, text=True, timeout=120,
        env={**os.environ, "PATH": bindir + os.pathsep + os.environ.get("PATH", "")},
    )
    theirs = json.loads(proc.stdout.splitlines()[-1])
    ours = json.loads(run_hipnav("eval", str(DEV), "--json").stdout)
    assert theirs["errors"] == 0
    for key in ("top1", "top3", "considered", "urgency_exact", "over_triage", "under_triage",
                "under_triage_2_levels"):
        assert theirs[key] == ours[key], key
    assert abs(theirs["brier"] - ours["brier"]) <= 1e-4
    assert theirs["emergency_sensitivity"] == ours["emergencies_caught"]


def test_textbook_presentations(kb):
    """Scored by ``hipnav eval``, which reads their ``acceptable_urgency`` lists."""
    rows = [json.loads(line) for line in TEXTBOOK.read_text().splitlines() if line.strip()]
    assert {v["expected"]["diagnoses"][0] for v in rows} == set(kb.conditions)  # every condition has some
    proc = run_hipnav("eval", str(TEXTBOOK), "--json")
    assert proc.returncode == 0, proc.stderr
    card = json.loads(proc.stdout)
    assert card["refused"] == 0 and card["cases"] == len(rows), card["misses"][:3]
    assert card["top1"] >= 0.74, card
    assert card["top3"] >= 0.90, card
    assert card["urgency_exact"] >= 0.90, card
    assert card["emergencies_caught"] == "19/19", card


def test_eval_scores_a_range_of_acceptable_urgencies(tmp_path):
    """In the range is exact; below its least urgent level is under-triage, above its most
    urgent over-triage; a level that does not exist is refused, named."""
    case = {"format": "hipnav-case/1", "age": 40, "sex": "female", "findings": {"saddle_anesthesia": True}}
    lines = [{"case": {**case, "id": "in"}, "expected": {"diagnoses": ["cauda_equina"],
                                                          "acceptable_urgency": ["urgent", "emergency"]}},
             {"case": {**case, "id": "over"}, "expected": {"diagnoses": ["cauda_equina"],
                                                            "acceptable_urgency": ["self_care", "routine_medical"]}},
             {"case": {**case, "id": "bad"}, "expected": {"diagnoses": ["cauda_equina"],
                                                           "acceptable_urgency": ["soon"]}}]
    path = tmp_path / "range.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    card = json.loads(run_hipnav("eval", str(path), "--json").stdout)
    assert card["cases"] == 3 and card["refused"] == 1
    assert card["urgency_exact"] == round(1 / 3, 3) and card["over_triage"] == round(1 / 3, 3)
    assert card["under_triage"] == 0
    (refused,) = [m for m in card["misses"] if "error" in m]
    assert refused["id"] == "bad" and "acceptable_urgency" in refused["error"]
