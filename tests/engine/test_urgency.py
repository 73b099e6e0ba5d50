"""Urgency: the most urgent of the red flags and of the differential's risk."""

from __future__ import annotations

from hipnav.assessment import assess
from hipnav.engine import parse_case


def _assess(model, kb, findings, **kw):
    return assess(parse_case({"findings": findings, **kw}, kb), model)


def test_red_flag_sets_a_floor_no_other_finding_can_lower(tiny_model, tiny_kb):
    result = _assess(tiny_model, tiny_kb, {"saddle_anesthesia": True, "fever": False,
                                           "unable_to_bear_weight": False, "loc_lateral_hip": True})
    assert [f.id for f in result.red_flags] == ["saddle"]
    assert result.urgency.level == "emergency"
    assert result.urgency.from_red_flags == "emergency"


def test_differential_alone_can_raise_urgency(tiny_model, tiny_kb):
    # no red flag fires (fever unknown), but gamma's probability crosses the emergency threshold
    result = _assess(tiny_model, tiny_kb, {"exam_temperature_c": 40.0, "unable_to_bear_weight": True})
    assert not result.red_flags
    gamma = next(d for d in result.differential if d.condition == "gamma")
    assert gamma.probability >= 0.2
    assert result.urgency.level == "emergency" and result.urgency.from_differential == "emergency"


def test_quiet_case_is_self_care(tiny_model, tiny_kb):
    result = _assess(tiny_model, tiny_kb, {"fever": False, "loc_lateral_hip": False})
    assert result.urgency.level == "self_care"


def test_risk_is_probability_that_at_least_one_condition_at_that_level_is_present(tiny_model, tiny_kb):
    result = _assess(tiny_model, tiny_kb, {})
    p = {d.condition: d.probability for d in result.differential}
    assert abs(result.urgency.risk_by_level["emergency"] - p["gamma"]) < 1e-12
    expected = 1 - (1 - p["gamma"]) * (1 - p["beta"])
    assert abs(result.urgency.risk_by_level["routine_medical"] - expected) < 1e-12


def test_an_uninformative_adult_is_self_care_in_every_setting(model, kb):
    for setting in model.settings:
        for age in (25, 45, 70):
            result = assess(parse_case({"age": age, "setting": setting, "findings": {}}, kb), model)
            assert result.urgency.level == "self_care", (setting, age)


def test_red_flags_through_the_trigger_index_are_every_rule_evaluated(kb):
    """The index (values and comparisons a case must show) only skips rules that cannot fire:
    the same flags, in the same order, as evaluating every rule."""
    import random

    from hipnav.triage import fired_red_flags
    from tests.engine.random_cases import random_raw_case

    rng = random.Random(31)
    fired_somewhere = 0
    for _ in range(1500):
        values = parse_case(random_raw_case(kb, rng), kb).values()
        plain = [rf.id for rf in kb.red_flags.values() if rf.when.evaluate(values) is True]
        plain.sort(key=lambda i: -kb.urgency_rank(kb.red_flags[i].urgency))
        got = [f.id for f in fired_red_flags(kb, values)]
        assert got == plain
        fired_somewhere += bool(got)
    assert fired_somewhere > 100  # the cases do reach the rules


def test_a_negative_hop_test_does_not_silence_the_bone_stress_flag(model, kb):
    """Hop-test sensitivity is about 70 %: a runner's worsening groin pain stays urgent (a
    femoral-neck stress fracture until imaged) whatever the hop test shows."""
    runner = {"agg_running": True, "pain_worsening": True, "loc_groin": True}
    for hop in (True, False, None):
        findings = runner if hop is None else {**runner, "exam_hop_pain": hop}
        result = assess(parse_case({"age": 24, "sex": "female", "setting": "sports_medicine",
                                    "findings": findings}, kb), model)
        assert "running_pain_progressive" in {f.id for f in result.red_flags}, hop
        assert kb.urgency_rank(result.urgency.level) >= kb.urgency_rank("urgent"), hop


def test_pain_on_weight_bearing_after_an_injury_is_urgent_at_any_age(model, kb):
    """A hip fracture need not stop a person walking (Ottawa-like rule, NICE CG124)."""
    for age in (33, 70):
        for sign in ("agg_weight_bearing", "limp"):
            case = {"age": age, "findings": {"onset_trauma": True, sign: True}}
            result = assess(parse_case(case, kb), model)
            assert kb.urgency_rank(result.urgency.level) >= kb.urgency_rank("urgent"), (age, sign)
    quiet = assess(parse_case({"age": 33, "findings": {"onset_trauma": False, "agg_weight_bearing": True}}, kb), model)
    assert "injury_painful_weight_bearing" not in {f.id for f in quiet.red_flags}


def test_a_new_limp_with_an_irritable_hip_is_urgent_but_a_long_standing_one_is_not(model, kb):
    irritable = {"limp": True, "exam_hip_rom_painful": True, "onset_trauma": False}
    new = assess(parse_case({"age": 40, "findings": {**irritable, "duration_weeks": 1}}, kb), model)
    old = assess(parse_case({"age": 40, "findings": {**irritable, "duration_weeks": 30}}, kb), model)
    assert "acute_irritable_hip_limp" in {f.id for f in new.red_flags}
    assert "acute_irritable_hip_limp" not in {f.id for f in old.red_flags}
