"""Why a condition got its probability: each piece of evidence's log likelihood ratio,
its source and its evidence grade, and which overlapping findings were counted once.

What a piece of evidence says about a condition depends only on the model, except for two
things a case decides: whether a finding is the strongest of its family in the case (then it
is counted, else it "overlaps with" the one that is), and, for age, the case's setting. So
every contribution is built once per model (:class:`ExplanationTable`) and explaining a case
is a lookup per observed evidence state and a sort: the web API explains the three most
likely causes of every request, and building the same few hundred objects again each time
cost more than the assessment itself.
"""

from __future__ import annotations

import math
import struct
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from hipnav.engine.case import Case
from hipnav.engine.model import FAMILY_SHIFT, CompiledModel
from hipnav.engine.posterior import encode, setting_row
from hipnav.knowledge.model import Provenance


@dataclass(frozen=True, eq=False)  # one object per contribution (see ExplanationTable): identity
class Contribution:
    finding: str  # a finding id, or a cluster id when ``is_cluster``
    state: str
    log_lr: float
    counted: bool
    provenance: Provenance | None
    note: str | None = None
    is_cluster: bool = False
    # the order of an explanation: counted first, then the strongest (set from the fields;
    # see :func:`order_key`)
    order: int = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "order", order_key(self.counted, self.log_lr))

    @property
    def lr(self) -> float:
        return math.exp(self.log_lr)

    @property
    def direction(self) -> str:
        return "for" if self.log_lr > 0 else "against"


def order_key(counted: bool, log_lr: float) -> int:
    """The sort key ``(not counted, -abs(log_lr))`` as one integer, equal where those are
    equal and ordered as they are: the bits of a non-negative float, read as an integer,
    rise with it (``abs`` makes -0.0 and 0.0 one). Every explanation is sorted by it, and
    integers compare faster than tuples of a flag and a float."""
    strength = int.from_bytes(struct.pack(">d", abs(log_lr)), "big")  # < 2**63
    return (0 if counted else 1 << 64) + (1 << 63) - strength


class Explanation(NamedTuple):  # a named tuple: quick to make, several per request
    condition: str
    prior: float
    prior_provenance: Provenance
    contributions: tuple[Contribution, ...]  # strongest first; only those with an effect

    @property
    def counted(self) -> tuple[Contribution, ...]:
        return tuple(c for c in self.contributions if c.counted)


@dataclass(frozen=True, eq=False)
class _Row:
    """What one evidence state says about one condition, in every case it can occur in (as
    contribution numbers, see :class:`ExplanationTable`)."""

    fixed: int | None = None  # a rule's count, or a finding taken up by a rule
    counted: int | None = None  # the finding when it is the strongest of its family
    by_setting: tuple[int | None, ...] | None = None  # age, relative to each setting
    overlaps: dict[str, int] = field(default_factory=dict)  # stronger finding -> it

    def alone(self, setting_index: int) -> int | None:
        """The contribution when no other state of its family is observed."""
        if self.by_setting is not None:
            return self.by_setting[setting_index]
        return self.counted if self.counted is not None else self.fixed


#: Family combinations remembered per setting, at most (each a few kilobytes).
_MAX_REMEMBERED = 2000

#: What a state or family says about each condition: a tuple over ``model.conditions`` of
#: the contributions to that condition (mostly none or one), by number
#: (``ExplanationTable.contributions``).
PerCondition = tuple[tuple[int, ...], ...]


