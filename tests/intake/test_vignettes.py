"""Micro precision and recall of hipnav intake against findings encoded by hand.

Floors from issue 5: on the dev vignettes' narratives precision >= 0.90 and recall >= 0.75;
on the lay descriptions precision >= 0.85 and recall >= 0.65. A true/false value must match.
The same figures: ``python -m hipnav.intake.evaluate ../shared/vignettes/dev.jsonl ...``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from hipnav.intake import extract
from hipnav.intake.evaluate import examples, same, score

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "vignettes"


def _score(name: str):  # noqa: ANN202
    path = SHARED / name
    if not path.exists():
        pytest.skip(f"{path} not found")
    rows = [r for r in examples(path) if r[1].strip()]
    assert rows
    return score(rows, lambda text: extract(text).findings)


def test_dev_narratives() -> None:
    s = _score("dev.jsonl")
    print(f"dev: precision {s.precision:.3f}, recall {s.recall:.3f}")
    assert s.precision >= 0.90, s.errors
    assert s.recall >= 0.75, s.errors


def test_lay_descriptions() -> None:
    s = _score("lay-dev.jsonl")
    print(f"lay-dev: precision {s.precision:.3f}, recall {s.recall:.3f}")
    assert s.precision >= 0.85, s.errors
    assert s.recall >= 0.65, s.errors


def test_value_must_match() -> None:
    assert same(True, True) and not same(True, False) and not same(1, True)
    assert same(12.9, 13) and not same(4, 8)
