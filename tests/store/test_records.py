"""Export a client's whole record; delete it for good; the audit log holds no health data."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from hipnav.store import EXPORT_FORMAT, Actor, NotFound, Store
from hipnav.store.schema import AssessmentRecord, AuditEvent, Client, OutcomeVisit
from tests.store.test_clients import CASE, RESULT

SECRET = "Zebrafish-ankylosing-7731"  # a marker to look for after deletion


def _count(store: Store, table: type) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def test_export_holds_the_whole_record(store: Store, alice: Actor) -> None:
    c = store.clients.create(alice, display_name="Jo", notes="knee too")
    store.assessments.save(alice, c.id, CASE, RESULT)
    store.visits.record(alice, c.id, date(2026, 1, 5), nprs=6, psfs=[{"activity": "Walk", "score": 5}])
    export = store.records.export(alice, c.id)
    json.dumps(export)  # JSON-ready
    assert export["format"] == EXPORT_FORMAT
    assert export["client"]["notes"] == "knee too"
    assert export["assessments"][0]["case"] == CASE
    assert export["outcomes"][0]["psfs"] == [{"activity": "Walk", "score": 5.0}]
    assert [e["action"] for e in export["audit"]][:3] == ["client.create", "assessment.create",
                                                         "outcome.create"]
    assert export["audit"][-1]["action"] == "client.export"


def test_delete_removes_everything_but_the_audit_trail(store: Store, admin: Actor, alice: Actor) -> None:
    c = store.clients.create(alice, display_name=SECRET, notes=SECRET)
    store.assessments.save(alice, c.id, {**CASE, "narrative": SECRET}, RESULT)
    store.visits.record(alice, c.id, date.today(), nprs=2, note=SECRET)
    other = store.clients.create(alice, display_name="Keep me")
    store.records.delete(alice, c.id)
    assert _count(store, Client) == 1 and _count(store, AssessmentRecord) == 0
    assert _count(store, OutcomeVisit) == 0
    assert store.clients.list(alice)[0].id == other.id
    actions = [e.action for e in store.audit.events(admin, client_id=c.id)]
    assert actions[0] == "client.delete"
    if store.backend == "sqlite":  # secure_delete + checkpoint: no copy left in the files
        db = store.engine.url.database
        store.close()
        for suffix in ("", "-wal"):
            path = Path(f"{db}{suffix}")
            if not path.exists():
                continue
            data = path.read_bytes()
            assert SECRET.encode() not in data


def test_audit_log_holds_no_health_data(store: Store, alice: Actor, bob: Actor) -> None:
    c = store.clients.create(alice, display_name=SECRET, notes=SECRET)
    store.clients.list(alice, SECRET)
    store.assessments.save(alice, c.id, {**CASE, "narrative": SECRET}, RESULT)
    store.visits.record(alice, c.id, date.today(), nprs=2, note=SECRET)
    store.clients.update(alice, c.id, contact=SECRET)
    with pytest.raises(NotFound):
        store.clients.get(bob, SECRET)
    with store.engine.connect() as conn:
        rows = conn.execute(select(AuditEvent)).all()
    assert rows and SECRET not in repr(rows)
