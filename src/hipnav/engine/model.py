"""The knowledge base compiled into arrays for fast, exact inference.

Each condition is its own present/absent variable (conditions coexist), so its posterior
log-odds is its prior log-odds plus the log likelihood ratios of the evidence observed:

    logit P(d | x) = logit P(d) + sum over evidence groups g of c_g(d, x)

An *evidence state* is one observed value of a finding (``exam_fadir=yes``,
``lab_crp_mg_l=over_20``, ``age=senior``). A group is either a single state, or all the
observed states of one family of correlated findings, whose contribution is the strongest
evidence in each direction (max of the positive log LRs plus min of the negative ones), so
correlated findings are never counted twice (evidence.md "How to use", point 3b). A
published cluster rule that can be evaluated replaces the individual LRs of its findings for
its conditions by one LR for the number of criteria met.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import math
import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from hipnav.knowledge.model import Band, Cluster, Evidence, KnowledgeBase

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]


#: A family key's low bits tell its states apart (one bit each), the bits above name the family.
FAMILY_SHIFT = 48


class StateKey(NamedTuple):
    """One row of the model: a finding's state, a cluster's count, or a masked variant."""

    finding: str  # for a cluster row: the cluster id
    state: str  # for a cluster row: the count met, as text
    masked_by: frozenset[str] = frozenset()  # clusters whose conditions this row leaves out
    is_cluster: bool = False


@dataclass(frozen=True, eq=False)  # identity hash: one compiled model per knowledge base
class CompiledModel:
    kb: KnowledgeBase
    conditions: tuple[str, ...]
    settings: tuple[str, ...]
    # [2 x settings, conditions]: row s is setting s's prior; row S + s the same prior for a
    # case whose age is known, less ``age_log_norm`` (see below).
    prior_logit: FloatArray
    # [settings, conditions]: log of each condition's age LR averaged over the setting's age
    # mix (meta.yaml). Subtracting it when the age is known makes the age LRs average 1 over
    # the setting's own consulters, so age redistributes the setting's prior, never inflates it.
    age_log_norm: FloatArray
    states: tuple[StateKey, ...]
    index: dict[StateKey, int]
    log_lr: FloatArray  # [states, conditions]
    log_lr_pos: FloatArray  # max(log_lr, 0)
    log_lr_neg: FloatArray  # min(log_lr, 0)
    group: IntArray  # [states]: family index, or a group of its own
    family_ids: tuple[str, ...]
    clusters_of: dict[str, tuple[str, ...]]  # finding id -> clusters naming it
    # Scoring rows: one per evidence state outside any family, one per possible observed
    # configuration of each family (its contribution precomputed by the family rule), so
    # that a case's log-odds shift is a plain sum of rows: exact, and fast in batches.
    row_log_lr: FloatArray  # [rows, conditions]
    row_log_lr_t: FloatArray  # the same, transposed and contiguous (for batch gathers)
    single_row: IntArray  # [states]: the row of a state outside any family, else -1
    config_row: dict[tuple[int, ...], int]  # sorted family states observed -> row
    # Fast paths for encoding (unmasked states): a yes/no finding's two states, and
    # (finding, state) for the others.
    bool_states: dict[str, tuple[int, int]]
    plain_states: dict[tuple[str, str], int]
    evidence: dict[tuple[str, str], Evidence]  # (condition, finding) -> its evidence entry
    single_row_list: tuple[int, ...]  # ``single_row`` and ``group`` as Python ints: a
    group_list: tuple[int, ...]  # per-case loop indexes these far faster than numpy arrays
    log_lr_columns: tuple[tuple[float, ...], ...]  # ``log_lr`` by condition, as Python floats
    # [states]: a state's scoring row outside any family; in a family, ~(its family key):
    # family index << FAMILY_SHIFT | a bit of its own, so that a case's states in one family
    # OR together into the key of their configuration in ``config_by_key`` (encoding finds a
    # state's row or family in one look-up, and a family's row without sorting its states)
    row_code: tuple[int, ...]
    config_by_key: dict[int, int]  # ``config_row`` by family key
    # Numeric findings whose bands follow each other ([a, b) then [b, c) ..., or (a, b] then
    # (b, c] ...): (the bisection that finds a number's band among the cut points, the cut
    # points, each band's unmasked state), so that a number's state is one bisection, exactly
    # the first band that ``contains`` it
    number_states: dict[str, tuple[Callable[[Sequence[float], float], int], tuple[float, ...],
                                   tuple[int, ...]]]

    @property
    def n_conditions(self) -> int:
        return len(self.conditions)

    def row(self, key: StateKey) -> int:
        return self.index[key]

    @functools.cached_property
    def minus_scores(self) -> FloatArray:
        """``row_log_lr`` with ``prior_logit``'s rows below it (from row ``len(row_log_lr)``),
        negated: a case's minus logits are then one gather and one sum, exactly (negation is
        exact, and the prior added last is the prior added first). See
        :func:`hipnav.engine.posterior.probabilities`."""
        minus: FloatArray = -np.vstack([self.row_log_lr, self.prior_logit])
        return minus

    @functools.cached_property
    def typical_urgency_ranks(self) -> tuple[int, ...]:
        """Each condition's typical urgency as a rank (0 = least urgent), by column."""
        ranks = self.kb.typical_urgency_rank
        return tuple(ranks[c] for c in self.conditions)

    @functools.cached_property
    def condition_index(self) -> dict[str, int]:
        """Condition id -> its column: a look-up, where ``conditions.index`` is a scan."""
        return {c: j for j, c in enumerate(self.conditions)}


