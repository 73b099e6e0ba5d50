"""Database fixtures for the clinic tests: every store test runs on SQLite and on PostgreSQL.

PostgreSQL tests use a throwaway database created once per test session (per xdist worker)
on the server at $HIPNAV_TEST_POSTGRES (default: the local server on 127.0.0.1:5432, which
scripts/setup.d/postgres.sh makes sure is running) and dropped at the end. Between tests
its tables are emptied, which is much faster than migrating a new database each time.
Set HIPNAV_TEST_POSTGRES=skip to run the SQLite half only.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from hipnav.store import Actor, Store

#: The password of every test account (the practitioner fixtures below).
PASSWORD = "correct horse battery"

PG_ADMIN_URL = os.environ.get("HIPNAV_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")
TABLES = ("sign_in_throttle", "clinic_setup", "recovery_code", "web_session", "audit_event", "outcome_visit", "assessment", "client",
          "practitioner")
#: Fixtures through which a test creates accounts in this process (fast hashing applies there).
_ACCOUNT_FIXTURES = {"store", "pg_store", "db_url"}
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def _admin_conninfo() -> str:
    return PG_ADMIN_URL.replace("postgresql+psycopg://", "postgresql://")


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session, dropped afterwards."""
    if PG_ADMIN_URL == "skip":
        pytest.skip("HIPNAV_TEST_POSTGRES=skip")
    import psycopg

    name = f"hipnav_test_{uuid.uuid4().hex[:12]}"
    try:
        admin = psycopg.connect(_admin_conninfo(), autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:  # pragma: no cover - the setup script starts one
        pytest.fail(f"no PostgreSQL server at {PG_ADMIN_URL} (run scripts/setup dev): {exc}")
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    base = _admin_conninfo().rsplit("/", 1)[0]
    yield f"{base}/{name}"
    with psycopg.connect(_admin_conninfo(), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


#: Connections handed back to the shared test store's pool in autocommit (see pg_store).
_LEFT_IN_AUTOCOMMIT: list[str] = []


@pytest.fixture(scope="session")
def pg_store(pg_url: str) -> Iterator[Store]:
    """One store for the session's PostgreSQL tests. A pooled connection handed back in
    autocommit would make later transactions on it commit statement by statement (``FOR
    UPDATE`` then locks nothing), so every check-in is watched and the test that did it fails."""
    from sqlalchemy import event

    store = Store.open(pg_url, pool_size=25)

    def watch(dbapi_connection: object, _record: object) -> None:
        if getattr(dbapi_connection, "autocommit", False):
            dbapi_connection.autocommit = False  # type: ignore[attr-defined]
            _LEFT_IN_AUTOCOMMIT.append("a pooled connection came back in autocommit")

    event.listen(store.engine, "checkin", watch)
    yield store
    store.close()


def empty(store: Store) -> None:
    with store.engine.begin() as conn:
        conn.exec_driver_sql("TRUNCATE " + ", ".join(TABLES) + " CASCADE")


def sqlite_url(folder: Path) -> str:
    return f"sqlite:///{folder / 'hipnav.db'}"


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def db_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """A URL to an empty, migrated database of the parametrised backend."""
    if backend == "sqlite":
        yield sqlite_url(tmp_path)
        return
    store: Store = request.getfixturevalue("pg_store")
    empty(store)
    yield request.getfixturevalue("pg_url")


@pytest.fixture
def store(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Store]:
    """An empty store on the parametrised backend."""
    if backend == "sqlite":
        s = Store.open(sqlite_url(tmp_path))
        yield s
        s.close()
        return
    pg: Store = request.getfixturevalue("pg_store")
    empty(pg)
    yield pg
    left, _LEFT_IN_AUTOCOMMIT[:] = list(_LEFT_IN_AUTOCOMMIT), []
    assert not left, left


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> None:
    """Cheap Argon2 parameters for tests that only need accounts to exist (the production
    parameters cost ~0.1 s a hash, by design). A test marked ``real_argon2`` keeps them."""
    if request.node.get_closest_marker("real_argon2") or not _ACCOUNT_FIXTURES & set(request.fixturenames):
        return
    from argon2 import PasswordHasher

    import hipnav.store.accounts as accounts

    monkeypatch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


def pytest_configure(config: pytest.Config) -> None:
    """A plugin hook (the root conftest loads this module as a plugin)."""
    config.addinivalue_line("markers", "real_argon2: keep production Argon2 parameters")
    config.addinivalue_line("markers", "slow: takes more than a few seconds (durability, concurrency)")


@pytest.fixture
def admin(store: Store) -> Actor:
    return store.accounts.create(None, "admin", PASSWORD, display_name="Admin").actor()


@pytest.fixture
def alice(store: Store, admin: Actor) -> Actor:
    return store.accounts.create(admin, "alice", PASSWORD, display_name="Alice A").actor()


@pytest.fixture
def bob(store: Store, admin: Actor) -> Actor:
    return store.accounts.create(admin, "bob", PASSWORD, display_name="Bob B").actor()
