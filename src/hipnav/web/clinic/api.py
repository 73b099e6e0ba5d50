"""The clinic's JSON API, for integrations and the benchmark. Same rules as the pages:
a session (``POST /clinic/api/session``), the CSRF token in ``X-CSRF-Token`` on every
change, and 404 for anything that is not the caller's own.

Every body is read by the one bounded decoder (:func:`hipnav.json_input.decode_json`: size,
nesting, integer digits, numbers beyond a float, control characters) and must be a JSON
object; every refusal is a :class:`~hipnav.bad_input.BadInput`, left to the app's handler
in ``hipnav.web.errors`` (400 for the body as a whole, 415 for a body not declared JSON, 422
naming the field), and a record that is not the caller's own is answered 404 by
:func:`hipnav.web.clinic.auth.api`: no endpoint writes an error of its own."""

from __future__ import annotations

from datetime import date
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from hipnav.bad_input import INVALID_JSON, UNSUPPORTED_MEDIA_TYPE, BadInput
from hipnav.json_input import decode_json
from hipnav.web.clinic import auth
from hipnav.web.clinic.assessments import assess_case
from hipnav.web.clinic.context import clinic, db

VISIT_FIELDS = ("visit_date", "nprs", "psfs", "hoos12", "note")


async def _object(request: Request, what: str) -> dict[str, Any]:
    """The body: declared JSON (anything else is refused unread, 415: ASVS 4.0.3 13.2.5), a
    JSON object within the decoder's bounds, else :class:`BadInput`."""
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != "application/json":
        raise BadInput("body", "must be sent as application/json", UNSUPPORTED_MEDIA_TYPE)
    body = decode_json(await request.body())
    if type(body) is not dict:
        raise BadInput("body", f"must be a JSON object: {what}", INVALID_JSON)
    return body


def _visit_date(value: object) -> date:
    if value is None:
        return date.today()
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise BadInput("visit_date", "must be a date written YYYY-MM-DD")


@auth.api
async def clients(request: Request) -> Response:
    who = auth.me(request)
    store = clinic(request).store
    if request.method == "GET":
        found = await db(store.clients.list, who.actor, request.query_params.get("q") or None)
        return JSONResponse({"clients": [c.to_json() for c in found]})
    body = await _object(request, "the client's fields")
    created = await db(store.clients.create, who.actor, **body)
    return JSONResponse(created.to_json(), status_code=201)


@auth.api
async def client(request: Request) -> Response:
    who = auth.me(request)
    store = clinic(request).store
    cid = request.path_params["client_id"]
    if request.method == "GET":
        return JSONResponse((await db(store.clients.get, who.actor, cid)).to_json())
    if request.method == "DELETE":
        await db(store.records.delete, who.actor, cid)
        return Response(status_code=204)
    body = await _object(request, "the fields to change")
    return JSONResponse((await db(store.clients.update, who.actor, cid, **body)).to_json())


@auth.api
async def client_export(request: Request) -> Response:
    who = auth.me(request)
    return JSONResponse(await db(clinic(request).store.records.export, who.actor,
                                 request.path_params["client_id"]))


@auth.api
async def client_assessments(request: Request) -> Response:
    """GET: the client's saved assessments. POST a case-format case: assessed, saved, and
    answered with 201 only once it is durably stored."""
    who = auth.me(request)
    c = clinic(request)
    cid = request.path_params["client_id"]
    if request.method == "GET":
        saved = await db(c.store.assessments.list, who.actor, cid)
        return JSONResponse({"assessments": [a.to_json() for a in saved]})
    raw = await _object(request, "one case-format case")
    case, doc = await db(assess_case, c.site, raw)
    saved_one = await db(c.store.assessments.save, who.actor, cid, case, doc, source="api")
    return JSONResponse({"id": saved_one.id, "created_at": saved_one.created_at.isoformat(),
                         "result": saved_one.result}, status_code=201)


@auth.api
async def assessment(request: Request) -> Response:
    who = auth.me(request)
    saved = await db(clinic(request).store.assessments.get, who.actor, request.path_params["assessment_id"])
    return JSONResponse(saved.to_json())


@auth.api
async def client_visits(request: Request) -> Response:
    """GET: the client's outcome visits. POST {visit_date, nprs?, psfs?, hoos12?, note?}."""
    who = auth.me(request)
    store = clinic(request).store
    cid = request.path_params["client_id"]
    if request.method == "GET":
        visits = await db(store.visits.list, who.actor, cid)
        return JSONResponse({"visits": [v.to_json() for v in visits]})
    body = await _object(request, "visit_date (YYYY-MM-DD) and the measures")
    unknown = sorted(set(body) - set(VISIT_FIELDS))
    if unknown:
        raise BadInput(unknown[0], f"is not a visit field (fields: {', '.join(VISIT_FIELDS)})")
    visit = await db(store.visits.record, who.actor, cid, _visit_date(body.get("visit_date")),
                     nprs=body.get("nprs"), psfs=body.get("psfs"), hoos12=body.get("hoos12"),
                     note=body.get("note"))
    return JSONResponse(visit.to_json(), status_code=201)


routes = [
    Route("/clinic/api/clients", clients, methods=["GET", "POST"]),
    Route("/clinic/api/clients/{client_id}", client, methods=["GET", "PATCH", "DELETE"]),
    Route("/clinic/api/clients/{client_id}/export", client_export, methods=["GET"]),
    Route("/clinic/api/clients/{client_id}/assessments", client_assessments, methods=["GET", "POST"]),
    Route("/clinic/api/clients/{client_id}/visits", client_visits, methods=["GET", "POST"]),
    Route("/clinic/api/assessments/{assessment_id}", assessment, methods=["GET"]),
]