def _logit(p: float) -> float:
    return math.log(p / (1.0 - p))


def compile_model(kb: KnowledgeBase) -> CompiledModel:
    conditions = tuple(sorted(kb.conditions))
    col = {c: j for j, c in enumerate(conditions)}
    settings = tuple(kb.settings)
    prior = np.array([[_logit(kb.conditions[c].priors[s].p) for c in conditions] for s in settings])

    clusters_of: dict[str, list[str]] = {}
    for cl in kb.clusters.values():
        for fid in sorted(cl.findings):
            clusters_of.setdefault(fid, []).append(cl.id)

    keys: list[StateKey] = []
    for fid, finding in kb.findings.items():
        covering = clusters_of.get(fid, [])
        masks = [frozenset(m) for r in range(len(covering) + 1)
                 for m in itertools.combinations(covering, r)]
        for state in finding.states:
            keys.extend(StateKey(fid, state, m) for m in masks)
    for cl in kb.clusters.values():
        keys.extend(StateKey(cl.id, str(n), is_cluster=True) for n in sorted(cl.lr_by_count))

    w = np.zeros((len(keys), len(conditions)))
    for cond in kb.conditions.values():
        j = col[cond.id]
        by_finding = {ev.finding: ev for ev in cond.evidence}
        for i, key in enumerate(keys):
            if key.is_cluster:
                cl = kb.clusters[key.finding]
                if cond.id in cl.conditions:
                    w[i, j] = math.log(cl.lr_by_count[int(key.state)])
                continue
            ev = by_finding.get(key.finding)
            if ev is None:
                continue
            if any(cond.id in kb.clusters[m].conditions for m in key.masked_by):
                continue  # counted inside the cluster rule instead
            w[i, j] = ev.log_lr(key.state)

    family_ids = tuple(sorted(kb.families))
    fam_index = {f: k for k, f in enumerate(family_ids)}
    group = np.empty(len(keys), dtype=np.intp)
    for i, key in enumerate(keys):
        fam = None if key.is_cluster else kb.findings[key.finding].family
        group[i] = fam_index[fam] if fam is not None else len(family_ids) + i
    w.setflags(write=False)
    pos, neg = np.maximum(w, 0.0), np.minimum(w, 0.0)
    single_row = np.full(len(keys), -1, dtype=np.intp)
    rows: list[FloatArray] = []
    config_row: dict[tuple[int, ...], int] = {}
    members: dict[int, dict[str, list[int]]] = {}
    for i, key in enumerate(keys):
        if group[i] < len(family_ids):
            members.setdefault(int(group[i]), {}).setdefault(key.finding, []).append(i)
        else:
            single_row[i] = len(rows)
            rows.append(w[i])
    for member_states in members.values():
        options: list[list[int | None]] = [[None, *states] for states in member_states.values()]
        for combo in itertools.product(*options):
            chosen = sorted(i for i in combo if i is not None)
            if chosen:
                config_row[tuple(chosen)] = len(rows)
                rows.append(pos[chosen].max(axis=0) + neg[chosen].min(axis=0))
    row_log_lr = np.array(rows)
    bit: dict[int, int] = {}
    for g, member_states in members.items():
        for local, i in enumerate(sorted(i for states in member_states.values() for i in states)):
            assert local < FAMILY_SHIFT
            bit[i] = g << FAMILY_SHIFT | 1 << local
    row_code = tuple(int(r) if r >= 0 else ~bit[i] for i, r in enumerate(single_row))
    config_by_key = {functools.reduce(operator.or_, (bit[i] for i in chosen)): r
                     for chosen, r in config_row.items()}
    age_norm = np.zeros_like(prior)
    if "age" in kb.findings:
        for k, setting in enumerate(settings):
            mix = kb.age_mix.get(setting)
            if mix:
                for band, share in mix.items():
                    age_norm[k] += share * np.exp(w[keys.index(StateKey("age", band))])
                age_norm[k] = np.log(age_norm[k])
    plain = {(k.finding, k.state): i for i, k in enumerate(keys) if not k.is_cluster and not k.masked_by}
    return CompiledModel(
        kb=kb, conditions=conditions, settings=settings,
        prior_logit=np.vstack([prior, prior - age_norm]), age_log_norm=age_norm,
        states=tuple(keys), index={k: i for i, k in enumerate(keys)}, log_lr=w,
        log_lr_pos=pos, log_lr_neg=neg, group=group,
        family_ids=family_ids, clusters_of={k: tuple(v) for k, v in clusters_of.items()},
        row_log_lr=row_log_lr, row_log_lr_t=np.ascontiguousarray(row_log_lr.T),
        single_row=single_row, config_row=config_row,
        bool_states={f.id: (plain[f.id, "yes"], plain[f.id, "no"])
                     for f in kb.findings.values() if f.type == "bool"},
        plain_states=plain, single_row_list=tuple(single_row.tolist()),
        evidence={(c.id, ev.finding): ev for c in kb.conditions.values() for ev in c.evidence},
        group_list=tuple(group.tolist()),
        log_lr_columns=tuple(tuple(col) for col in w.T.tolist()),
        row_code=row_code, config_by_key=config_by_key,
        number_states={f.id: (bisect.bisect_left if below else bisect.bisect_right, cuts,
                              tuple(plain[f.id, b.id] for b in f.bands))
                       for f in kb.findings.values() if f.type == "number"
                       for cuts, below in [_cuts(f.bands)] if cuts is not None},
    )


