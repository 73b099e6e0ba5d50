"""``hipnav extract``: findings of the case format from free text (a person's words or a note).

Input is one plain-text document, or JSON Lines of ``{"id": ..., "text": ...}``; output is one
line per document, ``{"id": ..., "findings": {...}, "spans": [...]}`` (``--json``) or a short
readable list. A line that cannot be read gives ``{"id": ..., "error": "..."}`` in its place
and the others go on; the exit code is 1 only after every line is written.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from typing import Any


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``extract`` sub-command (argparse only: spaCy is imported in ``run``)."""
    p = sub.add_parser(
        "extract", help="read findings from a description of the pain or a clinical note",
        description="Read case-format findings from free text: one plain-text document, or "
        'JSON Lines of {"id": ..., "text": ...}. Check the findings before using them.')
    p.add_argument("file", help="text or JSON Lines file; '-' reads standard input")
    p.add_argument("--json", action="store_true", help="write one JSON result a line")
    p.add_argument("--no-spans", action="store_true", help="leave the spans out of the output")
    p.set_defaults(run=run)


def _read(name: str) -> str:
    """The whole input as text; undecodable bytes become U+FFFD rather than an error."""
    if name == "-":
        data = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read()
    else:
        with open(name, "rb") as fh:
            data = fh.read()
    return data.decode("utf-8", errors="replace") if isinstance(data, bytes) else data


def _documents(raw: str, default_id: str) -> Iterator[tuple[Any, str | None, str | None]]:
    """(id, text, error) per document: JSON Lines when the input starts with '{'."""
    if not raw.lstrip().startswith("{"):
        yield default_id, raw, None
        return
    lines = raw.splitlines()
    if len(lines) > 1:
        try:  # a single pretty-printed JSON object
            obj = json.loads(raw)
        except ValueError:
            obj = None
        if isinstance(obj, dict):
            lines = [json.dumps(obj)]
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except ValueError as exc:
            yield f"line {number}", None, f"line {number} is not valid JSON: {getattr(exc, 'msg', exc)}"
            continue
        if not isinstance(obj, dict):
            yield f"line {number}", None, f"line {number} is not a JSON object"
            continue
        doc_id = obj.get("id", f"line {number}")
        text = obj.get("text", obj.get("narrative"))
        if not isinstance(text, str):
            yield doc_id, None, 'each line needs a "text" field holding a string'
            continue
        yield doc_id, text, None


def _readable(doc_id: Any, result: dict[str, Any]) -> str:
    lines = [f"{doc_id}:"]
    for message in result.get("messages", []):
        lines.append(f"  ({message})")
    said = {s["field"]: s for s in result.get("person_spans", []) if s["used"]}
    for key in ("age", "sex"):
        if key in result:
            where = f"  <- \"{said[key]['text']}\"" if key in said else ""
            lines.append(f"  {key} = {json.dumps(result[key])}{where}")
    spans = {s["finding"]: s for s in result.get("spans", []) if s["used"]}
    for fid, value in result["findings"].items():
        span = spans.get(fid)
        where = f"  <- \"{span['text']}\" ({span['why']})" if span else ""
        lines.append(f"  {fid} = {json.dumps(value)}{where}")
    aside = [s for s in result.get("spans", []) if not s["used"]]
    for s in aside:
        lines.append(f"  not used: {s['finding']} <- \"{s['text']}\" ({s['why']})")
    if not result["findings"] and not result.get("messages"):
        lines.append("  (no findings)")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    """Extract every document of the input; exit 1 if any could not be read, after all."""
    try:
        raw = _read(args.file)
    except OSError as exc:
        print(f"hipnav extract: cannot read {args.file}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    from hipnav.intake import extract

    default_id = "stdin" if args.file == "-" else args.file
    failed = 0
    for doc_id, text, error in _documents(raw, default_id):
        if error is not None or text is None:
            failed += 1
            out: dict[str, Any] = {"id": doc_id, "error": error}
            print(json.dumps(out) if args.json else f"{doc_id}: error: {error}", flush=True)
            continue
        result = extract(text).to_dict()
        if args.no_spans:
            result.pop("spans", None)
        if args.json:
            print(json.dumps({"id": doc_id, **result}, ensure_ascii=False), flush=True)
        else:
            print(_readable(doc_id, result), flush=True)
    return 1 if failed else 0
