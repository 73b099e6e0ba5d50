"""The request path's shortcuts give exactly what the plain algorithms give.

Explanations come from a table built once per model, a family's combinations are
remembered, valid findings take a one-look-up path through ``parse_case``, and the
differential is rounded without ``round``. Each is checked here against the plain
algorithm it replaces (written out below as the reference), on the shipped knowledge base
and on many random cases, including the corners: families, cluster rules, age in every
setting, null values, near-tie probabilities.
"""

from __future__ import annotations

import math
import random
from typing import Any

import numpy as np
import pytest

from hipnav.assessment import _differential, assess
from hipnav.engine import Contribution, encode, explain, parse_case
from hipnav.engine.case import DEMOGRAPHICS
from hipnav.engine.explanation import build_table, explain_many, order_key
from hipnav.engine.model import CompiledModel, StateKey, cluster_count
from hipnav.engine.posterior import (
    encode_case,
    log_odds_shift,
    prior_row,
    probabilities,
    score_rows,
    setting_row,
)
from hipnav.knowledge.model import KnowledgeBase


def reference_contributions(model: CompiledModel, case: Any, condition: str) -> list[tuple[Any, ...]]:
    """The explanation as first written: every state looked at for every condition."""
    kb = model.kb
    j = model.conditions.index(condition)
    setting_index = setting_row(model, case.setting)
    rows = encode(model, case.values())
    weight = model.log_lr_columns[j]
    by_group: dict[int, list[int]] = {}
    for r in rows:
        by_group.setdefault(model.group_list[r], []).append(r)
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


def random_raw_case(kb: KnowledgeBase, rng: random.Random) -> dict[str, Any]:
    """A valid case with up to 60 findings in random order, some given as null."""
    ids = [f for f in kb.findings if f not in DEMOGRAPHICS]
    findings: dict[str, Any] = {}
    for fid in rng.sample(ids, rng.randint(0, min(60, len(ids)))):
        f = kb.findings[fid]
        if f.type == "bool":
            findings[fid] = rng.random() < 0.4
        elif f.type == "number":
            lo = f.min if f.min is not None else 0.0
            hi = f.max if f.max is not None else 100.0
            findings[fid] = rng.choice([lo, hi, int(rng.uniform(lo, hi)), round(rng.uniform(lo, hi), 1)])
        if rng.random() < 0.03:
            findings[fid] = None
    raw: dict[str, Any] = {"findings": findings}
    if rng.random() < 0.8:
        raw["age"] = rng.randint(0, 120)
    if rng.random() < 0.8:
        raw["sex"] = rng.choice(["female", "male"])
    if rng.random() < 0.8:
        raw["setting"] = rng.choice(list(kb.settings))
    return raw


def test_explanations_are_the_reference_algorithms_on_random_cases(model: CompiledModel,
                                                                    kb: KnowledgeBase) -> None:
    rng = random.Random(11)
    for _ in range(150):
        case = parse_case(random_raw_case(kb, rng), kb)
        result = assess(case, model)
        conditions = [d.condition for d in result.differential[: rng.randint(1, 6)]]
        many = result.explain_many(conditions)
        for condition, expl in zip(conditions, many, strict=True):
            expected = reference_contributions(model, case, condition)
            assert [_fields(c) for c in expl.contributions] == expected
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


def test_no_condition_asked_means_no_work(model: CompiledModel, kb: KnowledgeBase) -> None:
    case = parse_case({"findings": {"loc_buttock": True}}, kb)
    assert explain_many(model, case, []) == ()


