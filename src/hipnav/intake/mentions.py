"""The mentions of a document with what ConText says of them, and the nearest cue.

Why a module of its own: every combination rule of ``compose`` works on the same facts about
a mention (its sentence and clause, whether it is negated, and why it may not count:
uncertain, past, hypothetical, about someone else, or asked as a question). They are read
here once per document, from medspaCy's ConText graph and the sentencizer, so the rules in
``compose`` only combine mentions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from hipnav.intake.person import subject

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc

#: A cue followed by one of these words speaks of what follows it ("worse with stairs",
#: "better when sitting"), never of what precedes it.
_FORWARD_NEXT = frozenset({
    "with", "when", "on", "by", "after", "during", "while", "if", "from", "to", "for",
    "whenever", "doing", "upon", "as", "going", "climbing", "walking", "sitting", "standing",
    "running", ":",
})

#: ConText categories that set a mention aside, with the reason shown.
_SET_ASIDE = {
    "POSSIBLE_EXISTENCE": "uncertain",
    "HYPOTHETICAL": "hypothetical",
    "FAMILY": "about someone else",
    "HISTORICAL": "in the past",
}
#: Words that join a mention to the one before it as one more item of the same list ("no
#: fever or chills", "did not think she had had fever or chills"): the negation is shared.
_LIST_JOIN = frozenset({"or", "nor", ",", "and/or", "/"})
_QUESTION_START = re.compile(
    r"^\W*(?:is|are|am|do|does|did|could|can|should|would|will|what|why|how|might|may|"
    r"has|have|any)\b", re.IGNORECASE)


@dataclass
class Target:
    """A span of the document with what ConText said about it."""

    label: str
    start: int          # token index
    end: int
    char_start: int
    char_end: int
    text: str
    sent: int           # sentence number
    clause: int         # clause number within the document
    negated: str | None  # the negating words, if any
    set_aside: str | None  # why it does not count (uncertain, ...), if so
    forward: bool = False  # a cue that only speaks of what follows it
    neg_end: int = -1      # character end of the negating words (when negated)


def mentions(doc: Doc, group: str, breaks: frozenset[str]) -> list[Target]:
    """Every span of the group, with sentence, clause and modifier facts resolved."""
    clause_of: list[int] = []
    sent_of: list[int] = []
    clause = sent = -1
    sentence_text: dict[int, tuple[int, int]] = {}
    for tok in doc:
        if tok.is_sent_start:
            sent += 1
            clause += 1
            sentence_text[sent] = (tok.idx, tok.idx)
        elif tok.lower_ in breaks:
            clause += 1
        clause_of.append(clause)
        sent_of.append(sent)
        sentence_text[sent] = (sentence_text[sent][0], tok.idx + len(tok.text))
    text = doc.text
    child = subject(text)   # a parent describing their child: the child is the subject
    questions = {n for n, (a, b) in sentence_text.items()
                 if text[a:b].rstrip().endswith("?") and _QUESTION_START.match(text[a:b])}
    out = []
    for span in doc.spans[group]:
        negated = None
        neg_end = -1
        aside = None
        for mod in span._.modifiers:
            cat = mod.category
            words = text[doc[mod.modifier_span[0]].idx:doc[mod.modifier_span[1] - 1].idx
                         + len(doc[mod.modifier_span[1] - 1].text)]
            if cat == "NEGATED_EXISTENCE":
                negated = words
                neg_end = doc[mod.modifier_span[1] - 1].idx + len(doc[mod.modifier_span[1] - 1].text)
            elif cat == "FAMILY" and child and child in words.lower().split():
                continue
            elif cat in _SET_ASIDE and aside is None:
                aside = f"{_SET_ASIDE[cat]} ('{words}')"
        if aside is None and sent_of[span.start] in questions:
            aside = "uncertain (a question)"
        nxt = doc[span.end].lower_ if span.end < len(doc) else ""
        if nxt.endswith("ly") and span.end + 1 < len(doc):
            nxt = doc[span.end + 1].lower_   # "settled promptly when he rested"
        out.append(Target(
            label=span.label_, start=span.start, end=span.end,
            char_start=span.start_char, char_end=span.end_char, text=span.text,
            sent=sent_of[span.start], clause=clause_of[span.start],
            negated=negated, set_aside=aside,
            forward=nxt in _FORWARD_NEXT or span.text.endswith(":"),
            neg_end=neg_end,
        ))
    out.sort(key=lambda t: (t.start, t.end))
    # Negation spreads along an "or"-list: "no fever or chills" -> both false (a list item
    # beyond a negation's token scope still belongs to the negated phrase).
    for prev, cur in zip(out, out[1:], strict=False):
        between = [tok.lower_ for tok in doc[prev.end:cur.start]]
        if (prev.negated and not cur.negated and not cur.set_aside and prev.sent == cur.sent
                and between and all(w in _LIST_JOIN for w in between)
                and any(w in ("or", "nor") for w in between)):
            cur.negated = prev.negated
    return out


def nearest(t: Target, pool: Iterable[Target], window: int | None = None,
             same_clause: bool = True, directed: bool = False,
             prefer_affirmed: bool = False) -> Target | None:
    """The cue closest to ``t`` (a cue before it wins a tie).

    ``directed``: a forward-only cue ("worse with", "better when") cannot speak of a mention
    before it. ``prefer_affirmed``: an affirmed cue wins over a nearer negated one, so "hip
    pain that did not spread down the leg, with popping at the front of the hip" does not
    negate the front of the hip.
    """
    best: Target | None = None
    best_key = (2, 10**9, 1)
    for c in pool:
        if c.sent != t.sent or (same_clause and c.clause != t.clause):
            continue
        if c.end <= t.start:
            gap, after = t.start - c.end, 0
        elif c.start >= t.end:
            if directed and c.forward:
                continue
            gap, after = c.start - t.end, 1
        else:
            continue
        if window is not None and gap > window:
            continue
        key = (1 if prefer_affirmed and c.negated else 0, gap, after)
        if key < best_key:
            best, best_key = c, key
    return best
