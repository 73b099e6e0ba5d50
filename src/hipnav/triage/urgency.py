"""Urgency: the most urgent of the fired red flags and of what the differential implies.

The differential implies level L when the probability that at least one condition whose
typical urgency is L or higher is present, 1 - prod(1 - p_d), reaches L's threshold
(triage.yaml). Conditions are treated as independent, as in the engine. Thresholds below
50 % for the dangerous levels encode that missing an emergency costs far more than an
unneeded visit (Pauker & Kassirer's threshold approach to clinical decisions).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from hipnav.knowledge.model import KnowledgeBase
from hipnav.triage.red_flag import FiredRedFlag


@dataclass(frozen=True)
class Urgency:
    level: str
    means: str
    from_red_flags: str | None  # the level the red flags alone set, if any fired
    from_differential: str
    risk_by_level: dict[str, float]  # P(at least one condition at this level or above)


def decide_urgency(kb: KnowledgeBase, probabilities: Mapping[str, float],
                   red_flags: Sequence[FiredRedFlag]) -> Urgency:
    """``probabilities``: each condition's posterior, by condition id."""
    ranked_levels = kb.levels_ascending  # least urgent first
    # P(no condition at exactly level L), then accumulate from the most urgent level down
    none_at = [1.0] * len(ranked_levels)
    for condition, p in probabilities.items():
        none_at[kb.typical_urgency_rank[condition]] *= 1.0 - p
    risk: dict[str, float] = {}
    from_diff = ranked_levels[0]
    none_present = 1.0
    thresholds = kb.triage.thresholds
    for rank in range(len(ranked_levels) - 1, 0, -1):
        level = ranked_levels[rank]
        none_present *= none_at[rank]
        risk[level] = at_risk = 1.0 - none_present
        threshold = thresholds.get(level)
        if threshold is not None and at_risk >= threshold and from_diff == ranked_levels[0]:
            from_diff = level  # the most urgent level reached (levels are visited downwards)
    from_flags = red_flags[0].urgency if red_flags else None
    level = from_diff
    if from_flags is not None and kb.urgency_rank(from_flags) > kb.urgency_rank(level):
        level = from_flags
    return Urgency(level, kb.urgency_means[level], from_flags, from_diff, risk)
