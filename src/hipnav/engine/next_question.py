"""Which question to ask next: red-flag screening first, then the unasked finding with the
highest expected information gain over the differential.

Information gain is the expected fall in the summed binary entropy of the conditions'
posteriors (each condition is its own variable, so the differential's entropy is the sum of
the conditions' entropies), i.e. the sum over conditions of the mutual information between
the answer and the condition. Cluster rules are left out of this look-ahead.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hipnav.engine.case import Case
from hipnav.engine.model import CompiledModel, FloatArray, StateKey, compiled
from hipnav.engine.posterior import encode, evidence_groups, logits
from hipnav.knowledge.asked_when import not_asked, question_text
from hipnav.knowledge.model import KnowledgeBase

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
    yes_rows: np.ndarray  # [findings]: the state of each answer
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


def question_tables(kb: KnowledgeBase) -> dict[str, _Tables]:
    """The tables of both question sets, made once (see ``KnowledgeBase.derived``)."""
    model = compiled(kb)
    return {question_set: _tables(model, question_set) for question_set in (PATIENT, CLINICIAN)}


def _tables(model: CompiledModel, question_set: str) -> _Tables:
    """P(yes | d) and P(yes | not d) for every askable question and condition.

    Taken from sensitivity and specificity where the knowledge base gives them; otherwise
    solved from the two likelihood ratios (exact when LR+ > 1 > LR- or the reverse); where
    only one direction is informative, from ``BASE_RATE`` and that LR.
    """
    ids = askable(model, question_set)
    yes = np.array([model.index[StateKey(f, "yes")] for f in ids], dtype=np.intp)
    no = np.array([model.index[StateKey(f, "no")] for f in ids], dtype=np.intp)
    lr_y, lr_n = np.exp(model.log_lr[yes]), np.exp(model.log_lr[no])
    q = BASE_RATE
    with np.errstate(divide="ignore", invalid="ignore"):
        solved_b = (1 - lr_n) / (lr_y - lr_n)
    both = ((lr_y > 1) & (lr_n < 1)) | ((lr_y < 1) & (lr_n > 1))
    b = np.where(both, solved_b, q)
    a = np.where(both, lr_y * solved_b,
                 np.where(lr_n == 1, q * lr_y, 1 - lr_n * (1 - q)))
    a, b = np.clip(a, 0.001, 0.999), np.clip(b, 0.001, 0.999)
    col = {c: j for j, c in enumerate(model.conditions)}
    for i, fid in enumerate(ids):
        for cond in model.kb.conditions.values():
            for ev in cond.evidence:
                if ev.finding == fid and ev.sens is not None and ev.spec is not None:
                    a[i, col[cond.id]] = ev.sens
                    b[i, col[cond.id]] = 1 - ev.spec
    return _Tables(ids, yes, no, a, b)


def _entropy(p: FloatArray) -> FloatArray:
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return -(p * np.log2(p) + (1 - p) * np.log2(1 - p))


def information_gain(model: CompiledModel, case: Case, question_set: str = PATIENT,
                     skip: frozenset[str] = frozenset()) -> dict[str, float]:
    """Expected information gain (bits) of every unasked yes/no question not in ``skip``.

    For each condition, the mutual information between the answer and the condition under
    the predictive model of :func:`_tables` (never negative), scaled by the share of the
    answer's evidence the family rule would still let count given what is already known
    (a second test of a family already answered adds little or nothing).
    """
    t = model.kb.derived(question_tables)[question_set]
    values = case.values()
    skip = skip | not_asked(model.kb, values)
    unasked = np.array([f not in values and f not in skip for f in t.findings])
    if not unasked.any():
        return {}
    rows = encode(model, values)
    log_lr = model.log_lr
    logit = logits(model, case, evidence_groups(model, rows))
    cur_pos: dict[int, FloatArray] = {}
    cur_neg: dict[int, FloatArray] = {}
    for r in rows:  # each family's strongest evidence so far, in each direction
        g = model.group[r]
        cur_pos[g] = np.maximum(cur_pos.get(g, 0.0), log_lr[r])
        cur_neg[g] = np.minimum(cur_neg.get(g, 0.0), log_lr[r])

    yes_rows, no_rows = t.yes_rows[unasked], t.no_rows[unasked]
    raw = np.abs(log_lr[yes_rows]) + np.abs(log_lr[no_rows])
    effective = raw.copy()
    for i, (ry, rn) in enumerate(zip(yes_rows, no_rows, strict=True)):
        g = model.group[ry]
        if g in cur_pos:
            dy = (np.maximum(cur_pos[g], log_lr[ry]) - cur_pos[g]
                  + np.minimum(cur_neg[g], log_lr[ry]) - cur_neg[g])
            dn = (np.maximum(cur_pos[g], log_lr[rn]) - cur_pos[g]
                  + np.minimum(cur_neg[g], log_lr[rn]) - cur_neg[g])
            effective[i] = np.abs(dy) + np.abs(dn)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(raw > 0, effective / raw, 0.0)

    p_d = 1 / (1 + np.exp(-logit))
    a, b = t.p_yes_d[unasked], t.p_yes_not_d[unasked]
    p_yes = p_d * a + (1 - p_d) * b
    mutual = _entropy(p_yes) - p_d * _entropy(a) - (1 - p_d) * _entropy(b)
    gain = (np.maximum(mutual, 0.0) * share).sum(axis=1)
    ids = [f for f, u in zip(t.findings, unasked, strict=True) if u]
    return dict(zip(ids, gain.tolist(), strict=True))


def screening_questions(model: CompiledModel, case: Case, question_set: str = PATIENT,
                        skip: frozenset[str] = frozenset()) -> list[str]:
    """Red-flag screening questions still worth asking: each names a finding of a red-flag
    rule that is still undecided (neither fired nor ruled out) for this case, and applies to
    the person (``asked_when.yaml``) and to the safety screen for them (``screening.yaml``:
    a limp only in a child or after an injury)."""
    kb = model.kb
    values = case.values()
    skip = skip | not_asked(kb, values)
    allowed = set(askable(model, question_set))
    open_rules = [rf for rf in kb.red_flags.values() if rf.when.evaluate(values) is None]
    open_findings = set().union(*(rf.when.findings() for rf in open_rules)) if open_rules else set()
    return [f for f in kb.screening
            if f in allowed and f not in values and f not in skip and f in open_findings
            and ((rule := kb.screening_unless.get(f)) is None or rule.evaluate(values) is not True)]


def next_question(model: CompiledModel, case: Case, question_set: str = PATIENT,
                  skip: frozenset[str] = frozenset()) -> Question | None:
    """The next question to ask, or None when the answer is as clear as questions can make it.

    ``skip`` holds questions already answered "don't know", which are not asked again.
    """
    kb = model.kb
    screening = screening_questions(model, case, question_set, skip)
    if screening:
        first = screening[0]
        return Question(first, question_text(kb, first, case.values()), "red-flag screening", 0.0)
    gains = information_gain(model, case, question_set, skip)
    if not gains:
        return None
    best = max(gains, key=lambda k: gains[k])
    if gains[best] < MIN_GAIN_BITS:
        return None
    return Question(best, question_text(kb, best, case.values()), "most informative", gains[best])
