"""The schema comes from the packaged Alembic migrations, and the ORM classes match them."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from hipnav.store import Store
from hipnav.store.database import resolve_url
from hipnav.store.schema import Base
from tests.dbs import TABLES


def _head() -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from hipnav.store.database import MIGRATIONS

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    head = ScriptDirectory.from_config(cfg).get_current_head()
    assert head is not None
    return head


def test_open_migrates_to_head_and_is_idempotent(db_url: str) -> None:
    first = Store.open(db_url)
    second = Store.open(db_url)  # a second start finds nothing to do
    tables = set(inspect(second.engine).get_table_names())
    assert set(TABLES) | {"alembic_version"} <= tables
    with second.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == _head()
    first.close()
    second.close()


def test_orm_classes_match_the_migrations(store: Store) -> None:
    with store.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": False})
        diff = compare_metadata(ctx, Base.metadata)
    assert diff == []


def test_sqlite_pragmas(tmp_path) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'p.db'}")
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA secure_delete").scalar() == 1
    store.close()


def test_urls(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    monkeypatch.delenv("HIPNAV_DATABASE_URL", raising=False)
    assert resolve_url() == f"sqlite:///{tmp_path / 'hipnav' / 'hipnav.db'}"
    monkeypatch.setenv("HIPNAV_DATABASE_URL", "postgresql://u@h:5432/d")
    assert resolve_url() == "postgresql+psycopg://u@h:5432/d"
    assert resolve_url("postgres://u@h/d") == "postgresql+psycopg://u@h/d"


def test_sqlite_reads_do_not_wait_for_the_writer(tmp_path) -> None:
    """Session lookups and account checks run on every request: they must not queue behind
    a write transaction (WAL readers never block; only writers take BEGIN IMMEDIATE)."""
    import time

    store = Store.open(f"sqlite:///{tmp_path / 'r.db'}")
    ana = store.accounts.create(None, "ana", "a long password")
    with store.engine.connect() as writer:  # holds the write lock (BEGIN IMMEDIATE)
        writer.exec_driver_sql("UPDATE practitioner SET display_name = 'x'")
        start = time.monotonic()
        assert store.accounts.get(ana.id) is not None
        assert store.web_sessions.lookup("no such token") is None
        assert store.accounts.count() == 1
        assert time.monotonic() - start < 1.0
        writer.rollback()
    store.close()
