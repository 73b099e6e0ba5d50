"""Misspellings read as their words (spelling.py): one letter dropped, doubled, singled or
two letters swapped (Damerau 1964; Yannakoudakis & Fawthrop 1983), with every span still
pointing into the person's own text."""

from __future__ import annotations

import pytest

from hipnav.intake import extract
from hipnav.intake.spelling import corrections, rewrite, variants


def test_slips_follow_the_documented_rules() -> None:
    slips = set(variants("sciatica"))
    assert {"siatica", "sciatca", "sciattica", "sciaitca"} <= slips
    assert "xciatica" not in slips and "ciatica" not in slips   # never the first letter


@pytest.mark.parametrize(("text", "finding"), [
    ("The pain is exaccerbated by sitting", "agg_sitting"),
    ("I have numbnes in my foot", "paresthesia_leg"),
    ("Morning stifness lasts two hours", "morning_stiffness_long"),
    ("My butocks hurt when I sit", "loc_buttock"),
])
def test_a_misspelt_word_is_read(text: str, finding: str) -> None:
    result = extract(text)
    assert finding in result.findings, result.findings
    for span in result.spans + result.person_spans:
        assert text[span.start:span.end] == span.text


def test_real_words_and_rule_words_are_never_rewritten() -> None:
    table = corrections()
    assert "sciatic" not in table and "radiate" not in table
    text = "Tender over the sciatic notch; the pain can radiate."
    assert rewrite(text).text == text


def test_positions_map_back_around_corrected_words() -> None:
    text = "Siatica, numbnes and pain 7/10."
    fixed = rewrite(text)
    assert fixed.text == "sciatica, numbness and pain 7/10."
    start = fixed.text.index("pain")
    assert text[fixed.start(start):fixed.end(start + 4)] == "pain"
    assert text[fixed.start(0):fixed.end(8)] == "Siatica"
    result = extract(text)
    assert result.findings["pain_severity"] == 7
    for span in result.spans:
        assert text[span.start:span.end] == span.text
