"""Export hipnav's compiled model as pgmpy Bayesian networks, for an exact comparison.

One network per condition D (conditions are independent variables in hipnav):

    Setting -> D -> E   for every evidence node E

``Setting`` carries the three care settings, each with the age known or not (P(D | S) is
the setting's prior, normalised for age when it is known). An
evidence node is a finding outside any family, a family of correlated findings (its states
are the joint configurations of its members), or a cluster rule (its states are the number
of criteria met). Each node's CPD is built so that P(e | D=1) / P(e | D=0) equals exp of
hipnav's log LR for that state, with one spare "other" state absorbing the rest of the
probability mass; unobserved nodes are barren and drop out of exact inference. The network is thus
exactly hipnav's model, and exact inference must reproduce its posteriors.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
from pgmpy.factors.discrete import TabularCPD
from pgmpy.inference import VariableElimination
from pgmpy.models import DiscreteBayesianNetwork

from hipnav.engine.model import CompiledModel


def evidence_nodes(model: CompiledModel) -> dict[str, list[int]]:
    """Node name -> the scoring rows that are its states: one node per finding outside any
    family (its states, with cluster masks), per family (every observed configuration) and
    per cluster rule (criteria met)."""
    nodes: dict[str, list[int]] = defaultdict(list)
    alone = [((s,), s) for s in range(len(model.states))]  # row s: state s alone
    for states, r in [*alone, *model.row_of.items()]:
        g = model.group[states[0]]
        if g < len(model.family_ids):
            nodes["G:" + model.family_ids[g]].append(r)
        else:
            key = model.states[states[0]]
            nodes[("C:" if key.is_cluster else "F:") + key.finding].append(r)
    return dict(nodes)


class ExportedNetworks:
    def __init__(self, model: CompiledModel) -> None:
        self.model = model
        self.nodes = evidence_nodes(model)
        self.node_of_row = {r: (name, k) for name, rows in self.nodes.items() for k, r in enumerate(rows)}
        self.networks = [self._network(j) for j in range(model.n_conditions)]
        self.inference = [VariableElimination(net) for net in self.networks]

    def _network(self, j: int) -> DiscreteBayesianNetwork:
        m = self.model
        net = DiscreteBayesianNetwork([("S", "D")] + [("D", name) for name in self.nodes])
        n_set = len(m.prior_logit)  # setting x (age known or not): observed context
        prior = 1 / (1 + np.exp(-m.prior_logit[:, j]))
        cpds = [TabularCPD("S", n_set, [[1 / n_set]] * n_set),
                TabularCPD("D", 2, [1 - prior, prior], evidence=["S"], evidence_card=[n_set])]
        for name, rows in self.nodes.items():
            ratios = np.exp(m.scores[rows, j])
            q = 1.0 / (len(rows) * max(1.0, float(ratios.max())) * 2.0)
            absent = np.full(len(rows), q)
            present = q * ratios
            table = np.array([np.r_[absent, 1 - absent.sum()], np.r_[present, 1 - present.sum()]]).T
            cpds.append(TabularCPD(name, len(rows) + 1, table, evidence=["D"], evidence_card=[2]))
        net.add_cpds(*cpds)
        net.check_model()
        return net

    def posteriors(self, setting: int, rows: list[int]) -> np.ndarray:
        evidence = {"S": setting}
        for r in rows:
            name, k = self.node_of_row[r]
            evidence[name] = k
        out = np.empty(self.model.n_conditions)
        for j, inf in enumerate(self.inference):
            out[j] = inf.query(["D"], evidence=evidence, show_progress=False).values[1]
        return out
