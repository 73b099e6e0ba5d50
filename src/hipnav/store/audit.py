"""The audit log: every read and change of a client's record, allowed or denied.

Events hold ids, action names and outcomes only (see :class:`~hipnav.store.schema.AuditEvent`).
A denied attempt is written in its own transaction, so it is kept although the action
itself is refused and rolled back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from hipnav.store.actor import Actor
from hipnav.store.database import reading
from hipnav.store.errors import Forbidden
from hipnav.store.schema import AuditEvent

OK, DENIED, FAILED, THROTTLED = "ok", "denied", "failed", "throttled"
_ID = re.compile(r"^[0-9a-f]{32}$")


def safe_id(value: str | None) -> str | None:
    """A record id as it may enter the log: a well-formed id, or a marker for anything else
    (a probe could otherwise write arbitrary text, even health data, into the log)."""
    if value is None:
        return None
    return value if _ID.match(value) else "(malformed id)"


@dataclass(frozen=True)
class Event:
    id: int
    at: datetime
    actor_id: str | None
    actor_name: str | None
    action: str
    client_id: str | None
    target_id: str | None
    outcome: str
    channel: str


def add(session: Session, actor: Actor | None, action: str, outcome: str = OK, *,
        client_id: str | None = None, target_id: str | None = None,
        channel: str | None = None) -> None:
    """Add an event to the caller's transaction (kept only if it commits)."""
    session.add(AuditEvent(
        actor_id=actor.id if actor else None, actor_name=actor.username if actor else None,
        action=action, client_id=safe_id(client_id), target_id=safe_id(target_id), outcome=outcome,
        channel=channel or (actor.channel if actor else "web")))


class AuditLog:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def write(self, actor: Actor | None, action: str, outcome: str, *, client_id: str | None = None,
              target_id: str | None = None, channel: str | None = None) -> None:
        """Write one event in a transaction of its own (used for refusals)."""
        with self._sessions.begin() as session:
            add(session, actor, action, outcome, client_id=client_id, target_id=target_id,
                channel=channel)

    def events(self, actor: Actor, *, client_id: str | None = None, actor_id: str | None = None,
               limit: int = 200) -> list[Event]:
        """The newest events first. Only an admin reads the whole log; a practitioner reads
        the events of their own clients through the client's record export."""
        if not actor.is_admin:
            raise Forbidden("only an admin reads the audit log")
        query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
        if client_id is not None:
            query = query.where(AuditEvent.client_id == client_id)
        if actor_id is not None:
            query = query.where(AuditEvent.actor_id == actor_id)
        with reading(self._sessions) as session:
            return [to_event(e) for e in session.scalars(query)]


def to_event(e: AuditEvent) -> Event:
    return Event(e.id, e.at, e.actor_id, e.actor_name, e.action, e.client_id, e.target_id,
                 e.outcome, e.channel)


def client_events(session: Session, client_id: str) -> list[Event]:
    query = select(AuditEvent).where(AuditEvent.client_id == client_id).order_by(AuditEvent.id)
    return [to_event(e) for e in session.scalars(query)]
