"""Accuracy on the shared published-case vignettes, scored two ways: by our own
`hipnav eval` and by the independent scorer in shared/tools (which only uses the public
command-line contract). The floors are the issue's; unseen cases judge the program, so these
are guards against regressions, not targets to tune to."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import SHARED, run_hipnav

DEV = SHARED / "vignettes/dev.jsonl"


def test_eval_meets_the_floors():
    proc = run_hipnav("eval", str(DEV), "--json")
    assert proc.returncode == 0, proc.stderr
    card = json.loads(proc.stdout)
    assert card["refused"] == 0
    assert card["top3"] >= 0.85, card
    assert card["top1"] >= 0.70, card
    caught, total = map(int, card["emergencies_caught"].split("/"))
    assert caught == total, card["misses"]
    assert card["under_triage_2_levels"] == 0, card["misses"]
    assert card["over_triage"] <= 0.25, card


def test_independent_scorer_agrees():
    bindir = str(Path(sys.executable).parent)
    proc = subprocess.run(
        [sys.executable, str(SHARED / "tools/score-vignettes"), str(DEV), "--json",
         "--min-top1", "0.70", "--min-top3", "0.85", "--max-over-triage", "0.25"],
        capture_output=True, text=True, timeout=120,
        env={**os.environ, "PATH": bindir + os.pathsep + os.environ.get("PATH", "")},
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    ours = json.loads(run_hipnav("eval", str(DEV), "--json").stdout)
    theirs = json.loads(proc.stdout.splitlines()[-1])
    assert theirs["top1"] == ours["top1"] and theirs["top3"] == ours["top3"]
    assert theirs["over_triage"] == ours["over_triage"]
