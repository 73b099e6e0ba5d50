"""The one rule every record call shares: the acting practitioner must own the client.

A repository method opens a transaction with :meth:`Repository.transaction`, loads the
client with :func:`owned_client` and records what it did with :func:`hipnav.store.audit.add`
in the same transaction. A client that is missing or owned by someone else raises
``_Refused`` inside the transaction; :meth:`~Repository.transaction` rolls it back, writes
the denied attempt to the audit log in a transaction of its own (after the first has
released its locks: SQLite has one writer at a time) and raises :class:`NotFound`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from hipnav.store import audit
from hipnav.store.actor import Actor
from hipnav.store.errors import NotFound
from hipnav.store.schema import Client

_ID = re.compile(r"^[0-9a-f]{32}$")


class _Refused(Exception):
    def __init__(self, client_id: str | None, target_id: str | None = None) -> None:
        self.client_id = client_id
        self.target_id = target_id


def owned_client(session: Session, actor: Actor, client_id: str, *, lock: bool = False) -> Client:
    """The client if ``actor`` owns it; otherwise refuse (missing and foreign look the same)."""
    if not isinstance(client_id, str) or not _ID.match(client_id):
        raise _Refused(client_id)
    query = select(Client).where(Client.id == client_id, Client.practitioner_id == actor.id)
    if lock:
        query = query.with_for_update()
    client = session.scalar(query)
    if client is None:
        raise _Refused(client_id)
    return client


def refuse(client_id: str | None, target_id: str | None = None) -> _Refused:
    return _Refused(client_id, target_id)


def valid_id(value: object) -> bool:
    return isinstance(value, str) and bool(_ID.match(value))


class Repository:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions
        self._log = audit.AuditLog(sessions)

    @contextmanager
    def transaction(self, actor: Actor, action: str) -> Iterator[Session]:
        try:
            with self._sessions.begin() as session:
                yield session
        except _Refused as refused:
            self._log.write(actor, action, audit.DENIED, client_id=refused.client_id,
                            target_id=refused.target_id)
            raise NotFound("no such record") from None
