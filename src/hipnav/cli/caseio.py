"""Reading cases from files or standard input for the command line.

One JSON object (possibly spread over several lines), or JSON Lines: one case a line, where a
line may also be a vignette whose ``case`` field holds the case (shared case format).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class RawCase:
    line: int  # 1-based line number in the input (1 for a single JSON document)
    data: object | None  # the parsed JSON, or None when it did not parse
    error: str | None = None


def read_text(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    return Path(path).read_text(encoding="utf-8")


def iter_raw_cases(text: str) -> Iterator[RawCase]:
    stripped = text.strip()
    if not stripped:
        return
    if stripped.startswith("{") and "\n" in stripped:
        try:  # one pretty-printed JSON document
            yield RawCase(1, json.loads(stripped))
            return
        except json.JSONDecodeError:
            pass  # JSON Lines
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield RawCase(n, json.loads(line))
        except json.JSONDecodeError as exc:
            yield RawCase(n, None, f"line {n}: not valid JSON ({exc.msg} at column {exc.colno})")
