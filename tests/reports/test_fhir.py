"""Every exported FHIR Bundle validates with the fhir.resources R4B models."""

from __future__ import annotations

import pytest
import yaml

from hipnav.reports.codes import default_codes
from hipnav.reports.fhir import URGENCY_EXTENSION, build_bundle, validate
from hipnav.reports.subject import ReportSubject
from tests.conftest import SHARED
from tests.reports.conftest import VIGNETTES, VISITS, assessed

SHARED_CONDITIONS = [c["id"] for c in yaml.safe_load(
    (SHARED / "case-format/conditions.yaml").read_text())["conditions"]]


def _resources(bundle: dict, kind: str) -> list[dict]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


@pytest.mark.parametrize("vignette", VIGNETTES, ids=[v["case"]["id"] for v in VIGNETTES])
def test_every_vignette_exports_a_valid_bundle(vignette: dict) -> None:
    case, doc = assessed(vignette["case"])
    bundle = build_bundle(case, doc)
    parsed = validate(bundle)
    assert parsed.type == "collection"
    kinds = [e["resource"]["resourceType"] for e in bundle["entry"]]
    assert kinds[:2] == ["Patient", "QuestionnaireResponse"] and kinds[-1] == "ClinicalImpression"
    assert kinds.count("Observation") == len(doc["findings"])
    impression = _resources(bundle, "ClinicalImpression")[0]
    assert impression["extension"][0]["url"] == URGENCY_EXTENSION
    assert impression["extension"][0]["valueCodeableConcept"]["coding"][0]["code"] == doc["urgency"]
    ranked = [f["basis"].split(":")[0] for f in impression.get("finding", [])]
    assert ranked == [f"Rank {i}" for i in range(1, len(ranked) + 1)]
    answered = {i["linkId"] for i in _resources(bundle, "QuestionnaireResponse")[0].get("item", [])}
    assert {f["id"] for f in doc["findings"]} <= answered


def test_client_bundle_with_outcomes_uses_loinc_for_pain() -> None:
    case, doc = assessed(VIGNETTES[0]["case"])
    subject = ReportSubject(name="Jo Smith", reference="R-17", birth_year=1980, sex="female")
    bundle = build_bundle(case, doc, subject=subject, visits=VISITS, seed="a1")
    validate(bundle)
    patient = _resources(bundle, "Patient")[0]
    assert patient["name"] == [{"text": "Jo Smith"}] and patient["birthDate"] == "1980"
    observations = _resources(bundle, "Observation")
    nprs = [o for o in observations if o["code"]["coding"][0]["code"] == "72514-3"]
    assert [o["valueInteger"] for o in nprs] == [7, 5, 3]
    assert all(o["code"]["coding"][0]["system"] == "http://loinc.org" for o in nprs)
    hoos = [o for o in observations if o["code"]["coding"][0]["code"] == "hoos12-summary"]
    assert "dataAbsentReason" in hoos[1] and hoos[2]["valueQuantity"]["value"] == 75.0
    # the same saved assessment exports the same resource ids
    again = build_bundle(case, doc, subject=subject, visits=VISITS, seed="a1")
    assert [e["fullUrl"] for e in again["entry"]] == [e["fullUrl"] for e in bundle["entry"]]


def test_conditions_carry_icd10_codes_where_one_exists() -> None:
    codes = default_codes()
    assert set(SHARED_CONDITIONS) <= set(codes.by_condition)  # every condition is decided
    for cid in SHARED_CONDITIONS:
        assert codes.codes(cid) or cid in codes.why_none
        for code in codes.codes(cid):
            assert code.system == "http://hl7.org/fhir/sid/icd-10"
            assert code.source.startswith("https://icd.who.int/browse10/2019/en#/" + code.code)
    case, doc = assessed({"id": "x", "findings": {"loc_lateral_hip": True}})
    impression = _resources(build_bundle(case, doc), "ClinicalImpression")[0]
    by_text = {f["itemCodeableConcept"]["text"]: f["itemCodeableConcept"] for f in impression["finding"]}
    coded = [c for c in by_text.values() if "coding" in c]
    assert coded, "the leading causes of lateral hip pain include coded conditions"


def test_invalid_bundles_are_caught() -> None:
    case, doc = assessed(VIGNETTES[0]["case"])
    bundle = build_bundle(case, doc)
    bundle["entry"][0]["resource"]["birthDate"] = "not a date"
    with pytest.raises(ValueError):
        validate(bundle)


def test_what_to_rule_out_is_a_note_of_the_impression() -> None:
    from tests.conftest import rule_out_case

    case, doc = assessed(rule_out_case())
    assert doc["must_rule_out"]
    bundle = build_bundle(case, doc)
    validate(bundle)
    (impression,) = _resources(bundle, "ClinicalImpression")
    notes = [n["text"] for n in impression["note"] if n["text"].startswith("Rule out now")]
    assert len(notes) == len(doc["must_rule_out"])
    for note, r in zip(notes, doc["must_rule_out"], strict=True):
        assert r["name"] in note and r["why"] in note
