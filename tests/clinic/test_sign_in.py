"""Accounts on the web: first-account set-up, sign-in with argon2 hashes, secure session
cookies, CSRF tokens, the sign-in rate limit, sign-out."""

from __future__ import annotations

from starlette.testclient import TestClient

from hipnav.store import Actor, Store
from tests.clinic.conftest import PASSWORD, browser_client, csrf_of, sign_in


def test_first_visit_sets_up_an_admin_then_setup_is_gone(web: TestClient, store: Store) -> None:
    page = web.get("/clinic/sign-in")
    assert page.url.path == "/clinic/setup"
    r = web.post("/clinic/setup", data={"csrf_token": csrf_of(page.text), "username": "ana",
                                        "password": PASSWORD, "display_name": "Ana"})
    assert r.url.path == "/clinic/clients"
    assert store.accounts.by_username("ana").role == "admin"  # type: ignore[union-attr]
    assert web.get("/clinic/setup").url.path in ("/clinic/sign-in", "/clinic/clients")


def test_session_cookie_is_secure_httponly_and_samesite(app, alice: Actor) -> None:
    with browser_client(app) as c:
        page = c.get("/clinic/sign-in")
        r = c.post("/clinic/sign-in", data={"csrf_token": csrf_of(page.text), "username": "alice",
                                            "password": PASSWORD}, follow_redirects=False)
    assert r.status_code == 303
    cookie = next(v for k, v in r.headers.multi_items() if k == "set-cookie" and v.startswith("hipnav_session="))
    flags = {part.strip().lower() for part in cookie.split(";")}
    assert {"secure", "httponly", "samesite=lax", "path=/"} <= flags


def test_wrong_password_and_missing_csrf_are_refused(web: TestClient, store: Store, admin: Actor,
                                                     alice: Actor) -> None:
    page = web.get("/clinic/sign-in")
    r = web.post("/clinic/sign-in", data={"csrf_token": csrf_of(page.text), "username": "alice",
                                          "password": "wrong password!"})
    assert r.status_code == 401 and "do not match" in r.text
    r = web.post("/clinic/sign-in", data={"username": "alice", "password": PASSWORD})
    assert r.status_code == 403
    r = web.post("/clinic/sign-in", data={"csrf_token": "forged", "username": "alice", "password": PASSWORD})
    assert r.status_code == 403
    failed = [e for e in store.audit.events(admin) if e.action == "account.signin"]
    assert [e.outcome for e in failed] == ["failed"]
    assert failed[0].target_id == alice.id and failed[0].actor_id is None


def test_sign_in_is_rate_limited(web: TestClient, store: Store, admin: Actor, alice: Actor) -> None:
    token = csrf_of(web.get("/clinic/sign-in").text)
    for _ in range(5):
        r = web.post("/clinic/sign-in", data={"csrf_token": token, "username": "alice", "password": "nope nope!"})
        assert r.status_code == 401
    r = web.post("/clinic/sign-in", data={"csrf_token": token, "username": "alice", "password": PASSWORD})
    assert r.status_code == 401 and "Too many failed attempts" in r.text
    outcomes = [e.outcome for e in store.audit.events(admin) if e.action == "account.signin"]
    assert outcomes.count("failed") == 5 and outcomes[0] == "throttled"
    # other accounts are not locked out by attacks on this one
    sign_in(web, "admin")


def test_every_form_carries_a_csrf_token_and_posts_without_it_fail(web: TestClient, store: Store,
                                                                   alice: Actor) -> None:
    token = sign_in(web, "alice")
    client = store.clients.create(alice, display_name="Jo")
    for path in ("/clinic/clients/new", f"/clinic/clients/{client.id}/edit", f"/clinic/clients/{client.id}/delete",
                 f"/clinic/clients/{client.id}/visits/new", f"/clinic/clients/{client.id}/import",
                 "/clinic/account"):
        html = web.get(path).text
        forms = html.count("<form method=\"post\"")
        assert forms and html.count('name="csrf_token"') >= forms, path
        assert csrf_of(html) == token
    r = web.post("/clinic/clients/new", data={"display_name": "No token"})
    assert r.status_code == 403
    r = web.post(f"/clinic/clients/{client.id}/delete", data={"csrf_token": "x" * 43, "confirm": "Jo"})
    assert r.status_code == 403
    assert [c.display_name for c in store.clients.list(alice)] == ["Jo"]


def test_sign_out_ends_the_session(web: TestClient, alice: Actor) -> None:
    token = sign_in(web, "alice")
    cookie = web.cookies.get("hipnav_session")
    web.post("/clinic/sign-out", data={"csrf_token": token})
    assert web.get("/clinic/clients").url.path == "/clinic/sign-in"
    assert cookie
    replay = web.get("/clinic/clients", headers={"cookie": f"hipnav_session={cookie}"})  # the old cookie
    assert replay.url.path == "/clinic/sign-in"


def test_pages_need_a_session(web: TestClient) -> None:
    for path in ("/clinic/clients", "/clinic/admin/accounts", "/clinic/account"):
        assert web.get(path).url.path in ("/clinic/sign-in", "/clinic/setup")
    assert web.get("/clinic/api/clients").status_code == 401


def test_sign_in_over_plain_http_to_a_remote_host_is_refused(app, alice: Actor) -> None:
    with TestClient(app, base_url="http://clinic.example") as c:
        page = c.get("/clinic/sign-in")
        r = c.post("/clinic/sign-in", data={"csrf_token": csrf_of(page.text), "username": "alice",
                                            "password": PASSWORD})
    assert r.status_code == 403


def test_api_sign_in_needs_json(web: TestClient, alice: Actor) -> None:
    r = web.post("/clinic/api/session", data={"username": "alice", "password": PASSWORD})
    assert r.status_code == 415
    r = web.post("/clinic/api/session", json={"username": "alice", "password": PASSWORD})
    assert r.status_code == 200 and len(r.json()["csrf_token"]) > 20
    assert web.post("/clinic/api/clients", json={"display_name": "X"}).status_code == 403  # no token
    r = web.post("/clinic/api/clients", json={"display_name": "X"}, headers={"x-csrf-token": r.json()["csrf_token"]})
    assert r.status_code == 201
