"""Erasure that erases (issue 15, finding 8): once a client is deleted, none of their text is
left in the database's files, on SQLite (main file and write-ahead log) and on PostgreSQL
(the record tables' files, their TOAST tables and indexes, read back with
``pg_read_binary_file`` after a ``CHECKPOINT`` has written every page out). Each test first
shows the text *is* in the files, so it cannot pass by looking in the wrong place."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from hipnav.store import Actor, Store
from hipnav.store.records import RECORD_TABLES
from tests.conftest import run_hipnav
from tests.store.test_clients import CASE, RESULT

MARKER = "Quokka-sacroiliac-5521"

_RELATIONS = """
WITH t AS (SELECT oid, reltoastrelid FROM pg_class
           WHERE relnamespace = 'public'::regnamespace AND relname = ANY(%(tables)s))
SELECT pg_relation_filepath(r) FROM (
    SELECT oid AS r FROM t
    UNION SELECT reltoastrelid FROM t WHERE reltoastrelid <> 0
    UNION SELECT indexrelid FROM pg_index WHERE indrelid IN (SELECT oid FROM t)
    UNION SELECT indexrelid FROM pg_index WHERE indrelid IN (SELECT reltoastrelid FROM t)) AS rels
"""


def database_files(store: Store) -> bytes:
    """Every byte of the files that hold client records, as the database has them on disk."""
    if store.backend == "sqlite":
        db = str(store.engine.url.database)
        return b"".join(Path(f"{db}{suffix}").read_bytes() for suffix in ("", "-wal")
                        if Path(f"{db}{suffix}").exists())
    # A connection of its own, not one of the store's pool: CHECKPOINT needs autocommit,
    # and a pooled connection handed back in autocommit made every later transaction on it
    # commit statement by statement, so ``SELECT ... FOR UPDATE`` locked nothing (it let a
    # burst of sign-in claims through in test_sign_in_limits when run after this module).
    import psycopg

    url = store.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CHECKPOINT")
        paths = [row[0] for row in conn.execute(_RELATIONS, {"tables": list(RECORD_TABLES)})]
        assert len(paths) >= 6, paths
        return b"".join(conn.execute("SELECT pg_read_binary_file(%s)", (path,)).fetchone()[0]  # type: ignore[index]
                        for path in paths)


def _client_full_of_marker(store: Store, actor: Actor) -> str:
    c = store.clients.create(actor, display_name=f"{MARKER} name", notes=f"{MARKER} notes",
                             contact=f"{MARKER} contact", reference="R-1")
    store.assessments.save(actor, c.id, {**CASE, "id": MARKER}, {**RESULT, "note": MARKER})
    store.visits.record(actor, c.id, date.today(), nprs=3, note=f"{MARKER} visit",
                        psfs=[{"activity": f"{MARKER} stairs", "score": 4}])
    return c.id


def test_a_deleted_client_leaves_no_text_in_the_files(store: Store, alice: Actor) -> None:
    client_id = _client_full_of_marker(store, alice)
    keep = store.clients.create(alice, display_name="Kept client", notes="still here")
    assert MARKER.encode() in database_files(store)
    store.records.delete(alice, client_id)
    files = database_files(store)
    assert MARKER.encode() not in files
    assert b"still here" in files and store.clients.get(alice, keep.id).notes == "still here"


def test_hipnav_clinic_purge_removes_the_old_text_of_edited_records(store: Store, db_url: str,
                                                                    alice: Actor) -> None:
    c = store.clients.create(alice, display_name="Jo", notes=f"{MARKER} said in confidence")
    store.clients.update(alice, c.id, notes="nothing to note")
    store.visits.record(alice, c.id, date.today(), nprs=1)
    if store.backend == "postgresql":  # the replaced row is a dead tuple in the table file
        assert MARKER.encode() in database_files(store)
    result = run_hipnav("clinic", "purge", "--database-url", db_url)
    assert result.returncode == 0, result.stderr
    assert "rewritten" in result.stdout
    assert MARKER.encode() not in database_files(store)
    assert store.clients.get(alice, c.id).notes == "nothing to note"
