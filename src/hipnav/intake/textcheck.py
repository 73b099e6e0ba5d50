"""Input hygiene: decide whether a text can be read, and clean it without moving offsets.

Bad input must give a clear message or an empty result, never a crash. Cleaning replaces
characters one for one, so every span offset still points into the caller's own text.
"""

from __future__ import annotations

import re
import unicodedata

#: Longest text read. A clinical letter is a few thousand characters; a megabyte is not a
#: description of hip pain, and would only cost time.
MAX_CHARS = 100_000

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\ufeff]")
_SMART = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
                        "\u2013": "-", "\u2014": "-", "\u2212": "-", "\u00a0": " "})
_WORD = re.compile(r"[A-Za-z]+(?:'[a-z]+)?")
#: Frequent English function words: a text of any length that uses none of them is not
#: English prose or an English clinical note.
_ENGLISH = frozenset({
    "the", "and", "or", "but", "of", "on", "at", "to", "for", "with", "my", "me", "it", "is",
    "was", "are", "were", "has", "have", "had", "not", "pain", "hip", "leg", "when", "after",
    "since", "left", "right", "both", "worse", "she", "he", "her", "his", "this", "that",
    "from", "down", "back", "side", "pt",
})


def clean(text: str) -> str:
    """Same-length copy with control characters as spaces and typographic quotes plain."""
    text = text.translate(_SMART)
    return _CONTROL.sub(" ", text)


def problem(text: str) -> str | None:
    """Why ``text`` cannot be read, or None when it can."""
    if not text or not text.strip():
        return "empty text: nothing to extract"
    if len(text) > MAX_CHARS:
        return f"text too long ({len(text)} characters; the limit is {MAX_CHARS})"
    if not any(ch.isalpha() for ch in text):
        return "no words in the text"
    if not text.isascii():
        letters = [ch for ch in text if ch.isalpha()]
        latin = sum(1 for ch in letters if ch.isascii()
                    or unicodedata.name(ch, "").startswith("LATIN"))
        if latin / len(letters) < 0.6:
            return "the text does not look like English; only English is read"
    words = [w.lower() for w in _WORD.findall(text)]
    hits = sum(1 for w in words if w in _ENGLISH)
    if len(words) >= 8 and hits < max(1, len(words) // 20):
        return "the text does not look like English; only English is read"
    return None
