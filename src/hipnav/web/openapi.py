"""The OpenAPI 3 description of the JSON API, served at ``/openapi.json``.

Written by hand, with the case's ``findings`` object generated from the knowledge base, so
that every finding id, its type and its allowed range are in the schema (and a client or a
fuzzer such as schemathesis knows exactly what a valid case is). ``tests/web`` checks that
the served responses match it.
"""

from __future__ import annotations

from typing import Any

from hipnav import __version__
from hipnav.knowledge.model import KnowledgeBase
from hipnav.web.intake import PAGE_MAX_CHARS

JSON = "application/json"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    # OpenAPI 3.0: an enum must list null itself for null to be valid.
    extra = {"enum": [*schema["enum"], None]} if "enum" in schema else {}
    return {**schema, **extra, "nullable": True}


def _obj(required: list[str], **props: Any) -> dict[str, Any]:
    return {"type": "object", "required": required, "properties": props}


_STR = {"type": "string"}
_NSTR = _nullable(_STR)
_NUM = {"type": "number"}
_PLAIN = r"[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*"
#: Free text: no control character but tab, line feed, carriage return. The letter it must
#: hold is any Unicode letter (``str.isalpha``), which an OpenAPI 3.0 (ECMA 262, no ``\\p{L}``)
#: pattern cannot say: the description says it, and a text without one is refused (422).
_TEXT = f"^{_PLAIN}$"
#: Any text without a control character (every input refuses them, hipnav.json_input).
_PLAIN_STR = {**_NSTR, "pattern": f"^{_PLAIN}$"}


def _finding_schema(kb: KnowledgeBase, fid: str) -> dict[str, Any] | None:
    f = kb.findings[fid]
    desc = f.question
    if f.type == "bool":
        return {"type": "boolean", "nullable": True, "description": desc}
    if f.type == "number":
        out: dict[str, Any] = {"type": "number", "nullable": True, "description": f"{desc} ({f.unit})"}
        if f.min is not None:
            out["minimum"] = f.min
        if f.max is not None:
            out["maximum"] = f.max
        return out
    return None  # categories (sex) are the case's own fields


