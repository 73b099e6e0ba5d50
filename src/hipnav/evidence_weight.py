"""How much of the evidence the engine actually uses on a set of cases rests on published figures.

The weight of a piece of evidence is |ln LR| as the engine counts it for a condition in a case:
after the family rule (only the strongest evidence in each direction of a family counts),
after cluster rules (a rule's count replaces its findings for its conditions), and for age
relative to the setting's own consulters. Summed over every case and all conditions.

Two shares of that weight are reported (``hipnav kb check --cases``):

- **P(f | d) sourced**: the figure that says how the finding behaves in the condition is
  published (grade A-C): a published test accuracy (sensitivity/specificity or LRs), a published
  prediction rule's count, or an LR derived from a published proportion of the finding in the
  condition;
- **fully sourced**: in addition, the comparison is published: for published test accuracy and
  rules the study itself compared (both sides are in it); for a derived LR, the finding's rate
  among the setting's consulters is a published figure (``consulters/``) rather than the
  mixture of the conditions' own frequencies.

Expert estimates, and the LRs of findings a condition does not list (which occur in it only
through a coexisting cause), count in neither.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from hipnav.engine import Case, CompiledModel
from hipnav.engine.explanation import Contribution, explain_many


@dataclass
class WeightShare:
    cases: int = 0
    total: float = 0.0
    pd_sourced: float = 0.0
    fully_sourced: float = 0.0
    # weight that rests on an estimate, by (finding or rule, condition): where to look next
    unsourced: defaultdict[tuple[str, str], float] = field(default_factory=lambda: defaultdict(float))

    def largest_unsourced(self, n: int) -> list[tuple[tuple[str, str], float]]:
        return sorted(self.unsourced.items(), key=lambda kv: -kv[1])[:n]

    def share(self, part: float) -> float:
        return part / self.total if self.total else 0.0

    def to_json(self) -> dict[str, object]:
        return {"cases": self.cases, "weight": round(self.total, 1),
                "pd_sourced": round(self.share(self.pd_sourced), 4),
                "fully_sourced": round(self.share(self.fully_sourced), 4),
                "largest_unsourced": [{"finding": f, "condition": c, "weight": round(w, 1)}
                                      for (f, c), w in self.largest_unsourced(20)]}


def sourcing(model: CompiledModel, condition: str, c: Contribution) -> tuple[bool, bool]:
    """(P(f | d) sourced, fully sourced) for one counted contribution (see the module docstring)."""
    published = c.provenance is not None and not c.provenance.is_estimate
    if c.is_cluster:
        return published, published
    ev = model.evidence.get((condition, c.finding))
    if ev is None or ev.derivation is None:
        return published, published  # published accuracy: both sides are in the study
    return published, published and ev.derivation.base_sourced


def evidence_weight(model: CompiledModel, cases: Iterable[Case]) -> WeightShare:
    out = WeightShare()
    for case in cases:
        out.cases += 1
        for explanation in explain_many(model, case, model.conditions):
            for c in explanation.counted:
                weight = abs(c.log_lr)
                pd, full = sourcing(model, explanation.condition, c)
                out.total += weight
                out.pd_sourced += weight if pd else 0.0
                out.fully_sourced += weight if full else 0.0
                if not pd:
                    out.unsourced[c.finding, explanation.condition] += weight
    return out


def render_weight(share: WeightShare) -> str:
    lines = [
        f"  evidence weight used on {share.cases} cases (sum of |ln LR| counted, all conditions): "
        f"{share.total:.1f}",
        f"    resting on a published P(finding | condition), test accuracy or rule: "
        f"{share.share(share.pd_sourced):.1%}",
        f"    ... with the comparison published too: {share.share(share.fully_sourced):.1%}",
        "    largest weight resting on estimates (finding, condition):",
    ]
    lines += [f"      {f} / {c}: {w:.1f}" for (f, c), w in share.largest_unsourced(12)]
    return "\n".join(lines)
