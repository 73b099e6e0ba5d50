"""The knowledge base as typed, immutable objects.

Built only by :mod:`hipnav.knowledge.loader` after validation, so every object here is
known to be consistent: ids resolve, numbers lie in range, every figure has provenance.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

from hipnav.knowledge.predicate import Predicate
from hipnav.knowledge.provenance import Provenance, Reference

if TYPE_CHECKING:
    from hipnav.knowledge.asked_when import AskedWhen
    from hipnav.knowledge.policy import TriagePolicy

@dataclass(frozen=True)
class Band:
    """A half-open (or closed, as written) interval of a numeric finding."""
    id: str
    gte: float | None = None
    gt: float | None = None
    lt: float | None = None
    lte: float | None = None

    def contains(self, x: float) -> bool:
        return (
            (self.gte is None or x >= self.gte)
            and (self.gt is None or x > self.gt)
            and (self.lt is None or x < self.lt)
            and (self.lte is None or x <= self.lte)
        )

    def describe(self, unit: str = "") -> str:
        parts = []
        for op, sym in (("gte", "≥"), ("gt", ">"), ("lt", "<"), ("lte", "≤")):
            v = getattr(self, op)
            if v is not None:
                parts.append(f"{sym} {v:g}")
        return (" and ".join(parts) + (f" {unit}" if unit else "")).strip()


@dataclass(frozen=True)
class Finding:
    id: str
    type: str  # "bool", "number" or "category"
    group: str
    ask: str | None = None  # plain-language question for the person in pain
    means: str | None = None  # what a clinician records
    how: str | None = None  # one line on how an exam test is done
    label: str | None = None
    unit: str | None = None
    family: str | None = None
    implies: tuple[str, ...] = ()
    min: float | None = None
    max: float | None = None
    bands: tuple[Band, ...] = ()
    values: tuple[str, ...] = ()
    bands_provenance: Provenance | None = None
    # The state a condition that does not list this finding leaves it in ("no" for a yes/no
    # finding, e.g. "normal" for a temperature): the finding then occurs in that condition
    # only through a coexisting second cause. None: a condition that does not list it says
    # nothing about it (traits such as age or smoking; complaints common to every cause).
    unaffected: str | None = None

    @property
    def states(self) -> tuple[str, ...]:
        """The values this finding's evidence is expressed over."""
        if self.type == "bool":
            return ("yes", "no")
        if self.type == "number":
            return tuple(b.id for b in self.bands)
        return self.values

    @property
    def is_exam(self) -> bool:
        return self.group in ("exam", "lab")

    @property
    def text(self) -> str:
        """What the finding is called wherever it is named: a reason, a summary, a report."""
        return self.label or self.ask or self.means or self.id

    @property
    def question(self) -> str:
        """How to ask about it: the person's question, else what a clinician records."""
        return self.ask or self.means or self.id

    def state_of(self, value: bool | float | str) -> str:
        """The state a valid value falls in (the value has been validated already)."""
        if self.type == "bool":
            return "yes" if value else "no"
        if self.type == "number":
            for band in self.bands:
                if band.contains(float(value)):
                    return band.id
            raise ValueError(f"{self.id}: {value} falls in no band")  # schema forbids gaps
        return str(value)


@dataclass(frozen=True)
class Figure:
    """A published proportion, kept beside the one used (``also:``): the same pair reported by
    another study, so that a reader sees the spread and a later review can switch."""
    proportions: dict[str, float]
    provenance: Provenance
    n: int | None = None
    population: str | None = None
    weight: float | None = None  # a component's share of a mixture (``components:``)


@dataclass(frozen=True)
class Frequency:
    """How often a finding occurs in people with a condition: P(state | condition) for every
    state of the finding, as the literature reports it (or an expert estimate with its reason).
    Likelihood ratios are derived from these at load (:mod:`hipnav.knowledge.derivation`)."""

    condition: str
    finding: str
    proportions: dict[str, float]
    provenance: Provenance
    n: int | None = None
    population: str | None = None
    also: tuple[Figure, ...] = ()
    # a condition grouping disorders: each one's published figure, mixed by weight into
    # ``proportions`` (whose provenance is that of the weights)
    components: tuple[Figure, ...] = ()


