"""``asked_when.yaml``: when a question applies, checked at load with every problem named."""

from __future__ import annotations

import shutil

import pytest

from hipnav.knowledge import KnowledgeError, load
from hipnav.knowledge.asked_when import not_asked, question_text
from tests.conftest import TINY_KB

GOOD = """asked_when:
  - finding: snapping_painful
    after: {finding: snapping, is: true}
    reason: Whether a snap hurts follows whether there is one
  - finding: loc_lateral_hip
    sex: female
    age: [old]
    ask_by_sex: {female: "Outer hip pain, madam?"}
    reason: A test entry for sex, age band and wording
  - finding: fever
    unless: {finding: unable_to_bear_weight, is: true}
    reason: A test entry for an answer that settles another
"""


@pytest.fixture
def kb_dir(tmp_path):
    dest = tmp_path / "kb"
    shutil.copytree(TINY_KB, dest)
    return dest


def test_a_question_applies_by_sex_age_band_parent_and_settling_answer(kb_dir):
    (kb_dir / "asked_when.yaml").write_text(GOOD)
    kb = load(kb_dir)
    assert not_asked(kb, {}) == {"snapping_painful"}  # unknown sex and age never hide one
    assert not_asked(kb, {"snapping": True}) == set()
    assert not_asked(kb, {"snapping": False}) == {"snapping_painful"}
    assert "loc_lateral_hip" in not_asked(kb, {"sex": "male"})
    assert "loc_lateral_hip" in not_asked(kb, {"sex": "female", "age": 30})
    assert "loc_lateral_hip" not in not_asked(kb, {"sex": "female", "age": 60})
    assert "fever" in not_asked(kb, {"unable_to_bear_weight": True})
    assert "fever" not in not_asked(kb, {"unable_to_bear_weight": False})
    assert question_text(kb, "loc_lateral_hip", {"sex": "female"}) == "Outer hip pain, madam?"
    assert question_text(kb, "loc_lateral_hip", {}) == "Outer hip pain?"


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("finding: snapping_painful", "finding: snapping_sore", "asked_when.yaml: snapping_sore: unknown finding 'snapping_sore'"),
    ("age: [old]", "age: [ancient]", "asked_when.yaml: loc_lateral_hip age: unknown age band ['ancient']"),
    ("sex: female", "sex: [woman]", "asked_when.yaml: loc_lateral_hip sex: unknown sex ['woman']"),
    ("{finding: snapping, is: true}", "{finding: snap, is: true}", "snapping_painful after: unknown finding 'snap'"),
    ("unless: {finding: unable_to_bear_weight, is: true}", "unless: {finding: unable_to_bear_weight, maybe: 1}",
     "fever unless: a finding predicate needs exactly one of"),
    ("    reason: A test entry for an answer that settles another\n", "", "fever: needs a 'reason'"),
    ("ask_by_sex: {female:", "ask_by_sex: {woman:", "loc_lateral_hip ask_by_sex: maps a sex"),
    ("    sex: female\n", "    sex: female\n    when: always\n", "unknown key(s) ['when']"),
])
def test_a_broken_entry_is_named_in_the_error(kb_dir, old, new, expected):
    assert old in GOOD
    (kb_dir / "asked_when.yaml").write_text(GOOD.replace(old, new))
    with pytest.raises(KnowledgeError) as err:
        load(kb_dir)
    assert any(expected in p for p in err.value.problems), err.value.problems


def test_the_shipped_rules_load(kb):
    assert {"pregnant_or_postpartum", "pain_with_menses", "snapping_painful", "limp"} <= set(kb.asked_when)


SCREENING = """screening_questions:
  - saddle_anesthesia
  - finding: fever
    unless: {finding: unable_to_bear_weight, is: false}
    reason: A test entry that leaves a safety question off the screen
"""


def test_a_safety_question_is_left_off_the_safety_screen_by_its_unless(kb_dir):
    from hipnav.engine import compiled, parse_case
    from hipnav.engine.next_question import screening_questions

    (kb_dir / "screening.yaml").write_text(SCREENING)
    kb = load(kb_dir)
    assert kb.screening == ("saddle_anesthesia", "fever")
    model = compiled(kb)
    on = screening_questions(model, parse_case({"findings": {}}, kb))
    off = screening_questions(model, parse_case({"findings": {"unable_to_bear_weight": False}}, kb))
    assert "fever" in on and "fever" not in off


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("  - saddle_anesthesia\n", "  - saddle_numb\n", "'saddle_numb' is not a yes/no finding"),
    ("is: false}", "maybe: 1}", "screening.yaml: fever unless: a finding predicate needs exactly one of"),
    ("    unless: {finding: unable_to_bear_weight, is: false}\n", "", "fever: a mapping entry needs an 'unless'"),
    ("    reason: A test entry that leaves a safety question off the screen\n", "", "fever: needs a 'reason'"),
    ("    reason:", "    when: always\n    reason:", "screening.yaml: fever: unknown key(s) ['when']"),
])
def test_a_broken_safety_entry_is_named_in_the_error(kb_dir, old, new, expected):
    assert old in SCREENING
    (kb_dir / "screening.yaml").write_text(SCREENING.replace(old, new))
    with pytest.raises(KnowledgeError) as err:
        load(kb_dir)
    assert any(expected in p for p in err.value.problems), err.value.problems
