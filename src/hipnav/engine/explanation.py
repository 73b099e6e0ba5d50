"""Why a condition got its probability: each piece of evidence's log likelihood ratio,
its source and its evidence grade, and which overlapping findings were counted once.

The explanation of a condition walks the case's evidence groups (as the posterior does):

- a state alone in its group says what it says about the condition: its finding's log LR
  and source; for age, the LR as it acts in the case's setting (relative to the setting's
  own consulters); for a cluster rule's count, the rule's LR; for a finding whose LR a
  cluster rule takes up, nothing counted (it is "counted within" the rule);
- in a family observed more than once, the strongest state in each direction is counted
  and each other one "overlaps with" the one counted in its direction;

then lists what it found, counted first, strongest first (the case's order where equal).

What a state says alone depends only on the model and the setting, so it is worked out once
per model, as is each "overlaps with" (:class:`ExplanationTable`): explaining a case is a
look-up per observed state (:func:`case_evidence`, the same for every condition explained),
then, for each condition, a pass over what they say and a sort.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from hipnav.engine.case import Case
from hipnav.engine.model import CompiledModel, compiled
from hipnav.engine.posterior import encode, evidence_groups, setting_row
from hipnav.knowledge.model import KnowledgeBase
from hipnav.knowledge.provenance import Provenance


@dataclass(frozen=True, eq=False)  # one object per contribution (see ExplanationTable): identity
class Contribution:
    finding: str  # a finding id, or a cluster id when ``is_cluster``
    state: str
    log_lr: float
    counted: bool
    provenance: Provenance | None
    note: str | None = None
    is_cluster: bool = False
    #: where it comes in an explanation: counted first, then the strongest
    order: tuple[bool, float] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "order", (not self.counted, -abs(self.log_lr)))

    @property
    def lr(self) -> float:
        return math.exp(self.log_lr)

    @property
    def direction(self) -> str:
        return "for" if self.log_lr > 0 else "against"


class Explanation(NamedTuple):
    condition: str
    prior: float
    prior_provenance: Provenance
    contributions: tuple[Contribution, ...]  # counted first, strongest first; only those with an effect

    @property
    def counted(self) -> tuple[Contribution, ...]:
        return tuple(c for c in self.contributions if c.counted)


#: A state's or a family member's contribution to each condition it says something about,
#: by the condition's column.
Says = dict[int, Contribution]
_NOTHING: Says = {}


@dataclass(frozen=True, eq=False)
class ExplanationTable:
    """Every contribution of a model, made once: ``alone[k][s]`` is what evidence state ``s``
    says about each condition when it is alone in its group in a case of setting ``k``;
    ``overlaps[s, finding]`` what it says when ``finding`` of its family is counted instead."""

    alone: tuple[tuple[Says, ...], ...]
    overlaps: dict[tuple[int, str], Says]


def build_table(kb: KnowledgeBase) -> ExplanationTable:
    model = compiled(kb)
    alone: list[list[Says]] = [[{} for _ in model.states] for _ in model.settings]
    overlaps: dict[tuple[int, str], Says] = {}
    log_lr = model.log_lr
    for j, condition in enumerate(model.conditions):
        for s, key in enumerate(model.states):
            w = float(log_lr[s, j])
            said: Contribution | None = None
            if key.is_cluster:
                cl = kb.clusters[key.finding]
                if condition in cl.conditions:
                    said = Contribution(cl.id, key.state, w, True, cl.provenance_for(int(key.state)),
                                        f"{key.state} of {len(cl.criteria)} criteria met", is_cluster=True)
            elif (ev := model.evidence.get((condition, key.finding))) is None:
                continue
            elif key.finding == "age":  # the age LR as it acts here: relative to the setting's consulters
                for k, setting in enumerate(model.settings):
                    shift = w - float(model.age_log_norm[k, j])
                    if abs(shift) > 1e-12:
                        name = kb.settings[setting].lower()
                        alone[k][s][j] = Contribution("age", key.state, shift, True, ev.provenance,
                                                      f"compared with everyone of any age seen in {name}")
                continue
            elif ev.lr.get(key.state, 1.0) == 1.0:
                continue
            elif w == 0.0:  # the finding's LR is taken up by a cluster rule
                said = Contribution(key.finding, key.state, math.log(ev.lr[key.state]), False, ev.provenance,
                                    "counted within the " + ", ".join(sorted(key.masked_by)) + " rule")
            else:
                said = Contribution(key.finding, key.state, w, True, ev.provenance)
                family = kb.findings[key.finding].family
                for other in kb.families[family].members if family else ():
                    if other != key.finding:
                        overlaps.setdefault((s, other), {})[j] = Contribution(
                            key.finding, key.state, math.log(ev.lr[key.state]), False, ev.provenance,
                            f"overlaps with {other} (same family of findings), counted once")
            if said is not None:
                for by_state in alone:
                    by_state[s][j] = said
    return ExplanationTable(tuple(tuple(says or _NOTHING for says in by_state) for by_state in alone),
                            overlaps)


_ORDER = operator.attrgetter("order")


def explanation_table(model: CompiledModel) -> ExplanationTable:
    """The model's explanation table, made once (see ``KnowledgeBase.derived``)."""
    return model.kb.derived(build_table)