@dataclass(frozen=True)
class ConsulterRate:
    """How often a finding occurs among everyone consulting with hip-region pain in a setting,
    where a study reports it (``consulters/``); otherwise the rate is the mixture of the
    conditions' own frequencies over the setting's case mix."""

    finding: str
    setting: str
    proportions: dict[str, float]
    provenance: Provenance
    n: int | None = None
    population: str | None = None


@dataclass(frozen=True)
class Coexistence:
    """The share of a setting's consulters with a second cause of their pain besides the one
    considered: how a finding a condition does not produce can still occur in it."""

    p: float
    provenance: Provenance


@dataclass(frozen=True)
class BaseRate:
    """How often each state of a finding occurs among a setting's consulters: the published
    rate where ``consulters/`` has one, else the mixture; ``mixture`` is always the
    conditions' own frequencies mixed over the setting's case mix (kb check compares them)."""
    rate: dict[str, float]
    mixture: dict[str, float] | None
    sourced: ConsulterRate | None = None


@dataclass(frozen=True)
class Derivation:
    """How a likelihood ratio was derived from frequencies: P(state | condition) and
    P(state | everyone else consulting in the setting), and whether each rests on a study."""

    setting: str
    in_condition: dict[str, float]
    in_others: dict[str, float]
    # True: the condition states this frequency; False: the finding is not a feature of the
    # condition and occurs in it only through a coexisting second cause (see meta.yaml)
    listed: bool
    base_sourced: bool  # the consulters' rate in the setting is a published figure


@dataclass(frozen=True)
class Evidence:
    """One condition-finding pair: a likelihood ratio for each state of the finding, either as
    published (test accuracy: sens/spec or LRs) or derived from frequencies (``derivation``)."""

    condition: str
    finding: str
    lr: dict[str, float]
    provenance: Provenance
    sens: float | None = None
    spec: float | None = None
    derivation: Derivation | None = None

    def log_lr(self, state: str) -> float:
        return math.log(self.lr.get(state, 1.0))


@dataclass(frozen=True)
class Prior:
    p: float
    provenance: Provenance


@dataclass(frozen=True)
class Condition:
    id: str
    name: str
    plain_name: str
    typical_urgency: str
    priors: dict[str, Prior]
    evidence: tuple[Evidence, ...]
    # the frequencies the derived part of ``evidence`` comes from, as stated in the data
    frequencies: tuple[Frequency, ...] = ()


@dataclass(frozen=True)
class Family:
    id: str
    reason: str
    members: tuple[str, ...]


@dataclass(frozen=True)
class Cluster:
    """A published clinical prediction rule, used as a whole: LR by criteria met."""

    id: str
    name: str
    conditions: tuple[str, ...]
    criteria: tuple[Predicate, ...]
    lr_by_count: dict[int, float]
    provenance: Provenance
    # The population the rule was derived in (e.g. children for Kocher): outside it, or
    # while it is unknown, the rule is not used and its findings count one by one.
    applies_when: Predicate | None = None
    # Counts whose LR the publication does not give, with the reason for the estimate.
    count_estimates: dict[int, str] = field(default_factory=dict)

    def provenance_for(self, count: int) -> Provenance:
        if count in self.count_estimates:
            return Provenance(grade="D", estimate=self.count_estimates[count])
        return self.provenance

    @property
    def findings(self) -> frozenset[str]:
        """The findings its criteria name (those whose LRs the rule replaces)."""
        out: set[str] = set()
        for c in self.criteria:
            out |= c.findings()
        return frozenset(out)


@dataclass(frozen=True)
class RedFlag:
    id: str
    urgency: str
    message: str
    when: Predicate
    provenance: Provenance
    # The can't-miss conditions its message names: once it fires they must be excluded,
    # whatever their probability (a warning sign outranks a low prior).
    suspects: tuple[str, ...] = ()


@dataclass(frozen=True)
class UrgencyLevel:
    id: str
    means: str


T = TypeVar("T")


