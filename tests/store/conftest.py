"""Store tests run on both backends; see tests/dbs.py."""
# ruff: noqa: F401, F811  (fixtures are imported by name so pytest finds them here)

from __future__ import annotations

import pytest

from hipnav.store import Actor, Store
from tests.dbs import backend, db_url, fast_password_hashing, pg_store, pg_url, register_markers, store

PASSWORD = "correct horse battery"


def pytest_configure(config: pytest.Config) -> None:
    register_markers(config)


@pytest.fixture
def admin(store: Store) -> Actor:
    return store.accounts.create(None, "admin", PASSWORD, display_name="Admin").actor()


@pytest.fixture
def alice(store: Store, admin: Actor) -> Actor:
    return store.accounts.create(admin, "alice", PASSWORD, display_name="Alice A").actor()


@pytest.fixture
def bob(store: Store, admin: Actor) -> Actor:
    return store.accounts.create(admin, "bob", PASSWORD, display_name="Bob B").actor()
