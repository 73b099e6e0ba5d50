"""Property tests (hypothesis) on the shipped knowledge base."""

from __future__ import annotations

import random

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from hipnav.assessment import assess, default_model
from hipnav.engine import parse_case, probabilities

MODEL = default_model()
KB = MODEL.kb
BOOL_FINDINGS = sorted(f.id for f in KB.findings.values() if f.type == "bool")
NUMERIC = {f.id: f for f in KB.findings.values() if f.type == "number" and f.group != "demographics"}


@st.composite
def cases(draw):
    chosen = draw(st.lists(st.sampled_from(BOOL_FINDINGS), unique=True, max_size=15))
    findings = {f: draw(st.booleans()) for f in chosen}
    for fid in draw(st.lists(st.sampled_from(sorted(NUMERIC)), unique=True, max_size=3)):
        f = NUMERIC[fid]
        findings[fid] = draw(st.floats(min_value=f.min, max_value=f.max, allow_nan=False))
    raw = {"findings": findings}
    if draw(st.booleans()):
        raw["age"] = draw(st.integers(0, 120))
    if draw(st.booleans()):
        raw["sex"] = draw(st.sampled_from(["female", "male"]))
    raw["setting"] = draw(st.sampled_from(sorted(KB.settings)))
    return raw


@settings(max_examples=150, deadline=None)
@given(cases(), st.sampled_from(BOOL_FINDINGS), st.randoms())
def test_a_finding_with_lr_above_one_never_lowers_that_condition(raw, fid, rnd):
    raw["findings"].pop(fid, None)
    for implied_by in KB.findings.values():  # keep the case consistent with implications
        if fid in implied_by.implies:
            raw["findings"].pop(implied_by.id, None)
    before_case = parse_case(raw, KB)
    before = probabilities(MODEL, before_case)
    after_case = parse_case({**raw, "findings": {**raw["findings"], fid: True}}, KB)
    after = probabilities(MODEL, after_case)
    for j, cond in enumerate(MODEL.conditions):
        ev = next((e for e in KB.conditions[cond].evidence if e.finding == fid), None)
        # (findings that imply others, or feed a cluster rule, act jointly and are excluded)
        if (ev is not None and ev.lr.get("yes", 1.0) > 1.0 and not KB.findings[fid].implies
                and not any(fid in named for named in MODEL.cluster_findings.values())):
            assert after[j] >= before[j] - 1e-12, (cond, fid)


@settings(max_examples=100, deadline=None)
@given(cases(), st.randoms())
def test_order_of_findings_never_changes_results(raw, rnd: random.Random):
    items = list(raw["findings"].items())
    rnd.shuffle(items)
    a = np.array(probabilities(MODEL, parse_case(raw, KB)))
    b = np.array(probabilities(MODEL, parse_case({**raw, "findings": dict(items)}, KB)))
    assert (a == b).all() or abs(a - b).max() < 1e-12


@settings(max_examples=150, deadline=None)
@given(cases())
def test_a_fired_red_flag_always_sets_at_least_its_urgency(raw):
    result = assess(parse_case(raw, KB), MODEL)
    for flag in result.red_flags:
        assert KB.urgency_rank(result.urgency.level) >= KB.urgency_rank(flag.urgency)


@settings(max_examples=100, deadline=None)
@given(cases())
def test_missing_findings_change_nothing(raw):
    """Adding explicit nulls (unknown) must give exactly the same result."""
    with_nulls = {**raw, "findings": {**raw["findings"], **{f: None for f in BOOL_FINDINGS[:20]
                                                            if f not in raw["findings"]}}}
    a = probabilities(MODEL, parse_case(raw, KB))
    b = probabilities(MODEL, parse_case(with_nulls, KB))
    assert a.tobytes() == b.tobytes()
