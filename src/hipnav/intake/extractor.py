"""``extract(text)``: the one entry point, from free text to case-format findings.

Steps: check and clean the text (textcheck), run the spaCy/medspaCy pipeline (pipeline),
combine mentions with their cues and modifiers (compose), read numbers (quantities), then
resolve several mentions of one finding into one value and keep only ids and values the
knowledge base accepts (vocabulary).
"""

from __future__ import annotations

import functools
import re
from dataclasses import replace
from typing import TYPE_CHECKING

from hipnav.intake import person
from hipnav.intake.compose import Composer
from hipnav.intake.model import Extraction, PersonSpan, Span, Value
from hipnav.intake.pipeline import GROUP, nlp
from hipnav.intake.quantities import Quantities, Reading
from hipnav.intake.rules import load_rules
from hipnav.intake.spelling import corrections, rewrite
from hipnav.intake.textcheck import clean, problem
from hipnav.intake.vocabulary import vocabulary

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc

#: Numbers where several mentions keep the largest: the pain "at its worst", the whole
#: length of the complaint (not the length of a recent flare), the peak temperature.
_KEEP_MAX = frozenset({"pain_severity", "duration_weeks", "exam_temperature_c"})
_ASIDE = {"POSSIBLE_EXISTENCE": "uncertain", "HYPOTHETICAL": "hypothetical",
          "FAMILY": "about someone else", "HISTORICAL": "in the past"}


@functools.lru_cache(maxsize=1)
def _tools() -> tuple[Composer, Quantities]:
    rules = load_rules()
    return Composer(rules), Quantities(rules)


#: "I've had it for a year", "having this for weeks": "it" is the complaint being described.
_HAD_IT = re.compile(r"\b(?:had|have had|'ve had|having|has had|'s had) (?:it|this|them|these)\b",
                     re.IGNORECASE)


def _complaint_at(doc: Doc) -> list[int]:
    """Where the complaint is spoken of: a pain word, a symptom, a place named with its pain
    word ("sore knees"), "I've had it" (a place alone, "my back", is not enough)."""
    places, pain = _places()
    at = [s.start_char for s in doc.spans[GROUP] if s.label_ in _symptom_labels()
          and (s.label_ not in places or pain.search(s.text))]
    return sorted(at + [m.start() for m in _HAD_IT.finditer(doc.text)])


@functools.lru_cache(maxsize=1)
def _places() -> tuple[frozenset[str], re.Pattern[str]]:
    """Span labels of body places, and the pain words that make a place a complaint."""
    rules = load_rules()
    return (frozenset(r.label for r in rules.lexicon if r.kind == "location"),
            re.compile(rules.cues["PAIN"], re.IGNORECASE))


def _painful_sentences(doc: Doc) -> list[tuple[int, int, bool]]:
    """(start, end, speaks of a symptom) for each sentence, in characters."""
    marked = {span.sent.start_char for span in doc.spans[GROUP]
              if span.label_ in _symptom_labels()}
    return [(s.start_char, s.end_char,
             s.start_char in marked or _HAD_IT.search(s.text) is not None) for s in doc.sents]


@functools.lru_cache(maxsize=1)
def _symptom_labels() -> frozenset[str]:
    """Span labels that make a sentence speak of the complaint itself (for durations)."""
    symptoms = ("loc_", "paresthesia", "radiating", "pain_", "limp", "snapping",
                "mechanical", "night_pain", "rest_pain", "abdominal_pain")
    labels = {r.label for r in load_rules().lexicon
              if r.kind in ("location", "paresthesia")
              or any(i.startswith(symptoms) for i in r.ids)}
    return frozenset(labels | {"CUE_PAIN"})


def _activity_ends(doc: Doc) -> list[int]:
    """Character ends of activity mentions ("running ... for three years" is not the pain's)."""
    labels = {r.label for r in load_rules().lexicon
              if r.kind == "activity" or "onset_after_training_increase" in r.ids}
    return [s.end_char for s in doc.spans[GROUP] if s.label_ in labels]


def _set_aside(doc: Doc, start: int, end: int, child: str | None) -> str | None:
    """Why words at ``start:end`` (characters) do not count, by ConText's modifier scopes
    (uncertain, hypothetical, about someone else, in the past), or None. ``child``: the
    relation word when a parent describes their child (that child is not someone else)."""
    tokens = doc.char_span(start, end, alignment_mode="expand")
    if tokens is None or doc._.context_graph is None:
        return None
    for mod in doc._.context_graph.modifiers:
        lo, hi = mod.scope_span
        m_lo, m_hi = mod.modifier_span
        if (mod.direction in ("TERMINATE", "PSEUDO") or mod.category not in _ASIDE
                or m_lo < tokens.end and tokens.start < m_hi
                or not (lo < tokens.end and tokens.start < hi)):
            continue
        words = doc[m_lo:m_hi].text
        if mod.category == "FAMILY" and child and child in words.lower().split():
            continue   # the parent's own child is the person described
        return f"{_ASIDE[mod.category]} ('{words}')"
    return None


def _reading_span(doc: Doc, r: Reading, original: str, child: str | None) -> Span:
    """A number as a span, with ConText's modifiers applied by their scope."""
    why, used = r.why, r.usable
    aside = _set_aside(doc, r.start, r.end, child) if used else None
    if aside:
        why, used = aside, False
    return Span(finding=r.finding, value=r.value, start=r.start, end=r.end,
                text=original[r.start:r.end], why=why, used=used)


