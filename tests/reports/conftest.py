"""Report fixtures: result documents from the shipped knowledge base and the shared vignettes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import OUTPUT, SHARED

VIGNETTES = [json.loads(line) for line in (SHARED / "vignettes/dev.jsonl").read_text().splitlines()
             if line.strip()]
VISITS = [
    {"visit_date": "2026-09-01", "nprs": 7, "psfs": [{"activity": "Stairs", "score": 3.0},
                                                     {"activity": "Running", "score": 2.0}],
     "psfs_mean": 2.5, "hoos12_scores": {"pain": 50.0, "function": 43.75, "qol": 31.25, "summary": 41.67}},
    {"visit_date": "2026-09-22", "nprs": 5, "psfs": [{"activity": "Stairs", "score": 5.0}], "psfs_mean": 5.0,
     "hoos12_scores": {"pain": 62.5, "function": None, "qol": 50.0, "summary": None}},
    {"visit_date": "2026-10-20", "nprs": 3, "psfs": None, "psfs_mean": None,
     "hoos12_scores": {"pain": 81.25, "function": 75.0, "qol": 68.75, "summary": 75.0}},
]


def assessed(raw: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    from hipnav.reports.document import assess_raw

    return assess_raw(raw)


def flagged_vignette() -> dict[str, Any]:
    """A vignette whose case fires a red flag (the PDF's most demanding layout)."""
    for v in VIGNETTES:
        case, doc = assessed(v["case"])
        if doc["red_flags"]:
            return v["case"]
    raise AssertionError("no vignette fires a red flag")


@pytest.fixture(scope="session")
def report_dir() -> Path:
    path = OUTPUT / "reports"
    path.mkdir(parents=True, exist_ok=True)
    return path
