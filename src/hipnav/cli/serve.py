"""``hipnav serve``: the web app and JSON API under uvicorn.

Uvicorn's access log is off unless asked for: its lines hold each page's query string, and in
hipnav the query string is a person's answers. ``--access-log`` turns on a log of method,
path and status only.

Behind a reverse proxy, ``--forwarded-allow-ips`` names the proxies whose
``X-Forwarded-For`` and ``X-Forwarded-Proto`` are believed (uvicorn applies them): the
sign-in limits then count each person's own address, and HTTPS at the proxy counts as
HTTPS. From any other peer those headers are ignored, so a client cannot choose the address
it is counted under.
"""

from __future__ import annotations

import argparse
import sys

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help="start the web app and JSON API")
    p.add_argument("--host", default=DEFAULT_HOST, help=f"address to listen on (default {DEFAULT_HOST})")
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
    p.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    p.add_argument("--forwarded-allow-ips", metavar="IPS", default="",
                   help="comma-separated addresses (or networks) of reverse proxies whose X-Forwarded-For "
                        "and X-Forwarded-Proto headers are trusted (default: none)")
    p.add_argument("--access-log", action="store_true",
                   help="log each request's method, path and status (never its query or body)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        import uvicorn
    except ModuleNotFoundError:
        print("hipnav serve needs the web extra: pip install 'hipnav[web]'", file=sys.stderr)
        return 1
    if args.workers < 1:
        print("hipnav serve: --workers must be at least 1", file=sys.stderr)
        return 2
    from hipnav.knowledge import KnowledgeError

    try:  # fail here, with the knowledge base's own message, rather than in every worker
        from hipnav.assessment import default_model

        default_model()
    except KnowledgeError as exc:
        print(f"hipnav serve: {exc}", file=sys.stderr)
        return 1
    host = f"[{args.host}]" if ":" in args.host else args.host
    print(f"hipnav is running at http://{host}:{args.port}/ (press Ctrl+C to stop)", flush=True)
    log_config = None if not args.access_log else _path_only_access_log()
    uvicorn.run("hipnav.web.app:create_app", factory=True, host=args.host, port=args.port,
                workers=args.workers, access_log=args.access_log,
                log_level="info" if args.access_log else "warning",
                server_header=False, proxy_headers=bool(args.forwarded_allow_ips),
                forwarded_allow_ips=args.forwarded_allow_ips or None, log_config=log_config)
    return 0


def _path_only_access_log() -> dict[str, object]:
    """Uvicorn's logging set-up with the access line's query string dropped."""
    from uvicorn.config import LOGGING_CONFIG

    config: dict[str, object] = {**LOGGING_CONFIG}
    formatters = dict(config["formatters"])  # type: ignore[call-overload]
    formatters["access"] = {
        "()": "hipnav.web.access_log.PathOnlyFormatter",
        "fmt": '%(levelprefix)s "%(request_line)s" %(status_code)s',
    }
    config["formatters"] = formatters
    loggers = dict(config["loggers"])  # type: ignore[call-overload]
    loggers["uvicorn.access"] = {**loggers["uvicorn.access"], "level": "INFO"}
    config["loggers"] = loggers
    return config
