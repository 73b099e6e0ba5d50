"""What hipnav says about a case, as one typed description every interface shows.

:func:`describe` turns an :class:`~hipnav.assessment.Assessment` into a :class:`Result`:
urgency and red flags, the ranked differential and, for the most likely causes, every
reason with its likelihood ratio and the source of each number. The JSON API and
``hipnav assess --json`` encode it as it is (:func:`encode`), the result pages and the
terminal report render it, and the saved result document behind the PDF and FHIR reports
is made from it (:mod:`hipnav.reports.document`), so that no two of them can disagree.

The fields are what the JSON gives: probabilities to 6 decimals, as the shared case
format's contract says, likelihood ratios to 4. Pages and reports word the figures as
computed, so a cause and a reason also keep those (``Cause.p``, ``Reason.lr``), beside their
fields: not encoded.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import msgspec
from msgspec import UNSET, Struct, UnsetType

from hipnav.assessment import DISCLAIMER, Assessment
from hipnav.describe import describe_contribution, provenance_label
from hipnav.engine.explanation import Contribution, explanation_table
from hipnav.engine.model import compiled
from hipnav.knowledge.model import KnowledgeBase
from hipnav.knowledge.provenance import GRADE_MEANS, Provenance


class Source(Struct, frozen=True):
    """Where one number comes from: a cited publication or an expert estimate."""

    grade: str
    label: str  # "Martin 2014, grade C" or "expert estimate, grade D"
    reference: str | None = None
    citation: str | None = None
    link: str | None = None
    locator: str | None = None
    note: str | None = None
    estimate: str | None = None

    @property
    def grade_means(self) -> str:
        return GRADE_MEANS.get(self.grade, "")


class Reason(Struct, frozen=True, dict=True):
    """One finding (or rule) that moved a cause's probability, and by how much."""

    finding: str
    state: str
    text: str
    likelihood_ratio: float  # to 4 decimals
    direction: str  # "for" or "against"
    counted: bool
    is_rule: bool
    note: str | None
    source: Source | None

    @property
    def lr(self) -> float:
        """The likelihood ratio as computed."""
        lr: float = self.__dict__["lr"]
        return lr

    @property
    def raises(self) -> bool:
        return self.lr > 1

    @property
    def strength(self) -> str:
        """What the likelihood ratio says, in words that take the cause's name after them
        ("strongly points to", "slightly points away from"), for a person who does not read
        odds. The cut-points are Jaeschke, Guyatt and Sackett's reading of likelihood ratios
        (JAMA 1994;271:703-7, users' guide to a diagnostic test): beyond 5 or 0.2 a moderate
        to large shift in probability ("strongly"), 2 to 5 and 0.2 to 0.5 a small but
        sometimes important one, nearer 1 one that is rarely important ("slightly")."""
        lr = self.lr
        if lr >= 5:
            return "strongly points to"
        if lr >= 2:
            return "points to"
        if lr > 1:
            return "slightly points to"
        if lr <= 0.2:
            return "strongly points away from"
        if lr <= 0.5:
            return "points away from"
        return "slightly points away from"


class Cause(Struct, frozen=True, dict=True):
    """A ranked condition with everything that explains its probability."""

    condition: str
    name: str
    plain_name: str
    probability: float  # to 6 decimals
    typical_urgency: str
    prior: float
    prior_source: Source
    reasons: tuple[Reason, ...]  # counted first, strongest first
    guide: str  # the address of its guide

    @property
    def p(self) -> float:
        """The probability as computed."""
        p: float = self.__dict__["p"]
        return p

    @property
    def raised(self) -> tuple[Reason, ...]:
        return tuple(r for r in self.reasons if r.counted and r.raises)

    @property
    def lowered(self) -> tuple[Reason, ...]:
        return tuple(r for r in self.reasons if r.counted and not r.raises)

    @property
    def overlapping(self) -> tuple[Reason, ...]:
        return tuple(r for r in self.reasons if not r.counted)


class RedFlag(Struct, frozen=True):
    id: str
    message: str
    urgency: str


class Ranked(Struct, frozen=True):
    condition: str
    probability: float  # to 6 decimals


class RuleOut(Struct, frozen=True, dict=True):
    """A serious condition to exclude now although it is not among the first three
    (:mod:`hipnav.triage.cannot_miss`)."""

    condition: str
    probability: float  # to 6 decimals
    why: str
    plain_name: str | UnsetType = UNSET  # (the described result's, not the contract's)

    @property
    def p(self) -> float:
        """The probability as computed."""
        p: float = self.__dict__["p"]
        return p