@dataclass(frozen=True, eq=False)
class ExplanationTable:
    """Every contribution of a model, built once: ``rows[j][r]`` is what evidence state
    ``r`` says about condition ``j`` (absent when it says nothing); ``alone[s][r]`` what
    ``r`` says about every condition when it is the only state of its family in a case of
    setting ``s``. Laid out by state, so a case's explanations of any number of conditions
    are a look-up per observed state, then a column each.

    Contributions are held by number, an index into ``contributions`` (and ``order``, their
    sort keys): a case's explanation of a condition is then a sorted list of small integers,
    which the web API turns into its JSON with a list look-up each (``web/report.py``)
    instead of touching the objects."""

    model: CompiledModel
    rows: tuple[dict[int, _Row], ...]
    alone: tuple[tuple[PerCondition, ...], ...]
    # [setting]: a family's observed states, in a case's order -> what they say about each
    # condition; filled as cases arrive (see :meth:`family`)
    families: tuple[dict[tuple[int, ...], PerCondition], ...]
    # every contribution by number, and its :func:`order_key`; only ever appended to (an
    # overlap is made when first met, see :meth:`overlap`)
    contributions: list[Contribution]
    order: list[int]

    def add(self, c: Contribution) -> int:
        """Number a new contribution."""
        return _add(self.contributions, self.order, c)

    def family(self, members: tuple[int, ...], setting_index: int) -> PerCondition:
        """What a family's observed states say about each condition: the strongest in each
        direction counted, the others noted as overlapping with it. Remembered: the same few
        combinations of a family's findings recur in case after case, and working one out
        costs some hundred look-ups. The order is the case's own (on equal weights the first
        is counted), so it is part of the key; the memory is bounded all the same."""
        known = self.families[setting_index]
        found = known.get(members)
        if found is None:
            found = tuple(self._family(j, members, setting_index) for j in range(len(self.rows)))
            if len(known) < _MAX_REMEMBERED:
                known[members] = found
        return found

    def _family(self, j: int, members: tuple[int, ...], setting_index: int) -> tuple[int, ...]:
        model = self.model
        mine, weight = self.rows[j], model.log_lr_columns[j]
        best_pos = max(members, key=weight.__getitem__)
        best_neg = min(members, key=weight.__getitem__)
        out = []
        for r in members:
            row = mine.get(r)
            if row is None:
                continue
            if row.counted is not None:
                best = best_pos if weight[r] > 0 else best_neg
                out.append(row.counted if r == best else self.overlap(j, r, model.states[best].finding))
            elif (c := row.alone(setting_index)) is not None:
                out.append(c)
        return tuple(out)

    def overlap(self, j: int, r: int, stronger: str) -> int:
        """State ``r``'s contribution when ``stronger`` of its family is counted instead."""
        row = self.rows[j][r]
        c = row.overlaps.get(stronger)
        if c is None:
            assert row.counted is not None
            model = self.model
            key = model.states[r]
            ev = model.evidence[model.conditions[j], key.finding]
            c = row.overlaps[stronger] = self.add(Contribution(
                key.finding, key.state, math.log(ev.lr[key.state]), False, ev.provenance,
                f"overlaps with {stronger} (same family of findings), counted once"))
        return c


def _add(contributions: list[Contribution], order: list[int], c: Contribution) -> int:
    contributions.append(c)
    order.append(c.order)
    return len(contributions) - 1


def build_table(model: CompiledModel) -> ExplanationTable:
    kb = model.kb
    contributions: list[Contribution] = []
    order: list[int] = []

    def add(c: Contribution) -> int:
        return _add(contributions, order, c)

    rows: list[dict[int, _Row]] = []
    for j, condition in enumerate(model.conditions):
        weight = model.log_lr_columns[j]
        mine: dict[int, _Row] = {}
        for r, key in enumerate(model.states):
            w = weight[r]
            if key.is_cluster:
                cl = kb.clusters[key.finding]
                if condition in cl.conditions:
                    mine[r] = _Row(fixed=add(Contribution(
                        cl.id, key.state, w, True, cl.provenance_for(int(key.state)),
                        f"{key.state} of {len(cl.criteria)} criteria met", is_cluster=True)))
                continue
            ev = model.evidence.get((condition, key.finding))
            if key.finding == "age" and ev is not None:
                # the age LR as it acts here: relative to the setting's own consulters
                by_setting: list[int | None] = []
                for k, setting in enumerate(model.settings):
                    shift = w - float(model.age_log_norm[k, j])
                    name = kb.settings[setting].lower()
                    by_setting.append(
                        add(Contribution("age", key.state, shift, True, ev.provenance,
                                         f"compared with everyone of any age seen in {name}"))
                        if abs(shift) > 1e-12 else None)
                mine[r] = _Row(by_setting=tuple(by_setting))
                continue
            if ev is None or ev.lr.get(key.state, 1.0) == 1.0:
                continue
            if w == 0.0:  # the finding's LR is taken up by a cluster rule
                mine[r] = _Row(fixed=add(Contribution(
                    key.finding, key.state, math.log(ev.lr[key.state]), False, ev.provenance,
                    "counted within the " + ", ".join(sorted(key.masked_by)) + " rule")))
            else:
                mine[r] = _Row(counted=add(Contribution(key.finding, key.state, w, True, ev.provenance)))
        rows.append(mine)
    nothing: PerCondition = ((),) * len(rows)
    alone: list[tuple[PerCondition, ...]] = []
    for k in range(len(model.settings)):
        by_state = []
        for r in range(len(model.states)):
            says = tuple((c,) if (row := mine.get(r)) is not None and (c := row.alone(k)) is not None else ()
                         for mine in rows)
            by_state.append(says if any(says) else nothing)
        alone.append(tuple(by_state))
    families: tuple[dict[tuple[int, ...], PerCondition], ...] = tuple({} for _ in model.settings)
    return ExplanationTable(model, tuple(rows), tuple(alone), families, contributions, order)


