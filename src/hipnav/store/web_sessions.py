"""Browser sessions, kept in the database so that every worker process of the web server
sees the same sessions (the sign-in limits are :mod:`hipnav.store.sign_in_limits`).

A session cookie carries a random 256-bit token; the table keeps only its SHA-256, and the
CSRF token that every form of that session must echo.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from hipnav.store.actor import Actor
from hipnav.store.database import reading
from hipnav.store.schema import Practitioner, WebSession, utcnow

SESSION_LIFETIME = timedelta(hours=12)


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


@dataclass(frozen=True)
class SignedIn:
    actor: Actor
    display_name: str
    csrf_token: str


class WebSessions:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def start(self, account_id: str) -> tuple[str, str]:
        """A new session for the account: (cookie token, CSRF token)."""
        token = secrets.token_urlsafe(32)
        csrf = secrets.token_urlsafe(32)
        now = utcnow()
        with self._sessions.begin() as session:
            session.execute(delete(WebSession).where(WebSession.expires_at < now))
            session.add(WebSession(token_hash=_digest(token), practitioner_id=account_id,
                                   csrf_token=csrf, created_at=now, expires_at=now + SESSION_LIFETIME))
        return token, csrf

    def lookup(self, token: str | None, channel: str = "web") -> SignedIn | None:
        """The signed-in account for a cookie token, if the session is live and the account active."""
        if not token or len(token) > 100:
            return None
        with reading(self._sessions) as session:
            row = session.execute(
                select(WebSession, Practitioner).join(Practitioner)
                .where(WebSession.token_hash == _digest(token))).first()
            if row is None:
                return None
            web, p = row
            if web.expires_at < utcnow() or not p.active:
                return None
            return SignedIn(Actor(p.id, p.username, p.role, channel), p.display_name, web.csrf_token)

    def end(self, token: str | None) -> None:
        if not token:
            return
        with self._sessions.begin() as session:
            session.execute(delete(WebSession).where(WebSession.token_hash == _digest(token)))

    def end_all(self, account_id: str) -> None:
        """Sign an account out everywhere (after a password change or deactivation)."""
        with self._sessions.begin() as session:
            session.execute(delete(WebSession).where(WebSession.practitioner_id == account_id))
