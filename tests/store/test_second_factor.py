"""The second factor in the store, on both engines: turned on only with a right code, each
TOTP step's code used once (even by racing workers), recovery codes used once, salted and
hashed, and who may turn it off (issue 15, finding 12)."""

from __future__ import annotations

import threading
import time

import pyotp
import pytest
from sqlalchemy import select

from hipnav.bad_input import BadInput
from hipnav.store import AccountError, Actor, Forbidden, Store
from hipnav.store.schema import RecoveryCode
from hipnav.store.second_factor import new_secret, provisioning_uri


def test_turned_on_only_with_the_apps_code(store: Store, alice: Actor) -> None:
    secret = new_secret()
    assert len(secret) == 32
    assert provisioning_uri(secret, "alice").startswith("otpauth://totp/hipnav:alice?secret=")
    with pytest.raises(BadInput) as exc:
        store.second_factor.enable(alice, secret, "123456" if pyotp.TOTP(secret).now() != "123456" else "654321")
    assert exc.value.field == "code" and not store.second_factor.enabled(alice.id)
    codes = store.second_factor.enable(alice, secret, pyotp.TOTP(secret).now())
    assert len(codes) == 10 and len(set(codes)) == 10
    assert store.second_factor.enabled(alice.id) and store.accounts.get(alice.id).two_factor  # type: ignore[union-attr]
    with store.engine.connect() as conn:
        stored = conn.execute(select(RecoveryCode.code_hash)).scalars().all()
    assert len(stored) == 10 and not any(c.replace("-", "") in h for c in codes for h in stored)


def test_each_codes_step_is_used_once(store: Store, alice: Actor) -> None:
    secret = new_secret()
    now = time.time()
    store.second_factor.enable(alice, secret, pyotp.TOTP(secret).at(now))
    later = now + 30
    code = pyotp.TOTP(secret).at(later)
    assert store.second_factor.verify(alice.id, code, now=later)
    assert not store.second_factor.verify(alice.id, code, now=later)  # the same code again
    assert not store.second_factor.verify(alice.id, pyotp.TOTP(secret).at(now), now=later)  # an older one
    assert not store.second_factor.verify(alice.id, pyotp.TOTP(secret).at(later + 120), now=later)  # too far ahead
    assert store.second_factor.verify(alice.id, pyotp.TOTP(secret).at(later + 30), now=later + 30)


def test_racing_workers_accept_a_code_once(store: Store, alice: Actor) -> None:
    secret = new_secret()
    now = time.time()
    store.second_factor.enable(alice, secret, pyotp.TOTP(secret).at(now - 30))
    code = pyotp.TOTP(secret).at(now)
    barrier = threading.Barrier(8)
    results: list[bool] = []

    def one() -> None:
        barrier.wait()
        results.append(store.second_factor.verify(alice.id, code, now=now))

    threads = [threading.Thread(target=one) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False] * 7 + [True]


def test_recovery_codes_work_once(store: Store, alice: Actor) -> None:
    secret = new_secret()
    codes = store.second_factor.enable(alice, secret, pyotp.TOTP(secret).now())
    assert store.second_factor.verify(alice.id, codes[3].upper().replace("-", " "))
    assert not store.second_factor.verify(alice.id, codes[3])
    assert store.second_factor.recovery_codes_left(alice.id) == 9
    assert not store.second_factor.verify(alice.id, "abcd-efgh-jkmn")


def test_who_may_turn_it_off(store: Store, admin: Actor, alice: Actor, bob: Actor) -> None:
    for actor in (admin, alice):
        secret = new_secret()
        store.second_factor.enable(actor, secret, pyotp.TOTP(secret).now())
    with pytest.raises(AccountError):
        store.second_factor.disable(admin, admin.id)  # an admin keeps it
    with pytest.raises(Forbidden):
        store.second_factor.disable(bob, alice.id)
    store.second_factor.disable(alice, alice.id)
    assert not store.second_factor.enabled(alice.id)
    store.second_factor.enable(alice, secret := new_secret(), pyotp.TOTP(secret).now())
    store.second_factor.disable(admin, alice.id)  # a lost phone: the admin resets it
    assert not store.second_factor.enabled(alice.id) and store.second_factor.recovery_codes_left(alice.id) == 0
    actions = [e.action for e in store.audit.events(admin) if "second_factor" in e.action]
    assert actions[:2] == ["account.second_factor.reset", "account.second_factor.enable"]