@dataclass(frozen=True, eq=False)  # identity: one loaded knowledge base, with what is derived from it
class KnowledgeBase:
    version: str
    settings: dict[str, str]
    default_setting: str
    urgency_levels: tuple[UrgencyLevel, ...]  # most urgent first
    findings: dict[str, Finding]
    conditions: dict[str, Condition]
    families: dict[str, Family]
    clusters: dict[str, Cluster]
    red_flags: dict[str, RedFlag]
    triage: TriagePolicy  # (hipnav.knowledge.policy)
    references: dict[str, Reference]
    screening: tuple[str, ...] = ()  # red-flag screening questions, asked first, in order
    # answers that leave a screening question off the safety screen (screening.yaml)
    screening_unless: dict[str, Predicate] = field(default_factory=dict)
    asked_when: dict[str, AskedWhen] = field(default_factory=dict)  # when a question applies
    # Each setting's consulters by age band (meta.yaml), with the reason for the figures.
    age_mix: dict[str, dict[str, float]] = field(default_factory=dict)
    age_mix_provenance: dict[str, Provenance] = field(default_factory=dict)
    guides: dict[str, object] = field(default_factory=dict)
    # Published rates of findings among each setting's consulters, by (finding, setting).
    consulters: dict[tuple[str, str], ConsulterRate] = field(default_factory=dict)
    coexistence: dict[str, Coexistence] = field(default_factory=dict)  # by setting
    # setting -> finding -> its rate among the setting's consulters (those the LRs were
    # derived against: see hipnav.knowledge.derivation)
    base_rates: dict[str, dict[str, BaseRate]] = field(default_factory=dict)

    # Indexes of the above, made with them (every assessment reads them): urgency levels least
    # urgent first, each level's rank (0: least urgent) and meaning, each condition's typical
    # urgency's rank, the findings implying each one (``implies:``), every finding in one
    urgency_ids: tuple[str, ...] = field(init=False)  # most urgent first
    levels_ascending: tuple[str, ...] = field(init=False)
    urgency_ranks: dict[str, int] = field(init=False)
    urgency_means: dict[str, str] = field(init=False)
    typical_urgency_rank: dict[str, int] = field(init=False)
    implied_by: dict[str, tuple[str, ...]] = field(init=False)
    implicated: frozenset[str] = field(init=False)
    # What is derived from this knowledge base by other modules: see :meth:`derived`.
    _derived: dict[Callable[[KnowledgeBase], object], object] = field(init=False, repr=False)
    _lock: threading.RLock = field(init=False, repr=False)

    def __post_init__(self) -> None:
        n = len(self.urgency_levels)
        ranks = {u.id: n - 1 - i for i, u in enumerate(self.urgency_levels)}
        implied_by: dict[str, list[str]] = {}
        for f in self.findings.values():
            for implied in f.implies:
                implied_by.setdefault(implied, []).append(f.id)
        made = {
            "urgency_ids": tuple(u.id for u in self.urgency_levels),
            "levels_ascending": tuple(u.id for u in reversed(self.urgency_levels)),
            "urgency_ranks": ranks,
            "urgency_means": {u.id: u.means for u in self.urgency_levels},
            "typical_urgency_rank": {c.id: ranks[c.typical_urgency] for c in self.conditions.values()},
            "implied_by": {k: tuple(v) for k, v in implied_by.items()},
            "implicated": frozenset(implied_by).union(*implied_by.values()),
            "_derived": {},
            "_lock": threading.RLock(),
        }
        for name, value in made.items():  # (frozen: set once, here)
            object.__setattr__(self, name, value)

    def urgency_rank(self, level: str) -> int:
        """0 for the least urgent level, rising with urgency."""
        return self.urgency_ranks[level]

    def derived(self, build: Callable[[KnowledgeBase], T]) -> T:
        """What ``build`` derives from this knowledge base (the compiled model, ...), kept.

        The one way hipnav keeps data derived from a knowledge base: built once, under a lock
        (the web app assesses in worker threads; a table half built must never be read), held
        by the knowledge base itself, so it lives as long as it does. A server builds it all at
        start-up (:func:`hipnav.result.prepare`), so that no request waits for it."""
        found = self._derived.get(build, _NOT_YET)
        if found is _NOT_YET:
            with self._lock:  # (re-entrant: one table may be built from another)
                found = self._derived.get(build, _NOT_YET)
                if found is _NOT_YET:
                    found = self._derived[build] = build(self)
        return found  # type: ignore[return-value]


_NOT_YET = object()
