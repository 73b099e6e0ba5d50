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

    Only the rules that one of the case's reported values can trigger are evaluated
    (:attr:`~hipnav.knowledge.predicate.Predicate.triggers`); the others cannot be true."""
    rules = kb.red_flag_rules
    by_finding = kb.red_flag_index
    candidates = set(kb.red_flags_always_checked)
    for finding in by_finding.keys() & values.keys():  # (a case reports few that any rule names)
        value = values[finding]
        for wanted, rule_ids in by_finding[finding]:
            if shows(wanted, value):
                candidates.update(rule_ids)
    fired = [FiredRedFlag(rf.id, rf.urgency, rf.message, rf)
             for rf in map(rules.__getitem__, sorted(candidates))
             if rf.when.evaluate(values) is True]  # type: ignore[arg-type]
    fired.sort(key=lambda f: -kb.urgency_rank(f.urgency))
    return fired
