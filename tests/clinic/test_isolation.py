"""Practitioner B tries to read, change, export and delete practitioner A's client through
every route and every API call: each answer is 404 (or 403), nothing of A's changes, and the
audit log shows each attempt as denied, by B."""

from __future__ import annotations

import json
from datetime import date

import pytest
from starlette.testclient import TestClient

from hipnav.reports.document import assess_raw
from hipnav.store import Actor, Store
from tests.clinic.conftest import sign_in

CASE = {"format": "hipnav-case/1", "id": "iso", "age": 40, "findings": {"loc_groin": True}}


@pytest.fixture
def a_record(store: Store, alice: Actor) -> dict[str, str]:
    client = store.clients.create(alice, display_name="Alice's client", notes="private")
    case, doc = assess_raw(CASE)
    saved = store.assessments.save(alice, client.id, case, doc)
    visit = store.visits.record(alice, client.id, date(2026, 10, 1), nprs=5)
    return {"client": client.id, "assessment": saved.id, "visit": visit.id}


#: (method, path, form or JSON body); {client}, {assessment} and {visit} are A's ids.
PAGES = [
    ("GET", "/clinic/clients/{client}", None),
    ("GET", "/clinic/clients/{client}/edit", None),
    ("POST", "/clinic/clients/{client}/edit", {"display_name": "Taken over"}),
    ("GET", "/clinic/clients/{client}/export.json", None),
    ("GET", "/clinic/clients/{client}/delete", None),
    ("POST", "/clinic/clients/{client}/delete", {"confirm": "Alice's client"}),
    ("GET", "/clinic/clients/{client}/import", None),
    ("POST", "/clinic/clients/{client}/import", {"case": json.dumps(CASE)}),
    ("GET", "/clinic/clients/{client}/visits/new", None),
    ("POST", "/clinic/clients/{client}/visits/new", {"visit_date": "2026-10-02", "nprs": "1"}),
    ("POST", "/clinic/visits/{visit}/delete", {"client_id": "{client}"}),
    ("GET", "/clinic/assessments/{assessment}", None),
    ("GET", "/clinic/assessments/{assessment}/report.pdf", None),
    ("GET", "/clinic/assessments/{assessment}/fhir.json", None),
    ("POST", "/clinic/save?mode=clinician&age=40", {"client_id": "{client}"}),
]
API = [
    ("GET", "/clinic/api/clients/{client}", None),
    ("PATCH", "/clinic/api/clients/{client}", {"notes": "changed"}),
    ("DELETE", "/clinic/api/clients/{client}", None),
    ("GET", "/clinic/api/clients/{client}/export", None),
    ("GET", "/clinic/api/clients/{client}/assessments", None),
    ("POST", "/clinic/api/clients/{client}/assessments", CASE),
    ("GET", "/clinic/api/clients/{client}/visits", None),
    ("POST", "/clinic/api/clients/{client}/visits", {"visit_date": "2026-10-02", "nprs": 1}),
    ("GET", "/clinic/api/assessments/{assessment}", None),
]


def _fill(value: object, ids: dict[str, str]) -> object:
    if isinstance(value, str):
        return value.format(**ids) if "{" in value and "}" in value and not value.startswith("{\"") else value
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    return value


def _unchanged(store: Store, alice: Actor, ids: dict[str, str]) -> None:
    export = store.records.export(alice, ids["client"])
    assert export["client"]["display_name"] == "Alice's client" and export["client"]["notes"] == "private"
    assert [a["id"] for a in export["assessments"]] == [ids["assessment"]]
    assert [v["id"] for v in export["outcomes"]] == [ids["visit"]]


def _denials(store: Store, admin: Actor, bob: Actor) -> list:
    return [e for e in store.audit.events(admin, actor_id=bob.id) if e.outcome == "denied"]


@pytest.mark.parametrize(("method", "path", "body"), PAGES, ids=[f"{m} {p}" for m, p, _ in PAGES])
def test_pages_refuse_another_practitioner(web: TestClient, store: Store, admin: Actor, alice: Actor, bob: Actor,
                                           a_record: dict[str, str], method: str, path: str, body: dict | None) -> None:
    token = sign_in(web, "bob")
    url = path.format(**a_record)
    if method == "GET":
        r = web.get(url)
    else:
        r = web.post(url, data={"csrf_token": token, **_fill(body or {}, a_record)})  # type: ignore[dict-item]
    assert r.status_code in (403, 404), (url, r.status_code)
    assert "Alice's client" not in r.text and "private" not in r.text
    denied = _denials(store, admin, bob)
    assert denied, f"no denied event for {method} {url}"
    assert all(e.actor_name == "bob" and e.channel == "web" for e in denied)
    assert {a_record["client"], a_record["assessment"], a_record["visit"]} & {
        x for e in denied for x in (e.client_id, e.target_id)}
    _unchanged(store, alice, a_record)


@pytest.mark.parametrize(("method", "path", "body"), API, ids=[f"{m} {p}" for m, p, _ in API])
def test_api_refuses_another_practitioner(web: TestClient, store: Store, admin: Actor, alice: Actor, bob: Actor,
                                          a_record: dict[str, str], method: str, path: str,
                                          body: dict | None) -> None:
    session = web.post("/clinic/api/session", json={"username": "bob", "password": "correct horse battery"})
    headers = {"x-csrf-token": session.json()["csrf_token"]}
    r = web.request(method, path.format(**a_record), json=body, headers=headers)
    assert r.status_code in (403, 404), r.text
    assert r.json()["error"] in ("not_found", "forbidden")
    denied = _denials(store, admin, bob)
    assert denied and all(e.actor_name == "bob" and e.channel == "api" for e in denied)
    _unchanged(store, alice, a_record)


def test_lists_and_searches_show_only_own_clients(web: TestClient, store: Store, alice: Actor, bob: Actor,
                                                  a_record: dict[str, str]) -> None:
    sign_in(web, "bob")
    assert "Alice's client" not in web.get("/clinic/clients").text
    assert "Alice's client" not in web.get("/clinic/clients?q=Alice").text
    assert "Alice's client" not in web.get("/clinic/save?mode=clinician").text
    assert web.get("/clinic/api/clients").json() == {"clients": []}


def test_practitioners_cannot_manage_accounts_or_read_the_audit_log(web: TestClient, store: Store,
                                                                     admin: Actor, alice: Actor) -> None:
    token = sign_in(web, "alice")
    assert web.get("/clinic/admin/accounts").status_code == 403
    assert web.get("/clinic/admin/audit").status_code == 403
    r = web.post("/clinic/admin/accounts", data={"csrf_token": token, "username": "mallory",
                                                  "password": "a long password"})
    assert r.status_code == 403 and store.accounts.by_username("mallory") is None
    r = web.post(f"/clinic/admin/accounts/{admin.id}", data={"csrf_token": token, "password": "hijacked password"})
    assert r.status_code == 403
    denied = [e.action for e in store.audit.events(admin) if e.outcome == "denied"]
    assert {"account.list", "account.create", "account.password"} <= set(denied)
