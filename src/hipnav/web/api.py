"""The JSON API (``/api/v1``): assess a case, ask for the next question, read the vocabularies.

Bodies are decoded within bounds by :func:`hipnav.json_input.decode_json` and validated by
the same :func:`hipnav.engine.parse_case` the command line uses, so the API refuses exactly
what ``hipnav assess`` refuses, with the field named. A refused input is raised as a
:class:`~hipnav.bad_input.BadInput` and answered by the app's one error handler
(``web/errors.py``): JSON of one shape, ``{"error": code, "field": name, "message": text}``;
no stack trace ever leaves.

The routes are ordinary Starlette routes (the first ones the router tries), and each
endpoint a plain ASGI app (:class:`Endpoint`): the body in, the handler's JSON bytes out,
without Starlette's request and response objects. The API is the busiest part of the app
and its own work is a few tens of microseconds, so those objects were a large share of it:
measured in-process (``benchmarks/bench_web.py``'s case), an ordinary Starlette handler
took some 20 µs more per request than this endpoint.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any
from urllib.parse import parse_qsl

import msgspec
from starlette.requests import ClientDisconnect
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from hipnav.assessment import assess
from hipnav.bad_input import BadInput
from hipnav.engine import next_question, parse_case
from hipnav.json_input import decode_json
from hipnav.result import contract, describe, encode
from hipnav.web.intake import read_text, text_problem, too_long
from hipnav.web.openapi import openapi_schema
from hipnav.web.site import Site

#: How many causes the JSON explains unless asked otherwise: the ones a reader looks at.
DEFAULT_EXPLAIN = 3

_encode = msgspec.json.encode


def explain_count(query: Mapping[str, str]) -> int | None:
    """The ``explain`` query parameter: how many causes to explain (``all`` for every one);
    ``query`` as Starlette reads it (the last value of a repeated name wins)."""
    text = query.get("explain")
    if text is None:
        return DEFAULT_EXPLAIN
    if text == "all":
        return None
    if text.isdigit() and len(text) <= 4:
        return int(text)
    raise BadInput("explain", "must be a whole number or 'all'", "invalid_parameter")


async def read_body(receive: Receive) -> bytes:
    """The whole request body (the guard refuses one over the size limit as it arrives)."""
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            raise ClientDisconnect  # gone before its body arrived (the guard answers no one)
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


Handler = Callable[[bytes, bytes], Awaitable[bytes]]  # (query string, body) -> JSON
_JSON = (b"content-type", b"application/json")


class Endpoint:
    """One API route as a plain ASGI app: the body read, the handler's JSON sent. A refused
    input raised by the handler goes on to the app's error handler (``web/errors.py``)."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        body = await read_body(receive) if scope["method"] == "POST" else b""
        content = await self.handler(scope["query_string"], body)
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-length", b"%d" % len(content)), _JSON]})
        await send({"type": "http.response.body", "body": content})


def _query(query_string: bytes) -> dict[str, str]:
    return dict(parse_qsl(query_string.decode("latin-1"), keep_blank_values=True))


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
            Route("/api/v1/assess", Endpoint(self.assess), methods=["POST"]),
            Route("/api/v1/next-question", Endpoint(self.next_question), methods=["POST"]),
            Route("/api/v1/extract", Endpoint(self.extract), methods=["POST"]),
            Route("/api/v1/conditions", Endpoint(self.conditions), methods=["GET"]),
            Route("/api/v1/findings", Endpoint(self.findings), methods=["GET"]),
            Route("/openapi.json", Endpoint(self.openapi), methods=["GET"]),
        ]

    async def assess(self, query: bytes, body: bytes) -> bytes:
        """A case in the shared format -> the result contract, with explanations."""
        explain = explain_count(_query(query)) if query else DEFAULT_EXPLAIN
        case = parse_case(decode_json(body), self.site.kb)
        return encode(describe(assess(case, self.site.model), explain))

    async def next_question(self, query: bytes, body: bytes) -> bytes:
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
        result = contract(assess(case, model))
        question = None
        if q is not None:
            f = model.kb.findings[q.finding]
            question = {"finding": q.finding, "text": q.text, "reason": q.reason,
                        "gain_bits": round(q.gain_bits, 6), "how": f.how, "group": f.group}
        return _encode({"question": question, "urgency": result.urgency, "red_flags": result.red_flags})

    async def extract(self, query: bytes, body: bytes) -> bytes:
        """``{"text": ..., "id": ...}`` -> the findings the text states (case-format ids and
        values), every mention behind them with its place in the text, and notes."""
        text, doc_id = _extract_request(decode_json(body))
        result = (await read_text(text, self.site.kb)).to_dict()
        out: dict[str, Any] = {"id": doc_id} if doc_id is not None else {}
        out.update(findings=result["findings"], spans=result["spans"], messages=result.get("messages", []))
        return _encode(out)

    async def conditions(self, query: bytes, body: bytes) -> bytes:
        return self._conditions

    async def findings(self, query: bytes, body: bytes) -> bytes:
        return self._findings

    async def openapi(self, query: bytes, body: bytes) -> bytes:
        return self._openapi


def _extract_request(body: Any) -> tuple[str, str | None]:
    """The text and optional id of an extract request, refusing anything else by field
    (control characters are refused by :func:`~hipnav.json_input.decode_json`): a text longer
    than the page takes first (422, as the page refuses it), before anything reads it."""
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
    long = too_long(text)
    if long:
        raise BadInput("text", long, "invalid_text")
    problem = text_problem(text)
    if problem:
        raise BadInput("text", problem, "invalid_text")
    return text, doc_id


def _json_type(value: Any) -> str:
    kinds = {bool: "a boolean", int: "a number", float: "a number", list: "an array", dict: "an object"}
    return kinds.get(type(value), type(value).__name__)
