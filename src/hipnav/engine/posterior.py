"""Posterior probabilities: each condition's own, from the setting's prior and the evidence.

A missing finding contributes nothing (it has no state), so it can never move a posterior.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from hipnav.engine.case import Case
from hipnav.engine.model import FAMILY_SHIFT, CompiledModel, FloatArray, IntArray, StateKey, cluster_count

Values = Mapping[str, bool | float | str]


def encode(model: CompiledModel, values: Values) -> list[int]:
    """The evidence states a case's observed values select (rows of ``model.log_lr``)."""
    return encode_case(model, values)[0]


def encode_case(model: CompiledModel, values: Values) -> tuple[list[int], list[int]]:
    """The evidence states a case's observed values select (rows of ``model.log_lr``, in the
    case's order, then the cluster rules' counts) and their scoring rows, exactly
    :func:`score_rows` of those states, in one pass: every request encodes a case, and one
    walk over its findings with one look-up per yes/no answer touches less than two."""
    kb = model.kb
    live: dict[str, int] = {}
    for fid in model.clusters_of.keys() & values.keys():  # (the order does not matter)
        for cl_id in model.clusters_of[fid]:
            if cl_id not in live:
                n = cluster_count(kb.clusters[cl_id], values)
                live[cl_id] = -1 if n is None else n
    in_live: set[str] = set()
    for cl_id, n in live.items():
        if n >= 0:
            in_live |= kb.clusters[cl_id].findings
    bool_states, plain_states, row_code = model.bool_states, model.plain_states, model.row_code
    number_states = model.number_states
    states: list[int] = []
    rows: list[int] = []
    families: dict[int, int] = {}  # family index -> its key so far (``model.row_code``)
    for fid, value in values.items():
        if in_live and fid in in_live:
            masked = frozenset(c for c in model.clusters_of[fid] if live.get(c, -1) >= 0)
            s = model.index[StateKey(fid, kb.findings[fid].state_of(value), masked)]
        elif value is True:
            s = bool_states[fid][0]
        elif value is False:
            s = bool_states[fid][1]
        elif (bands := number_states.get(fid)) is not None:
            s = bands[2][bands[0](bands[1], value)]  # type: ignore[arg-type]
        else:
            s = plain_states[fid, kb.findings[fid].state_of(value)]
        states.append(s)
        r = row_code[s]
        if r >= 0:
            rows.append(r)
        else:
            key = ~r
            g = key >> FAMILY_SHIFT
            families[g] = families.get(g, 0) | key
    for cl_id, n in sorted(live.items()):
        if n >= 0:
            s = model.index[StateKey(cl_id, str(n), is_cluster=True)]
            states.append(s)
            rows.append(row_code[s])  # a cluster's count is a group of its own
    if families:
        config_by_key = model.config_by_key
        for key in families.values():
            rows.append(config_by_key[key])
    return states, rows


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
    # the same sum as ``row_log_lr[rows].sum(axis=0)``, without the wrappers
    return np.add.reduce(model.row_log_lr.take(rows, axis=0), axis=0)


def logits(model: CompiledModel, case: Case, states: Sequence[int] | None = None) -> FloatArray:
    """Each condition's posterior log odds (the next question works on these; a result's
    probabilities come from :func:`probabilities`, the same sum done the request's way)."""
    if states is None:
        states = encode(model, case.values())
    return model.prior_logit[prior_row(model, case)] + log_odds_shift(model, states)


def probabilities(model: CompiledModel, case: Case, states: Sequence[int] | None = None,
                  rows: Sequence[int] | None = None) -> list[float]:
    """Each condition's posterior probability, in ``model.conditions`` order:
    ``1 / (1 + exp(-logits))``.

    ``states`` may pass the case's already encoded evidence states (see :func:`encode`), or
    ``rows`` their scoring rows (see :func:`encode_case`).
    Every request computes this, and each numpy call costs about a microsecond whatever its
    size, so the minus logits come from :attr:`~CompiledModel.minus_scores` in one gather
    and one sum (the scoring rows in order, then the prior row), which is exactly
    ``-logits``: the sum runs row after row, negation is exact, and the prior added last
    gives the same float as the prior added first. Only the exponential is numpy's: adding
    1 and dividing are the same IEEE operations on Python floats, without two more calls.
    """
    if rows is None:
        rows = score_rows(model, states) if states is not None else encode_case(model, case.values())[1]
    gather = [*rows, len(model.row_log_lr) + prior_row(model, case)]
    minus_logits = np.add.reduce(model.minus_scores.take(gather, axis=0), axis=0)
    return [1.0 / (1.0 + e) for e in np.exp(minus_logits).tolist()]


def encode_batch(model: CompiledModel, cases: Sequence[Case]) -> tuple[IntArray, IntArray, IntArray]:
    """Cases as (indptr, scoring rows, prior rows) for :func:`batch_probabilities`."""
    rows = [encode_case(model, c.values())[1] for c in cases]
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
