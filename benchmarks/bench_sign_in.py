"""Signed-in pages while a crowd signs in (issue 15, finding 9).

Starts ``hipnav serve --workers 2 --forwarded-allow-ips 127.0.0.1`` on a fresh SQLite store,
signs one practitioner in, and times ``GET /clinic/clients`` for that practitioner: first
alone, then while 60 sign-ins with wrong passwords arrive at once, each from its own
forwarded address (a distributed attacker, so the per-address limit does not thin them out
and every one costs a real Argon2 check). Prints the page's median and 90th percentile in
both conditions and how long the crowd took. Loopback only; bounded in count and time.

    .venv/bin/python benchmarks/bench_sign_in.py [--crowd 60] [--samples 200]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

from served import served

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "benchmark passphrase here"


def _times(http: httpx.Client, headers: dict[str, str], stop: threading.Event | None,
           samples: int) -> list[float]:
    out: list[float] = []
    while len(out) < samples and not (stop and stop.is_set()):
        start = time.perf_counter()
        r = http.get("/clinic/clients", headers=headers)
        out.append((time.perf_counter() - start) * 1000)
        assert r.status_code == 200, r.status_code
    return out


def _summary(name: str, times: list[float]) -> str:
    ordered = sorted(times)
    p90 = ordered[int(len(ordered) * 0.9) - 1] if len(ordered) >= 10 else ordered[-1]
    return f"{name:<38} n={len(times):4d}  median {statistics.median(times):7.1f} ms  p90 {p90:7.1f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--crowd", type=int, default=60)
    parser.add_argument("--samples", type=int, default=200)
    args = parser.parse_args()
    from hipnav.store import Store

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.db"
        store = Store.open(url)
        admin = store.accounts.create(None, "bench-admin", PASSWORD).actor()
        store.accounts.create(admin, "ana", PASSWORD)
        store.close()
        with served("--workers", "2", "--forwarded-allow-ips", "127.0.0.1", database_url=url,
                    data_home=folder, ready_path="/clinic/sign-in") as base, \
                httpx.Client(base_url=base, timeout=120) as http:
            r = http.post("/clinic/api/session", json={"username": "ana", "password": PASSWORD})
            headers = {"cookie": f"hipnav_session={r.cookies['hipnav_session']}"}
            _times(http, headers, None, 20)  # warm
            alone = _times(http, headers, None, args.samples)
            stop = threading.Event()
            barrier = threading.Barrier(args.crowd + 1)
            statuses: list[int] = []

            def attacker(n: int) -> None:
                with httpx.Client(base_url=base, timeout=300) as own:
                    own.get("/clinic/sign-in")
                    barrier.wait(timeout=60)
                    statuses.append(own.post("/clinic/api/session", json={
                        "username": f"made-up-{n}", "password": "some guess here"},
                        headers={"x-forwarded-for": f"198.18.{n // 250}.{n % 250 + 1}",
                                 "x-forwarded-proto": "https"}).status_code)

            crowd = [threading.Thread(target=attacker, args=(n,)) for n in range(args.crowd)]
            for t in crowd:
                t.start()
            barrier.wait(timeout=60)
            started = time.perf_counter()
            loaded: list[float] = []
            watcher = threading.Thread(target=lambda: loaded.extend(_times(http, headers, stop, 10**6)))
            watcher.start()
            for t in crowd:
                t.join(timeout=300)
            took = time.perf_counter() - started
            stop.set()
            watcher.join(timeout=60)
    print(_summary("GET /clinic/clients alone", alone))
    print(_summary(f"... while {args.crowd} sign-ins arrive", loaded))
    print(f"the {args.crowd} sign-ins took {took:.1f} s; answers {sorted(set(statuses))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
