"""Clinic web tests: the app in-process over both databases, and a real server for the
browser, durability and concurrency tests."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import warnings
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyotp
import pytest
from starlette.applications import Starlette

from hipnav.store import Actor, Store
from hipnav.store.second_factor import new_secret
from tests.dbs import PASSWORD

warnings.filterwarnings("ignore", message=r"Using `httpx` with `starlette\.testclient`")
from starlette.testclient import TestClient  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SECRET = b"test secret key, not for production use"


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "the page has no CSRF token"
    return match.group(1)


@pytest.fixture
def app(store: Store) -> Starlette:
    from hipnav.web.app import create_app

    application = create_app()
    application.state.clinic_store = store
    application.state.clinic_secret = SECRET
    return application


def browser_client(app: Starlette) -> TestClient:
    """A client as a browser on an https site would be (Secure cookies are kept)."""
    return TestClient(app, base_url="https://testserver", raise_server_exceptions=False)


@pytest.fixture
def web(app: Starlette) -> Iterator[TestClient]:
    with browser_client(app) as c:
        yield c


def enrol(store: Store, actor: Actor) -> str:
    """Turn a second factor on for the account, as its owner would (with the code of the step
    before this one, so that this step's code is still unused for signing in); its secret."""
    secret = new_secret()
    store.second_factor.enable(actor, secret, pyotp.TOTP(secret).at(time.time() - 30))
    return secret


def sign_in(client: TestClient, username: str, password: str = PASSWORD, *, secret: str | None = None) -> str:
    """Sign in through the form (and the code page, for an account with a second factor);
    returns the session's CSRF token."""
    page = client.get("/clinic/sign-in")
    response = client.post("/clinic/sign-in", data={"csrf_token": csrf_of(page.text), "username": username,
                                                    "password": password})
    if secret is not None:
        assert response.url.path == "/clinic/sign-in/code", response.text[:500]
        response = client.post("/clinic/sign-in/code", data={"csrf_token": csrf_of(response.text),
                                                             "code": pyotp.TOTP(secret).now()})
    assert response.status_code == 200 and response.url.path == "/clinic/clients", response.text[:500]
    return csrf_of(response.text)


# -- a real server -----------------------------------------------------------------------------

def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class Server:
    """``hipnav serve`` in a subprocess, on a given database, restartable."""

    def __init__(self, url: str, data_home: Path, workers: int = 1, args: tuple[str, ...] = ()) -> None:
        self.url, self.data_home, self.workers, self.args = url, data_home, workers, args
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 60) -> Server:
        env = {**os.environ, "HIPNAV_DATABASE_URL": self.url, "XDG_DATA_HOME": str(self.data_home),
               "HIPNAV_SECRET_KEY": SECRET.decode()}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "hipnav", "serve", "--port", str(self.port), "--workers", str(self.workers),
             *self.args],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.proc.stderr.read().decode() if self.proc.stderr else ''}")
            try:
                if httpx.get(self.base + "/clinic/sign-in", timeout=2).status_code in (200, 303):
                    return self
            except httpx.TransportError:
                time.sleep(0.1)
        self.kill()
        raise RuntimeError("the server did not answer in time")

    def kill(self) -> None:
        """SIGKILL the whole process group (uvicorn's supervisor and its workers)."""
        import signal

        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)

    def stop(self) -> None:
        import signal

        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


class ApiClient:
    """A JSON API client over plain HTTP on loopback. It keeps the session cookie itself:
    the cookie is Secure, which a browser honours on loopback but httpx's cookie jar does not."""

    def __init__(self, base: str) -> None:
        self.http = httpx.Client(base_url=base, timeout=30)
        self.csrf = ""

    def sign_in(self, username: str, password: str = PASSWORD) -> ApiClient:
        r = self.http.post("/clinic/api/session", json={"username": username, "password": password})
        assert r.status_code == 200, r.text
        self.csrf = r.json()["csrf_token"]
        self.http.headers["cookie"] = f"hipnav_session={r.cookies['hipnav_session']}"
        self.http.cookies.clear()
        return self

    def post(self, path: str, body: object) -> httpx.Response:
        return self.http.post(path, json=body, headers={"x-csrf-token": self.csrf})

    def get(self, path: str) -> httpx.Response:
        return self.http.get(path)

    def close(self) -> None:
        self.http.close()
