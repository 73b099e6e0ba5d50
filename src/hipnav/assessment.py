"""One assessment of one case: the differential, the red flags and the urgency together.

This is the layer every interface (command line, web pages, JSON API, reports) calls. It
joins the engine (ranking) and triage (urgency), which are kept apart on purpose.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import NamedTuple

from hipnav.engine import Case, CompiledModel, Explanation, Question, compile_model, encode, explain
from hipnav.engine import next_question as _next_question
from hipnav.engine import probabilities as _probabilities
from hipnav.engine.explanation import evidence_groups, explanation_table
from hipnav.knowledge import default as default_kb
from hipnav.triage import FiredRedFlag, Urgency, decide_urgency, fired_red_flags

DISCLAIMER = ("hipnav informs care; it does not replace a clinician. If you are worried, or your "
              "pain is severe or getting worse, see a healthcare professional.")


@functools.lru_cache(maxsize=1)
def default_model() -> CompiledModel:
    """The shipped knowledge base, compiled once per process, with its explanations built
    (so that a server's first request is as fast as the rest)."""
    model = compile_model(default_kb())
    explanation_table(model)
    return model


class RankedCondition(NamedTuple):
    """One line of the differential (a named tuple: 25 are built per assessment)."""

    condition: str
    name: str
    plain_name: str
    probability: float
    typical_urgency: str


@dataclass(frozen=True)
class Assessment:
    case: Case
    model: CompiledModel
    differential: tuple[RankedCondition, ...]  # highest probability first
    red_flags: tuple[FiredRedFlag, ...]
    urgency: Urgency
    states: tuple[int, ...]  # the case's encoded evidence states, reused by explanations

    @property
    def kb_version(self) -> str:
        return self.model.kb.version

    @functools.cached_property
    def evidence_groups(self) -> tuple[tuple[int, ...], ...]:
        """The encoded states by family: the same for every condition explained."""
        return evidence_groups(self.model, self.states)

    def explain(self, condition: str) -> Explanation:
        return explain(self.model, self.case, condition, self.states, self.evidence_groups)

    def next_question(self, question_set: str = "patient") -> Question | None:
        return _next_question(self.model, self.case, question_set)

    def to_json(self) -> dict[str, object]:
        """The result contract of shared/case-format/README.md (plus a few extra fields)."""
        return {
            "id": self.case.id,
            "urgency": self.urgency.level,
            "red_flags": [{"id": f.id, "message": f.message, "urgency": f.urgency}
                          for f in self.red_flags],
            "differential": [{"condition": d.condition, "probability": round(d.probability, 6)}
                             for d in self.differential],
            "urgency_means": self.urgency.means,
            "knowledge_base_version": self.kb_version,
        }


def assess(case: Case, model: CompiledModel | None = None) -> Assessment:
    model = model or default_model()
    kb = model.kb
    values = case.values()
    states = tuple(encode(model, values))
    probs = _probabilities(model, case, states)
    by_id = dict(zip(model.conditions, probs.tolist(), strict=True))
    ranked = sorted(by_id.items(), key=lambda kv: (-kv[1], kv[0]))
    conditions = kb.conditions
    differential = tuple(
        RankedCondition(cid, (c := conditions[cid]).name, c.plain_name, p, c.typical_urgency)
        for cid, p in ranked
    )
    flags = fired_red_flags(kb, values)
    urgency = decide_urgency(kb, by_id, flags)
    return Assessment(case, model, differential, tuple(flags), urgency, states)
