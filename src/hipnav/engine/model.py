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

import itertools
import math
from bisect import bisect_left
from collections.abc import Mapping
from dataclasses import dataclass
from typing import NamedTuple, Protocol

import numpy as np
import numpy.typing as npt

from hipnav.knowledge.model import Cluster, Evidence, Finding, KnowledgeBase

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]


class StateKey(NamedTuple):
    """One evidence state: a finding's state, a cluster's count, or a masked variant."""

    finding: str  # for a cluster row: the cluster id
    state: str  # for a cluster row: the count met, as text
    masked_by: frozenset[str] = frozenset()  # clusters whose conditions this state leaves out
    is_cluster: bool = False


class StatesByValue(Protocol):
    """A finding's reported value -> the (unmasked) evidence state it selects."""

    def __getitem__(self, value: bool | float | str, /) -> int: ...


@dataclass(frozen=True)
class Bands:
    """A number -> the state of the band it falls in, by one bisection of the bands'
    cut-points (``Finding.state_of`` tries the bands one after another). Made from the
    finding's own ``state_of`` at every cut-point and between each two, so the two agree on
    every number: a band's bounds are cut-points, so nothing changes between two of them."""

    cuts: tuple[float, ...]  # every bound of the finding's bands, ascending
    between: tuple[int | None, ...]  # [k]: below cuts[k] and above cuts[k - 1] (None: no band)
    at: tuple[int | None, ...]  # [k]: at cuts[k]

    @classmethod
    def of(cls, finding: Finding, state_index: Mapping[str, int]) -> Bands:
        """``state_index``: the finding's band ids -> their states."""
        def state(x: float) -> int | None:
            try:
                return state_index[finding.state_of(x)]
            except ValueError:  # outside every band (beyond the finding's range)
                return None

        cuts = sorted({v for b in finding.bands for v in (b.gte, b.gt, b.lt, b.lte) if v is not None})
        probes = [cuts[0] - 1.0, *((a + b) / 2 for a, b in itertools.pairwise(cuts)), cuts[-1] + 1.0]
        return cls(tuple(cuts), tuple(map(state, probes)), tuple(map(state, cuts)))

    def __getitem__(self, value: bool | float | str, /) -> int:
        x = float(value)
        k = bisect_left(self.cuts, x)
        state = self.at[k] if k < len(self.cuts) and self.cuts[k] == x else self.between[k]
        if state is None:
            raise ValueError(f"{value} falls in no band")  # a validated value never does
        return state


@dataclass(frozen=True, eq=False)  # identity hash: one compiled model per knowledge base
class CompiledModel:
    kb: KnowledgeBase
    conditions: tuple[str, ...]
    column: dict[str, int]  # condition -> its column
    settings: tuple[str, ...]
    # [2 x settings, conditions]: row s is setting s's prior; row S + s the same prior for a
    # case whose age is known, less ``age_log_norm`` (see below).
    prior_logit: FloatArray
    # [settings, conditions]: log of each condition's age LR averaged over the setting's age
    # mix (meta.yaml). Subtracting it when the age is known makes the age LRs average 1 over
    # the setting's own consulters, so age redistributes the setting's prior, never inflates it.
    age_log_norm: FloatArray
    states: tuple[StateKey, ...]  # every evidence state
    # an evidence state -> its place in ``states`` (a StateKey, or the plain tuple it equals)
    index: dict[tuple[str, str, frozenset[str], bool], int]
    # finding -> its reported value -> the (unmasked) state it selects: a yes/no or category
    # value by look-up, a number by its band (``Bands``)
    state_of: dict[str, StatesByValue]
    group: tuple[int, ...]  # [states]: the state's family (an index of ``family_ids``), or a group of its own
    family_ids: tuple[str, ...]
    cluster_findings: dict[str, frozenset[str]]  # cluster rule -> the findings it names
    # The family rule worked out in advance: one row of per-condition log LRs for each way a
    # group's states can be observed together, so that a case's log-odds shift is the sum of
    # its groups' rows: exact, and one matrix for every case of a batch. Row s (s < number
    # of states) is state s alone (its own log LRs, see ``log_lr``), so a group of one state
    # is scored by that state's own row; after them, one row for each combination of two or
    # more states of a family (the strongest evidence in each direction counted).
    scores: FloatArray  # [rows, conditions]
    row_of: dict[tuple[int, ...], int]  # two or more states of a family, ascending -> their row
    evidence: dict[tuple[str, str], Evidence]  # (condition, finding) -> its evidence entry

    @property
    def log_lr(self) -> FloatArray:
        """[states, conditions]: each state's log LR for each condition (the first rows of
        ``scores``)."""
        return self.scores[: len(self.states)]

    @property
    def n_conditions(self) -> int:
        return len(self.conditions)


