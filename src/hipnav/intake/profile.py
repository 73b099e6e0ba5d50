"""The one reader of the basics a description gives: age, sex, how long, how bad, and where.

Issue 13 (the question flow) pre-fills these from a person's own words for them to confirm;
issue 14 reads them for the intake. Both use :func:`read_profile`, which is a view of
:func:`hipnav.intake.extract` (one pipeline, one set of rules), so the flow and the intake
can never disagree about what a text says.

Use::

    from hipnav.intake import read_profile
    p = read_profile("34 year old woman, pain at the back of my thigh for 3 weeks, 6/10")
    p.age, p.sex                  # 34.0, "female"
    p.duration_weeks              # 3.0
    p.pain_severity               # 6.0
    p.places                      # {"loc_posterior_thigh": True}
    p.evidence("loc_posterior_thigh")   # the words it came from

``places`` holds the location findings (the body map's regions, both sides, pain below the
knee) the text states, ``True`` or ``False`` (stated absent: "no back pain").
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from hipnav.intake.model import Extraction, PersonSpan, Span


@functools.lru_cache(maxsize=1)
def _places() -> frozenset[str]:
    """Location findings of the knowledge base (the body map's regions, 'both sides')."""
    from hipnav.intake.vocabulary import groups

    return frozenset(fid for fid, group in groups().items() if group == "location")


@dataclass(frozen=True)
class Profile:
    """Age, sex, duration, pain severity and places read from one text; None / absent when
    the text does not say. ``extraction`` holds every finding read and the words behind it.
    """

    age: float | None
    sex: str | None
    duration_weeks: float | None
    pain_severity: float | None
    places: dict[str, bool]
    extraction: Extraction

    def evidence(self, name: str) -> list[Span | PersonSpan]:
        """The used mentions behind one field ("age", "sex") or finding id, in text order."""
        if name in ("age", "sex"):
            return [s for s in self.extraction.person_spans if s.field == name and s.used]
        return [s for s in self.extraction.spans if s.finding == name and s.used]

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form: the five basics (missing ones left out)."""
        out: dict[str, object] = {}
        for key in ("age", "sex", "duration_weeks", "pain_severity"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        out["places"] = dict(self.places)
        return out


def profile_of(extraction: Extraction) -> Profile:
    """The basics of an extraction already made (no second reading of the text)."""
    found = extraction.findings
    duration = found.get("duration_weeks")
    severity = found.get("pain_severity")
    places = {fid: bool(v) for fid, v in found.items()
              if fid in _places() and isinstance(v, bool)}
    return Profile(
        age=extraction.age, sex=extraction.sex,
        duration_weeks=None if duration is None or isinstance(duration, bool) else float(duration),
        pain_severity=None if severity is None or isinstance(severity, bool) else float(severity),
        places=places, extraction=extraction)


def read_profile(text: str) -> Profile:
    """Age, sex, duration (weeks), pain severity (0-10) and body places stated in ``text``.

    The same reading as :func:`hipnav.intake.extract` (negated places give ``False``;
    uncertain, past, hypothetical statements and statements about someone else give
    nothing). The first call builds the NLP pipeline; see
    :func:`hipnav.intake.load` to build it ahead (at server start).
    """
    from hipnav.intake.extractor import extract

    return profile_of(extract(text))
