"""The clinic's cookies and the transport they travel on.

* Whether a request arrived over HTTPS is decided by the connection, never by the Host
  header a client writes: the scheme uvicorn saw (TLS it terminated, or
  ``X-Forwarded-Proto`` from a proxy named in ``hipnav serve --forwarded-allow-ips``, which
  uvicorn alone applies), or else a peer on the loopback interface that came through no
  proxy (a browser on the server's own machine). Forwarding headers that uvicorn left
  untouched came from a proxy that was not named: such a request is neither.
* Over HTTPS every cookie is named with the ``__Host-`` prefix (RFC 6265bis 4.1.3.2):
  browsers accept it only with ``Secure``, ``Path=/`` and no ``Domain``, so no other host
  or plain-HTTP page can plant or overwrite it. On loopback over plain HTTP the bare name is
  used (every cookie is ``Secure`` still, which browsers honour on loopback).
* The device cookie (OWASP "Slow Down Online Guessing Attacks with Device Cookies") is
  given to a browser when an account signs in with it: a random nonce and an HMAC of the
  account name and nonce under the server's secret key. A browser that sends a valid one is
  counted apart by the sign-in limits (:mod:`hipnav.store.sign_in_limits`).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
from datetime import timedelta
from typing import Literal

from starlette.requests import Request
from starlette.responses import Response

SESSION = "hipnav_session"
FORM = "hipnav_form"
DEVICE = "hipnav_device"
DEVICE_LIFETIME = timedelta(days=365)
FORWARDING_HEADERS = ("x-forwarded-for", "x-forwarded-proto", "forwarded")


def is_https(request: Request) -> bool:
    return request.scope.get("scheme") == "https"


def from_untrusted_proxy(request: Request) -> bool:
    """Forwarding headers that uvicorn did not apply (it applies only a named proxy's)."""
    peer = request.scope.get("client")
    if peer is None:
        return False
    return _loopback(peer[0]) and any(h in request.headers for h in FORWARDING_HEADERS)


def secure_transport(request: Request) -> bool:
    """HTTPS, or plain HTTP from a browser on this machine (no proxy in between)."""
    if is_https(request):
        return True
    peer = request.scope.get("client")
    return peer is not None and _loopback(peer[0]) and not from_untrusted_proxy(request)


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def name(request: Request, base: str) -> str:
    return f"__Host-{base}" if is_https(request) else base


def read(request: Request, base: str) -> str | None:
    return request.cookies.get(name(request, base))


def put(request: Request, response: Response, base: str, value: str, *, max_age: int | None = None,
        samesite: Literal["lax", "strict"] = "lax") -> None:
    response.set_cookie(name(request, base), value, max_age=max_age, httponly=True, secure=True,
                        samesite=samesite, path="/")


def drop(request: Request, response: Response, base: str) -> None:
    response.delete_cookie(name(request, base), path="/", secure=True, httponly=True, samesite="lax")


def _device_mac(key: bytes, username: str, nonce: str) -> str:
    message = f"device\x1f{username.strip().lower()}\x1f{nonce}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def give_device(request: Request, response: Response, key: bytes, username: str) -> None:
    nonce = secrets.token_urlsafe(24)
    put(request, response, DEVICE, f"{nonce}.{_device_mac(key, username, nonce)}",
        max_age=int(DEVICE_LIFETIME.total_seconds()), samesite="strict")


def device_nonce(request: Request, key: bytes, username: str) -> str | None:
    """The nonce of the browser's device cookie if it is valid for ``username``."""
    value = read(request, DEVICE)
    if not value or len(value) > 200 or "." not in value:
        return None
    nonce, mac = value.rsplit(".", 1)
    return nonce if hmac.compare_digest(mac, _device_mac(key, username, nonce)) else None
