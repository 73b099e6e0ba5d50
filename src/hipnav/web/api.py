"""The JSON API (``/api/v1``): assess a case, ask for the next question, read the vocabularies.

Bodies are decoded within bounds by :func:`hipnav.json_input.decode_json` and validated by
the same :func:`hipnav.engine.parse_case` the command line uses, so the API refuses exactly
what ``hipnav assess`` refuses, with the field named. Errors are JSON of one shape,
``{"error": code, "field": name, "message": text}`` (``web/errors.py``); no stack trace
ever leaves.

Each endpoint is a plain ASGI app (:class:`Endpoint`): it reads the body, calls its handler
and sends the JSON bytes, without Starlette's request and response objects. The API is the
busiest part of the app and its work per request is a few tens of microseconds, so those
objects, the router and the exception middleware were a large share of it. The endpoints
are registered as ordinary Starlette routes (which answer a wrong method with 405 and
``Allow``, and an unknown path with 404), and :class:`ApiFirst` hands an exact match
straight to its endpoint ahead of the router; either way the same endpoint answers.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qsl

import msgspec
from starlette.exceptions import HTTPException
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from hipnav.assessment import assess
from hipnav.bad_input import BadInput
from hipnav.engine import next_question, parse_case
from hipnav.json_input import decode_json
from hipnav.web.errors import bad_input_json, http_error_json
from hipnav.web.intake import read_text, text_problem
from hipnav.web.openapi import openapi_schema
from hipnav.web.report import DEFAULT_EXPLAIN, assessment_json
from hipnav.web.site import Site

_encoder = msgspec.json.Encoder()


def explain_count(query_string: bytes) -> int | None:
    """The ``explain`` query parameter: how many causes to explain (``all`` for every one).
    Read as Starlette reads a query (the last value of a repeated name wins)."""
    if not query_string:
        return DEFAULT_EXPLAIN
    text = dict(parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)).get("explain")
    if text is None:
        return DEFAULT_EXPLAIN
    if text == "all":
        return None
    if text.isdigit() and len(text) <= 4:
        return int(text)
    raise BadInput("explain", "must be a whole number or 'all'", "invalid_parameter")


class ClientGone(Exception):
    """The client disconnected before its body arrived: there is no one to answer."""


async def read_body(receive: Receive) -> bytes:
    """The whole request body (the guard has already refused one over the size limit)."""
    message = await receive()
    if message["type"] != "http.request":
        raise ClientGone
    body: bytes = message.get("body", b"")
    if not message.get("more_body", False):  # the usual case: one message
        return body
    chunks = [body]
    while True:
        message = await receive()
        if message["type"] != "http.request":
            raise ClientGone
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


Handler = Callable[[Scope, bytes], Awaitable[bytes]]
_JSON = (b"content-type", b"application/json")


class Endpoint:
    """One API route as a plain ASGI app: the body in, the handler's JSON bytes out, a
    refused input (or a body over the size limit) as the error JSON (``web/errors.py``)."""

    def __init__(self, handler: Handler, reads_body: bool) -> None:
        self.handler = handler
        self.reads_body = reads_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        status = 200
        try:
            content = await self.handler(scope, await read_body(receive) if self.reads_body else b"")
        except BadInput as exc:
            status, content = bad_input_json(exc)
        except HTTPException as exc:  # the size guard's, as the body arrives
            status, content = http_error_json(exc)
        except ClientGone:
            return
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-length", b"%d" % len(content)), _JSON]})
        await send({"type": "http.response.body", "body": content})


class ApiFirst:
    """Middleware: a request for an API path with its method goes straight to its endpoint,
    ahead of Starlette's exception middleware and router (which would reach the same one)."""

    def __init__(self, app: ASGIApp, endpoints: dict[tuple[str, str], Endpoint]) -> None:
        self.app = app
        self.endpoints = endpoints

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not scope.get("root_path"):
            endpoint = self.endpoints.get((scope["method"], scope["path"]))
            if endpoint is not None:
                await endpoint(scope, receive, send)
                return
        await self.app(scope, receive, send)


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
        self._table: list[tuple[str, str, Endpoint]] = [
            ("/api/v1/assess", "POST", Endpoint(self.assess, True)),
            ("/api/v1/next-question", "POST", Endpoint(self.next_question, True)),
            ("/api/v1/extract", "POST", Endpoint(self.extract, True)),
            ("/api/v1/conditions", "GET", Endpoint(self.conditions, False)),
            ("/api/v1/findings", "GET", Endpoint(self.findings, False)),
            ("/openapi.json", "GET", Endpoint(self.openapi, False)),
        ]

    def routes(self) -> list[Route]:
        return [Route(path, endpoint, methods=[method]) for path, method, endpoint in self._table]

    def endpoints(self) -> dict[tuple[str, str], Endpoint]:
        """(method, path) -> endpoint, for :class:`ApiFirst` (HEAD answered as GET)."""
        out = {(method, path): endpoint for path, method, endpoint in self._table}
        out.update({("HEAD", path): e for path, method, e in self._table if method == "GET"})
        return out

    async def assess(self, scope: Scope, body: bytes) -> bytes:
        """A case in the shared format -> the result contract, with explanations."""
        explain = explain_count(scope["query_string"])
        case = parse_case(decode_json(body), self.site.kb)
        result = assess(case, self.site.model)
        return _encoder.encode(assessment_json(result, explain))

    async def next_question(self, scope: Scope, body: bytes) -> bytes:
        """``{"case": ..., "question_set": ..., "skip": [...]}`` -> the question to ask next, or
        null when more questions would not help, with the red flags the case already raises."""
        raw = decode_json(body)
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
        result = assess(case, model)
        question = None
        if q is not None:
            f = model.kb.findings[q.finding]
            question = {"finding": q.finding, "text": q.text, "reason": q.reason,
                        "gain_bits": round(q.gain_bits, 6), "how": f.how, "group": f.group}
        return _encoder.encode({
            "question": question,
            "urgency": result.urgency.level,
            "red_flags": [{"id": f.id, "message": f.message, "urgency": f.urgency} for f in result.red_flags],
        })

    async def extract(self, scope: Scope, body: bytes) -> bytes:
        """``{"text": ..., "id": ...}`` -> the findings the text states (case-format ids and
        values), every mention behind them with its place in the text, and notes."""
        text, doc_id = _extract_request(decode_json(body))
        result = (await read_text(text, self.site.kb)).to_dict()
        out: dict[str, Any] = {"id": doc_id} if doc_id is not None else {}
        out.update(findings=result["findings"], spans=result["spans"], messages=result.get("messages", []))
        return _encoder.encode(out)

    async def conditions(self, scope: Scope, body: bytes) -> bytes:
        return self._conditions

    async def findings(self, scope: Scope, body: bytes) -> bytes:
        return self._findings

    async def openapi(self, scope: Scope, body: bytes) -> bytes:
        return self._openapi


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
