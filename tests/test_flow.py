"""The conversation (hipnav.flow) on the shipped knowledge base: the safety screen, the
questions that apply, screens, what could not be checked, the stop at a warning sign."""

from __future__ import annotations

import json

from hipnav.assessment import assess, default_model
from hipnav.engine import information_gain, next_question, parse_case
from hipnav.engine.next_question import screening_questions
from hipnav.flow import MAX_SCREENS, PER_SCREEN, next_screen, safety_screen, stops, unchecked
from hipnav.flow_simulation import Rule, play_all
from tests.conftest import ROOT, run_hipnav

MODEL = default_model()
KB = MODEL.kb
FEMALE_ONLY = {"pregnant_or_postpartum", "pain_with_menses"}


def result(findings: dict[str, object], **fields: object):
    return assess(parse_case({"findings": findings, **fields}, KB), MODEL)


def no_to_safety(**extra: object) -> dict[str, object]:
    return {**{f: False for f in KB.screening}, **extra}


def test_a_65_year_old_man_is_never_asked_about_periods_or_pregnancy():
    r = result(no_to_safety(loc_buttock=True), age=65, sex="male")
    gains = information_gain(MODEL, r.case)
    assert not FEMALE_ONLY & set(gains) and "low_energy_availability" not in gains
    skip: set[str] = set()
    for _ in range(40):  # every question the engine would ever put to him
        q = next_question(MODEL, r.case, skip=frozenset(skip))
        if q is None:
            break
        assert q.finding not in FEMALE_ONLY and "period" not in q.text.lower()
        skip.add(q.finding)
    woman = information_gain(MODEL, result(no_to_safety(loc_buttock=True), age=30, sex="female").case)
    assert set(woman) >= FEMALE_ONLY  # the same questions do apply to a 30-year-old woman


def test_a_follow_up_waits_for_its_question_and_a_settled_one_is_not_asked():
    assert "snapping_painful" not in information_gain(MODEL, result({"loc_lateral_hip": True}).case)
    assert "snapping_painful" not in information_gain(MODEL, result({"snapping": False}).case)
    assert "snapping_painful" in information_gain(MODEL, result({"snapping": True}).case)
    unable = result({"unable_to_bear_weight": True, "loc_groin": True}, age=80, sex="female")
    assert "limp" not in screening_questions(MODEL, unable.case)
    assert not {"limp", "agg_walking", "agg_running"} & set(information_gain(MODEL, unable.case))


def test_the_safety_screen_holds_every_open_safety_question_that_applies():
    r = result({"loc_buttock": True}, age=65, sex="male")
    screen = safety_screen(r, "patient")
    ids = [q.finding for q in screen]
    assert ids == screening_questions(MODEL, r.case) and ids[0] == KB.screening[0]
    assert "low_energy_availability" not in ids
    saddle = next(q for q in screen if q.finding == "saddle_anesthesia")
    assert any(f.urgency == "emergency" for f in saddle.alone)  # a yes alone is a warning sign
    assert unchecked(r, "patient") == tuple(ids)
    done = result(no_to_safety(loc_buttock=True), age=65, sex="male")
    assert not safety_screen(done, "patient") and not unchecked(done, "patient")
    skipped = safety_screen(r, "patient", frozenset(ids))
    assert not skipped and unchecked(r, "patient")  # "not sure" is not checked


