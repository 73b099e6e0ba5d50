"""Three-valued predicates: unknown is never false."""

from __future__ import annotations

import pytest

from hipnav.knowledge.predicate import PredicateError, parse

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
    ("raw", "required"),
    [
        (FEVER, {"fever"}),
        ({"all": [FEVER, OLD]}, {"fever", "age"}),
        ({"any": [FEVER, OLD]}, set()),
        ({"any": [{"all": [FEVER, OLD]}, FEVER]}, {"fever"}),
        ({"not": FEVER}, set()),
        ({"finding": "fever", "is_not": True}, set()),
        ({"all": [OLD, {"finding": "fever", "is_not": True}]}, {"age"}),
    ],
)
def test_required_findings_are_those_without_which_it_cannot_be_true(raw, required):
    assert parse(raw, "test").required_findings == required