def case_evidence(model: CompiledModel, case: Case, groups: Sequence[Sequence[int]],
                  columns: Sequence[int]) -> list[Says]:
    """What a case's evidence says about the conditions of ``columns``, state by state in the
    order of its groups: a state alone in its group as the table has it; in a family observed
    more than once, the strongest state in each direction counted and each other one
    overlapping with it (on equal weights the first is counted)."""
    table = explanation_table(model)
    alone = table.alone[setting_row(model, case.setting)]
    out: list[Says] = []
    for members in groups:
        if len(members) == 1:
            out.append(alone[members[0]])
            continue
        said: list[Says] = [{} for _ in members]
        for j in columns:  # what the family's states say about the condition of column j
            # each state's weight in the family rule is its own log LR: 0 when it says nothing
            # of its own (no evidence, an LR of 1, or one that a cluster rule takes up)
            strongest_for = strongest_against = members[0]
            most = least = 0.0
            for s in members:
                c = alone[s].get(j)
                w = c.log_lr if c is not None and c.counted else 0.0
                if w > most:
                    strongest_for, most = s, w
                if w < least:
                    strongest_against, least = s, w
            for i, s in enumerate(members):
                c = alone[s].get(j)
                if c is not None and c.counted:
                    stronger = strongest_for if c.log_lr > 0 else strongest_against
                    if stronger != s:
                        c = table.overlaps[s, model.states[stronger].finding][j]
                if c is not None:
                    said[i][j] = c
        out += said
    return out


def explain(model: CompiledModel, case: Case, condition: str,
            groups: Sequence[Sequence[int]] | None = None) -> Explanation:
    """Every piece of evidence behind one condition's posterior. ``groups`` may pass the
    case's evidence groups (see :func:`~hipnav.engine.posterior.evidence_groups`)."""
    return explain_many(model, case, (condition,), groups)[0]


def explain_many(model: CompiledModel, case: Case, conditions: Sequence[str],
                 groups: Sequence[Sequence[int]] | None = None) -> tuple[Explanation, ...]:
    """:func:`explain` for several conditions: what the case's evidence says is looked up once."""
    if groups is None:
        groups = evidence_groups(model, encode(model, case.values()))
    columns = [model.column[c] for c in conditions]
    evidence = case_evidence(model, case, groups, columns)
    setting = model.settings[setting_row(model, case.setting)]
    out = []
    for condition, j in zip(conditions, columns, strict=True):
        found = [c for said in evidence if (c := said.get(j)) is not None]
        found.sort(key=_ORDER)  # stable: the case's order where equal
        prior = model.kb.conditions[condition].priors[setting]
        out.append(Explanation(condition, prior.p, prior.provenance, tuple(found)))
    return tuple(out)
