"""The judgement policy of ``triage.yaml``: when the differential alone raises urgency, and
which serious conditions must be excluded now although they are not among the likeliest.

Both are decision thresholds in the sense of Pauker & Kassirer (1980, *The threshold approach
to clinical decision making*): act (refer, test) once the probability of a condition exceeds
harm / (harm + benefit) of acting. For a condition whose miss is catastrophic and whose test is
cheap, that level is far below the probability at which it would be ranked among the first
three, which is why diagnosis aids keep a separate "don't miss" list beside the differential.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hipnav.knowledge.provenance import Provenance
from hipnav.knowledge.validation import Problems, is_number, provenance

#: How many can't-miss conditions a result names at most (case format 1.1).
MAX_RULE_OUT = 2


@dataclass(frozen=True)
class CannotMiss:
    """A serious condition to exclude now once its probability reaches ``p``."""

    condition: str
    p: float  # the testing threshold
    why: str  # what missing it costs and how it is excluded, in plain words
    provenance: Provenance


@dataclass(frozen=True)
class TriagePolicy:
    """Probability thresholds at which the differential alone raises urgency to a level, and
    the can't-miss conditions, most serious first."""

    thresholds: dict[str, float]
    provenance: dict[str, Provenance]
    cannot_miss: tuple[CannotMiss, ...] = ()


def read_policy(raw: Any, level_ids: set[str], condition_ids: set[str], problems: Problems,
                refs: set[str]) -> TriagePolicy:
    """The policy of ``triage.yaml``, every problem in it collected in ``problems``."""
    thresholds: dict[str, float] = {}
    tprov: dict[str, Provenance] = {}
    if not isinstance(raw, dict) or not isinstance(raw.get("thresholds"), dict):
        problems.add("triage.yaml", "needs a 'thresholds' mapping")
        return TriagePolicy(thresholds, tprov)
    for level, t in raw["thresholds"].items():
        valid = isinstance(t, dict) and is_number(t.get("p")) and 0 < t["p"] < 1
        if level not in level_ids or not valid:
            problems.add("triage.yaml", f"threshold '{level}' needs a level id and a 'p' in (0, 1)")
            continue
        thresholds[level] = float(t["p"])
        tprov[level] = provenance(t, f"triage.yaml {level}", problems, refs)
    cannot_miss = []
    entries = raw.get("cannot_miss") or []
    if not isinstance(entries, list):
        problems.add("triage.yaml", "'cannot_miss' is a list, most serious first")
        entries = []
    seen: set[str] = set()
    for i, entry in enumerate(entries):
        where = f"triage.yaml cannot_miss[{i}]"
        if not isinstance(entry, dict) or entry.get("condition") not in condition_ids:
            problems.add(where, "needs a known 'condition'")
            continue
        cid = entry["condition"]
        if cid in seen:
            problems.add(where, f"'{cid}' is listed twice")
        seen.add(cid)
        if not is_number(entry.get("p")) or not 0 < entry["p"] < 1:
            problems.add(where, "needs a testing threshold 'p' in (0, 1)")
            continue
        if not isinstance(entry.get("why"), str) or len(entry["why"]) < 20:
            problems.add(where, "needs a plain-language 'why' (what a miss costs, how it is excluded)")
            continue
        cannot_miss.append(CannotMiss(cid, float(entry["p"]), entry["why"],
                                      provenance(entry, where, problems, refs)))
    return TriagePolicy(thresholds, tprov, tuple(cannot_miss))
