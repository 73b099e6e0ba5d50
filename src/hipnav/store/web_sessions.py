"""Browser sessions and the sign-in rate limit, kept in the database so that every worker
process of the web server sees the same sessions and counts the same failures.

A session cookie carries a random 256-bit token; the table keeps only its SHA-256, and the
CSRF token that every form of that session must echo. Failed sign-ins are counted per
account name and per client address (both stored as SHA-256 digests, not in clear) in a
sliding window.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from hipnav.store.actor import Actor
from hipnav.store.database import reading
from hipnav.store.schema import Practitioner, SignInFailure, WebSession, utcnow

SESSION_LIFETIME = timedelta(hours=12)
WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_NAME = 5
MAX_FAILURES_PER_ADDRESS = 20


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

    # -- rate limit ---------------------------------------------------------------------------

    def throttled(self, username: str, address: str) -> bool:
        """Whether sign-in for this name or from this address is paused after too many failures."""
        since = utcnow() - WINDOW
        name_key, addr_key = _digest("name:" + username.strip().lower()), _digest("addr:" + address)
        with reading(self._sessions) as session:
            def count(key: str) -> int:
                return int(session.scalar(select(func.count()).select_from(SignInFailure).where(
                    SignInFailure.key == key, SignInFailure.at >= since)) or 0)
            return count(name_key) >= MAX_FAILURES_PER_NAME or count(addr_key) >= MAX_FAILURES_PER_ADDRESS

    def failed(self, username: str, address: str) -> None:
        now = utcnow()
        with self._sessions.begin() as session:
            session.execute(delete(SignInFailure).where(SignInFailure.at < now - WINDOW))
            session.add(SignInFailure(key=_digest("name:" + username.strip().lower()), at=now))
            session.add(SignInFailure(key=_digest("addr:" + address), at=now))

    def succeeded(self, username: str) -> None:
        with self._sessions.begin() as session:
            session.execute(delete(SignInFailure).where(
                SignInFailure.key == _digest("name:" + username.strip().lower())))
