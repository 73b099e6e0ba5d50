"""Evaluate the knowledge base's red-flag rules on a case."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from hipnav.knowledge.model import KnowledgeBase, RedFlag
from hipnav.knowledge.predicate import shows


@dataclass(frozen=True)
class FiredRedFlag:
    id: str
    urgency: str
    message: str
    rule: RedFlag


def fired_red_flags(kb: KnowledgeBase, values: Mapping[str, object]) -> list[FiredRedFlag]:
    """The rules whose condition is definitely true (unknown is not true), most urgent first.

    Only the rules whose every trigger list one of the case's reported values shows are
    evaluated (:attr:`~hipnav.knowledge.predicate.Predicate.trigger_sets`); the others cannot
    be true."""
    rules = kb.red_flag_rules
    by_finding = kb.red_flag_index
    met: dict[int, int] = {}  # rule -> its trigger lists shown, a bit each
    for finding in by_finding.keys() & values.keys():  # (a case reports few that any rule names)
        value = values[finding]
        equal, passing = by_finding[finding]
        if (meets := equal.get(value)) is not None:  # (values are bools, numbers, words)
            for i, bit in meets:
                met[i] = met.get(i, 0) | bit
        for wanted, meets in passing:
            if shows(wanted, value):
                for i, bit in meets:
                    met[i] = met.get(i, 0) | bit
    needs = kb.red_flag_needs
    candidates = [i for i, bits in met.items() if bits == needs[i]]
    candidates += kb.red_flags_always_checked
    if not candidates:
        return []
    fired = [FiredRedFlag(rf.id, rf.urgency, rf.message, rf)
             for rf in map(rules.__getitem__, sorted(candidates))
             if rf.when.evaluate(values) is True]  # type: ignore[arg-type]
    fired.sort(key=lambda f: -kb.urgency_rank(f.urgency))
    return fired
