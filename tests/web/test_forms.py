"""The flow state in the URL and the body map: round trips, meaning, and hostile input."""

from __future__ import annotations

from urllib.parse import parse_qsl

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hipnav.bad_input import BadInput
from hipnav.engine import parse_case
from hipnav.knowledge.model import KnowledgeBase
from hipnav.web.body_map import NOT_DRAWN, VIEWS, BodyMap, body_map, map_findings
from hipnav.web.forms import FlowState, parse_state, read_screen


@pytest.fixture(scope="module")
def bmap(kb: KnowledgeBase) -> BodyMap:
    return body_map(kb)


def test_every_location_finding_is_on_the_map_once_or_asked_instead(kb: KnowledgeBase, bmap: BodyMap) -> None:
    location = {f.id for f in kb.findings.values() if f.group == "location"}
    drawn = [r.finding for r in bmap.regions]
    assert len(drawn) == len(set(drawn)), "a region appears in two views"
    assert set(bmap.choices) | NOT_DRAWN == location
    assert all(kb.findings[f].type == "bool" for f in bmap.choices)


def test_every_drawn_region_is_a_known_finding() -> None:
    from hipnav.knowledge import default

    kb = default()
    assert {r.finding for v in VIEWS for r in v.regions} <= set(kb.findings)


def test_the_map_says_unticked_regions_are_absent_only_if_something_was_ticked(bmap: BodyMap) -> None:
    assert map_findings(bmap, []) == {}
    found = map_findings(bmap, ["loc_buttock"])
    assert found["loc_buttock"] is True
    assert set(found) == set(bmap.choices)
    assert sum(found.values()) == 1


def _states(kb: KnowledgeBase, bmap: BodyMap) -> st.SearchStrategy[FlowState]:
    bools = sorted(f.id for f in kb.findings.values() if f.type == "bool")
    answers = st.lists(st.tuples(st.sampled_from(bools), st.sampled_from("ynu")), max_size=12,
                       unique_by=lambda p: p[0])
    return st.builds(
        FlowState,
        mode=st.sampled_from(["patient", "clinician"]),
        where=st.lists(st.sampled_from(bmap.choices), unique=True, max_size=5).map(tuple),
        answers=answers.map(tuple),
        age=st.none() | st.integers(0, 120).map(float),
        sex=st.none() | st.sampled_from(["female", "male"]),
        setting=st.none() | st.sampled_from(sorted(kb.settings)),
        numbers=st.just(()) | st.just((("duration_weeks", 10.0),)),
    )


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_a_state_survives_the_round_trip_through_its_url(kb: KnowledgeBase, bmap: BodyMap,
                                                         data: st.DataObject) -> None:
    state = data.draw(_states(kb, bmap))
    again = parse_state(parse_qsl(state.query()), kb, bmap)
    assert again == state
    parse_case(state.raw_case(bmap), kb)  # every valid state is a valid case


def test_back_undoes_the_last_answer_and_answering_again_replaces(kb: KnowledgeBase) -> None:
    s = FlowState().with_answer("fever", "n").with_answer("limp", "y")
    assert s.back().answers == (("fever", "n"),)
    assert s.with_answer("fever", "y").answers == (("limp", "y"), ("fever", "y"))
    assert s.with_answer("limp", "u").skipped() == frozenset({"limp"})


def test_dont_know_leaves_the_finding_unknown(bmap: BodyMap) -> None:
    raw = FlowState(where=("loc_groin",)).with_answer("loc_groin", "u").raw_case(bmap)
    assert "loc_groin" not in raw["findings"]  # type: ignore[operator]


@pytest.mark.parametrize("params, field", [
    ([("mode", "admin")], "mode"),
    ([("where", "loc_heart")], "where"),
    ([("where", "fever")], "where"),
    ([("a", "fever")], "a"),
    ([("a", "fever.maybe")], "a"),
    ([("a", "duration_weeks.y")], "a"),
    ([("a", "fever.y"), ("a", "fever.n")], "a"),
    ([("age", "abc")], "age"),
    ([("age", "-1")], "age"),
    ([("age", "inf")], "age"),
    ([("age", "nan")], "age"),
    ([("sex", "x")], "sex"),
    ([("setting", "moon")], "setting"),
    ([("duration_weeks", "1e999")], "duration_weeks"),
    ([("pain_severity", "11")], "pain_severity"),
    ([("age", "1" * 500)], "age"),
    ([("a", "fever.n")] * 401, "query"),
])
def test_hostile_parameters_are_refused_by_name(kb: KnowledgeBase, bmap: BodyMap,
                                                 params: list[tuple[str, str]], field: str) -> None:
    with pytest.raises(BadInput) as err:
        parse_state(params, kb, bmap)
    assert err.value.field == field


def test_unknown_and_empty_parameters_are_ignored(kb: KnowledgeBase, bmap: BodyMap) -> None:
    state = parse_state([("utm_source", "x"), ("age", ""), ("sex", ""), ("where", "loc_sij")], kb, bmap)
    assert state == FlowState(where=("loc_sij",))


@pytest.mark.parametrize("params, answers", [
    ([], []),
    ([("q", "fever"), ("answer", "y")], [("fever", "y")]),
    ([("q", "fever"), ("q", "limp"), ("r.limp", "n")], [("fever", "u"), ("limp", "n")]),
    ([("q", "fever"), ("r.fever", "y"), ("q", "fever")], [("fever", "y")]),
    ([("q", "age"), ("answer", "y")], None), ([("q", "nope"), ("answer", "n")], None),
    ([("q", "fever"), ("answer", "yes")], None), ([("q", "fever"), ("r.fever", "maybe")], None),
])
def test_a_screen_of_answers_blank_is_not_sure(kb: KnowledgeBase, params: list[tuple[str, str]],
                                               answers: list[tuple[str, str]] | None) -> None:
    if answers is not None:
        assert read_screen(params, kb) == answers
    else:
        with pytest.raises(BadInput):
            read_screen(params, kb)


def test_back_undoes_one_screen_of_answers(kb: KnowledgeBase, bmap: BodyMap) -> None:
    state = FlowState(where=("loc_buttock",)).with_screen([("fever", "n"), ("limp", "n")], counted=False)
    state = state.with_screen([("agg_sitting", "y"), ("agg_walking", "n")]).with_screen([("snapping", "y")])
    assert parse_state(state.params(), kb, bmap) == state
    assert state.back().answers == (("fever", "n"), ("limp", "n"), ("agg_sitting", "y"), ("agg_walking", "n"))
    assert state.back().back().answers == (("fever", "n"), ("limp", "n")) and not state.back().back().screens
    with pytest.raises(BadInput) as err:
        parse_state([("a", "fever.n"), ("n", "2")], kb, bmap)
    assert err.value.field == "n"


def test_a_non_string_setting_is_refused_by_the_case_parser(kb: KnowledgeBase) -> None:
    from hipnav.engine import parse_case

    for raw in ({"setting": {}}, {"case": {"setting": []}}):
        with pytest.raises(BadInput) as err:
            parse_case(raw, kb)
        assert err.value.field == "setting"
    assert parse_case({"setting": "primary_care"}, kb).setting == "primary_care"
