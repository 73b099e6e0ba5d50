"""The condition guides on the web: ``/conditions`` (an index grouped by where the pain is felt,
as on the body map) and ``/conditions/<id>`` (one guide: what the research says).

Each cause in a result links here (``report.Cause.guide_href``). The guides are read and
validated once per app, against the app's own knowledge base, so the evidence list on a page
is generated from the same figures as the result it was opened from.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from hipnav.knowledge import guide as guides
from hipnav.knowledge import guide_render
from hipnav.web.site import Site

REGION_BLURB = {
    "groin/front": "Pain in the groin or the front of the hip",
    "outer hip": "Pain on the outer side of the hip",
    "buttock/back": "Pain in the buttock or low back",
    "thigh/knee": "Pain down the thigh or at the knee",
    "whole hip": "Pain in and around the whole hip",
    "abdomen": "Pain in the lower belly",
}


def _site(request: Request) -> Site:
    site: Site = request.app.state.site
    return site


def _guides(request: Request) -> dict[str, guides.Guide]:
    return _site(request).guides


async def index(request: Request) -> Response:
    all_guides = _guides(request)
    groups = []
    for region in guides.REGIONS:
        items = sorted((g for g in all_guides.values() if g.region == region), key=lambda g: g.title)
        if items:
            groups.append({"region": region, "slug": guides.REGION_SLUGS[region],
                           "blurb": REGION_BLURB.get(region, region), "guides": items})
    return _site(request).render(request, "guide_index.html", groups=groups)


async def page(request: Request) -> Response:
    cid = request.path_params["cid"]
    guide = _guides(request).get(cid)
    if guide is None:
        raise HTTPException(404, f"There is no guide called '{cid}'.")
    kb = _site(request).kb
    condition = kb.conditions.get(cid)
    return _site(request).render(
        request, "guide.html", guide=guide,
        sections=guide_render.render_sections_html(guide, kb),
        drawing=guide_render.drawing_svg(guide),
        medical_name=condition.name if condition else guide.title,
        region_slug=guides.REGION_SLUGS[guide.region],
        disclaimer_guide=guide_render.DISCLAIMER,
    )


routes: list[Route] = [
    Route("/conditions", index, name="conditions"),
    Route("/conditions/{cid:str}", page, name="condition_guide"),
]
