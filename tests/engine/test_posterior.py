"""Posterior arithmetic on the tiny knowledge base, whose numbers we know by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from hipnav.bad_input import BadInput
from hipnav.engine import explain, parse_case, probabilities
from hipnav.engine.model import StateKey
from hipnav.engine.posterior import batch_probabilities, encode_batch, setting_row


def _p(model, kb, findings, **kw):
    case = parse_case({"findings": findings, **kw}, kb)
    return dict(zip(model.conditions, probabilities(model, case), strict=True))


def _odds(p: float) -> float:
    return p / (1 - p)


def test_no_findings_gives_the_setting_prior(tiny_model, tiny_kb):
    assert _p(tiny_model, tiny_kb, {})["alpha"] == pytest.approx(0.2)
    assert _p(tiny_model, tiny_kb, {}, setting="sports_medicine")["alpha"] == pytest.approx(0.3)


def test_odds_multiply_by_likelihood_ratio(tiny_model, tiny_kb):
    p = _p(tiny_model, tiny_kb, {"loc_lateral_hip": True})["beta"]
    assert _odds(p) == pytest.approx(_odds(0.1) * 5.0)
    p = _p(tiny_model, tiny_kb, {"loc_lateral_hip": False})["beta"]
    assert _odds(p) == pytest.approx(_odds(0.1) * 0.2)


def test_sensitivity_and_specificity_become_likelihood_ratios(tiny_model, tiny_kb):
    p = _p(tiny_model, tiny_kb, {"exam_fadir": True})["alpha"]
    assert _odds(p) == pytest.approx(_odds(0.2) * 0.9 / 0.5)
    p = _p(tiny_model, tiny_kb, {"exam_fadir": False})["alpha"]
    assert _odds(p) == pytest.approx(_odds(0.2) * 0.1 / 0.5)


def test_missing_answer_direction_carries_no_information(tiny_model, tiny_kb):
    # snapping has only lr_pos: "no" must leave alpha at its prior
    assert _p(tiny_model, tiny_kb, {"snapping": False})["alpha"] == pytest.approx(0.2)


def test_family_counts_only_the_strongest_evidence_per_direction(tiny_model, tiny_kb):
    both = _p(tiny_model, tiny_kb, {"loc_groin": True, "c_sign": True})["alpha"]
    assert _odds(both) == pytest.approx(_odds(0.2) * 4.0)  # max(3, 4), not 12
    mixed = _p(tiny_model, tiny_kb, {"loc_groin": False, "c_sign": True})["alpha"]
    assert _odds(mixed) == pytest.approx(_odds(0.2) * 4.0 * 0.5)


def test_age_and_sex_shape_the_prior(tiny_model, tiny_kb):
    assert _odds(_p(tiny_model, tiny_kb, {}, age=70)["alpha"]) == pytest.approx(_odds(0.2) * 0.5)
    assert _odds(_p(tiny_model, tiny_kb, {}, sex="female")["beta"]) == pytest.approx(_odds(0.1) * 2)


def test_numeric_finding_acts_through_its_band(tiny_model, tiny_kb):
    p = _p(tiny_model, tiny_kb, {"exam_temperature_c": 39.0})["gamma"]
    assert _odds(p) == pytest.approx(_odds(0.01) * 5.0)
    p = _p(tiny_model, tiny_kb, {"exam_temperature_c": 38.49})["gamma"]
    assert _odds(p) == pytest.approx(_odds(0.01) * 0.5)


def test_cluster_replaces_its_members_when_every_criterion_is_known(tiny_model, tiny_kb):
    p = _p(tiny_model, tiny_kb, {"fever": True, "unable_to_bear_weight": True})["gamma"]
    assert _odds(p) == pytest.approx(_odds(0.01) * 30.0)
    # one criterion unknown: the members count individually
    p = _p(tiny_model, tiny_kb, {"fever": True})["gamma"]
    assert _odds(p) == pytest.approx(_odds(0.01) * 6.0)
    # the cluster's criterion "fever or temperature >= 38.5" is met by the temperature alone
    p = _p(tiny_model, tiny_kb, {"fever": False, "exam_temperature_c": 39.0,
                                 "unable_to_bear_weight": False})["gamma"]
    assert _odds(p) == pytest.approx(_odds(0.01) * 1.5)


def test_implied_findings_are_filled(tiny_kb):
    case = parse_case({"findings": {"snapping_painful": True}}, tiny_kb)
    assert case.findings["snapping"] is True
    case = parse_case({"findings": {"snapping": False}}, tiny_kb)
    assert case.findings["snapping_painful"] is False


def test_batch_equals_single_case(tiny_model, tiny_kb):
    raws = [
        {"findings": {}},
        {"findings": {"loc_groin": True, "c_sign": False, "fever": True}, "age": 12},
        {"findings": {"fever": True, "unable_to_bear_weight": True, "loc_lateral_hip": True}},
        {"findings": {"exam_temperature_c": 40.0}, "setting": "manual_therapy", "sex": "male"},
    ]
    cases = [parse_case(r, tiny_kb) for r in raws]
    batch = batch_probabilities(tiny_model, *encode_batch(tiny_model, cases))
    single = np.array([probabilities(tiny_model, c) for c in cases])
    assert np.abs(batch - single).max() < 1e-12


def test_explanation_shows_each_contribution_with_its_source(tiny_model, tiny_kb):
    case = parse_case({"findings": {"loc_groin": True, "c_sign": True, "exam_fadir": True}}, tiny_kb)
    expl = explain(tiny_model, case, "alpha")
    by = {c.finding: c for c in expl.contributions}
    assert by["c_sign"].counted and not by["loc_groin"].counted
    assert "c_sign" in (by["loc_groin"].note or "")
    assert by["exam_fadir"].provenance.source == "ref1"
    assert by["exam_fadir"].log_lr == pytest.approx(math.log(1.8))
    assert by["c_sign"].provenance.is_estimate
    # the counted contributions add up to the posterior log odds
    total = sum(c.log_lr for c in expl.counted)
    p = probabilities(tiny_model, case)[tiny_model.conditions.index("alpha")]
    assert math.log(_odds(p)) == pytest.approx(math.log(_odds(expl.prior)) + total)


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ({"findings": {"no_such_finding": True}}, "findings.no_such_finding"),
        ({"findings": {"fever": "yes"}}, "findings.fever"),
        ({"findings": {"fever": 1}}, "findings.fever"),
        ({"findings": {"exam_temperature_c": 50}}, "findings.exam_temperature_c"),
        ({"findings": {"exam_temperature_c": True}}, "findings.exam_temperature_c"),
        ({"findings": {"age": 30}}, "findings.age"),
        ({"age": -1, "findings": {}}, "age"),
        ({"age": "old", "findings": {}}, "age"),
        ({"sex": "x", "findings": {}}, "sex"),
        ({"setting": "hospital", "findings": {}}, "setting"),
        ({"setting": {"a": 1}, "findings": {}}, "setting"),
        ({"setting": ["primary_care"], "findings": {}}, "setting"),
        ({"sex": ["female"], "findings": {}}, "sex"),
        ({"narrative": 5, "findings": {}}, "narrative"),
        ({"findings": []}, "findings"),
        ({"format": "other/2", "findings": {}}, "format"),
        ({"id": 5, "findings": {}}, "id"),
        ([1, 2], "case"),
    ],
)
def test_bad_input_names_the_field(tiny_kb, raw, field):
    with pytest.raises(BadInput) as err:
        parse_case(raw, tiny_kb)
    assert err.value.field == field
    assert str(err.value).startswith(field)


def test_setting_row_defaults_to_primary_care(tiny_model):
    assert tiny_model.settings[setting_row(tiny_model, None)] == "primary_care"


def test_cluster_applies_only_in_its_population(tiny_model, tiny_kb):
    child = _p(tiny_model, tiny_kb, {"snapping": True}, age=10)["alpha"]
    assert _odds(child) == pytest.approx(_odds(0.2) * 2.0 * 8.0)  # age LR (young) x rule
    adult = _p(tiny_model, tiny_kb, {"snapping": True}, age=40)["alpha"]
    assert _odds(adult) == pytest.approx(_odds(0.2) * 2.0 * 2.0)  # age LR x snapping's own LR
    unknown_age = _p(tiny_model, tiny_kb, {"snapping": True})["alpha"]
    assert _odds(unknown_age) == pytest.approx(_odds(0.2) * 2.0)


def test_a_count_the_publication_lacks_is_shown_as_an_estimate(tiny_model, tiny_kb):
    case = parse_case({"age": 10, "findings": {"snapping": False}}, tiny_kb)
    rule = next(c for c in explain(tiny_model, case, "alpha").contributions if c.is_cluster)
    assert rule.provenance.is_estimate and "positive result" in rule.provenance.estimate


def test_age_lrs_average_one_over_each_settings_consulters(model, kb):
    """Knowing the age redistributes a setting's prior; it does not inflate it (the young
    majority of a sports clinic is already in the sports priors)."""
    age_rows = {b: model.index[StateKey("age", b)] for b in kb.findings["age"].states}
    for k, setting in enumerate(model.settings):
        mix = kb.age_mix[setting]
        for j, cond in enumerate(model.conditions):
            average = sum(share * math.exp(model.log_lr[age_rows[b], j] - model.age_log_norm[k, j])
                          for b, share in mix.items())
            assert average == pytest.approx(1.0), (setting, cond)


def test_explanation_adds_up_to_the_posterior_with_age_in_any_setting(model, kb):
    for setting in model.settings:
        case = parse_case({"age": 25, "sex": "male", "setting": setting,
                           "findings": {"loc_groin": True, "agg_running": True, "fever": False}}, kb)
        probs = probabilities(model, case)
        for j, cond in enumerate(model.conditions):
            expl = explain(model, case, cond)
            total = math.log(_odds(expl.prior)) + sum(c.log_lr for c in expl.counted)
            assert math.log(_odds(probs[j])) == pytest.approx(total), (setting, cond)


@pytest.mark.parametrize(
    ("age", "findings", "count"),
    [
        # branch 2: restricted internal rotation and an ESR of 45 mm/h or less
        (67, {"exam_ir_restricted": True, "lab_esr_mm_h": 12}, 1),
        # branch 1: rotation kept but painful, short morning stiffness (age > 50 by population)
        (58, {"exam_ir_restricted": False, "exam_ir_painful": True, "morning_stiffness_short": True}, 1),
        (58, {"exam_ir_restricted": False, "exam_ir_painful": False, "morning_stiffness_short": True}, 0),
    ],
)
def test_acr_hip_oa_criteria_replace_the_examined_findings(model, kb, age, findings, count):
    """The real knowledge base's ACR rule (Altman 1991) is used whole from age 51; the age
    LR still counts on its own."""
    case = parse_case({"age": age, "findings": findings}, kb)
    contributions = explain(model, case, "hip_oa").contributions
    rule = [c for c in contributions if c.is_cluster and c.finding == "acr_hip_oa_clinical"]
    assert [c.state for c in rule] == [str(count)]
    counted = {c.finding for c in contributions if c.counted}
    assert "age" in counted and not counted & set(findings)


def test_acr_hip_oa_criteria_are_not_used_in_younger_people(model, kb):
    case = parse_case({"age": 30, "findings": {"exam_ir_restricted": True, "lab_esr_mm_h": 12}}, kb)
    assert not any(c.is_cluster for c in explain(model, case, "hip_oa").contributions)


def test_scoring_rows_are_the_family_rule_applied_to_the_cases_states(model, kb, tiny_model, tiny_kb):
    """The rows compiled for every way a group can be observed give exactly what the family
    rule gives applied to a case's own states (and the prior of its setting and age)."""
    import random

    from hipnav.engine.model import family_contribution
    from hipnav.engine.posterior import encode, logits, prior_row
    from tests.engine.random_cases import random_raw_case

    rng = random.Random(41)
    for m, k in ((model, kb), (tiny_model, tiny_kb)):
        for _ in range(300):
            case = parse_case(random_raw_case(k, rng), k)
            groups: dict[int, list[int]] = {}
            for s in encode(m, case.values()):
                groups.setdefault(m.group[s], []).append(s)
            expected = m.prior_logit[prior_row(m, case)].copy()
            for members in groups.values():
                expected += family_contribution(m.log_lr[members])
            np.testing.assert_allclose(logits(m, case), expected, rtol=0, atol=1e-12)


