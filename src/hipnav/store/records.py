"""A client's whole record: export it (the right of access) and delete it for good (the
right to erasure).

The export holds everything hipnav keeps about the client: the client's details, every
assessment with its case and result, every visit's measures, and the audit events about the
record (who read or changed it, when). Deleting removes the client, the assessments and the
visits in one transaction (foreign keys cascade), then :meth:`Records.purge` makes sure no
copy of the deleted rows stays in the database's files:

* SQLite: ``secure_delete`` has overwritten the freed space already; a WAL checkpoint
  (``TRUNCATE``) moves the change into the main file and empties the write-ahead log.
* PostgreSQL: a deleted (or replaced) row stays in the table file as a dead tuple, and plain
  ``VACUUM`` only marks its space free without overwriting it. ``VACUUM FULL`` writes the
  record tables anew (their TOAST tables and indexes too) with live rows only, and the old
  files are truncated when it commits (PostgreSQL documentation, "VACUUM"; storage
  "Database File Layout"). It holds an exclusive lock on those tables while it runs (a
  clinic's tables take well under a second); if the lock cannot be had within
  :data:`PURGE_LOCK_TIMEOUT` the deletion stands and ``hipnav clinic purge`` finishes it.

The audit events stay: they hold ids and actions, no health data, and show that the
deletion happened.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.exc import OperationalError

from hipnav.store import audit
from hipnav.store.actor import Actor
from hipnav.store.assessments import assessment_view
from hipnav.store.clients import client_view
from hipnav.store.repository import Repository, owned_client
from hipnav.store.schema import AssessmentRecord, OutcomeVisit
from hipnav.store.visits import visit_view

EXPORT_FORMAT = "hipnav-client-record/1"
#: The tables that hold client records (a client's rows, their assessments and visits).
RECORD_TABLES = ("client", "assessment", "outcome_visit")
PURGE_LOCK_TIMEOUT = "10s"

log = logging.getLogger("hipnav.store")


class Records(Repository):
    def __init__(self, sessions: Any, engine: Engine) -> None:
        super().__init__(sessions)
        self._engine = engine

    def export(self, actor: Actor, client_id: str) -> dict[str, Any]:
        """The client's whole record as one JSON-ready dict."""
        with self.transaction(actor, "client.export") as session:
            client = owned_client(session, actor, client_id)
            assessments = session.scalars(select(AssessmentRecord).where(
                AssessmentRecord.client_id == client.id).order_by(AssessmentRecord.created_at))
            visits = session.scalars(select(OutcomeVisit).where(OutcomeVisit.client_id == client.id)
                                     .order_by(OutcomeVisit.visit_date))
            audit.add(session, actor, "client.export", client_id=client.id)
            session.flush()
            events = audit.client_events(session, client.id)
            return {
                "format": EXPORT_FORMAT,
                "exported_at": datetime.now(UTC).isoformat(),
                "exported_by": actor.username,
                "client": client_view(client).to_json(),
                "assessments": [assessment_view(a).to_json() for a in assessments],
                "outcomes": [visit_view(v).to_json() for v in visits],
                "audit": [{"at": e.at.isoformat(), "actor": e.actor_name, "action": e.action,
                           "target_id": e.target_id, "outcome": e.outcome, "channel": e.channel}
                          for e in events],
            }

    def delete(self, actor: Actor, client_id: str) -> None:
        """Delete the client and everything recorded about them, for good."""
        with self.transaction(actor, "client.delete") as session:
            client = owned_client(session, actor, client_id, lock=True)
            audit.add(session, actor, "client.delete", client_id=client.id)
            session.delete(client)
        try:
            self.purge()
        except OperationalError as exc:  # the lock was not had in time: the rows are deleted
            log.warning("deleted rows not yet purged from the files (%s): run 'hipnav clinic purge'",
                        type(exc.orig).__name__)

    def purge(self) -> None:
        """Leave no bytes of deleted or replaced client records in the database's files."""
        if self._engine.dialect.name == "sqlite":
            # Outside any transaction (a checkpoint cannot run inside one). If readers hold
            # the WAL open the checkpoint is partial; the next one completes it.
            raw = self._engine.raw_connection()
            try:
                raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # type: ignore[union-attr]
            finally:
                raw.close()
            return
        with self._engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql(f"SET lock_timeout = '{PURGE_LOCK_TIMEOUT}'")
            try:
                conn.exec_driver_sql("VACUUM (FULL) " + ", ".join(RECORD_TABLES))
            finally:
                conn.exec_driver_sql("RESET lock_timeout")


__all__ = ["EXPORT_FORMAT", "RECORD_TABLES", "Records"]
