"""The JSON API: every endpoint, good and bad input, limits, and one run against real uvicorn."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from hipnav.assessment import assess
from hipnav.engine import parse_case
from hipnav.knowledge.model import KnowledgeBase
from hipnav.result import as_builtins, contract
from tests.web.conftest import start_server, stop_server

CASE: dict[str, Any] = {
    "format": "hipnav-case/1", "id": "c1", "age": 34, "sex": "female", "setting": "manual_therapy",
    "findings": {"loc_buttock": True, "agg_sitting": True, "radiating_leg_pain": True,
                 "pain_below_knee": False, "exam_slr": False, "duration_weeks": 10},
}


def test_assess_returns_the_result_contract_with_explanations(client: TestClient, kb: KnowledgeBase) -> None:
    r = client.post("/api/v1/assess", json=CASE)
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/json"
    body = r.json()
    expected = as_builtins(contract(assess(parse_case(CASE, kb))))
    for key in ("id", "urgency", "red_flags", "differential", "knowledge_base_version"):
        assert body[key] == expected[key]
    probs = [d["probability"] for d in body["differential"]]
    assert probs == sorted(probs, reverse=True)
    assert {d["condition"] for d in body["differential"]} == set(kb.conditions)
    explained = body["explanations"]
    assert [e["condition"] for e in explained] == [d["condition"] for d in body["differential"][:3]]
    for e in explained:
        assert e["prior_source"]["grade"] in "ABCD"
        for reason in e["reasons"]:
            src = reason["source"]
            assert src is not None and (src["reference"] or src["estimate"]), reason
    assert "does not replace a clinician" in body["disclaimer"]


@pytest.mark.parametrize("explain, count", [("0", 0), ("1", 1), ("all", None)])
def test_assess_explains_as_many_causes_as_asked(client: TestClient, kb: KnowledgeBase, explain: str,
                                                 count: int | None) -> None:
    body = client.post(f"/api/v1/assess?explain={explain}", json=CASE).json()
    assert len(body["explanations"]) == (len(kb.conditions) if count is None else count)


def test_a_red_flag_sets_emergency(client: TestClient) -> None:
    body = client.post("/api/v1/assess", json={"findings": {"saddle_anesthesia": True}}).json()
    assert body["urgency"] == "emergency"
    assert any(f["urgency"] == "emergency" for f in body["red_flags"])


def test_a_vignette_line_is_accepted_as_the_cli_accepts_it(client: TestClient) -> None:
    r = client.post("/api/v1/assess", json={"case": CASE, "expected": {"diagnoses": ["deep_gluteal"]}})
    assert r.status_code == 200 and r.json()["id"] == "c1"


@pytest.mark.parametrize("body, field", [
    ({"findings": {"loc_buttock": 1}}, "findings.loc_buttock"),
    ({"findings": {"no_such_finding": True}}, "findings.no_such_finding"),
    ({"findings": {"duration_weeks": -3}}, "findings.duration_weeks"),
    ({"findings": {"duration_weeks": "ten"}}, "findings.duration_weeks"),
    ({"age": 300}, "age"),
    ({"age": "old"}, "age"),
    ({"sex": "other"}, "sex"),
    ({"setting": "moon"}, "setting"),
    ({"setting": {"a": 1}}, "setting"),
    ({"setting": ["primary_care"]}, "setting"),
    ({"format": "hipnav-case/9"}, "format"),
    ({"id": 5}, "id"),
    ({"findings": [1, 2]}, "findings"),
    ({"findings": {"age": 30}}, "findings.age"),
    ([1, 2, 3], "case"),
    ("a string", "case"),
])
def test_invalid_cases_get_422_naming_the_field(client: TestClient, body: Any, field: str) -> None:
    r = client.post("/api/v1/assess", json=body)
    assert r.status_code == 422, r.text
    err = r.json()
    assert err["error"] == "invalid_case"
    assert err["field"] == field
    assert field in err["message"]


@pytest.mark.parametrize("raw", [b"", b"   ", b"{", b"{'a': 1}", b"\xff\xfe", b"nan", b'{"findings": }',
                                 b'{"id": "\xff"}'])
def test_malformed_json_gets_400(client: TestClient, raw: bytes) -> None:
    r = client.post("/api/v1/assess", content=raw, headers={"content-type": "application/json"})
    assert r.status_code == 400
    assert r.json()["field"] == "body"


def test_bad_explain_parameter_gets_422(client: TestClient) -> None:
    r = client.post("/api/v1/assess?explain=lots", json=CASE)
    assert r.status_code == 422 and r.json()["field"] == "explain"


def test_body_over_64_kb_gets_413(client: TestClient) -> None:
    big = json.dumps({"narrative": "x" * 70_000}).encode()
    r = client.post("/api/v1/assess", content=big)
    assert r.status_code == 413
    assert r.json()["error"] == "too_large"


def test_a_streamed_body_over_the_limit_gets_413_too(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit is counted as it arrives
        for _ in range(20):
            yield b" " * 8192

    r = client.post("/api/v1/assess", content=chunks())
    assert r.status_code == 413


def test_next_question_starts_with_red_flag_screening(client: TestClient, kb: KnowledgeBase) -> None:
    body = client.post("/api/v1/next-question", json={"case": {"findings": {"loc_buttock": True}}}).json()
    assert body["question"]["reason"] == "red-flag screening"
    assert body["question"]["finding"] == kb.screening[0]
    assert body["urgency"] in kb.urgency_ids


def test_next_question_wants_the_case_in_its_own_field(client: TestClient) -> None:
    r = client.post("/api/v1/next-question", json={"findings": {"loc_buttock": True}})
    assert r.status_code == 422 and r.json()["field"] == "case"


def test_next_question_skips_what_was_answered_dont_know(client: TestClient, kb: KnowledgeBase) -> None:
    first = kb.screening[0]
    body = client.post("/api/v1/next-question", json={"case": {"findings": {}}, "skip": [first]}).json()
    assert body["question"]["finding"] != first


def test_clinician_questions_include_exam_tests_with_how(client: TestClient, kb: KnowledgeBase) -> None:
    findings: dict[str, bool] = {f: False for f in kb.screening}
    findings.update({"loc_groin": True, "agg_deep_flexion": True})
    seen = []
    for _ in range(12):
        body = client.post("/api/v1/next-question",
                           json={"case": {"findings": findings}, "question_set": "clinician"}).json()
        q = body["question"]
        if q is None:
            break
        seen.append(q)
        findings[q["finding"]] = False
    exam = [q for q in seen if kb.findings[q["finding"]].is_exam]
    assert exam, [q["finding"] for q in seen]
    assert all(q["how"] for q in exam)


def test_next_question_reports_a_red_flag_at_once(client: TestClient) -> None:
    body = client.post("/api/v1/next-question", json={"case": {"findings": {"saddle_anesthesia": True}}}).json()
    assert body["urgency"] == "emergency" and body["red_flags"]


@pytest.mark.parametrize("body, field", [
    ({"case": {"findings": {}}, "question_set": "vet"}, "question_set"),
    ({"case": {"findings": {}}, "skip": "fever"}, "skip"),
    ({"case": {"findings": {}}, "skip": ["nope"]}, "skip"),
    ({"case": 5}, "case"),
    ({"case": {"findings": {"fever": "yes"}}}, "case.findings.fever"),
    ({"case": {"findings": {}}, "extra": 1}, "extra"),
    ([], "case"),
])
def test_next_question_bad_input_gets_422(client: TestClient, body: Any, field: str) -> None:
    r = client.post("/api/v1/next-question", json=body)
    assert r.status_code == 422, r.text
    assert r.json()["field"] == field


def test_vocabularies(client: TestClient, kb: KnowledgeBase) -> None:
    conditions = client.get("/api/v1/conditions").json()
    assert {c["id"] for c in conditions["conditions"]} == set(kb.conditions)
    assert all(c["guide"] == f"/conditions/{c['id']}" for c in conditions["conditions"])
    assert [u["id"] for u in conditions["urgency_levels"]] == list(kb.urgency_ids)
    findings = client.get("/api/v1/findings").json()
    assert {f["id"] for f in findings["findings"]} == set(kb.findings)
    assert {s["id"] for s in findings["settings"]} == set(kb.settings)


def test_openapi_describes_every_api_route_and_finding(client: TestClient, kb: KnowledgeBase) -> None:
    schema = client.get("/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == {"/api/v1/assess", "/api/v1/next-question", "/api/v1/extract",
                                    "/api/v1/conditions", "/api/v1/findings"}
    props = schema["components"]["schemas"]["Case"]["properties"]["findings"]["properties"]
    assert set(props) == set(kb.findings) - {"age", "sex"}


@pytest.mark.parametrize("method, path", [("GET", "/api/v1/assess"), ("DELETE", "/api/v1/conditions"),
                                          ("PUT", "/api/v1/next-question")])
def test_wrong_method_gets_405_json(client: TestClient, method: str, path: str) -> None:
    r = client.request(method, path)
    assert r.status_code == 405
    assert r.json()["error"] == "method_not_allowed"
    assert "allow" in r.headers


def test_unknown_api_path_gets_404_json(client: TestClient) -> None:
    r = client.get("/api/v1/nothing")
    assert r.status_code == 404 and r.json()["error"] == "not_found"


@pytest.mark.parametrize("path", ["/api/v1/assess", "/result", "/result.json"])
def test_a_crash_shows_no_stack_trace_and_logs_no_answers(app: Starlette, monkeypatch: pytest.MonkeyPatch,
                                                          caplog: pytest.LogCaptureFixture, path: str) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret detail: saddle_anesthesia=true")

    monkeypatch.setattr("hipnav.web.api.assess", boom)
    monkeypatch.setattr("hipnav.web.pages.assess", boom)
    # raise_server_exceptions: an exception that escaped the app (for the server to log,
    # message and all) would fail this test.
    with TestClient(app, raise_server_exceptions=True) as strict:
        if path.startswith("/api/"):
            r = strict.post(path, json={"findings": {"saddle_anesthesia": True}})
        else:
            r = strict.get(path + "?where=loc_groin&a=saddle_anesthesia.y")
    assert r.status_code == 500
    assert "Traceback" not in r.text and "secret" not in r.text and "saddle" not in r.text
    if path != "/result":
        assert r.json() == {"error": "internal_error", "field": None,
                            "message": "Something went wrong on our side."}
    logged = " ".join(rec.getMessage() for rec in caplog.records)
    assert "RuntimeError" in logged and "secret" not in logged and "saddle" not in logged


def test_every_response_has_safe_headers(client: TestClient) -> None:
    for r in (client.get("/"), client.post("/api/v1/assess", json=CASE), client.get("/nope")):
        assert "script-src 'self'" in r.headers["content-security-policy"]
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "no-referrer"
        assert r.headers["cache-control"] == "no-store"  # answers are health data
    assert "max-age" in client.get("/static/hipnav.css").headers["cache-control"]


def test_against_a_real_uvicorn_server() -> None:
    """The same API through ``hipnav serve``: real sockets, real HTTP parsing, real limits."""
    proc, base = start_server("--workers", "1")
    try:
        with httpx.Client(base_url=base, timeout=10) as http:
            r = http.post("/api/v1/assess", json=CASE)
            assert r.status_code == 200 and r.json()["id"] == "c1"
            assert "server" not in r.headers  # no version banner
            r = http.post("/api/v1/assess", json={"findings": {"fever": "yes"}})
            assert r.status_code == 422 and r.json()["field"] == "findings.fever"
            r = http.post("/api/v1/assess", content=b"{" + b" " * 70_000 + b"}")
            assert r.status_code == 413
            assert http.get("/api/v1/conditions").status_code == 200
            assert http.get("/openapi.json").json()["openapi"].startswith("3.")
            r = http.get("/safety?mode=patient&where=loc_buttock&screen=safety&q=saddle_anesthesia"
                         "&r.saddle_anesthesia=y")
            assert r.status_code == 200 and 'data-urgency="emergency"' in r.text
    finally:
        out, err = stop_server(proc)
    assert f"running at {base}/" in out
    assert "saddle" not in out + err and "loc_buttock" not in out + err  # no answers in logs


_DEEP = b'{"findings": ' + b"[" * 6000 + b"]" * 6000 + b"}"
HOSTILE = [  # (body, status, field): issue 15 found each of these to answer 500
    (b'{"findings": {"duration_weeks": ' + b"9" * 400 + b"}}", 422, "findings.duration_weeks"),
    (b'{"age": ' + b"1" * 400 + b', "findings": {}}', 422, "age"),
    (b'{"age": 1e400, "findings": {}}', 422, "age"),
    (_DEEP, 400, "body"),
    (b"[" * 6000 + b"]" * 6000, 400, "body"),
    (b'{"narrative": "ok\\u0000", "findings": {}}', 422, "narrative"),
    (b'{"id": "c\\u001b[1m", "findings": {}}', 422, "id"),
    (b'{"findings": {"fe\\u0000ver": true}}', 422, "findings"),
]


@pytest.mark.parametrize("body, status, field", HOSTILE)
def test_hostile_bodies_are_refused_by_name_on_assess(client: TestClient, body: bytes, status: int,
                                                      field: str) -> None:
    r = client.post("/api/v1/assess", content=body, headers={"content-type": "application/json"})
    assert r.status_code == status, r.text
    assert r.json()["field"] == field and field in r.json()["message"]


@pytest.mark.parametrize("body, status, field", HOSTILE)
def test_hostile_bodies_are_refused_by_name_on_next_question(client: TestClient, body: bytes, status: int,
                                                             field: str) -> None:
    wrapped = b'{"case": ' + body + b"}"
    r = client.post("/api/v1/next-question", content=wrapped, headers={"content-type": "application/json"})
    assert r.status_code == status, r.text
    assert r.json()["field"] == (field if field == "body" else f"case.{field}")


@pytest.mark.parametrize("body, status, field", [
    (b'{"text": "my hip hurts", "id": ' + b"7" * 400 + b"}", 422, "id"),
    (b'{"text": ' + b"[" * 6000 + b"]" * 6000 + b"}", 400, "body"),
    (b'{"text": "my hip hurts", "id": "a\\u0000"}', 422, "id"),
])
def test_hostile_bodies_are_refused_by_name_on_extract(client: TestClient, body: bytes, status: int,
                                                       field: str) -> None:
    r = client.post("/api/v1/extract", content=body, headers={"content-type": "application/json"})
    assert r.status_code == status, r.text
    assert r.json()["field"] == field


def test_assess_names_what_to_rule_out_with_its_plain_name(client: TestClient, kb: KnowledgeBase) -> None:
    from tests.conftest import rule_out_case

    case = rule_out_case()
    body = client.post("/api/v1/assess", json=case).json()
    expected = as_builtins(contract(assess(parse_case(case, kb))))["must_rule_out"]
    assert expected
    assert [{k: r[k] for k in ("condition", "probability", "why")} for r in body["must_rule_out"]] == expected
    assert [r["plain_name"] for r in body["must_rule_out"]] == [kb.conditions[r["condition"]].plain_name
                                                                for r in expected]
