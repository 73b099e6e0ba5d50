"""Saved assessments: the case and the whole result document exactly as it was shown.

The result is stored, not recomputed on reading, because the knowledge base changes: an old
result must still say what it said then, and its ``kb_version`` tells which knowledge base
explains it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from hipnav.bad_input import BadInput
from hipnav.store import audit
from hipnav.store.actor import Actor
from hipnav.store.repository import Repository, owned_client, refuse, valid_id
from hipnav.store.schema import AssessmentRecord, Client, utcnow

SOURCES = ("web", "import", "api", "cli")


@dataclass(frozen=True)
class AssessmentView:
    id: str
    client_id: str
    created_at: datetime
    kb_version: str
    source: str
    case: dict[str, Any]
    result: dict[str, Any]

    def to_json(self) -> dict[str, object]:
        return {"id": self.id, "client_id": self.client_id, "created_at": self.created_at.isoformat(),
                "kb_version": self.kb_version, "source": self.source, "case": self.case,
                "result": self.result}


def assessment_view(a: AssessmentRecord) -> AssessmentView:
    return AssessmentView(a.id, a.client_id, a.created_at, a.kb_version, a.source, a.case, a.result)


class Assessments(Repository):
    def save(self, actor: Actor, client_id: str, case: dict[str, Any], result: dict[str, Any],
             *, source: str = "web") -> AssessmentView:
        """Save one assessment to the actor's client; the answer means it is durably stored."""
        if source not in SOURCES:
            raise BadInput("source", f"must be one of {', '.join(SOURCES)}")
        kb_version = result.get("knowledge_base_version")
        if not isinstance(kb_version, str) or not kb_version:
            raise BadInput("result", "must carry its knowledge_base_version")
        with self.transaction(actor, "assessment.create") as session:
            client = owned_client(session, actor, client_id)
            record = AssessmentRecord(client_id=client.id, kb_version=kb_version, source=source,
                                      case=case, result=result, created_at=utcnow())
            session.add(record)
            client.updated_at = record.created_at
            session.flush()
            audit.add(session, actor, "assessment.create", client_id=client.id, target_id=record.id)
            return assessment_view(record)

    def get(self, actor: Actor, assessment_id: str) -> AssessmentView:
        with self.transaction(actor, "assessment.read") as session:
            record = None
            if valid_id(assessment_id):
                record = session.scalar(
                    select(AssessmentRecord).join(Client).where(
                        AssessmentRecord.id == assessment_id, Client.practitioner_id == actor.id))
            if record is None:
                raise refuse(None, assessment_id)
            audit.add(session, actor, "assessment.read", client_id=record.client_id, target_id=record.id)
            return assessment_view(record)

    def list(self, actor: Actor, client_id: str) -> list[AssessmentView]:
        """The client's assessments, oldest first."""
        with self.transaction(actor, "assessment.list") as session:
            client = owned_client(session, actor, client_id)
            rows = session.scalars(select(AssessmentRecord).where(AssessmentRecord.client_id == client.id)
                                   .order_by(AssessmentRecord.created_at, AssessmentRecord.id))
            out = [assessment_view(r) for r in rows]
            audit.add(session, actor, "assessment.list", client_id=client.id)
            return out
