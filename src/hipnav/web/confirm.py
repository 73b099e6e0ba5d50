"""The confirmation step after a free-text description: what was read, shown in plain words
with the words it came from, and the person's choices turned into the flow state.

Nothing read from text is used until the person confirms it. The confirmation page lists
each finding read (:func:`confirmation`) with a yes / no / not sure choice (positive /
negative / not sure for an examination test), or a number box, set to what was read. Its
form sends the choices as ``c.<finding id>=y|n|u`` and numbers under their own finding id;
:func:`read_choices` and :func:`with_choices` turn them into the flow's own parameters:

- a body-map place confirmed "yes" is ticked on the map (``where``), which the person sees
  next; "no" and "not sure" leave it unticked (the map's own meaning then applies);
- any other yes/no finding becomes an answer (``a=<id>.y|n|u``), so the questions skip it;
  "not sure" is a "don't know" and is not asked again;
- numbers are read by :func:`hipnav.web.forms.parse_state` like every other number field.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from hipnav.bad_input import BadInput
from hipnav.intake.model import Extraction, Span
from hipnav.knowledge.model import Finding, KnowledgeBase
from hipnav.web.body_map import BodyMap
from hipnav.web.forms import INVALID_PARAMETER, MAX_ANSWERS

CHOICE_PREFIX = "c."
CHOICES = ("y", "n", "u")
#: Characters of the description shown either side of the words a finding came from.
CONTEXT_CHARS = 40
#: At most this many places in the description are quoted for one finding.
MAX_QUOTES = 2
#: Why a mention was set aside, in plain words (the extractor's ``why`` starts with the key).
_ASIDE = (("uncertain", "you sounded unsure"), ("in the past", "it sounded like the past"),
          ("hypothetical", "it was an \u201cif\u201d"), ("about someone else", "it was about someone else"),
          ("a date", "a date is not a length of time"))
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Part:
    """A piece of a quote: the words a finding came from are ``marked``."""

    text: str
    marked: bool


@dataclass(frozen=True)
class Quote:
    """A stretch of the description around the words a finding came from."""

    parts: tuple[Part, ...]
    cut_before: bool  # the description goes on before this quote ("…")
    cut_after: bool


@dataclass(frozen=True)
class Item:
    """One finding read from the text, for the person to confirm or correct."""

    finding: Finding
    value: bool | float
    on_map: bool  # a body-map place: "yes" ticks it on the map
    quotes: tuple[Quote, ...]

    @property
    def is_number(self) -> bool:
        return not isinstance(self.value, bool)

    @property
    def field(self) -> str:
        """The form field's name: ``c.<id>`` for a choice, the finding id for a number."""
        return self.finding.id if self.is_number else CHOICE_PREFIX + self.finding.id

    @property
    def choice(self) -> str:
        """The choice set before the person changes it: what was read."""
        return "y" if self.value is True else "n"

    @property
    def number(self) -> str:
        return f"{float(self.value):g}"


@dataclass(frozen=True)
class Aside:
    """Words that were read but not counted, and why (shown so the person knows)."""

    words: str
    label: str
    why: str


def _squash(text: str) -> str:
    return _SPACE.sub(" ", text)


def quotes(text: str, ranges: Sequence[tuple[int, int]], context: int = CONTEXT_CHARS,
           limit: int = MAX_QUOTES) -> tuple[Quote, ...]:
    """Stretches of ``text`` around ``ranges`` (start, end), the ranges marked; nearby
    ranges share one quote. Whitespace runs (line breaks) read as one space."""
    marks: list[list[int]] = []
    for start, end in sorted(ranges):
        if marks and start <= marks[-1][1]:
            marks[-1][1] = max(marks[-1][1], end)
        else:
            marks.append([start, end])
    windows: list[tuple[int, int, list[list[int]]]] = []
    for start, end in marks:
        lo, hi = max(0, start - context), min(len(text), end + context)
        if windows and lo <= windows[-1][1]:
            windows[-1] = (windows[-1][0], hi, [*windows[-1][2], [start, end]])
        else:
            windows.append((lo, hi, [[start, end]]))
    out = []
    for lo, hi, inside in windows[:limit]:
        # Start and end on a word boundary, unless that would drop most of the context.
        while 0 < lo < inside[0][0] and not text[lo - 1].isspace():
            lo += 1
        while hi < len(text) and hi > inside[-1][1] and not text[hi].isspace():
            hi -= 1
        parts, at = [], lo
        for start, end in inside:
            if start > at:
                parts.append(Part(_squash(text[at:start]), False))
            parts.append(Part(_squash(text[start:end]), True))
            at = end
        if hi > at:
            parts.append(Part(_squash(text[at:hi]), False))
        if parts and not parts[0].marked:
            parts[0] = Part(parts[0].text.lstrip(), False)
        if parts and not parts[-1].marked:
            parts[-1] = Part(parts[-1].text.rstrip(), False)
        out.append(Quote(tuple(p for p in parts if p.text), bool(text[:lo].strip()), bool(text[hi:].strip())))
    return tuple(out)


