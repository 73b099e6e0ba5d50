"""Web benchmark: hipnav's assess endpoint beside a bare ASGI app, in the same run.

    .venv/bin/python benchmarks/bench_web.py [--duration 10] [--connections 32]

1. Throughput and latency: ``hipnav serve --workers 2`` and a bare ASGI app that returns a
   fixed 1 KB JSON (uvicorn, 2 workers, same settings; and once more on 1 worker, the
   reference ceiling the issue quotes), all on loopback, each loaded by wrk
   (``-t2 -cN --latency``) with ``POST /api/v1/assess`` and a realistic case after a short
   warm-up: as served by default (explanations of the top 3 causes) and with ``?explain=0``
   (the result contract only). Targets, for the default: >= 20 % of the bare app's
   requests/s, p99 <= 20 ms.
2. Page weight: each HTML page with its stylesheet, script and icon. Target <= 150 KB.
3. Server-side render time: each page rendered by the app in-process, called straight
   through ASGI (no network, no client), median of many. Target <= 10 ms.

Only loopback traffic; every run is bounded in time. Needs wrk (Debian package; the
test set-up, scripts/setup.d/browser.sh, installs it). Exits 1 if a target is missed.
The bare app lives in this file (:func:`bare_app`) so uvicorn can import it by name.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

#: A realistic request body: case metadata and 20 findings (about 0.6 KB), as an intake
#: form or clinic system would send after a full interview.
CASE = {
    "format": "hipnav-case/1", "id": "bench-1", "age": 41, "sex": "female", "setting": "manual_therapy",
    "findings": {
        "loc_buttock": True, "loc_ischial": True, "loc_groin": False, "loc_lateral_hip": False,
        "loc_low_back": False, "pain_below_knee": False, "agg_sitting": True, "agg_walking": False,
        "agg_running": True, "agg_stairs": False, "radiating_leg_pain": False, "paresthesia_leg": False,
        "night_pain": False, "onset_trauma": False, "saddle_anesthesia": False,
        "bladder_bowel_dysfunction": False, "fever": False, "history_of_cancer": False,
        "duration_weeks": 12, "pain_severity": 5,
    },
}

#: The bare app's answer: fixed JSON of 1,024 bytes.
_PAD = 1024 - len(json.dumps({"ok": True, "pad": ""}, separators=(",", ":")))
BARE_BODY = json.dumps({"ok": True, "pad": "x" * _PAD}, separators=(",", ":")).encode()
assert len(BARE_BODY) == 1024

BARE = "bare ASGI, 1 KB JSON"
BARE_1 = "bare ASGI, 1 KB JSON, 1 worker"
ASSESS = "hipnav POST /api/v1/assess"
ASSESS_LEAN = "hipnav POST /api/v1/assess?explain=0"
TARGET_RATIO = 0.20  # of the bare app (issue 11: relaxed from 25 %, clarity is worth the last five points)
TARGET_P99_MS = 20.0
TARGET_PAGE_KB = 150.0
TARGET_RENDER_MS = 10.0


async def bare_app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """The reference ceiling: read the request, answer fixed bytes, nothing else."""
    if scope["type"] != "http":
        return
    more = True
    while more:
        message = await receive()
        more = message.get("more_body", False)
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", b"1024")]})
    await send({"type": "http.response.body", "body": BARE_BODY})


# -- servers ------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def wait_until_up(port: int, proc: subprocess.Popen[bytes], timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server on port {port} exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"server on port {port} did not start")


def start_hipnav(port: int, workers: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "hipnav", "serve", "--port", str(port),
                             "--workers", str(workers)], cwd=ROOT, stdout=subprocess.DEVNULL)


def start_bare(port: int, workers: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "uvicorn", "bench_web:bare_app", "--app-dir",
                             str(Path(__file__).parent), "--host", "127.0.0.1", "--port", str(port),
                             "--workers", str(workers), "--no-access-log", "--log-level", "warning",
                             "--no-server-header"], cwd=ROOT)


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


# -- wrk ----------------------------------------------------------------------------------

LUA = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = [==[%s]==]
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT {\\"requests\\": %%d, \\"duration_us\\": %%d, \\"p50_us\\": %%d, \\"p90_us\\": %%d, " ..
    "\\"p99_us\\": %%d, \\"socket_errors\\": %%d, \\"non_2xx\\": %%d}\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), e.connect + e.read + e.write + e.timeout, e.status))
end
"""


