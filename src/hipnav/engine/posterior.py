"""Posterior probabilities: each condition's own, from the setting's prior and the evidence.

A missing finding contributes nothing (it has no state), so it can never move a posterior.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from hipnav.engine.case import Case
from hipnav.engine.model import CompiledModel, FloatArray, IntArray, StateKey, cluster_count

Values = Mapping[str, bool | float | str]


def encode(model: CompiledModel, values: Values) -> list[int]:
    """The model rows a case's observed values select (its evidence states)."""
    kb = model.kb
    evaluable: dict[str, int] = {}
    for fid in values:
        for cl_id in model.clusters_of.get(fid, ()):
            if cl_id not in evaluable:
                n = cluster_count(kb.clusters[cl_id], dict(values))
                evaluable[cl_id] = -1 if n is None else n
    live = {c for c, n in evaluable.items() if n >= 0}
    rows = []
    for fid, value in values.items():
        finding = kb.findings[fid]
        masked = frozenset(c for c in model.clusters_of.get(fid, ()) if c in live)
        rows.append(model.index[StateKey(fid, finding.state_of(value), masked)])
    for cl_id in sorted(live):
        rows.append(model.index[StateKey(cl_id, str(evaluable[cl_id]), is_cluster=True)])
    return rows


def setting_row(model: CompiledModel, setting: str | None) -> int:
    return model.settings.index(setting or model.kb.default_setting)


def log_odds_shift(model: CompiledModel, rows: Sequence[int]) -> FloatArray:
    """Sum of the evidence groups' log LRs, one per condition."""
    if not rows:
        return np.zeros(model.n_conditions)
    groups: dict[int, list[int]] = {}
    for r in rows:
        groups.setdefault(int(model.group[r]), []).append(r)
    if len(groups) == len(rows):  # no two states share a family: a plain sum
        return model.log_lr[rows].sum(axis=0)
    single = [g[0] for g in groups.values() if len(g) == 1]
    total = model.log_lr[single].sum(axis=0) if single else np.zeros(model.n_conditions)
    for members in groups.values():
        if len(members) > 1:
            total = total + model.log_lr_pos[members].max(axis=0) + model.log_lr_neg[members].min(axis=0)
    return total


def logits(model: CompiledModel, case: Case) -> FloatArray:
    rows = encode(model, case.values())
    return model.prior_logit[setting_row(model, case.setting)] + log_odds_shift(model, rows)


def probabilities(model: CompiledModel, case: Case) -> FloatArray:
    """Each condition's posterior probability, in ``model.conditions`` order."""
    return 1.0 / (1.0 + np.exp(-logits(model, case)))


def batch_probabilities(model: CompiledModel, indptr: IntArray, rows: IntArray,
                        settings: IntArray) -> FloatArray:
    """Posteriors for many encoded cases at once ([cases, conditions]).

    Cases are given in compressed sparse row form: the rows of case ``k`` are
    ``rows[indptr[k]:indptr[k + 1]]`` (from :func:`encode`), its setting ``settings[k]``.
    The same family rule as :func:`log_odds_shift`, vectorised with sorted reductions.
    """
    n = len(indptr) - 1
    lengths = np.diff(indptr)
    case_of = np.repeat(np.arange(n), lengths)
    n_groups = int(model.group.max()) + 1
    key = case_of * n_groups + model.group[rows]
    order = np.argsort(key, kind="stable")
    key, sorted_rows = key[order], rows[order]
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    pos = np.maximum.reduceat(model.log_lr_pos[sorted_rows], starts, axis=0)
    neg = np.minimum.reduceat(model.log_lr_neg[sorted_rows], starts, axis=0)
    group_case = key[starts] // n_groups
    shift = np.zeros((n, model.n_conditions))
    if len(group_case):
        case_starts = np.flatnonzero(np.r_[True, group_case[1:] != group_case[:-1]])
        shift[group_case[case_starts]] = np.add.reduceat(pos + neg, case_starts, axis=0)
    logit = model.prior_logit[settings] + shift
    return 1.0 / (1.0 + np.exp(-logit))
