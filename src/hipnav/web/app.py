"""The app factory: pages, JSON API, static assets and optional extensions in one Starlette app.

``hipnav serve`` runs ``create_app`` under uvicorn (``factory=True``), one app per worker.
The knowledge base is compiled when the app is built, so a broken knowledge base stops the
server at start-up instead of failing a person's request, and the first request is as fast
as the rest.

Extensions: for each module named in :data:`EXTENSIONS` that is installed, its ``routes``
(a list of Starlette routes) are added before the static files. The clinic features
(accounts, records, reports) arrive this way as ``hipnav.web.clinic``; they find the shared
:class:`~hipnav.web.site.Site` at ``request.app.state.site`` and render templates that
extend ``base.html``.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import logging
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

from hipnav.bad_input import BadInput
from hipnav.engine import CompiledModel
from hipnav.web.api import Api
from hipnav.web.errors import on_bad_input, on_busy, on_http_error
from hipnav.web.guard import MAX_BODY_BYTES, Guard
from hipnav.web.guides import routes as guide_routes
from hipnav.web.intake import load_pipeline
from hipnav.web.intake_pages import IntakePages
from hipnav.web.pages import Pages
from hipnav.web.site import STATIC_DIR, make_site
from hipnav.web.work_queue import Busy

#: Optional route modules, included when importable.
EXTENSIONS = ("hipnav.web.clinic",)

log = logging.getLogger("hipnav.web")


def _extension_routes(names: tuple[str, ...]) -> list[BaseRoute]:
    routes: list[BaseRoute] = []
    for name in names:
        try:
            module = importlib.import_module(f"{name}.routes")
        except ModuleNotFoundError as exc:
            if exc.name not in (name, f"{name}.routes"):
                # Installed, but a library it needs is not (e.g. hipnav[web] without [clinic]).
                log.warning("%s is off: it needs %s, which is not installed", name, exc.name)
            continue
        routes += list(module.routes)
    return routes


@contextlib.asynccontextmanager
async def _lifespan(app: Starlette) -> AsyncIterator[None]:
    """At start-up, before the first request: load the free-text extractor's pipeline (in a
    worker thread, see ``web/intake.py``), then move everything loaded so far (the compiled
    knowledge base, templates, spaCy, modules: some hundreds of thousands of objects) out of
    the garbage collector's sight. A full collection otherwise walks all of them and stalls a
    request for tens of milliseconds now and then, which is what a p99 latency measures."""
    await load_pipeline()
    gc.collect()
    gc.freeze()
    yield


def create_app(model: CompiledModel | None = None, *, max_body_bytes: int = MAX_BODY_BYTES,
               extensions: tuple[str, ...] = EXTENSIONS) -> Starlette:
    """The web application. ``model`` defaults to the shipped knowledge base."""
    from hipnav.assessment import default_model
    from hipnav.result import prepare

    model = model or default_model()
    prepare(model.kb)  # everything derived from the knowledge base, before the first request
    site = make_site(model)
    pages = Pages(site)
    api = Api(site)
    routes: list[BaseRoute] = [
        *api.routes(),  # first: the busiest routes, matched in order on every request
        *pages.routes(),
        *IntakePages(site, pages).routes(),
        *guide_routes,
        *_extension_routes(extensions),
        Mount("/static", app=StaticFiles(directory=STATIC_DIR), name="static"),
    ]
    app = Starlette(
        routes=routes,
        middleware=[Middleware(Guard, max_body_bytes=max_body_bytes)],
        # refused input and HTTP errors answered in one place (other exceptions: see guard.py)
        exception_handlers={BadInput: on_bad_input, HTTPException: on_http_error, Busy: on_busy},
        lifespan=_lifespan,
    )
    app.state.site = site
    app.state.templates = site.templates
    return app
