"""Predicates over a case's findings, with three-valued logic.

Red-flag rules and the criteria of clinical prediction rules are written as predicates in
the knowledge base. A predicate on a finding the case does not report is *unknown*
(``None``), never false: the shared case format says a missing finding is not a negative one.
"""

from __future__ import annotations

import operator
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import NamedTuple

Value = bool | float | int | str
Truth = bool | None

_COMPARE: dict[str, Callable[[float, float], bool]] = {
    "gte": operator.ge,
    "gt": operator.gt,
    "lte": operator.le,
    "lt": operator.lt,
}


class Passes(NamedTuple):
    """In a trigger, "a number that passes this comparison" (``op``: gte, gt, lte or lt)."""

    op: str
    threshold: float


def shows(wanted: object, observed: object) -> bool:
    """Whether a reported value shows the trigger ``wanted``: that very value, or a number
    that passes its comparison (exactly when the comparison itself would be true)."""
    if isinstance(wanted, Passes):
        return (observed is not None and not isinstance(observed, str)
                and _COMPARE[wanted.op](float(observed), wanted.threshold))  # type: ignore[arg-type]
    return wanted == observed


class PredicateError(ValueError):
    """A predicate in the knowledge base is malformed."""


@dataclass(frozen=True)
class Predicate:
    op: str  # "is", "is_not", "gte", "gt", "lte", "lt", "all", "any", "not"
    finding: str | None = None
    value: Value | None = None
    parts: tuple[Predicate, ...] = ()

    def evaluate(self, findings: Mapping[str, Value]) -> Truth:
        """Three-valued truth of the predicate on these findings (None = unknown)."""
        op = self.op
        if op == "all" or op == "any":
            decisive = op == "any"  # the value that settles the whole: True for any, False for all
            unknown = False
            for part in self.parts:
                truth = part.evaluate(findings)
                if truth is decisive:
                    return decisive
                if truth is None:
                    unknown = True
            return None if unknown else not decisive
        if op == "not":
            truth = self.parts[0].evaluate(findings)
            return None if truth is None else not truth
        observed = findings.get(self.finding)  # type: ignore[arg-type]
        if op == "is_not":
            # Two-valued on purpose: true unless the case reports this value. Safety rules use
            # it for "unless something else explains it", so that a missing answer lets the
            # rule fire instead of silencing it.
            return observed != self.value
        if observed is None:
            return None
        if op == "is":
            return bool(observed == self.value)
        if isinstance(observed, str):
            return False
        return _COMPARE[op](float(observed), float(self.value))  # type: ignore[arg-type]

    @property
    def triggers(self) -> frozenset[tuple[str, Value | Passes]] | None:
        """Reported values at least one of which the case must show for the predicate to be
        true (see :func:`shows`): ``(finding, value)``, or ``(finding, Passes(op, threshold))``
        for a number that passes a comparison. None when there is no such list (``not`` and
        ``is_not`` can be true with nothing reported). Red flags are checked on every
        assessment, and most cases show none of a rule's triggers, so an index on them skips
        most rules unevaluated."""
        op = self.op
        if op == "is":
            return frozenset({(self.finding, self.value)})  # type: ignore[arg-type]
        if op in _COMPARE:
            return frozenset({(self.finding, Passes(op, float(self.value)))})  # type: ignore[arg-type]
        if op == "all":  # every part must be true, so any one part's triggers will do:
            # the most selective, a specific value before a comparison (age and pain severity
            # are nearly always reported; "fever: yes" seldom is)
            known = [t for t in (p.triggers for p in self.parts) if t is not None]
            if not known:
                return None
            return min(known, key=lambda t: (sum(isinstance(v, Passes) for _, v in t), len(t)))
        if op == "any":  # whichever part is true brings its own triggers
            parts = [p.triggers for p in self.parts]
            return None if any(t is None for t in parts) else frozenset().union(*parts)  # type: ignore[arg-type]
        return None

    @property
    def trigger_sets(self) -> tuple[frozenset[tuple[str, Value | Passes]], ...] | None:
        """Lists of :attr:`triggers` the case must show one of each of for the predicate to
        be true: for ``all``, every part's that has one (each part must be true), else the
        predicate's own; None when there is none. Requiring every part of a red-flag rule
        leaves far fewer rules to evaluate than requiring one (a runner's pain is not yet
        a stress fracture; groin pain and a painful hop test must come with it)."""
        if self.op == "all":
            sets = tuple(t for t in (p.triggers for p in self.parts) if t is not None)
            return sets or None
        return None if self.triggers is None else (self.triggers,)

    def findings(self) -> set[str]:
        if self.finding is not None:
            return {self.finding}
        out: set[str] = set()
        for p in self.parts:
            out |= p.findings()
        return out

    def describe(self) -> str:
        if self.op in ("all", "any"):
            joiner = " and " if self.op == "all" else " or "
            return "(" + joiner.join(p.describe() for p in self.parts) + ")"
        if self.op == "not":
            return "not " + self.parts[0].describe()
        if self.op == "is":
            return f"{self.finding} is {self.value}"
        if self.op == "is_not":
            return f"{self.finding} is not reported {self.value}"
        sym = {"gte": "≥", "gt": ">", "lte": "≤", "lt": "<"}[self.op]
        return f"{self.finding} {sym} {self.value}"


def parse(raw: object, where: str) -> Predicate:
    """Build a predicate from its YAML form; ``where`` names the entry for error messages."""
    if not isinstance(raw, dict):
        raise PredicateError(f"{where}: a predicate must be a mapping, got {type(raw).__name__}")
    for key in ("all", "any"):
        if key in raw:
            if set(raw) != {key} or not isinstance(raw[key], list) or not raw[key]:
                raise PredicateError(f"{where}: '{key}' takes a non-empty list and nothing else")
            parts = tuple(parse(p, f"{where}.{key}[{i}]") for i, p in enumerate(raw[key]))
            return Predicate(op=key, parts=parts)
    if "not" in raw:
        if set(raw) != {"not"}:
            raise PredicateError(f"{where}: 'not' takes one predicate and nothing else")
        return Predicate(op="not", parts=(parse(raw["not"], f"{where}.not"),))
    if "finding" not in raw:
        raise PredicateError(f"{where}: expected 'finding', 'all', 'any' or 'not', got {sorted(raw)}")
    ops = [k for k in raw if k != "finding"]
    if len(ops) != 1 or ops[0] not in ("is", "is_not", *_COMPARE):
        raise PredicateError(
            f"{where}: a finding predicate needs exactly one of is/is_not/gte/gt/lte/lt, got {ops}"
        )
    op = ops[0]
    value = raw[op]
    if op not in ("is", "is_not") and (isinstance(value, bool) or not isinstance(value, int | float)):
        raise PredicateError(f"{where}: '{op}' needs a number, got {value!r}")
    # interned, as the findings' own ids are (loader): the rules look findings up by these
    # strings in every case, and a case's findings are keyed by the knowledge base's ids
    # (parse_case), so each look-up matches on identity
    return Predicate(op=op, finding=sys.intern(str(raw["finding"])), value=value)
