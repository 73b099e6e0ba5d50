"""``hipnav serve`` from this checkout, for the benchmarks that measure it over HTTP: on a
free loopback port, in its own process group (so its workers stop with it), silenced."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def served(*options: str, database_url: str | None = None, data_home: str | Path | None = None,
           ready_path: str = "/", wait_seconds: float = 120) -> Iterator[str]:
    """The base URL of ``hipnav serve OPTIONS`` once ``ready_path`` answers below 500; with
    ``database_url``, the clinic on that database (and a secret key that is only for this)."""
    env: dict[str, str] = {}
    if database_url:
        env |= {"HIPNAV_DATABASE_URL": database_url, "HIPNAV_SECRET_KEY": "benchmark-only-secret"}
    if data_home:
        env["XDG_DATA_HOME"] = str(data_home)
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "hipnav", "serve", "--port", str(port), *options],
                            cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                if httpx.get(base + ready_path, timeout=2).status_code < 500:
                    break
            except httpx.TransportError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise SystemExit(f"hipnav serve did not answer in {wait_seconds:.0f} s") from None
                time.sleep(0.1)
        yield base
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
