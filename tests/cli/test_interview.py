"""`hipnav interview` driven through its prompt by a real subprocess: where it hurts first,
the safety questions together (stopping at once on a warning sign), then screens of the
questions that apply; back, own words, saving."""

from __future__ import annotations

import json
import re

from hipnav.knowledge.model import KnowledgeBase
from hipnav.web.body_map import body_map
from tests.conftest import run_hipnav

NO = ["n"] * 120


def place(kb: KnowledgeBase, *findings: str) -> str:
    """The numbers the interview lists these body-map places under."""
    choices = body_map(kb).choices
    return " ".join(str(choices.index(f) + 1) for f in findings)


def asked(out: str) -> list[str]:
    """Every yes/no question put, in order (safety ones indented, the rest after "Q: ")."""
    pieces = out.split(" [y/n/?]")[:-1]
    return [p.rsplit("\n", 1)[-1].strip().removeprefix("Q: ") for p in pieces]


def by_text(kb: KnowledgeBase) -> dict[str, str]:
    return {f.question: f.id for f in kb.findings.values()}


def test_where_first_then_the_safety_questions_then_screens_back_and_save(tmp_path, kb):
    save = tmp_path / "case.json"
    start = [place(kb, "loc_buttock", "loc_ischial"), "34", "female", "", ""]
    # safety questions: all "no" (at most as many as the knowledge base has); then the first
    # question of the first screen "yes", "b" (undoes it: nothing before to go back to), all "no"
    safety = ["n"] * len(kb.screening)
    proc = run_hipnav("interview", "--save", str(save), input="\n".join(start + safety + ["y", "b"] + NO) + "\n")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert out.index("Where does it hurt?") < out.index("How old are you") < out.index("Safety questions")
    assert out.index("Safety questions") < out.index("[1] ")
    safety_part = out.split("Safety questions")[1].split("[1] ")[0]
    texts = by_text(kb)
    put = [texts[q] for q in asked(safety_part) if q in texts]
    assert put and set(put) <= set(kb.screening) and put[0] == kb.screening[0]
    assert "Nothing to go back to." in out
    first_screen = out.split("[1] ")[1]
    first = texts[asked(first_screen)[0]]
    saved = json.loads(save.read_text())
    assert saved["age"] == 34 and saved["sex"] == "female"
    assert saved["findings"]["loc_buttock"] is True and saved["findings"]["loc_groin"] is False
    assert saved["findings"][first] is False  # the "yes" was taken back
    screens = re.findall(r"^\[(\d+)\] ", out, re.M)
    assert len(screens) == len(set(screens)) + 1  # screen 1 twice (after "b"), each other once
    assert len(set(screens)) <= 10
    assert "URGENCY:" in out or "NOT CHECKED" in out


def test_a_yes_on_a_safety_question_stops_at_once_with_advice(kb):
    proc = run_hipnav("interview", input="\n".join([place(kb, "loc_buttock"), "50", "male", "", "", "y", ""]) + "\n")
    assert proc.returncode == 0, proc.stderr
    before_report = proc.stdout.split("hipnav assessment")[0]
    assert "STOP: EMERGENCY" in before_report
    assert "Answer more questions anyway?" in before_report
    assert kb.findings[kb.screening[1]].question not in before_report  # stopped at the first yes
    assert "Q: " not in before_report


def test_unanswered_safety_questions_are_never_called_safe(kb):
    proc = run_hipnav("interview", input=place(kb, "loc_lateral_hip") + "\n40\nfemale\n\n\nq\n")
    assert proc.returncode == 0, proc.stderr
    report = proc.stdout.split("hipnav assessment")[1]
    assert "NOT CHECKED" in report and "SELF CARE" not in report
    assert kb.findings[kb.screening[1]].text in report


def test_questions_that_cannot_apply_are_not_put_to_a_65_year_old_man(kb):
    proc = run_hipnav("interview", "--max-screens", "30",
                      input="\n".join([place(kb, "loc_buttock", "loc_groin"), "65", "male", "", ""] + NO) + "\n")
    assert proc.returncode == 0, proc.stderr
    texts = by_text(kb)
    put = [texts.get(q) for q in asked(proc.stdout)]
    assert put
    for fid in ("pregnant_or_postpartum", "pain_with_menses", "low_energy_availability"):
        assert fid not in put
    assert "periods" not in proc.stdout.lower()


