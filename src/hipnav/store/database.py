"""Where the data lives and how to connect: one SQLAlchemy engine from one URL.

* Default: a SQLite file in the user's data folder (``$XDG_DATA_HOME/hipnav/hipnav.db``,
  else ``~/.local/share/hipnav/hipnav.db``), for one practitioner on one machine.
* ``HIPNAV_DATABASE_URL=postgresql://user@host/db`` for a clinic whose practitioners share a
  server; the URL is mapped to the psycopg 3 driver (``postgresql+psycopg://``).

SQLite is opened in WAL mode (readers never block the writer, and a crash mid-write leaves
the last committed state) with ``synchronous=FULL`` (each acknowledged commit is on disk,
power loss included; health records are worth the fsync: about 3,300 commits/s here, see
shared/research/peer-bench.md section 3), foreign keys on (SQLite leaves them off by
default, which would silently break the cascade that deletes a client's whole record),
``secure_delete`` on (deleted records are overwritten, not left in free pages) and a busy
timeout so concurrent writers wait instead of failing.

The schema is created and upgraded only by the Alembic migrations in ``migrations/``
(:func:`migrate`), never by ad-hoc DDL.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

ENV_URL = "HIPNAV_DATABASE_URL"
MIGRATIONS = Path(__file__).parent / "migrations"
READ_ONLY = "hipnav_read_only"
MIGRATION_LOCK = 0x68697076  # "hipv": the advisory lock key that serialises migrations


def data_dir() -> Path:
    """The user's data folder for hipnav (created on first use, private to the user)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    path = Path(base) / "hipnav"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def default_url() -> str:
    return f"sqlite:///{data_dir() / 'hipnav.db'}"


def resolve_url(url: str | None = None) -> str:
    """The URL to use: the argument, else $HIPNAV_DATABASE_URL, else the SQLite default.

    ``postgresql://`` and ``postgres://`` name the psycopg 3 driver explicitly, since
    SQLAlchemy would otherwise look for psycopg2, which hipnav does not install.
    """
    url = url or os.environ.get(ENV_URL) or default_url()
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA secure_delete=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def _sqlite_begin(conn: Any) -> None:
    # BEGIN IMMEDIATE takes the write lock at the start of the transaction, so two writers
    # never both read and then fail to upgrade their lock (SQLITE_BUSY mid-transaction,
    # which busy_timeout cannot retry); they queue on busy_timeout instead. Read-only
    # transactions (see :func:`reading`) take no lock at all: WAL readers never wait.
    if conn.get_execution_options().get(READ_ONLY):
        conn.exec_driver_sql("BEGIN")
        return
    conn.exec_driver_sql("BEGIN IMMEDIATE")


@contextmanager
def reading(sessions: sessionmaker[Session]) -> Iterator[Session]:
    """A session for reads only (session lookups, account checks): on SQLite it does not
    queue behind writers for the write lock."""
    with sessions() as session:
        session.connection(execution_options={READ_ONLY: True})
        yield session


def conflict_insert(session: Session, model: type[Any]) -> Any:
    """``INSERT`` into ``model``'s table in the session's dialect, so that
    ``.on_conflict_do_nothing()`` / ``.on_conflict_do_update()`` (spelt alike by PostgreSQL
    and SQLite) can settle a race in one statement instead of check-then-insert."""
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(model)
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(model)


def make_engine(url: str | None = None, *, pool_size: int = 10) -> Engine:
    """An engine for ``url`` (see :func:`resolve_url`), with the settings described above."""
    resolved = resolve_url(url)
    parsed = make_url(resolved)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(resolved, connect_args={"check_same_thread": False, "isolation_level": None},
                               pool_size=pool_size, max_overflow=pool_size)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(resolved, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True)


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` with the packaged Alembic migrations."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # Several web workers start at once: one migrates, the others wait and find
            # nothing left to do. (SQLite serialises them with BEGIN IMMEDIATE already.)
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
