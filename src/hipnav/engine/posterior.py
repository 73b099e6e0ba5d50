"""Posterior probabilities: each condition's own, from the setting's prior and the evidence.

For one case:

1. :func:`encode`: the evidence states its values select (a finding's state; a cluster
   rule's count where the rule can be used, its findings then masked for its conditions);
2. :func:`evidence_groups`: those states grouped, each family's together;
3. :func:`score_rows`: each group's row of the compiled model (the family rule worked out);
4. :func:`logits`: the prior row of the case's setting plus the sum of its rows;
5. :func:`probabilities`: ``1 / (1 + exp(-logits))``.

A missing finding contributes nothing (it has no state), so it can never move a posterior.
Many cases at once: :func:`encode_batch` and :func:`batch_probabilities`, the same sums.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from hipnav.engine.case import Case
from hipnav.engine.model import CompiledModel, FloatArray, IntArray, StateKey, cluster_count

Values = Mapping[str, bool | float | str]


def usable_clusters(model: CompiledModel, values: Values) -> dict[str, int]:
    """The cluster rules that can be used on a case, with their criteria met: those that name
    a finding the case reports and whose criteria and population are all known."""
    used = {}
    reported = values.keys()
    for cl_id, named in model.cluster_findings.items():
        if not reported.isdisjoint(named):
            met = cluster_count(model.kb.clusters[cl_id], values)
            if met is not None:
                used[cl_id] = met
    return used


def encode(model: CompiledModel, values: Values) -> list[int]:
    """The evidence states a case's observed values select (indexes of ``model.states``), in
    the case's order, then the counts of the cluster rules that can be used."""
    state_of = model.state_of
    states = [state_of[fid][value] for fid, value in values.items()]
    used = usable_clusters(model, values)
    if used:
        # the findings a rule in use names count within it for the rule's conditions: each
        # takes its state masked by the rules in use that name it
        masked_by: dict[str, set[str]] = {}
        for cl_id in used:
            for fid in model.cluster_findings[cl_id]:
                masked_by.setdefault(fid, set()).add(cl_id)
        for k, fid in enumerate(values):
            if fid in masked_by:
                name = model.states[states[k]].state
                states[k] = model.index[StateKey(fid, name, frozenset(masked_by[fid]))]
        for cl_id, met in sorted(used.items()):
            states.append(model.index[StateKey(cl_id, str(met), is_cluster=True)])
    return states


def evidence_groups(model: CompiledModel, states: Sequence[int]) -> list[list[int]]:
    """A case's evidence states grouped, each family's states together (at the place of its
    first), every other state a group of its own: the family rule counts a family once."""
    groups: dict[int, list[int]] = {}
    group = model.group
    for s in states:
        g = group[s]
        if g in groups:
            groups[g].append(s)
        else:
            groups[g] = [s]
    return list(groups.values())


def score_rows(model: CompiledModel, groups: Sequence[Sequence[int]]) -> list[int]:
    """The scoring rows (of ``model.scores``) of a case's evidence groups: one a group, a
    state's own row for a group of one."""
    row_of = model.row_of
    return [members[0] if len(members) == 1 else row_of[tuple(sorted(members))] for members in groups]


def setting_row(model: CompiledModel, setting: str | None) -> int:
    return model.settings.index(setting or model.kb.default_setting)


def prior_row(model: CompiledModel, case: Case) -> int:
    """The row of ``model.prior_logit`` for this case: its setting, and whether its age is
    known (then the age LRs are normalised over the setting's consulters)."""
    return setting_row(model, case.setting) + (len(model.settings) if case.age is not None else 0)


def logits(model: CompiledModel, case: Case, groups: Sequence[Sequence[int]] | None = None) -> FloatArray:
    """Each condition's posterior log odds: its prior's plus its evidence groups' log LRs.
    ``groups`` may pass the case's evidence groups (see :func:`evidence_groups`)."""
    if groups is None:
        groups = evidence_groups(model, encode(model, case.values()))
    # the rows' sum (``scores[rows].sum(axis=0)``, the same additions in the same order,
    # without its wrappers); zeros when the case shows no evidence
    result: FloatArray = np.add.reduce(model.scores.take(score_rows(model, groups), axis=0), axis=0)
    result += model.prior_logit[prior_row(model, case)]
    return result


def probabilities(model: CompiledModel, case: Case,
                  groups: Sequence[Sequence[int]] | None = None) -> FloatArray:
    """Each condition's posterior probability, in ``model.conditions`` order:
    ``1 / (1 + exp(-logits))``, worked in place (a case's array is short, so each numpy
    call's own cost outweighs its arithmetic)."""
    result = logits(model, case, groups)
    np.negative(result, out=result)
    np.exp(result, out=result)
    result += 1.0
    np.reciprocal(result, out=result)
    return result


def encode_batch(model: CompiledModel, cases: Sequence[Case]) -> tuple[IntArray, IntArray, IntArray]:
    """Cases as (indptr, scoring rows, prior rows) for :func:`batch_probabilities`."""
    rows = [score_rows(model, evidence_groups(model, encode(model, c.values()))) for c in cases]
    indptr = np.cumsum([0] + [len(r) for r in rows])
    flat = np.fromiter((x for r in rows for x in r), dtype=np.intp, count=int(indptr[-1]))
    settings = np.array([prior_row(model, c) for c in cases], dtype=np.intp)
    return indptr, flat, settings


def batch_probabilities(model: CompiledModel, indptr: IntArray, rows: IntArray,
                        settings: IntArray) -> FloatArray:
    """Posteriors for many cases at once ([cases, conditions]).

    Cases come in compressed sparse row form: the scoring rows of case ``k`` (from
    :func:`score_rows`) are ``rows[indptr[k]:indptr[k + 1]]``, its prior row (from
    :func:`prior_row`) ``settings[k]``. Each condition's sums are one weighted count over that
    condition's column of ``model.scores`` (copied contiguous first, so the gathers stay in cache).
    """
    n = len(indptr) - 1
    case_of = np.repeat(np.arange(n), np.diff(indptr))
    columns = np.ascontiguousarray(model.scores.T)
    logit = model.prior_logit[settings].T.copy()  # [conditions, cases]
    for j in range(model.n_conditions):
        logit[j] += np.bincount(case_of, weights=columns[j][rows], minlength=n)
    result: FloatArray = 1.0 / (1.0 + np.exp(-logit.T))
    return result
