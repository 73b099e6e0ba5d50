"""Why a condition got its probability: each piece of evidence's log likelihood ratio,
its source and its evidence grade, and which overlapping findings were counted once."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from hipnav.engine.case import Case
from hipnav.engine.model import CompiledModel
from hipnav.engine.posterior import encode, setting_row
from hipnav.knowledge.model import Provenance


@dataclass(frozen=True)
class Contribution:
    finding: str  # a finding id, or a cluster id when ``is_cluster``
    state: str
    log_lr: float
    counted: bool
    provenance: Provenance | None
    note: str | None = None
    is_cluster: bool = False

    @property
    def lr(self) -> float:
        return math.exp(self.log_lr)

    @property
    def direction(self) -> str:
        return "for" if self.log_lr > 0 else "against"


@dataclass(frozen=True)
class Explanation:
    condition: str
    prior: float
    prior_provenance: Provenance
    contributions: tuple[Contribution, ...]  # strongest first; only those with an effect

    @property
    def counted(self) -> tuple[Contribution, ...]:
        return tuple(c for c in self.contributions if c.counted)


def explain(model: CompiledModel, case: Case, condition: str,
            states: Sequence[int] | None = None) -> Explanation:
    """Every piece of evidence behind one condition's posterior. ``states`` may pass the
    case's already encoded evidence states (see :func:`~hipnav.engine.posterior.encode`)."""
    kb = model.kb
    j = model.conditions.index(condition)
    setting_index = setting_row(model, case.setting)
    setting = model.settings[setting_index]
    prior = kb.conditions[condition].priors[setting]
    rows = encode(model, case.values()) if states is None else states
    weight = model.log_lr_columns[j]
    by_group: dict[int, list[int]] = {}
    for r in rows:
        by_group.setdefault(model.group_list[r], []).append(r)
    out: list[Contribution] = []
    for members in by_group.values():
        best_pos = max(members, key=weight.__getitem__)
        best_neg = min(members, key=weight.__getitem__)
        for r in members:
            key = model.states[r]
            w = weight[r]
            if key.is_cluster:
                cl = kb.clusters[key.finding]
                if condition in cl.conditions:
                    out.append(Contribution(cl.id, key.state, w, True, cl.provenance_for(int(key.state)),
                                            f"{key.state} of {len(cl.criteria)} criteria met",
                                            is_cluster=True))
                continue
            ev = model.evidence.get((condition, key.finding))
            if key.finding == "age" and ev is not None:
                # the age LR as it acts here: relative to the setting's own consulters
                shift = w - float(model.age_log_norm[setting_index, j])
                if abs(shift) > 1e-12:
                    name = model.kb.settings[setting].lower()
                    out.append(Contribution("age", key.state, shift, True, ev.provenance,
                                            f"compared with everyone of any age seen in {name}"))
                continue
            if ev is None or ev.lr.get(key.state, 1.0) == 1.0:
                continue
            note = None
            counted = (w > 0 and r == best_pos) or (w < 0 and r == best_neg)
            if w == 0.0:  # the finding's LR is taken up by a cluster rule
                note = "counted within the " + ", ".join(sorted(key.masked_by)) + " rule"
            elif not counted:
                stronger = model.states[best_pos if w > 0 else best_neg].finding
                note = f"overlaps with {stronger} (same family of findings), counted once"
            out.append(Contribution(key.finding, key.state, w if counted else math.log(ev.lr[key.state]),
                                    counted, ev.provenance, note))
    out.sort(key=lambda c: (not c.counted, -abs(c.log_lr)))
    return Explanation(condition, prior.p, prior.provenance, tuple(out))