def _person(doc: Doc, text: str, findings: dict[str, Value], child: str | None
            ) -> tuple[float | None, str | None, list[PersonSpan]]:
    """Age and sex of the person described: the first usable statement of each wins; a
    first-person pregnancy states the sex too."""
    spans = []
    for said in person.read(text):
        why, used = said.why, said.usable
        aside = _set_aside(doc, said.start, said.end, child) if used else None
        if aside:
            why, used = aside, False
        spans.append(PersonSpan(said.field, said.value, said.start, said.end,
                                text[said.start:said.end], why, used))
    spans.sort(key=lambda s: (s.start, s.field))
    # "I'm a 62-year-old male": two overlapping statements of one sex are one mention.
    spans = [s for i, s in enumerate(spans)
             if not any(t.field == s.field and t.value == s.value and t.used == s.used
                        and t.start < s.end and s.start < t.end for t in spans[:i])]
    age = next((float(s.value) for s in spans if s.used and s.field == "age"), None)
    sex = next((str(s.value) for s in spans if s.used and s.field == "sex"), None)
    if sex is None and findings.get("pregnant_or_postpartum") is True:
        sex = "female"
    return age, sex, spans


def _resolve(spans: list[Span], elapsed: float) -> tuple[dict[str, Value], list[Span]]:
    """One value per finding; out-of-vocabulary or out-of-range values are set aside.
    ``elapsed``: the longest time (weeks) the text says passed since an event."""
    vocab = vocabulary()
    checked: list[Span] = []
    for s in spans:
        spec = vocab.get(s.finding)
        if s.used and (spec is None or not spec.accepts(s.value)):
            s = Span(s.finding, s.value, s.start, s.end, s.text,
                     f"{s.why}; value not accepted for {s.finding}", used=False)
        checked.append(s)
    # Outer-thigh numbness only (meralgia) is not a leg paraesthesia.
    if any(s.used and s.finding == "paresthesia_lateral_thigh" and s.value is True
           for s in checked):
        checked = [s for s in checked if not (s.finding == "paresthesia_leg" and s.value is True
                                              and s.why == "stated" and s.used)]
    # "Failed to improve" is the KB's "after six weeks of rest or treatment" (NICE CKS:
    # review at six weeks): a complaint stated to be younger than that has not had the
    # time, nor has one whose text says no six weeks passed at all (neither the pain's length
    # nor a time since an event: "two months later she was no better"). On the development
    # sets this sets aside 11 readings, 7 of them not what the case stated.
    weeks = [float(s.value) for s in checked if s.used and s.finding == "duration_weeks"]
    if (weeks and max(weeks) < 6) or (not weeks and elapsed < 6):
        short = (f"under six weeks of pain ({max(weeks):g})" if weeks
                 else "no six weeks said to have passed")
        checked = [Span(s.finding, s.value, s.start, s.end, s.text, short, used=False)
                   if s.used and s.finding == "not_improving" and s.value is True else s
                   for s in checked]
    # A measured temperature of 38 C or more is a fever (NICE NG143: fever is 38 C or above).
    hot = [s for s in checked if s.used and s.finding == "exam_temperature_c"
           and isinstance(s.value, float) and s.value >= 38.0]
    if hot:
        checked.append(Span("fever", True, hot[0].start, hot[0].end, hot[0].text,
                            f"temperature {hot[0].value:g} C (38 C or more)"))
    values: dict[str, list[Value]] = {}
    for s in checked:
        if s.used:
            values.setdefault(s.finding, []).append(s.value)
    findings: dict[str, Value] = {}
    for fid, vals in values.items():
        if all(isinstance(v, bool) for v in vals):
            findings[fid] = any(vals)   # an affirmed mention outweighs a negated one
        elif fid in _KEEP_MAX:
            findings[fid] = max(float(v) for v in vals)
        else:
            findings[fid] = float(vals[0])
    checked.sort(key=lambda s: (s.start, s.end, s.finding))
    return findings, checked


def load() -> None:
    """Build everything :func:`extract` needs (rules, spaCy/medspaCy pipeline) now, once per
    process; later calls return at once. A server calls it at start so that no request pays
    for loading; without it the first :func:`extract` call does the same work."""
    nlp()
    _tools()
    _symptom_labels()
    _places()
    corrections()


def extract(text: str) -> Extraction:
    """Findings of the shared case format stated in ``text`` (a person's words or a note).

    Negated mentions give ``False``; uncertain, past, hypothetical mentions and mentions
    of someone else are returned as spans with ``used=False`` and no finding. Text that
    cannot be read (empty, too long, not English) gives an empty result with a message.
    """
    if not isinstance(text, str):
        raise TypeError(f"extract() takes a str, not {type(text).__name__}")
    issue = problem(text)
    if issue:
        return Extraction(messages=[issue])
    fixed = rewrite(clean(text))   # misspellings read as their words (spelling.py)
    read = fixed.text
    doc = nlp()(read)
    composer, quantities = _tools()
    spans = list(composer.spans(doc, GROUP))
    sentences = _painful_sentences(doc)
    readings = quantities.read(read, sentences, _activity_ends(doc), _complaint_at(doc))
    child = person.subject(read)
    spans += [_reading_span(doc, r, read, child) for r in readings]
    # (the time since an event matters only to a failure to improve: read only then)
    elapsed = (quantities.later(read) if any(s.used and s.finding == "not_improving"
                                             for s in spans) else 0.0)
    findings, spans = _resolve(spans, elapsed)
    age, sex, person_spans = _person(doc, read, findings, child)
    # Positions back into the caller's own text.
    spans = [replace(s, start=(a := fixed.start(s.start)), end=(b := fixed.end(s.end)),
                     text=text[a:b]) for s in spans]
    person_spans = [replace(s, start=(a := fixed.start(s.start)), end=(b := fixed.end(s.end)),
                            text=text[a:b]) for s in person_spans]
    return Extraction(findings=findings, spans=spans, age=age, sex=sex,
                      person_spans=person_spans)
