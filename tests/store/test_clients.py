"""Clients, assessments and visits through the repository API."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from hipnav.bad_input import BadInput
from hipnav.store import Actor, Store

RESULT = {"id": "c1", "urgency": "self_care", "red_flags": [], "differential": [],
          "knowledge_base_version": "2026.11.0"}
CASE = {"format": "hipnav-case/1", "id": "c1", "findings": {"loc_buttock": True}}


def test_create_read_edit(store: Store, alice: Actor) -> None:
    c = store.clients.create(alice, display_name=" Jo Smith ", reference="R-17", birth_year="1980",
                             sex="female", notes="runner")
    assert c.display_name == "Jo Smith" and c.birth_year == 1980
    assert store.clients.get(alice, c.id) == c
    edited = store.clients.update(alice, c.id, notes="", contact="jo@example.org")
    assert edited.notes is None and edited.contact == "jo@example.org"
    assert edited.updated_at >= c.updated_at


@pytest.mark.parametrize(("fields", "bad"), [
    ({"display_name": ""}, "display_name"),
    ({"display_name": "x", "birth_year": 1850}, "birth_year"),
    ({"display_name": "x", "birth_year": "abc"}, "birth_year"),
    ({"display_name": "x", "sex": "robot"}, "sex"),
    ({"display_name": "x" * 201}, "display_name"),
    ({"display_name": "x", "password_hash": "y"}, "password_hash"),
])
def test_bad_fields_are_refused_by_name(store: Store, alice: Actor, fields: dict, bad: str) -> None:
    with pytest.raises(BadInput) as exc:
        store.clients.create(alice, **fields)
    assert exc.value.field == bad


def test_list_and_search_only_own_clients(store: Store, alice: Actor, bob: Actor) -> None:
    store.clients.create(alice, display_name="Ann Lee", reference="A-1")
    store.clients.create(alice, display_name="Ben 100% Sure")
    store.clients.create(bob, display_name="Ann Other")
    assert {c.display_name for c in store.clients.list(alice)} == {"Ann Lee", "Ben 100% Sure"}
    assert [c.display_name for c in store.clients.list(alice, "ann")] == ["Ann Lee"]
    assert [c.display_name for c in store.clients.list(alice, "a-1")] == ["Ann Lee"]
    assert [c.display_name for c in store.clients.list(alice, "100%")] == ["Ben 100% Sure"]
    assert store.clients.list(alice, "_") == []  # LIKE wildcards are matched literally
    assert [c.display_name for c in store.clients.list(bob, "ann")] == ["Ann Other"]


def test_assessments_are_saved_as_shown(store: Store, alice: Actor) -> None:
    c = store.clients.create(alice, display_name="J")
    saved = store.assessments.save(alice, c.id, CASE, RESULT, source="import")
    again = store.assessments.get(alice, saved.id)
    assert again.case == CASE and again.result == RESULT and again.kb_version == "2026.11.0"
    assert [a.id for a in store.assessments.list(alice, c.id)] == [saved.id]
    with pytest.raises(BadInput):
        store.assessments.save(alice, c.id, CASE, {"urgency": "self_care"})


def test_visits_are_scored_on_entry(store: Store, alice: Actor) -> None:
    c = store.clients.create(alice, display_name="J")
    today = date.today()
    v = store.visits.record(alice, c.id, today - timedelta(days=7), nprs=7,
                            psfs=[{"activity": "Stairs", "score": 3}, {"activity": "Run", "score": 4}],
                            hoos12={"P1": 3, "P2": 2, "P3": 2, "P4": 1, "F1": 2, "F2": 1,
                                    "F3": 2, "F4": 3, "Q1": 3, "Q2": 2, "Q3": 2, "Q4": 2})
    assert v.nprs == 7 and v.psfs_mean == 3.5
    assert v.hoos12_pain == 50.0 and v.hoos12_function == 50.0 and v.hoos12_qol == 43.75
    assert v.hoos12_summary == pytest.approx((50 + 50 + 43.75) / 3)
    store.visits.record(alice, c.id, today, nprs="3")
    visits = store.visits.list(alice, c.id)
    assert [x.nprs for x in visits] == [7, 3]
    with pytest.raises(BadInput) as exc:
        store.visits.record(alice, c.id, today, nprs=11)
    assert exc.value.field == "nprs"
    with pytest.raises(BadInput):
        store.visits.record(alice, c.id, today)
    with pytest.raises(BadInput):
        store.visits.record(alice, c.id, today + timedelta(days=5), nprs=1)
    store.visits.delete(alice, visits[0].id)
    assert [x.nprs for x in store.visits.list(alice, c.id)] == [3]
