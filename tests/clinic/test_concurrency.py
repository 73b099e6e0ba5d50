"""Concurrency: 20 clients saving at once for 30 seconds through the web API (2 worker
processes) lose nothing: every acknowledged save is stored, once, under the right client.
On PostgreSQL for the full 30 s (HIPNAV_CONCURRENCY_SECONDS changes it); a shorter run
shows SQLite's single writer queueing correctly across processes too."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from hipnav.store import Store
from hipnav.store.schema import AssessmentRecord
from tests.clinic.conftest import PASSWORD, ApiClient, Server

CASE = {"format": "hipnav-case/1", "age": 35, "findings": {"loc_buttock": True, "agg_sitting": True}}


def _run(url: str, tmp_path: Path, clients: int, seconds: float) -> None:
    setup = Store.open(url)
    admin = setup.accounts.create(None, "admin", PASSWORD).actor()
    ana = setup.accounts.create(admin, "ana", PASSWORD).actor()  # a practitioner (admins need a code)
    client_ids = [setup.clients.create(ana, display_name=f"Client {n}").id for n in range(clients)]
    setup.close()

    server = Server(url, tmp_path, workers=2).start()
    acked: dict[str, list[str]] = {cid: [] for cid in client_ids}
    errors: list[str] = []
    barrier = threading.Barrier(clients)

    apis: dict[str, ApiClient] = {}

    def writer(cid: str) -> None:
        api = apis[cid]
        barrier.wait(timeout=120)
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            r = api.post(f"/clinic/api/clients/{cid}/assessments", CASE)
            if r.status_code == 201:
                acked[cid].append(r.json()["id"])
            else:
                errors.append(f"{r.status_code}: {r.text[:120]}")
        api.close()

    threads = [threading.Thread(target=writer, args=(cid,)) for cid in client_ids]
    try:
        # one sign-in each, one after another: simultaneous sign-ins to one account from one
        # address are what the sign-in limits slow down (each is counted before its check)
        apis.update((cid, ApiClient(server.base).sign_in("ana")) for cid in client_ids)
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=seconds + 120)
    finally:
        server.stop()
    assert not errors, errors[:5]
    store = Store.open(url)
    with store.engine.connect() as conn:
        rows = conn.execute(select(AssessmentRecord.client_id, AssessmentRecord.id)).all()
        total = conn.execute(select(func.count()).select_from(AssessmentRecord)).scalar_one()
    store.close()
    stored: dict[str, set[str]] = {cid: set() for cid in client_ids}
    for cid, aid in rows:
        stored[cid].add(aid)
    for cid in client_ids:
        assert set(acked[cid]) == stored[cid], f"client {cid}: acked {len(acked[cid])}, stored {len(stored[cid])}"
    n = sum(len(v) for v in acked.values())
    assert total == n and all(acked.values()), "every client saved, nothing extra"
    print(f"\n{clients} clients x {seconds:g} s: {n} saves ({n / seconds:.0f}/s), none lost")


@pytest.mark.slow
@pytest.mark.postgres
def test_twenty_clients_for_thirty_seconds_on_postgresql(pg_store: Store, pg_url: str, tmp_path: Path) -> None:
    from tests.dbs import empty

    empty(pg_store)
    _run(pg_url, tmp_path, clients=20, seconds=float(os.environ.get("HIPNAV_CONCURRENCY_SECONDS", "30")))


@pytest.mark.slow
def test_concurrent_writers_on_sqlite(tmp_path: Path) -> None:
    _run(f"sqlite:///{tmp_path / 'c.db'}", tmp_path, clients=8, seconds=4)
