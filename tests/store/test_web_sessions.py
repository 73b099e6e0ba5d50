"""Browser sessions in the database: they end after 12 hours whatever the activity (OWASP
ASVS 4.0.3 3.3.2), and a session waiting for a second-factor code signs nobody in."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from hipnav.store import Actor, Store
from hipnav.store.schema import WebSession, utcnow
from hipnav.store.web_sessions import SECOND_FACTOR, SESSION_LIFETIME


def test_sessions_end_after_twelve_hours(store: Store, alice: Actor) -> None:
    assert timedelta(hours=12) == SESSION_LIFETIME
    token, _csrf = store.web_sessions.start(alice.id)
    assert store.web_sessions.lookup(token) is not None
    with store.engine.begin() as conn:  # as if 12 hours had passed since it started
        conn.execute(update(WebSession).values(expires_at=utcnow() - timedelta(seconds=1)))
    assert store.web_sessions.lookup(token) is None


def test_a_session_waiting_for_a_code_is_no_sign_in(store: Store, alice: Actor) -> None:
    token, _csrf = store.web_sessions.start(alice.id, SECOND_FACTOR)
    assert store.web_sessions.lookup(token) is None
    waiting = store.web_sessions.lookup(token, "web", SECOND_FACTOR)
    assert waiting is not None and waiting.actor.id == alice.id
