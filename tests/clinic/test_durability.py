"""Durability: the server is killed with SIGKILL in the middle of a burst of saves and
started again; every save that got a success answer (201) is there, and the database is
intact (SQLite: PRAGMA integrity_check)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import httpx
import pytest

from hipnav.store import Store
from tests.clinic.conftest import PASSWORD, ApiClient, Server

CASE = {"format": "hipnav-case/1", "age": 47, "findings": {"loc_lateral_hip": True, "agg_sitting": True}}
WRITERS = 4


@pytest.mark.slow
def test_acknowledged_saves_survive_sigkill(db_url: str, tmp_path: Path) -> None:
    setup = Store.open(db_url)
    admin = setup.accounts.create(None, "admin", PASSWORD).actor()
    ana = setup.accounts.create(admin, "ana", PASSWORD).actor()  # a practitioner (admins need a code)
    client_id = setup.clients.create(ana, display_name="Burst").id
    setup.close()

    server = Server(db_url, tmp_path).start()
    acked: list[str] = []
    failures: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()

    apis = [ApiClient(server.base).sign_in("ana") for _ in range(WRITERS)]  # one after another

    def writer(n: int) -> None:
        api = apis[n]
        i = 0
        while not stop.is_set():
            i += 1
            try:
                r = api.post(f"/clinic/api/clients/{client_id}/assessments", {**CASE, "id": f"w{n}-{i}"})
            except (httpx.HTTPError, ValueError):  # the server died under us: an unanswered save
                break
            if r.status_code == 201:
                with lock:
                    acked.append(r.json()["id"])
            else:
                failures.append(f"{r.status_code} {r.text[:100]}")
        api.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 20
    while len(acked) < 60 and time.monotonic() < deadline:
        time.sleep(0.05)
    server.kill()  # SIGKILL, mid-burst: writers are waiting on answers
    killed_at = len(acked)
    stop.set()
    for t in threads:
        t.join(timeout=30)
    assert killed_at >= 60, f"only {killed_at} saves before the kill; failures: {failures[:3]}"
    assert not failures, failures[:3]

    restarted = Server(db_url, tmp_path).start()
    try:
        api = ApiClient(restarted.base).sign_in("ana")
        listed = api.get(f"/clinic/api/clients/{client_id}/assessments").json()["assessments"]
        stored = {a["id"] for a in listed}
        missing = set(acked) - stored
        assert not missing, f"{len(missing)} acknowledged saves lost"
        assert all(a["result"]["differential"] for a in listed)  # whole documents, not torn rows
        api.close()
    finally:
        restarted.stop()
    if db_url.startswith("sqlite"):
        store = Store.open(db_url)
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
        store.close()
