"""Evaluate the knowledge base's red-flag rules on a case."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from hipnav.knowledge.model import KnowledgeBase, RedFlag
from hipnav.knowledge.predicate import Passes, shows


@dataclass(frozen=True)
class FiredRedFlag:
    id: str
    urgency: str
    message: str
    rule: RedFlag


Met = tuple[tuple[int, int], ...]  # (rule, one bit per list of its trigger sets) pairs


@dataclass(frozen=True, eq=False)
class TriggerIndex:
    """Which rules a reported value can make true, so that a case evaluates only those.

    ``by_finding``: finding -> (value -> what showing it meets, (comparison, what a number
    passing it meets) pairs), the comparison a :class:`~hipnav.knowledge.predicate.Passes`.
    A reported value shows a plain trigger exactly when it is equal to it, which is one
    dictionary look-up. A rule can be true only when the bits met add up to its ``needs``
    (one bit per list of its :attr:`~hipnav.knowledge.predicate.Predicate.trigger_sets`);
    rules without trigger lists are ``always`` evaluated."""

    rules: tuple[RedFlag, ...]  # file order
    by_finding: dict[str, tuple[dict[object, Met], tuple[tuple[Passes, Met], ...]]]
    needs: tuple[int, ...]
    always: tuple[int, ...]


def build_index(kb: KnowledgeBase) -> TriggerIndex:
    rules = tuple(kb.red_flags.values())
    out: dict[str, dict[object, list[tuple[int, int]]]] = {}
    for i, rule in enumerate(rules):
        for k, triggers in enumerate(rule.when.trigger_sets or ()):
            for finding, value in triggers:
                out.setdefault(finding, {}).setdefault(value, []).append((i, 1 << k))
    by_finding = {f: ({v: tuple(met) for v, met in by_value.items() if not isinstance(v, Passes)},
                      tuple((v, tuple(met)) for v, met in by_value.items() if isinstance(v, Passes)))
                  for f, by_value in out.items()}
    needs = tuple((1 << len(rule.when.trigger_sets or ())) - 1 for rule in rules)
    always = tuple(i for i, rule in enumerate(rules) if rule.when.trigger_sets is None)
    return TriggerIndex(rules, by_finding, needs, always)


def trigger_index(kb: KnowledgeBase) -> TriggerIndex:
    """The knowledge base's trigger index, made once (see ``KnowledgeBase.derived``)."""
    return kb.derived(build_index)


def fired_red_flags(kb: KnowledgeBase, values: Mapping[str, object]) -> list[FiredRedFlag]:
    """The rules whose condition is definitely true (unknown is not true), most urgent first.

    Only the rules whose every trigger list one of the case's reported values shows are
    evaluated (:attr:`~hipnav.knowledge.predicate.Predicate.trigger_sets`); the others cannot
    be true."""
    index = trigger_index(kb)
    by_finding = index.by_finding
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
    needs = index.needs
    candidates = [i for i, bits in met.items() if bits == needs[i]]
    candidates += index.always
    if not candidates:
        return []
    fired = [FiredRedFlag(rf.id, rf.urgency, rf.message, rf)
             for rf in map(index.rules.__getitem__, sorted(candidates))
             if rf.when.evaluate(values) is True]  # type: ignore[arg-type]
    fired.sort(key=lambda f: -kb.urgency_rank(f.urgency))
    return fired
