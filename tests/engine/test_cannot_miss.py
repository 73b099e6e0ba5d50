"""Can't-miss: ``must_rule_out`` names the serious conditions outside the first three that a
fired red flag suspects or whose probability reaches their testing threshold, most serious
first, at most two (case format 1.1)."""

from __future__ import annotations

import json

import pytest

from hipnav.assessment import assess
from hipnav.engine import parse_case
from hipnav.knowledge.loader import KnowledgeError
from hipnav.knowledge.policy import MAX_RULE_OUT, read_policy
from hipnav.knowledge.validation import Problems
from hipnav.triage import fired_red_flags, must_rule_out
from hipnav.triage.cannot_miss import SUSPECTED
from tests.conftest import SHARED

VIGNETTES = [json.loads(line) for name in ("dev.jsonl", "dev-2.jsonl")
             for line in (SHARED / "vignettes" / name).read_text().splitlines() if line.strip()]


def _ranked(conditions, probabilities):
    return sorted(range(len(conditions)), key=probabilities.__getitem__, reverse=True)


def test_a_serious_condition_outside_the_first_three_is_named_at_its_threshold(kb):
    serious = kb.triage.cannot_miss[0]
    others = [c for c in kb.conditions if c not in {e.condition for e in kb.triage.cannot_miss}]
    conditions = [*others[:3], serious.condition]
    for p, named in ((serious.p, True), (serious.p * 0.99, False)):
        probs = [0.9, 0.8, 0.7, p]
        out = must_rule_out(kb, conditions, probs, _ranked(conditions, probs))
        assert [r.condition for r in out] == ([serious.condition] if named else [])
    (only,) = must_rule_out(kb, conditions, [0.9, 0.8, 0.7, 0.5], [0, 1, 2, 3])
    assert only.why == serious.why and only.probability == 0.5


def test_among_the_first_three_it_is_not_repeated(kb):
    serious = kb.triage.cannot_miss[0]
    conditions = [c for c in kb.conditions if c != serious.condition][:3] + [serious.condition]
    probs = [0.9, 0.8, 0.01, 0.5]  # third by probability, so already in view
    assert must_rule_out(kb, conditions, probs, _ranked(conditions, probs)) == ()


def test_most_serious_first_and_at_most_two(kb):
    listed = [e.condition for e in kb.triage.cannot_miss]
    others = [c for c in kb.conditions if c not in listed][:3]
    conditions = others + listed[::-1]  # the list's order is not the input's order
    probs = [0.99, 0.98, 0.97] + [0.9] * len(listed)
    out = must_rule_out(kb, conditions, probs, _ranked(conditions, probs))
    assert [r.condition for r in out] == listed[:MAX_RULE_OUT]


@pytest.mark.parametrize("vignette", VIGNETTES[::7], ids=lambda v: v["case"]["id"])
def test_every_result_keeps_the_rule(model, kb, vignette):
    result = assess(parse_case(vignette["case"], kb), model)
    first = {d.condition for d in result.differential[:3]}
    p = {d.condition: d.probability for d in result.differential}
    order = [e.condition for e in kb.triage.cannot_miss]
    threshold = {e.condition: e.p for e in kb.triage.cannot_miss}
    suspected = {c for f in result.red_flags for c in f.rule.suspects}
    by_flag = [c for c in order if c not in first and c in suspected]
    by_probability = [c for c in order if c not in first and c not in suspected and p[c] >= threshold[c]]
    kept = set((by_flag + by_probability)[:MAX_RULE_OUT])
    assert [r.condition for r in result.rule_out] == [c for c in order if c in kept]
    probs = [d.probability for d in result.differential]
    assert probs == sorted(probs, reverse=True)  # the differential is not reordered


def _flagged(kb, values, suspect):
    """The red flags ``values`` fire, checked to suspect ``suspect``."""
    fired = fired_red_flags(kb, values)
    assert any(suspect in f.rule.suspects for f in fired), [f.id for f in fired]
    return fired


