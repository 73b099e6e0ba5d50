"""Limits on guessing passwords and second-factor codes that hold under concurrency and do
not let an attacker lock the real user out.

Every attempt is *claimed* in the database before its password is checked: in one
transaction, under a row lock on each of its keys (PostgreSQL ``SELECT ... ORDER BY key FOR
UPDATE``, in key order; SQLite's ``BEGIN IMMEDIATE`` admits one writer at a time), the
attempt is refused if any key is still waiting, and otherwise counted as a failure in
advance. A success gives the count back. So 30 simultaneous guesses cannot all read "4
failures so far" and all be checked: the fifth claim sets the wait and the rest are refused
without touching Argon2.

Which keys an attempt is counted under follows OWASP's device-cookie scheme ("Slow Down
Online Guessing Attacks with Device Cookies", OWASP Foundation): a browser that signed in to
this account before holds a signed device cookie and is counted under that cookie alone, so
failures from anywhere else never slow it; an unknown browser is counted per account name
and address together, per address, and per account name. Past each key's free failures the
next attempt waits, 15 s doubling up to 15 minutes (NIST SP 800-63B 5.2.2 asks for rate
limiting that tolerates the real user; OWASP ASVS 4.0.3 2.2.1 caps failures at 100 an hour
per account: the account key allows about 19). Counts are forgotten after an hour without
failures. IPv6 addresses count per /64, the block one subscriber typically holds.
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from hipnav.store.database import conflict_insert
from hipnav.store.schema import SignInThrottle, utcnow

FIRST_WAIT = timedelta(seconds=15)
LONGEST_WAIT = timedelta(minutes=15)
FORGET_AFTER = timedelta(hours=1)
#: PostgreSQL's SQLSTATE for "deadlock detected".
DEADLOCK_DETECTED = "40P01"


@dataclass(frozen=True)
class Limit:
    """A kind of key: how many failures pass freely, and whether a success clears the count
    (only where the success proves the failures were the same person's)."""

    kind: str
    free: int
    clears_on_success: bool


PAIR = Limit("pair", 5, True)  # one account name from one address, unknown browser
ADDRESS = Limit("address", 20, False)  # every name from one address
ACCOUNT = Limit("account", 10, False)  # one account name from unknown browsers anywhere
DEVICE = Limit("device", 5, True)  # a browser holding the account's device cookie
SECOND_FACTOR = Limit("second_factor", 5, True)  # one account's one-time codes

Key = tuple[Limit, str]


def _key(limit: Limit, *parts: str) -> Key:
    return limit, hashlib.sha256("\x1f".join((limit.kind, *parts)).encode()).hexdigest()


def network_of(address: str) -> str:
    """The address as the limits count it: IPv4 as is, IPv6 by its /64."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def password_keys(username: str, address: str, device: str | None) -> tuple[Key, ...]:
    """The keys a password attempt counts under; ``device`` is the nonce of a valid device
    cookie for this account name, if the browser sent one."""
    name = username.strip().lower()
    if device:
        return (_key(DEVICE, device),)
    net = network_of(address)
    return _key(PAIR, name, net), _key(ADDRESS, net), _key(ACCOUNT, name)


def second_factor_keys(account_id: str) -> tuple[Key, ...]:
    return (_key(SECOND_FACTOR, account_id),)


def wait_after(failures: int, limit: Limit) -> timedelta | None:
    """How long the next attempt waits once a key has ``failures`` failures."""
    beyond = failures - limit.free
    if beyond < 0:
        return None
    return min(FIRST_WAIT * 2 ** min(beyond, 8), LONGEST_WAIT)


@dataclass(frozen=True)
class Attempt:
    keys: tuple[Key, ...]
    allowed: bool
    retry_after: int = 0  # whole seconds, when refused


class SignInLimits:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def claim(self, keys: Sequence[Key], now: datetime | None = None) -> Attempt:
        """Refuse the attempt if any key must still wait; otherwise count it as a failure
        under every key (given back by :meth:`settle` if it succeeds). A claim that
        PostgreSQL ends as a deadlock's victim (it rolls back whole) is made again, as its
        manual advises for such errors, at most twice."""
        now = now or utcnow()
        for tries_left in reversed(range(3)):
            try:
                return self._claim(keys, now)
            except DBAPIError as exc:  # chosen as a deadlock's victim: rolled back, so try again
                if tries_left == 0 or getattr(exc.orig, "sqlstate", None) != DEADLOCK_DETECTED:
                    raise
        raise AssertionError("unreachable")

    def _claim(self, keys: Sequence[Key], now: datetime) -> Attempt:
        ordered = sorted(keys, key=lambda k: k[1])
        digests = [digest for _, digest in ordered]
        with self._sessions.begin() as session:
            rows = self._locked(session, digests, now)
            waits = [row.blocked_until - now for row in rows.values()
                     if row.blocked_until is not None and row.blocked_until > now]
            if waits:
                return Attempt(tuple(keys), False, math.ceil(max(waits).total_seconds()))
            for limit, digest in ordered:
                row = rows[digest]
                if row.last_failure_at < now - FORGET_AFTER:
                    row.failures = 0
                row.failures += 1
                row.last_failure_at = now
                wait = wait_after(row.failures, limit)
                row.blocked_until = now + wait if wait else None
        return Attempt(tuple(keys), True)

    def _locked(self, session: Session, digests: list[str], now: datetime) -> dict[str, SignInThrottle]:
        """The rows of ``digests`` (ascending), locked by ``session`` for the rest of its
        transaction, made first where missing.

        Missing rows are made in a transaction of their own (``INSERT ... ON CONFLICT DO
        NOTHING``: a racing claim's row is simply there), then all are locked by one
        ``SELECT ... ORDER BY key FOR UPDATE``, which PostgreSQL locks in key order. Making
        and locking them in the claim's own transaction, key by key with ``ON CONFLICT DO
        UPDATE``, deadlocked now and then on PostgreSQL among 16 racing claims of the same
        new keys (``deadlock detected ... while rechecking updated tuple``): waits on one
        another's speculative insertions are not waits in key order. A row forgotten
        (:meth:`forget_stale`) between the two steps is made again."""
        for _ in range(3):
            with self._sessions.begin() as maker:
                for digest in digests:
                    maker.execute(conflict_insert(maker, SignInThrottle).values(
                        key=digest, failures=0, last_failure_at=now).on_conflict_do_nothing(
                        index_elements=["key"]))
            rows = {row.key: row for row in session.scalars(
                select(SignInThrottle).where(SignInThrottle.key.in_(digests)).order_by(SignInThrottle.key)
                .with_for_update().execution_options(populate_existing=True))}
            if len(rows) == len(set(digests)):
                return rows
        raise RuntimeError("sign-in limit rows vanished three times while being claimed")

    def settle(self, attempt: Attempt, succeeded: bool, now: datetime | None = None) -> None:
        """After the check: a failure stays counted; a success gives its count back (and
        clears the keys that belong to the person who just proved who they are)."""
        if not attempt.allowed or not succeeded:
            return
        digests = [digest for _, digest in attempt.keys]
        with self._sessions.begin() as session:
            rows = {row.key: row for row in session.scalars(
                select(SignInThrottle).where(SignInThrottle.key.in_(digests))
                .order_by(SignInThrottle.key).with_for_update())}
            for limit, digest in attempt.keys:
                row = rows.get(digest)
                if row is None:
                    continue
                row.failures = 0 if limit.clears_on_success else max(row.failures - 1, 0)
                if wait_after(row.failures, limit) is None:
                    row.blocked_until = None
        self.forget_stale(now)

    def forget_stale(self, now: datetime | None = None) -> None:
        """Drop keys quiet for longer than :data:`FORGET_AFTER` (never one another
        transaction holds: ``SKIP LOCKED`` on PostgreSQL)."""
        cutoff = (now or utcnow()) - FORGET_AFTER
        stale = (select(SignInThrottle.key).where(SignInThrottle.last_failure_at < cutoff)
                 .with_for_update(skip_locked=True))
        with self._sessions.begin() as session:
            session.execute(delete(SignInThrottle).where(SignInThrottle.key.in_(stale)))
