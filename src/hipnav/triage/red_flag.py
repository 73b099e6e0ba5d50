"""Evaluate the knowledge base's red-flag rules on a case."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from hipnav.knowledge.model import KnowledgeBase, RedFlag


@dataclass(frozen=True)
class FiredRedFlag:
    id: str
    urgency: str
    message: str
    rule: RedFlag


def fired_red_flags(kb: KnowledgeBase, values: Mapping[str, object]) -> list[FiredRedFlag]:
    """The rules whose condition is definitely true (unknown is not true), most urgent first."""
    known = set(values)  # a set: each rule's required findings are checked against it
    fired = [FiredRedFlag(rf.id, rf.urgency, rf.message, rf)
             for rf in kb.red_flags.values()
             if rf.when.required_findings <= known and rf.when.evaluate(values) is True]  # type: ignore[arg-type]
    fired.sort(key=lambda f: -kb.urgency_rank(f.urgency))
    return fired
