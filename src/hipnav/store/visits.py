"""Outcome measures recorded at each visit (NPRS, PSFS, HOOS-12), scored on entry.

Scores are computed by :mod:`hipnav.outcomes` when the visit is saved and stored beside the
answers, so a chart reads numbers and the answers stay available to re-score if a scoring
rule is ever corrected.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from hipnav.bad_input import BadInput, every
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
    def record(self, actor: Actor, client_id: str, visit_date: date | None, *, nprs: object = None,
               psfs: Sequence[object] | None = None, hoos12: Mapping[str, object] | None = None,
               note: str | None = None) -> VisitView:
        """Save one visit's measures; at least one measure is needed (no date is refused with
        the rest checked, as a form's missing date is)."""
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


def _scored(visit_date: date | None, nprs: object, psfs: Sequence[object] | None,
            hoos12: Mapping[str, object] | None, note: str | None) -> dict[str, Any]:
    """The visit's values, scored; every refused field is reported at once (``also``)."""
    refused: list[BadInput] = []
    values: dict[str, Any] = {}

    def check(field: str, read: Callable[[], Any]) -> None:
        try:
            values[field] = read()
        except BadInput as exc:
            refused.append(exc)

    check("visit_date", lambda: _visit_date(visit_date))
    check("note", lambda: _note(note))
    if nprs is not None and nprs != "":
        check("nprs", lambda: validate_nprs(nprs))
    if psfs:
        check("psfs", lambda: parse_activities(psfs))
    if hoos12:
        check("hoos12", lambda: parse_answers(hoos12) or None)
    if refused:
        raise every(refused)
    if values.get("psfs") is not None:
        activities = values.pop("psfs")
        values["psfs"] = [a.to_json() for a in activities]
        values["psfs_mean"] = score_psfs(activities)
    answers = values.pop("hoos12", None)
    if answers:
        scores = score_hoos12(answers)
        values.update(hoos12=answers, hoos12_pain=scores.pain, hoos12_function=scores.function,
                      hoos12_qol=scores.qol, hoos12_summary=scores.summary)
    if not any(k in values for k in ("nprs", "psfs", "hoos12")):
        raise BadInput("visit", "record at least one measure (NPRS, PSFS or HOOS-12)")
    return values


def _visit_date(visit_date: object) -> date:
    if not isinstance(visit_date, date) or isinstance(visit_date, datetime):
        raise BadInput("visit_date", "must be a date")
    if visit_date > datetime.now(UTC).date() + timedelta(days=1):
        raise BadInput("visit_date", "cannot be in the future")
    return visit_date
