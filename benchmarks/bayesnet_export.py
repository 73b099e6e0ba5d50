"""Export hipnav's compiled model as pgmpy Bayesian networks, for an exact comparison.

One network per condition D (conditions are independent variables in hipnav):

    Setting -> D -> E_g   for every evidence group g

``Setting`` carries the three care settings (P(D | setting) is the setting's prior). Each
evidence group is one node: a single finding, a family of correlated findings (its states
are the joint configurations of its members, including "not observed" and cluster masks),
or a cluster rule (its states are the number of criteria met). A group's CPD is built so
that P(e | D=1) / P(e | D=0) equals exp of hipnav's contribution for that configuration,
with one spare "other" state absorbing the remaining probability mass. The network is thus
exactly hipnav's model, and exact inference must reproduce its posteriors.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict

import numpy as np
from pgmpy.factors.discrete import TabularCPD
from pgmpy.inference import VariableElimination
from pgmpy.models import DiscreteBayesianNetwork

from hipnav.engine.model import CompiledModel

Config = tuple[int, ...]  # sorted model rows observed in one group


def group_configs(model: CompiledModel) -> dict[int, list[Config]]:
    """Every possible observed configuration of every evidence group."""
    rows_by_group: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for i, key in enumerate(model.states):
        rows_by_group[int(model.group[i])][key.finding].append(i)
    configs: dict[int, list[Config]] = {}
    for g, by_member in rows_by_group.items():
        options = [[None, *rows] for rows in by_member.values()]
        configs[g] = [tuple(sorted(r for r in combo if r is not None))
                      for combo in itertools.product(*options) if any(r is not None for r in combo)]
    return configs


def contribution(model: CompiledModel, rows: Config, j: int) -> float:
    return float(model.log_lr_pos[list(rows), j].max() + model.log_lr_neg[list(rows), j].min())


class ExportedNetworks:
    def __init__(self, model: CompiledModel) -> None:
        self.model = model
        self.configs = group_configs(model)
        self.index = {g: {c: k for k, c in enumerate(cs)} for g, cs in self.configs.items()}
        self.networks = [self._network(j) for j in range(model.n_conditions)]
        self.inference = [VariableElimination(net) for net in self.networks]

    def _network(self, j: int) -> DiscreteBayesianNetwork:
        m = self.model
        edges = [("S", "D")] + [("D", f"E{g}") for g in self.configs]
        net = DiscreteBayesianNetwork(edges)
        n_set = len(m.settings)
        prior = 1 / (1 + np.exp(-m.prior_logit[:, j]))
        cpds = [TabularCPD("S", n_set, [[1 / n_set]] * n_set),
                TabularCPD("D", 2, [1 - prior, prior], evidence=["S"], evidence_card=[n_set])]
        for g, configs in self.configs.items():
            ratios = np.array([math.exp(contribution(m, c, j)) for c in configs])
            q = 1.0 / (len(configs) * max(1.0, ratios.max()) * 2.0)
            absent = np.full(len(configs), q)
            present = q * ratios
            table = np.array([np.r_[absent, 1 - absent.sum()], np.r_[present, 1 - present.sum()]]).T
            cpds.append(TabularCPD(f"E{g}", len(configs) + 1, table, evidence=["D"], evidence_card=[2]))
        net.add_cpds(*cpds)
        net.check_model()
        return net

    def posteriors(self, setting: int, rows: list[int]) -> np.ndarray:
        by_group: dict[int, list[int]] = defaultdict(list)
        for r in rows:
            by_group[int(self.model.group[r])].append(r)
        evidence = {"S": setting}
        for g, members in by_group.items():
            evidence[f"E{g}"] = self.index[g][tuple(sorted(members))]
        out = np.empty(self.model.n_conditions)
        for j, inf in enumerate(self.inference):
            out[j] = inf.query(["D"], evidence=evidence, show_progress=False).values[1]
        return out
