"""Accounts: the first is an admin, only admins manage accounts, passwords are argon2."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from hipnav.bad_input import BadInput
from hipnav.store import AccountError, Actor, Forbidden, Store
from hipnav.store.schema import Practitioner
from tests.dbs import PASSWORD


def test_first_account_is_admin_and_later_ones_need_an_admin(store: Store) -> None:
    first = store.accounts.create(None, "Root.User", PASSWORD)
    assert first.role == "admin" and first.username == "root.user"
    with pytest.raises(Forbidden):
        store.accounts.create(None, "mallory", PASSWORD)
    second = store.accounts.create(first.actor(), "pat", PASSWORD)
    assert second.role == "practitioner"
    with pytest.raises(Forbidden):
        store.accounts.create(second.actor(), "eve", PASSWORD)
    with pytest.raises(AccountError):
        store.accounts.create(first.actor(), "pat", PASSWORD)
    denied = [e for e in store.audit.events(first.actor()) if e.outcome == "denied"]
    assert [e.action for e in denied] == ["account.create", "account.create"]


@pytest.mark.real_argon2
def test_passwords_are_argon2id_hashes_and_checked(store: Store, admin: Actor) -> None:
    with store.engine.connect() as conn:
        stored = conn.execute(select(Practitioner.password_hash)).scalar_one()
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$") and PASSWORD not in stored
    assert store.accounts.authenticate("ADMIN ", PASSWORD) is not None
    assert store.accounts.authenticate("admin", PASSWORD + "x") is None
    assert store.accounts.authenticate("nobody", PASSWORD) is None


def test_input_rules(store: Store) -> None:
    with pytest.raises(BadInput) as exc:
        store.accounts.create(None, "ok-name", "short")
    assert exc.value.field == "password"
    with pytest.raises(BadInput) as exc:
        store.accounts.create(None, "bad name!", PASSWORD)
    assert exc.value.field == "username"


def test_deactivated_accounts_cannot_sign_in_and_last_admin_is_kept(store: Store, admin: Actor,
                                                                     alice: Actor) -> None:
    store.accounts.update(admin, alice.id, active=False)
    assert store.accounts.authenticate("alice", PASSWORD) is None
    with pytest.raises(AccountError):
        store.accounts.update(admin, admin.id, role="practitioner")
    store.accounts.update(admin, alice.id, active=True, role="admin")
    alice_now = store.accounts.get(alice.id).actor()  # type: ignore[union-attr]  # roles load per request
    store.accounts.update(alice_now, admin.id, role="practitioner")  # another admin remains
    assert store.accounts.get(admin.id).role == "practitioner"  # type: ignore[union-attr]


def test_password_changes(store: Store, admin: Actor, alice: Actor) -> None:
    with pytest.raises(BadInput):
        store.accounts.set_password(alice, alice.id, "a new long password", "wrong")
    store.accounts.set_password(alice, alice.id, "a new long password", PASSWORD)
    assert store.accounts.authenticate("alice", "a new long password")
    with pytest.raises(Forbidden):
        store.accounts.set_password(alice, admin.id, "taking over the admin")
    store.accounts.set_password(admin, alice.id, "reset by the admin")
    assert store.accounts.authenticate("alice", "reset by the admin")


def test_only_admins_list_accounts(store: Store, admin: Actor, alice: Actor) -> None:
    assert [a.username for a in store.accounts.list(admin)] == ["admin", "alice"]
    with pytest.raises(Forbidden):
        store.accounts.list(alice)
