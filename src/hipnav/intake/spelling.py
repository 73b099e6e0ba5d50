"""Read common misspellings of the lexicon's words as the words themselves.

Why here and not in the patterns: a pattern cannot list every misspelling of every word,
and the ones people make follow rules (``data/spelling.yaml`` cites them): a letter dropped,
doubled, singled or two letters swapped, rarely in the first letter. The text is rewritten
with each misspelt word replaced by its correct form before matching, and every position
is mapped back, so spans still point into the person's own text.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass

import yaml

from hipnav.intake.rules import DATA_DIR

#: Shortest word whose variants are generated (shorter ones collide with real words).
MIN_LETTERS = 8
_WORD = re.compile(r"[A-Za-z]+")


def variants(word: str) -> Iterator[str]:
    """One-letter slips of ``word``, never in its first letter: a letter dropped, doubled,
    a doubled letter singled, two neighbouring letters swapped."""
    for i in range(1, len(word)):
        yield word[:i] + word[i + 1:]                    # dropped
        yield word[:i] + word[i] + word[i:]              # doubled
        if i + 1 < len(word) and word[i] != word[i + 1]:
            yield word[:i] + word[i + 1] + word[i] + word[i + 2:]   # swapped


def _rule_words() -> set[str]:
    """Plain words written in the lexicon and cue patterns (never treated as slips)."""
    from hipnav.intake.rules import load_rules

    rules = load_rules()
    bodies = [p for r in rules.lexicon for p in r.patterns]
    bodies += [p for pats in rules.cue_patterns.values() for p in pats]
    return {w.lower() for body in bodies for w in re.findall(r"(?<![\\(?])[A-Za-z]{4,}", body)}


@functools.lru_cache(maxsize=1)
def corrections() -> dict[str, str]:
    """Misspelling -> word, for every listed word of at least MIN_LETTERS letters."""
    with (DATA_DIR / "spelling.yaml").open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    words = [str(w).lower() for w in data["words"]]
    # the listed words, real words one slip away, and every plain word the rules match
    correct = set(words) | {str(w).lower() for w in data.get("real_words") or []} | _rule_words()
    out: dict[str, str] = {}
    for word in words:
        if len(word) < MIN_LETTERS:
            continue
        for slip in variants(word):
            if slip not in correct and slip != word:
                out.setdefault(slip, word)
    return out


@dataclass(frozen=True)
class Rewritten:
    """A text with misspellings corrected, and the way back to the original positions.

    For the k-th corrected word: where it starts in ``text`` and in the original, its length
    in each, and the running sum of (original - new) lengths up to and including it.
    """

    text: str
    starts: tuple[int, ...] = ()
    old_starts: tuple[int, ...] = ()
    lengths: tuple[int, ...] = ()
    old_lengths: tuple[int, ...] = ()
    shifts: tuple[int, ...] = ()

    def start(self, pos: int) -> int:
        """Original position of a span starting at ``pos`` (a corrected word's own start)."""
        k = bisect.bisect_right(self.starts, pos) - 1
        if k < 0:
            return pos
        if pos < self.starts[k] + self.lengths[k]:
            return self.old_starts[k]
        return pos + self.shifts[k]

    def end(self, pos: int) -> int:
        """Original position of a span ending at ``pos`` (a corrected word's own end)."""
        k = bisect.bisect_left(self.starts, pos) - 1
        if k < 0:
            return pos
        if pos <= self.starts[k] + self.lengths[k]:
            return self.old_starts[k] + self.old_lengths[k]
        return pos + self.shifts[k]


def rewrite(text: str) -> Rewritten:
    """``text`` with each misspelt word replaced by its correct (lower-case) form."""
    table = corrections()
    parts: list[str] = []
    starts: list[int] = []
    old_starts: list[int] = []
    lengths: list[int] = []
    old_lengths: list[int] = []
    shifts: list[int] = []
    last = shift = 0
    for m in _WORD.finditer(text):
        word = table.get(m.group(0).lower())
        if word is None:
            continue
        parts += [text[last:m.start()], word]
        starts.append(m.start() - shift)
        old_starts.append(m.start())
        lengths.append(len(word))
        old_lengths.append(len(m.group(0)))
        shift += len(m.group(0)) - len(word)
        shifts.append(shift)
        last = m.end()
    if not parts:
        return Rewritten(text)
    parts.append(text[last:])
    return Rewritten("".join(parts), tuple(starts), tuple(old_starts), tuple(lengths),
                     tuple(old_lengths), tuple(shifts))