def test_a_follow_up_comes_only_after_its_question_was_answered_yes(kb):
    safety = ["n"] * len(kb.screening)
    proc = run_hipnav("interview", "--max-screens", "30",
                      input="\n".join([place(kb, "loc_lateral_hip"), "30", "female", "", ""] + safety
                                      + ["y"] * 120) + "\n")
    texts = by_text(kb)
    put = [texts.get(q) for q in asked(proc.stdout.split("[1] ", 1)[1])]
    if "snapping_painful" in put:
        assert "snapping" in put[:put.index("snapping_painful")]
    proc = run_hipnav("interview", "--max-screens", "30",
                      input="\n".join([place(kb, "loc_lateral_hip"), "30", "female", "", ""] + NO) + "\n")
    assert "snapping_painful" not in [texts.get(q) for q in asked(proc.stdout)]


def test_clinician_mode_asks_exam_tests_and_says_how(kb):
    proc = run_hipnav("interview", "--clinician", "--max-screens", "30",
                      input="\n".join([place(kb, "loc_groin"), "30", "m", "", ""] + NO) + "\n")
    assert proc.returncode == 0, proc.stderr
    exam_texts = {f.means for f in kb.findings.values() if f.is_exam and f.means}
    assert set(asked(proc.stdout)) & exam_texts
    assert "How:" in proc.stdout


def test_patient_mode_never_asks_exam_tests(kb):
    proc = run_hipnav("interview", input="\n".join([place(kb, "loc_groin"), "30", "m", "", ""] + NO) + "\n")
    exam_texts = {f.means for f in kb.findings.values() if f.is_exam and f.means}
    put = asked(proc.stdout)
    assert put and not set(put) & exam_texts


def test_own_words_prefill_age_sex_and_places_then_confirm_the_rest(tmp_path, kb):
    save = tmp_path / "case.json"
    text = "34 year old woman, deep pain in my buttock when I sit, for 3 weeks"
    # confirm the finding read (y); Enter keeps the places, the age, the sex and the weeks read;
    # pain score skipped; "q" at the safety questions
    proc = run_hipnav("interview", "--text", text, "--save", str(save), input="y\n\n\n\n\n\nq\n")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "From your description I understood" in out
    assert "Buttock  (from your words)" in out
    assert "[Enter: 34]" in out and "[Enter: female]" in out and "[Enter: 3]" in out
    saved = json.loads(save.read_text())
    assert saved["age"] == 34 and saved["sex"] == "female"
    assert saved["findings"]["loc_buttock"] is True and saved["findings"]["duration_weeks"] == 3
    assert saved["findings"]["agg_sitting"] is True


def test_assess_from_text(tmp_path):
    proc = run_hipnav("assess", "--json", "--text", "deep pain in my bum when I sit, shoots down the back of my leg to my foot",
                      "--age", "40")
    assert proc.returncode == 0, proc.stderr
    res = json.loads(proc.stdout)
    assert res["differential"][0]["condition"] in {"lumbar_radiculopathy", "deep_gluteal"}


def test_an_adult_hurt_in_an_injury_is_asked_about_a_limp_on_a_second_safety_screen(kb):
    """A limp is no warning sign alone in an adult (not on the first safety screen), but after
    an injury it is: a "yes" to the injury brings the limp question, and a limp then stops
    the interview with the fracture advice (injury_painful_weight_bearing)."""
    from hipnav.assessment import assess
    from hipnav.engine import parse_case
    from hipnav.flow import safety_screen

    first = [q.finding for q in safety_screen(
        assess(parse_case({"age": 40, "sex": "female", "findings": {"loc_groin": True}}, kb)), "patient")]
    assert "limp" not in first and "onset_trauma" in first
    answers = ["y" if f == "onset_trauma" else "n" for f in first]
    proc = run_hipnav("interview", input="\n".join([place(kb, "loc_groin"), "40", "female", "", ""] + answers
                                                   + ["y", ""]) + "\n")
    assert proc.returncode == 0, proc.stderr
    texts = by_text(kb)
    before_report = proc.stdout.split("hipnav assessment")[0]
    put = [texts.get(q) for q in asked(before_report)]
    assert put[:len(first)] == first and put[len(first)] == "limp"
    assert proc.stdout.count("Safety questions") == 2
    assert "STOP: URGENT" in before_report
