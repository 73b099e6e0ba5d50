"""Practitioner B can neither read, change, export nor delete practitioner A's client
through any repository call: each attempt is NotFound (never "forbidden", which would
confirm the record exists) and is in the audit log as denied."""

from __future__ import annotations

from datetime import date

import pytest

from hipnav.store import Actor, NotFound, Store
from tests.store.test_clients import CASE, RESULT


@pytest.fixture
def a_record(store: Store, alice: Actor) -> dict[str, str]:
    c = store.clients.create(alice, display_name="Alice's client")
    a = store.assessments.save(alice, c.id, CASE, RESULT)
    v = store.visits.record(alice, c.id, date.today(), nprs=4)
    return {"client": c.id, "assessment": a.id, "visit": v.id}


ATTEMPTS = {
    "client.read": lambda s, b, r: s.clients.get(b, r["client"]),
    "client.update": lambda s, b, r: s.clients.update(b, r["client"], notes="changed by B"),
    "client.export": lambda s, b, r: s.records.export(b, r["client"]),
    "client.delete": lambda s, b, r: s.records.delete(b, r["client"]),
    "assessment.create": lambda s, b, r: s.assessments.save(b, r["client"], CASE, RESULT),
    "assessment.read": lambda s, b, r: s.assessments.get(b, r["assessment"]),
    "assessment.list": lambda s, b, r: s.assessments.list(b, r["client"]),
    "outcome.create": lambda s, b, r: s.visits.record(b, r["client"], date.today(), nprs=1),
    "outcome.list": lambda s, b, r: s.visits.list(b, r["client"]),
    "outcome.delete": lambda s, b, r: s.visits.delete(b, r["visit"]),
}


@pytest.mark.parametrize("action", sorted(ATTEMPTS))
def test_other_practitioner_is_refused_and_audited(store: Store, admin: Actor, alice: Actor, bob: Actor,
                                                   a_record: dict[str, str], action: str) -> None:
    with pytest.raises(NotFound):
        ATTEMPTS[action](store, bob, a_record)
    denied = [e for e in store.audit.events(admin) if e.outcome == "denied"]
    assert len(denied) == 1
    event = denied[0]
    assert (event.actor_name, event.action) == ("bob", action)
    assert a_record["client"] in (event.client_id, None) or event.target_id in a_record.values()
    # nothing changed
    export = store.records.export(alice, a_record["client"])
    assert export["client"]["notes"] is None
    assert len(export["assessments"]) == 1 and len(export["outcomes"]) == 1


def test_admin_role_gives_no_access_to_clients(store: Store, admin: Actor, alice: Actor,
                                               a_record: dict[str, str]) -> None:
    with pytest.raises(NotFound):
        store.clients.get(admin, a_record["client"])
    assert store.clients.list(admin) == []


def test_missing_and_malformed_ids_look_the_same(store: Store, admin: Actor, bob: Actor) -> None:
    for bad in ("0" * 32, "../../etc/passwd", "Ann Lee has hip pain"):
        with pytest.raises(NotFound):
            store.clients.get(bob, bad)
    logged = {e.client_id for e in store.audit.events(admin) if e.outcome == "denied"}
    assert logged == {"0" * 32, "(malformed id)"}  # no free text reaches the log
