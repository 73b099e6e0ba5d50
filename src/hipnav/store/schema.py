"""The tables, as SQLAlchemy 2 typed ORM classes.

The schema itself is created by the migrations in ``migrations/``; these classes must match
them (a test compares the two with Alembic's autogenerate diff). Identifiers of people's
records are random (uuid4 hex), so an id reveals nothing and cannot be guessed by counting.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

ROLES = ("admin", "practitioner")
SEXES = ("female", "male", "other", "unknown")


def new_id() -> str:
    return uuid.uuid4().hex


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp on every backend (SQLite keeps no zone of its own)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; hipnav stores UTC")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


#: JSON documents: JSONB on PostgreSQL (compact, indexable), JSON text on SQLite.
Document = JSON().with_variant(JSONB(), "postgresql")
#: An auto-incrementing 64-bit key (SQLite only auto-increments INTEGER PRIMARY KEY).
BigKey = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    pass


class Practitioner(Base):
    """An account: a massage therapist, physiotherapist or other practitioner, or an admin."""

    __tablename__ = "practitioner"
    __table_args__ = (UniqueConstraint("username", name="uq_practitioner_username"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    username: Mapped[str] = mapped_column(String(64))
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16), default="practitioner")
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    totp_secret: Mapped[str | None] = mapped_column(String(64))  # base32; None: no second factor
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)  # the last code's time step, used once


class Client(Base):
    """A person a practitioner sees. Owned by exactly one practitioner."""

    __tablename__ = "client"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    practitioner_id: Mapped[str] = mapped_column(ForeignKey("practitioner.id", ondelete="RESTRICT"),
                                                 index=True)
    display_name: Mapped[str] = mapped_column(String(200))
    reference: Mapped[str | None] = mapped_column(String(64))  # the practice's own record number
    birth_year: Mapped[int | None] = mapped_column(Integer)
    sex: Mapped[str | None] = mapped_column(String(16))
    contact: Mapped[str | None] = mapped_column(String(200))
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    assessments: Mapped[list[AssessmentRecord]] = relationship(
        back_populates="client", cascade="all, delete-orphan", passive_deletes=True,
        order_by="AssessmentRecord.created_at")
    visits: Mapped[list[OutcomeVisit]] = relationship(
        back_populates="client", cascade="all, delete-orphan", passive_deletes=True,
        order_by="OutcomeVisit.visit_date")


class AssessmentRecord(Base):
    """One assessment exactly as it was shown: the case, the whole result, the KB version."""

    __tablename__ = "assessment"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    client_id: Mapped[str] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    kb_version: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(String(16), default="web")  # web, import, api, cli
    case: Mapped[dict[str, Any]] = mapped_column(Document)
    result: Mapped[dict[str, Any]] = mapped_column(Document)

    client: Mapped[Client] = relationship(back_populates="assessments")


class OutcomeVisit(Base):
    """Outcome measures taken at one visit; any of the three may be missing."""

    __tablename__ = "outcome_visit"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    client_id: Mapped[str] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"), index=True)
    visit_date: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    nprs: Mapped[int | None] = mapped_column(Integer)
    psfs: Mapped[list[dict[str, Any]] | None] = mapped_column(Document)  # [{activity, score}]
    psfs_mean: Mapped[float | None] = mapped_column(Float)
    hoos12: Mapped[dict[str, int] | None] = mapped_column(Document)  # item id -> 0..4
    hoos12_pain: Mapped[float | None] = mapped_column(Float)
    hoos12_function: Mapped[float | None] = mapped_column(Float)
    hoos12_qol: Mapped[float | None] = mapped_column(Float)
    hoos12_summary: Mapped[float | None] = mapped_column(Float)
    note: Mapped[str | None] = mapped_column(Text)

    client: Mapped[Client] = relationship(back_populates="visits")


class AuditEvent(Base):
    """Who did what to which record, when, and whether it was allowed.

    Holds ids and action names only, never health data or search text, so the log can be
    kept (and shown to an auditor) after a client's record is deleted.
    """

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_client_at", "client_id", "at"),)

    id: Mapped[int] = mapped_column(BigKey, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[str | None] = mapped_column(String(32))  # no FK: the log outlives accounts
    actor_name: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(40))
    client_id: Mapped[str | None] = mapped_column(String(64))
    target_id: Mapped[str | None] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(16))  # ok, denied, failed, throttled
    channel: Mapped[str] = mapped_column(String(16), default="api")  # web, api, cli


class WebSession(Base):
    """A signed-in browser. The cookie holds a random token; only its SHA-256 is stored, so
    a copy of the database cannot be used to sign in."""

    __tablename__ = "web_session"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    practitioner_id: Mapped[str] = mapped_column(ForeignKey("practitioner.id", ondelete="CASCADE"),
                                                 index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: ``signed_in``, or ``second_factor``: the password was right and a code is awaited.
    stage: Mapped[str] = mapped_column(String(16), default="signed_in", server_default="signed_in")


class RecoveryCode(Base):
    """A one-time recovery code for the second factor, stored as a salted SHA-256 (ASVS
    4.0.3 2.6.2): a lost phone need not lock an account out."""

    __tablename__ = "recovery_code"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    practitioner_id: Mapped[str] = mapped_column(ForeignKey("practitioner.id", ondelete="CASCADE"),
                                                 index=True)
    code_hash: Mapped[str] = mapped_column(String(100))  # salt hex $ sha256 hex
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SignInThrottle(Base):
    """Failed sign-ins counted under one key (an account name from unknown browsers, an
    address, a name-and-address pair, a device cookie, a second-factor step), and until when
    the next attempt under it must wait. Keys are SHA-256 digests, never names or addresses
    in clear. See :mod:`hipnav.store.sign_in_limits`."""

    __tablename__ = "sign_in_throttle"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    blocked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ClinicSetup(Base):
    """One row, written in the same transaction as the very first account: its primary key
    lets exactly one first-account set-up commit, whatever the timing, on both engines."""

    __tablename__ = "clinic_setup"
    __table_args__ = (CheckConstraint("id = 1", name="ck_clinic_setup_one_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    done_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
