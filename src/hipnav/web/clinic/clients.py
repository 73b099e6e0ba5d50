"""Client pages: list and search, create, edit, the client's page (assessments, outcome
charts, visits), export of the whole record and deletion for good."""

from __future__ import annotations

import json
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from hipnav.bad_input import BadInput
from hipnav.store import NotFound
from hipnav.store.clients import EDITABLE
from hipnav.store.schema import SEXES
from hipnav.web.clinic import auth, chart
from hipnav.web.clinic.context import clinic, db
from hipnav.web.field_errors import worded


def not_found() -> HTTPException:
    return HTTPException(404, "There is no such record.")


async def owned_client(request: Request) -> tuple[Any, Any, str, Any]:
    """The acting practitioner, the store, and the client the path names, which must be
    theirs: another practitioner's client is a 404 like a missing one (and is audited)."""
    who = auth.me(request)
    store = clinic(request).store
    cid = request.path_params["client_id"]
    try:
        client = await db(store.clients.get, who.actor, cid)
    except NotFound:
        raise not_found() from None
    return who, store, cid, client


def _fields(form: Any) -> dict[str, str]:
    """The client fields the form sent (a field left out is left as it was)."""
    return {k: str(form.get(k) or "") for k in EDITABLE if k in form}


#: The client form's fields: the store's name -> (the input's id, its name in words).
CLIENT_FIELDS = {
    "display_name": ("display_name", "The name or initials"), "reference": ("reference", "The record number"),
    "birth_year": ("birth_year", "The year of birth"), "sex": ("sex", "Sex"),
    "contact": ("contact", "The contact"), "notes": ("notes", "The notes"),
}


@auth.page
async def clients_list(request: Request) -> Response:
    who = auth.me(request)
    q = request.query_params.get("q", "")[:100]
    clients = await db(clinic(request).store.clients.list, who.actor, q or None)
    return clinic(request).render(request, "clinic/clients.html", clients=clients, q=q)


@auth.page
async def client_new(request: Request) -> Response:
    who = auth.me(request)
    if request.method == "GET":
        return clinic(request).render(request, "clinic/client_form.html", client=None, values={},
                                      errors={}, sexes=SEXES)
    values = _fields(auth.form_of(request))
    try:
        created = await db(clinic(request).store.clients.create, who.actor, **values)
    except BadInput as exc:
        return clinic(request).render(request, "clinic/client_form.html", status_code=400, client=None,
                                      values=values, errors=worded(exc, CLIENT_FIELDS),
                                      sexes=SEXES)
    return RedirectResponse(f"/clinic/clients/{created.id}", status_code=303)


@auth.page
async def client_page(request: Request) -> Response:
    who = auth.me(request)
    store = clinic(request).store
    cid = request.path_params["client_id"]
    try:
        client = await db(store.clients.get, who.actor, cid)
        assessments = await db(store.assessments.list, who.actor, cid)
        visits = await db(store.visits.list, who.actor, cid)
    except NotFound:
        raise not_found() from None
    charts = [(c, chart.svg(c)) for c in chart.charts_for(visits)]
    return clinic(request).render(request, "clinic/client.html", client=client,
                                  assessments=list(reversed(assessments)), visits=visits, charts=charts)


@auth.page
async def client_edit(request: Request) -> Response:
    who, store, cid, client = await owned_client(request)
    if request.method == "GET":
        values = {k: "" if getattr(client, k) is None else str(getattr(client, k)) for k in EDITABLE}
        return clinic(request).render(request, "clinic/client_form.html", client=client, values=values,
                                      errors={}, sexes=SEXES)
    values = _fields(auth.form_of(request))
    try:
        await db(store.clients.update, who.actor, cid, **values)
    except BadInput as exc:
        return clinic(request).render(request, "clinic/client_form.html", status_code=400, client=client,
                                      values=values, errors=worded(exc, CLIENT_FIELDS),
                                      sexes=SEXES)
    except NotFound:
        raise not_found() from None
    return RedirectResponse(f"/clinic/clients/{cid}", status_code=303)


@auth.page
async def client_export(request: Request) -> Response:
    """The whole record as a JSON download (the right of access)."""
    who = auth.me(request)
    cid = request.path_params["client_id"]
    try:
        record = await db(clinic(request).store.records.export, who.actor, cid)
    except NotFound:
        raise not_found() from None
    return Response(json.dumps(record, indent=2, ensure_ascii=False), media_type="application/json",
                    headers={"content-disposition": f'attachment; filename="hipnav-client-{cid}.json"'})


@auth.page
async def client_delete(request: Request) -> Response:
    """Confirm, then delete the client and everything recorded about them."""
    who, store, cid, client = await owned_client(request)
    if request.method == "GET":
        return clinic(request).render(request, "clinic/client_delete.html", client=client, error=None)
    typed = str(auth.form_of(request).get("confirm") or "").strip()
    if typed != client.display_name:
        return clinic(request).render(request, "clinic/client_delete.html", status_code=400, client=client,
                                      error="Type the client's name exactly as shown to confirm.")
    try:
        await db(store.records.delete, who.actor, cid)
    except NotFound:
        raise not_found() from None
    return RedirectResponse("/clinic/clients?deleted=1", status_code=303)


async def home(request: Request) -> Response:
    who = await auth.current(request)
    return RedirectResponse("/clinic/clients" if who else "/clinic/sign-in", status_code=303)


routes = [
    Route("/clinic", home, methods=["GET"]),
    Route("/clinic/clients", clients_list, methods=["GET"]),
    Route("/clinic/clients/new", client_new, methods=["GET", "POST"]),
    Route("/clinic/clients/{client_id}", client_page, methods=["GET"]),
    Route("/clinic/clients/{client_id}/edit", client_edit, methods=["GET", "POST"]),
    Route("/clinic/clients/{client_id}/export.json", client_export, methods=["GET"]),
    Route("/clinic/clients/{client_id}/delete", client_delete, methods=["GET", "POST"]),
]
