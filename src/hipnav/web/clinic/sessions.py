"""Pages to set up the first account, sign in and sign out; and the JSON sign-in."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from hipnav.bad_input import BadInput
from hipnav.store import Account
from hipnav.store.audit import DENIED, FAILED, OK, THROTTLED
from hipnav.web.clinic import auth
from hipnav.web.clinic.context import clinic, db

NEEDS_HTTPS = ("Signing in needs a secure (https) connection. Ask whoever runs this hipnav server to "
               "put it behind HTTPS, or open it on this computer at http://127.0.0.1.")


async def _form_page(request: Request, name: str, status_code: int = 200, **context: object) -> Response:
    token, new = auth.pre_form_token(request)
    response = clinic(request).render(request, name, status_code=status_code, csrf=token, **context)
    return auth.set_pre_cookie(response, new)


async def _attempt(request: Request, username: str, password: str) -> tuple[Account | None, str | None]:
    """Check the rate limit and the password; audit the attempt. (account, error message)."""
    store = clinic(request).store
    address = auth.client_address(request)
    known = await db(store.accounts.by_username, username) if username else None
    target = known.id if known else None
    if await db(store.web_sessions.throttled, username, address):
        await db(store.audit.write, None, "account.signin", THROTTLED, target_id=target)
        return None, "Too many failed attempts. Wait 15 minutes, then try again."
    account = await db(store.accounts.authenticate, username, password)
    if account is None:
        await db(store.web_sessions.failed, username, address)
        await db(store.audit.write, None, "account.signin", FAILED, target_id=target)
        return None, "That name and password do not match an active account."
    await db(store.web_sessions.succeeded, username)
    await db(store.audit.write, account.actor(), "account.signin", OK, target_id=account.id)
    return account, None


async def sign_in(request: Request) -> Response:
    if await auth.current(request) is not None and request.method == "GET":
        return RedirectResponse("/clinic/clients", status_code=303)
    if await db(clinic(request).store.accounts.count) == 0:
        return RedirectResponse("/clinic/setup", status_code=303)
    if request.method == "GET":
        return await _form_page(request, "clinic/sign_in.html")
    form = await request.form()
    if not auth.pre_form_ok(request, str(form.get(auth.CSRF_FIELD) or "")):
        return await _form_page(request, "clinic/sign_in.html", status_code=403,
                                error="The form had expired. Please try again.")
    if not auth.https_or_local(request):
        return await _form_page(request, "clinic/sign_in.html", status_code=403, error=NEEDS_HTTPS)
    username = str(form.get("username") or "")[:64]
    account, message = await _attempt(request, username, str(form.get("password") or ""))
    if account is None:
        return await _form_page(request, "clinic/sign_in.html", status_code=401, error=message,
                                username=username)
    response = RedirectResponse("/clinic/clients", status_code=303)
    await auth.start_session(request, account, response)
    return response


async def setup(request: Request) -> Response:
    """The very first account (an admin); gone once any account exists."""
    store = clinic(request).store
    if await db(store.accounts.count) > 0:
        return RedirectResponse("/clinic/sign-in", status_code=303)
    if request.method == "GET":
        return await _form_page(request, "clinic/setup.html")
    form = await request.form()
    if not auth.pre_form_ok(request, str(form.get(auth.CSRF_FIELD) or "")):
        return await _form_page(request, "clinic/setup.html", status_code=403,
                                error="The form had expired. Please try again.")
    if not auth.https_or_local(request):
        return await _form_page(request, "clinic/setup.html", status_code=403, error=NEEDS_HTTPS)
    username = str(form.get("username") or "")
    try:
        account = await db(store.accounts.create, None, username, str(form.get("password") or ""),
                           display_name=str(form.get("display_name") or ""))
    except BadInput as exc:
        return await _form_page(request, "clinic/setup.html", status_code=400, error=str(exc),
                                username=username)
    response = RedirectResponse("/clinic/clients", status_code=303)
    await auth.start_session(request, account, response)
    return response


@auth.page
async def sign_out(request: Request) -> Response:
    who = auth.me(request)
    await db(clinic(request).store.audit.write, who.actor, "account.signout", OK)
    response = RedirectResponse("/clinic/sign-in", status_code=303)
    await auth.end_session(request, response)
    return response


async def api_session(request: Request) -> Response:
    """POST {"username", "password"}: sign in; the answer holds the CSRF token for later calls.
    DELETE: sign out."""
    if request.method == "DELETE":
        who = await auth.current(request)
        if who is None:
            return auth.error(401, "not_signed_in", "Not signed in.")
        if not auth.session_csrf_ok(request, who, request.headers.get(auth.CSRF_HEADER)):
            return auth.error(403, "csrf", "Send the session's CSRF token in the X-CSRF-Token header.")
        response: Response = JSONResponse({"signed_out": True})
        await auth.end_session(request, response)
        return response
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        return auth.error(415, "json_only", "Send the credentials as application/json.")
    if not auth.https_or_local(request):
        return auth.error(403, "https_required", NEEDS_HTTPS)
    try:
        body = await request.json()
    except ValueError:
        return auth.error(400, "invalid_json", "The body is not valid JSON.")
    if not isinstance(body, dict):
        return auth.error(400, "invalid_json", "Send an object with username and password.")
    account, message = await _attempt(request, str(body.get("username") or "")[:64],
                                      str(body.get("password") or ""))
    if account is None:
        status = 429 if message and message.startswith("Too many") else 401
        return auth.error(status, "sign_in_failed", message or "")
    response = JSONResponse({"username": account.username, "role": account.role})
    csrf = await auth.start_session(request, account, response)
    response.body = response.render({"username": account.username, "role": account.role, "csrf_token": csrf})
    response.headers["content-length"] = str(len(response.body))
    return response


routes = [
    Route("/clinic/sign-in", sign_in, methods=["GET", "POST"]),
    Route("/clinic/setup", setup, methods=["GET", "POST"]),
    Route("/clinic/sign-out", sign_out, methods=["POST"]),
    Route("/clinic/api/session", api_session, methods=["POST", "DELETE"]),
]

__all__ = ["DENIED", "routes"]