def _plain_why(why: str) -> str:
    for key, words in _ASIDE:
        if why.startswith(key):
            return words
    return "it could not be used"


def confirmation(extraction: Extraction, text: str, kb: KnowledgeBase,
                 bmap: BodyMap) -> tuple[list[Item], list[Aside]]:
    """The findings read from ``text`` in the order the text gives them, each with quotes of
    the words it came from; and the mentions set aside, with why."""
    places = set(bmap.choices)
    by_finding: dict[str, list[Span]] = {}
    for s in extraction.spans:
        if s.used and s.finding in extraction.findings:
            by_finding.setdefault(s.finding, []).append(s)
    items = []
    for fid, value in extraction.findings.items():
        finding = kb.findings.get(fid)
        if finding is None or finding.type not in ("bool", "number") or fid == "sex":
            continue
        spans = by_finding.get(fid, [])
        agreeing = [s for s in spans if s.value == value] or spans
        items.append(Item(finding, value, fid in places,
                          quotes(text, [(s.start, s.end) for s in agreeing])))
    first = {fid: min(s.start for s in spans) for fid, spans in by_finding.items()}
    items.sort(key=lambda i: first.get(i.finding.id, len(text)))
    asides, seen = [], set()
    for s in extraction.spans:
        finding = kb.findings.get(s.finding)
        if s.used or s.finding in extraction.findings or finding is None or (s.text, s.finding) in seen:
            continue
        seen.add((s.text, s.finding))
        asides.append(Aside(_squash(s.text), finding.text, _plain_why(s.why)))
    return items, asides


def read_choices(params: Sequence[tuple[str, str]], kb: KnowledgeBase) -> list[tuple[str, str]]:
    """The confirmation form's choices, ``(finding id, y | n | u)``, refusing anything else."""
    out: dict[str, str] = {}
    for key, value in params:
        if not key.startswith(CHOICE_PREFIX):
            continue
        fid = key[len(CHOICE_PREFIX):]
        finding = kb.findings.get(fid)
        if finding is None or finding.type != "bool":
            raise BadInput("c", "must name a yes/no finding", INVALID_PARAMETER)
        if value.strip() not in CHOICES:
            raise BadInput(key[:40], "must be y, n or u", INVALID_PARAMETER)
        out[fid] = value.strip()
        if len(out) > MAX_ANSWERS:
            raise BadInput("c", "has too many choices", INVALID_PARAMETER)
    return list(out.items())


def with_choices(params: Sequence[tuple[str, str]], choices: Sequence[tuple[str, str]],
                 bmap: BodyMap) -> list[tuple[str, str]]:
    """The flow's query parameters with the confirmed findings in them: a place confirmed
    "yes" ticked on the map (and unticked otherwise), any other finding an answer that
    replaces an earlier one. :func:`hipnav.web.forms.parse_state` then reads the result."""
    places = set(bmap.choices)
    chosen = dict(choices)
    kept = [(k, v) for k, v in params
            if not k.startswith(CHOICE_PREFIX)
            and not (k == "where" and v.strip() in chosen)
            and not (k == "a" and v.strip().rpartition(".")[0] in chosen)]
    for fid, choice in choices:
        if fid in places:
            if choice == "y":
                kept.append(("where", fid))
        else:
            kept.append(("a", f"{fid}.{choice}"))
    return kept
