"""Fuzzing the clinic API's bodies with Hypothesis (issue 15): client fields, visits and cases,
mostly shaped like the real thing with hostile values (huge and non-finite numbers, control
characters, wrong types, unknown keys, deep nesting), sometimes any bytes at all, against the
app on SQLite and PostgreSQL. Every answer is a success or a refusal in the one JSON error
shape; none is a server error. The number of bodies sent is printed (``pytest -s``)."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from hipnav.outcomes.hoos12 import ITEMS
from hipnav.store import Actor, Store
from tests.clinic.conftest import PASSWORD

EXAMPLES = 400
_text = st.text(max_size=12) | st.text(st.characters(max_codepoint=0x9F), max_size=6)
_number = (st.integers() | st.integers(min_value=-10**40, max_value=10**40)
           | st.floats(allow_nan=True, allow_infinity=True))
_scalar = st.none() | st.booleans() | _number | _text
_json = st.recursive(_scalar, lambda inner: st.lists(inner, max_size=3)
                     | st.dictionaries(_text, inner, max_size=3), max_leaves=8)


def _maybe(value: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return value | _json


_client = st.fixed_dictionaries({}, optional={
    "display_name": _maybe(st.text(max_size=30)), "birth_year": _maybe(st.integers(1850, 2100)),
    "sex": _maybe(st.sampled_from(["female", "male", "other", "unknown"])), "notes": _maybe(st.text()),
    "contact": _maybe(st.text(max_size=20)), "reference": _maybe(st.text(max_size=10)), "actor": _json,
    "client_id": _json}) | st.dictionaries(_text, _json, max_size=4)
_visit = st.fixed_dictionaries({}, optional={
    "visit_date": _maybe(st.dates().map(str)), "nprs": _maybe(st.integers(-2, 12)),
    "psfs": _maybe(st.lists(st.fixed_dictionaries({"activity": _maybe(st.text(max_size=20)),
                                                   "score": _maybe(st.floats(-1, 11))}), max_size=6)),
    "hoos12": _maybe(st.dictionaries(st.sampled_from([i.id for i in ITEMS]) | _text, _maybe(st.integers(-1, 5)),
                                     max_size=12)),
    "note": _maybe(st.text(max_size=30))})
_case = st.fixed_dictionaries({"format": st.just("hipnav-case/1") | _json}, optional={
    "age": _maybe(st.integers(-5, 130)), "sex": _maybe(st.sampled_from(["female", "male"])), "id": _json,
    "findings": _maybe(st.dictionaries(st.sampled_from(["loc_groin", "loc_buttock", "agg_sitting",
                                                        "pain_severity", "fever"]) | _text, _json, max_size=5))})


def _encoded(value: Any) -> bytes:
    return json.dumps(value, allow_nan=True).encode()


_bodies = st.one_of(
    st.tuples(st.just("client"), _client.map(_encoded)),
    st.tuples(st.just("visit"), _visit.map(_encoded)),
    st.tuples(st.just("case"), _case.map(_encoded)),
    st.tuples(st.sampled_from(["client", "visit", "case"]),
              st.binary(max_size=60) | st.integers(1, 2000).map(lambda n: b"[" * n + b"]" * n)))

SENT: Counter[str] = Counter()


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=_bodies)
def _fuzz(web: TestClient, headers: dict[str, str], client_id: str, body: tuple[str, bytes]) -> None:
    kind, raw = body
    method, path = {"client": ("POST", "/clinic/api/clients"),
                    "visit": ("POST", f"/clinic/api/clients/{client_id}/visits"),
                    "case": ("POST", f"/clinic/api/clients/{client_id}/assessments")}[kind]
    if kind == "client" and raw.startswith(b"{") and len(raw) % 2:
        method, path = "PATCH", f"/clinic/api/clients/{client_id}"
    r = web.request(method, path, content=raw, headers=headers)
    SENT[kind] += 1
    assert r.status_code in (200, 201, 400, 413, 422), (r.status_code, raw[:200], r.text[:300])
    assert r.headers["content-type"].startswith("application/json")
    if r.status_code >= 400:
        error = r.json()
        assert set(error) == {"error", "field", "message"} and error["message"], error


def test_no_clinic_api_body_makes_the_server_fail(web: TestClient, store: Store, alice: Actor,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    r = web.post("/clinic/api/session", json={"username": "alice", "password": PASSWORD})
    headers = {"x-csrf-token": r.json()["csrf_token"], "content-type": "application/json"}
    client_id = store.clients.create(alice, display_name="Fuzzed").id
    SENT.clear()
    _fuzz(web, headers, client_id)
    with capsys.disabled():
        print(f"\nclinic API fuzz on {store.backend}: {sum(SENT.values())} bodies ({dict(SENT)}), no server error")
    assert sum(SENT.values()) >= EXAMPLES
