"""Sign-in limits with real concurrent requests against a real ``hipnav serve`` (2 worker
processes) on SQLite and PostgreSQL (issue 15, findings 1 and 3):

* a burst of wrong passwords for one account is checked only as often as the limit allows,
  whatever the timing: the attempt is counted in the database before its password is;
* the same for one address trying many names;
* an attacker cannot lock the real user out: a browser that signed in before (its device
  cookie) is not slowed by failures from elsewhere, and users behind one reverse proxy are
  told apart by the address the proxy forwards, when that proxy is trusted
  (``--forwarded-allow-ips``) and only then.
"""

from __future__ import annotations

import threading
from collections import Counter
from pathlib import Path

import httpx
import pytest

from hipnav.store import Store
from tests.clinic.conftest import PASSWORD, Server

pytestmark = pytest.mark.slow


def _store_with_accounts(url: str, *names: str) -> None:
    store = Store.open(url)
    admin = store.accounts.create(None, "admin", PASSWORD).actor()
    for name in names:
        store.accounts.create(admin, name, PASSWORD)
    store.close()


def _sign_in(base: str, username: str, password: str, headers: dict[str, str] | None = None) -> httpx.Response:
    with httpx.Client(base_url=base, timeout=120) as http:
        return http.post("/clinic/api/session", json={"username": username, "password": password},
                         headers=headers or {})


def _burst(base: str, attempts: list[tuple[str, str, dict[str, str]]]) -> Counter[int]:
    """Send every attempt at the same moment (one thread and connection each)."""
    barrier = threading.Barrier(len(attempts))
    statuses: list[int] = [0] * len(attempts)

    def one(i: int, username: str, password: str, headers: dict[str, str]) -> None:
        with httpx.Client(base_url=base, timeout=120) as http:
            http.get("/clinic/sign-in")  # connected and warm before the barrier
            barrier.wait()
            statuses[i] = http.post("/clinic/api/session", json={"username": username, "password": password},
                                    headers=headers).status_code

    threads = [threading.Thread(target=one, args=(i, *a)) for i, a in enumerate(attempts)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    return Counter(statuses)


def _sign_in_outcomes(url: str) -> Counter[str]:
    store = Store.open(url)
    admin = store.accounts.by_username("admin")
    assert admin is not None
    events = store.audit.events(admin.actor(), limit=10_000)
    store.close()
    return Counter(e.outcome for e in events if e.action == "account.signin")


def _device_cookie(response: httpx.Response) -> str:
    """The device cookie the server set, as a Cookie header value."""
    for header in response.headers.get_list("set-cookie"):
        name, _, rest = header.partition("=")
        if name.endswith("hipnav_device"):
            return f"{name}={rest.split(';', 1)[0]}"
    raise AssertionError(f"no device cookie in {response.headers.get_list('set-cookie')}")


def test_a_burst_of_wrong_passwords_is_checked_five_times(db_url: str, tmp_path: Path) -> None:
    _store_with_accounts(db_url, "alice")
    server = Server(db_url, tmp_path, workers=2).start()
    try:
        statuses = _burst(server.base, [("alice", f"wrong guess number {i}", {}) for i in range(30)])
        assert statuses == {401: 5, 429: 25}, statuses
        # the right password straight after the burst, from the same address and without a
        # device cookie, waits too: the attacker could be the one who has it
        late = _sign_in(server.base, "alice", PASSWORD)
        assert late.status_code == 429 and int(late.headers["retry-after"]) >= 1
    finally:
        server.stop()
    assert _sign_in_outcomes(db_url) == {"failed": 5, "throttled": 26}


def test_a_burst_of_made_up_names_from_one_address_is_checked_twenty_times(db_url: str, tmp_path: Path) -> None:
    _store_with_accounts(db_url)
    server = Server(db_url, tmp_path, workers=2).start()
    try:
        statuses = _burst(server.base, [(f"made-up-{i}", "some password here", {}) for i in range(60)])
    finally:
        server.stop()
    assert statuses == {401: 20, 429: 40}, statuses
    assert _sign_in_outcomes(db_url) == {"failed": 20, "throttled": 40}


def test_an_attacker_cannot_lock_the_real_users_out(db_url: str, tmp_path: Path) -> None:
    """Behind a trusted proxy: the attacker guesses alice's password from three addresses
    and tries made-up names from one of them. Alice, from the browser she signed in with
    before, gets in at once; so does bob, whose office shares the attacker's address; and
    carol, behind the same proxy at another address, is not slowed by the attacker's."""
    _store_with_accounts(db_url, "alice", "bob", "carol")
    server = Server(db_url, tmp_path, workers=2, args=("--forwarded-allow-ips", "127.0.0.1")).start()

    def via_proxy(address: str, cookie: str | None = None) -> dict[str, str]:
        headers = {"x-forwarded-for": address, "x-forwarded-proto": "https"}
        return {**headers, "cookie": cookie} if cookie else headers

    try:
        first = _sign_in(server.base, "alice", PASSWORD, via_proxy("198.51.100.7"))
        assert first.status_code == 200, first.text
        alice_device = _device_cookie(first)
        bob_first = _sign_in(server.base, "bob", PASSWORD, via_proxy("203.0.113.9"))
        bob_device = _device_cookie(bob_first)

        # the attacker guesses alice's password from three addresses at once ...
        attackers = ("203.0.113.9", "203.0.113.10", "203.0.113.11")
        statuses = _burst(server.base, [("alice", f"guess {n}", via_proxy(a)) for a in attackers for n in range(8)])
        assert statuses == {401: 10, 429: 14}, statuses  # the account's 10 from unknown browsers
        # alice without her device cookie is slowed like the attacker ...
        assert _sign_in(server.base, "alice", PASSWORD, via_proxy("198.51.100.7")).status_code == 429
        # ... but from her browser she gets in at once
        assert _sign_in(server.base, "alice", PASSWORD, via_proxy("198.51.100.7", alice_device)).status_code == 200
        # a device cookie is for its own account only
        assert _sign_in(server.base, "alice", "wrong again", via_proxy("198.51.100.7", bob_device)).status_code == 429

        # ... then tries made-up names from the address bob's office shares with it
        statuses = _burst(server.base, [(f"nobody-{n}", "guess guess", via_proxy(attackers[0])) for n in range(30)])
        assert statuses[401] <= 20 and statuses[429] >= 10, statuses
        assert _sign_in(server.base, "bob", PASSWORD, via_proxy(attackers[0], bob_device)).status_code == 200
        # carol, behind the same proxy at another address, has never signed in before
        assert _sign_in(server.base, "carol", PASSWORD, via_proxy("192.0.2.44")).status_code == 200
    finally:
        server.stop()


def test_forwarded_headers_from_an_untrusted_peer_are_not_believed(db_url: str, tmp_path: Path) -> None:
    """Without --forwarded-allow-ips an X-Forwarded-For header cannot pick the address the
    limits count (nor make plain HTTP count as HTTPS): sign-in through such a proxy is
    refused with the setting to use."""
    _store_with_accounts(db_url, "alice")
    server = Server(db_url, tmp_path).start()
    try:
        r = _sign_in(server.base, "alice", PASSWORD, {"x-forwarded-for": "198.51.100.7",
                                                      "x-forwarded-proto": "https"})
        assert r.status_code == 403 and "--forwarded-allow-ips" in r.json()["message"]
        statuses = _burst(server.base, [(f"made-up-{i}", "some password here", {}) for i in range(25)])
        assert statuses == {401: 20, 429: 5}
    finally:
        server.stop()
