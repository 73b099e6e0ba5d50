"""Micro precision and recall of hipnav intake against findings encoded by hand.

Floors are what the extractor honestly reaches (issue 14 raised them to the figures measured
on its final commit; the issue's own targets are higher and are not all met, see
docs/intake.md). A true/false value must match. The same figures:
``python -m hipnav.intake.evaluate ../shared/vignettes/dev.jsonl ...``; ``lay-dev-2.jsonl``
is split by id parity (:func:`hipnav.intake.evaluate.half`).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from hipnav.intake import extract
from hipnav.intake.evaluate import RED_FLAGS, examples, half, same, score
from tests.conftest import SHARED

VIGNETTES = SHARED / "vignettes"
#: the project's own lay descriptions (tests/data/lay-extra.md), split like lay-dev-2
LAY_EXTRA = Path(__file__).resolve().parents[1] / "data" / "lay-extra.jsonl"


def _rows(name: str, which: str | None = None) -> list[tuple[str, str, dict]]:
    path = LAY_EXTRA if name == LAY_EXTRA.name else VIGNETTES / name
    if not path.exists():
        pytest.skip(f"{path} not found")
    rows = [r for r in examples(path) if r[1].strip() and (which is None or half(r[0]) == which)]
    assert rows
    return rows


def _score(name: str, which: str | None = None):  # noqa: ANN202
    return score(_rows(name, which), lambda text: extract(text).findings)


@pytest.mark.parametrize(("name", "which", "precision", "recall"), [
    # (fourth round: recall 0.901 -> 0.898, c041's "gradually worsened" is no longer read as
    # a gradual onset; dev-2's annotators read three such phrases as the course, not the onset)
    ("dev.jsonl", None, 0.95, 0.89),
    ("lay-dev.jsonl", None, 0.93, 0.87),
    ("dev-2.jsonl", None, 0.89, 0.77),
    # (third round: recall 0.667 -> 0.657, a bilateral read by chance across words an ellipsis
    # now ends a sentence at; precision 0.889 -> 0.899)
    ("lay-dev-2.jsonl", "development", 0.90, 0.71),
    # held-out halves: measured at the end of each round only (docs/intake.md); fourth round
    # (lay-dev-2 0.793/0.541, lay-extra 0.603/0.629)
    ("lay-dev-2.jsonl", "held-out", 0.79, 0.54),
    ("lay-extra.jsonl", "development", 0.85, 0.79),
    ("lay-extra.jsonl", "held-out", 0.60, 0.62),
])
def test_floors(name: str, which: str | None, precision: float, recall: float) -> None:
    s = _score(name, which)
    print(f"{name} {which or ''}: precision {s.precision:.3f}, recall {s.recall:.3f}")
    # a held-out half's errors are not shown, even when it fails (they are not read while tuning)
    shown = s.errors if which != "held-out" else f"{s.tp}/{s.extracted}/{s.expected}"
    assert s.precision >= precision, shown
    assert s.recall >= recall, shown


def test_red_flags_on_all_shared_texts_together() -> None:
    rows = [r for name in ("lay-dev.jsonl", "lay-dev-2.jsonl", "dev.jsonl", "dev-2.jsonl")
            for r in _rows(name)]
    s = score(rows, lambda text: extract(text).findings)
    tp, got, want = s.by_type()["red flags"]
    assert {fid for fid in s.by_finding if fid in RED_FLAGS}
    assert tp / got >= 0.95 and tp / want >= 0.90, (tp, got, want)   # issue 14: >= 0.90


def test_the_split_is_by_id_parity() -> None:
    assert half("ly2-04") == "development" and half("ly1-03") == "held-out"
    assert half("lay-07") == "held-out" and half("no-number") == "development"


def test_value_must_match() -> None:
    assert same(True, True) and not same(True, False) and not same(1, True)
    assert same(12.9, 13) and not same(4, 8)
