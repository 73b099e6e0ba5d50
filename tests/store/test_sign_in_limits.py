"""The sign-in limits in the database, on both engines: counted before the check, growing
waits, what a success gives back, device cookies apart, forgetting, and a race of claims."""

from __future__ import annotations

import threading
from datetime import timedelta

from hipnav.store import Store
from hipnav.store.schema import utcnow
from hipnav.store.sign_in_limits import (
    FORGET_AFTER,
    network_of,
    password_keys,
    second_factor_keys,
    wait_after,
)
from hipnav.store.sign_in_limits import PAIR as PAIR_LIMIT


def test_waits_start_after_the_free_failures_and_double(store: Store) -> None:
    limits, now = store.sign_in_limits, utcnow()
    keys = password_keys("alice", "198.51.100.7", None)
    for _ in range(5):
        assert limits.claim(keys, now).allowed  # each counted as a failure until settled
    refused = limits.claim(keys, now)
    assert not refused.allowed and refused.retry_after == 15
    later = now + timedelta(seconds=15)
    assert limits.claim(keys, later).allowed  # the sixth failure ...
    refused = limits.claim(keys, later + timedelta(seconds=29))
    assert not refused.allowed and refused.retry_after == 1  # ... waits 30 s
    assert [wait_after(n, PAIR_LIMIT) for n in (4, 5, 6, 7, 13, 14, 50)] == [
        None, timedelta(seconds=15), timedelta(seconds=30), timedelta(seconds=60),
        timedelta(minutes=15), timedelta(minutes=15), timedelta(minutes=15)]


def test_a_success_clears_its_pair_and_gives_back_its_count(store: Store) -> None:
    limits, now = store.sign_in_limits, utcnow()
    keys = password_keys("alice", "198.51.100.7", None)
    for _ in range(4):
        limits.claim(keys, now)
    ok = limits.claim(keys, now)  # the fifth, right: the wait it set is lifted
    limits.settle(ok, True, now)
    for _ in range(5):  # the pair starts again from nothing
        assert limits.claim(keys, now).allowed
    assert not limits.claim(keys, now).allowed


def test_the_address_and_account_keep_their_failures_after_a_success(store: Store) -> None:
    """An attacker who has an account of their own cannot wipe their address's count by
    signing in to it between guesses."""
    limits, now = store.sign_in_limits, utcnow()
    for n in range(19):
        limits.claim(password_keys(f"made-up-{n}", "203.0.113.9", None), now)
    own = limits.claim(password_keys("mallory", "203.0.113.9", None), now)
    limits.settle(own, True, now)
    assert limits.claim(password_keys("made-up-x", "203.0.113.9", None), now).allowed  # the 20th
    assert not limits.claim(password_keys("made-up-y", "203.0.113.9", None), now).allowed


def test_a_device_cookie_is_counted_apart(store: Store) -> None:
    limits, now = store.sign_in_limits, utcnow()
    for n in range(10):
        limits.claim(password_keys("alice", f"203.0.113.{n}", None), now)
    assert not limits.claim(password_keys("alice", "198.51.100.7", None), now).allowed  # account
    assert limits.claim(password_keys("alice", "198.51.100.7", "nonce-of-her-browser"), now).allowed
    for _ in range(4):
        limits.claim(password_keys("alice", "198.51.100.7", "nonce-of-her-browser"), now)
    assert not limits.claim(password_keys("alice", "198.51.100.7", "nonce-of-her-browser"), now).allowed
    assert limits.claim(password_keys("alice", "198.51.100.7", "another-browser"), now).allowed
    assert limits.claim(second_factor_keys("0" * 32), now).allowed


def test_failures_are_forgotten_after_a_quiet_hour(store: Store) -> None:
    limits, now = store.sign_in_limits, utcnow()
    keys = password_keys("alice", "198.51.100.7", None)
    for _ in range(5):
        limits.claim(keys, now)
    assert not limits.claim(keys, now + timedelta(seconds=14)).allowed
    quiet = now + FORGET_AFTER + timedelta(seconds=1)
    limits.forget_stale(quiet)
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM sign_in_throttle").scalar() == 0
    for _ in range(5):
        assert limits.claim(keys, quiet).allowed


def test_racing_claims_let_exactly_the_free_ones_through(store: Store) -> None:
    limits = store.sign_in_limits
    keys = password_keys("alice", "198.51.100.7", None)
    barrier = threading.Barrier(16)
    allowed: list[bool] = []

    errors: list[BaseException] = []

    def one() -> None:
        barrier.wait()
        try:
            allowed.append(limits.claim(keys).allowed)
        except BaseException as exc:  # noqa: BLE001 - reported below with the rows
            errors.append(exc)

    threads = [threading.Thread(target=one) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with store.engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT failures, blocked_until FROM sign_in_throttle").all()
    assert not errors and sorted(allowed) == [False] * 11 + [True] * 5, (errors, allowed, rows)


def test_addresses_are_counted_by_network() -> None:
    assert network_of("198.51.100.7") == "198.51.100.7"
    assert network_of("2001:db8:1:2:aaaa::1") == network_of("2001:db8:1:2:bbbb::9") == "2001:db8:1:2::/64"
    assert network_of("::ffff:198.51.100.7") == "198.51.100.7"
    assert network_of("testclient") == "testclient"