def test_ties_keep_the_conditions_order(model, kb):
    """The ranking is the stable sort on the probability, highest first: conditions that tie
    (common when a case says little) stay in ``model.conditions`` (alphabetical) order."""
    from hipnav.assessment import assess

    for raw in ({"findings": {}}, {"findings": {}, "age": 30}, {"findings": {"fever": False}}):
        result = assess(parse_case(raw, kb), model)
        probs = result.probabilities
        assert result.ranking == tuple(sorted(range(len(probs)), key=lambda j: -probs[j]))


def test_each_value_selects_the_state_its_finding_names(model, kb, tiny_model, tiny_kb):
    """``encode`` looks a value's state up in tables made with the model (a number by
    bisecting its bands' bounds): they agree with ``Finding.state_of`` on random cases, and
    on every number at each bound, just either side of it, and anywhere in its range."""
    import random

    from hipnav.engine.posterior import encode
    from tests.engine.random_cases import random_raw_case

    rng = random.Random(43)
    for m, k in ((model, kb), (tiny_model, tiny_kb)):
        for _ in range(300):
            values = parse_case(random_raw_case(k, rng), k).values()
            states = [m.states[s] for s in encode(m, values)[: len(values)]]
            assert [(key.finding, key.state) for key in states] == [
                (fid, k.findings[fid].state_of(v)) for fid, v in values.items()]
        for fid, finding in k.findings.items():
            if finding.type != "number":
                continue
            bounds = {v for b in finding.bands for v in (b.gte, b.gt, b.lt, b.lte) if v is not None}
            lo, hi = min(bounds) - 10, max(bounds) + 10
            probes = [*bounds, *(math.nextafter(x, -math.inf) for x in bounds),
                      *(math.nextafter(x, math.inf) for x in bounds), *(rng.uniform(lo, hi) for _ in range(500))]
            for x in probes:
                try:
                    expected = m.index[StateKey(fid, finding.state_of(x))]
                except ValueError:  # outside every band
                    with pytest.raises(ValueError):
                        m.state_of[fid][x]
                    continue
                assert m.state_of[fid][x] == expected, (fid, x)
