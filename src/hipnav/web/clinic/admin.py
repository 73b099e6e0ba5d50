"""Account management (admin only), the audit log view, and a practitioner's own password."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from hipnav.bad_input import BadInput
from hipnav.store import AccountError, Forbidden, NotFound
from hipnav.store.schema import ROLES
from hipnav.web.clinic import auth, cookies
from hipnav.web.clinic.context import clinic, db, password_work
from hipnav.web.clinic.sessions import claim_password, wait_words
from hipnav.web.field_errors import sentence, worded


def _forbidden(request: Request) -> Response:
    return clinic(request).render(request, "clinic/message.html", status_code=403, title="Admins only",
                                  message="Only an admin manages accounts and reads the audit log.")


#: The new-account form: the store's field -> (the input's id, its name in words).
NEW_ACCOUNT = {"display_name": ("new-display", "Name"), "username": ("new-username", "Account name"),
               "password": ("new-password", "Password"), "role": ("new-role", "Role")}


def _row(account_id: str) -> dict[str, tuple[str, str]]:
    """One account's row of forms: the store's field -> (the input's id, its name in words)."""
    return {"role": (f"role-{account_id}", "Role"), "password": (f"pw-{account_id}", "The new password")}


async def _accounts_page(request: Request, status_code: int = 200, error: str | None = None,
                         notice: str | None = None, errors: dict[str, str] | None = None,
                         values: dict[str, str] | None = None) -> Response:
    """``errors``: input id -> sentence, each shown beside its field and all in the summary
    (:mod:`hipnav.web.field_errors`); ``values``: what was typed in the new-account form,
    kept (a password is never sent back)."""
    who = auth.me(request)
    try:
        accounts = await db(clinic(request).store.accounts.list, who.actor)
    except Forbidden:
        return _forbidden(request)
    return clinic(request).render(request, "clinic/accounts.html", status_code=status_code, accounts=accounts,
                                  roles=ROLES, error=error, notice=notice, errors=errors or {},
                                  values=values or {})


@auth.page
async def accounts(request: Request) -> Response:
    who = auth.me(request)
    if request.method == "GET":
        return await _accounts_page(request)
    form = auth.form_of(request)
    values = {k: str(form.get(k) or "") for k in ("username", "display_name", "role")}
    try:
        created = await db(clinic(request).store.accounts.create, who.actor, values["username"],
                           str(form.get("password") or ""), display_name=values["display_name"],
                           role=values["role"] or "practitioner")
    except Forbidden:
        return _forbidden(request)
    except BadInput as exc:
        errors = worded(exc, NEW_ACCOUNT)
        return await _accounts_page(request, 400, errors=errors, values=values,
                                    error=None if errors else str(exc))
    except AccountError as exc:  # the name is taken
        return await _accounts_page(request, 400, values=values,
                                    errors={"new-username": sentence("Account name:", str(exc))})
    return await _accounts_page(request, notice=f"Account '{created.username}' created.")


@auth.page
async def account_update(request: Request) -> Response:
    """Change role or active flag, or set a new password, of one account."""
    who = auth.me(request)
    store = clinic(request).store
    form = auth.form_of(request)
    account_id = request.path_params["account_id"]
    row = _row(account_id)
    if form.get("password") and account_id == who.actor.id:
        return await _accounts_page(request, 400, errors={row["password"][0]: (
            "Change your own password under Your account, where your current password is asked for.")})
    try:
        if form.get("two_factor") == "reset":
            await db(store.second_factor.disable, who.actor, account_id)
            await db(store.web_sessions.end_all, account_id)
            notice = "Second factor reset; that account was signed out everywhere and sets it up again."
        elif form.get("password"):
            await db(store.accounts.set_password, who.actor, account_id, str(form.get("password")))
            await db(store.web_sessions.end_all, account_id)
            notice = "Password set; that account was signed out everywhere."
        else:
            active = {"yes": True, "no": False}.get(str(form.get("active") or ""))
            role = str(form.get("role") or "") or None
            updated = await db(store.accounts.update, who.actor, account_id, role=role, active=active)
            if not updated.active:
                await db(store.web_sessions.end_all, account_id)
            notice = f"Account '{updated.username}' updated."
    except Forbidden:
        return _forbidden(request)
    except BadInput as exc:
        errors = worded(exc, row)
        return await _accounts_page(request, 400, errors=errors, error=None if errors else str(exc))
    except AccountError as exc:  # the last active admin
        return await _accounts_page(request, 400, errors={row["role"][0]: sentence("Role:", str(exc))})
    except NotFound:
        return await _accounts_page(request, 404, error="No such account.")
    return await _accounts_page(request, notice=notice)


@auth.page
async def audit_log(request: Request) -> Response:
    who = auth.me(request)
    client_id = request.query_params.get("client") or None
    try:
        events = await db(clinic(request).store.audit.events, who.actor, client_id=client_id, limit=500)
    except Forbidden:
        return _forbidden(request)
    return clinic(request).render(request, "clinic/audit.html", events=events, client_id=client_id)


#: The own-password form: the store's field -> (the input's id, its name in words).
OWN_PASSWORD = {"current_password": ("current_password", "Your current password"),
                "password": ("password", "The new password")}


@auth.page
async def my_account(request: Request) -> Response:
    """Change one's own password, with the current one. Wrong current passwords count under
    the sign-in limits, so a borrowed session cannot be used to guess the password. Both
    fields are checked and marked at once; neither password is sent back."""
    who = auth.me(request)
    if request.method == "GET":
        return clinic(request).render(request, "clinic/account.html", error=None, notice=None, errors={})
    form = auth.form_of(request)
    store = clinic(request).store
    attempt = await claim_password(request, who.actor.username)
    if not attempt.allowed:
        return clinic(request).render(request, "clinic/account.html", status_code=429, notice=None, errors={},
                                      error=f"Too many wrong passwords. Try again in "
                                            f"{wait_words(attempt.retry_after)}.")
    try:
        await password_work(request, store.accounts.set_password, who.actor, who.actor.id,
                            str(form.get("password") or ""), str(form.get("current_password") or ""))
    except BadInput as exc:
        await db(store.sign_in_limits.settle, attempt,
                 all(r.field != "current_password" for r in exc.every))
        errors = worded(exc, OWN_PASSWORD)
        return clinic(request).render(request, "clinic/account.html", status_code=400, errors=errors,
                                      error=None if errors else str(exc), notice=None)
    await db(store.sign_in_limits.settle, attempt, True)
    response = RedirectResponse("/clinic/sign-in", status_code=303)
    await db(store.web_sessions.end_all, who.actor.id)  # sign out everywhere
    cookies.drop(request, response, cookies.SESSION)
    return response


routes = [
    Route("/clinic/admin/accounts", accounts, methods=["GET", "POST"]),
    Route("/clinic/admin/accounts/{account_id}", account_update, methods=["POST"]),
    Route("/clinic/admin/audit", audit_log, methods=["GET"]),
    Route("/clinic/account", my_account, methods=["GET", "POST"]),
]
