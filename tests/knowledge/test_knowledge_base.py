"""The shipped knowledge base: complete against the shared case format, cited, valid."""

from __future__ import annotations

import yaml

from tests.conftest import SHARED, run_hipnav

SHARED_FINDINGS = yaml.safe_load((SHARED / "case-format/findings.yaml").read_text())
SHARED_CONDITIONS = yaml.safe_load((SHARED / "case-format/conditions.yaml").read_text())


def test_every_shared_finding_is_known_with_its_type(kb):
    for section in ("history", "exam", "lab"):
        for f in SHARED_FINDINGS[section]:
            assert f["id"] in kb.findings, f["id"]
            assert kb.findings[f["id"]].type == f["type"], f["id"]


def test_every_shared_condition_and_urgency_level_is_known(kb):
    for c in SHARED_CONDITIONS["conditions"]:
        assert c["id"] in kb.conditions, c["id"]
        assert kb.conditions[c["id"]].typical_urgency == c["typical_urgency"], c["id"]
    assert list(kb.urgency_ids) == [u["id"] for u in SHARED_CONDITIONS["urgency_levels"]]


def test_every_condition_has_a_prior_for_every_setting_and_evidence(kb):
    for cond in kb.conditions.values():
        assert set(cond.priors) == {"primary_care", "sports_medicine", "manual_therapy"}
        assert len(cond.evidence) >= 5, cond.id


def test_every_number_has_provenance(kb):
    for cond in kb.conditions.values():
        for prior in cond.priors.values():
            assert prior.provenance.source in kb.references or prior.provenance.estimate
        for ev in cond.evidence:
            prov = ev.provenance
            assert (prov.source in kb.references) != bool(prov.estimate), (cond.id, ev.finding)
            assert prov.grade == "D" if prov.estimate else prov.grade in "ABC"


def test_references_are_full_citations(kb):
    for ref in kb.references.values():
        assert ref.authors and ref.title and ref.journal, ref.id
        assert ref.doi or ref.url, ref.id
        # an undated source (a web page or an abstract listing that shows no year) is cited 'n.d.'
        assert (ref.year is None and ref.url) or 1900 < (ref.year or 0) <= 2026, ref.id


def test_red_flag_rules_cover_the_emergencies_of_the_brief(kb):
    from hipnav.triage import fired_red_flags

    emergencies = [
        {"saddle_anesthesia": True},
        {"bladder_bowel_dysfunction": True},
        {"fever": True, "unable_to_bear_weight": True},
        {"age": 80, "onset_trauma": True, "unable_to_bear_weight": True},
        {"loc_lower_abdomen": True, "abdominal_pain": True, "fever": True, "nausea_vomiting": True},
    ]
    for values in emergencies:
        levels = {f.urgency for f in fired_red_flags(kb, values)}
        assert "emergency" in levels, values
    urgent = [
        {"history_of_cancer": True, "night_pain": True},
        {"history_of_cancer": True, "weight_loss_unexplained": True},
        {"age": 12, "limp": True, "loc_knee": True},
        {"loc_groin": True, "onset_after_training_increase": True, "exam_hop_pain": True},
        # worsening running pain: a femoral-neck stress fracture until shown otherwise
        {"agg_running": True, "pain_worsening": True},
        {"agg_running": True, "pain_worsening": True, "loc_groin": True, "loc_lateral_hip": True},
    ]
    for values in urgent:
        levels = {kb.urgency_rank(f.urgency) for f in fired_red_flags(kb, values)}
        assert levels and max(levels) >= kb.urgency_rank("urgent"), values
    # ... but lateral hip pain alone is the gluteal tendons or the ITB, not the femoral neck
    lateral = {"agg_running": True, "pain_worsening": True, "loc_lateral_hip": True}
    assert "running_pain_progressive" not in {f.id for f in fired_red_flags(kb, lateral)}


def test_routine_red_flags_send_persisting_or_worsening_pain_to_a_clinician(kb):
    """Pain a person should not be left to self-manage: non-mechanical pain that persists, a
    deficit found on examination, pain getting worse while not improving."""
    from hipnav.triage import fired_red_flags

    def fired(values: dict) -> set[str]:
        return {f.id for f in fired_red_flags(kb, values)}

    assert "nonmechanical_pain_persisting" in fired({"night_pain": True, "rest_pain": True, "duration_weeks": 8})
    assert "nonmechanical_pain_persisting" in fired({"night_pain": True, "rest_pain": True, "not_improving": True})
    # a fortnight of night pain, or night pain without pain at rest, is not yet the pattern
    assert "nonmechanical_pain_persisting" not in fired({"night_pain": True, "rest_pain": True, "duration_weeks": 2})
    assert "nonmechanical_pain_persisting" not in fired({"night_pain": True, "duration_weeks": 30})
    assert "neurological_deficit_found" in fired({"exam_neuro_deficit": True})
    assert "neurological_deficit_found" not in fired({"exam_neuro_deficit": False})
    assert "worsening_despite_self_care" in fired({"pain_worsening": True, "not_improving": True})
    assert "worsening_despite_self_care" not in fired({"pain_worsening": True})
    for flag in fired_red_flags(kb, {"night_pain": True, "rest_pain": True, "duration_weeks": 8,
                                     "exam_neuro_deficit": True}):
        assert kb.urgency_rank(flag.urgency) >= kb.urgency_rank("routine_medical")


def test_kb_check_reports_coverage():
    proc = run_hipnav("kb", "check")
    assert proc.returncode == 0, proc.stderr
    assert "literature-backed" in proc.stdout and "expert estimates" in proc.stdout
    proc = run_hipnav("kb", "check", "--json")
    import json

    report = json.loads(proc.stdout)
    assert report["published"] + report["estimates"] == report["likelihood_ratios"]
    assert report["conditions"] >= 25


def test_every_finding_has_a_short_label_and_a_question_or_description(kb):
    for f in kb.findings.values():
        assert f.label and len(f.label) <= 60, f.id
        assert f.ask or f.means, f.id
        if f.is_exam and f.type == "bool":
            assert f.how, f"{f.id}: clinician mode shows how each exam test is done"


def test_kb_check_reports_the_evidence_weight_resting_on_sources(tmp_path):
    dev = [str(SHARED / "vignettes/dev.jsonl"), str(SHARED / "vignettes/dev-2.jsonl")]
    proc = run_hipnav("kb", "check", "--cases", *dev)
    assert proc.returncode == 0, proc.stderr
    assert "evidence weight used on 122 cases" in proc.stdout
    assert "with the comparison published too" in proc.stdout
    import json

    weight = json.loads(run_hipnav("kb", "check", "--json", "--cases", *dev).stdout)["evidence_weight"]
    assert weight["cases"] == 122 and weight["weight"] > 0
    assert 0 <= weight["fully_sourced"] <= weight["pd_sourced"] <= 1
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"format": "hipnav-case/1", "findings": {"loc_moon": true}}\n')
    proc = run_hipnav("kb", "check", "--cases", str(bad))
    assert proc.returncode == 2 and "bad.jsonl line 1" in proc.stderr and "loc_moon" in proc.stderr
