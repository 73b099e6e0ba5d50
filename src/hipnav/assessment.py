"""One assessment of one case: the differential, the red flags and the urgency together.

This is the layer every interface (command line, web pages, JSON API, reports) calls. It
joins the engine (ranking) and triage (urgency), which are kept apart on purpose;
:mod:`hipnav.result` describes an assessment as the interfaces show it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from hipnav.engine import Case, CompiledModel, Explanation, Question, explain
from hipnav.engine import next_question as _next_question
from hipnav.engine.explanation import explain_many
from hipnav.engine.model import compiled
from hipnav.engine.posterior import encode, evidence_groups, probabilities
from hipnav.knowledge import default as default_kb
from hipnav.triage import FiredRedFlag, RuleOut, Urgency, decide_urgency, fired_red_flags, must_rule_out

DISCLAIMER = ("hipnav informs care; it does not replace a clinician. If you are worried, or your "
              "pain is severe or getting worse, see a healthcare professional.")


def default_model() -> CompiledModel:
    """The shipped knowledge base's compiled model."""
    return compiled(default_kb())


class RankedCondition(NamedTuple):
    """One line of the differential."""

    condition: str
    name: str
    plain_name: str
    probability: float
    typical_urgency: str


@dataclass(frozen=True)
class Assessment:
    case: Case
    model: CompiledModel
    probabilities: tuple[float, ...]  # each condition's posterior, in ``model.conditions`` order
    ranking: tuple[int, ...]  # indexes into ``model.conditions``, highest probability first
    red_flags: tuple[FiredRedFlag, ...]
    urgency: Urgency
    groups: tuple[list[int], ...]  # the case's evidence states, grouped (``evidence_groups``)
    rule_out: tuple[RuleOut, ...]  # serious conditions to exclude now, most serious first

    @property
    def kb_version(self) -> str:
        return self.model.kb.version

    @property
    def differential(self) -> tuple[RankedCondition, ...]:
        """Every condition, highest probability first."""
        return self.top(None)

    def top(self, n: int | None) -> tuple[RankedCondition, ...]:
        """The ``n`` most likely conditions (all when None)."""
        ids, conditions, probs = self.model.conditions, self.model.kb.conditions, self.probabilities
        return tuple(RankedCondition(c.id, c.name, c.plain_name, probs[j], c.typical_urgency)
                     for j in self.ranking[:n] for c in (conditions[ids[j]],))

    def explain(self, condition: str) -> Explanation:
        return explain(self.model, self.case, condition, self.groups)

    def explain_many(self, conditions: Sequence[str]) -> tuple[Explanation, ...]:
        """:meth:`explain` for several conditions at once."""
        return explain_many(self.model, self.case, conditions, self.groups)

    def next_question(self, question_set: str = "patient") -> Question | None:
        return _next_question(self.model, self.case, question_set)


def assess(case: Case, model: CompiledModel | None = None) -> Assessment:
    model = model or default_model()
    values = case.values()
    groups = evidence_groups(model, encode(model, values))
    probs = probabilities(model, case, groups).tolist()
    # highest first; the sort is stable in reverse too, so ties keep ``model.conditions``
    # (alphabetical) order
    ranking = sorted(range(len(probs)), key=probs.__getitem__, reverse=True)
    flags = fired_red_flags(model.kb, values)
    urgency = decide_urgency(model.kb, dict(zip(model.conditions, probs, strict=True)), flags)
    rule_out = must_rule_out(model.kb, model.conditions, probs, ranking, flags)
    return Assessment(case, model, tuple(probs), tuple(ranking), tuple(flags), urgency, tuple(groups),
                      rule_out)
