"""Reading cases from files or standard input for the command line.

One JSON object (possibly spread over several lines), or JSON Lines: one case a line, where a
line may also be a vignette whose ``case`` field holds the case (shared case format). Each
document is decoded within bounds (:func:`hipnav.json_input.decode_json`): a line that is
not JSON, is nested too deep or holds a 400-digit number is reported as that line's error,
and the lines after it are read as usual.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from hipnav.bad_input import INVALID_JSON, TOO_LARGE, BadInput
from hipnav.engine.case import Case, parse_case
from hipnav.json_input import decode_json
from hipnav.knowledge.model import KnowledgeBase


@dataclass(frozen=True)
class RawCase:
    line: int  # 1-based line number in the input (1 for a single JSON document)
    data: object | None  # the parsed JSON, or None when it was refused
    error: BadInput | None = None  # why it was refused, named by its line

    def case(self, kb: KnowledgeBase) -> Case:
        """The case this document holds, validated; :class:`BadInput` when the document or
        the case is refused."""
        if self.error is not None:
            raise self.error
        return parse_case(self.data, kb)


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
            yield RawCase(1, decode_json(stripped, field="case"))
            return
        except BadInput as exc:
            if exc.code not in (INVALID_JSON, TOO_LARGE):  # one document, with a bad value
                yield _refused(1, exc)
                return
            # else JSON Lines
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield RawCase(n, decode_json(line, field="case"))
        except BadInput as exc:
            yield _refused(n, exc)


def _refused(line: int, exc: BadInput) -> RawCase:
    return RawCase(line, None, exc.within(f"line {line}: "))
