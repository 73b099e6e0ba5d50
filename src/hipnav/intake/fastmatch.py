"""Match hundreds of labelled regular expressions over a text in a few milliseconds.

Why: Python's ``re`` tries every alternative of an alternation at every position, so ~800
phrase patterns over a 2,000-character note cost ~10 ms even as one regex, and ~60 ms as
separate rules. Here the patterns are grouped by the letter they can start with; each
group's regex first checks that letter (a cheap lookahead), so at a given word only the
patterns that can start there are tried. Overlaps are then resolved as medspaCy's
TargetMatcher does: the longest match wins.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable
from re import _parser as sre_parse  # type: ignore[attr-defined]  # the regex parser (3.11+)
from typing import Any

_ANY = None  # "can start with anything we cannot tell"
_LETTERS = set(string.ascii_lowercase + string.digits)


def _first(items: Any, depth: int = 0) -> set[str] | None:
    """Lowercase first characters a parsed pattern can start with, or None if unknown."""
    if depth > 20:
        return _ANY
    out: set[str] = set()
    for op, arg in items:
        name = str(op)
        if name == "LITERAL":
            out.add(chr(arg).lower())
            return out
        if name == "NOT_LITERAL":
            return _ANY
        if name == "IN":
            for sub_op, sub_arg in arg:
                kind = str(sub_op)
                if kind == "LITERAL":
                    out.add(chr(sub_arg).lower())
                elif kind == "RANGE":
                    lo, hi = sub_arg
                    if hi - lo > 200:
                        return _ANY
                    out.update(chr(c).lower() for c in range(lo, hi + 1))
                else:  # categories (\w, \s) and negations
                    return _ANY
            return out
        if name == "BRANCH":
            for branch in arg[1]:
                found = _first(list(branch), depth + 1)
                if found is None:
                    return _ANY
                out |= found
            return out
        if name == "SUBPATTERN":
            found = _first(list(arg[-1]), depth + 1)
            if found is None:
                return _ANY
            return out | found
        if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            lo, _hi, body = arg
            found = _first(list(body), depth + 1)
            if found is None:
                return _ANY
            out |= found
            if lo > 0:
                return out
            continue  # optional: what follows may come first too
        if name in ("ASSERT", "ASSERT_NOT", "AT"):
            continue  # zero-width: look at what follows
        return _ANY
    return _ANY  # everything was optional


def widths(body: str) -> tuple[int, int]:
    """(shortest, longest) match of ``body``; longest first (phrases before words)."""
    try:
        lo, hi = sre_parse.parse(body, re.IGNORECASE).getwidth()
    except Exception:  # noqa: BLE001
        return (len(body), len(body))
    return (int(lo), int(min(hi, 10_000)))


def first_chars(body: str) -> set[str] | None:
    """Lowercase characters a match of ``body`` can start with (None: cannot tell)."""
    try:
        return _first(list(sre_parse.parse(body, re.IGNORECASE)))
    except Exception:  # noqa: BLE001 - any parser surprise means "cannot tell"
        return _ANY


class MultiPattern:
    """Many (label, pattern) pairs matched at once; the longest overlapping match wins."""

    def __init__(self, branches: Iterable[tuple[str, str]], whole_words: bool = True) -> None:
        buckets: dict[str, list[tuple[str, str]]] = {}
        for label, body in branches:
            chars = first_chars(body)
            if chars is None or not chars <= _LETTERS:
                buckets.setdefault("", []).append((label, body))   # no letter gate
            else:
                for letter in chars:
                    buckets.setdefault(letter, []).append((label, body))
        self._regexes: list[tuple[re.Pattern[str], dict[str, str]]] = []
        for ch, items in buckets.items():
            # One group per pattern, longest pattern first, so that at one position the
            # longest phrase of any label is tried first ("not sure if" before "not").
            ordered = sorted(items, key=lambda item: widths(item[1])[::-1], reverse=True)
            names = {f"g{i}": label for i, (label, _) in enumerate(ordered)}
            inner = "|".join(f"(?P<g{i}>{body})" for i, (_, body) in enumerate(ordered))
            gate = f"(?=[{re.escape(ch)}{re.escape(ch.upper())}])" if ch else ""
            pattern = (rf"(?<![\w/]){gate}(?:{inner})(?![\w])" if whole_words
                       else f"{gate}(?:{inner})")
            self._regexes.append((re.compile(pattern, re.IGNORECASE), names))

    def find(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, label) of the matches, non-overlapping, longest kept, in order."""
        found = []
        for rx, names in self._regexes:
            for m in rx.finditer(text):
                if m.end() > m.start():
                    found.append((m.start(), m.end(), names[m.lastgroup or ""]))
        found.sort(key=lambda f: (f[0] - f[1], f[0]))   # longest first
        occupied = bytearray(len(text) + 1)
        taken: list[tuple[int, int, str]] = []
        for start, end, label in found:
            if b"\x01" not in occupied[start:end]:
                occupied[start:end] = b"\x01" * (end - start)
                taken.append((start, end, label))
        taken.sort()
        return taken