class Result(Struct, frozen=True):
    """The result contract of the shared case format (the fields up to
    ``knowledge_base_version``), and what the JSON API adds to it."""

    id: str | None
    urgency: str
    red_flags: list[RedFlag]
    differential: list[Ranked]  # every condition, most likely first
    must_rule_out: list[RuleOut]  # case format 1.1: most serious first, at most two
    urgency_means: str
    knowledge_base_version: str
    explanations: list[Cause] | UnsetType = UNSET  # the most likely causes, explained
    disclaimer: str | UnsetType = UNSET
    case: dict[str, Any] | UnsetType = UNSET  # the case it was made from (``/result.json``)


def contract(assessment: Assessment) -> Result:
    """The result contract of the shared case format alone (what ``hipnav assess --json``
    writes): urgency, red flags, the differential, the conditions that must be ruled out."""
    model, probabilities = assessment.model, assessment.probabilities
    return Result(
        id=assessment.case.id,
        urgency=assessment.urgency.level,
        red_flags=[RedFlag(f.id, f.message, f.urgency) for f in assessment.red_flags],
        differential=[Ranked(model.conditions[j], round(probabilities[j], 6)) for j in assessment.ranking],
        must_rule_out=[_rule_out(r.condition, r.probability, r.why) for r in assessment.rule_out],
        urgency_means=assessment.urgency.means,
        knowledge_base_version=model.kb.version,
    )


def _rule_out(condition: str, p: float, why: str, plain_name: str | UnsetType = UNSET) -> RuleOut:
    out = RuleOut(condition, round(p, 6), why, plain_name)
    out.__dict__["p"] = p
    return out


def describe(assessment: Assessment, explain: int | None = 0) -> Result:
    """The whole result: the contract, the ``explain`` most likely causes explained (every one
    when None), and the disclaimer."""
    out = contract(assessment)
    kb, model = assessment.model.kb, assessment.model
    top = assessment.ranking[:explain]
    wording = kb.derived(_wording)
    causes = []
    for j, why in zip(top, assessment.explain_many([model.conditions[j] for j in top]), strict=True):
        c, p = kb.conditions[model.conditions[j]], assessment.probabilities[j]
        cause = Cause(c.id, c.name, c.plain_name, round(p, 6), c.typical_urgency, why.prior,
                      wording.sources[why.prior_provenance], tuple(map(wording.reasons.__getitem__,
                                                                       why.contributions)),
                      f"/conditions/{c.id}")
        cause.__dict__["p"] = p
        causes.append(cause)
    rule_out = [_rule_out(r.condition, r.p, r.why, kb.conditions[r.condition].plain_name)
                for r in out.must_rule_out]
    return msgspec.structs.replace(out, must_rule_out=rule_out, explanations=causes, disclaimer=DISCLAIMER)


@dataclass(frozen=True)
class _Wording:
    """Every reason and source of a knowledge base, worded once (see ``KnowledgeBase.derived``):
    a reason depends only on its contribution, and the same few hundred recur in every result."""

    reasons: dict[Contribution, Reason]  # (contributions compare by identity: one object each)
    sources: dict[Provenance, Source]


def _wording(kb: KnowledgeBase) -> _Wording:
    table = explanation_table(compiled(kb))
    contributions = {c for by_state in table.alone for says in by_state for c in says.values()}
    contributions.update(c for says in table.overlaps.values() for c in says.values())
    provenances = {p.provenance for c in kb.conditions.values() for p in c.priors.values()}
    provenances |= {c.provenance for c in contributions if c.provenance is not None}
    sources = {p: _source(kb, p) for p in provenances}
    reasons = {}
    for c in contributions:
        reason = Reason(c.finding, c.state, describe_contribution(kb, c), round(c.lr, 4),
                        "for" if c.lr > 1 else "against", c.counted, c.is_cluster, c.note,
                        sources[c.provenance] if c.provenance else None)
        reason.__dict__["lr"] = c.lr
        reasons[c] = reason
    return _Wording(reasons, sources)


def _source(kb: KnowledgeBase, prov: Provenance) -> Source:
    label = provenance_label(kb, prov)
    if prov.source:
        ref = kb.references[prov.source]
        return Source(prov.grade, label, ref.id, ref.citation(), ref.link or None, prov.locator, prov.note)
    return Source(prov.grade, label, note=prov.note, estimate=prov.estimate)


_encoder = msgspec.json.Encoder()


def encode(result: Result) -> bytes:
    """The result as JSON."""
    return _encoder.encode(result)


def as_builtins(result: Result) -> dict[str, Any]:
    """The result exactly as its JSON reads, in dictionaries and lists (for a document that
    embeds it)."""
    out: dict[str, Any] = msgspec.json.decode(encode(result))
    return out


def prepare(kb: KnowledgeBase) -> None:
    """Build everything an assessment and its description derive from ``kb`` (the compiled
    model, the explanation table, the red-flag index, the question tables, the wording), so
    that a server's first request waits for none of it."""
    from hipnav.engine.next_question import question_tables
    from hipnav.triage.red_flag import build_index

    for build in (build_index, question_tables, _wording):  # (each builds what it needs first)
        kb.derived(build)
