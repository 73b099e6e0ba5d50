"""Sign-in, sessions and CSRF protection.

* Sessions: a random token in a ``Secure; HttpOnly; SameSite=Lax`` cookie (``__Host-``
  prefixed over HTTPS, see :mod:`~hipnav.web.clinic.cookies`), looked up in the database on
  each request (:mod:`hipnav.store.web_sessions`), so signing out, deactivating an account
  or changing a password takes effect at once in every worker.
* CSRF: every form carries a token. After sign-in it is the session's own token; before
  (sign-in and first-account forms) it is an HMAC, under the server's secret key, of a random
  value in a separate cookie (a signed double-submit cookie). JSON API calls send the session
  token in the ``X-CSRF-Token`` header; the JSON sign-in call needs ``application/json``,
  which a cross-site form cannot send.
* Guessing is slowed by :mod:`hipnav.store.sign_in_limits`, counted before each check.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from hipnav.store import Account, NotFound
from hipnav.store.web_sessions import CODE_LIFETIME, SECOND_FACTOR, SESSION_LIFETIME, SIGNED_IN, SignedIn
from hipnav.web.clinic import cookies
from hipnav.web.clinic.context import clinic, db
from hipnav.web.errors import json_error

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
NEEDS_HTTPS = ("Signing in needs a secure (https) connection. Ask whoever runs this hipnav server to "
               "put it behind HTTPS, or open it on this computer at http://127.0.0.1.")
UNNAMED_PROXY = ("This request came through a proxy that hipnav was not told to trust, so hipnav cannot "
                 "tell whether it is secure or who sent it. Whoever runs the server: name the proxy with "
                 "hipnav serve --forwarded-allow-ips.")

Handler = Callable[[Request], Awaitable[Response]]


def transport_refusal(request: Request) -> str | None:
    """Why credentials may not be sent over this connection, or None if they may."""
    if cookies.secure_transport(request):
        return None
    return UNNAMED_PROXY if cookies.from_untrusted_proxy(request) else NEEDS_HTTPS


async def current(request: Request) -> SignedIn | None:
    """The signed-in practitioner, looked up once per request."""
    if hasattr(request.state, "signed_in"):
        known: SignedIn | None = request.state.signed_in
        return known
    token = cookies.read(request, cookies.SESSION)
    channel = "api" if request.url.path.startswith("/clinic/api/") else "web"
    who = await db(clinic(request).store.web_sessions.lookup, token, channel) if token else None
    request.state.signed_in = who
    request.state.csrf = who.csrf_token if who else ""
    return who


def pre_form_token(request: Request) -> tuple[str, str | None]:
    """(form token, new cookie value or None) for a form shown before sign-in."""
    nonce = cookies.read(request, cookies.FORM)
    new = None
    if not nonce or len(nonce) > 100:
        nonce = new = secrets.token_urlsafe(24)
    token = hmac.new(clinic(request).key, nonce.encode(), hashlib.sha256).hexdigest()
    request.state.csrf = token
    return token, new


def set_pre_cookie(request: Request, response: Response, value: str | None) -> Response:
    if value:
        cookies.put(request, response, cookies.FORM, value, samesite="strict")
    return response


def pre_form_ok(request: Request, submitted: str | None) -> bool:
    nonce = cookies.read(request, cookies.FORM)
    if not nonce or not submitted:
        return False
    expected = hmac.new(clinic(request).key, nonce.encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, submitted)


def session_csrf_ok(request: Request, who: SignedIn, submitted: str | None) -> bool:
    return bool(submitted) and hmac.compare_digest(who.csrf_token, str(submitted))


async def start_session(request: Request, account: Account, response: Response,
                        stage: str = SIGNED_IN) -> str:
    """A new session (a new token: never one the browser had before, ASVS 3.2.1); the
    session's CSRF token. Signed in, the browser also gets a device cookie; at the
    second-factor stage the session only waits for the code."""
    token, csrf = await db(clinic(request).store.web_sessions.start, account.id, stage)
    lifetime = SESSION_LIFETIME if stage == SIGNED_IN else CODE_LIFETIME
    cookies.put(request, response, cookies.SESSION, token, max_age=int(lifetime.total_seconds()))
    if stage == SIGNED_IN:
        cookies.give_device(request, response, clinic(request).key, account.username)
    return csrf


async def awaiting_code(request: Request) -> SignedIn | None:
    """The account whose right password waits for its second-factor code in this browser."""
    token = cookies.read(request, cookies.SESSION)
    return await db(clinic(request).store.web_sessions.lookup, token, "web", SECOND_FACTOR) if token else None


async def end_session(request: Request, response: Response) -> None:
    await db(clinic(request).store.web_sessions.end, cookies.read(request, cookies.SESSION))
    cookies.drop(request, response, cookies.SESSION)


def client_address(request: Request) -> str:
    """The peer's address: the connection's, or the one a proxy named in
    ``--forwarded-allow-ips`` forwarded (uvicorn applies those, and only those)."""
    return request.client.host if request.client else "unknown"


def device_nonce(request: Request, username: str) -> str | None:
    return cookies.device_nonce(request, clinic(request).key, username)


#: Where an admin without a second factor may go: setting it up, and signing out.
SET_UP_SECOND_FACTOR = "/clinic/account/two-factor"
_BEFORE_SECOND_FACTOR = (SET_UP_SECOND_FACTOR, "/clinic/sign-out")


def needs_second_factor(who: SignedIn) -> bool:
    """An admin, who manages every account, must set up a second factor before doing anything
    else (two factors: NIST SP 800-63B authenticator assurance level 2)."""
    return who.actor.is_admin and not who.two_factor


def page(handler: Handler) -> Handler:
    """A signed-in HTML page: anonymous visitors go to the sign-in page, an admin without a
    second factor to setting it up; a POST must carry the session's CSRF token in its form."""
    async def wrapped(request: Request) -> Response:
        who = await current(request)
        if who is None:
            return RedirectResponse("/clinic/sign-in", status_code=303)
        if needs_second_factor(who) and request.url.path not in _BEFORE_SECOND_FACTOR:
            return RedirectResponse(SET_UP_SECOND_FACTOR, status_code=303)
        if request.method == "POST":
            form = await request.form()
            request.state.form = form
            token = form.get(CSRF_FIELD)
            if not session_csrf_ok(request, who, token if isinstance(token, str) else None):
                return clinic(request).render(request, "clinic/message.html", status_code=403,
                                              title="This form has expired",
                                              message="Please go back, reload the page and try again.")
        return await handler(request)
    wrapped.__name__ = handler.__name__
    wrapped.__doc__ = handler.__doc__
    return wrapped


