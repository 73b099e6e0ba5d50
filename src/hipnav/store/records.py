"""A client's whole record: export it (the right of access) and delete it for good (the
right to erasure).

The export holds everything hipnav keeps about the client: the client's details, every
assessment with its case and result, every visit's measures, and the audit events about the
record (who read or changed it, when). Deleting removes the client, the assessments and the
visits in one transaction (foreign keys cascade); on SQLite, ``secure_delete`` overwrites
the freed pages and a WAL checkpoint moves the change into the main file so no copy lingers
in the write-ahead log. The audit events stay: they hold ids and actions, no health data,
and show that the deletion happened.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, select

from hipnav.store import audit
from hipnav.store.actor import Actor
from hipnav.store.assessments import assessment_view
from hipnav.store.clients import client_view
from hipnav.store.repository import Repository, owned_client
from hipnav.store.schema import AssessmentRecord, OutcomeVisit
from hipnav.store.visits import visit_view

EXPORT_FORMAT = "hipnav-client-record/1"


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
        if self._engine.dialect.name == "sqlite":
            # Outside any transaction (a checkpoint cannot run inside one). If readers hold
            # the WAL open the checkpoint is partial; the next one completes it.
            raw = self._engine.raw_connection()
            try:
                raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # type: ignore[union-attr]
            finally:
                raw.close()
        # PostgreSQL: autovacuum reclaims the dead rows; see docs/clinic.md.


__all__ = ["EXPORT_FORMAT", "Records"]
