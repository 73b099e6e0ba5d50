"""hipnav's clinic data layer: one SQLAlchemy 2 store on SQLite (default) or PostgreSQL.

    store = Store.open()                       # $HIPNAV_DATABASE_URL or the SQLite default
    admin = store.accounts.create(None, "ana", "a long password").actor()
    client = store.clients.create(admin, display_name="J. S.")
    store.assessments.save(admin, client.id, case_json, result_document)

Every call that reads or changes a client's record takes the acting practitioner
(:class:`Actor`), enforces ownership (another practitioner's record is :class:`NotFound`,
exactly like a missing one) and writes the audit log. The schema is migrated to the newest
revision when the store opens.
"""

from __future__ import annotations

from sqlalchemy import Engine
from sqlalchemy.orm import sessionmaker

from hipnav.store.accounts import Account, Accounts
from hipnav.store.actor import Actor
from hipnav.store.assessments import Assessments, AssessmentView
from hipnav.store.audit import AuditLog, Event
from hipnav.store.clients import Clients, ClientView
from hipnav.store.database import make_engine, migrate, resolve_url
from hipnav.store.errors import AccountError, Forbidden, NotFound, StoreError
from hipnav.store.records import EXPORT_FORMAT, Records
from hipnav.store.second_factor import SecondFactor
from hipnav.store.sign_in_limits import SignInLimits
from hipnav.store.visits import Visits, VisitView
from hipnav.store.web_sessions import WebSessions


class Store:
    """The repositories over one engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        sessions = sessionmaker(engine, expire_on_commit=False)
        self.accounts = Accounts(sessions)
        self.clients = Clients(sessions)
        self.assessments = Assessments(sessions)
        self.visits = Visits(sessions)
        self.records = Records(sessions, engine)
        self.audit = AuditLog(sessions)
        self.web_sessions = WebSessions(sessions)
        self.sign_in_limits = SignInLimits(sessions)
        self.second_factor = SecondFactor(sessions)

    @classmethod
    def open(cls, url: str | None = None, *, pool_size: int = 10, upgrade: bool = True) -> Store:
        """Connect to ``url`` (see :func:`resolve_url`) and apply pending migrations."""
        engine = make_engine(url, pool_size=pool_size)
        if upgrade:
            migrate(engine)
        return cls(engine)

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    def close(self) -> None:
        self.engine.dispose()


__all__ = ["EXPORT_FORMAT", "Account", "AccountError", "Actor", "AssessmentView", "ClientView", "Event",
           "Forbidden", "NotFound", "Store", "StoreError", "VisitView", "resolve_url"]