def _cuts(bands: tuple[Band, ...]) -> tuple[tuple[float, ...] | None, bool]:
    """A numeric finding's bands as cut points, when each band starts where the one before
    ends, all closed below ([a, b): ``below`` False) or all closed above ((a, b]: ``below``
    True), the first open below and the last open above; (None, False) otherwise."""
    for below in (False, True):
        starts = [b.gt if below else b.gte for b in bands]
        ends = [b.lte if below else b.lt for b in bands]
        others = [(b.gte, b.lt) if below else (b.gt, b.lte) for b in bands]
        cuts = ends[:-1]
        if bands and starts[0] is None and ends[-1] is None and starts[1:] == cuts \
                and None not in cuts and all(o == (None, None) for o in others) \
                and all(x < y for x, y in itertools.pairwise(cuts)):  # type: ignore[operator]
            return tuple(float(c) for c in cuts), below  # type: ignore[arg-type]
    return None, False


def cluster_count(cluster: Cluster, values: Mapping[str, bool | float | str]) -> int | None:
    """Criteria met, or None while any criterion is unknown or the rule's population does
    not (or not yet knowably) include the case: the rule is then not used."""
    if cluster.applies_when is not None and cluster.applies_when.evaluate(values) is not True:
        return None
    met = 0
    for criterion in cluster.criteria:
        truth = criterion.evaluate(values)
        if truth is None:
            return None
        met += truth
    return met
