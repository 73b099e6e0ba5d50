"""An assessment as the web shows it: the explanation of every cause with the source of each
number, for the result page and for the JSON API alike.

Nothing here decides anything clinical: probabilities, urgency, explanations and questions
all come from :mod:`hipnav.assessment` and :mod:`hipnav.engine`; this module only gathers
and words them, so the page and the JSON can never disagree.
"""

from __future__ import annotations

import functools
import math
import threading
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import msgspec

from hipnav.assessment import DISCLAIMER, Assessment
from hipnav.describe import describe_contribution, provenance_label
from hipnav.engine.explanation import Contribution, explained, explanation_table
from hipnav.engine.model import CompiledModel
from hipnav.engine.posterior import setting_row
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
        """The source as encoded JSON, made once: the same few dozen sources recur in every
        result (msgspec writes it into one as is)."""
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
                "reasons": [r.to_json() for r in self.reasons], "guide": self.guide_href}


class _Words:
    """A model's explanations as the web words them, made once: each contribution's
    :class:`Reason` and its encoded JSON, by contribution number (see
    :class:`~hipnav.engine.explanation.ExplanationTable`), and each cause's JSON around its
    probability and reasons, per setting. A reason depends only on the knowledge base and the
    contribution, so a result's reasons are a list look-up each, and the JSON API writes a
    cause as bytes joined (one request touches a few dozen of these, not the few hundred
    objects and dictionaries that building and encoding each cause took)."""

    def __init__(self, model: CompiledModel) -> None:
        kb = model.kb
        self.kb = kb
        self.table = explanation_table(model)
        self.reasons: list[Reason] = []
        self.json: list[bytes] = []
        self._lock = threading.Lock()
        self.catch_up()
        causes = []
        for setting in model.settings:
            parts = []
            for condition in model.conditions:
                c, prior = kb.conditions[condition], kb.conditions[condition].priors[setting]
                head = _encoder.encode({"condition": c.id, "name": c.name, "plain_name": c.plain_name})
                middle = _encoder.encode({"typical_urgency": c.typical_urgency, "prior": prior.p,
                                          "prior_source": source_of(kb, prior.provenance).json})
                parts.append((head[:-1] + b',"probability":', b"," + middle[1:-1] + b',"reasons":[',
                              b'],"guide":' + _encoder.encode(f"/conditions/{c.id}") + b"}"))
            causes.append(tuple(parts))
        #: [setting][condition]: a cause's JSON before its probability, between it and its
        #: reasons, and after them (as :meth:`Cause.to_json` encodes it)
        self.causes: tuple[tuple[tuple[bytes, bytes, bytes], ...], ...] = tuple(causes)

    def catch_up(self) -> None:
        """Word the contributions numbered since (overlaps are numbered when first met)."""
        contributions = self.table.contributions
        if len(self.json) < len(contributions):
            with self._lock:
                for c in contributions[len(self.json):]:
                    reason = _reason(self.kb, c)
                    self.reasons.append(reason)
                    self.json.append(_encoder.encode(reason.to_json()))


_words: weakref.WeakKeyDictionary[CompiledModel, _Words] = weakref.WeakKeyDictionary()


def words_of(model: CompiledModel) -> _Words:
    """The model's worded explanations, made on first use (as its explanation table is)."""
    words = _words.get(model)
    if words is None:
        words = _words[model] = _Words(model)
    words.catch_up()
    return words


def _reason(kb: KnowledgeBase, c: Contribution) -> Reason:
    return Reason(c.finding, c.state, describe_contribution(kb, c), math.exp(c.log_lr), c.counted,
                  c.is_cluster, c.note, source_of(kb, c.provenance) if c.provenance else None)


def explain_causes(result: Assessment, top: int | None = None) -> tuple[Cause, ...]:
    """The ``top`` most likely causes (all when None), each with its explanation."""
    ranked = result.top(top)
    if not ranked:
        return ()
    model = result.model
    evidence = result.evidence  # first: it may number new contributions, which words_of words
    words = words_of(model)
    kb, table, reasons = model.kb, words.table, words.reasons.__getitem__
    setting = model.settings[setting_row(model, result.case.setting)]
    out = []
    for d, j in zip(ranked, result.ranking, strict=False):
        prior = kb.conditions[d.condition].priors[setting]
        out.append(Cause(d.condition, d.name, d.plain_name, d.probability, d.typical_urgency,
                         prior.p, source_of(kb, prior.provenance),
                         tuple(map(reasons, explained(table, evidence, j)))))
    return tuple(out)


_NO_CAUSES = msgspec.Raw(b"[]")


def explanations_json(result: Assessment, probabilities: Sequence[float]) -> msgspec.Raw:
    """The JSON of the ``len(probabilities)`` most likely causes with their explanations,
    exactly ``[c.to_json() for c in explain_causes(result, n)]`` encoded, written as bytes
    joined (:class:`_Words`). ``probabilities`` are theirs rounded, as the differential
    gives them (``round(p, 6)``)."""
    if not probabilities:
        return _NO_CAUSES
    model = result.model
    evidence = result.evidence  # first: it may number new contributions, which words_of words
    words = words_of(model)
    table, reasons = words.table, words.json
    parts = words.causes[setting_row(model, result.case.setting)]
    encode = _encoder.encode
    out = [b"["]
    for j, p in zip(result.ranking, probabilities, strict=False):
        head, middle, tail = parts[j]
        out += (head, encode(p), middle, b",".join([reasons[c] for c in explained(table, evidence, j)]),
                tail, b",")
    out[-1] = b"]"  # (the last comma)
    return msgspec.Raw(b"".join(out))


def assessment_json(result: Assessment, explain: int | None = DEFAULT_EXPLAIN) -> dict[str, object]:
    """The result contract of the shared case format, plus the explanations of the ``explain``
    most likely causes (all when None) and the disclaimer. The explanations in it are encoded
    JSON already (``msgspec.Raw``): encode the whole with msgspec."""
    out = result.to_json()
    differential: list[dict[str, Any]] = out["differential"]  # type: ignore[assignment]
    out["explanations"] = explanations_json(result, [d["probability"] for d in differential[:explain]])
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