def api(handler: Handler) -> Handler:
    """A signed-in JSON endpoint: 401 without a session; state-changing methods need the
    session's CSRF token in the X-CSRF-Token header; a record that is not the caller's own
    (:class:`~hipnav.store.NotFound`: missing, or another practitioner's) is a 404."""
    async def wrapped(request: Request) -> Response:
        who = await current(request)
        if who is None:
            return error(401, "not_signed_in", "Sign in first (POST /clinic/api/session).")
        if needs_second_factor(who):
            return error(403, "second_factor_required", "An admin sets up a second factor first: open "
                         f"{SET_UP_SECOND_FACTOR} in a browser.")
        if request.method not in ("GET", "HEAD") and not session_csrf_ok(
                request, who, request.headers.get(CSRF_HEADER)):
            return error(403, "csrf", "Send the session's CSRF token in the X-CSRF-Token header.")
        try:
            return await handler(request)
        except NotFound:
            return error(404, "not_found", "No such record.")
    wrapped.__name__ = handler.__name__
    wrapped.__doc__ = handler.__doc__
    return wrapped


def error(status: int, code: str, message: str, field: str | None = None) -> Response:
    """A JSON error of the clinic API (the one shape, ``hipnav.web.errors``)."""
    return json_error(status, code, field, message)


def me(request: Request) -> SignedIn:
    who: SignedIn = request.state.signed_in
    return who


def form_of(request: Request) -> Any:
    return request.state.form