def test_a_fired_red_flag_names_its_suspect_whatever_its_probability(kb):
    fired = _flagged(kb, {"saddle_anesthesia": True}, "cauda_equina")
    others = [c for c in kb.conditions if c not in {e.condition for e in kb.triage.cannot_miss}][:3]
    conditions = [*others, "cauda_equina"]
    probs = [0.9, 0.8, 0.7, 0.0001]  # far below its testing threshold
    assert must_rule_out(kb, conditions, probs, _ranked(conditions, probs)) == ()
    (named,) = must_rule_out(kb, conditions, probs, _ranked(conditions, probs), fired)
    assert named.condition == "cauda_equina" and named.probability == 0.0001
    assert named.why.endswith(SUSPECTED)
    # already in view among the first three: not repeated
    probs = [0.9, 0.8, 0.0, 0.7]
    assert must_rule_out(kb, conditions, probs, _ranked(conditions, probs), fired) == ()


def test_a_suspect_comes_before_a_condition_named_by_probability_alone(kb):
    listed = [e.condition for e in kb.triage.cannot_miss]
    fired = _flagged(kb, {"age": 8, "limp": True, "loc_groin": True}, "pediatric_hip")
    assert {c for f in fired for c in f.rule.suspects} == {"pediatric_hip"}
    assert listed.index("pediatric_hip") >= MAX_RULE_OUT  # probability alone would not name it
    others = [c for c in kb.conditions if c not in listed][:3]
    conditions = others + listed
    probs = [0.99, 0.98, 0.97] + [0.5] * len(listed)  # every one over its threshold
    out = must_rule_out(kb, conditions, probs, _ranked(conditions, probs), fired)
    assert [r.condition for r in out] == [listed[0], "pediatric_hip"]  # still most serious first
    assert SUSPECTED not in out[0].why and out[1].why.endswith(SUSPECTED)


def test_a_red_flag_can_only_suspect_a_cant_miss_condition(tmp_path):
    import shutil

    from hipnav.knowledge import load
    from tests.conftest import TINY_KB

    root = tmp_path / "kb"
    shutil.copytree(TINY_KB, root)
    rules = root / "red_flags" / "r.yaml"
    rules.write_text(rules.read_text().replace("    urgency: emergency\n", "    urgency: emergency\n    suspects: [nope]\n", 1))
    with pytest.raises(KnowledgeError, match=r"red_flags.*suspects 'nope', which is not a can't-miss condition"):
        load(root)


def test_the_shipped_list_names_the_serious_conditions(kb):
    listed = {e.condition for e in kb.triage.cannot_miss}
    emergencies_and_urgent = {c.id for c in kb.conditions.values() if c.typical_urgency in ("emergency", "urgent")}
    assert emergencies_and_urgent <= listed
    assert all(e.provenance.source or e.provenance.estimate for e in kb.triage.cannot_miss)


@pytest.mark.parametrize(("entry", "message"), [
    ({"condition": "nope", "p": 0.1, "why": "a reason long enough", "estimate": "x"}, "known 'condition'"),
    ({"condition": "alpha", "p": 1.5, "why": "a reason long enough", "estimate": "x"}, "testing threshold"),
    ({"condition": "alpha", "p": 0.1, "estimate": "x"}, "plain-language 'why'"),
    ({"condition": "alpha", "p": 0.1, "why": "a reason long enough"}, "exactly one of 'source'"),
])
def test_a_bad_entry_is_reported_with_where_it_is(entry, message):
    problems = Problems()
    read_policy({"thresholds": {}, "cannot_miss": [entry]}, {"urgent"}, {"alpha"}, problems, set())
    assert any("cannot_miss[0]" in p and message in p for p in problems.items), problems.items


def test_the_knowledge_base_refuses_a_bad_list(tmp_path):
    import shutil

    from hipnav.knowledge import load
    from tests.conftest import TINY_KB

    root = tmp_path / "kb"
    shutil.copytree(TINY_KB, root)
    with (root / "triage.yaml").open("a") as f:
        f.write("cannot_miss:\n  - {condition: nope, p: 0.1, why: 'a reason long enough here', estimate: x}\n")
    with pytest.raises(KnowledgeError, match="cannot_miss"):
        load(root)
