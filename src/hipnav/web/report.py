"""An assessment as the web shows it: the explanation of every cause with the source of each
number, for the result page and for the JSON API alike.

Nothing here decides anything clinical: probabilities, urgency, explanations and questions
all come from :mod:`hipnav.assessment` and :mod:`hipnav.engine`; this module only gathers
and words them, so the page and the JSON can never disagree.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import NamedTuple

import msgspec

from hipnav.assessment import Assessment
from hipnav.describe import describe_contribution, provenance_label
from hipnav.engine.explanation import Contribution
from hipnav.knowledge.model import GRADE_MEANS, KnowledgeBase, Provenance

_encoder = msgspec.json.Encoder()

#: How many causes the JSON explains unless asked otherwise: the ones a reader looks at.
DEFAULT_EXPLAIN = 3


@dataclass(frozen=True)
class Source:
    """Where one number comes from: a cited publication or an expert estimate."""

    grade: str
    label: str  # "Martin 2014, grade C" or "expert estimate, grade D"
    ref_id: str | None = None
    citation: str | None = None
    link: str | None = None
    locator: str | None = None
    note: str | None = None
    estimate: str | None = None

    @property
    def grade_means(self) -> str:
        return GRADE_MEANS.get(self.grade, "")

    def to_json(self) -> dict[str, object]:
        return {"grade": self.grade, "label": self.label, "reference": self.ref_id,
                "citation": self.citation, "link": self.link, "locator": self.locator,
                "note": self.note, "estimate": self.estimate}

    @functools.cached_property
    def json(self) -> msgspec.Raw:
        """The source as encoded JSON, made once (see :attr:`Reason.json`)."""
        return msgspec.Raw(_encoder.encode(self.to_json()))


#: Sources already worded, per knowledge base: the same few hundred figures recur in every
#: explanation, and wording a citation costs more than the rest of a reason.
_sources: dict[int, tuple[KnowledgeBase, dict[Provenance, Source]]] = {}


def source_of(kb: KnowledgeBase, prov: Provenance) -> Source:
    held = _sources.get(id(kb))
    if held is None or held[0] is not kb:
        held = _sources[id(kb)] = (kb, {})
    cache = held[1]
    source = cache.get(prov)
    if source is None:
        label = provenance_label(kb, prov)
        if prov.source:
            ref = kb.references[prov.source]
            source = Source(prov.grade, label, ref.id, ref.citation(), ref.link or None, prov.locator,
                            prov.note)
        else:
            source = Source(prov.grade, label, note=prov.note, estimate=prov.estimate)
        cache[prov] = source
    return source


@dataclass(frozen=True)
class Reason:
    """One finding (or rule) that moved a cause's probability, and by how much."""

    finding: str
    state: str
    text: str
    lr: float
    counted: bool
    is_cluster: bool
    note: str | None
    source: Source | None

    @property
    def raises(self) -> bool:
        return self.lr > 1

    @property
    def strength(self) -> str:
        """The likelihood ratio in words, for a person who does not read odds."""
        lr = self.lr
        if lr >= 5:
            return "makes it much more likely"
        if lr >= 2:
            return "makes it more likely"
        if lr > 1:
            return "makes it a little more likely"
        if lr <= 0.2:
            return "makes it much less likely"
        if lr <= 0.5:
            return "makes it less likely"
        return "makes it a little less likely"

    def to_json(self) -> dict[str, object]:
        return {"finding": self.finding, "state": self.state, "text": self.text,
                "likelihood_ratio": round(self.lr, 4), "direction": "for" if self.raises else "against",
                "counted": self.counted, "is_rule": self.is_cluster, "note": self.note,
                "source": self.source.json if self.source else None}

    @functools.cached_property
    def json(self) -> msgspec.Raw:
        """The reason as encoded JSON, made once: a reason is the same in every result that
        gives it, and the explanations are most of a result's bytes, so encoding them anew
        for each request was a good part of its cost. msgspec writes it into a result as is."""
        return msgspec.Raw(_encoder.encode(self.to_json()))


