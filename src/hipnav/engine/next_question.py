"""Which question to ask next: red-flag screening first, then the unasked finding with the
highest expected information gain over the differential.

Information gain is the expected fall in the summed binary entropy of the conditions'
posteriors (each condition is its own variable, so the differential's entropy is the sum).
For condition d the answer is predicted from P(yes | d) and P(yes | not d): sensitivity and
1 - specificity where the knowledge base gives them, otherwise implied by the likelihood
ratios and a base rate of the answer (``BASE_RATE``). The update after an answer follows the
engine's own rule, families included; cluster rules are left out of this look-ahead.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from hipnav.engine.case import Case
from hipnav.engine.model import CompiledModel, FloatArray, StateKey
from hipnav.engine.posterior import encode, setting_row

#: Assumed share of people without a condition who answer "yes" to a question, where the
#: knowledge base gives likelihood ratios but no specificity. It only orders questions; it
#: never enters a posterior.
BASE_RATE = 0.25
#: Stop asking when no question is expected to gain this many bits.
MIN_GAIN_BITS = 0.02

PATIENT = "patient"
CLINICIAN = "clinician"


@dataclass(frozen=True)
class Question:
    finding: str
    text: str
    reason: str  # "red-flag screening" or "most informative"
    gain_bits: float


@dataclass(frozen=True)
class _Tables:
    findings: tuple[str, ...]
    yes_rows: np.ndarray
    no_rows: np.ndarray
    p_yes_d: FloatArray  # [findings, conditions]
    p_yes_not_d: FloatArray


def askable(model: CompiledModel, question_set: str) -> tuple[str, ...]:
    """Yes/no findings a person can answer (patient) or also examine (clinician)."""
    out = []
    for f in model.kb.findings.values():
        if f.type != "bool":
            continue
        if f.is_exam and question_set != CLINICIAN:
            continue
        if not f.is_exam and not f.ask:
            continue
        out.append(f.id)
    return tuple(out)


@functools.lru_cache(maxsize=4)
def _tables(model: CompiledModel, question_set: str) -> _Tables:
    ids = askable(model, question_set)
    yes = np.array([model.index[StateKey(f, "yes")] for f in ids], dtype=np.intp)
    no = np.array([model.index[StateKey(f, "no")] for f in ids], dtype=np.intp)
    lr_yes, lr_no = np.exp(model.log_lr[yes]), np.exp(model.log_lr[no])
    q = BASE_RATE
    p1 = q * lr_yes / (q * lr_yes + (1 - q) * lr_no)
    p0 = np.full_like(p1, q)
    col = {c: j for j, c in enumerate(model.conditions)}
    for i, fid in enumerate(ids):
        for cond in model.kb.conditions.values():
            for ev in cond.evidence:
                if ev.finding == fid and ev.sens is not None and ev.spec is not None:
                    p1[i, col[cond.id]] = ev.sens
                    p0[i, col[cond.id]] = 1 - ev.spec
    return _Tables(ids, yes, no, p1, p0)


def _entropy(p: FloatArray) -> FloatArray:
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return -(p * np.log2(p) + (1 - p) * np.log2(1 - p))


def information_gain(model: CompiledModel, case: Case, question_set: str = PATIENT,
                     skip: frozenset[str] = frozenset()) -> dict[str, float]:
    """Expected information gain (bits) of every unasked yes/no question not in ``skip``."""
    t = _tables(model, question_set)
    values = case.values()
    rows = encode(model, values)
    logit = model.prior_logit[setting_row(model, case.setting)].copy()
    # Current family maxima/minima, so a candidate's update follows the family rule.
    cur_pos: dict[int, FloatArray] = {}
    cur_neg: dict[int, FloatArray] = {}
    for r in rows:
        g = int(model.group[r])
        cur_pos[g] = np.maximum(cur_pos.get(g, 0.0), model.log_lr_pos[r])
        cur_neg[g] = np.minimum(cur_neg.get(g, 0.0), model.log_lr_neg[r])
    for g in cur_pos:
        logit += cur_pos[g] + cur_neg[g]

    unasked = np.array([f not in values and f not in skip for f in t.findings])
    if not unasked.any():
        return {}

    def delta(state_rows: np.ndarray) -> FloatArray:
        pos, neg = model.log_lr_pos[state_rows], model.log_lr_neg[state_rows]
        out = pos + neg
        for i, r in enumerate(state_rows):
            g = int(model.group[r])
            if g in cur_pos:
                out[i] = (np.maximum(cur_pos[g], pos[i]) - cur_pos[g]
                          + np.minimum(cur_neg[g], neg[i]) - cur_neg[g])
        return out

    yes_rows, no_rows = t.yes_rows[unasked], t.no_rows[unasked]
    p_d = 1 / (1 + np.exp(-logit))
    p_yes = p_d * t.p_yes_d[unasked] + (1 - p_d) * t.p_yes_not_d[unasked]
    h_yes = _entropy(1 / (1 + np.exp(-(logit + delta(yes_rows)))))
    h_no = _entropy(1 / (1 + np.exp(-(logit + delta(no_rows)))))
    gain = (_entropy(p_d) - p_yes * h_yes - (1 - p_yes) * h_no).sum(axis=1)
    ids = [f for f, u in zip(t.findings, unasked, strict=True) if u]
    return dict(zip(ids, gain.tolist(), strict=True))


def screening_questions(model: CompiledModel, case: Case, question_set: str = PATIENT,
                        skip: frozenset[str] = frozenset()) -> list[str]:
    """Red-flag screening questions still worth asking: each names a finding of a red-flag
    rule that is still undecided (neither fired nor ruled out) for this case."""
    kb = model.kb
    values = case.values()
    allowed = set(askable(model, question_set))
    open_rules = [rf for rf in kb.red_flags.values() if rf.when.evaluate(values) is None]
    open_findings = set().union(*(rf.when.findings() for rf in open_rules)) if open_rules else set()
    return [f for f in kb.screening
            if f in allowed and f not in values and f not in skip and f in open_findings]


def next_question(model: CompiledModel, case: Case, question_set: str = PATIENT,
                  skip: frozenset[str] = frozenset()) -> Question | None:
    """The next question to ask, or None when the answer is as clear as questions can make it.

    ``skip`` holds questions already answered "don't know", which are not asked again.
    """
    kb = model.kb
    screening = screening_questions(model, case, question_set, skip)
    if screening:
        f = kb.findings[screening[0]]
        return Question(f.id, f.ask or f.means or f.id, "red-flag screening", 0.0)
    gains = information_gain(model, case, question_set, skip)
    if not gains:
        return None
    best = max(gains, key=lambda k: gains[k])
    if gains[best] < MIN_GAIN_BITS:
        return None
    f = kb.findings[best]
    return Question(f.id, f.ask or f.means or f.id, "most informative", gains[best])
