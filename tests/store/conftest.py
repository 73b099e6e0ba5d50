"""Store tests run on both backends; see tests/dbs.py."""
# ruff: noqa: F401, F811  (fixtures are imported by name so pytest finds them here)

from __future__ import annotations

import pytest

from hipnav.store import Actor, Store
from tests.dbs import (
    PASSWORD,
    admin,
    alice,
    backend,
    bob,
    db_url,
    fast_password_hashing,
    pg_store,
    pg_url,
    register_markers,
    store,
)


def pytest_configure(config: pytest.Config) -> None:
    register_markers(config)


