"""Global parameters fitted to vignettes, by k-fold cross-validation (``hipnav eval --cv K``).

The urgency thresholds of ``triage.yaml`` (the risk at which the differential alone sends a
person to a level) are the global parameters of hipnav's judgement that are fitted to cases.
Fitting them to the very cases they are scored on flatters them, so they are chosen by
k-fold cross-validation: the cases are split into ``k`` folds (seeded, stratified by the
expected urgency so that every fold holds emergencies), the thresholds are fitted on ``k-1``
folds and scored on the one left out, and the held-out scores of every fold are pooled.
The whole-set fit is what ships; its held-out figures are what it can be expected to reach.

The fit minimises a triage cost: a level too low costs :data:`UNDER_COST` per level, a level
too high :data:`OVER_COST`, and under-triage by two levels or more :data:`UNDER_TWO_COST`
more: under-triage harms more than an unneeded visit (Pauker & Kassirer 1980; the same
asymmetry as the decision-analytic thresholds themselves). Ties go to the lowest
thresholds, the cautious side. No threshold is fitted at or below the risk an adult with no
findings reaches (:func:`uninformed_risk`): knowing nothing about a person's pain sends them to
no one. The red flags are not fitted: they stay as their sources say.

How strongly evidence counts against priors (a tempering exponent on the likelihood ratios,
and a shift of every prior's log odds) is fitted the same way, by the Brier score, and
reported with its held-out figure, so that whether it would help is measured, not assumed.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from hipnav.assessment import Assessment
from hipnav.engine.model import CompiledModel, FloatArray, IntArray
from hipnav.engine.posterior import encode_batch

UNDER_COST = 1.0
OVER_COST = 1.0
UNDER_TWO_COST = 10.0
#: The thresholds tried, per level (the differential's risk at that level or above).
GRID = {
    "emergency": tuple(np.round(np.geomspace(0.04, 0.6, 24), 4)),
    "urgent": tuple(np.round(np.geomspace(0.02, 0.5, 24), 4)),
    "routine_medical": tuple(np.round(np.linspace(0.1, 0.9, 33), 4)),
}
WEIGHTS = tuple(np.round(np.arange(0.5, 1.51, 0.05), 2))
SHIFTS = tuple(np.round(np.arange(-1.5, 1.51, 0.1), 2))


@dataclass(frozen=True)
class CaseTable:
    """What the fitted parameters act on, for each vignette: the risk at each urgency level
    (above the least urgent), the level the red flags alone set, the expected level, and the
    pieces of the posterior (prior log odds, evidence log odds, which conditions are present)."""

    levels: tuple[str, ...]  # least urgent first
    risk: FloatArray  # [cases, levels - 1]: P(a condition at this level or above is present)
    flag_rank: IntArray  # [cases]: the red flags' level (0 when none fired)
    gold_rank: IntArray  # [cases]
    prior: FloatArray  # [cases, conditions]
    evidence: FloatArray  # [cases, conditions]
    present: FloatArray  # [cases, conditions]


def case_table(model: CompiledModel, assessments: Sequence[Assessment],
               expected: Sequence[tuple[tuple[str, ...], str]]) -> CaseTable:
    """``expected``: each case's diagnoses and urgency."""
    kb = model.kb
    levels = tuple(kb.levels_ascending)
    risk = np.array([[a.urgency.risk_by_level[lv] for lv in levels[1:]] for a in assessments])
    flags = np.array([kb.urgency_rank(a.urgency.from_red_flags) if a.urgency.from_red_flags else 0
                      for a in assessments], dtype=np.intp)
    gold = np.array([kb.urgency_rank(u) for _, u in expected], dtype=np.intp)
    indptr, rows, settings = encode_batch(model, [a.case for a in assessments])
    n = len(assessments)
    evidence = np.zeros((n, model.n_conditions))
    np.add.at(evidence, np.repeat(np.arange(n), np.diff(indptr)), model.scores[rows])
    present = np.array([[c in dx for c in model.conditions] for dx, _ in expected], dtype=float)
    return CaseTable(levels, risk, flags, gold, model.prior_logit[settings], evidence, present)


def urgency_ranks(table: CaseTable, thresholds: Sequence[float]) -> IntArray:
    """Each case's urgency rank under ``thresholds`` (one per level above the least urgent,
    least urgent first), as :func:`hipnav.triage.decide_urgency` decides it."""
    from_diff = np.zeros(len(table.gold_rank), dtype=np.intp)
    for k in range(len(thresholds)):  # (a higher level reached overrides a lower one)
        from_diff = np.where(table.risk[:, k] >= thresholds[k], k + 1, from_diff)
    out: IntArray = np.maximum(from_diff, table.flag_rank)
    return out


def triage_cost(got: IntArray, gold: IntArray) -> float:
    diff = got - gold
    under = np.clip(-diff, 0, None)
    return float(UNDER_COST * under.sum() + OVER_COST * np.clip(diff, 0, None).sum()
                 + UNDER_TWO_COST * (under >= 2).sum())


