"""Fixtures for the web tests: the app in-process, a real ``hipnav serve`` subprocess, and a
real headless Chromium (Debian's, driven by Playwright) for the browser tests."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import warnings
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from starlette.applications import Starlette

# Starlette's TestClient prefers a newer HTTP client; the installed httpx works as well.
warnings.filterwarnings("ignore", message=r"Using `httpx` with `starlette\.testclient`")
from starlette.testclient import TestClient  # noqa: E402

from hipnav.knowledge.model import KnowledgeBase  # noqa: E402
from hipnav.web.app import create_app  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
OUTPUT = ROOT / "test-output"
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="session")
def app() -> Starlette:
    return create_app()


@pytest.fixture(scope="session")
def client(app: Starlette) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def start_server(*args: str, timeout: float = 90) -> tuple[subprocess.Popen[str], str]:
    """Start ``hipnav serve`` on a free loopback port; return it with its base URL once it answers
    (each worker loads the knowledge base and spaCy first: seconds, more on a busy machine)."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "hipnav", "serve", "--port", str(port), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"hipnav serve exited: {proc.stderr.read() if proc.stderr else ''}")
        try:
            if httpx.get(base + "/", timeout=1).status_code == 200:
                return proc, base
        except httpx.TransportError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("hipnav serve did not answer in time")


def stop_server(proc: subprocess.Popen[str]) -> tuple[str, str]:
    proc.terminate()
    try:
        out, err = proc.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
    return out, err


@pytest.fixture(scope="session")
def live_server() -> Iterator[str]:
    proc, base = start_server()
    yield base
    stop_server(proc)


@pytest.fixture()
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(10_000)
    yield pg
    context.close()


@pytest.fixture()
def watched(page: Any) -> Iterator[Any]:
    """A page that fails the test on any JavaScript error or blocked resource (CSP included)."""
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page
    assert not [e for e in errors if "404" not in e], errors


class Elements(HTMLParser):
    """Start tags with their attributes, and the page's text: enough to test server HTML."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def find(self, tag: str, **attrs: str) -> list[dict[str, str]]:
        return [a for t, a in self.tags if t == tag and all(a.get(k.rstrip("_")) == v for k, v in attrs.items())]

    def all_text(self) -> str:
        return " ".join(" ".join(self.text).split())


def hidden_params(html: str) -> list[tuple[str, str]]:
    """The hidden fields of a page's form, in order, as a browser would submit them."""
    return [(a["name"], a.get("value", "")) for a in Elements(html).find("input", type="hidden")]


def result_query(case: dict[str, Any], kb: KnowledgeBase) -> str:
    """The query string of the result page of a case-format case (clinician mode: its
    examination findings included)."""
    params: list[tuple[str, str]] = [("mode", "clinician")]
    params += [(k, str(case[k])) for k in ("age", "sex", "setting") if case.get(k) is not None]
    for fid, value in case["findings"].items():
        if kb.findings[fid].type == "bool":
            params.append(("a", f"{fid}.{'y' if value else 'n'}"))
        else:
            params.append((fid, str(value)))
    return urlencode(params)
