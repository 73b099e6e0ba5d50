"""``hipnav serve``: its options, its address line, and an access log without personal data."""

from __future__ import annotations

import logging

import httpx

from hipnav.cli import build_parser
from hipnav.web.access_log import PathOnlyFormatter
from tests.conftest import run_hipnav
from tests.web.conftest import start_server, stop_server


def test_serve_defaults_to_loopback_port_8000_one_worker() -> None:
    args = build_parser().parse_args(["serve"])
    assert (args.host, args.port, args.workers, args.access_log) == ("127.0.0.1", 8000, 1, False)


def test_serve_help_lists_its_options() -> None:
    out = run_hipnav("serve", "--help").stdout
    for option in ("--host", "--port", "--workers", "--access-log"):
        assert option in out


def test_serve_refuses_zero_workers() -> None:
    r = run_hipnav("serve", "--workers", "0")
    assert r.returncode == 2 and "at least 1" in r.stderr


def test_access_log_keeps_method_path_and_status_only() -> None:
    formatter = PathOnlyFormatter(fmt='%(levelprefix)s "%(request_line)s" %(status_code)s', use_colors=False)
    record = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
                               ("203.0.113.9:5555", "GET", "/result?where=loc_groin&a=saddle_anesthesia.y",
                                "1.1", 200), None)
    line = formatter.format(record)
    assert "/result" in line and "200" in line
    assert "saddle" not in line and "where=" not in line and "203.0.113.9" not in line


def test_serve_with_access_log_writes_no_answers() -> None:
    proc, base = start_server("--access-log")
    httpx.get(base + "/result?where=loc_groin&a=saddle_anesthesia.y", timeout=10)
    out, err = stop_server(proc)
    assert "GET /result HTTP/1.1" in out
    log = out.split("\n", 1)[1]  # after the address line
    assert "saddle" not in out + err and "loc_groin" not in out + err and "127.0.0.1" not in log