class Cause(NamedTuple):
    """A ranked condition with everything that explains its probability (a named tuple,
    quicker to make than a frozen dataclass: the API explains three in every answer)."""

    condition: str
    name: str
    plain_name: str
    probability: float
    typical_urgency: str
    prior: float
    prior_source: Source
    reasons: tuple[Reason, ...]  # strongest first; counted ones before overlapping ones

    @property
    def raised(self) -> tuple[Reason, ...]:
        return tuple(r for r in self.reasons if r.counted and r.raises)

    @property
    def lowered(self) -> tuple[Reason, ...]:
        return tuple(r for r in self.reasons if r.counted and not r.raises)

    @property
    def overlapping(self) -> tuple[Reason, ...]:
        return tuple(r for r in self.reasons if not r.counted)

    @property
    def guide_href(self) -> str:
        return f"/conditions/{self.condition}"

    def to_json(self) -> dict[str, object]:
        return {"condition": self.condition, "name": self.name, "plain_name": self.plain_name,
                "probability": round(self.probability, 6), "typical_urgency": self.typical_urgency,
                "prior": self.prior, "prior_source": self.prior_source.json,
                "reasons": [r.json for r in self.reasons], "guide": self.guide_href}


#: Reasons already worded, per knowledge base: a reason depends only on the knowledge base
#: and the contribution, and the engine builds each contribution once per model
#: (hipnav.engine.explanation.ExplanationTable) and compares them by identity, so a result's
#: reasons are one dictionary look-up each.
_reasons: dict[int, tuple[KnowledgeBase, dict[Contribution, Reason]]] = {}


def _reason(kb: KnowledgeBase, c: Contribution) -> Reason:
    return Reason(c.finding, c.state, describe_contribution(kb, c), math.exp(c.log_lr), c.counted,
                  c.is_cluster, c.note, source_of(kb, c.provenance) if c.provenance else None)


def explain_causes(result: Assessment, top: int | None = None) -> tuple[Cause, ...]:
    """The ``top`` most likely causes (all when None), each with its explanation."""
    kb = result.model.kb
    held = _reasons.get(id(kb))
    if held is None or held[0] is not kb:
        held = _reasons[id(kb)] = (kb, {})
    worded = held[1]
    out = []
    ranked = result.top(top)
    for d, expl in zip(ranked, result.explain_many([d.condition for d in ranked]), strict=True):
        reasons = tuple(map(worded.get, expl.contributions))
        if not all(reasons):  # first seen: word them
            reasons = tuple(r or worded.setdefault(c, _reason(kb, c))
                            for c, r in zip(expl.contributions, reasons, strict=True))
        out.append(Cause(d.condition, d.name, d.plain_name, d.probability, d.typical_urgency,
                         expl.prior, source_of(kb, expl.prior_provenance), reasons))  # type: ignore[arg-type]
    return tuple(out)


def assessment_json(result: Assessment, explain: int | None = DEFAULT_EXPLAIN) -> dict[str, object]:
    """The result contract of the shared case format, plus the explanations of the ``explain``
    most likely causes (all when None) and the disclaimer. The reasons in it are encoded JSON
    already (``msgspec.Raw``): encode the whole with msgspec."""
    from hipnav.assessment import DISCLAIMER

    out = result.to_json()
    out["explanations"] = [c.to_json() for c in explain_causes(result, explain)]
    out["disclaimer"] = DISCLAIMER
    return out


def percent(p: float) -> str:
    """A probability as a person reads it: whole percent, and never a false 0 %."""
    if p >= 0.995:
        return "over 99%"
    if p < 0.01:
        return "under 1%"
    return f"{round(p * 100)}%"


def times(lr: float) -> str:
    """A likelihood ratio as an odds multiplier, "× 5.2" or "× 0.53"."""
    return f"× {lr:.2g}" if lr < 10 else f"× {lr:.0f}"
