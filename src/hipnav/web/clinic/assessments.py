"""Assessments in the clinic: import a case-format JSON, save a result from the web flow to
a client, view a saved assessment as it was shown, and the provider downloads (PDF and
FHIR) for saved assessments and for anyone's result page."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from hipnav.assessment import assess
from hipnav.bad_input import BadInput
from hipnav.engine import parse_case
from hipnav.json_input import decode_json
from hipnav.reports.document import build_document
from hipnav.reports.subject import ReportSubject
from hipnav.store import Actor, NotFound
from hipnav.web.clinic import auth
from hipnav.web.clinic.clients import not_found
from hipnav.web.clinic.context import clinic, db
from hipnav.web.field_errors import worded_document
from hipnav.web.forms import parse_state
from hipnav.web.site import Site

MAX_IMPORT_BYTES = 60_000


def assess_case(site: Site, raw: object) -> tuple[dict[str, Any], dict[str, Any]]:
    """Validate and assess a raw case with this server's model: (case JSON, result document)."""
    case = parse_case(raw, site.kb)
    return case.to_json(), build_document(assess(case, site.model))


def _state_case(request: Request) -> dict[str, Any]:
    site: Site = request.app.state.site
    return parse_state(request.query_params.multi_items(), site.kb, site.body_map).raw_case(site.body_map)


# -- downloads ---------------------------------------------------------------------------------

def _pdf_response(case: dict[str, Any], doc: dict[str, Any], name: str, subject: ReportSubject | None = None,
                  visits: list[dict[str, Any]] | None = None) -> Response:
    from hipnav.reports.pdf import render_pdf

    pdf = render_pdf(case, doc, subject=subject, visits=visits or [])
    return Response(pdf, media_type="application/pdf",
                    headers={"content-disposition": f'attachment; filename="{name}.pdf"'})


def _fhir_response(case: dict[str, Any], doc: dict[str, Any], name: str, subject: ReportSubject | None = None,
                   visits: list[dict[str, Any]] | None = None, seed: str | None = None) -> Response:
    from hipnav.reports.fhir import build_bundle, validate

    bundle = build_bundle(case, doc, subject=subject, visits=visits or [], seed=seed)
    validate(bundle)
    return Response(json.dumps(bundle, indent=2, ensure_ascii=False), media_type="application/fhir+json",
                    headers={"content-disposition": f'attachment; filename="{name}.fhir.json"'})


async def result_pdf(request: Request) -> Response:
    """"PDF for my provider" for anyone's result page: the state is in the query, as on /result."""
    # No store here: the anonymous flow keeps nothing (not even an empty database file).
    case, doc = await db(assess_case, request.app.state.site, _state_case(request))
    return await db(_pdf_response, case, doc, "hipnav-summary")


async def result_fhir(request: Request) -> Response:
    case, doc = await db(assess_case, request.app.state.site, _state_case(request))
    return await db(_fhir_response, case, doc, "hipnav-assessment")


async def _saved(request: Request) -> tuple[Actor, Any, Any, list[dict[str, Any]], ReportSubject]:
    who = auth.me(request)
    store = clinic(request).store
    try:
        saved = await db(store.assessments.get, who.actor, request.path_params["assessment_id"])
        client = await db(store.clients.get, who.actor, saved.client_id)
        visits = [v.to_json() for v in await db(store.visits.list, who.actor, client.id)]
    except NotFound:
        raise not_found() from None
    subject = ReportSubject(client.display_name, client.reference, client.birth_year, client.sex,
                            who.display_name, client.id)
    return who.actor, saved, client, visits, subject


@auth.page
async def saved_pdf(request: Request) -> Response:
    _actor, saved, _client, visits, subject = await _saved(request)
    return await db(_pdf_response, saved.case, saved.result, f"hipnav-summary-{saved.id}", subject, visits)


@auth.page
async def saved_fhir(request: Request) -> Response:
    _actor, saved, _client, visits, subject = await _saved(request)
    name = f"hipnav-assessment-{saved.id}"
    return await db(_fhir_response, saved.case, saved.result, name, subject, visits, saved.id)


@auth.page
async def saved_page(request: Request) -> Response:
    _actor, saved, client, visits, _subject = await _saved(request)
    return clinic(request).render(request, "clinic/assessment.html", saved=saved, doc=saved.result,
                                  client=client)


# -- import and save ----------------------------------------------------------------------------

@auth.page
async def import_case(request: Request) -> Response:
    """Paste or upload a case-format JSON case; it is assessed now and saved to the client."""
    who = auth.me(request)
    c = clinic(request)
    cid = request.path_params["client_id"]
    try:
        client = await db(c.store.clients.get, who.actor, cid)
    except NotFound:
        raise not_found() from None
    if request.method == "GET":
        return c.render(request, "clinic/import.html", client=client, text="", errors={})
    form = auth.form_of(request)
    upload = form.get("file")
    text = str(form.get("case") or "")
    if upload is not None and not isinstance(upload, str):
        data = await upload.read(MAX_IMPORT_BYTES + 1)
        text = data.decode("utf-8", errors="replace") if data else text
    errors: dict[str, str] = {}
    try:
        raw = decode_json(text, field="case", max_bytes=MAX_IMPORT_BYTES)
        case, doc = await db(assess_case, c.site, raw)
        saved = await db(c.store.assessments.save, who.actor, cid, case, doc, source="import")
    except BadInput as exc:  # every problem of the case at once, beside the box it is in
        errors = worded_document(exc, "case", "The case was refused:", "case")
    except NotFound:
        raise not_found() from None
    if errors:
        return c.render(request, "clinic/import.html", status_code=400, client=client,
                        text=text[:MAX_IMPORT_BYTES], errors=errors)
    return RedirectResponse(f"/clinic/assessments/{saved.id}", status_code=303)


@auth.page
async def save_result(request: Request) -> Response:
    """Save a result from the web flow (its state is in the query) to one of my clients."""
    who = auth.me(request)
    c = clinic(request)
    raw = _state_case(request)
    chosen = request.query_params.get("client")  # started from this client's page
    if request.method == "GET":
        clients = await db(c.store.clients.list, who.actor)
        return c.render(request, "clinic/save_result.html", clients=clients, query=request.url.query,
                        error=None, chosen=chosen)
    form = auth.form_of(request)
    cid = str(form.get("client_id") or "")
    try:
        if cid == "new":
            name = str(form.get("display_name") or "")
            created = await db(c.store.clients.create, who.actor, display_name=name)
            cid = created.id
        case, doc = await db(assess_case, c.site, raw)
        saved = await db(c.store.assessments.save, who.actor, cid, case, doc, source="web")
    except BadInput as exc:
        clients = await db(c.store.clients.list, who.actor)
        return c.render(request, "clinic/save_result.html", status_code=400, clients=clients,
                        query=request.url.query, error=exc.message, chosen=cid)
    except NotFound:
        raise not_found() from None
    return RedirectResponse(f"/clinic/assessments/{saved.id}", status_code=303)


routes = [
    Route("/result/provider.pdf", result_pdf, methods=["GET"]),
    Route("/result/fhir.json", result_fhir, methods=["GET"]),
    Route("/clinic/save", save_result, methods=["GET", "POST"]),
    Route("/clinic/clients/{client_id}/import", import_case, methods=["GET", "POST"]),
    Route("/clinic/assessments/{assessment_id}", saved_page, methods=["GET"]),
    Route("/clinic/assessments/{assessment_id}/report.pdf", saved_pdf, methods=["GET"]),
    Route("/clinic/assessments/{assessment_id}/fhir.json", saved_fhir, methods=["GET"]),
]
