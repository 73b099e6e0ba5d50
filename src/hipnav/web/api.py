"""The JSON API (``/api/v1``): assess a case, ask for the next question, read the vocabularies.

Bodies are decoded with msgspec (several times faster than the standard library) and
validated by the same :func:`hipnav.engine.parse_case` the command line uses, so the API
refuses exactly what ``hipnav assess`` refuses, with the field named. Errors are JSON of one
shape, ``{"error": code, "field": name, "message": text}``; no stack trace ever leaves.
"""

from __future__ import annotations

from typing import Any

import msgspec
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from hipnav.assessment import assess
from hipnav.engine import CaseError, next_question, parse_case
from hipnav.web.forms import check_case_shape
from hipnav.web.intake import control_character, read_text, text_problem
from hipnav.web.openapi import openapi_schema
from hipnav.web.report import DEFAULT_EXPLAIN, assessment_json
from hipnav.web.site import Site

_encoder = msgspec.json.Encoder()


class JSONResponse(Response):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return content if isinstance(content, bytes) else _encoder.encode(content)


class ApiError(Exception):
    def __init__(self, status: int, code: str, field: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.field, self.message = status, code, field, message

    def response(self) -> JSONResponse:
        return error_response(self.status, self.code, self.field, self.message)


def error_response(status: int, code: str, field: str | None, message: str) -> JSONResponse:
    return JSONResponse({"error": code, "field": field, "message": message}, status_code=status)


async def read_json(request: Request) -> Any:
    body = await request.body()
    if not body.strip():
        raise ApiError(400, "invalid_json", "body", "The body is empty: send a JSON object.")
    try:
        return msgspec.json.decode(body)
    except msgspec.DecodeError as exc:
        raise ApiError(400, "invalid_json", "body", f"The body is not valid JSON: {exc}") from None
    except UnicodeDecodeError:  # msgspec checks UTF-8 inside strings with the codec's own error
        raise ApiError(400, "invalid_json", "body", "The body is not valid JSON: it is not UTF-8.") from None


def explain_count(request: Request) -> int | None:
    """The ``explain`` query parameter: how many causes to explain (``all`` for every one)."""
    text = request.query_params.get("explain")
    if text is None:
        return DEFAULT_EXPLAIN
    if text == "all":
        return None
    if text.isdigit() and len(text) <= 4:
        return int(text)
    raise ApiError(422, "invalid_parameter", "explain", "must be a whole number or 'all'")


class Api:
    def __init__(self, site: Site) -> None:
        self.site = site
        kb = site.kb
        self._conditions = _encoder.encode({
            "knowledge_base_version": kb.version,
            "urgency_levels": [{"id": u.id, "means": u.means} for u in kb.urgency_levels],
            "conditions": [{"id": c.id, "name": c.name, "plain_name": c.plain_name,
                            "typical_urgency": c.typical_urgency, "guide": f"/conditions/{c.id}"}
                           for c in kb.conditions.values()],
        })
        self._findings = _encoder.encode({
            "knowledge_base_version": kb.version,
            "settings": [{"id": k, "name": v} for k, v in kb.settings.items()],
            "findings": [{"id": f.id, "type": f.type, "group": f.group, "ask": f.ask, "means": f.means,
                          "how": f.how, "unit": f.unit, "min": f.min, "max": f.max,
                          "values": list(f.values) or None} for f in kb.findings.values()],
        })
        self._openapi = _encoder.encode(openapi_schema(kb))

    def routes(self) -> list[Route]:
        return [
            Route("/api/v1/assess", self.assess, methods=["POST"]),
            Route("/api/v1/next-question", self.next_question, methods=["POST"]),
            Route("/api/v1/extract", self.extract, methods=["POST"]),
            Route("/api/v1/conditions", self.conditions, methods=["GET"]),
            Route("/api/v1/findings", self.findings, methods=["GET"]),
            Route("/openapi.json", self.openapi, methods=["GET"]),
        ]

    def _case(self, raw: Any) -> Any:
        check_case_shape(raw)
        return parse_case(raw, self.site.kb)

    async def assess(self, request: Request) -> Response:
        """A case in the shared format -> the result contract, with explanations."""
        try:
            explain = explain_count(request)
            case = self._case(await read_json(request))
        except ApiError as exc:
            return exc.response()
        except CaseError as exc:
            return error_response(422, "invalid_case", exc.field, str(exc))
        result = assess(case, self.site.model)
        return JSONResponse(assessment_json(result, explain))

    async def next_question(self, request: Request) -> Response:
        """``{"case": ..., "question_set": ..., "skip": [...]}`` -> the question to ask next, or
        null when more questions would not help, with the red flags the case already raises."""
        try:
            body = await read_json(request)
            if not isinstance(body, dict) or not isinstance(body.get("case"), dict):
                raise ApiError(422, "invalid_case", "case", "is required and must be a JSON object")
            unknown = sorted(set(body) - {"case", "question_set", "skip"})
            if unknown:
                raise ApiError(422, "invalid_parameter", unknown[0][:100], "is not a field of this request")
            question_set = body.get("question_set", "patient")
            if question_set not in ("patient", "clinician"):
                raise ApiError(422, "invalid_parameter", "question_set", "must be 'patient' or 'clinician'")
            skip = body.get("skip", [])
            if not isinstance(skip, list) or not all(isinstance(s, str) and s in self.site.kb.findings
                                                     for s in skip):
                raise ApiError(422, "invalid_parameter", "skip", "must be a list of finding ids")
            case = self._case(body["case"])
        except ApiError as exc:
            return exc.response()
        except CaseError as exc:
            return error_response(422, "invalid_case", f"case.{exc.field}", str(exc))
        model = self.site.model
        q = next_question(model, case, question_set, frozenset(skip))
        result = assess(case, model)
        question = None
        if q is not None:
            f = model.kb.findings[q.finding]
            question = {"finding": q.finding, "text": q.text, "reason": q.reason,
                        "gain_bits": round(q.gain_bits, 6), "how": f.how, "group": f.group}
        return JSONResponse({
            "question": question,
            "urgency": result.urgency.level,
            "red_flags": [{"id": f.id, "message": f.message, "urgency": f.urgency} for f in result.red_flags],
        })

    async def extract(self, request: Request) -> Response:
        """``{"text": ..., "id": ...}`` -> the findings the text states (case-format ids and
        values), every mention behind them with its place in the text, and notes."""
        try:
            body = await read_json(request)
            text, doc_id = _extract_request(body)
        except ApiError as exc:
            return exc.response()
        result = (await read_text(text, self.site.kb)).to_dict()
        out: dict[str, Any] = {"id": doc_id} if doc_id is not None else {}
        out.update(findings=result["findings"], spans=result["spans"], messages=result.get("messages", []))
        return JSONResponse(out)

    async def conditions(self, request: Request) -> Response:
        return JSONResponse(self._conditions)

    async def findings(self, request: Request) -> Response:
        return JSONResponse(self._findings)

    async def openapi(self, request: Request) -> Response:
        return JSONResponse(self._openapi)


def _extract_request(body: Any) -> tuple[str, str | None]:
    """The text and optional id of an extract request, refusing anything else by field."""
    if not isinstance(body, dict):
        raise ApiError(422, "invalid_text", "text", 'text is required: send a JSON object {"text": "..."}')
    unknown = sorted(set(body) - {"text", "id"})
    if unknown:
        name = unknown[0][:100]
        raise ApiError(422, "invalid_parameter", name, f"{name} is not a field of this request")
    doc_id = body.get("id")
    if doc_id is not None and (not isinstance(doc_id, str) or len(doc_id) > 200):
        raise ApiError(422, "invalid_parameter", "id", "id must be a string of at most 200 characters")
    if "text" not in body or body["text"] is None:
        raise ApiError(422, "invalid_text", "text", "text is required")
    text = body["text"]
    if not isinstance(text, str):
        raise ApiError(422, "invalid_text", "text", f"text must be a string, got {_json_type(text)}")
    at = control_character(text)
    if at is not None:
        raise ApiError(422, "invalid_text", "text",
                       f"text contains a control character (U+{ord(text[at]):04X} at position {at}); "
                       "send plain text")
    problem = text_problem(text)
    if problem:
        raise ApiError(422, "invalid_text", "text", problem)
    return text, doc_id


def _json_type(value: Any) -> str:
    kinds = {bool: "a boolean", int: "a number", float: "a number", list: "an array", dict: "an object"}
    return kinds.get(type(value), type(value).__name__)