def run_wrk(url: str, script: Path, seconds: int, connections: int) -> dict[str, float]:
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script),
                          url], capture_output=True, text=True, timeout=seconds + 60, check=True).stdout
    match = re.search(r"^RESULT (\{.*\})$", out, re.M)
    if not match:
        raise SystemExit(f"wrk printed no result:\n{out}")
    r = json.loads(match.group(1))
    return {"rps": r["requests"] / (r["duration_us"] / 1e6), "p50_ms": r["p50_us"] / 1000,
            "p90_ms": r["p90_us"] / 1000, "p99_ms": r["p99_us"] / 1000,
            "errors": r["socket_errors"], "non_2xx": r["non_2xx"], "requests": r["requests"]}


# -- pages --------------------------------------------------------------------------------

def page_urls() -> dict[str, str]:
    from hipnav.knowledge import default

    screened = "&".join(f"a={f}.n" for f in default().screening)
    result = ("mode=patient&where=loc_buttock&where=loc_ischial&age=41&sex=female&" + screened
              + "&a=agg_sitting.y&a=agg_running.y&a=radiating_leg_pain.n")
    return {
        "landing": "/",
        "body map": "/where?mode=patient",
        "question": f"/question?mode=patient&where=loc_buttock&{screened}",
        "question (clinician)": f"/question?mode=clinician&where=loc_lateral_hip&{screened}",
        "result": f"/result?{result}",
        "result (print)": f"/result/print?{result}",
        "not found": "/no-such-page",
    }


def page_weights(base: str) -> dict[str, int]:
    import httpx

    from hipnav.web.site import STATIC_DIR

    weights = {}
    with httpx.Client(base_url=base, timeout=10) as http:
        for name, url in page_urls().items():
            html = http.get(url).text
            assets = re.findall(r'<(?:link|script)[^>]+(?:href|src)="(/static/[^"]+)"', html)
            total = len(html.encode()) + sum(len(http.get(a).content) for a in assets)
            weights[name] = total
    assert STATIC_DIR.exists()
    return weights


async def _asgi_get(app: Any, url: str) -> int:
    path, _, query = url.partition("?")
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
             "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": query.encode(),
             "headers": [(b"host", b"127.0.0.1")], "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80),
             "root_path": "", "state": {}}
    status = 0

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(scope, receive, send)
    return status


def render_times(repeats: int) -> dict[str, tuple[float, float]]:
    """Median wall and CPU time of the app handling each page, in-process, in milliseconds.
    On a busy machine the wall time includes waiting for a core; the CPU time does not."""
    from hipnav.web.app import create_app

    app = create_app()
    loop = asyncio.new_event_loop()
    out = {}
    try:
        for name, url in page_urls().items():
            for _ in range(5):  # warm: template compilation, caches
                loop.run_until_complete(_asgi_get(app, url))
            wall, cpu = [], []
            for _ in range(repeats):
                t, c = time.perf_counter(), time.thread_time()
                status = loop.run_until_complete(_asgi_get(app, url))
                cpu.append((time.thread_time() - c) * 1000)
                wall.append((time.perf_counter() - t) * 1000)
                assert status in (200, 404), (name, status)
            out[name] = (statistics.median(wall), statistics.median(cpu))
    finally:
        loop.close()
    return out


