"""The spaCy + medspaCy pipeline, built once on first use.

Why this shape:
- ``spacy.blank("en")``: a rule-based tokenizer only, so nothing is downloaded and nothing
  is loaded from a network; the program runs offline.
- spaCy's sentencizer instead of medspaCy's PyRuSH: PyRuSH costs about 0.6 ms a sentence
  and writes two loguru DEBUG lines per sentence to stderr; splitting on end punctuation,
  semicolons and line breaks keeps ConText working and is far faster.
- Targets: every lexicon rule and cue of the data files becomes a span of one span group;
  of overlapping matches the longest wins ("outer side of the knee" hides "knee"), as in
  medspaCy's TargetMatcher. We match them with one compiled alternation over ``doc.text``
  because medspaCy's RegexMatcher rebuilds ``doc.text_with_ws`` for every rule: with our
  ~170 rules that alone cost ~60 ms per 2,000-character note, against ~6 ms here.
- Modifiers: medspaCy's ConText algorithm (``ConTextRule``, ``ConTextModifier``,
  ``ConTextGraph``: scopes, terminators, pseudo-triggers, max_scope) with our rules only
  (no default rule file). Modifiers are found with one alternation as well, and targets
  are linked sentence by sentence rather than every target against every modifier of the
  document (ConText's scopes never leave the sentence, so the result is the same).

Nothing here runs at import time: :func:`nlp` builds the pipeline on its first call and
caches it for the life of the process.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from hipnav.intake.fastmatch import MultiPattern
from hipnav.intake.rules import Rules, load_rules, word

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language
    from spacy.tokens import Doc

#: Span group holding every target (lexicon rules, cues) of a document.
GROUP = "hipnav_intake"
#: An ellipsis ends a sentence too: in posts it joins separate thoughts or marks words left
#: out ("the hip pain... I'd been waiting over a year for the results").
_SENT_END = frozenset({".", "!", "?", ";", "...", "\u2026"})


#: spaCy's sentencizer splits after these (its defaults: . ! ? and their script variants).
_SENTENCIZER_DEFAULTS = (".", "!", "?", "\u0964", "\u3002", "\uff01", "\uff1f", "\uff0e")


def _sentence_starts(doc: Doc) -> list[int]:
    """For each token, the index of the first token of its sentence (one pass)."""
    starts = []
    current = 0
    for token in doc:
        if token.is_sent_start:
            current = token.i
        starts.append(current)
    return starts


class _Targets:
    """Marks lexicon rules and cues as spans of ``GROUP`` (leftmost, longest first)."""

    def __init__(self, rules: Rules) -> None:
        branches = [(r.label, p) for r in rules.lexicon for p in r.patterns]
        branches += [(f"CUE_{name}", p) for name, pats in rules.cue_patterns.items()
                     for p in pats]
        self.matcher = MultiPattern(branches, whole_words=True)

    def __call__(self, doc: Doc) -> Doc:
        from spacy.tokens import Span as SpacySpan

        spans = []
        last_end = -1
        for start, end, label in self.matcher.find(doc.text):
            span = doc.char_span(start, end, alignment_mode="expand")
            if span is None or len(span) == 0 or span.start < last_end:
                continue
            spans.append(SpacySpan(doc, span.start, span.end, label=label))
            last_end = span.end
        doc.spans[GROUP] = spans
        return doc


class _Context:
    """medspaCy ConText over ``GROUP``, matched with one regex, linked per sentence."""

    def __init__(self, rules: Rules) -> None:
        from medspacy.context import ConTextRule
        from spacy.tokens import Doc as SpacyDoc
        from spacy.tokens import Span as SpacySpan

        SpacySpan.set_extension("modifiers", default=(), force=True)
        SpacyDoc.set_extension("context_graph", default=None, force=True)
        self.rules: dict[str, Any] = {}
        branches = []
        for i, m in enumerate(rules.modifiers):
            label = f"M{i}"
            self.rules[label] = ConTextRule(literal=label, category=m.category,
                                            direction=m.direction, max_scope=m.max_scope)
            branches += [(label, p if m.raw else word(p)) for p in m.patterns]
        self.matcher = MultiPattern(branches, whole_words=False)

    def __call__(self, doc: Doc) -> Doc:
        from medspacy.context.context_graph import ConTextGraph
        from medspacy.context.context_modifier import ConTextModifier

        sent_of = _sentence_starts(doc)
        by_sent: dict[int, tuple[list[Any], list[Any]]] = {}
        modifiers = []
        last_end = -1
        for start, end, label in self.matcher.find(doc.text):
            span = doc.char_span(start, end, alignment_mode="expand")
            if span is None or len(span) == 0 or span.start < last_end:
                continue
            last_end = span.end
            rule = self.rules[label]
            modifier = ConTextModifier(rule, span.start, span.end, doc)
            modifiers.append(modifier)
            by_sent.setdefault(sent_of[span.start], ([], []))[1].append(modifier)
        targets = list(doc.spans[GROUP])
        for target in targets:
            bucket = by_sent.get(sent_of[target.start])
            if bucket is not None:
                bucket[0].append(target)
        edges = []
        for sent_targets, sent_modifiers in by_sent.values():
            if not sent_targets:
                continue
            graph = ConTextGraph(targets=sent_targets, modifiers=sent_modifiers)
            graph.update_scopes()
            graph.apply_modifiers()
            edges += graph.edges
        for target, modifier in edges:
            target._.modifiers += (modifier,)
        doc._.context_graph = ConTextGraph(targets=targets, modifiers=modifiers, edges=edges)
        return doc


@functools.lru_cache(maxsize=1)
def nlp() -> Language:
    """The intake pipeline (built on the first call only; later calls are free)."""
    import warnings

    import spacy
    from spacy.language import Language

    # medspaCy silences all Python warnings when imported (medspacy.common.medspacy_matcher);
    # keep the caller's warning filters as they were.
    saved = list(warnings.filters)
    try:
        import medspacy.context  # noqa: F401
    finally:
        warnings.filters[:] = saved  # type: ignore[index]

    rules = load_rules()
    pipe = spacy.blank("en")
    punct = sorted(_SENT_END | {"\n", "\n\n", "\n\n\n", "\r\n", "\n \n", "\u2022"}
                   | set(_SENTENCIZER_DEFAULTS))
    pipe.add_pipe("sentencizer", config={"punct_chars": punct})
    for name, component in (("hipnav_targets", _Targets(rules)),
                            ("hipnav_context", _Context(rules))):
        # spaCy components are registered by name; the registered function looks the
        # component object up, so the pipeline holds our compiled rules without pickling.
        if not Language.has_factory(name):
            Language.component(name, func=_dispatch(name))
        _COMPONENTS[name] = component
        pipe.add_pipe(name)
    return pipe


_COMPONENTS: dict[str, Any] = {}


def _dispatch(name: str) -> Any:
    """A named spaCy component that calls the current object for ``name``."""
    def run(doc: Doc) -> Doc:
        result: Doc = _COMPONENTS[name](doc)
        return result
    return run