def fit_thresholds(table: CaseTable, cases: IntArray, grid: dict[str, tuple[float, ...]] | None = None,
                   above: Sequence[float] | None = None) -> tuple[float, ...]:
    """The thresholds (least urgent level first) of least triage cost on ``cases``, each
    tried at the values of ``grid`` (:data:`GRID` by default) that lie above ``above`` (the
    risk an adult with no findings reaches at that level: knowing nothing sends no one on)."""
    names = table.levels[1:]
    grids = [np.array((grid or GRID)[name]) for name in names]
    if above is not None:
        grids = [g[g > a] for g, a in zip(grids, above, strict=True)]
    risk, flags, gold = table.risk[cases], table.flag_rank[cases], table.gold_rank[cases]
    # every combination at once: reached[k][i, case] says whether grid value i of level k is
    # reached, and the case's level is the highest reached (or the flags')
    best: tuple[float, tuple[float, ...]] | None = None
    reached = [risk[None, :, k] >= grids[k][:, None] for k in range(len(names))]
    for combo in itertools.product(*(range(len(g)) for g in grids)):
        level = np.zeros(len(cases), dtype=np.intp)
        for k, i in enumerate(combo):
            level = np.where(reached[k][i], k + 1, level)
        cost = triage_cost(np.maximum(level, flags), gold)
        if best is None or cost < best[0]:
            best = (cost, tuple(float(grids[k][i]) for k, i in enumerate(combo)))
    assert best is not None
    return best[1]


def posteriors(table: CaseTable, weight: float, shift: float) -> FloatArray:
    out: FloatArray = 1.0 / (1.0 + np.exp(-(table.prior + shift + weight * table.evidence)))
    return out


def brier(table: CaseTable, cases: IntArray, p: FloatArray) -> float:
    return float(((p[cases] - table.present[cases]) ** 2).mean())


def fit_tempering(table: CaseTable, cases: IntArray) -> tuple[float, float]:
    """The evidence weight and prior shift of least Brier score on ``cases``."""
    scored = ((brier(table, cases, posteriors(table, w, s)), w, s) for w in WEIGHTS for s in SHIFTS)
    _, w, s = min(scored)
    return float(w), float(s)


def folds(table: CaseTable, k: int, seed: int) -> list[IntArray]:
    """``k`` folds, stratified by the expected urgency, seeded."""
    rng = np.random.default_rng(seed)
    out: list[list[int]] = [[] for _ in range(k)]
    start = 0
    for level in np.unique(table.gold_rank):
        members = rng.permutation(np.flatnonzero(table.gold_rank == level))
        for i, case in enumerate(members):
            out[(start + i) % k].append(int(case))
        start += len(members)
    return [np.array(sorted(f), dtype=np.intp) for f in out]


@dataclass(frozen=True)
class TriageScores:
    cases: int
    exact: float
    over: float
    under: int
    under_two: int
    emergencies: str

    @classmethod
    def of(cls, got: IntArray, gold: IntArray, top: int) -> TriageScores:
        """``top``: the rank of the most urgent level (an emergency)."""
        n = max(len(gold), 1)
        caught = f"{int(((got == top) & (gold == top)).sum())}/{int((gold == top).sum())}"
        return cls(len(gold), round(float((got == gold).sum()) / n, 3),
                   round(float((got > gold).sum()) / n, 3), int((got < gold).sum()),
                   int((got <= gold - 2).sum()), caught)


@dataclass(frozen=True)
class CrossValidation:
    k: int
    seed: int
    thresholds: dict[str, float]  # fitted on every case: what ships
    per_fold: list[dict[str, float]]
    whole_set: TriageScores  # the whole-set fit scored on the cases it was fitted to
    held_out: TriageScores  # each fold scored with the thresholds fitted without it
    current: TriageScores  # the knowledge base's thresholds as they are
    weight: float
    shift: float
    brier_current: float
    brier_whole_set: float
    brier_held_out: float


def uninformed_risk(model: CompiledModel) -> tuple[float, ...]:
    """The highest risk at each level above the least urgent (least urgent first) of an adult
    of 25, 45 or 70 with no findings, in any setting: no threshold is fitted at or below it."""
    from hipnav.assessment import assess
    from hipnav.engine import parse_case

    kb = model.kb
    risks = [assess(parse_case({"age": age, "setting": s, "findings": {}}, kb), model).urgency.risk_by_level
             for s in model.settings for age in (25, 45, 70)]
    return tuple(max(r[lv] for r in risks) for lv in kb.levels_ascending[1:])


def cross_validate(table: CaseTable, current: Sequence[float], k: int = 5, seed: int = 0,
                   above: Sequence[float] | None = None) -> CrossValidation:
    """``above``: see :func:`fit_thresholds`."""
    everyone = np.arange(len(table.gold_rank), dtype=np.intp)
    names = table.levels[1:]
    fitted = fit_thresholds(table, everyone, above=above)
    held_got = np.zeros_like(table.gold_rank)
    held_p = np.zeros_like(table.prior)
    per_fold = []
    for fold in folds(table, k, seed):
        train = np.setdiff1d(everyone, fold)
        t = fit_thresholds(table, train, above=above)
        per_fold.append(dict(zip(names, t, strict=True)))
        held_got[fold] = urgency_ranks(table, t)[fold]
        held_p[fold] = posteriors(table, *fit_tempering(table, train))[fold]
    w, s = fit_tempering(table, everyone)
    top = len(table.levels) - 1
    return CrossValidation(
        k, seed, dict(zip(names, fitted, strict=True)), per_fold,
        TriageScores.of(urgency_ranks(table, fitted), table.gold_rank, top),
        TriageScores.of(held_got, table.gold_rank, top),
        TriageScores.of(urgency_ranks(table, current), table.gold_rank, top),
        w, s, brier(table, everyone, posteriors(table, 1.0, 0.0)),
        brier(table, everyone, posteriors(table, w, s)), brier(table, everyone, held_p))
