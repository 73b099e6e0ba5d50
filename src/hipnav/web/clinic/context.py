"""The clinic's per-process state (store, secret key, templates) and small request helpers.

The store is opened on the first clinic request of each worker process (migrating the
schema if needed), not at import, so the anonymous flow never touches a database. Tests
put their own store in ``app.state.clinic_store`` before the first request.

Password checks (Argon2id: about 0.1 s of CPU and 64 MB each, by design) run one at a time
per worker process (:func:`password_work`, a :class:`~hipnav.web.work_queue.WorkQueue`), on
a thread of their own, so that a crowd signing in cannot take the thread pool that
signed-in pages need for their database calls; when :data:`MAX_QUEUED_PASSWORD_WORK` are
already queued, a sign-in is refused at once (503 with ``Retry-After``), before any
database or password work.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import jinja2
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.templating import Jinja2Templates

from hipnav.store import Store
from hipnav.web.clinic.secret import secret_key
from hipnav.web.site import Site
from hipnav.web.work_queue import WorkQueue

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"
T = TypeVar("T")
_lock = threading.Lock()
#: Password checks queued per process, the one being made included (16 waiting).
MAX_QUEUED_PASSWORD_WORK = 17


@dataclass
class Clinic:
    store: Store
    key: bytes
    templates: Jinja2Templates
    site: Site
    password_work: WorkQueue = field(default_factory=lambda: WorkQueue(
        MAX_QUEUED_PASSWORD_WORK, "Many sign-ins are being checked right now. Try again in a few seconds."))

    def render(self, request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        context.setdefault("kb_version", self.site.kb.version)
        context.setdefault("me", getattr(request.state, "signed_in", None))
        context.setdefault("csrf", getattr(request.state, "csrf", ""))
        for optional in ("error", "notice", "username"):  # templates are strict about names
            context.setdefault(optional, None if optional != "username" else "")
        return self.templates.TemplateResponse(request, name, context, status_code=status_code)


def _templates(site: Site) -> Jinja2Templates:
    base_env = site.templates.env
    loaders: list[jinja2.BaseLoader] = [jinja2.FileSystemLoader(TEMPLATES)]
    if base_env.loader is not None:
        loaders.append(base_env.loader)
    env = base_env.overlay(loader=jinja2.ChoiceLoader(loaders))
    return Jinja2Templates(env=env)


def clinic(request: Request) -> Clinic:
    state = request.app.state
    existing: Clinic | None = getattr(state, "clinic", None)
    if existing is not None:
        return existing
    with _lock:
        existing = getattr(state, "clinic", None)
        if existing is None:
            store = getattr(state, "clinic_store", None) or Store.open()
            key = getattr(state, "clinic_secret", None) or secret_key()
            existing = Clinic(store, key, _templates(state.site), state.site)
            state.clinic = existing
    return existing


async def db(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run a blocking store call off the event loop."""
    return await run_in_threadpool(fn, *args, **kwargs)


async def password_work(request: Request, fn: Callable[..., T], *args: Any) -> T:
    """Run a store call that checks or sets a password: one at a time per process."""
    return await clinic(request).password_work.run(fn, *args)