def _schemas(kb: KnowledgeBase) -> dict[str, Any]:
    levels = {"type": "string", "enum": list(kb.urgency_ids)}
    findings = {fid: s for fid in kb.findings if fid not in ("age", "sex")
                if (s := _finding_schema(kb, fid)) is not None}
    read = {fid: {k: v for k, v in s.items() if k != "nullable"} for fid, s in findings.items()}
    red_flag = _obj(["id", "message", "urgency"], id=_STR, message=_STR, urgency=levels)
    return {
        "Case": {
            "type": "object",
            "description": "A case of the shared format hipnav-case/1. A missing finding is unknown; "
                           "false means asked and absent; null is the same as missing. Other fields "
                           "are kept with the case and do not change the result. No text or name "
                           "may hold a control character other than tab and line breaks (422), no "
                           "integer more than 15 digits, nor any object or array nest deeper than "
                           "32 levels (400).",
            "additionalProperties": True,
            "properties": {
                "format": {"type": "string", "enum": ["hipnav-case/1"]},
                "id": _PLAIN_STR,
                "age": _nullable({"type": "number", "minimum": 0, "maximum": 120}),
                "sex": _nullable({"type": "string", "enum": ["female", "male"]}),
                "setting": _nullable({"type": "string", "enum": list(kb.settings)}),
                "narrative": _PLAIN_STR,
                "findings": {"type": "object", "additionalProperties": False, "properties": findings},
            },
        },
        "NextQuestionRequest": {
            "type": "object",
            "description": "A partial case, and which questions to choose from.",
            "required": ["case"],
            "additionalProperties": False,
            "properties": {
                "case": _ref("Case"),
                "question_set": {"type": "string", "enum": ["patient", "clinician"], "default": "patient"},
                "skip": {"type": "array", "items": {"type": "string", "enum": list(kb.findings)},
                         "description": "Questions answered \"don't know\": not asked again."},
            },
        },
        "ExtractRequest": {
            "type": "object",
            "description": "English free text: a person's own words or a clinical note.",
            "required": ["text"],
            "additionalProperties": False,
            "properties": {
                "text": {"type": "string", "minLength": 1, "maxLength": PAGE_MAX_CHARS, "pattern": _TEXT,
                         "description": "Plain English text with at least one letter; no control "
                                        "characters but tab and line breaks. A text that does not "
                                        "look like English is refused (422), a longer one than the "
                                        f"page takes ({PAGE_MAX_CHARS:,} characters) too."},
                "id": {"type": "string", "nullable": True, "maxLength": 200,
                       "description": "Returned as given, to match answers to questions."},
            },
        },
        "Span": _obj(["finding", "value", "start", "end", "text", "why", "used"],
                     finding={"type": "string", "enum": list(kb.findings)},
                     value={"oneOf": [{"type": "boolean"}, {"type": "number"}]},
                     start={"type": "integer", "minimum": 0}, end={"type": "integer", "minimum": 0},
                     text=_STR, why=_STR, used={"type": "boolean"}),
        "Extraction": _obj(
            ["findings", "spans", "messages"], id=_STR,
            findings={"type": "object", "additionalProperties": False, "properties": read,
                      "description": "What the text states, in the case format: a missing id was not "
                                     "said; false means the text says it is absent."},
            spans={"type": "array", "items": _ref("Span"),
                   "description": "Every mention read, in text order, with its place in the text "
                                  "(start, end in characters); used=false: set aside, and why."},
            messages={"type": "array", "items": _STR}),
        "Source": _obj(["grade", "label"], grade={"type": "string", "enum": ["A", "B", "C", "D"]},
                       label=_STR, reference=_NSTR, citation=_NSTR, link=_NSTR, locator=_NSTR,
                       note=_NSTR, estimate=_NSTR),
        "Reason": _obj(["finding", "state", "text", "likelihood_ratio", "direction", "counted"],
                       finding=_STR, state=_STR, text=_STR, likelihood_ratio=_NUM,
                       direction={"type": "string", "enum": ["for", "against"]},
                       counted={"type": "boolean"}, is_rule={"type": "boolean"}, note=_NSTR,
                       source={"allOf": [_ref("Source")], "nullable": True}),
        "Explanation": _obj(["condition", "probability", "prior", "prior_source", "reasons"],
                            condition=_STR, name=_STR, plain_name=_STR, probability=_NUM,
                            typical_urgency=levels, prior=_NUM, prior_source=_ref("Source"),
                            reasons={"type": "array", "items": _ref("Reason")}, guide=_STR),
        "Result": _obj(
            ["id", "urgency", "red_flags", "differential"],
            id=_NSTR, urgency=levels, urgency_means=_STR, knowledge_base_version=_STR, disclaimer=_STR,
            red_flags={"type": "array", "items": red_flag},
            differential={"type": "array", "items": _obj(["condition", "probability"], condition=_STR,
                                                         probability={"type": "number", "minimum": 0,
                                                                      "maximum": 1})},
            must_rule_out={"type": "array", "maxItems": 2, "description": (
                "Case format 1.1: serious conditions not among the first three of the differential "
                "whose probability reaches the level at which a clinician should exclude them now, "
                "most serious first."),
                "items": _obj(["condition", "probability", "why"], condition=_STR,
                              probability={"type": "number", "minimum": 0, "maximum": 1}, why=_STR)},
            explanations={"type": "array", "items": _ref("Explanation")},
        ),
        "Question": _obj(["finding", "text", "reason"], finding=_STR, text=_STR,
                         reason={"type": "string", "enum": ["red-flag screening", "most informative"]},
                         gain_bits=_NUM, how=_NSTR, group=_STR),
        "NextQuestion": _obj(["question", "urgency", "red_flags"],
                             question={"allOf": [_ref("Question")], "nullable": True}, urgency=levels,
                             red_flags={"type": "array", "items": red_flag}),
        "Conditions": _obj(
            ["conditions"], knowledge_base_version=_STR,
            urgency_levels={"type": "array", "items": _obj(["id", "means"], id=_STR, means=_STR)},
            conditions={"type": "array", "items": _obj(["id", "name", "plain_name", "typical_urgency"],
                                                       id=_STR, name=_STR, plain_name=_STR,
                                                       typical_urgency=levels, guide=_STR)}),
        "Findings": _obj(
            ["findings"], knowledge_base_version=_STR,
            settings={"type": "array", "items": _obj(["id", "name"], id=_STR, name=_STR)},
            findings={"type": "array", "items": _obj(
                ["id", "type", "group"], id=_STR, type={"type": "string"}, group=_STR, ask=_NSTR,
                means=_NSTR, how=_NSTR, unit=_NSTR, min=_nullable(_NUM), max=_nullable(_NUM),
                values=_nullable({"type": "array", "items": _STR}))}),
        "Error": _obj(["error", "field", "message"], error=_STR, field=_NSTR, message=_STR),
    }