# -- main ---------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per server (default 10)")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of warm-up per server (default 2)")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=200, help="renders per page for the median")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON to FILE")
    args = parser.parse_args(argv)
    if not shutil.which("wrk"):
        print("bench_web: wrk is missing (apt-get install wrk, or run ./test once)", file=sys.stderr)
        return 2

    body = json.dumps(CASE, separators=(",", ":"))
    figures: dict[str, Any] = {"workers": args.workers, "connections": args.connections,
                               "duration_s": args.duration, "body_bytes": len(body), "cpus": os.cpu_count()}
    figures["load_average_before"] = os.getloadavg()[0]
    hip_port, bare_port, bare1_port = free_port(), free_port(), free_port()
    hip, bare = start_hipnav(hip_port, args.workers), start_bare(bare_port, args.workers)
    bare1 = start_bare(bare1_port, 1)
    try:
        for port, proc in ((hip_port, hip), (bare_port, bare), (bare1_port, bare1)):
            wait_until_up(port, proc)
        time.sleep(1.0)  # every worker up, not just the first
        with tempfile.TemporaryDirectory() as tmp:
            script = Path(tmp) / "post.lua"
            script.write_text(LUA % body)
            assess_url = f"http://127.0.0.1:{hip_port}/api/v1/assess"
            targets = {BARE: f"http://127.0.0.1:{bare_port}/", BARE_1: f"http://127.0.0.1:{bare1_port}/",
                       ASSESS: assess_url, ASSESS_LEAN: assess_url + "?explain=0"}
            load = {}
            for name, url in targets.items():
                run_wrk(url, script, args.warmup, args.connections)
                load[name] = run_wrk(url, script, args.duration, args.connections)
        figures["load"] = load
        figures["page_bytes"] = page_weights(f"http://127.0.0.1:{hip_port}")
    finally:
        for proc in (hip, bare, bare1):
            stop(proc)
    figures["render_ms"] = render_times(args.repeats)

    bare_fig, hip_fig = load[BARE], load[ASSESS]
    ratio = hip_fig["rps"] / bare_fig["rps"]
    ratios = {f"{a} / {b}": load[a]["rps"] / load[b]["rps"]
              for a in (ASSESS, ASSESS_LEAN) for b in (BARE, BARE_1)}
    figures["ratios"] = ratios
    load_avg = figures["load_average_before"]
    print(f"wrk -t2 -c{args.connections} -d{args.duration}s, {args.workers} workers each, "
          f"{len(body)}-byte case body, {os.cpu_count()} CPUs shared with wrk; load average before "
          f"the run {load_avg:.1f} (other work on the machine lowers every figure)\n")
    print(f"{'server':<40} {'req/s':>9} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for name, f in load.items():
        print(f"{name:<40} {f['rps']:>9,.0f} {f['p50_ms']:>8.2f} {f['p90_ms']:>8.2f} {f['p99_ms']:>8.2f} "
              f"{f['errors'] + f['non_2xx']:>7.0f}")
    ok_ratio, ok_p99 = ratio >= TARGET_RATIO, hip_fig["p99_ms"] <= TARGET_P99_MS
    ok_errors = all(f["errors"] == 0 and f["non_2xx"] == 0 for f in load.values())
    print(f"\nassess / bare (both {args.workers} workers) = {ratio:.1%} (target >= {TARGET_RATIO:.0%}): "
          f"{'ok' if ok_ratio else 'MISSED'}")
    for name, r in ratios.items():
        print(f"  {name}: {r:.1%}")
    print(f"assess p99 = {hip_fig['p99_ms']:.2f} ms (target <= {TARGET_P99_MS:g} ms): "
          f"{'ok' if ok_p99 else 'MISSED'}")
    print(f"\n{'page':<22} {'KB with assets':>15} {'render ms (median)':>19} {'of it CPU':>10}")
    ok_pages = True
    for name, size in figures["page_bytes"].items():
        ms, cpu = figures["render_ms"][name]
        flag = "" if size <= TARGET_PAGE_KB * 1024 and ms <= TARGET_RENDER_MS else "  MISSED"
        ok_pages &= not flag
        print(f"{name:<22} {size / 1024:>15.1f} {ms:>19.2f} {cpu:>10.2f}{flag}")
    print(f"targets: <= {TARGET_PAGE_KB:g} KB, <= {TARGET_RENDER_MS:g} ms: {'ok' if ok_pages else 'MISSED'}")
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(figures, indent=2) + "\n")
    return 0 if ok_ratio and ok_p99 and ok_errors and ok_pages else 1


if __name__ == "__main__":
    sys.exit(main())
