"""Pages to set up the first account, sign in and sign out; and the JSON sign-in."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from hipnav.bad_input import BadInput
from hipnav.json_input import decode_json
from hipnav.store import Account, AccountError
from hipnav.store.audit import DENIED, FAILED, OK, THROTTLED
from hipnav.store.sign_in_limits import Attempt, password_keys, second_factor_keys
from hipnav.store.web_sessions import SECOND_FACTOR
from hipnav.web.clinic import auth, cookies
from hipnav.web.clinic.context import clinic, db, password_work
from hipnav.web.errors import bad_input_status
from hipnav.web.field_errors import worded


async def _form_page(request: Request, name: str, status_code: int = 200, **context: object) -> Response:
    token, new = auth.pre_form_token(request)
    response = clinic(request).render(request, name, status_code=status_code, csrf=token, **context)
    return auth.set_pre_cookie(request, response, new)


def wait_words(seconds: int) -> str:
    if seconds < 90:
        return f"{seconds} seconds"
    return f"{round(seconds / 60)} minutes"


class Refused(Exception):
    """A sign-in step refused: the message for the person, the HTTP status, and for 429
    how many seconds to wait."""

    def __init__(self, message: str, status: int = 401, retry_after: int = 0) -> None:
        super().__init__(message)
        self.status, self.retry_after = status, retry_after


async def claim_password(request: Request, username: str) -> Attempt:
    """A place under the sign-in limits for one check of ``username``'s password from this
    browser (its address, and its device cookie if it has one for that account)."""
    keys = password_keys(username, auth.client_address(request), auth.device_nonce(request, username))
    return await db(clinic(request).store.sign_in_limits.claim, keys)


async def _attempt(request: Request, username: str, password: str) -> Account:
    """Claim a place under the sign-in limits, check the password, settle the claim, audit
    the attempt. The account, or :class:`Refused`."""
    queue = clinic(request).password_work
    if queue.full():  # refused before any database or password work
        raise Refused(queue.busy, 503, queue.retry_after)
    store = clinic(request).store
    attempt = await claim_password(request, username)
    known = await db(store.accounts.by_username, username) if username else None
    target = known.id if known else None
    if not attempt.allowed:
        await db(store.audit.write, None, "account.signin", THROTTLED, target_id=target)
        raise Refused(f"Too many failed attempts. Try again in {wait_words(attempt.retry_after)}. "
                      "(A browser you have signed in with before is not slowed down.)", 429,
                      attempt.retry_after)
    account = await password_work(request, store.accounts.authenticate, username, password)
    await db(store.sign_in_limits.settle, attempt, account is not None)
    if account is None:
        await db(store.audit.write, None, "account.signin", FAILED, target_id=target)
        raise Refused("That name and password do not match an active account.")
    return account


async def _second_factor(request: Request, account_id: str, code: str) -> None:
    """Check a second-factor code under its own limit, audited; :class:`Refused` if wrong."""
    store = clinic(request).store
    attempt = await db(store.sign_in_limits.claim, second_factor_keys(account_id))
    if not attempt.allowed:
        await db(store.audit.write, None, "account.second_factor", THROTTLED, target_id=account_id)
        raise Refused(f"Too many wrong codes. Try again in {wait_words(attempt.retry_after)}.", 429,
                      attempt.retry_after)
    right = bool(code) and await db(store.second_factor.verify, account_id, code)
    await db(store.sign_in_limits.settle, attempt, right)
    if not right:
        await db(store.audit.write, None, "account.second_factor", FAILED, target_id=account_id)
        raise Refused("That code is not right. Type the 6 digits your app shows now, or a recovery code.")


async def _signed_in(request: Request, account: Account, response: Response) -> str:
    """Audit the sign-in and start the session; its CSRF token."""
    await db(clinic(request).store.audit.write, account.actor(), "account.signin", OK, target_id=account.id)
    return await auth.start_session(request, account, response)


async def sign_in(request: Request) -> Response:
    if await auth.current(request) is not None and request.method == "GET":
        return RedirectResponse("/clinic/clients", status_code=303)
    if await db(clinic(request).store.accounts.count) == 0:
        return RedirectResponse("/clinic/setup", status_code=303)
    if request.method == "GET":
        return await _form_page(request, "clinic/sign_in.html")
    refusal = auth.transport_refusal(request)
    if refusal:
        return await _form_page(request, "clinic/sign_in.html", status_code=403, error=refusal)
    form = await request.form()
    if not auth.pre_form_ok(request, str(form.get(auth.CSRF_FIELD) or "")):
        return await _form_page(request, "clinic/sign_in.html", status_code=403,
                                error="The form had expired. Please try again.")
    username = str(form.get("username") or "")[:64]
    try:
        account = await _attempt(request, username, str(form.get("password") or ""))
    except Refused as refused:
        page = await _form_page(request, "clinic/sign_in.html", status_code=refused.status,
                                error=str(refused), username=username)
        if refused.retry_after:
            page.headers["retry-after"] = str(refused.retry_after)
        return page
    if account.two_factor:  # the password was right; the code comes on the next page
        response = RedirectResponse("/clinic/sign-in/code", status_code=303)
        await auth.start_session(request, account, response, SECOND_FACTOR)
        return response
    response = RedirectResponse("/clinic/clients", status_code=303)
    await _signed_in(request, account, response)
    return response


async def sign_in_code(request: Request) -> Response:
    """The second step of signing in to an account with a second factor."""
    waiting = await auth.awaiting_code(request)
    if waiting is None:
        return RedirectResponse("/clinic/sign-in", status_code=303)
    c = clinic(request)
    if request.method == "GET":
        return c.render(request, "clinic/sign_in_code.html", csrf=waiting.csrf_token)
    form = await request.form()
    if not auth.session_csrf_ok(request, waiting, str(form.get(auth.CSRF_FIELD) or "")):
        return c.render(request, "clinic/sign_in_code.html", status_code=403, csrf=waiting.csrf_token,
                        error="The form had expired. Please try again.")
    try:
        await _second_factor(request, waiting.actor.id, str(form.get("code") or "")[:64])
    except Refused as refused:
        page = c.render(request, "clinic/sign_in_code.html", status_code=refused.status,
                        csrf=waiting.csrf_token, error=str(refused))
        if refused.retry_after:
            page.headers["retry-after"] = str(refused.retry_after)
        return page
    account = await db(c.store.accounts.get, waiting.actor.id)
    if account is None or not account.active:
        return RedirectResponse("/clinic/sign-in", status_code=303)
    response = RedirectResponse("/clinic/clients", status_code=303)
    await db(c.store.web_sessions.end, cookies.read(request, cookies.SESSION))  # a new token follows
    await _signed_in(request, account, response)
    return response


#: The set-up form: the store's field -> (the input's id, its name in words).
SETUP = {"display_name": ("display_name", "Your name"), "username": ("username", "Account name"),
         "password": ("password", "Password")}


async def setup(request: Request) -> Response:
    """The very first account (an admin); gone once any account exists."""
    store = clinic(request).store
    if await db(store.accounts.count) > 0:
        return RedirectResponse("/clinic/sign-in", status_code=303)
    if request.method == "GET":
        return await _form_page(request, "clinic/setup.html")
    refusal = auth.transport_refusal(request)
    if refusal:
        return await _form_page(request, "clinic/setup.html", status_code=403, error=refusal)
    form = await request.form()
    if not auth.pre_form_ok(request, str(form.get(auth.CSRF_FIELD) or "")):
        return await _form_page(request, "clinic/setup.html", status_code=403,
                                error="The form had expired. Please try again.")
    username, display_name = str(form.get("username") or ""), str(form.get("display_name") or "")
    try:
        account = await db(store.accounts.create, None, username, str(form.get("password") or ""),
                           display_name=display_name)
    except BadInput as exc:  # every field marked at once; the password is not sent back
        errors = worded(exc, SETUP)
        return await _form_page(request, "clinic/setup.html", status_code=400, errors=errors,
                                error=None if errors else str(exc), username=username,
                                display_name=display_name)
    except AccountError:  # someone else's set-up committed first
        return RedirectResponse("/clinic/sign-in", status_code=303)
    response = RedirectResponse(auth.SET_UP_SECOND_FACTOR, status_code=303)  # an admin needs one
    await _signed_in(request, account, response)
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
    refusal = auth.transport_refusal(request)
    if refusal:
        return auth.error(403, "https_required", refusal)
    try:
        body = decode_json(await request.body())
    except BadInput as exc:
        return auth.error(bad_input_status(exc), exc.code, str(exc), exc.field)
    if type(body) is not dict:
        return auth.error(400, "invalid_json", "Send an object with username and password.", "body")
    try:
        account = await _attempt(request, str(body.get("username") or "")[:64],
                                 str(body.get("password") or ""))
        if account.two_factor:
            if not body.get("code"):
                return auth.error(401, "second_factor_required", "This account has a second factor: send "
                                  "the code from its app (or a recovery code) as \"code\".", "code")
            await _second_factor(request, account.id, str(body.get("code"))[:64])
    except Refused as refused:
        failed = auth.error(refused.status, "sign_in_failed", str(refused))
        if refused.retry_after:
            failed.headers["retry-after"] = str(refused.retry_after)
        return failed
    response = JSONResponse({"username": account.username, "role": account.role})
    csrf = await _signed_in(request, account, response)
    response.body = response.render({"username": account.username, "role": account.role, "csrf_token": csrf})
    response.headers["content-length"] = str(len(response.body))
    return response


routes = [
    Route("/clinic/sign-in", sign_in, methods=["GET", "POST"]),
    Route("/clinic/sign-in/code", sign_in_code, methods=["GET", "POST"]),
    Route("/clinic/setup", setup, methods=["GET", "POST"]),
    Route("/clinic/sign-out", sign_out, methods=["POST"]),
    Route("/clinic/api/session", api_session, methods=["POST", "DELETE"]),
]

__all__ = ["DENIED", "routes"]
