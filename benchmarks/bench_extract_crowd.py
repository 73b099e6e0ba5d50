"""A small description while a crowd sends long ones (issue 15, finding 9).

Starts ``hipnav serve`` (one worker) unless ``--url`` names a running server, and times
``POST /api/v1/extract`` with a short lay description (113 characters): first alone, then
sent while ``--crowd`` long texts (``--chars`` each, 10,000 by default: the page's limit)
arrive at once, each from a client of its own. Prints the small one's status and time in
both conditions, and each answer of the crowd by status with its median and slowest time:
with a bounded queue the small one still gets in and waits only for the long texts the
queue holds, and the texts past the queue are refused in milliseconds; without one, every
text waits for all those before it. Loopback only; bounded in count and time. For a before/after figure,
run it with ``--url`` against a server started from the older commit.

    .venv/bin/python benchmarks/bench_extract_crowd.py [--crowd 16] [--chars 10000] [--url URL]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from pathlib import Path

import httpx

from served import served

ROOT = Path(__file__).resolve().parent.parent
SMALL = ("It's deep in my bum when I sit at my desk, shoots down the back of my leg to my foot. "
         "Pain 7/10 for three months.")
LONG = "My hip hurts when I climb the stairs and it wakes me at night. "


def _post(http: httpx.Client, text: str) -> tuple[int, float]:
    start = time.perf_counter()
    status = http.post("/api/v1/extract", json={"text": text}).status_code
    return status, (time.perf_counter() - start) * 1000


def _measure(base: str, crowd: int, chars: int, samples: int) -> None:
    long_text = (LONG * (chars // len(LONG) + 1))[:chars]
    with httpx.Client(base_url=base, timeout=300) as http:
        for _ in range(3):
            _post(http, SMALL)  # warm
        alone = [_post(http, SMALL) for _ in range(samples)]
        barrier = threading.Barrier(crowd + 1)
        answers: list[tuple[int, float]] = []

        def sender() -> None:
            with httpx.Client(base_url=base, timeout=300) as own:
                own.get("/")  # connected before the start
                barrier.wait(timeout=60)
                answers.append(_post(own, long_text))

        threads = [threading.Thread(target=sender) for _ in range(crowd)]
        for t in threads:
            t.start()
        barrier.wait(timeout=60)
        time.sleep(0.05)  # the crowd's requests are in
        small = _post(http, SMALL)
        for t in threads:
            t.join(timeout=600)
    times = [ms for _, ms in alone]
    statuses = sorted({s for s, _ in alone})
    print(f"small text alone                     n={len(times):3d}  median "
          f"{statistics.median(times):8.1f} ms  max {max(times):8.1f} ms  answers {statuses}")
    print(f"small text 50 ms into the crowd      status {small[0]}  {small[1]:8.1f} ms")
    for status in sorted({s for s, _ in answers}):
        took = [ms for s, ms in answers if s == status]
        print(f"crowd of {crowd} x {chars:,} chars: {status}  n={len(took):3d}  median "
              f"{statistics.median(took):8.1f} ms  max {max(took):8.1f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--crowd", type=int, default=16)
    parser.add_argument("--chars", type=int, default=10_000)
    parser.add_argument("--samples", type=int, default=20)
    parser.add_argument("--url", help="a running server (else one is started from this checkout)")
    args = parser.parse_args()
    if not 1 <= args.crowd <= 64 or not 100 <= args.chars <= 60_000:
        parser.error("--crowd is 1 to 64, --chars 100 to 60,000")
    if args.url:
        _measure(args.url, args.crowd, args.chars, args.samples)
        return 0
    with served("--workers", "1") as base:
        _measure(base, args.crowd, args.chars, args.samples)
    return 0


if __name__ == "__main__":
    sys.exit(main())