def test_remembered_family_combinations_are_bounded(model: CompiledModel,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("hipnav.engine.explanation._MAX_REMEMBERED", 2)
    table = build_table(model)  # a fresh table, nothing remembered yet
    family = next(f for f in range(len(model.family_ids)) if model.group_list.count(f) >= 3)
    states = [r for r, g in enumerate(model.group_list) if g == family]
    pairs = [(a, b) for a in states for b in states if a != b]
    first = [table.family(pair, 0) for pair in pairs]
    assert len(table.families[0]) == 2 < len(pairs)
    assert [table.family(pair, 0) for pair in pairs] == first  # the same answer, remembered or not


def test_contributions_are_one_object_each(model: CompiledModel, kb: KnowledgeBase) -> None:
    case = parse_case({"findings": {"loc_buttock": True, "loc_ischial": True, "agg_sitting": True}}, kb)
    first = explain(model, case, "deep_gluteal").contributions
    again = explain(model, case, "deep_gluteal").contributions
    assert all(a is b for a, b in zip(first, again, strict=True))


# -- the differential's rounding ----------------------------------------------------------

def test_rounding_is_round_to_six_decimals_exactly() -> None:
    rng = random.Random(2)
    values = [rng.random() ** rng.randint(1, 8) for _ in range(100_000)]
    values += [k / 1e6 + 5e-7 for k in range(0, 1_000_000, 997)]  # exact-looking ties
    values += [(k + 0.5) / 1e6 for k in range(0, 1_000_000, 991)]
    values += [0.0, 1.0, 5e-7, 1.5e-6, 2.5e-6, 0.9999995, 1e-300, -0.0, 1.0000001, -1e-9, 2.0]
    ids = [str(i) for i in range(len(values))]
    got = _differential(ids, values, range(len(values)))
    for entry, v in zip(got, values, strict=True):
        assert entry["probability"] == round(v, 6) and str(entry["probability"]) == str(round(v, 6)), v


# -- the ranking and the urgency's wording ------------------------------------------------

def test_ranking_is_the_stable_sort_on_minus_p_with_ties(model: CompiledModel, kb: KnowledgeBase) -> None:
    """The reverse sort on p is the stable sort on -p as first written: ties (common when a
    case says little) stay in ``model.conditions`` order."""
    rng = random.Random(17)
    cases = [parse_case(random_raw_case(kb, rng), kb) for _ in range(200)]
    cases += [parse_case({"findings": {}}, kb), parse_case({"findings": {}, "age": 30}, kb)]
    for case in cases:
        result = assess(case, model)
        probs = list(result.probabilities)
        assert result.ranking == tuple(sorted(range(len(probs)), key=[-p for p in probs].__getitem__))
        levels = [u for u in kb.urgency_levels if u.id == result.urgency.level]
        assert result.urgency.means == levels[0].means
    # and ties for certain, with made-up probabilities
    probs = [0.5, 0.2, 0.5, 0.2, 0.9, 0.5]
    assert sorted(range(6), key=probs.__getitem__, reverse=True) == \
        sorted(range(6), key=[-p for p in probs].__getitem__)


# -- posteriors from the negated, prior-stacked scores -------------------------------------

@pytest.mark.parametrize("which", ["shipped", "tiny"])
def test_probabilities_are_the_plain_formula_bit_for_bit(which: str, model: CompiledModel, kb: KnowledgeBase,
                                                         tiny_model: CompiledModel, tiny_kb: KnowledgeBase) -> None:
    """``probabilities`` sums negated rows with the prior row last; the plain formula is
    ``1 / (1 + exp(-(prior + sum of rows)))``. They must agree to the last bit."""
    m, k = (model, kb) if which == "shipped" else (tiny_model, tiny_kb)
    rng = random.Random(23)
    cases = [parse_case(random_raw_case(k, rng), k) for _ in range(300)]
    cases.append(parse_case({"findings": {}}, k))
    for case in cases:
        states, rows = encode_case(m, case.values())
        plain = 1.0 / (1.0 + np.exp(-(m.prior_logit[prior_row(m, case)] + log_odds_shift(m, states))))
        assert np.array(probabilities(m, case, states)).tobytes() == plain.tobytes()
        assert np.array(probabilities(m, case, rows=rows)).tobytes() == plain.tobytes()
        assert np.array(probabilities(m, case)).tobytes() == plain.tobytes()


# -- encoding: states and scoring rows in one pass ----------------------------------------

def reference_encode(model: CompiledModel, values: dict[str, Any]) -> list[int]:
    """The evidence states as first written: each value's state by ``Finding.state_of``."""
    kb = model.kb
    live: dict[str, int] = {}
    for fid in values:
        for cl_id in model.clusters_of.get(fid, ()):
            if cl_id not in live:
                n = cluster_count(kb.clusters[cl_id], values)
                live[cl_id] = -1 if n is None else n
    states = []
    for fid, value in values.items():
        masked = frozenset(c for c in model.clusters_of.get(fid, ()) if live.get(c, -1) >= 0
                           and fid in kb.clusters[c].findings)
        states.append(model.index[StateKey(fid, kb.findings[fid].state_of(value), masked)])
    for cl_id, n in sorted(live.items()):
        if n >= 0:
            states.append(model.index[StateKey(cl_id, str(n), is_cluster=True)])
    return states


@pytest.mark.parametrize("which", ["shipped", "tiny"])
def test_encoding_is_the_plain_states_and_score_rows(which: str, model: CompiledModel, kb: KnowledgeBase,
                                                     tiny_model: CompiledModel, tiny_kb: KnowledgeBase) -> None:
    """``encode_case`` finds a yes/no state by look-up, a number's by bisection and a
    family's row by its key: the states ``state_of`` gives, and exactly ``score_rows`` of them
    (same rows, same order, so the same sums)."""
    m, k = (model, kb) if which == "shipped" else (tiny_model, tiny_kb)
    rng = random.Random(41)
    for _ in range(1500):
        values = parse_case(random_raw_case(k, rng), k).values()
        states, rows = encode_case(m, values)
        assert states == reference_encode(m, values)
        assert rows == score_rows(m, states)


def test_a_numbers_band_by_bisection_is_the_first_band_containing_it(model: CompiledModel,
                                                                      kb: KnowledgeBase) -> None:
    rng = random.Random(43)
    assert model.number_states.keys() == {f.id for f in kb.findings.values() if f.type == "number"}
    for fid, (bisect, cuts, states) in model.number_states.items():
        finding = kb.findings[fid]
        xs = [rng.uniform(-10, 200) for _ in range(300)]
        xs += [y for c in cuts for y in (c, math.nextafter(c, -math.inf), math.nextafter(c, math.inf))]
        for x in xs:
            band = next((b.id for b in finding.bands if b.contains(x)), None)
            if band is not None:
                assert states[bisect(cuts, x)] == model.plain_states[fid, band], (fid, x)


def test_bands_that_do_not_follow_each_other_are_not_cut() -> None:
    from hipnav.engine.model import _cuts
    from hipnav.knowledge.model import Band

    assert _cuts((Band("a", lt=1), Band("b", gte=1, lt=2), Band("c", gte=2))) == ((1.0, 2.0), False)
    assert _cuts((Band("a", lte=1), Band("b", gt=1))) == ((1.0,), True)
    assert _cuts((Band("a", lt=1), Band("b", gt=1))) == (None, False)  # 1 is in no band
    assert _cuts((Band("a", lt=1), Band("b", gte=2))) == (None, False)  # a gap
    assert _cuts((Band("a", lt=2), Band("b", gte=1))) == (None, False)  # an overlap
    assert _cuts((Band("a", gte=0, lt=1), Band("b", gte=1))) == (None, False)  # closed below
    assert _cuts((Band("a", lt=1), Band("b", gte=1, lte=3))) == (None, False)  # closed above
    assert _cuts((Band("a", lt=2), Band("b", gte=2, lt=1), Band("c", gte=1))) == (None, False)


def test_order_key_orders_as_the_tuple_it_replaces() -> None:
    """``order_key(counted, w)`` compares as ``(not counted, -abs(w))``: same order, same ties."""
    rng = random.Random(29)
    weights = [rng.uniform(-8, 8) for _ in range(300)] + [0.0, -0.0, 1e-300, -1e-300, 5.0, -5.0, 1e300]
    weights += [math.nextafter(5.0, 6.0), math.nextafter(5.0, 4.0)]
    pairs = [(rng.random() < 0.5, w) for w in weights for _ in range(2)]
    for a in pairs:
        for b in rng.sample(pairs, 40):
            ta, tb = (not a[0], -abs(a[1])), (not b[0], -abs(b[1]))
            ka, kb_ = order_key(*a), order_key(*b)
            assert (ka < kb_, ka == kb_) == (ta < tb, ta == tb), (a, b)


# -- red flags through the trigger index --------------------------------------------------

def test_red_flags_through_the_index_are_every_rule_evaluated(kb: KnowledgeBase) -> None:
    """The index (values and comparisons a case must show) only skips rules that cannot fire:
    the same flags, in the same order, as evaluating every rule."""
    from hipnav.triage import fired_red_flags

    rng = random.Random(31)
    fired_somewhere = 0
    for _ in range(1500):
        case = parse_case(random_raw_case(kb, rng), kb)
        values = case.values()
        plain = [rf.id for rf in kb.red_flags.values() if rf.when.evaluate(values) is True]  # type: ignore[arg-type]
        plain.sort(key=lambda i: -kb.urgency_rank(kb.red_flags[i].urgency))
        got = [f.id for f in fired_red_flags(kb, values)]
        assert got == plain
        fired_somewhere += bool(got)
    assert fired_somewhere > 100  # the cases do reach the rules


# -- the API's explanations as bytes ------------------------------------------------------

def test_explanations_json_is_the_causes_encoded(model: CompiledModel, kb: KnowledgeBase) -> None:
    """The API writes each cause as prebuilt bytes joined: exactly the plain ``Cause.to_json``
    encoded, whose reasons are each contribution worded (the explanation's own order)."""
    import msgspec

    from hipnav.web.report import _reason, assessment_json, explain_causes, source_of

    encode = msgspec.json.encode
    rng = random.Random(37)
    for _ in range(150):
        case = parse_case(random_raw_case(kb, rng), kb)
        result = assess(case, model)
        for n in (0, 1, 3, rng.randint(4, 12), None):
            causes = explain_causes(result, n)
            expected = [c.to_json() for c in causes]
            assert encode(assessment_json(result, n)["explanations"]) == encode(expected)
            for cause, expl in zip(causes, result.explain_many([c.condition for c in causes]), strict=True):
                assert cause.reasons == tuple(_reason(kb, c) for c in expl.contributions)
                assert (cause.prior, cause.prior_source) == (expl.prior, source_of(kb, expl.prior_provenance))
