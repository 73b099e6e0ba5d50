"""Every error answer of the web app, in one place: JSON for the APIs and ``.json`` addresses,
an HTML page for the rest.

The JSON has one shape, ``{"error": code, "field": name, "message": text}`` (:func:`error_json`).
Its status comes from what went wrong:

- a refused input (:class:`~hipnav.bad_input.BadInput`): 400 for a body that is not JSON,
  413 for one over the size limit, 415 for one not declared JSON where only JSON is read,
  422 for a field that is wrong (``field`` names it, and
  ``message`` is ``"<field>: <what is wrong>"``);
- an HTTP error (404, 405 with ``Allow``, 413 from the size guard);
- heavy work refused because its queue is full (:class:`~hipnav.web.work_queue.Busy`): 503
  with ``Retry-After``;
- a crash: 500 with a fixed message (``web/guard.py`` sends it; nothing of the exception
  leaves the server).

The app registers :func:`on_bad_input`, :func:`on_http_error` and :func:`on_busy` as its
exception handlers, so a route (the API's plain ASGI endpoints included) can let a
:class:`BadInput` or a :class:`~hipnav.web.work_queue.Busy` go and have it answered the same
way everywhere.
"""

from __future__ import annotations

import msgspec
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from hipnav.bad_input import INVALID_JSON, TOO_LARGE, UNSUPPORTED_MEDIA_TYPE, BadInput
from hipnav.web.work_queue import Busy

_encode = msgspec.json.encode

#: HTTP status of a refused input, by its code (any other code: 422).
_STATUS = {INVALID_JSON: 400, TOO_LARGE: 413, UNSUPPORTED_MEDIA_TYPE: 415}
#: ``error`` code of an HTTP error, by status.
_HTTP_CODES = {404: "not_found", 405: "method_not_allowed", 413: TOO_LARGE}
_TITLES = {404: "Page not found", 405: "Not allowed", 413: "Too much data"}
#: ``error`` code of heavy work refused because its queue is full (HTTP 503).
BUSY = "busy"
_JSON = "application/json"


def wants_json(path: str) -> bool:
    """Whether an address answers in JSON: the JSON APIs (``/api/``, ``/clinic/api/``) and
    the JSON representations (``/result.json``)."""
    return "/api/" in path or path.endswith(".json")


def error_json(code: str, field: str | None, message: str) -> bytes:
    """The one shape of every JSON error."""
    return _encode({"error": code, "field": field, "message": message})


def json_error(status: int, code: str, field: str | None, message: str,
               headers: dict[str, str] | None = None) -> Response:
    return Response(error_json(code, field, message), status_code=status, media_type=_JSON, headers=headers)


def bad_input_status(exc: BadInput) -> int:
    return _STATUS.get(exc.code, 422)


def bad_input_json(exc: BadInput) -> tuple[int, bytes]:
    """A refused input's status and JSON body."""
    return bad_input_status(exc), error_json(exc.code, exc.field, str(exc))


def http_error_json(exc: HTTPException) -> tuple[int, bytes]:
    """An HTTP error's status and JSON body (a 413 names the body)."""
    status = exc.status_code
    return status, error_json(_HTTP_CODES.get(status, "error"), "body" if status == 413 else None,
                              str(exc.detail))


def error_page(request: Request, status: int, title: str, message: str) -> Response:
    """The HTML error page, with the site's layout."""
    page: Response = request.app.state.site.render(request, "error.html", status_code=status, title=title,
                                                   message=message)
    return page


async def on_bad_input(request: Request, exc: Exception) -> Response:
    """Exception handler: a refused input that no route answered itself."""
    assert isinstance(exc, BadInput)
    if wants_json(request.url.path):
        status, body = bad_input_json(exc)
        return Response(body, status_code=status, media_type=_JSON)
    status = 413 if exc.code == TOO_LARGE else 400
    return error_page(request, status, "This link is not complete",
                      f"We could not read part of this page's address ({exc}). Please start again.")


async def on_http_error(request: Request, exc: Exception) -> Response:
    """Exception handler: 404, 405 and the size guard's 413, as JSON or as a page."""
    assert isinstance(exc, HTTPException)
    headers = dict(exc.headers or {})
    if wants_json(request.url.path):
        status, body = http_error_json(exc)
        return Response(body, status_code=status, media_type=_JSON, headers=headers)
    message = "There is no page at this address." if exc.status_code == 404 else str(exc.detail)
    page = error_page(request, exc.status_code, _TITLES.get(exc.status_code, "Something went wrong"), message)
    page.headers.update(headers)
    return page


async def on_busy(request: Request, exc: Exception) -> Response:
    """Exception handler: heavy work refused at once because its queue is full."""
    assert isinstance(exc, Busy)
    headers = {"retry-after": str(exc.retry_after)}
    if wants_json(request.url.path):
        return json_error(503, BUSY, None, exc.message, headers)
    page = error_page(request, 503, "Busy right now", exc.message)
    page.headers.update(headers)
    return page


SERVER_ERROR_JSON = error_json("internal_error", None, "Something went wrong on our side.")
SERVER_ERROR_HTML = (
    b'<!doctype html><html lang="en"><head><meta charset="utf-8">'
    b'<meta name="viewport" content="width=device-width, initial-scale=1">'
    b'<title>Something went wrong \xc2\xb7 hipnav</title><link rel="stylesheet" href="/static/hipnav.css">'
    b'</head><body><main class="wrap"><h1>Something went wrong</h1>'
    b"<p>Something went wrong on our side. Please try again.</p>"
    b'<p><a class="button primary" href="/">Go to the start</a></p></main></body></html>'
)
