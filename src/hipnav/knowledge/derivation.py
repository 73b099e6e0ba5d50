"""Likelihood ratios derived from frequencies, the form in which the literature reports them.

A condition states how often each finding occurs in it, P(f | d). Everyone consulting with
hip-region pain in a setting shows the finding at the rate r(f): published where a study of
consulters reports it (``consulters/``; for age, the setting's age mix of meta.yaml when
``consulters/`` has none, an estimate unless it names a source), otherwise the mixture of the conditions' own
frequencies over the setting's case mix (each condition weighted by its prior, the priors
scaled to sum to one), so that the 25 conditions form one consistent model. Then

    P(f | not d) = (r(f) - w_d P(f | d)) / (1 - w_d)      (w_d: d's share of the case mix)
    LR+ = P(f | d) / P(f | not d)     LR- = (1 - P(f | d)) / (1 - P(f | not d))

and likewise for each band or value of a numeric or category finding.

A condition that does not list a finding: if the finding has an unaffected state (``no`` for
a yes/no finding, the normal band of a temperature), the finding is not a feature of the
condition and occurs in it only through a coexisting second cause, with the setting's share
``c`` of consulters who have one (meta.yaml ``coexistence``):

    P(f | d) = (1 - c) [f is unaffected] + c r(f)

Otherwise (traits such as age or smoking, complaints common to every cause) the condition
says nothing about it: LR 1, and in the mixture it counts at the consulters' own rate.

Solving the mixture with those two rules in it: with W_bg the case-mix weight of the
conditions that take the coexistence rule and W_none that of the conditions that say nothing,

    r(v) = (sum over listing conditions of w_d P(v | d) + W_bg (1 - c) [v unaffected])
           / (1 - c W_bg - W_none).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from hipnav.knowledge.model import BaseRate, ConsulterRate, Derivation, Evidence, Finding, Frequency
from hipnav.knowledge.provenance import Provenance
from hipnav.knowledge.validation import LR_RANGE

#: P(f | not d) is never taken below this: a published consulters' rate lower than the
#: condition's own share of it is a disagreement ``kb check`` reports, not a division by zero.
MIN_RATE = 1e-3


@dataclass(frozen=True)
class ConditionFacts:
    """What one condition states, as the derivation needs it."""

    id: str
    name: str
    prior: float  # in the setting derived for
    frequencies: Mapping[str, Frequency]  # by finding
    accuracy: Mapping[str, Evidence]  # published test accuracy, by finding (kept as published)


def case_mix(conditions: Sequence[ConditionFacts]) -> dict[str, float]:
    """Each condition's share of the setting's consulters: its prior, the priors scaled to one."""
    total = sum(c.prior for c in conditions)
    return {c.id: c.prior / total for c in conditions}


def in_condition(cond: ConditionFacts, finding: Finding) -> dict[str, float] | None:
    """P(state | condition) as the condition states it: its frequency, or a published test's
    sensitivity; None when it states none (or only likelihood ratios)."""
    freq = cond.frequencies.get(finding.id)
    if freq is not None:
        return dict(freq.proportions)
    ev = cond.accuracy.get(finding.id)
    if ev is not None and ev.sens is not None:
        return {"yes": ev.sens, "no": 1.0 - ev.sens}
    return None


def mixture(conditions: Sequence[ConditionFacts], weights: Mapping[str, float], finding: Finding,
            coexistence: float | None) -> dict[str, float] | None:
    """The finding's rate among the setting's consulters, mixed from the conditions' own
    frequencies (see the module docstring); None when no condition states one."""
    listed = 0.0
    stated: dict[str, float] = dict.fromkeys(finding.states, 0.0)
    w_bg = w_none = 0.0
    takes_background = finding.unaffected is not None and coexistence is not None
    for cond in conditions:
        p = in_condition(cond, finding)
        w = weights[cond.id]
        if p is not None:
            listed += w
            for state in stated:
                stated[state] += w * p.get(state, 0.0)
        elif takes_background and finding.id not in cond.accuracy:
            w_bg += w
        else:
            w_none += w
    if listed == 0.0:
        return None
    c = coexistence if takes_background else 0.0
    assert c is not None
    denominator = 1.0 - c * w_bg - w_none
    return {state: (v + (w_bg * (1.0 - c) if state == finding.unaffected else 0.0)) / denominator
            for state, v in stated.items()}


def background(finding: Finding, rate: Mapping[str, float], coexistence: float) -> dict[str, float]:
    """P(state | a condition that does not produce the finding): only a coexisting cause brings it."""
    return {s: (1.0 - coexistence if s == finding.unaffected else 0.0) + coexistence * rate[s]
            for s in finding.states}


def _clip(lr: float) -> float:
    return min(max(lr, LR_RANGE[0]), LR_RANGE[1])


def likelihood_ratios(mine: Mapping[str, float], rate: Mapping[str, float],
                      weight: float) -> tuple[dict[str, float], dict[str, float]]:
    """The LR of each state against everyone else in the case mix, and P(state | not d)."""
    others = {s: max((rate[s] - weight * mine[s]) / (1.0 - weight), MIN_RATE) for s in mine}
    return {s: _clip(mine[s] / others[s]) if mine[s] > 0 else LR_RANGE[0] for s in mine}, others


def background_provenance(finding: Finding, condition: str, coexistence: float) -> Provenance:
    return Provenance(grade="D", estimate=(
        f"Not listed as a feature of {condition}: '{finding.text}' occurs in it only through a "
        f"coexisting second cause (about {coexistence:.0%} of consulters have one, meta.yaml)"))


def base_rates(conditions: Sequence[ConditionFacts], findings: Mapping[str, Finding],
               sourced: Mapping[str, ConsulterRate], coexistence: float | None,
               ) -> dict[str, BaseRate]:
    """Every finding's rate among one setting's consulters: published where ``sourced`` has
    it, the mixture otherwise (findings no condition states a frequency for have none)."""
    weights = case_mix(conditions)
    out = {}
    for fid, finding in findings.items():
        mixed = mixture(conditions, weights, finding, coexistence)
        published = sourced.get(fid)
        if published is not None:
            out[fid] = BaseRate(dict(published.proportions), mixed, published)
        elif mixed is not None:
            out[fid] = BaseRate(mixed, mixed)
    return out


def derive(conditions: Sequence[ConditionFacts], findings: Mapping[str, Finding],
           rates: Mapping[str, BaseRate], setting: str,
           coexistence: float | None) -> dict[str, list[Evidence]]:
    """Each condition's likelihood ratios derived from frequencies against ``setting``'s
    consulters: one per finding it lists, and (with a coexistence share) one per finding with
    an unaffected state that it does not list and gives no published accuracy for."""
    weights = case_mix(conditions)
    out: dict[str, list[Evidence]] = {c.id: [] for c in conditions}
    for fid, finding in findings.items():
        base = rates.get(fid)
        if base is None:
            continue
        sourced = base.sourced is not None and not base.sourced.provenance.is_estimate
        for cond in conditions:
            if fid in cond.accuracy:
                continue
            freq = cond.frequencies.get(fid)
            if freq is not None:
                mine, prov, listed = dict(freq.proportions), freq.provenance, True
            elif finding.unaffected is not None and coexistence is not None:
                mine = background(finding, base.rate, coexistence)
                prov, listed = background_provenance(finding, cond.name, coexistence), False
            else:
                continue
            lr, others = likelihood_ratios(mine, base.rate, weights[cond.id])
            if all(math.isclose(v, 1.0, rel_tol=1e-9) for v in lr.values()):
                continue
            out[cond.id].append(Evidence(
                condition=cond.id, finding=fid, lr=lr, provenance=prov,
                derivation=Derivation(setting, mine, others, listed, sourced)))
    return out


def disagreements(rates: Mapping[str, BaseRate], tolerance: float = 0.25) -> list[str]:
    """Where a published consulters' rate and the mixture of the conditions' own frequencies
    differ by more than ``tolerance`` (relative): a sign that a frequency or a prior is off."""
    out = []
    for fid, base in sorted(rates.items()):
        if base.sourced is None or base.mixture is None:
            continue
        for state, published in base.rate.items():
            mixed = base.mixture[state]
            if abs(mixed - published) > tolerance * max(published, 1e-9):
                prov = base.sourced.provenance
                out.append(f"{fid}={state}: {'estimated' if prov.is_estimate else 'published'} "
                           f"{published:.3f} ({prov.source or 'estimate'}), mixture {mixed:.3f}")
    return out
