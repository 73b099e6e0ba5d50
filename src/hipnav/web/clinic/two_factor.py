"""Setting up and turning off one's own second factor (``/clinic/account/two-factor``).

Setting up: the page shows a new secret as a QR code (segno, an inline SVG image) and as
text, for any authenticator app; the secret rides in the form with an HMAC under the
server's key bound to the account, so nothing is stored until the app's first code proves
the phone has it. Then the ten recovery codes are shown, once. Admins must have a second
factor (``auth.page`` sends them here first) and cannot turn it off; practitioners may, with
their password, counted under the sign-in limits like every password check.
"""

from __future__ import annotations

import hashlib
import hmac

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from hipnav.bad_input import BadInput
from hipnav.store import AccountError
from hipnav.store.second_factor import new_secret, provisioning_uri
from hipnav.web.clinic import auth
from hipnav.web.clinic.context import clinic, db, password_work
from hipnav.web.clinic.sessions import claim_password, wait_words

TEMPLATE = "clinic/two_factor.html"


def _mac(key: bytes, account_id: str, secret: str) -> str:
    return hmac.new(key, f"totp\x1f{account_id}\x1f{secret}".encode(), hashlib.sha256).hexdigest()


def _qr_data_uri(uri: str) -> str:
    import segno

    data_uri: str = segno.make(uri, error="m").svg_data_uri(scale=5, border=2)
    return data_uri


async def _set_up_page(request: Request, status_code: int = 200, error: str | None = None) -> Response:
    c = clinic(request)
    who = auth.me(request)
    secret = new_secret()
    uri = provisioning_uri(secret, who.actor.username)
    return c.render(request, TEMPLATE, status_code=status_code, mode="set_up", secret=secret,
                    secret_mac=_mac(c.key, who.actor.id, secret), qr=_qr_data_uri(uri), error=error,
                    codes=None, codes_left=0)


async def _enabled_page(request: Request, status_code: int = 200, error: str | None = None,
                        notice: str | None = None) -> Response:
    who = auth.me(request)
    left = await db(clinic(request).store.second_factor.recovery_codes_left, who.actor.id)
    return clinic(request).render(request, TEMPLATE, status_code=status_code, mode="enabled", error=error,
                                  notice=notice, codes=None, codes_left=left)


@auth.page
async def two_factor(request: Request) -> Response:
    who = auth.me(request)
    c = clinic(request)
    if request.method == "GET":
        return await (_enabled_page(request) if who.two_factor else _set_up_page(request))
    form = auth.form_of(request)
    if str(form.get("action") or "") == "turn_off":
        return await _turn_off(request, str(form.get("password") or ""))
    secret = str(form.get("secret") or "")[:64]
    if not hmac.compare_digest(_mac(c.key, who.actor.id, secret), str(form.get("secret_mac") or "")):
        return await _set_up_page(request, 400, "The form had expired. Scan the new code below.")
    try:
        codes = await db(c.store.second_factor.enable, who.actor, secret, str(form.get("code") or "")[:64])
    except BadInput as exc:
        qr = _qr_data_uri(provisioning_uri(secret, who.actor.username))
        return c.render(request, TEMPLATE, status_code=400, mode="set_up", secret=secret, qr=qr,
                        secret_mac=form.get("secret_mac"), error=f"That code is not right: it {exc.message}.",
                        codes=None, codes_left=0)
    return c.render(request, TEMPLATE, mode="codes", codes=codes, codes_left=len(codes))


async def _turn_off(request: Request, password: str) -> Response:
    who = auth.me(request)
    store = clinic(request).store
    name = who.actor.username
    attempt = await claim_password(request, name)
    if not attempt.allowed:
        return await _enabled_page(request, 429, f"Too many wrong passwords. Try again in "
                                                 f"{wait_words(attempt.retry_after)}.")
    right = await password_work(request, store.accounts.authenticate, name, password) is not None
    await db(store.sign_in_limits.settle, attempt, right)
    if not right:
        return await _enabled_page(request, 400, "That password is not right.")
    try:
        await db(store.second_factor.disable, who.actor, who.actor.id)
    except AccountError as exc:
        return await _enabled_page(request, 400, f"{str(exc).capitalize()}.")
    return clinic(request).render(request, "clinic/message.html", title="Second factor turned off",
                                  message="Signing in now needs your password only. You can turn the "
                                          "second factor on again on this page at any time.")


routes = [Route(auth.SET_UP_SECOND_FACTOR, two_factor, methods=["GET", "POST"])]
