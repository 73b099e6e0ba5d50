"""Store benchmark: saved assessments per second through the web API (``hipnav serve
--workers 2``), beside the raw insert rate of the same database in the same run.

For SQLite (a temporary file, WAL, synchronous=FULL: hipnav's settings) and PostgreSQL (a
throwaway database on $HIPNAV_BENCH_POSTGRES, default postgresql://postgres@127.0.0.1:5432/
postgres, created and dropped here), it measures, each for --seconds:

1. raw insert: SQLAlchemy Core ``INSERT`` of the same assessment row (the case and the whole
   result document), one commit per row, one connection: the database's own ceiling here;
2. store API: ``Store.assessments.save`` in-process, one thread: the ownership check, the
   ORM insert and the audit event, one transaction per save;
3. web API: --clients concurrent HTTP clients POSTing the case to
   ``/clinic/api/clients/{id}/assessments`` (validate, assess, build the result document,
   save, answer 201), server with 2 worker processes.

The 2 cores are shared by the server workers, the database server and the load generator,
as on the project's machines; the table says so rather than hiding it.

    .venv/bin/python benchmarks/bench_store.py [--seconds 10] [--clients 8] [--backends sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import insert

from hipnav.reports.document import assess_raw
from hipnav.store import Store
from hipnav.store.schema import AssessmentRecord, utcnow
from served import served

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN = os.environ.get("HIPNAV_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")
PASSWORD = "benchmark password"
CASE = {"format": "hipnav-case/1", "id": "bench", "age": 52, "sex": "female", "setting": "manual_therapy",
        "findings": {"loc_lateral_hip": True, "loc_buttock": True, "agg_sitting": True, "agg_stairs": True,
                     "radiating_leg_pain": False, "duration_weeks": 12}}


def raw_insert_rate(store: Store, client_id: str, case: dict[str, Any], doc: dict[str, Any],
                    seconds: float) -> float:
    row = {"client_id": client_id, "kb_version": doc["knowledge_base_version"], "source": "api", "case": case,
           "result": doc}
    table = AssessmentRecord.__table__
    with store.engine.connect() as conn:
        for _ in range(100):  # warm-up
            conn.execute(insert(table).values(id=uuid.uuid4().hex, created_at=utcnow(), **row))
            conn.commit()
        n, end = 0, time.perf_counter() + seconds
        start = time.perf_counter()
        while time.perf_counter() < end:
            conn.execute(insert(table).values(id=uuid.uuid4().hex, created_at=utcnow(), **row))
            conn.commit()
            n += 1
        return n / (time.perf_counter() - start)


def store_api_rate(store: Store, actor: Any, client_id: str, case: dict[str, Any], doc: dict[str, Any],
                   seconds: float) -> float:
    for _ in range(50):
        store.assessments.save(actor, client_id, case, doc, source="api")
    n, start = 0, time.perf_counter()
    end = start + seconds
    while time.perf_counter() < end:
        store.assessments.save(actor, client_id, case, doc, source="api")
        n += 1
    return n / (time.perf_counter() - start)


def web_api_rate(url: str, client_id: str, seconds: float, clients: int,
                 data_home: Path) -> tuple[float, int]:
    with served("--workers", "2", database_url=url, data_home=data_home,
                ready_path="/clinic/sign-in") as base:
        counts = [0] * clients
        errors: list[str] = []
        barrier = threading.Barrier(clients + 1)
        window: dict[str, float] = {}

        # One sign-in shared by every client: simultaneous sign-ins to one account are what
        # the sign-in limits slow down.
        r = httpx.post(base + "/clinic/api/session", json={"username": "bench", "password": PASSWORD})
        headers = {"x-csrf-token": r.json()["csrf_token"],
                   "cookie": f"hipnav_session={r.cookies['hipnav_session']}"}

        def worker(i: int) -> None:
            with httpx.Client(base_url=base, timeout=60) as http:
                for _ in range(10):  # warm-up: both workers compiled and connected
                    http.post(f"/clinic/api/clients/{client_id}/assessments", json=CASE, headers=headers)
                barrier.wait()
                while time.perf_counter() < window["end"]:
                    r = http.post(f"/clinic/api/clients/{client_id}/assessments", json=CASE, headers=headers)
                    if r.status_code == 201:
                        counts[i] += 1
                    else:
                        errors.append(str(r.status_code))

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
        for t in threads:
            t.start()
        window["end"] = float("inf")
        barrier.wait()
        start = time.perf_counter()
        window["end"] = start + seconds
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - start
        if errors:
            print(f"  ({len(errors)} failed requests: {sorted(set(errors))})", file=sys.stderr)
        return sum(counts) / elapsed, len(errors)


def _pg_database() -> tuple[str, str]:
    import psycopg

    name = f"hipnav_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{PG_ADMIN.rsplit('/', 1)[0]}/{name}", name


def _drop_pg(name: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def bench(backend: str, seconds: float, clients: int, folder: Path) -> dict[str, Any]:
    pg_name = None
    if backend == "sqlite":
        url = f"sqlite:///{folder / 'bench.db'}"
    else:
        url, pg_name = _pg_database()
    try:
        store = Store.open(url)
        version = store.engine.dialect.server_version_info
        admin = store.accounts.create(None, "bench-admin", PASSWORD).actor()
        actor = store.accounts.create(admin, "bench", PASSWORD).actor()  # a practitioner: no second factor
        raw_client = store.clients.create(actor, display_name="raw").id
        api_client = store.clients.create(actor, display_name="store api").id
        web_client = store.clients.create(actor, display_name="web api").id
        case, doc = assess_raw(CASE)
        payload = len(json.dumps({"case": case, "result": doc}))
        raw = raw_insert_rate(store, raw_client, case, doc, seconds)
        api = store_api_rate(store, actor, api_client, case, doc, seconds)
        store.close()
        web, failed = web_api_rate(url, web_client, seconds, clients, folder)
        return {"backend": backend, "version": ".".join(map(str, version or ())), "payload_bytes": payload,
                "raw_insert_per_s": raw, "store_api_per_s": api, "web_api_per_s": web, "web_failed": failed}
    finally:
        if pg_name:
            _drop_pg(pg_name)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, default=8, help="concurrent HTTP clients for the web API")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--json", help="also write the results here")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for backend in args.backends.split(","):
            print(f"{backend}: measuring ({args.seconds:g} s per measure)...", file=sys.stderr, flush=True)
            results.append(bench(backend, args.seconds, args.clients, Path(tmp)))
    print(f"\nSaved assessments per second ({os.cpu_count()} cores shared by database, server and load; "
          f"{args.clients} HTTP clients; {args.seconds:g} s each)\n")
    print("| database | raw insert (Core, 1 commit/row) | store API (1 thread) | web API (2 workers) "
          "| web / raw | row JSON |")
    print("|---|---|---|---|---|---|")
    for r in results:
        share = r["web_api_per_s"] / r["raw_insert_per_s"]
        print(f"| {r['backend']} {r['version']} | {r['raw_insert_per_s']:,.0f}/s "
              f"| {r['store_api_per_s']:,.0f}/s | {r['web_api_per_s']:,.0f}/s | {share:.0%} "
              f"| {r['payload_bytes']:,} B |")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
