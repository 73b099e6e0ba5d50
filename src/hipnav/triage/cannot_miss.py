"""Can't-miss: serious conditions to exclude now although they are not among the likeliest.

A clinician lists a stress fracture, an infection or a tumour beside the likeliest causes when
missing it would cost most, not because it is likely (the "don't miss" flags of diagnosis aids;
Murtagh's diagnostic strategy). Here each can't-miss condition of ``triage.yaml`` has a testing
threshold (Pauker & Kassirer 1980): once its posterior reaches it, and it is not already among
the first three of the differential, the result names it in ``must_rule_out`` with the reason,
most serious first, at most two (case format 1.1). A fired red flag names the conditions its
message warns of (``suspects`` in red_flags.yaml) whatever their probability: the rule is the
guideline's own instruction to exclude them (NICE CKS, BASS, NICE CG124 and the others it cites),
and a low prior must not silence it. The differential itself is not reordered.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from hipnav.knowledge.model import KnowledgeBase
from hipnav.knowledge.policy import MAX_RULE_OUT
from hipnav.triage.red_flag import FiredRedFlag

#: The differential's first places, where a condition is already in view.
SHOWN_FIRST = 3
#: Said of a condition named because a warning sign points to it, not for its probability.
SUSPECTED = "A warning sign in the answers points to it, whatever its probability."


@dataclass(frozen=True)
class RuleOut:
    condition: str
    probability: float
    why: str
    threshold: float


def must_rule_out(kb: KnowledgeBase, conditions: Sequence[str], probabilities: Sequence[float],
                  ranking: Sequence[int], fired: Sequence[FiredRedFlag] = ()) -> tuple[RuleOut, ...]:
    """The can't-miss conditions outside ``ranking``'s first three that a fired red flag
    suspects or whose probability reaches their threshold, most serious first, at most
    :data:`MAX_RULE_OUT`; when more qualify, those a red flag suspects come before those
    named by probability alone. ``probabilities`` are in ``conditions`` order and ``ranking``
    indexes them, highest first."""
    shown = {conditions[j] for j in ranking[:SHOWN_FIRST]}
    suspected = {c for flag in fired for c in flag.rule.suspects}
    index = {c: j for j, c in enumerate(conditions)}
    named: list[tuple[bool, int, RuleOut]] = []  # (by probability alone, seriousness, rule-out)
    for rank, entry in enumerate(kb.triage.cannot_miss):
        j = index.get(entry.condition)
        if j is None or entry.condition in shown:
            continue
        if entry.condition in suspected:
            named.append((False, rank, RuleOut(entry.condition, probabilities[j],
                                               f"{entry.why} {SUSPECTED}", entry.p)))
        elif probabilities[j] >= entry.p:
            named.append((True, rank, RuleOut(entry.condition, probabilities[j], entry.why, entry.p)))
    kept = sorted(named, key=lambda n: n[:2])[:MAX_RULE_OUT]
    return tuple(out for _, _, out in sorted(kept, key=lambda n: n[1]))
