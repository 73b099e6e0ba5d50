"""The JSON API (``/api/v1``): assess a case, ask for the next question, read the vocabularies.

Bodies are decoded within bounds by :func:`hipnav.json_input.decode_json` and validated by
the same :func:`hipnav.engine.parse_case` the command line uses, so the API refuses exactly
what ``hipnav assess`` refuses, with the field named. A refused input is raised as a
:class:`~hipnav.bad_input.BadInput` and answered by the app's one error handler
(``web/errors.py``): JSON of one shape, ``{"error": code, "field": name, "message": text}``;
no stack trace ever leaves. The routes are ordinary Starlette routes, the first ones the
router tries.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import msgspec
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from hipnav.assessment import assess
from hipnav.bad_input import BadInput
from hipnav.engine import next_question, parse_case
from hipnav.json_input import decode_json
from hipnav.result import contract, describe, encode
from hipnav.web.intake import read_text, text_problem
from hipnav.web.openapi import openapi_schema
from hipnav.web.site import Site

#: How many causes the JSON explains unless asked otherwise: the ones a reader looks at.
DEFAULT_EXPLAIN = 3

_encode = msgspec.json.encode


def explain_count(query: Mapping[str, str]) -> int | None:
    """The ``explain`` query parameter: how many causes to explain (``all`` for every one)."""
    text = query.get("explain")
    if text is None:
        return DEFAULT_EXPLAIN
    if text == "all":
        return None
    if text.isdigit() and len(text) <= 4:
        return int(text)
    raise BadInput("explain", "must be a whole number or 'all'", "invalid_parameter")


def _json(content: bytes) -> Response:
    return Response(content, media_type="application/json")


class Api:
    def __init__(self, site: Site) -> None:
        self.site = site
        kb = site.kb
        self._conditions = _encode({
            "knowledge_base_version": kb.version,
            "urgency_levels": [{"id": u.id, "means": u.means} for u in kb.urgency_levels],
            "conditions": [{"id": c.id, "name": c.name, "plain_name": c.plain_name,
                            "typical_urgency": c.typical_urgency, "guide": f"/conditions/{c.id}"}
                           for c in kb.conditions.values()],
        })
        self._findings = _encode({
            "knowledge_base_version": kb.version,
            "settings": [{"id": k, "name": v} for k, v in kb.settings.items()],
            "findings": [{"id": f.id, "type": f.type, "group": f.group, "ask": f.ask, "means": f.means,
                          "how": f.how, "unit": f.unit, "min": f.min, "max": f.max,
                          "values": list(f.values) or None} for f in kb.findings.values()],
        })
        self._openapi = _encode(openapi_schema(kb))

    def routes(self) -> list[Route]:
        return [
            Route("/api/v1/assess", self.assess, methods=["POST"]),
            Route("/api/v1/next-question", self.next_question, methods=["POST"]),
            Route("/api/v1/extract", self.extract, methods=["POST"]),
            Route("/api/v1/conditions", self.conditions, methods=["GET"]),
            Route("/api/v1/findings", self.findings, methods=["GET"]),
            Route("/openapi.json", self.openapi, methods=["GET"]),
        ]

    async def assess(self, request: Request) -> Response:
        """A case in the shared format -> the result contract, with explanations."""
        explain = explain_count(request.query_params)
        case = parse_case(decode_json(await request.body()), self.site.kb)
        return _json(encode(describe(assess(case, self.site.model), explain)))

    async def next_question(self, request: Request) -> Response:
        """``{"case": ..., "question_set": ..., "skip": [...]}`` -> the question to ask next, or
        null when more questions would not help, with the red flags the case already raises."""
        raw = decode_json(await request.body())
        if not isinstance(raw, dict) or not isinstance(raw.get("case"), dict):
            raise BadInput("case", "is required and must be a JSON object", "invalid_case")
        unknown = sorted(set(raw) - {"case", "question_set", "skip"})
        if unknown:
            raise BadInput(unknown[0][:100], "is not a field of this request", "invalid_parameter")
        question_set = raw.get("question_set", "patient")
        if question_set not in ("patient", "clinician"):
            raise BadInput("question_set", "must be 'patient' or 'clinician'", "invalid_parameter")
        skip = raw.get("skip", [])
        if not isinstance(skip, list) or not all(isinstance(s, str) and s in self.site.kb.findings
                                                 for s in skip):
            raise BadInput("skip", "must be a list of finding ids", "invalid_parameter")
        try:
            case = parse_case(raw["case"], self.site.kb)
        except BadInput as exc:
            raise exc.within("case.") from None
        model = self.site.model
        q = next_question(model, case, question_set, frozenset(skip))
        result = contract(assess(case, model))
        question = None
        if q is not None:
            f = model.kb.findings[q.finding]
            question = {"finding": q.finding, "text": q.text, "reason": q.reason,
                        "gain_bits": round(q.gain_bits, 6), "how": f.how, "group": f.group}
        return _json(_encode({"question": question, "urgency": result.urgency,
                              "red_flags": result.red_flags}))

    async def extract(self, request: Request) -> Response:
        """``{"text": ..., "id": ...}`` -> the findings the text states (case-format ids and
        values), every mention behind them with its place in the text, and notes."""
        text, doc_id = _extract_request(decode_json(await request.body()))
        result = (await read_text(text, self.site.kb)).to_dict()
        out: dict[str, Any] = {"id": doc_id} if doc_id is not None else {}
        out.update(findings=result["findings"], spans=result["spans"], messages=result.get("messages", []))
        return _json(_encode(out))

    async def conditions(self, request: Request) -> Response:
        return _json(self._conditions)

    async def findings(self, request: Request) -> Response:
        return _json(self._findings)

    async def openapi(self, request: Request) -> Response:
        return _json(self._openapi)


def _extract_request(body: Any) -> tuple[str, str | None]:
    """The text and optional id of an extract request, refusing anything else by field
    (control characters are refused by :func:`~hipnav.json_input.decode_json`)."""
    if not isinstance(body, dict):
        raise BadInput("text", 'is required: send a JSON object {"text": "..."}', "invalid_text")
    unknown = sorted(set(body) - {"text", "id"})
    if unknown:
        raise BadInput(unknown[0][:100], "is not a field of this request", "invalid_parameter")
    doc_id = body.get("id")
    if doc_id is not None and (not isinstance(doc_id, str) or len(doc_id) > 200):
        raise BadInput("id", "must be a string of at most 200 characters", "invalid_parameter")
    if "text" not in body or body["text"] is None:
        raise BadInput("text", "is required", "invalid_text")
    text = body["text"]
    if not isinstance(text, str):
        raise BadInput("text", f"must be a string, got {_json_type(text)}", "invalid_text")
    problem = text_problem(text)
    if problem:
        raise BadInput("text", problem, "invalid_text")
    return text, doc_id


def _json_type(value: Any) -> str:
    kinds = {bool: "a boolean", int: "a number", float: "a number", list: "an array", dict: "an object"}
    return kinds.get(type(value), type(value).__name__)
