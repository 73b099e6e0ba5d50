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
#: How long a right password waits for its second-factor code.
CODE_LIFETIME = timedelta(minutes=5)
SIGNED_IN, SECOND_FACTOR = "signed_in", "second_factor"


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


@dataclass(frozen=True)
class SignedIn:
    actor: Actor
    display_name: str
    csrf_token: str
    two_factor: bool = False


class WebSessions:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def start(self, account_id: str, stage: str = SIGNED_IN) -> tuple[str, str]:
        """A new session for the account: (cookie token, CSRF token). At the
        :data:`SECOND_FACTOR` stage it only waits, briefly, for the account's code."""
        token = secrets.token_urlsafe(32)
        csrf = secrets.token_urlsafe(32)
        now = utcnow()
        lifetime = SESSION_LIFETIME if stage == SIGNED_IN else CODE_LIFETIME
        with self._sessions.begin() as session:
            session.execute(delete(WebSession).where(WebSession.expires_at < now))
            session.add(WebSession(token_hash=_digest(token), practitioner_id=account_id, stage=stage,
                                   csrf_token=csrf, created_at=now, expires_at=now + lifetime))
        return token, csrf

    def lookup(self, token: str | None, channel: str = "web", stage: str = SIGNED_IN) -> SignedIn | None:
        """The account a cookie token stands for, if its session is live, at ``stage``, and
        the account active (a session waiting for a code signs nobody in)."""
        if not token or len(token) > 100:
            return None
        with reading(self._sessions) as session:
            row = session.execute(
                select(WebSession, Practitioner).join(Practitioner)
                .where(WebSession.token_hash == _digest(token))).first()
            if row is None:
                return None
            web, p = row
            if web.expires_at < utcnow() or not p.active or web.stage != stage:
                return None
            return SignedIn(Actor(p.id, p.username, p.role, channel), p.display_name, web.csrf_token,
                            p.totp_secret is not None)

    def end(self, token: str | None) -> None:
        if not token:
            return
        with self._sessions.begin() as session:
            session.execute(delete(WebSession).where(WebSession.token_hash == _digest(token)))

    def end_all(self, account_id: str) -> None:
        """Sign an account out everywhere (after a password change or deactivation)."""
        with self._sessions.begin() as session:
            session.execute(delete(WebSession).where(WebSession.practitioner_id == account_id))
