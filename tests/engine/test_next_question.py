"""Question choice: red-flag screening first, then expected information gain."""

from __future__ import annotations

from hipnav.engine import information_gain, next_question, parse_case


def test_red_flag_screening_comes_first(tiny_model, tiny_kb):
    case = parse_case({"findings": {}}, tiny_kb)
    q = next_question(tiny_model, case)
    assert q is not None and q.finding == "saddle_anesthesia" and q.reason == "red-flag screening"


def test_screening_question_is_skipped_once_its_rules_are_decided(tiny_model, tiny_kb):
    # fever=no rules out the hot-hip rule, so "cannot bear weight" is no longer a screening question
    case = parse_case({"findings": {"saddle_anesthesia": False, "fever": False}}, tiny_kb)
    q = next_question(tiny_model, case)
    assert q is not None and q.reason == "most informative"


def test_dont_know_answers_are_not_asked_again(tiny_model, tiny_kb):
    case = parse_case({"findings": {}}, tiny_kb)
    q = next_question(tiny_model, case, skip=frozenset({"saddle_anesthesia"}))
    assert q is not None and q.finding == "fever"


def test_gain_is_zero_for_a_question_that_moves_nothing_and_positive_otherwise(tiny_model, tiny_kb):
    case = parse_case({"findings": {"saddle_anesthesia": False, "fever": False,
                                    "unable_to_bear_weight": False}}, tiny_kb)
    gains = information_gain(tiny_model, case)
    assert gains["loc_lateral_hip"] > 0.01
    assert "exam_fadir" not in gains  # exam tests are for the clinician set
    assert "exam_fadir" in information_gain(tiny_model, case, "clinician")
    assert all(g >= -1e-9 for g in gains.values())


def test_answered_questions_are_not_candidates(tiny_model, tiny_kb):
    case = parse_case({"findings": {"loc_lateral_hip": True}}, tiny_kb)
    assert "loc_lateral_hip" not in information_gain(tiny_model, case)


def test_stops_when_nothing_is_left_to_learn(tiny_model, tiny_kb):
    answered = {f: False for f, x in tiny_kb.findings.items() if x.type == "bool"}
    case = parse_case({"findings": answered}, tiny_kb)
    assert next_question(tiny_model, case, "clinician") is None
