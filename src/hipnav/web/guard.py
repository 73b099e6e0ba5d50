"""Protection every response gets: a request-body size limit, safe headers, and errors that
reveal nothing.

- Bodies over the limit are refused with 413 before the app reads them (declared
  Content-Length) or as soon as the stream passes the limit (chunked uploads).
- Pages carry health information in their URLs and bodies, so nothing but the static assets
  may be cached, and no URL is sent on to other sites (``Referrer-Policy: no-referrer``).
- The content security policy allows only the app's own scripts and styles, so injected
  markup could not run even if escaping failed somewhere.
- An unexpected exception becomes a fixed 500 answer and one log line with the path and the
  exception's type only. It goes no further: the server would otherwise log its message and
  traceback, and a message can quote a person's answers.

Written as a plain ASGI middleware, not a Starlette ``BaseHTTPMiddleware``, because it sits
on every request and must cost next to nothing.
"""

from __future__ import annotations

import logging

from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hipnav.web.errors import SERVER_ERROR_HTML, SERVER_ERROR_JSON, error_json, wants_json

log = logging.getLogger("hipnav.web")

MAX_BODY_BYTES = 64 * 1024

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]
NO_STORE = (b"cache-control", b"no-store")
STATIC_CACHE = (b"cache-control", b"public, max-age=86400")


class BodyTooLarge(HTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(413, f"The request body is larger than {limit // 1024} KB.")


class Guard:
    def __init__(self, app: ASGIApp, max_body_bytes: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.max_body_bytes
        for name, value in scope["headers"]:
            if name == b"content-length" and (not value.isdigit() or int(value) > limit):
                await _refuse(send, limit)
                return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        static = scope["path"].startswith("/static/")
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = list(message.get("headers", ()))
                for name, _ in headers:
                    if name == b"cache-control":
                        break
                else:
                    headers.append(STATIC_CACHE if static else NO_STORE)
                headers += SECURITY_HEADERS
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, limited_receive, send_with_headers)
        except ClientDisconnect:  # gone before its body arrived: there is no one to answer
            return
        except Exception as exc:
            log.error("error on %s %s: %s", scope.get("method"), scope["path"], type(exc).__name__)
            if not started:
                await _server_error(send, scope["path"])


async def _server_error(send: Send, path: str) -> None:
    if wants_json(path):
        body, kind = SERVER_ERROR_JSON, b"application/json"
    else:
        body, kind = SERVER_ERROR_HTML, b"text/html; charset=utf-8"
    await send({"type": "http.response.start", "status": 500,
                "headers": [(b"content-type", kind), (b"content-length", str(len(body)).encode()),
                            NO_STORE, *SECURITY_HEADERS]})
    await send({"type": "http.response.body", "body": body})


async def _refuse(send: Send, limit: int) -> None:
    body = error_json("too_large", "body", BodyTooLarge(limit).detail)
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close"), NO_STORE, *SECURITY_HEADERS]})
    await send({"type": "http.response.body", "body": body})
