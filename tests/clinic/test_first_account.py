"""First-account set-up creates exactly one administrator, whatever the timing (issue 15,
finding 2): simultaneous set-up forms against a real server with 2 worker processes, on
SQLite and PostgreSQL; and the same race in the store itself, from threads."""

from __future__ import annotations

import re
import threading
from collections import Counter
from pathlib import Path

import httpx
import pytest

from hipnav.store import AccountError, Forbidden, Store
from tests.clinic.conftest import PASSWORD, Server

ATTEMPTS = 8


def _setup_form(http: httpx.Client) -> tuple[str, str]:
    """(form cookie header, CSRF token) of the set-up page."""
    page = http.get("/clinic/setup")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert page.status_code == 200 and token, page.text[:300]
    name, _, rest = page.headers["set-cookie"].partition("=")
    return f"{name}={rest.split(';', 1)[0]}", token.group(1)


@pytest.mark.slow
def test_simultaneous_setup_forms_create_one_admin(db_url: str, tmp_path: Path) -> None:
    Store.open(db_url).close()  # migrated and empty
    server = Server(db_url, tmp_path, workers=2).start()
    barrier = threading.Barrier(ATTEMPTS)
    statuses: list[int] = [0] * ATTEMPTS

    def one(n: int) -> None:
        with httpx.Client(base_url=server.base, timeout=120) as http:
            cookie, token = _setup_form(http)
            barrier.wait()
            r = http.post("/clinic/setup", headers={"cookie": cookie},
                          data={"csrf_token": token, "username": f"first-{n}", "password": PASSWORD})
            statuses[n] = r.status_code

    threads = [threading.Thread(target=one, args=(n,)) for n in range(ATTEMPTS)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=300)
    finally:
        server.stop()
    store = Store.open(db_url)
    assert store.accounts.count() == 1
    store.close()
    assert Counter(statuses) == {303: ATTEMPTS}, statuses  # one into the clinic, the others to sign-in


def test_the_store_creates_one_first_account_from_racing_threads(store: Store) -> None:
    barrier = threading.Barrier(ATTEMPTS)
    outcomes: list[str] = [""] * ATTEMPTS

    def one(n: int) -> None:
        barrier.wait()
        try:
            outcomes[n] = store.accounts.create(None, f"first-{n}", PASSWORD).role
        except (AccountError, Forbidden):  # lost the race, or started after the winner committed
            outcomes[n] = "refused"

    threads = [threading.Thread(target=one, args=(n,)) for n in range(ATTEMPTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert Counter(outcomes) == {"admin": 1, "refused": ATTEMPTS - 1}
    assert store.accounts.count() == 1
