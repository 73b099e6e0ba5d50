"""Can't-miss: serious conditions to exclude now although they are not among the likeliest.

A clinician lists a stress fracture, an infection or a tumour beside the likeliest causes when
missing it would cost most, not because it is likely (the "don't miss" flags of diagnosis aids;
Murtagh's diagnostic strategy). Here each can't-miss condition of ``triage.yaml`` has a testing
threshold (Pauker & Kassirer 1980): once its posterior reaches it, and it is not already among
the first three of the differential, the result names it in ``must_rule_out`` with the reason,
most serious first, at most two (case format 1.1). The differential itself is not reordered.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from hipnav.knowledge.model import KnowledgeBase
from hipnav.knowledge.policy import MAX_RULE_OUT

#: The differential's first places, where a condition is already in view.
SHOWN_FIRST = 3


@dataclass(frozen=True)
class RuleOut:
    condition: str
    probability: float
    why: str
    threshold: float


def must_rule_out(kb: KnowledgeBase, conditions: Sequence[str], probabilities: Sequence[float],
                  ranking: Sequence[int]) -> tuple[RuleOut, ...]:
    """The can't-miss conditions outside ``ranking``'s first three whose probability reaches
    their threshold, most serious first. ``probabilities`` are in ``conditions`` order and
    ``ranking`` indexes them, highest first."""
    shown = {conditions[j] for j in ranking[:SHOWN_FIRST]}
    index = {c: j for j, c in enumerate(conditions)}
    out = []
    for entry in kb.triage.cannot_miss:
        j = index.get(entry.condition)
        if j is None or entry.condition in shown or probabilities[j] < entry.p:
            continue
        out.append(RuleOut(entry.condition, probabilities[j], entry.why, entry.p))
        if len(out) == MAX_RULE_OUT:
            break
    return tuple(out)
