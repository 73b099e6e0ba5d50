"""The HL7 FHIR R4 export of an assessment: one ``collection`` Bundle.

* Patient: the person (name and record number only when a practitioner's client).
* QuestionnaireResponse: the answers as given, one item per finding (plus age, sex and the
  person's own words).
* Observation: one per finding (category ``survey`` for what the person reports, ``exam``
  for tests), and one per outcome measure per visit: the NPRS coded LOINC 72514-3
  ("Pain severity - 0-10 verbal numeric rating [Score] - Reported"); the PSFS and HOOS-12,
  for which no LOINC code was found, as text with their scale scores as components.
* ClinicalImpression: the ranked differential as ``finding`` entries (in rank order, each
  with its probability and reasons in ``basis``, coded with ICD-10 where a code exists, see
  ``knowledge/data/codes.yaml``) and the urgency in ``summary`` and as a coded extension.
  The causes are possibilities of a differential, so no Condition resources are made:
  a Condition would record a diagnosis nobody has made.

hipnav's own findings and urgency levels use local code systems (``urn:hipnav:...``).
Every Bundle is checked against the ``fhir.resources`` R4B models (:func:`validate`).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from hipnav.outcomes.hoos12 import SCALE_NAMES
from hipnav.outcomes.nprs import LOINC as NPRS_LOINC
from hipnav.outcomes.nprs import LOINC_DISPLAY as NPRS_DISPLAY
from hipnav.reports.codes import CodeTable, default_codes
from hipnav.reports.subject import ReportSubject

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
OBS_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
FINDING_SYSTEM = "urn:hipnav:finding"
URGENCY_SYSTEM = "urn:hipnav:urgency"
OUTCOME_SYSTEM = "urn:hipnav:outcome"
URGENCY_EXTENSION = "urn:hipnav:fhir:extension:urgency"
PSFS_DISPLAY = "Patient-Specific Functional Scale, mean score"
UCUM_UNITS = {"years": "a", "weeks": "wk", "degrees C": "Cel", "mg/L": "mg/L", "mm/h": "mm/h",
              "10^9/L": "10*9/L", "cm": "cm"}
_NS = uuid.UUID("6f1c3f4e-8a57-4a43-9d0e-4c1f5e1e7a2b")


class _Ids:
    """Stable urn:uuid ids per document, so the same assessment exports the same Bundle."""

    def __init__(self, seed: str) -> None:
        self.seed = seed

    def __call__(self, kind: str, n: object = 0) -> str:
        return f"urn:uuid:{uuid.uuid5(_NS, f'{self.seed}/{kind}/{n}')}"


def _quantity(value: float, unit: str | None) -> dict[str, Any]:
    q: dict[str, Any] = {"value": value}
    if unit:
        q["unit"] = unit
        if unit in UCUM_UNITS:
            q.update(system=UCUM, code=UCUM_UNITS[unit])
    return q


def _patient(pid: str, case: Mapping[str, Any], subject: ReportSubject | None) -> dict[str, Any]:
    p: dict[str, Any] = {"resourceType": "Patient", "id": pid.rsplit(":", 1)[-1]}
    sex = case.get("sex") or (subject.sex if subject else None)
    if sex in ("female", "male", "other", "unknown"):
        p["gender"] = sex
    if subject and subject.name:
        p["name"] = [{"text": subject.name}]
    if subject and subject.reference:
        p["identifier"] = [{"system": "urn:hipnav:client-reference", "value": subject.reference}]
    if subject and subject.birth_year:
        p["birthDate"] = f"{subject.birth_year:04d}"
    return p


def _questionnaire_response(qid: str, pref: dict[str, str], case: Mapping[str, Any],
                            doc: Mapping[str, Any]) -> dict[str, Any]:
    items: list[dict[str, Any]] = []
    if case.get("age") is not None:
        items.append({"linkId": "age", "text": "Age (years)", "answer": [{"valueDecimal": case["age"]}]})
    if case.get("sex"):
        items.append({"linkId": "sex", "text": "Sex", "answer": [{"valueString": case["sex"]}]})
    for x in doc.get("findings") or []:
        answer = {"valueBoolean": x["value"]} if x["type"] == "bool" else {"valueDecimal": x["value"]}
        items.append({"linkId": x["id"], "text": x["text"], "answer": [answer]})
    if case.get("narrative"):
        items.append({"linkId": "narrative", "text": "In the person's own words",
                      "answer": [{"valueString": case["narrative"]}]})
    qr: dict[str, Any] = {"resourceType": "QuestionnaireResponse", "id": qid.rsplit(":", 1)[-1],
                          "status": "completed", "subject": pref, "authored": doc["created_at"]}
    if items:
        qr["item"] = items
    return qr


def _finding_observation(oid: str, pref: dict[str, str], qref: dict[str, str], x: Mapping[str, Any],
                         when: str) -> dict[str, Any]:
    category = "exam" if x["group"] in ("exam", "lab") else "survey"
    obs: dict[str, Any] = {
        "resourceType": "Observation", "id": oid.rsplit(":", 1)[-1], "status": "final",
        "category": [{"coding": [{"system": OBS_CATEGORY, "code": category}]}],
        "code": {"coding": [{"system": FINDING_SYSTEM, "code": x["id"], "display": x["text"]}],
                 "text": x["text"]},
        "subject": pref, "effectiveDateTime": when, "derivedFrom": [qref],
    }
    if x["type"] == "bool":
        obs["valueBoolean"] = x["value"]
    else:
        obs["valueQuantity"] = _quantity(x["value"], x.get("unit"))
    return obs


def _outcome_observations(ids: _Ids, pref: dict[str, str],
                          visits: Sequence[Mapping[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    survey = [{"coding": [{"system": OBS_CATEGORY, "code": "survey"}]}]
    out: list[tuple[str, dict[str, Any]]] = []
    for n, v in enumerate(visits):
        base = {"resourceType": "Observation", "status": "final", "category": survey, "subject": pref,
                "effectiveDateTime": v["visit_date"]}
        if v.get("nprs") is not None:
            oid = ids("nprs", n)
            out.append((oid, {**base, "id": oid.rsplit(":", 1)[-1],
                              "code": {"coding": [{"system": LOINC, "code": NPRS_LOINC,
                                                   "display": NPRS_DISPLAY}],
                                       "text": "Pain intensity (NPRS 0-10)"},
                              "valueInteger": int(v["nprs"])}))
        if v.get("psfs_mean") is not None:
            oid = ids("psfs", n)
            out.append((oid, {**base, "id": oid.rsplit(":", 1)[-1],
                              "code": {"coding": [{"system": OUTCOME_SYSTEM, "code": "psfs-mean",
                                                   "display": PSFS_DISPLAY}],
                                       "text": "Patient-Specific Functional Scale (0-10)"},
                              "valueQuantity": {"value": round(v["psfs_mean"], 2), "unit": "score",
                                                "system": UCUM, "code": "{score}"},
                              "component": [{"code": {"text": a["activity"]},
                                             "valueQuantity": {"value": a["score"], "unit": "score",
                                                               "system": UCUM, "code": "{score}"}}
                                            for a in v.get("psfs") or []]}))
        scores = v.get("hoos12_scores") or {}
        parts = {k: scores.get(k) for k in ("pain", "function", "qol")}
        if any(x is not None for x in parts.values()):
            oid = ids("hoos12", n)
            obs: dict[str, Any] = {
                **base, "id": oid.rsplit(":", 1)[-1],
                "code": {"coding": [{"system": OUTCOME_SYSTEM, "code": "hoos12-summary",
                                     "display": "HOOS-12 summary (hip impact) score"}],
                         "text": "HOOS-12 (0 worst, 100 best)"},
                "component": [{"code": {"coding": [{"system": OUTCOME_SYSTEM, "code": f"hoos12-{k}",
                                                    "display": f"HOOS-12 {SCALE_NAMES[k]}"}]},
                               "valueQuantity": {"value": round(x, 2), "unit": "score", "system": UCUM,
                                                 "code": "{score}"}}
                              for k, x in parts.items() if x is not None],
            }
            if scores.get("summary") is not None:
                obs["valueQuantity"] = {"value": round(scores["summary"], 2), "unit": "score",
                                        "system": UCUM, "code": "{score}"}
            else:
                obs["dataAbsentReason"] = {"text": "summary needs all three scale scores"}
            out.append((oid, obs))
    return out


def _impression(iid: str, pref: dict[str, str], doc: Mapping[str, Any], codes: CodeTable,
                supporting: list[dict[str, str]]) -> dict[str, Any]:
    level = str(doc["urgency"])
    findings = []
    for c in doc.get("causes") or []:
        concept: dict[str, Any] = {"text": c["name"]}
        coded = codes.codes(c["condition"])
        if coded:
            concept["coding"] = [{"system": k.system, "code": k.code, "display": k.display} for k in coded]
        reasons = "; ".join(f"{r['text']} (LR {r['lr']:.2g})" for r in c["reasons"]) or "no answer changed it"
        basis = (f"Rank {c['rank']}: probability {c['probability']:.1%} (this condition's own posterior "
                 f"probability; conditions can coexist). Reasons: {reasons}")
        findings.append({"itemCodeableConcept": concept, "basis": basis})
    notes = [{"text": f"Red flag ({f.get('urgency', '')}): {f['message']}"}
             for f in doc.get("red_flags") or []]
    notes += [{"text": f"Rule out now: {r.get('name', r['condition'])} ({r['probability']:.1%}; serious, "
                       f"not among the three most likely causes). {r['why']}"}
              for r in doc.get("must_rule_out") or []]
    notes.append({"text": str(doc.get("disclaimer", ""))})
    impression: dict[str, Any] = {
        "resourceType": "ClinicalImpression", "id": iid.rsplit(":", 1)[-1], "status": "completed",
        "description": "hipnav hip pain assessment: ranked differential and urgency",
        "subject": pref, "effectiveDateTime": doc["created_at"], "date": doc["created_at"],
        "summary": f"Urgency: {level.replace('_', ' ')}. {doc.get('urgency_means', '')}",
        "extension": [{"url": URGENCY_EXTENSION, "valueCodeableConcept": {"coding": [
            {"system": URGENCY_SYSTEM, "code": level, "display": doc.get("urgency_means", level)}]}}],
        "protocol": [f"urn:hipnav:knowledge-base:{doc.get('knowledge_base_version', 'unknown')}"],
        "note": notes,
    }
    if findings:
        impression["finding"] = findings
    if supporting:
        impression["supportingInfo"] = supporting
    return impression


def build_bundle(case: Mapping[str, Any], doc: Mapping[str, Any], *, subject: ReportSubject | None = None,
                 visits: Sequence[Mapping[str, Any]] = (), seed: str | None = None,
                 codes: CodeTable | None = None) -> dict[str, Any]:
    """The Bundle as a JSON-ready dict (validate it with :func:`validate`)."""
    codes = codes or default_codes()
    ids = _Ids(seed or f"{case.get('id')}/{doc.get('created_at')}")
    pid, qid, iid = ids("patient"), ids("questionnaire-response"), ids("impression")
    pref, qref = {"reference": pid}, {"reference": qid}
    when = str(doc["created_at"])
    entries: list[tuple[str, dict[str, Any]]] = [
        (pid, _patient(pid, case, subject)), (qid, _questionnaire_response(qid, pref, case, doc))]
    for n, x in enumerate(doc.get("findings") or []):
        oid = ids("finding", n)
        entries.append((oid, _finding_observation(oid, pref, qref, x, when)))
    entries += _outcome_observations(ids, pref, visits)
    supporting = [{"reference": url} for url, r in entries if r["resourceType"] != "Patient"]
    entries.append((iid, _impression(iid, pref, doc, codes, supporting)))
    return {"resourceType": "Bundle", "id": ids("bundle").rsplit(":", 1)[-1], "type": "collection",
            "timestamp": datetime.now(UTC).isoformat(),
            "entry": [{"fullUrl": url, "resource": r} for url, r in entries]}


def validate(bundle: Mapping[str, Any]) -> Any:
    """Parse the Bundle with the fhir.resources R4B models; raises on any invalid element."""
    from fhir.resources.R4B.bundle import Bundle

    return Bundle.model_validate(dict(bundle))
