"""``parse_case``: the one validation of a case, for the command line, the API, the pages and
the clinic. Whatever it is given, it returns a case or refuses with a ``BadInput`` naming the
field: never another exception (which an interface would turn into a 500 or a traceback)."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hipnav.bad_input import BadInput
from hipnav.engine import parse_case
from hipnav.knowledge.model import KnowledgeBase


@pytest.mark.parametrize("fid, value, expected", [
    ("fever", True, True), ("fever", False, False), ("fever", None, None),
    ("duration_weeks", 3, 3.0), ("duration_weeks", 0, 0.0), ("duration_weeks", 5200, 5200.0),
    ("duration_weeks", -0.0, 0.0), ("pain_severity", 10.0, 10.0), ("exam_temperature_c", 30, 30.0),
])
def test_valid_values_are_kept_as_the_engine_reads_them(kb: KnowledgeBase, fid: str, value: Any,
                                                        expected: Any) -> None:
    findings = parse_case({"findings": {fid: value}}, kb).findings
    assert findings.get(fid) == expected and type(findings.get(fid)) is type(expected)


@pytest.mark.parametrize("fid, value, words", [
    ("fever", 1, "true or false"), ("fever", "yes", "true or false"), ("fever", [1], "true or false"),
    ("duration_weeks", True, "a number"), ("duration_weeks", "3", "a number"),
    ("duration_weeks", float("nan"), "a number"), ("duration_weeks", float("inf"), "a number"),
    ("duration_weeks", 10**400, "a number"), ("duration_weeks", 2**70, "between 0 and 5200"),
    ("duration_weeks", 5200.0001, "between 0 and 5200 weeks"), ("duration_weeks", -1, "between"),
    ("exam_temperature_c", 29.9, "between 30 and 45 degrees C"), ("pain_severity", 1e308, "between"),
    ("age", 30, "give it as the case's own field"), ("sex", "female", "own field"),
    ("no_such", True, "unknown finding id"), ("no_such", None, "unknown finding id"),
])
def test_refused_values_name_the_finding_and_say_why(kb: KnowledgeBase, fid: str, value: Any,
                                                     words: str) -> None:
    with pytest.raises(BadInput) as err:
        parse_case({"findings": {fid: value}}, kb)
    assert err.value.field == f"findings.{fid}" and err.value.code == "invalid_case"
    assert words in err.value.message and str(err.value) == f"findings.{fid}: {err.value.message}"


@pytest.mark.parametrize("age", [-1, 121, 10**400, float("nan"), "30", True, [30]])
def test_a_bad_age_is_refused(kb: KnowledgeBase, age: Any) -> None:
    with pytest.raises(BadInput) as err:
        parse_case({"age": age, "findings": {}}, kb)
    assert err.value.field == "age"


def test_extra_fields_are_kept_and_known_ones_are_not_extra(kb: KnowledgeBase) -> None:
    assert parse_case({"findings": {}, "id": "x", "expected": 1}, kb).extra == {"expected": 1}
    assert parse_case({"findings": {}, "id": "x", "age": 3}, kb).extra == {}


def test_findings_are_keyed_by_the_knowledge_bases_own_strings(kb: KnowledgeBase) -> None:
    fid = "".join(["fe", "ver"])  # equal, not the same object
    [key] = parse_case({"findings": {fid: True}}, kb).findings
    assert key is kb.findings["fever"].id


def test_implied_findings_are_filled_in(kb: KnowledgeBase) -> None:
    implier = next(f for f in kb.findings.values() if f.implies)
    findings = parse_case({"findings": {implier.id: True}}, kb).findings
    assert all(findings[i] is True for i in implier.implies)
    implied = implier.implies[0]
    assert parse_case({"findings": {implied: False}}, kb).findings[implier.id] is False


# -- any input at all ------------------------------------------------------------------------

_scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12)
_json = st.recursive(_scalars, lambda inner: st.lists(inner, max_size=4)
                     | st.dictionaries(st.text(max_size=12), inner, max_size=4), max_leaves=12)


@st.composite
def _case_like(draw: st.DrawFn, kb: KnowledgeBase) -> Any:
    """Mostly case-shaped objects with real finding ids and hostile values, sometimes anything."""
    if draw(st.integers(0, 9)) == 0:
        return draw(_json)
    ids = st.sampled_from(sorted(kb.findings)) | st.text(max_size=8)
    raw: dict[str, Any] = {"findings": draw(st.dictionaries(ids, _json, max_size=8))}
    for key, values in (("age", _json), ("sex", st.sampled_from(["female", "male"]) | _json),
                        ("setting", st.sampled_from(sorted(kb.settings)) | _json), ("id", _json),
                        ("format", st.just("hipnav-case/1") | _json), ("narrative", _json)):
        if draw(st.booleans()):
            raw[key] = draw(values)
    return {"case": raw} if draw(st.integers(0, 9)) == 0 else raw


@settings(max_examples=1000, deadline=None)
@given(data=st.data())
def test_any_input_gives_a_case_or_a_refusal_naming_a_field(kb: KnowledgeBase, data: st.DataObject) -> None:
    raw = data.draw(_case_like(kb))
    try:
        case = parse_case(raw, kb)
    except BadInput as exc:
        assert exc.code == "invalid_case" and exc.field and exc.message
        assert exc.field in ("case", "format", "id", "age", "sex", "setting", "narrative", "findings") \
            or exc.field.startswith("findings.")
        return
    for fid, value in case.findings.items():
        finding = kb.findings[fid]
        if finding.type == "bool":
            assert value is True or value is False
        else:
            assert type(value) is float and math.isfinite(value)
            assert (finding.min is None or value >= finding.min) and (finding.max is None or value <= finding.max)
    assert case.age is None or 0 <= case.age <= 120


def test_every_refused_field_of_a_case_is_named_at_once(kb: KnowledgeBase) -> None:
    """The first refusal is the one named before (the JSON API and the command line say
    it); the rest come with it, for a form that shows them all (the clinic's import)."""
    raw = {"format": "hipnav-case/1", "age": 200, "sex": "x", "findings": {"fever": "yes", "no_such": True,
                                                                         "loc_groin": True}}
    with pytest.raises(BadInput) as err:
        parse_case(raw, kb)
    assert [r.field for r in err.value.every] == ["age", "sex", "findings.fever", "findings.no_such"]
    assert str(err.value).startswith("age: must be between 0 and 120")
