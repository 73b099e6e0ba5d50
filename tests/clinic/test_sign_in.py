"""Accounts on the web: first-account set-up, sign-in with argon2 hashes, secure session
cookies, CSRF tokens, the sign-in rate limit, sign-out."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from hipnav.store import Actor, Store
from tests.clinic.conftest import PASSWORD, browser_client, csrf_of, enrol, sign_in


def test_first_visit_sets_up_an_admin_then_setup_is_gone(web: TestClient, store: Store) -> None:
    page = web.get("/clinic/sign-in")
    assert page.url.path == "/clinic/setup"
    r = web.post("/clinic/setup", data={"csrf_token": csrf_of(page.text), "username": "ana",
                                        "password": PASSWORD, "display_name": "Ana"})
    assert r.url.path == "/clinic/account/two-factor"  # an admin sets up a second factor first
    assert store.accounts.by_username("ana").role == "admin"  # type: ignore[union-attr]
    assert web.get("/clinic/setup").url.path in ("/clinic/sign-in", "/clinic/clients", "/clinic/account/two-factor")


def test_session_cookie_is_secure_httponly_and_samesite(app, alice: Actor) -> None:
    with browser_client(app) as c:
        page = c.get("/clinic/sign-in")
        r = c.post("/clinic/sign-in", data={"csrf_token": csrf_of(page.text), "username": "alice",
                                            "password": PASSWORD}, follow_redirects=False)
    assert r.status_code == 303
    cookie = next(v for k, v in r.headers.multi_items()
                  if k == "set-cookie" and v.startswith("__Host-hipnav_session="))
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
    assert r.status_code == 429 and "Too many failed attempts" in r.text
    outcomes = [e.outcome for e in store.audit.events(admin) if e.action == "account.signin"]
    assert outcomes.count("failed") == 5 and outcomes[0] == "throttled"
    # other accounts are not locked out by attacks on this one
    sign_in(web, "admin", secret=enrol(store, admin))


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
    cookie = web.cookies.get("__Host-hipnav_session")
    web.post("/clinic/sign-out", data={"csrf_token": token})
    assert web.get("/clinic/clients").url.path == "/clinic/sign-in"
    assert cookie
    replay = web.get("/clinic/clients", headers={"cookie": f"__Host-hipnav_session={cookie}"})  # the old cookie
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


def test_the_host_header_does_not_make_a_request_local(app, alice: Actor) -> None:
    """Whether plain HTTP is acceptable is decided by the connection (the peer's address,
    the scheme the server or a trusted proxy saw), never by the Host header a client writes."""
    for host in ("http://localhost", "http://127.0.0.1", "http://[::1]"):
        with TestClient(app, base_url=host, client=("203.0.113.50", 40000)) as c:
            page = c.get("/clinic/sign-in")
            r = c.post("/clinic/sign-in", data={"csrf_token": csrf_of(page.text), "username": "alice",
                                                "password": PASSWORD})
            assert r.status_code == 403 and "secure" in r.text, host
            r = c.post("/clinic/api/session", json={"username": "alice", "password": PASSWORD})
            assert r.status_code == 403, host
    # a browser on the server's own machine, over plain HTTP, whatever Host it sends
    with TestClient(app, base_url="http://clinic.example", client=("127.0.0.1", 40000)) as c:
        r = c.post("/clinic/api/session", json={"username": "alice", "password": PASSWORD})
        assert r.status_code == 200


def test_cookies_carry_the_host_prefix_over_https(app, alice: Actor) -> None:
    """``__Host-`` cookies are sent only to the host that set them, over HTTPS, for the whole
    site: no sibling domain or plain-HTTP page can plant or overwrite them."""
    with browser_client(app) as c:
        page = c.get("/clinic/sign-in")
        r = c.post("/clinic/sign-in", data={"csrf_token": csrf_of(page.text), "username": "alice",
                                            "password": PASSWORD}, follow_redirects=False)
        cookies = [v for k, v in r.headers.multi_items() if k == "set-cookie"]
        pre = [v for k, v in page.headers.multi_items() if k == "set-cookie"]
    names = {v.split("=", 1)[0] for v in cookies + pre}
    assert {"__Host-hipnav_session", "__Host-hipnav_device", "__Host-hipnav_form"} <= names, names
    for cookie in cookies + pre:
        flags = {part.strip().lower() for part in cookie.split(";")[1:]}
        assert "secure" in flags and "path=/" in flags and not any(f.startswith("domain") for f in flags)
    with browser_client(app) as c:  # the prefixed cookie is the one that signs in
        sign_in(c, "alice")
        assert c.get("/clinic/clients").url.path == "/clinic/clients"
    with TestClient(app, base_url="http://127.0.0.1", client=("127.0.0.1", 40000)) as c:
        r = c.post("/clinic/api/session", json={"username": "alice", "password": PASSWORD})
        assert r.status_code == 200 and "hipnav_session" in r.cookies  # plain HTTP on loopback: no prefix


def test_an_admin_cannot_change_their_own_password_on_the_accounts_page(web: TestClient, store: Store,
                                                                        admin: Actor) -> None:
    token = sign_in(web, "admin", secret=enrol(store, admin))
    r = web.post(f"/clinic/admin/accounts/{admin.id}", data={"csrf_token": token,
                                                             "password": "taken over while away"})
    assert r.status_code == 400 and "current" in r.text.lower()
    assert store.accounts.authenticate("admin", PASSWORD)


def test_wrong_current_passwords_count_under_the_sign_in_limits(web: TestClient, store: Store,
                                                                alice: Actor) -> None:
    """A borrowed session cannot be used to guess the password through the change form."""
    token = sign_in(web, "alice")
    for n in range(5):
        r = web.post("/clinic/account", data={"csrf_token": token, "current_password": f"guess {n}",
                                              "password": "a new passphrase for me"})
        assert r.status_code == 400 and "current_password" in r.text
    r = web.post("/clinic/account", data={"csrf_token": token, "current_password": PASSWORD,
                                          "password": "a new passphrase for me"})
    assert r.status_code == 429 and "Too many wrong passwords" in r.text
    assert store.accounts.authenticate("alice", PASSWORD)


def test_signing_in_gives_a_new_session_token(app, alice: Actor) -> None:
    """No session fixation: a token planted before sign-in is not adopted (ASVS 3.2.1)."""
    planted = "__Host-hipnav_session=planted-by-someone-else"
    with browser_client(app) as c:
        page = c.get("/clinic/sign-in")
        form = {"csrf_token": csrf_of(page.text), "username": "alice", "password": PASSWORD}
        tokens = []
        for _ in range(2):
            r = c.post("/clinic/sign-in", data=form, follow_redirects=False,
                       headers={"cookie": f"{planted}; __Host-hipnav_form={c.cookies.get('__Host-hipnav_form')}"})
            assert r.status_code == 303
            cookie = next(v for k, v in r.headers.multi_items()
                          if k == "set-cookie" and v.startswith("__Host-hipnav_session="))
            tokens.append(cookie.split(";", 1)[0].split("=", 1)[1])
        assert "planted-by-someone-else" not in tokens and tokens[0] != tokens[1]
    with browser_client(app) as other:  # the planted value signs nobody in
        assert other.get("/clinic/clients", headers={"cookie": planted}).url.path == "/clinic/sign-in"


def test_a_password_change_signs_out_every_session(app, store: Store, alice: Actor) -> None:
    with browser_client(app) as laptop, browser_client(app) as phone:
        sign_in(phone, "alice")
        token = sign_in(laptop, "alice")
        r = laptop.post("/clinic/account", data={"csrf_token": token, "current_password": PASSWORD,
                                                 "password": "a fresh passphrase for alice"})
        assert r.url.path == "/clinic/sign-in"
        assert phone.get("/clinic/clients").url.path == "/clinic/sign-in"


def test_a_full_password_queue_refuses_at_once(web: TestClient, store: Store, alice: Actor,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Past the queue of password checks a worker allows, a sign-in is refused before any
    database or password work (503, Retry-After), so a crowd signing in cannot take the
    threads signed-in pages need (benchmarks/bench_sign_in.py measures the pages)."""
    web.get("/clinic/sign-in")  # the clinic (and its queue of password checks) made
    queue = web.app.state.clinic.password_work  # type: ignore[attr-defined]
    monkeypatch.setattr(queue, "queued", queue.limit)  # as if that many checks were waiting
    r = web.post("/clinic/api/session", json={"username": "alice", "password": PASSWORD})
    assert r.status_code == 503 and int(r.headers["retry-after"]) >= 1
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM sign_in_throttle").scalar() == 0
    monkeypatch.setattr(queue, "queued", queue.limit - 1)  # room for one more
    assert web.post("/clinic/api/session", json={"username": "alice", "password": PASSWORD}).status_code == 200
    assert queue.queued == queue.limit - 1  # the check left the queue when done


