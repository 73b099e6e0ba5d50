"""One assessment of one case: the differential, the red flags and the urgency together.

This is the layer every interface (command line, web pages, JSON API, reports) calls. It
joins the engine (ranking) and triage (urgency), which are kept apart on purpose.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from hipnav.engine import Case, CompiledModel, Explanation, Question, compile_model, explain
from hipnav.engine import next_question as _next_question
from hipnav.engine import probabilities as _probabilities
from hipnav.engine.explanation import PerCondition, case_evidence, explain_many, explanation_table
from hipnav.engine.posterior import encode_case
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
    model.minus_scores  # noqa: B018 (built now, not on the first request)
    model.condition_index  # noqa: B018
    model.typical_urgency_ranks  # noqa: B018
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
    probabilities: tuple[float, ...]  # each condition's posterior, in ``model.conditions`` order
    ranking: tuple[int, ...]  # indexes into ``model.conditions``, highest probability first
    red_flags: tuple[FiredRedFlag, ...]
    urgency: Urgency
    states: tuple[int, ...]  # the case's encoded evidence states, reused by explanations

    @property
    def kb_version(self) -> str:
        return self.model.kb.version

    @functools.cached_property
    def differential(self) -> tuple[RankedCondition, ...]:
        """Every condition, highest probability first. Built on first use: the JSON result
        needs only the ids and probabilities, and the web API answers thousands a second."""
        return self.top(None)

    def top(self, n: int | None) -> tuple[RankedCondition, ...]:
        """The ``n`` most likely conditions (all when None), without building the rest."""
        if n is None and "differential" in self.__dict__:
            return self.differential
        ids, conditions, probs = self.model.conditions, self.model.kb.conditions, self.probabilities
        out = []
        for j in self.ranking[:n]:
            c = conditions[ids[j]]
            out.append(RankedCondition(c.id, c.name, c.plain_name, probs[j], c.typical_urgency))
        return tuple(out)

    @functools.cached_property
    def evidence(self) -> list[PerCondition]:
        """What the case's evidence says about every condition: the same for every
        condition explained."""
        return case_evidence(self.model, self.case, self.states)

    def explain(self, condition: str) -> Explanation:
        return explain(self.model, self.case, condition, self.states, self.evidence)

    def explain_many(self, conditions: Sequence[str]) -> tuple[Explanation, ...]:
        """:meth:`explain` for several conditions, in one pass over the evidence (none asked:
        no evidence gathered)."""
        if not conditions:
            return ()
        return explain_many(self.model, self.case, conditions, self.states, self.evidence)

    def next_question(self, question_set: str = "patient") -> Question | None:
        return _next_question(self.model, self.case, question_set)

    def to_json(self) -> dict[str, object]:
        """The result contract of shared/case-format/README.md (plus a few extra fields)."""
        return {
            "id": self.case.id,
            "urgency": self.urgency.level,
            "red_flags": [{"id": f.id, "message": f.message, "urgency": f.urgency}
                          for f in self.red_flags],
            "differential": _differential(self.model.conditions, self.probabilities, self.ranking),
            "urgency_means": self.urgency.means,
            "knowledge_base_version": self.kb_version,
        }


def _differential(ids: Sequence[str], probs: Sequence[float],
                  ranking: Sequence[int]) -> list[dict[str, object]]:
    """The differential as JSON: each condition with its probability rounded to 6 decimals,
    exactly as ``round(p, 6)`` would, at a fraction of its cost.

    ``round`` converts through a decimal string; every result rounds 25 probabilities. For p
    in (0, 1], y = p * 1e6 is within 2**-33 of the exact product, so when y is not within
    1e-4 of a tie, the nearest integer q to y is the correctly rounded 6-decimal value, and
    q / 1e6 (one correctly rounded division) is the float ``round`` returns. Near a tie, or
    outside (0, 1] (a zero keeps its sign), ``round`` itself decides.
    """
    floor = math.floor
    return [{"condition": ids[j],
             "probability": q / 1e6 if 0.0 < (p := probs[j]) <= 1.0
             and -0.4999 <= (y := p * 1e6) - (q := floor(y + 0.5)) <= 0.4999 else round(p, 6)}
            for j in ranking]


def assess(case: Case, model: CompiledModel | None = None) -> Assessment:
    model = model or default_model()
    kb = model.kb
    values = case.values()
    states, rows = encode_case(model, values)
    probs = _probabilities(model, case, rows=rows)
    # highest first; the sort is stable in reverse too, so ties keep ``model.conditions``
    # (alphabetical) order
    ranking = sorted(range(len(probs)), key=probs.__getitem__, reverse=True)
    flags = fired_red_flags(kb, values)
    urgency = decide_urgency(kb, zip(model.typical_urgency_ranks, probs, strict=True), flags)
    return Assessment(case, model, tuple(probs), tuple(ranking), tuple(flags), urgency, tuple(states))
