"""Explanations: what the table made once per model gives is what working each contribution
out from the knowledge base gives, for every state of every case, in every setting."""

from __future__ import annotations

import math
import random
from typing import Any

from hipnav.assessment import assess
from hipnav.engine import Contribution, encode, explain, parse_case
from hipnav.engine.explanation import explain_many
from hipnav.engine.model import CompiledModel
from hipnav.engine.posterior import setting_row
from hipnav.knowledge.model import KnowledgeBase
from tests.engine.random_cases import random_raw_case


def reference_contributions(model: CompiledModel, case: Any, condition: str) -> list[tuple[Any, ...]]:
    """The explanation worked out from scratch: every state of the case looked at."""
    kb = model.kb
    j = model.conditions.index(condition)
    setting_index = setting_row(model, case.setting)
    rows = encode(model, case.values())
    weight = [float(w) for w in model.log_lr[:, j]]
    by_group: dict[int, list[int]] = {}
    for r in rows:
        by_group.setdefault(model.group[r], []).append(r)
    out: list[tuple[Any, ...]] = []
    for members in by_group.values():
        best_pos = max(members, key=weight.__getitem__)
        best_neg = min(members, key=weight.__getitem__)
        for r in members:
            key = model.states[r]
            w = weight[r]
            if key.is_cluster:
                cl = kb.clusters[key.finding]
                if condition in cl.conditions:
                    out.append((cl.id, key.state, w, True, cl.provenance_for(int(key.state)),
                                f"{key.state} of {len(cl.criteria)} criteria met", True))
                continue
            ev = model.evidence.get((condition, key.finding))
            if key.finding == "age" and ev is not None:
                shift = w - float(model.age_log_norm[setting_index, j])
                if abs(shift) > 1e-12:
                    name = kb.settings[model.settings[setting_index]].lower()
                    out.append(("age", key.state, shift, True, ev.provenance,
                                f"compared with everyone of any age seen in {name}", False))
                continue
            if ev is None or ev.lr.get(key.state, 1.0) == 1.0:
                continue
            note = None
            counted = (w > 0 and r == best_pos) or (w < 0 and r == best_neg)
            if w == 0.0:
                note = "counted within the " + ", ".join(sorted(key.masked_by)) + " rule"
            elif not counted:
                stronger = model.states[best_pos if w > 0 else best_neg].finding
                note = f"overlaps with {stronger} (same family of findings), counted once"
            out.append((key.finding, key.state, w if counted else math.log(ev.lr[key.state]), counted,
                        ev.provenance, note, False))
    out.sort(key=lambda c: (not c[3], -abs(c[2])))
    return out


def _fields(c: Contribution) -> tuple[Any, ...]:
    return (c.finding, c.state, c.log_lr, c.counted, c.provenance, c.note, c.is_cluster)


def test_explanations_are_the_contributions_worked_out_from_scratch(model: CompiledModel,
                                                                    kb: KnowledgeBase) -> None:
    rng = random.Random(11)
    for _ in range(150):
        case = parse_case(random_raw_case(kb, rng), kb)
        result = assess(case, model)
        conditions = [d.condition for d in result.differential[: rng.randint(1, 6)]]
        many = result.explain_many(conditions)
        for condition, expl in zip(conditions, many, strict=True):
            assert [_fields(c) for c in expl.contributions] == reference_contributions(model, case, condition)
            assert explain(model, case, condition).contributions == expl.contributions
            prior = kb.conditions[condition].priors[case.setting or kb.default_setting]
            assert (expl.prior, expl.prior_provenance) == (prior.p, prior.provenance)


def test_explanations_on_the_tiny_knowledge_base_too(tiny_model: CompiledModel, tiny_kb: KnowledgeBase) -> None:
    rng = random.Random(3)
    for _ in range(100):
        case = parse_case(random_raw_case(tiny_kb, rng), tiny_kb)
        for condition in tiny_model.conditions:
            expected = reference_contributions(tiny_model, case, condition)
            assert [_fields(c) for c in explain(tiny_model, case, condition).contributions] == expected


def test_no_condition_asked_means_none_explained(model: CompiledModel, kb: KnowledgeBase) -> None:
    case = parse_case({"findings": {"loc_buttock": True}}, kb)
    assert explain_many(model, case, []) == ()


def test_contributions_are_one_object_each(model: CompiledModel, kb: KnowledgeBase) -> None:
    """The same contribution is the same object in every case (its words are made once)."""
    case = parse_case({"findings": {"loc_buttock": True, "loc_ischial": True, "agg_sitting": True}}, kb)
    first = explain(model, case, "deep_gluteal").contributions
    again = explain(model, case, "deep_gluteal").contributions
    assert first and all(a is b for a, b in zip(first, again, strict=True))
