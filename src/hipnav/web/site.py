"""What every route of the web app shares: the compiled model, the templates and the body map.

One :class:`Site` is built per process by :func:`hipnav.web.app.create_app` and handed to
each group of routes; extensions (``hipnav.web.clinic``) find it at ``request.app.state.site``.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.templating import Jinja2Templates

from hipnav import __version__
from hipnav.assessment import DISCLAIMER
from hipnav.describe import clinical_name
from hipnav.engine import CompiledModel
from hipnav.knowledge import guide as guide_files
from hipnav.knowledge.guide_render import AdviceHtml, advice_html
from hipnav.knowledge.model import KnowledgeBase
from hipnav.web.body_map import BodyMap, body_map
from hipnav.web.result_view import in_100, percent, ratio

PACKAGE_DIR = Path(__file__).parent
TEMPLATES_DIR = PACKAGE_DIR / "templates"
STATIC_DIR = PACKAGE_DIR / "static"


def _static_version() -> str:
    """A fingerprint of the shipped assets, so browsers fetch new ones after an upgrade."""
    h = hashlib.sha256()
    for path in sorted(STATIC_DIR.rglob("*")):
        if path.is_file():
            h.update(path.name.encode())
            h.update(path.read_bytes())
    return h.hexdigest()[:10]


def make_templates() -> Jinja2Templates:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,  # a typo in a template fails the tests, not a person
    )
    env.filters["percent"] = percent
    env.filters["ratio"] = ratio
    env.filters["in_100"] = in_100
    env.filters["clinical_name"] = clinical_name
    version = _static_version()
    env.globals["static"] = lambda name: f"/static/{name}?v={version}"
    env.globals["hipnav_version"] = __version__
    env.globals["disclaimer"] = DISCLAIMER
    return Jinja2Templates(env=env)


@dataclass(frozen=True)
class Site:
    model: CompiledModel
    templates: Jinja2Templates
    body_map: BodyMap

    @property
    def kb(self) -> KnowledgeBase:
        return self.model.kb

    @functools.cached_property
    def guides(self) -> dict[str, guide_files.Guide]:
        """The condition guides for this knowledge base, read and validated once (the shipped
        ones are cached for the process)."""
        from hipnav.knowledge import default

        return guide_files.default() if self.kb is default() else guide_files.load(self.kb)

    @functools.cached_property
    def advice(self) -> dict[str, AdviceHtml]:
        """Each guide's "what you can do now", as the result page shows it."""
        return {cid: advice_html(g, f"/conditions/{cid}") for cid, g in self.guides.items()}

    def render(self, request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        """A page from ``templates/``; every page gets the knowledge-base version for its footer."""
        context.setdefault("kb_version", self.kb.version)
        return self.templates.TemplateResponse(request, name, context, status_code=status_code)


def make_site(model: CompiledModel) -> Site:
    return Site(model, make_templates(), body_map(model.kb))
