"""The JSON API (web/api.py) called straight through ASGI, as a server calls the app.

Every answer has the safe headers and, for an error, the one error shape; bodies are read in
any number of chunks, bad input refused by field, the size limit kept, and a client that has
gone is told nothing.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import pytest
from starlette.applications import Starlette

CASE = {"format": "hipnav-case/1", "id": "c1", "age": 41, "sex": "female", "setting": "manual_therapy",
        "findings": {"loc_buttock": True, "loc_ischial": True, "loc_groin": False, "agg_sitting": True,
                     "radiating_leg_pain": False, "night_pain": False, "duration_weeks": 12, "pain_severity": 5}}

Reply = tuple[int, dict[bytes, bytes], bytes]


async def _call(app: Any, method: str, path: str, chunks: list[bytes], query: bytes = b"",
                headers: list[tuple[bytes, bytes]] | None = None, disconnect_after: int | None = None,
                ) -> tuple[list[dict[str, Any]], int]:
    """Run one request through ``app``; the messages it sent and how many times it read."""
    if headers is None:
        headers = [(b"host", b"test"), (b"content-type", b"application/json"),
                   (b"content-length", str(sum(map(len, chunks))).encode())]
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
             "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": query,
             "headers": headers, "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80),
             "root_path": "", "state": {}}
    pending = list(chunks)
    reads = 0
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal reads
        reads += 1
        if disconnect_after is not None and reads > disconnect_after or not pending:
            return {"type": "http.disconnect"}
        body = pending.pop(0)
        return {"type": "http.request", "body": body, "more_body": bool(pending)}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    return sent, reads


def call(app: Any, method: str, path: str, body: bytes | list[bytes] = b"", query: bytes = b"",
         **kw: Any) -> Reply:
    chunks = body if isinstance(body, list) else [body]
    sent, _ = asyncio.run(_call(app, method, path, chunks, query, **kw))
    start = next(m for m in sent if m["type"] == "http.response.start")
    content = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], dict(start["headers"]), content


REQUESTS: list[tuple[str, str, bytes, bytes]] = [
    ("POST", "/api/v1/assess", json.dumps(CASE).encode(), b""),
    ("POST", "/api/v1/assess", json.dumps(CASE).encode(), b"explain=0"),
    ("POST", "/api/v1/assess", json.dumps(CASE).encode(), b"explain=all"),
    ("POST", "/api/v1/assess", json.dumps(CASE).encode(), b"explain=2&explain=%31"),  # the last one wins
    ("POST", "/api/v1/assess", json.dumps({"case": CASE, "expected": {}}).encode(), b""),
    ("POST", "/api/v1/assess", b"", b""),
    ("POST", "/api/v1/assess", b"{", b""),
    ("POST", "/api/v1/assess", b'{"id": "\xff"}', b""),
    ("POST", "/api/v1/assess", b"[1, 2]", b""),
    ("POST", "/api/v1/assess", b'{"findings": {"no_such_finding": true}}', b""),
    ("POST", "/api/v1/assess", b'{"findings": {"fever": "yes"}}', b""),
    ("POST", "/api/v1/assess", b'{"findings": {"fever": 1}}', b""),
    ("POST", "/api/v1/assess", b'{"findings": {"duration_weeks": true}}', b""),
    ("POST", "/api/v1/assess", b'{"findings": {"duration_weeks": -3}}', b""),
    ("POST", "/api/v1/assess", b'{"findings": {"pain_severity": 11}}', b""),
    ("POST", "/api/v1/assess", b'{"findings": {"age": 30}}', b""),
    ("POST", "/api/v1/assess", b'{"age": 300}', b""),
    ("POST", "/api/v1/assess", b'{"setting": {"a": 1}}', b""),
    ("POST", "/api/v1/assess", json.dumps(CASE).encode(), b"explain=lots"),
    ("POST", "/api/v1/next-question", json.dumps({"case": CASE}).encode(), b""),
    ("POST", "/api/v1/next-question", b'{"case": {"findings": {"fever": 2}}}', b""),
    ("POST", "/api/v1/next-question", b'{"case": {}, "skip": ["nope"]}', b""),
    ("POST", "/api/v1/extract", b'{"text": 5}', b""),
    ("POST", "/api/v1/extract", b'{"text": "x", "extra": 1}', b""),
    ("GET", "/api/v1/conditions", b"", b""),
    ("GET", "/api/v1/findings", b"", b""),
    ("GET", "/openapi.json", b"", b""),
    ("HEAD", "/api/v1/conditions", b"", b""),
]


@pytest.mark.parametrize("method, path, body, query", REQUESTS)
def test_every_answer_is_json_with_safe_headers_and_errors_have_one_shape(
        app: Starlette, method: str, path: str, body: bytes, query: bytes) -> None:
    status, headers, content = call(app, method, path, body, query)
    assert headers[b"content-type"] == b"application/json"
    assert headers[b"cache-control"] == b"no-store" and b"content-security-policy" in headers
    assert int(headers[b"content-length"]) == len(content)
    if status >= 400:
        error = json.loads(content)
        assert set(error) == {"error", "field", "message"}
        assert "Traceback" not in error["message"]


@pytest.mark.parametrize("body, status, field", [
    (b"{", 400, "body"),
    (b"\xff\xfe", 400, "body"),
    (b"   ", 400, "body"),
    (b'{"findings": {"no_such_finding": true}}', 422, "findings.no_such_finding"),
    (b'{"findings": {"fever": "true"}}', 422, "findings.fever"),
    (b'{"findings": {"duration_weeks": 5201}}', 422, "findings.duration_weeks"),
    (b'{"findings": {"exam_temperature_c": 29.5}}', 422, "findings.exam_temperature_c"),
    (b'{"findings": {"duration_weeks": 1e999}}', 422, "findings.duration_weeks"),
    (b'{"findings": {"duration_weeks": NaN}}', 400, "body"),
    (b'"a case"', 422, "case"),
])
def test_bad_input_is_refused_by_field(app: Starlette, body: bytes, status: int, field: str) -> None:
    got, _, content = call(app, "POST", "/api/v1/assess", body)
    assert got == status
    assert json.loads(content)["field"] == field


def test_a_body_in_many_chunks_is_read_whole(app: Starlette) -> None:
    body = json.dumps(CASE).encode()
    whole = call(app, "POST", "/api/v1/assess", body)
    pieces = [body[i:i + 7] for i in range(0, len(body), 7)]
    assert call(app, "POST", "/api/v1/assess", pieces) == whole
    assert whole[0] == 200 and json.loads(whole[2])["id"] == "c1"


def test_a_declared_body_over_the_limit_is_refused_before_it_is_read(app: Starlette) -> None:
    sent, reads = asyncio.run(_call(app, "POST", "/api/v1/assess", [b"{}"], headers=[
        (b"host", b"test"), (b"content-length", b"70000")]))
    assert reads == 0
    assert sent[0]["status"] == 413 and (b"connection", b"close") in sent[0]["headers"]


def test_a_streamed_body_over_the_limit_gets_413(app: Starlette) -> None:
    chunks = [b" " * 8192] * 9  # 72 KB, no Content-Length
    status, _, content = call(app, "POST", "/api/v1/assess", chunks, headers=[(b"host", b"test")])
    assert status == 413
    assert json.loads(content) == {"error": "too_large", "field": "body",
                                   "message": "The request body is larger than 64 KB."}


def test_a_client_gone_before_its_body_arrived_gets_nothing(app: Starlette,
                                                            caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="hipnav.web"):
        sent, _ = asyncio.run(_call(app, "POST", "/api/v1/assess", [b'{"findings"', b": {}}"],
                                    headers=[(b"host", b"test")], disconnect_after=1))
    assert sent == []
    assert not caplog.records


def test_a_wrong_method_gets_405_with_allow(app: Starlette) -> None:
    status, headers, content = call(app, "GET", "/api/v1/assess")
    assert status == 405 and headers[b"allow"] == b"POST"
    assert json.loads(content)["error"] == "method_not_allowed"
    status, headers, _ = call(app, "POST", "/api/v1/conditions")
    assert status == 405 and set(headers[b"allow"].split(b", ")) == {b"GET", b"HEAD"}


def test_a_crash_in_an_endpoint_is_a_fixed_500(app: Starlette, monkeypatch: pytest.MonkeyPatch,
                                                caplog: pytest.LogCaptureFixture) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret: loc_buttock=true")

    monkeypatch.setattr("hipnav.web.api.describe", boom)
    status, headers, content = call(app, "POST", "/api/v1/assess", json.dumps(CASE).encode())
    assert status == 500 and headers[b"cache-control"] == b"no-store"
    assert json.loads(content) == {"error": "internal_error", "field": None,
                                   "message": "Something went wrong on our side."}
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "RuntimeError" in logged and "secret" not in logged


def test_a_crash_in_the_clinic_api_is_json_too() -> None:
    """Every API answers its errors in JSON, the clinic's too (issue 15 found its 500s in HTML)."""
    from hipnav.web.guard import Guard

    async def crashing(scope: Any, receive: Any, send: Any) -> None:
        raise RuntimeError("secret")

    status, headers, content = call(Guard(crashing), "POST", "/clinic/api/clients", b"{}")
    assert status == 500 and headers[b"content-type"] == b"application/json"
    assert json.loads(content)["error"] == "internal_error"
    status, headers, _ = call(Guard(crashing), "GET", "/clinic/clients")
    assert status == 500 and headers[b"content-type"].startswith(b"text/html")