def _errors(*codes: int) -> dict[str, Any]:
    words = {400: "The body is not JSON.", 404: "Not found.",
             413: "The body is larger than 64 KB.",
             422: "Invalid input; `field` names it.",
             503: "Too many texts are waiting to be read: refused at once; try again after `Retry-After` "
                  "seconds."}
    answers: dict[str, Any] = {str(c): {"description": words[c], "content": {JSON: {"schema": _ref("Error")}}}
                               for c in codes}
    if 503 in codes:
        answers["503"]["headers"] = {"Retry-After": {"schema": {"type": "integer"},
                                                     "description": "Seconds to wait before trying again."}}
    return answers


def _ok(name: str, description: str) -> dict[str, Any]:
    return {"200": {"description": description, "content": {JSON: {"schema": _ref(name)}}}}


def openapi_schema(kb: KnowledgeBase) -> dict[str, Any]:
    explain = {"name": "explain", "in": "query", "required": False,
               "description": "How many of the most likely causes to explain (default 3), or 'all'.",
               "schema": {"type": "string", "pattern": "^(all|[0-9]{1,4})$"}}
    return {
        "openapi": "3.0.3",
        "info": {"title": "hipnav", "version": __version__,
                 "description": "Hip pain: likely causes with the evidence behind every number, "
                                "red flags and urgency. It informs care; it does not replace a clinician."},
        "paths": {
            "/api/v1/assess": {"post": {
                "summary": "Assess a case: urgency, red flags, ranked causes and their explanations",
                "operationId": "assess",
                "parameters": [explain],
                "requestBody": {"required": True, "content": {JSON: {"schema": _ref("Case")}}},
                "responses": {**_ok("Result", "The result contract, with explanations."),
                              **_errors(400, 413, 422)},
            }},
            "/api/v1/next-question": {"post": {
                "summary": "The most useful next question for a partial case (red-flag screening first)",
                "operationId": "nextQuestion",
                "requestBody": {"required": True,
                                "content": {JSON: {"schema": _ref("NextQuestionRequest")}}},
                "responses": {**_ok("NextQuestion", "The question, or null when more would not help."),
                              **_errors(400, 413, 422)},
            }},
            "/api/v1/extract": {"post": {
                "summary": "Read English free text (own words or a clinical note) into case findings",
                "operationId": "extract",
                "requestBody": {"required": True, "content": {JSON: {"schema": _ref("ExtractRequest")}}},
                "responses": {**_ok("Extraction", "The findings, each with the words it came from."),
                              **_errors(400, 413, 422, 503)},
            }},
            "/api/v1/conditions": {"get": {
                "summary": "Every condition a differential may name, and the urgency levels",
                "operationId": "conditions",
                "responses": _ok("Conditions", "The conditions vocabulary."),
            }},
            "/api/v1/findings": {"get": {
                "summary": "Every finding a case may give, with its type, range and question",
                "operationId": "findings",
                "responses": _ok("Findings", "The findings vocabulary."),
            }},
        },
        "components": {"schemas": _schemas(kb)},
    }
