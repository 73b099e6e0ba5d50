"""The result document: an assessment exactly as it was shown, self-contained.

Saved with every assessment and the input of both reports (PDF and FHIR), so that a report
of an old assessment says what was shown then, even after the knowledge base has changed:
it carries the ranked causes with their reasons and sources as text, not as references to
today's knowledge base. Its top level is the shared case-format result contract
(:func:`hipnav.result.contract`), so it is also a valid ``hipnav assess --json`` line.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from hipnav.assessment import Assessment
from hipnav.describe import answer_word
from hipnav.knowledge.model import Finding
from hipnav.result import as_builtins, contract, describe

FORMAT = "hipnav-result/1"
TOP_CAUSES = 6
REASONS_PER_CAUSE = 6


def _answer(finding: Finding, value: object) -> str:
    unit = finding.unit
    if finding.type == "bool":
        return answer_word(finding, "yes" if value else "no")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if value == 1 and unit and unit.endswith("s") and unit.isalpha():
        unit = unit[:-1]  # "1 week", not "1 weeks"
    return f"{value} {unit or ''}".strip()


def build_document(assessment: Assessment, *, top: int = TOP_CAUSES,
                   created_at: datetime | None = None) -> dict[str, Any]:
    """The whole result as shown (:func:`hipnav.result.describe`): contract fields, then causes
    with reasons, findings, sources."""
    kb = assessment.model.kb
    result = describe(assessment, top)
    doc: dict[str, Any] = as_builtins(contract(assessment))
    doc["format"] = FORMAT
    doc["created_at"] = (created_at or datetime.now(UTC)).isoformat()
    for r in doc["must_rule_out"]:  # (named, so that the reports need no knowledge base)
        named = kb.conditions[r["condition"]]
        r["name"], r["plain_name"] = named.name, named.plain_name
    u = assessment.urgency
    doc["urgency_detail"] = {"from_red_flags": u.from_red_flags, "from_differential": u.from_differential,
                             "risk_by_level": {k: round(v, 6) for k, v in u.risk_by_level.items()}}
    sources: dict[str, dict[str, str]] = {}
    causes = []
    for rank, cause in enumerate(result.explanations or (), start=1):
        reasons = []
        for r in [r for r in cause.reasons if r.counted][:REASONS_PER_CAUSE]:
            src = r.source
            reasons.append({
                "finding": r.finding, "text": r.text, "direction": r.direction,
                "lr": r.likelihood_ratio, "grade": src.grade if src else None,
                "source": src.reference if src else None, "source_label": src.label if src else "",
                "estimate": src.estimate if src else None,
            })
            if src and src.reference:
                sources[src.reference] = {"citation": src.citation or "", "link": src.link or ""}
        causes.append({"rank": rank, "condition": cause.condition, "name": cause.name,
                       "plain_name": cause.plain_name, "probability": cause.probability,
                       "typical_urgency": cause.typical_urgency, "reasons": reasons})
    doc["causes"] = causes
    findings = []
    for fid, value in assessment.case.findings.items():
        f = kb.findings[fid]
        findings.append({"id": fid, "group": f.group, "type": f.type, "text": f.text, "unit": f.unit,
                         "value": value, "answer": _answer(f, value)})
    doc["findings"] = findings
    doc["regions"] = [x["id"] for x in findings if x["group"] == "location" and x["value"] is True]
    doc["sources"] = dict(sorted(sources.items()))
    doc["disclaimer"] = result.disclaimer
    return doc


def assess_raw(raw: object) -> tuple[dict[str, Any], dict[str, Any]]:
    """Validate a raw case-format object, assess it: (case JSON, result document).
    Raises :class:`hipnav.bad_input.BadInput` naming the field for bad input."""
    from hipnav.assessment import assess, default_model
    from hipnav.engine import parse_case

    model = default_model()
    case = parse_case(raw, model.kb)
    return case.to_json(), build_document(assess(case, model))