def test_a_limp_is_a_safety_question_only_in_a_child_or_after_an_injury():
    """A limp alone is no warning sign in an adult (screening.yaml): not beside "cannot bear
    weight" on an adult's safety screen, but on a child's, and on a second safety screen once
    an adult says the pain began with an injury; an adult who was not hurt may still be asked
    it among the other questions."""
    adult = result({"loc_groin": True}, age=40, sex="female")
    first = [q.finding for q in safety_screen(adult, "patient")]
    assert "unable_to_bear_weight" in first and "limp" not in first
    assert "limp" not in unchecked(result(no_to_safety(loc_groin=True), age=40), "patient")
    child = result({"loc_groin": True}, age=9, sex="male")
    assert "limp" in [q.finding for q in safety_screen(child, "patient")]
    unknown_age = result({"loc_groin": True})
    assert "limp" in [q.finding for q in safety_screen(unknown_age, "patient")]  # might be a child
    answers = {f: False for f in first}
    hurt = result({"loc_groin": True, **answers, "onset_trauma": True}, age=40, sex="female")
    follow_up = [q.finding for q in safety_screen(hurt, "patient")]
    assert "limp" in follow_up
    limping = result({"loc_groin": True, **answers, "onset_trauma": True, "limp": True}, age=40, sex="female")
    assert "injury_painful_weight_bearing" in {f.id for f in limping.red_flags}
    not_hurt = result({"loc_groin": True, **answers}, age=40, sex="female")
    assert not safety_screen(not_hurt, "patient")
    assert "limp" in information_gain(MODEL, not_hurt.case)  # asked later if it helps


def test_a_warning_sign_stops_the_conversation():
    assert stops(result({"saddle_anesthesia": True}))
    assert not stops(result(no_to_safety()))


def test_a_screen_is_a_few_questions_of_one_kind_most_informative_first():
    r = result(no_to_safety(loc_lateral_hip=True), age=50, sex="female")
    seen: set[str] = set()
    for n in range(6):
        shown = next_screen(r, "patient", frozenset(), n)
        if not shown:
            break
        assert 1 <= len(shown) <= PER_SCREEN
        assert len({KB.findings[q.finding].group for q in shown}) == 1
        assert [q.gain_bits for q in shown] == sorted((q.gain_bits for q in shown), reverse=True)
        assert not seen & {q.finding for q in shown}
        seen |= {q.finding for q in shown}
        r = result({**r.case.findings, **{q.finding: False for q in shown}}, age=50, sex="female")
    assert next_screen(r, "patient", frozenset(), 10) == ()  # at most MAX_SCREENS (10)


def test_the_flow_simulation_reports_screens_and_top3_against_asking_everything(tmp_path):
    lines = (tmp_path / "a.jsonl", tmp_path / "b.jsonl")
    rows = [json.loads(line) for line in (ROOT / "tests/data/textbook.jsonl").read_text().splitlines()][:6]
    lines[0].write_text("".join(json.dumps(r) + "\n" for r in rows[:3]))
    lines[1].write_text("".join(json.dumps(r) + "\n" for r in rows[3:]))
    proc = run_hipnav("eval", "--simulate-flow", str(lines[0]), str(lines[1]), "--json", timeout=300)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    patient = next(v for k, v in report.items() if k.startswith("patient, as shipped ("))
    assert patient["all"]["cases"] == 6 and patient[str(lines[0])]["cases"] == 3
    assert 1 <= patient["all"]["screens_median"] <= 12 and patient["all"]["screens_max"] <= 2 + MAX_SCREENS + 1
    assert 0 <= patient["all"]["top3"] <= 1 and 0 <= patient["all"]["top3_everything"] <= 1
    held_out = [k for k in report if k.startswith("patient, held out (5 folds; chosen ")]
    assert len(held_out) == 1 and report[held_out[0]]["all"]["cases"] == 6
    assert any(k.startswith("clinician, chosen on every case (") for k in report)


def test_a_lower_cap_is_read_off_a_case_played_at_a_higher_one():
    """The screen size and cap are cross-validated like the threshold; a lower cap is read
    off each case's steps, which must be exactly what playing at that cap gives."""
    rows = [json.loads(line) for line in (ROOT / "tests/data/textbook.jsonl").read_text().splitlines()][:12]
    cases = [(parse_case(r["case"], KB), r["expected"]["diagnoses"][0]) for r in rows]
    high = play_all(cases, MODEL, "patient", Rule(max_screens=8, per_screen=3))
    low = play_all(cases, MODEL, "patient", Rule(max_screens=3, per_screen=3))
    assert [p.capped(3) for p in high] == low
    assert any(len(p.steps) > 3 for p in high)  # the cap did cut some case short
