"""Three-valued predicates: unknown is never false."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hipnav.knowledge.predicate import Passes, PredicateError, parse, shows

FEVER = {"finding": "fever", "is": True}
OLD = {"finding": "age", "gte": 65}


@pytest.mark.parametrize(
    ("raw", "values", "expected"),
    [
        (FEVER, {}, None),
        (FEVER, {"fever": True}, True),
        (FEVER, {"fever": False}, False),
        (OLD, {"age": 65}, True),
        (OLD, {"age": 64.9}, False),
        (OLD, {}, None),
        ({"all": [FEVER, OLD]}, {"fever": True}, None),
        ({"all": [FEVER, OLD]}, {"fever": False}, False),  # one false part settles "all"
        ({"all": [FEVER, OLD]}, {"fever": True, "age": 70}, True),
        ({"any": [FEVER, OLD]}, {"age": 70}, True),  # one true part settles "any"
        ({"any": [FEVER, OLD]}, {"age": 20}, None),
        ({"any": [FEVER, OLD]}, {"age": 20, "fever": False}, False),
        ({"not": FEVER}, {}, None),
        ({"not": FEVER}, {"fever": False}, True),
        ({"finding": "sex", "is": "female"}, {"sex": "female"}, True),
        ({"finding": "sex", "is": "female"}, {"sex": "male"}, False),
        ({"finding": "lab_crp_mg_l", "gt": 20}, {"lab_crp_mg_l": 20.0}, False),
        # is_not: two-valued, so a missing answer lets a safety rule fire
        ({"finding": "fever", "is_not": True}, {}, True),
        ({"finding": "fever", "is_not": True}, {"fever": False}, True),
        ({"finding": "fever", "is_not": True}, {"fever": True}, False),
        ({"all": [OLD, {"finding": "fever", "is_not": True}]}, {"age": 70}, True),
    ],
)
def test_three_valued_logic(raw, values, expected):
    assert parse(raw, "test").evaluate(values) is expected


@pytest.mark.parametrize(
    "raw",
    [[], {"all": []}, {"all": FEVER}, {"finding": "fever"}, {"finding": "age", "gte": "old"},
     {"finding": "age", "gte": 1, "lt": 5}, {"not": FEVER, "extra": 1}, {"whatever": 1},
     {"finding": "fever", "is": True, "is_not": False}],
)
def test_malformed_predicates_are_refused(raw):
    with pytest.raises(PredicateError):
        parse(raw, "rule x")


@pytest.mark.parametrize(
    ("raw", "triggers"),
    [
        (FEVER, {("fever", True)}),
        (OLD, {("age", Passes("gte", 65.0))}),
        ({"all": [FEVER, OLD]}, {("fever", True)}),  # either part's triggers will do
        ({"any": [FEVER, OLD]}, {("fever", True), ("age", Passes("gte", 65.0))}),
        ({"all": [{"any": [FEVER, OLD]}, {"finding": "age", "lt": 90}]}, {("age", Passes("lt", 90.0))}),
        ({"any": [FEVER, {"not": OLD}]}, None),  # "not" can be true with nothing reported
        ({"all": [{"not": OLD}, FEVER]}, {("fever", True)}),
        ({"not": FEVER}, None),
        ({"finding": "fever", "is_not": True}, None),
    ],
)
def test_triggers_list_what_a_case_must_report_for_it_to_be_true(raw, triggers):
    got = parse(raw, "test").triggers
    assert (None if got is None else set(got)) == triggers


VALUES = st.dictionaries(
    st.sampled_from(["fever", "age", "sex"]),
    st.one_of(st.booleans(), st.integers(0, 100), st.sampled_from(["female", "male"])),
)
PREDICATES = st.recursive(
    st.sampled_from([FEVER, OLD, {"finding": "sex", "is": "female"}, {"finding": "fever", "is_not": False},
                     {"finding": "age", "lt": 18}]),
    lambda inner: st.one_of(
        st.lists(inner, min_size=1, max_size=3).map(lambda xs: {"all": xs}),
        st.lists(inner, min_size=1, max_size=3).map(lambda xs: {"any": xs}),
        inner.map(lambda x: {"not": x}),
    ),
    max_leaves=6,
)


@given(PREDICATES, VALUES)
def test_a_true_predicate_always_shows_one_of_its_triggers(raw, values):
    """What lets red-flag evaluation skip rules: never skip one that would fire."""
    p = parse(raw, "test")
    if p.evaluate(values) is True and p.triggers is not None:
        assert any(f in values and shows(v, values[f]) for f, v in p.triggers)


@given(PREDICATES, VALUES)
def test_a_true_predicate_shows_one_trigger_of_each_of_its_trigger_lists(raw, values):
    """What lets red-flag evaluation skip a rule unless every part of it is shown."""
    p = parse(raw, "test")
    if p.evaluate(values) is True and p.trigger_sets is not None:
        for triggers in p.trigger_sets:
            assert any(f in values and shows(v, values[f]) for f, v in triggers)


def test_trigger_lists_of_all_are_each_parts_own():
    p = parse({"all": [FEVER, OLD, {"not": FEVER}]}, "test")
    assert p.trigger_sets == (frozenset({("fever", True)}), frozenset({("age", Passes("gte", 65.0))}))
    assert parse(FEVER, "test").trigger_sets == (frozenset({("fever", True)}),)
    assert parse({"not": FEVER}, "test").trigger_sets is None
