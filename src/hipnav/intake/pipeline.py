"""The spaCy + medspaCy pipeline, built once on first use.

Why this shape:
- ``spacy.blank("en")``: a rule-based tokenizer only, so nothing is downloaded and nothing
  is loaded from a network; the program runs offline.
- Our own sentence splitter instead of medspaCy's PyRuSH: PyRuSH costs about 0.6 ms a
  sentence and writes two loguru DEBUG lines per sentence to stderr; splitting on end
  punctuation, semicolons and line breaks keeps ConText working and is far faster.
- medspaCy's TargetMatcher marks every lexicon rule and cue of the data files as a span
  (longest match wins, so "outer side of the knee" hides "knee"), into a span group.
- medspaCy's ConText, with our modifiers only (no default rule file), links each span to
  the negation, uncertainty, historical, hypothetical and family words that govern it.

Nothing here runs at import time: :func:`nlp` builds the pipeline on its first call and
caches it for the life of the process.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from hipnav.intake.rules import Rules, load_rules

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language
    from spacy.tokens import Doc

#: Span group holding every target (lexicon rules, cues) of a document.
GROUP = "hipnav_intake"
_SENT_END = frozenset({".", "!", "?", ";"})


def _split_sentences(doc: Doc) -> Doc:
    """Sentence starts after . ! ? ; and after line breaks (clinical notes list by line)."""
    previous_ends = True
    for token in doc:
        token.is_sent_start = previous_ends
        text = token.text
        previous_ends = text in _SENT_END or "\n" in text or (
            len(text) > 1 and text[-1] in "!?" and not text[0].isalnum())
    return doc


@functools.lru_cache(maxsize=1)
def nlp() -> Language:
    """The intake pipeline (built on the first call only; later calls are free)."""
    import spacy
    from spacy.language import Language

    # medspaCy silences all Python warnings at import (medspacy.common.medspacy_matcher);
    # keep the caller's warning filters as they were.
    import warnings
    saved = warnings.filters[:]
    try:
        from medspacy.context import ConText, ConTextRule
        from medspacy.target_matcher import TargetMatcher, TargetRule
    finally:
        warnings.filters[:] = saved

    rules: Rules = load_rules()
    if not Language.has_factory("hipnav_sentences"):
        Language.component("hipnav_sentences", func=_split_sentences)
    pipe = spacy.blank("en")
    pipe.add_pipe("hipnav_sentences")

    matcher: Any = pipe.add_pipe(
        "medspacy_target_matcher",
        config={"result_type": "group", "span_group_name": GROUP},
    )
    assert isinstance(matcher, TargetMatcher)
    targets = [TargetRule(literal=r.label, category=r.label, pattern=r.regex)
               for r in rules.lexicon]
    targets += [TargetRule(literal=f"CUE_{name}", category=f"CUE_{name}", pattern=regex)
                for name, regex in rules.cues.items()]
    # One token pattern, so spaCy's token Matcher inside is never empty (it warns if so).
    targets.append(TargetRule(literal="bullet", category="CUE_IGNORE",
                              pattern=[{"TEXT": {"IN": ["\u2022", "\u25aa"]}}]))
    matcher.add(targets)

    context: Any = pipe.add_pipe(
        "medspacy_context",
        config={"rules": None, "span_attrs": None, "input_span_type": "group",
                "span_group_name": GROUP},
    )
    assert isinstance(context, ConText)
    context.add([
        ConTextRule(literal=f"{m.category}_{i}", category=m.category, pattern=m.regex,
                    direction=m.direction, max_scope=m.max_scope)
        for i, m in enumerate(rules.modifiers)
    ] + [ConTextRule(literal="bullet", category="TERMINATE", direction="TERMINATE",
                     pattern=[{"TEXT": {"IN": ["\u2022", "\u25aa"]}}])])
    return pipe
