"""The outcome entry form of a visit (NPRS, PSFS, HOOS-12) and deleting a visit."""

from __future__ import annotations

from datetime import date
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from hipnav.bad_input import BadInput
from hipnav.outcomes.hoos12 import FUNCTION_STEM, ITEMS, PAIN_STEM, SCALE_NAMES, SCALES
from hipnav.outcomes.psfs import ANCHORS as PSFS_ANCHORS
from hipnav.outcomes.psfs import MAX_ACTIVITIES
from hipnav.store import NotFound
from hipnav.web.clinic import auth
from hipnav.web.clinic.clients import not_found, owned_client
from hipnav.web.clinic.context import clinic, db
from hipnav.web.field_errors import worded

STEMS = {"pain": PAIN_STEM, "function": FUNCTION_STEM, "qol": "Quality of life in the last week"}


def _context(values: dict[str, Any], errors: dict[str, str], client: Any) -> dict[str, Any]:
    groups = [(s, SCALE_NAMES[s], STEMS[s], [i for i in ITEMS if i.scale == s]) for s in SCALES]
    return {"client": client, "values": values, "errors": errors, "hoos_groups": groups,
            "psfs_rows": range(1, MAX_ACTIVITIES + 1), "psfs_anchors": PSFS_ANCHORS, "nprs_range": range(11)}


def _read(form: Any) -> tuple[dict[str, Any], dict[str, Any], list[int]]:
    """(values to show again, arguments for the store, the form row of each PSFS activity)."""
    values = {k: str(v) for k, v in form.items() if k != auth.CSRF_FIELD}
    psfs, rows = [], []
    for n in range(1, MAX_ACTIVITIES + 1):
        name = values.get(f"psfs_activity_{n}", "").strip()
        score = values.get(f"psfs_score_{n}", "").strip()
        if name or score:
            rows.append(n)
            try:
                psfs.append({"activity": name, "score": float(score) if score else None})
            except ValueError:
                psfs.append({"activity": name, "score": score})
    hoos = {i.id: values.get(f"hoos_{i.id}") or None for i in ITEMS}
    try:
        when: date | None = date.fromisoformat(values.get("visit_date", ""))
    except ValueError:
        when = None
    return values, {"visit_date": when, "nprs": values.get("nprs") or None, "psfs": psfs or None,
                    "hoos12": {k: v for k, v in hoos.items() if v is not None} or None,
                    "note": values.get("note", "")}, rows


def _fields(rows: list[int]) -> dict[str, tuple[str, str]]:
    """The store's field names -> (the form's input id, its name in words), in form order."""
    fields = {"visit_date": ("visit_date", "The date of the visit"), "visit": ("nprs", "Please"),
              "nprs": ("nprs", "The pain score")}
    for i, n in enumerate(rows):
        fields[f"psfs[{i}].activity"] = (f"psfs_activity_{n}", f"Activity {n}")
        fields[f"psfs[{i}].score"] = (f"psfs_score_{n}", f"The rating of activity {n}")
    fields.update({f"hoos12.{i.id}": (f"hoos_{i.id}", f"The answer to “{i.text}”") for i in ITEMS})
    fields["note"] = ("note", "The note")
    return fields


@auth.page
async def visit_new(request: Request) -> Response:
    who, store, cid, client = await owned_client(request)
    if request.method == "GET":
        values: dict[str, Any] = {"visit_date": date.today().isoformat()}
        previous = await db(store.visits.list, who.actor, cid)
        last_psfs = next((v.psfs for v in reversed(previous) if v.psfs), None) or []
        for n, item in enumerate(last_psfs, start=1):  # the same activities are re-rated
            values[f"psfs_activity_{n}"] = item["activity"]
        return clinic(request).render(request, "clinic/visit_form.html", **_context(values, {}, client))
    values, args, rows = _read(auth.form_of(request))
    try:
        await db(store.visits.record, who.actor, cid, args.pop("visit_date"), **args)
    except BadInput as exc:
        fields = _fields(rows)
        errors = worded(exc, fields) or {"nprs": f"{exc.field} {exc.message}"}
        return clinic(request).render(request, "clinic/visit_form.html", status_code=400,
                                      **_context(values, errors, client))
    except NotFound:
        raise not_found() from None
    return RedirectResponse(f"/clinic/clients/{cid}#outcomes", status_code=303)


@auth.page
async def visit_delete(request: Request) -> Response:
    who = auth.me(request)
    cid = str(auth.form_of(request).get("client_id") or "")
    try:
        await db(clinic(request).store.visits.delete, who.actor, request.path_params["visit_id"])
    except NotFound:
        raise not_found() from None
    return RedirectResponse(f"/clinic/clients/{cid}#outcomes" if cid.isalnum() else "/clinic/clients",
                            status_code=303)


routes = [
    Route("/clinic/clients/{client_id}/visits/new", visit_new, methods=["GET", "POST"]),
    Route("/clinic/visits/{visit_id}/delete", visit_delete, methods=["POST"]),
]