def test_the_setup_form_marks_every_mistake_beside_its_field(web: TestClient, store: Store) -> None:
    """Issue 13 item 6: the first account's form names every refused field at once, beside
    it; the name and account name typed stay, the password is not sent back."""
    page = web.get("/clinic/setup")
    r = web.post("/clinic/setup", data={"csrf_token": csrf_of(page.text), "username": "Bad Name!",
                                        "display_name": "Ana", "password": "short"})
    assert r.status_code == 400 and store.accounts.count() == 0
    summary = r.text[r.text.index('id="form-errors"'):r.text.index("</div>", r.text.index('id="form-errors"'))]
    assert "Account name must be 2-64 characters" in summary and "Password must be at least 12" in summary
    for field in ("username", "password"):
        assert f'id="err-{field}"' in r.text and f'aria-describedby="err-{field}"' in r.text
    assert 'value="Bad Name!"' in r.text and 'value="Ana"' in r.text and "short" not in r.text


def test_a_password_an_admin_sets_is_refused_beside_that_accounts_field(web: TestClient, store: Store,
                                                                          admin: Actor, alice: Actor) -> None:
    token = sign_in(web, "admin", secret=enrol(store, admin))
    r = web.post(f"/clinic/admin/accounts/{alice.id}", data={"csrf_token": token, "password": "password1234"})
    assert r.status_code == 400
    assert f'id="err-pw-{alice.id}"' in r.text and "The new password is too common" in r.text
    assert f'aria-describedby="err-pw-{alice.id}"' in r.text
    own = web.post(f"/clinic/admin/accounts/{admin.id}", data={"csrf_token": token, "password": "a long new password"})
    assert f'id="err-pw-{admin.id}"' in own.text and "under Your account" in own.text
