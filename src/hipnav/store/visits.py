"""Outcome measures recorded at each visit (NPRS, PSFS, HOOS-12), scored on entry.

Scores are computed by :mod:`hipnav.outcomes` when the visit is saved and stored beside the
answers, so a chart reads numbers and the answers stay available to re-score if a scoring
rule is ever corrected.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from hipnav.bad_input import BadInput
from hipnav.json_input import check_text
from hipnav.outcomes import score_hoos12, score_psfs, validate_nprs
from hipnav.outcomes.hoos12 import parse_answers
from hipnav.outcomes.psfs import parse_activities
from hipnav.store import audit
from hipnav.store.actor import Actor
from hipnav.store.repository import Repository, owned_client, refuse, valid_id
from hipnav.store.schema import Client, OutcomeVisit


@dataclass(frozen=True)
class VisitView:
    id: str
    client_id: str
    visit_date: date
    nprs: int | None
    psfs: list[dict[str, Any]] | None
    psfs_mean: float | None
    hoos12: dict[str, int] | None
    hoos12_pain: float | None
    hoos12_function: float | None
    hoos12_qol: float | None
    hoos12_summary: float | None
    note: str | None
    created_at: datetime

    def to_json(self) -> dict[str, object]:
        return {"id": self.id, "visit_date": self.visit_date.isoformat(), "nprs": self.nprs,
                "psfs": self.psfs, "psfs_mean": self.psfs_mean, "hoos12": self.hoos12,
                "hoos12_scores": {"pain": self.hoos12_pain, "function": self.hoos12_function,
                                  "qol": self.hoos12_qol, "summary": self.hoos12_summary},
                "note": self.note, "created_at": self.created_at.isoformat()}


def visit_view(v: OutcomeVisit) -> VisitView:
    return VisitView(v.id, v.client_id, v.visit_date, v.nprs, v.psfs, v.psfs_mean, v.hoos12,
                     v.hoos12_pain, v.hoos12_function, v.hoos12_qol, v.hoos12_summary, v.note,
                     v.created_at)


class Visits(Repository):
    def record(self, actor: Actor, client_id: str, visit_date: date, *, nprs: object = None,
               psfs: Sequence[object] | None = None, hoos12: Mapping[str, object] | None = None,
               note: str | None = None) -> VisitView:
        """Save one visit's measures; at least one measure is needed."""
        values = _scored(visit_date, nprs, psfs, hoos12, note)
        with self.transaction(actor, "outcome.create") as session:
            client = owned_client(session, actor, client_id)
            visit = OutcomeVisit(client_id=client.id, **values)
            session.add(visit)
            session.flush()
            audit.add(session, actor, "outcome.create", client_id=client.id, target_id=visit.id)
            return visit_view(visit)

    def list(self, actor: Actor, client_id: str) -> list[VisitView]:
        """The client's visits in date order (for the chart and the report's trend)."""
        with self.transaction(actor, "outcome.list") as session:
            client = owned_client(session, actor, client_id)
            rows = session.scalars(select(OutcomeVisit).where(OutcomeVisit.client_id == client.id)
                                   .order_by(OutcomeVisit.visit_date, OutcomeVisit.created_at))
            out = [visit_view(v) for v in rows]
            audit.add(session, actor, "outcome.list", client_id=client.id)
            return out

    def delete(self, actor: Actor, visit_id: str) -> None:
        with self.transaction(actor, "outcome.delete") as session:
            visit = None
            if valid_id(visit_id):
                visit = session.scalar(select(OutcomeVisit).join(Client).where(
                    OutcomeVisit.id == visit_id, Client.practitioner_id == actor.id))
            if visit is None:
                raise refuse(None, visit_id)
            audit.add(session, actor, "outcome.delete", client_id=visit.client_id, target_id=visit.id)
            session.delete(visit)


MAX_NOTE = 5000


def _note(note: object) -> str | None:
    if note is None:
        return None
    if not isinstance(note, str):
        raise BadInput("note", "must be text")
    if len(note) > MAX_NOTE:
        raise BadInput("note", f"must be at most {MAX_NOTE} characters")
    return check_text(note, "note").strip() or None


def _scored(visit_date: date, nprs: object, psfs: Sequence[object] | None,
            hoos12: Mapping[str, object] | None, note: str | None) -> dict[str, Any]:
    if not isinstance(visit_date, date) or isinstance(visit_date, datetime):
        raise BadInput("visit_date", "must be a date")
    if visit_date > datetime.now(UTC).date() + timedelta(days=1):
        raise BadInput("visit_date", "cannot be in the future")
    values: dict[str, Any] = {"visit_date": visit_date, "note": _note(note)}
    if nprs is not None and nprs != "":
        values["nprs"] = validate_nprs(nprs)
    if psfs:
        activities = parse_activities(psfs)
        values["psfs"] = [a.to_json() for a in activities]
        values["psfs_mean"] = score_psfs(activities)
    if hoos12:
        answers = parse_answers(hoos12)
        if answers:
            scores = score_hoos12(answers)
            values.update(hoos12=answers, hoos12_pain=scores.pain, hoos12_function=scores.function,
                          hoos12_qol=scores.qol, hoos12_summary=scores.summary)
    if not any(k in values for k in ("nprs", "psfs", "hoos12")):
        raise BadInput("visit", "record at least one measure (NPRS, PSFS or HOOS-12)")
    return values
