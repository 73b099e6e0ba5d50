"""NPRS, PSFS and HOOS-12 scoring against hand-computed values from the published rules."""

from __future__ import annotations

import pytest

from hipnav.bad_input import BadInput
from hipnav.outcomes import HOOS12_ITEMS, score_hoos12, score_psfs, validate_nprs
from hipnav.outcomes.psfs import parse_activities


def test_hoos12_has_the_published_items() -> None:
    # Gandek et al. 2019: pain P1, P4, P5, P7; function A3, A4, A7, SP4; QOL Q1-Q4.
    assert [i.hoos for i in HOOS12_ITEMS] == ["P1", "P4", "P5", "P7", "A3", "A4", "A7", "SP4",
                                              "Q1", "Q2", "Q3", "Q4"]
    assert [i.scale for i in HOOS12_ITEMS].count("pain") == 4
    assert all(len(i.answers) == 5 for i in HOOS12_ITEMS)


def test_hoos12_extremes() -> None:
    ids = [i.id for i in HOOS12_ITEMS]
    best = score_hoos12(dict.fromkeys(ids, 0))
    worst = score_hoos12(dict.fromkeys(ids, 4))
    assert best.to_json() == {"pain": 100.0, "function": 100.0, "qol": 100.0, "summary": 100.0}
    assert worst.to_json() == {"pain": 0.0, "function": 0.0, "qol": 0.0, "summary": 0.0}


def test_hoos12_hand_computed() -> None:
    # pain 2,1,3,2 -> sum 8/16 -> 100 - 50 = 50; function 1,1,0,2 -> 4/16 -> 75;
    # qol 3,3,2,4 -> 12/16 -> 25; summary (50 + 75 + 25) / 3 = 50
    answers = {"P1": 2, "P2": 1, "P3": 3, "P4": 2, "F1": 1, "F2": 1, "F3": 0, "F4": 2,
               "Q1": 3, "Q2": 3, "Q3": 2, "Q4": 4}
    s = score_hoos12(answers)
    assert (s.pain, s.function, s.qol, s.summary) == (50.0, 75.0, 25.0, 50.0)


def test_hoos12_missing_items_take_the_persons_own_mean() -> None:
    # pain: two of four answered (2 and 3): mean 2.5 imputed -> 100 - 62.5 = 37.5
    s = score_hoos12({"P1": 2, "P3": 3, "F1": 1, "Q1": 0, "Q2": 0})
    assert s.pain == 37.5
    assert s.function is None  # one of four is fewer than half
    assert s.qol == 100.0
    assert s.summary is None  # needs all three scales


@pytest.mark.parametrize("bad", [{"P1": 5}, {"P1": -1}, {"P1": 1.5}, {"P1": True}, {"X9": 1}, {"P1": "two"}])
def test_hoos12_refuses_bad_answers(bad: dict) -> None:
    with pytest.raises(BadInput):
        score_hoos12(bad)


def test_hoos12_accepts_form_strings() -> None:
    assert score_hoos12({"P1": "4", "P2": "4", "P3": "", "P4": None}).pain == 0.0


def test_psfs_is_the_mean_of_activity_scores() -> None:
    acts = parse_activities([{"activity": "Stairs", "score": 3}, {"activity": "Running", "score": 6},
                             {"activity": "Sitting at work", "score": 7.5}])
    assert score_psfs(acts) == pytest.approx(5.5)


@pytest.mark.parametrize("bad", [[], [{"activity": "", "score": 3}], [{"activity": "x", "score": 11}],
                                 [{"activity": "x", "score": True}], [{"activity": "x"}] * 6, "stairs"])
def test_psfs_refuses_bad_input(bad: object) -> None:
    with pytest.raises(BadInput):
        parse_activities(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize(("value", "expected"), [(0, 0), (10, 10), ("7", 7), (4.0, 4)])
def test_nprs_valid(value: object, expected: int) -> None:
    assert validate_nprs(value) == expected


@pytest.mark.parametrize("bad", [11, -1, 3.5, "x", True, None])
def test_nprs_invalid(bad: object) -> None:
    with pytest.raises(BadInput):
        validate_nprs(bad)
