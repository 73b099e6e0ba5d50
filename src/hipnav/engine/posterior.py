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
    """The evidence states a case's observed values select (rows of ``model.log_lr``)."""
    kb = model.kb
    live: dict[str, int] = {}
    for fid in model.clusters_of.keys() & values.keys():  # (the order does not matter)
        for cl_id in model.clusters_of[fid]:
            if cl_id not in live:
                n = cluster_count(kb.clusters[cl_id], values)
                live[cl_id] = -1 if n is None else n
    bool_states, plain_states = model.bool_states, model.plain_states
    in_live: set[str] = set()
    for cl_id, n in live.items():
        if n >= 0:
            in_live |= kb.clusters[cl_id].findings
    states = []
    for fid, value in values.items():
        if fid in in_live:
            masked = frozenset(c for c in model.clusters_of[fid] if live.get(c, -1) >= 0)
            states.append(model.index[StateKey(fid, kb.findings[fid].state_of(value), masked)])
        elif value is True or value is False:
            states.append(bool_states[fid][0 if value else 1])
        else:
            states.append(plain_states[fid, kb.findings[fid].state_of(value)])
    for cl_id, n in sorted(live.items()):
        if n >= 0:
            states.append(model.index[StateKey(cl_id, str(n), is_cluster=True)])
    return states


def score_rows(model: CompiledModel, states: Sequence[int]) -> list[int]:
    """The scoring rows of a case's evidence states: each family's states become one row."""
    rows = []
    families: dict[int, list[int]] = {}
    single_row, group = model.single_row_list, model.group_list
    for s in states:
        r = single_row[s]
        if r >= 0:
            rows.append(r)
        else:
            families.setdefault(group[s], []).append(s)
    config_row = model.config_row
    for members in families.values():
        rows.append(config_row[(members[0],) if len(members) == 1 else tuple(sorted(members))])
    return rows


def setting_row(model: CompiledModel, setting: str | None) -> int:
    return model.settings.index(setting or model.kb.default_setting)


def prior_row(model: CompiledModel, case: Case) -> int:
    """The row of ``model.prior_logit`` for this case: its setting, and whether its age is
    known (then the age LRs are normalised over the setting's consulters)."""
    return setting_row(model, case.setting) + (len(model.settings) if case.age is not None else 0)


def log_odds_shift(model: CompiledModel, states: Sequence[int]) -> FloatArray:
    """Sum of the evidence groups' log LRs, one per condition."""
    rows = score_rows(model, states)
    if not rows:
        return np.zeros(model.n_conditions)
    # the same sum as ``row_log_lr[rows].sum(axis=0)``, without the wrappers (once per request)
    return np.add.reduce(model.row_log_lr.take(rows, axis=0), axis=0)


def logits(model: CompiledModel, case: Case, states: Sequence[int] | None = None) -> FloatArray:
    if states is None:
        states = encode(model, case.values())
    return model.prior_logit[prior_row(model, case)] + log_odds_shift(model, states)


def probabilities(model: CompiledModel, case: Case, states: Sequence[int] | None = None) -> FloatArray:
    """Each condition's posterior probability, in ``model.conditions`` order:
    ``1 / (1 + exp(-logits))``.

    ``states`` may pass the case's already encoded evidence states (see :func:`encode`).
    Every request computes this, and each numpy call costs about a microsecond whatever its
    size, so the minus logits come from :attr:`~CompiledModel.minus_scores` in one gather
    and one sum (the scoring rows in order, then the prior row), which is exactly
    ``-logits``: the sum runs row after row, negation is exact, and the prior added last
    gives the same float as the prior added first.
    """
    if states is None:
        states = encode(model, case.values())
    rows = score_rows(model, states)
    rows.append(len(model.row_log_lr) + prior_row(model, case))
    minus_logits = np.add.reduce(model.minus_scores.take(rows, axis=0), axis=0)
    return 1.0 / (1.0 + np.exp(minus_logits))


def encode_batch(model: CompiledModel, cases: Sequence[Case]) -> tuple[IntArray, IntArray, IntArray]:
    """Cases as (indptr, scoring rows, prior rows) for :func:`batch_probabilities`."""
    rows = [score_rows(model, encode(model, c.values())) for c in cases]
    indptr = np.cumsum([0] + [len(r) for r in rows])
    flat = np.fromiter((x for r in rows for x in r), dtype=np.intp, count=int(indptr[-1]))
    settings = np.array([prior_row(model, c) for c in cases], dtype=np.intp)
    return indptr, flat, settings


def batch_probabilities(model: CompiledModel, indptr: IntArray, rows: IntArray,
                        settings: IntArray) -> FloatArray:
    """Posteriors for many cases at once ([cases, conditions]).

    Cases come in compressed sparse row form: the scoring rows of case ``k`` (from
    :func:`score_rows`) are ``rows[indptr[k]:indptr[k + 1]]``, its prior row (from
    :func:`prior_row`) ``settings[k]``.
    Each condition's shift is one weighted bincount over a contiguous column, which keeps the
    gathers in cache.
    """
    n = len(indptr) - 1
    case_of = np.repeat(np.arange(n), np.diff(indptr))
    logit = model.prior_logit[settings].T.copy()  # [conditions, cases]
    for j in range(model.n_conditions):
        logit[j] += np.bincount(case_of, weights=model.row_log_lr_t[j][rows], minlength=n)
    return 1.0 / (1.0 + np.exp(-logit.T))
