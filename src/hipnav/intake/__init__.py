"""hipnav intake: a person's own words, or a clinician's note, to case-format findings.

Use::

    from hipnav.intake import extract
    result = extract("Deep ache in my bum when I sit, shoots down the back of my leg "
                     "to my foot, no tingling though. Pain 7/10 for three months.")
    result.findings   # {"loc_buttock": True, "agg_sitting": True, "radiating_leg_pain": True,
                      #  "pain_below_knee": True, "paresthesia_leg": False,
                      #  "pain_severity": 7.0, "duration_weeks": 12.9, ...}
    result.spans      # [Span(finding, value, start, end, text, why, used), ...]
    result.messages   # why a result is empty ("empty text", "text too long", ...)

``extract(text: str) -> Extraction`` is a pure function: no input but the text, no side
effect, thread-safe after the first call. The first call builds the spaCy/medspaCy
pipeline (about a second); later calls take a few milliseconds. Nothing is downloaded and
no network is used. ``Extraction.to_dict()`` gives the JSON form the CLI prints.

Reading rules:
- ids and value types are those of the shared case format (``knowledge/data/findings``);
  numbers are checked against each finding's declared range.
- negated mentions ("no numbness", "denies fever") give ``False``;
- uncertain ("maybe", "not sure if"), past ("used to", "last year"), hypothetical
  ("if I ran it would hurt") mentions and mentions of someone else give no finding: they
  are kept in ``spans`` with ``used=False`` and the reason in ``why``;
- a missing id means the text did not say; the person confirms or corrects the findings
  before they are used.

The words themselves live in ``data/*.yaml`` (lexicon, cues, ConText modifiers, test
results, number words).

Also public:
- ``read_profile(text) -> Profile``: the one reader of age, sex, duration, pain severity and
  body-map places (``hipnav.intake.profile``), shared by the intake and the question flow;
- ``load()``: build the pipeline now (a server calls it at start; idempotent).
- ``Extraction.age`` / ``Extraction.sex``: the case fields the text states, with their words
  in ``Extraction.person_spans``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hipnav.intake.model import Extraction, PersonSpan, Span

if TYPE_CHECKING:  # pragma: no cover
    from hipnav.intake.extractor import extract, load
    from hipnav.intake.profile import Profile, read_profile

__all__ = ["Extraction", "PersonSpan", "Profile", "Span", "extract", "load", "read_profile"]


def __getattr__(name: str) -> Any:
    """Import the extractor (and its YAML loading) only when it is asked for."""
    if name in ("extract", "load"):
        from hipnav.intake import extractor

        return getattr(extractor, name)
    if name in ("read_profile", "Profile"):
        from hipnav.intake import profile

        return getattr(profile, name)
    raise AttributeError(name)
