"""Hostile and careless input to the clinic, on SQLite and PostgreSQL (issue 15, findings 6
and 7): every JSON body is decoded within bounds by the one decoder
(:func:`hipnav.json_input.decode_json`), every text is checked for control characters
before the database sees it, and each refusal is a 400 or 422 in JSON naming the field,
never a 500; on PostgreSQL nothing of such a request reaches the server's own log."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from hipnav.store import Actor, Store
from tests.clinic.conftest import PASSWORD, csrf_of, sign_in

MARKER = "Wombat-trochanteric-8812"


def _api(web: TestClient, username: str) -> dict[str, str]:
    r = web.post("/clinic/api/session", json={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"x-csrf-token": r.json()["csrf_token"], "content-type": "application/json"}


def _refused(r, status: int, field: str) -> None:  # type: ignore[no-untyped-def]
    assert r.status_code == status, (r.status_code, r.text[:300])
    assert r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert body["field"] == field, body
    assert "Traceback" not in r.text and "Error" not in body["message"]


CLIENT_BODIES = [
    ('{"display_name": "X", "birth_year": 1e400}', 422, "birth_year"),
    ('{"display_name": "X", "birth_year": Infinity}', 400, "body"),
    ('{"display_name": "X", "birth_year": NaN}', 400, "body"),
    ('{"display_name": "X", "birth_year": 1980.5}', 422, "birth_year"),
    ('{"display_name": "X", "birth_year": 1e300}', 422, "birth_year"),
    ('{"display_name": "X", "birth_year": true}', 422, "birth_year"),
    ('{"display_name": "X", "birth_year": ' + "9" * 400 + "}", 422, "birth_year"),
    ('{"display_name": "X", "actor": "someone"}', 422, "actor"),
    ('{"display_name": "X", "client_id": "abc"}', 422, "client_id"),
    ('{"display_name": "X", "self": 1}', 422, "self"),
    ('{"display_name": ["X"]}', 422, "display_name"),
    ('{"display_name": "X", "notes": 5}', 422, "notes"),
    ('{"display_name": "X\\u0000Y"}', 422, "display_name"),
    ('{"display_name": "X", "notes": "a\\u0000b"}', 422, "notes"),
    ('{"display_name": "X", "contact": "\\u001b[31m"}', 422, "contact"),
    ('{"display_name": "X", "reference": "R\\u0000"}', 422, "reference"),
    ('{"display_name": "X", "sex\\u0000": "female"}', 422, "body"),
    ("[" * 6000 + "]" * 6000, 400, "body"),
    ('{"display_name": ' + "[" * 40 + "]" * 40 + "}", 400, "body"),
    ("not json", 400, "body"),
    ("[1, 2]", 400, "body"),
]


@pytest.mark.parametrize(("body", "status", "field"), CLIENT_BODIES)
def test_client_bodies(web: TestClient, store: Store, alice: Actor, body: str, status: int, field: str) -> None:
    headers = _api(web, "alice")
    _refused(web.post("/clinic/api/clients", content=body, headers=headers), status, field)
    existing = store.clients.create(alice, display_name="Jo")
    _refused(web.patch(f"/clinic/api/clients/{existing.id}", content=body, headers=headers), status, field)
    assert [c.display_name for c in store.clients.list(alice)] == ["Jo"]


VISIT_BODIES = [
    ('{"visit_date": "2026-01-05", "nprs": 3, "note": 5}', 422, "note"),
    ('{"visit_date": "2026-01-05", "nprs": 3, "note": ["a"]}', 422, "note"),
    ('{"visit_date": "2026-01-05", "nprs": 3, "note": {"a": 1}}', 422, "note"),
    ('{"visit_date": "2026-01-05", "nprs": 3, "note": "' + "x" * 5001 + '"}', 422, "note"),
    ('{"visit_date": "2026-01-05", "nprs": ' + "9" * 400 + "}", 422, "nprs"),
    ('{"visit_date": "2026-01-05", "nprs": 1e400}', 422, "nprs"),
    ('{"visit_date": "2026-01-05", "nprs": 1e300}', 422, "nprs"),
    ('{"visit_date": "2026-01-05", "hoos12": {"P1": ' + "9" * 400 + "}}", 422, "hoos12.P1"),
    ('{"visit_date": "2026-01-05", "hoos12": {"P1": 1e308}}', 422, "hoos12.P1"),
    ('{"visit_date": "2026-01-05", "psfs": [{"activity": "Stairs", "score": ' + "1" * 30 + "}]}", 422,
     "psfs[0].score"),
    ('{"visit_date": "2026-01-05", "psfs": [{"activity": "St\\u0000airs", "score": 4}]}', 422,
     "psfs[0].activity"),
    ('{"visit_date": "2026-01-05", "nprs": 3, "note": "\\u0000"}', 422, "note"),
    ('{"visit_date": 20260105, "nprs": 3}', 422, "visit_date"),
    ('{"visit_date": "5th of Jan", "nprs": 3}', 422, "visit_date"),
    ('{"visit_date": "2026-01-05", "nprs": 3, "weather": "rain"}', 422, "weather"),
]


@pytest.mark.parametrize(("body", "status", "field"), VISIT_BODIES)
def test_visit_bodies(web: TestClient, store: Store, alice: Actor, body: str, status: int, field: str) -> None:
    headers = _api(web, "alice")
    client = store.clients.create(alice, display_name="Jo")
    _refused(web.post(f"/clinic/api/clients/{client.id}/visits", content=body, headers=headers), status, field)
    assert store.visits.list(alice, client.id) == []


CASE_BODIES = [
    ('{"format": "hipnav-case/1", "id": "a\\u0000b", "findings": {}}', 422, "id"),
    ('{"format": "hipnav-case/1", "age": ' + "9" * 400 + ', "findings": {}}', 422, "age"),
    ('{"format": "hipnav-case/1", "age": 1e400, "findings": {}}', 422, "age"),
    ('{"format": "hipnav-case/1", "findings": {"pain_severity": 1e400}}', 422, "findings.pain_severity"),
    ("[" * 6000 + "]" * 6000, 400, "body"),
]


@pytest.mark.parametrize(("body", "status", "field"), CASE_BODIES)
def test_assessment_bodies(web: TestClient, store: Store, alice: Actor, body: str, status: int,
                           field: str) -> None:
    headers = _api(web, "alice")
    client = store.clients.create(alice, display_name="Jo")
    _refused(web.post(f"/clinic/api/clients/{client.id}/assessments", content=body, headers=headers),
             status, field)
    assert store.assessments.list(alice, client.id) == []


def test_control_characters_in_forms_are_refused_by_field(web: TestClient, store: Store, alice: Actor) -> None:
    """The pages post forms, not JSON: the store checks every text it keeps."""
    token = sign_in(web, "alice")
    r = web.post("/clinic/clients/new", data={"csrf_token": token, "display_name": "Jo\x00"})
    assert r.status_code == 400 and "control character" in r.text
    client = store.clients.create(alice, display_name="Jo")
    r = web.post(f"/clinic/clients/{client.id}/edit", data={"csrf_token": token, "display_name": "Jo",
                                                            "notes": "a\x1bb"})
    assert r.status_code == 400 and "control character" in r.text
    r = web.post(f"/clinic/clients/{client.id}/visits/new", data={
        "csrf_token": token, "visit_date": "2026-01-05", "psfs_activity_1": "Stairs\x00", "psfs_score_1": "4"})
    assert r.status_code == 400 and "control character" in r.text
    r = web.post(f"/clinic/clients/{client.id}/visits/new", data={
        "csrf_token": token, "visit_date": "2026-01-05", "nprs": "3", "note": "\x00"})
    assert r.status_code == 400 and "control character" in r.text
    assert web.get("/clinic/clients", params={"q": "J\x00o"}).status_code == 400
    assert store.visits.list(alice, client.id) == [] and store.clients.get(alice, client.id).notes is None


def test_control_characters_in_sign_in_fields_are_no_crash(app, alice: Actor) -> None:
    from tests.clinic.conftest import browser_client

    with browser_client(app) as c:
        page = c.get("/clinic/sign-in")
        r = c.post("/clinic/sign-in", data={"csrf_token": csrf_of(page.text), "username": "ali\x00ce",
                                            "password": PASSWORD})
        assert r.status_code == 401
        r = c.post("/clinic/api/session", json={"username": "ali\u0000ce", "password": PASSWORD})
        assert r.status_code in (400, 401, 422) and r.headers["content-type"].startswith("application/json")


# -- PostgreSQL's own log ---------------------------------------------------------------------

def _postgres_log(store: Store) -> Path | None:
    with store.engine.connect() as conn:
        current = conn.exec_driver_sql("SELECT pg_current_logfile()").scalar()
        data_dir = conn.exec_driver_sql("SHOW data_directory").scalar()
    if current:
        path = Path(current) if Path(current).is_absolute() else Path(str(data_dir)) / current
        return path if path.exists() else None
    match = re.search(r"/(\d+)/([^/]+)/?$", str(data_dir))  # Debian: /var/lib/postgresql/15/main
    if match:
        path = Path(f"/var/log/postgresql/postgresql-{match.group(1)}-{match.group(2)}.log")
        return path if path.exists() else None
    return None


@pytest.mark.postgres
@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_nothing_personal_reaches_the_postgresql_log(web: TestClient, store: Store, alice: Actor) -> None:
    log = _postgres_log(store)
    if log is None:
        pytest.skip("the PostgreSQL server's log is not on this machine")
    start = log.stat().st_size
    headers = _api(web, "alice")
    client = store.clients.create(alice, display_name="Jo")
    statuses = [web.post(f"/clinic/api/clients/{client.id}/visits", content=body, headers=headers).status_code
                for body in ('{"visit_date": "2026-01-05", "psfs": [{"activity": "' + MARKER + '\\u0000", "score": 4}]}',
                             '{"visit_date": "2026-01-05", "nprs": 2, "note": "' + MARKER + '\\u0000"}')]
    statuses.append(web.patch(f"/clinic/api/clients/{client.id}", content='{"notes": "' + MARKER + '\\u0000"}',
                              headers=headers).status_code)
    token = headers["x-csrf-token"]  # the same session's token serves its forms
    statuses.append(web.post(f"/clinic/clients/{client.id}/visits/new", data={
        "csrf_token": token, "visit_date": "2026-01-05", "psfs_activity_1": MARKER + "\x00",
        "psfs_score_1": "4"}).status_code)
    with store.engine.connect() as conn:  # something the server does log, to know the log is live
        conn.exec_driver_sql("DO $$ BEGIN RAISE LOG 'hipnav log check'; END $$")
    written = log.read_bytes()[start:]
    assert b"hipnav log check" in written
    assert MARKER.encode() not in written
    assert statuses == [422, 422, 422, 400]


def test_bodies_must_be_declared_json(web: TestClient, store: Store, alice: Actor) -> None:
    """ASVS 13.1.5 / 13.2.5: a body of another declared type is refused (415) unread."""
    headers = _api(web, "alice")
    client = store.clients.create(alice, display_name="Jo")
    for content_type in ("text/plain", "application/x-www-form-urlencoded", ""):
        h = {**headers, "content-type": content_type}
        for method, path in (("POST", "/clinic/api/clients"), ("PATCH", f"/clinic/api/clients/{client.id}"),
                             ("POST", f"/clinic/api/clients/{client.id}/visits"),
                             ("POST", f"/clinic/api/clients/{client.id}/assessments")):
            r = web.request(method, path, content=b'{"display_name": "X"}', headers=h)
            assert r.status_code == 415 and r.json()["field"] == "body", (method, path, content_type)
    assert web.post("/clinic/api/clients", content=b'{"display_name": "X"}',
                    headers={**headers, "content-type": "application/json; charset=utf-8"}).status_code == 201
