"""Scoring hipnav against vignettes with expected answers (``hipnav eval``).

Definitions follow shared/tools/score-vignettes, the independent scorer: top-1 means the
leading condition is one of the case's diagnoses; top-3 means the primary diagnosis (the
first listed) is among the first three; "considered" means it is among the first three or in
``must_rule_out`` (case format 1.1); the Brier score is the mean over cases and conditions of
(probability - present)^2, a condition present when it is one of the case's diagnosis;
triage compares urgency levels by rank. A vignette may accept several urgency levels
(``expected.acceptable_urgency``, as the textbook presentations do): a level among them is
exact, one below the least urgent of them is under-triage, one above the most urgent is
over-triage.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from hipnav.assessment import Assessment


@dataclass(frozen=True)
class Vignette:
    case_id: str | None
    diagnoses: tuple[str, ...]
    urgencies: tuple[str, ...]  # the acceptable levels (one for most vignettes)


@dataclass
class Scorecard:
    levels: tuple[str, ...]  # least urgent first
    cases: int = 0
    refused: int = 0
    top1: int = 0
    top3: int = 0
    considered: int = 0
    rule_outs: int = 0  # conditions named in must_rule_out, over all cases
    brier_sum: float = 0.0
    brier_terms: int = 0
    forecasts: list[tuple[float, bool]] = field(default_factory=list)  # (probability, present)
    urgency_exact: int = 0
    under_triage: int = 0
    under_triage_2: int = 0
    over_triage: int = 0
    emergencies: int = 0
    emergencies_caught: int = 0
    misses: list[dict[str, object]] = field(default_factory=list)
    confusion: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))

    def add(self, vignette: Vignette, result: Assessment) -> None:
        self.cases += 1
        ranked = [d.condition for d in result.differential]
        primary = vignette.diagnoses[0]
        hit1 = bool(ranked) and ranked[0] in vignette.diagnoses
        hit3 = primary in ranked[:3]
        self.top1 += hit1
        self.top3 += hit3
        self.considered += hit3 or primary in {r.condition for r in result.rule_out}
        self.rule_outs += len(result.rule_out)
        present = set(vignette.diagnoses)
        pairs = [(d.probability, d.condition in present) for d in result.differential]
        self.forecasts += pairs
        self.brier_sum += sum((p - y) ** 2 for p, y in pairs)
        self.brier_terms += len(pairs)
        self.confusion[primary][ranked[0]] += 1
        gold = sorted(self.levels.index(u) for u in vignette.urgencies)
        got = self.levels.index(result.urgency.level)
        exact = result.urgency.level in vignette.urgencies
        self.urgency_exact += exact
        self.under_triage += got < gold[0]
        self.under_triage_2 += got <= gold[0] - 2
        self.over_triage += got > gold[-1]
        if gold[0] == len(self.levels) - 1:  # nothing short of an emergency will do
            self.emergencies += 1
            self.emergencies_caught += exact
        if not hit1 or not exact:
            self.misses.append({"id": vignette.case_id, "expected": list(vignette.diagnoses),
                                "ranked": ranked[:3], "expected_urgency": " or ".join(vignette.urgencies),
                                "urgency": result.urgency.level})

    def add_refused(self, case_id: str | None, error: str) -> None:
        self.cases += 1
        self.refused += 1
        self.misses.append({"id": case_id, "error": error})

    def summary(self) -> dict[str, object]:
        n = max(self.cases, 1)
        return {
            "cases": self.cases, "refused": self.refused,
            "top1": round(self.top1 / n, 3), "top3": round(self.top3 / n, 3),
            "considered": round(self.considered / n, 3),
            "rule_outs_per_case": round(self.rule_outs / n, 3),
            "brier": round(self.brier_sum / max(self.brier_terms, 1), 4),
            "urgency_exact": round(self.urgency_exact / n, 3),
            "under_triage": self.under_triage, "under_triage_2_levels": self.under_triage_2,
            "over_triage": round(self.over_triage / n, 3),
            "emergencies_caught": f"{self.emergencies_caught}/{self.emergencies}",
        }

    def per_condition(self) -> dict[str, dict[str, object]]:
        out = {}
        for cond, firsts in sorted(self.confusion.items()):
            total = sum(firsts.values())
            out[cond] = {"cases": total, "ranked_first": firsts.get(cond, 0),
                         "confused_with": {k: v for k, v in firsts.most_common() if k != cond}}
        return out


#: The reliability diagram's bins: fine where most probabilities lie (a few percent).
BINS = (0.0, 0.02, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)


@dataclass(frozen=True)
class ReliabilityBin:
    low: float
    high: float
    count: int
    mean_probability: float  # what was said
    observed: float  # how often the condition was present


def reliability(forecasts: list[tuple[float, bool]], bins: tuple[float, ...] = BINS) -> list[ReliabilityBin]:
    """Each condition's probability against how often it was present, by bin of probability: a
    calibrated program's 80 % causes are present about 80 % of the time."""
    out = []
    for k, (low, high) in enumerate(zip(bins, bins[1:], strict=False)):
        last = k == len(bins) - 2
        inside = [(p, y) for p, y in forecasts if low <= p < high or (last and p == high)]
        if inside:
            out.append(ReliabilityBin(low, high, len(inside), sum(p for p, _ in inside) / len(inside),
                                      sum(y for _, y in inside) / len(inside)))
    return out
