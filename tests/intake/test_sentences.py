"""hipnav intake on first-person sentences written for it (tests/intake/sentences.yaml).

Every phenomenon of issue 5 has sentences there: negation, uncertainty, past versus current,
hypothetical, laterality and both sides, everyday body words, clinical abbreviations, tests
with results, durations and numbers.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from hipnav.intake import extract
from hipnav.intake.evaluate import same

SENTENCES = yaml.safe_load((Path(__file__).parent / "sentences.yaml").read_text())["sentences"]
PHENOMENA = {"negation", "uncertainty", "historical", "hypothetical", "laterality", "bilateral",
             "body_words", "abbreviations", "tests", "durations", "numbers"}


def test_the_set_is_large_and_covers_every_phenomenon() -> None:
    assert len(SENTENCES) >= 60
    tags = {t for s in SENTENCES for t in s.get("tags", [])}
    assert tags >= PHENOMENA, PHENOMENA - tags
    for s in SENTENCES:
        assert s.get("expect") or s.get("absent"), s["text"]


@pytest.mark.parametrize("item", SENTENCES, ids=[s["text"][:50] for s in SENTENCES])
def test_sentence(item: dict) -> None:
    found = extract(item["text"]).findings
    for fid, value in (item.get("expect") or {}).items():
        assert fid in found, f"{fid} not extracted from {item['text']!r}: {found}"
        assert same(value, found[fid]), f"{fid}: {found[fid]!r}, expected {value!r}"
    for fid in item.get("absent") or []:
        assert fid not in found, f"{fid} should be left missing in {item['text']!r}: {found}"


def test_set_aside_mentions_are_kept_as_spans_with_a_reason() -> None:
    result = extract("Maybe there is some tingling in my foot. I used to limp.")
    assert "paresthesia_leg" not in result.findings and "limp" not in result.findings
    aside = {s.finding: s.why for s in result.spans if not s.used}
    assert aside["paresthesia_leg"].startswith("uncertain")
    assert aside["limp"].startswith("in the past")


def test_spans_point_into_the_text() -> None:
    text = "No numbness.\tPain 7/10 in my R groin for three months."
    result = extract(text)
    assert result.findings["pain_severity"] == 7
    for span in result.spans:
        assert text[span.start:span.end] == span.text