_tables: weakref.WeakKeyDictionary[CompiledModel, ExplanationTable] = weakref.WeakKeyDictionary()


def explanation_table(model: CompiledModel) -> ExplanationTable:
    """The model's explanation table, built on first use (``default_model`` builds it at once)."""
    table = _tables.get(model)
    if table is None:
        table = _tables[model] = build_table(model)
    return table


def case_evidence(model: CompiledModel, case: Case,
                  states: Sequence[int] | None = None) -> list[PerCondition]:
    """What a case's evidence says about every condition, in the case's order: one entry per
    state outside any family (or alone in its family), one per family at the place of its
    first observed state. The same for every condition explained, so worked out once per
    case, in one pass over its states."""
    if states is None:
        states = encode(model, case.values())
    table = explanation_table(model)
    setting_index = setting_row(model, case.setting)
    alone = table.alone[setting_index]
    row_code = model.row_code  # (what encoding looked at already: a family's states are < 0)
    says: list[PerCondition] = []
    families: dict[int, tuple[int, list[int]]] = {}  # family -> (its place in says, its states)
    for r in states:
        code = row_code[r]
        if code >= 0:
            says.append(alone[r])
        elif (seen := families.get(g := ~code >> FAMILY_SHIFT)) is None:
            families[g] = (len(says), [r])
            says.append(alone[r])
        else:
            seen[1].append(r)
    for at, members in families.values():
        if len(members) > 1:
            says[at] = table.family(tuple(members), setting_index)
    return says


def explained(table: ExplanationTable, evidence: Sequence[PerCondition], j: int) -> list[int]:
    """What a case's evidence (:func:`case_evidence`) says about condition ``j``, by
    contribution number: counted first, then the strongest, in the case's order where equal
    (the sort is stable)."""
    found: list[int] = []
    for said in evidence:
        if said[j]:  # mostly empty: skipped quicker than joined
            found += said[j]
    found.sort(key=table.order.__getitem__)
    return found


def explain(model: CompiledModel, case: Case, condition: str,
            states: Sequence[int] | None = None,
            evidence: Sequence[PerCondition] | None = None) -> Explanation:
    """Every piece of evidence behind one condition's posterior. ``states`` may pass the
    case's already encoded evidence states (see :func:`~hipnav.engine.posterior.encode`),
    ``evidence`` what they say (:func:`case_evidence`)."""
    return explain_many(model, case, (condition,), states, evidence)[0]


def explain_many(model: CompiledModel, case: Case, conditions: Sequence[str],
                 states: Sequence[int] | None = None,
                 evidence: Sequence[PerCondition] | None = None) -> tuple[Explanation, ...]:
    """:func:`explain` for several conditions at once: the case's states are looked up once
    for all of them."""
    if not conditions:
        return ()
    if evidence is None:
        evidence = case_evidence(model, case, states)
    setting = model.settings[setting_row(model, case.setting)]
    index, priors = model.condition_index, model.kb.conditions
    table = explanation_table(model)
    number = table.contributions.__getitem__
    out = []
    for condition in conditions:
        found = explained(table, evidence, index[condition])
        prior = priors[condition].priors[setting]
        out.append(Explanation(condition, prior.p, prior.provenance, tuple(map(number, found))))
    return tuple(out)