def compiled(kb: KnowledgeBase) -> CompiledModel:
    """The knowledge base's compiled model, built once (see ``KnowledgeBase.derived``)."""
    return kb.derived(compile_model)


def _logit(p: float) -> float:
    return math.log(p / (1.0 - p))


def compile_model(kb: KnowledgeBase) -> CompiledModel:
    conditions = tuple(sorted(kb.conditions))
    col = {c: j for j, c in enumerate(conditions)}
    settings = tuple(kb.settings)
    prior = np.array([[_logit(kb.conditions[c].priors[s].p) for c in conditions] for s in settings])

    cluster_findings = {cl.id: cl.findings for cl in kb.clusters.values()}
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
    group = []
    for i, key in enumerate(keys):
        fam = None if key.is_cluster else kb.findings[key.finding].family
        group.append(fam_index[fam] if fam is not None else len(family_ids) + i)

    # the scoring rows: each state alone (a state outside any family is always a group of its
    # own), then for each family every combination of at least two of its findings' states,
    # at most one state of each finding
    rows: list[FloatArray] = list(w)
    row_of: dict[tuple[int, ...], int] = {}
    members: dict[int, dict[str, list[int]]] = {}  # family -> its findings -> their states
    for i, key in enumerate(keys):
        if group[i] < len(family_ids):
            members.setdefault(group[i], {}).setdefault(key.finding, []).append(i)
    for member_states in members.values():
        options: list[list[int | None]] = [[None, *states] for states in member_states.values()]
        for combo in itertools.product(*options):
            chosen = sorted(i for i in combo if i is not None)
            if len(chosen) > 1:
                row_of[tuple(chosen)] = len(rows)
                rows.append(family_contribution(w[chosen]))
    scores = np.array(rows)
    scores.setflags(write=False)

    age_norm = np.zeros_like(prior)
    if "age" in kb.findings:
        for k, setting in enumerate(settings):
            mix = kb.age_mix.get(setting)
            if mix:
                for band, share in mix.items():
                    age_norm[k] += share * np.exp(w[keys.index(StateKey("age", band))])
                age_norm[k] = np.log(age_norm[k])
    index: dict[tuple[str, str, frozenset[str], bool], int] = {key: i for i, key in enumerate(keys)}
    state_of = {fid: states_by_value(finding, {s: index[StateKey(fid, s)] for s in finding.states})
                for fid, finding in kb.findings.items()}
    return CompiledModel(
        kb=kb, conditions=conditions, column=col, settings=settings,
        prior_logit=np.vstack([prior, prior - age_norm]), age_log_norm=age_norm,
        states=tuple(keys), index=index, state_of=state_of, group=tuple(group),
        family_ids=family_ids, cluster_findings=cluster_findings, scores=scores, row_of=row_of,
        evidence={(c.id, ev.finding): ev for c in kb.conditions.values() for ev in c.evidence},
    )


def states_by_value(finding: Finding, state_index: Mapping[str, int]) -> StatesByValue:
    """What each value of ``finding`` selects (``state_index``: its states -> their indexes):
    a yes/no value its "yes" or "no" state, a category's value the state of that name, a
    number the state of its band."""
    if finding.type == "number":
        return Bands.of(finding, state_index)
    by_value: dict[bool | float | str, int] = {}
    if finding.type == "bool":
        by_value.update({True: state_index["yes"], False: state_index["no"]})
    else:
        by_value.update((state, i) for state, i in state_index.items())
    return by_value


def family_contribution(log_lrs: FloatArray) -> FloatArray:
    """What states of one family observed together say about each condition (``log_lrs``:
    [states, conditions]): the strongest evidence in each direction, the largest positive log
    LR plus the most negative one (evidence.md "How to use", point 3b)."""
    result: FloatArray = np.maximum(log_lrs, 0.0).max(axis=0) + np.minimum(log_lrs, 0.0).min(axis=0)
    return result


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
