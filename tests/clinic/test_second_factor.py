"""The second factor on the web (issue 15, finding 12): required for admins before anything
else, offered to every practitioner, set up from the page's own QR secret, asked for at
sign-in (pages and JSON API), limited like passwords, with one-time recovery codes; an admin
resets a lost one."""

from __future__ import annotations

import re
import time

import pyotp
from starlette.testclient import TestClient

from hipnav.store import Actor, Store
from tests.clinic.conftest import PASSWORD, csrf_of, enrol, sign_in


def _secret_on(page: str) -> str:
    match = re.search(r'<code id="totp-secret">([A-Z2-7]+)</code>', page)
    assert match, page[:500]
    return match.group(1)


def _password_step(web: TestClient, username: str) -> str:
    """Sign in with the password; the code page's CSRF token."""
    page = web.get("/clinic/sign-in")
    r = web.post("/clinic/sign-in", data={"csrf_token": csrf_of(page.text), "username": username,
                                          "password": PASSWORD})
    assert r.url.path == "/clinic/sign-in/code", r.text[:300]
    return csrf_of(r.text)


def test_an_admin_sets_up_a_second_factor_before_anything_else(web: TestClient, store: Store) -> None:
    page = web.get("/clinic/setup")
    r = web.post("/clinic/setup", data={"csrf_token": csrf_of(page.text), "username": "ana", "password": PASSWORD})
    assert r.url.path == "/clinic/account/two-factor" and 'src="data:image/svg+xml' in r.text
    for path in ("/clinic/clients", "/clinic/admin/accounts", "/clinic/account"):
        assert web.get(path).url.path == "/clinic/account/two-factor", path
    api = web.post("/clinic/api/session", json={"username": "ana", "password": PASSWORD})
    assert api.status_code == 200
    r = web.get("/clinic/api/clients")
    assert r.status_code == 403 and r.json()["error"] == "second_factor_required"

    page = web.get("/clinic/account/two-factor")
    secret, token = _secret_on(page.text), csrf_of(page.text)
    form = {"csrf_token": token, "secret": secret,
            "secret_mac": re.search(r'name="secret_mac" value="([0-9a-f]+)"', page.text).group(1)}  # type: ignore[union-attr]
    wrong = web.post("/clinic/account/two-factor", data={**form, "code": "000000"
                     if pyotp.TOTP(secret).now() != "000000" else "111111"})
    assert wrong.status_code == 400 and not store.second_factor.enabled(store.accounts.by_username("ana").id)  # type: ignore[union-attr]
    forged = web.post("/clinic/account/two-factor", data={**form, "secret": pyotp.random_base32(),
                                                          "code": pyotp.TOTP(secret).now()})
    assert forged.status_code == 400  # a secret the server did not hand out
    done = web.post("/clinic/account/two-factor", data={**form, "code": pyotp.TOTP(secret).at(time.time() - 30)})
    assert done.status_code == 200
    codes = re.findall(r"<li><code>([a-z0-9-]{14})</code></li>", done.text)
    assert len(codes) == 10
    assert web.get("/clinic/clients").url.path == "/clinic/clients"

    web.post("/clinic/sign-out", data={"csrf_token": csrf_of(web.get("/clinic/clients").text)})
    token = _password_step(web, "ana")
    assert web.get("/clinic/clients").url.path == "/clinic/sign-in"  # a right password alone signs nobody in
    r = web.post("/clinic/sign-in/code", data={"csrf_token": token, "code": codes[0]})
    assert r.url.path == "/clinic/clients"  # a recovery code instead of the app's
    web.post("/clinic/sign-out", data={"csrf_token": csrf_of(r.text)})
    token = _password_step(web, "ana")
    r = web.post("/clinic/sign-in/code", data={"csrf_token": token, "code": codes[0]})
    assert r.status_code == 401 and "not right" in r.text  # used once
    r = web.post("/clinic/sign-in/code", data={"csrf_token": token, "code": pyotp.TOTP(secret).now()})
    assert r.url.path == "/clinic/clients"


def test_wrong_codes_are_limited(web: TestClient, store: Store, admin: Actor) -> None:
    secret = enrol(store, admin)
    token = _password_step(web, "admin")
    right = pyotp.TOTP(secret).now()
    wrong = [c for c in ("000000", "111111", "222222", "333333", "444444", "555555") if c != right][:5]
    for code in wrong:
        assert web.post("/clinic/sign-in/code", data={"csrf_token": token, "code": code}).status_code == 401
    r = web.post("/clinic/sign-in/code", data={"csrf_token": token, "code": right})
    assert r.status_code == 429 and "Too many wrong codes" in r.text
    outcomes = [e.outcome for e in store.audit.events(admin) if e.action == "account.second_factor"]
    assert outcomes.count("failed") == 5 and outcomes[0] == "throttled"


def test_the_json_api_asks_for_the_code(web: TestClient, store: Store, admin: Actor) -> None:
    secret = enrol(store, admin)
    r = web.post("/clinic/api/session", json={"username": "admin", "password": PASSWORD})
    assert r.status_code == 401 and r.json()["error"] == "second_factor_required" and r.json()["field"] == "code"
    assert "set-cookie" not in r.headers
    r = web.post("/clinic/api/session", json={"username": "admin", "password": PASSWORD, "code": "12345"})
    assert r.status_code == 401
    r = web.post("/clinic/api/session", json={"username": "admin", "password": PASSWORD,
                                              "code": pyotp.TOTP(secret).now()})
    assert r.status_code == 200
    assert web.get("/clinic/api/clients").status_code == 200


def test_a_practitioner_may_turn_it_on_and_off(web: TestClient, store: Store, alice: Actor) -> None:
    token = sign_in(web, "alice")
    assert web.get("/clinic/clients").url.path == "/clinic/clients"  # not required for practitioners
    page = web.get("/clinic/account/two-factor")
    secret = _secret_on(page.text)
    mac = re.search(r'name="secret_mac" value="([0-9a-f]+)"', page.text).group(1)  # type: ignore[union-attr]
    web.post("/clinic/account/two-factor", data={"csrf_token": token, "secret": secret, "secret_mac": mac,
                                                 "code": pyotp.TOTP(secret).at(time.time() - 30)})
    assert store.second_factor.enabled(alice.id)
    r = web.post("/clinic/account/two-factor", data={"csrf_token": token, "action": "turn_off",
                                                     "password": "not my password"})
    assert r.status_code == 400 and store.second_factor.enabled(alice.id)
    r = web.post("/clinic/account/two-factor", data={"csrf_token": token, "action": "turn_off",
                                                     "password": PASSWORD})
    assert r.status_code == 200 and not store.second_factor.enabled(alice.id)


def test_an_admin_resets_a_lost_second_factor(web: TestClient, store: Store, admin: Actor, alice: Actor) -> None:
    enrol(store, alice)
    token = sign_in(web, "admin", secret=enrol(store, admin))
    r = web.post(f"/clinic/admin/accounts/{alice.id}", data={"csrf_token": token, "two_factor": "reset"})
    assert r.status_code == 200 and "Second factor reset" in r.text
    assert not store.second_factor.enabled(alice.id)
    r = web.post(f"/clinic/admin/accounts/{admin.id}", data={"csrf_token": token, "two_factor": "reset"})
    assert r.status_code == 400 and store.second_factor.enabled(admin.id)  # not one's own
    assert [e.action for e in store.audit.events(admin) if "second_factor" in e.action][0] == \
        "account.second_factor.reset"
