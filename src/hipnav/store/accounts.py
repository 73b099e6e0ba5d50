"""Practitioner accounts: create, sign in, and the admin's management of accounts.

Passwords are hashed with Argon2id (argon2-cffi's defaults, the RFC 9106 second
recommended profile); hashes are upgraded on sign-in when those defaults change. A wrong
name and a wrong password take the same time and give the same answer, so sign-in does not
reveal which accounts exist. What a new password must be: :mod:`hipnav.store.passwords`.

The very first account is created by whoever sets hipnav up and is an admin; its
transaction also writes the one row of ``clinic_setup`` (``ON CONFLICT DO NOTHING``), so of
any number of simultaneous set-ups exactly one commits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from hipnav.bad_input import BadInput, every
from hipnav.json_input import check_text
from hipnav.store import audit
from hipnav.store.actor import Actor
from hipnav.store.database import conflict_insert, reading
from hipnav.store.errors import AccountError, Forbidden, NotFound
from hipnav.store.passwords import check_new_password
from hipnav.store.schema import ROLES, ClinicSetup, Practitioner, utcnow

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
_hasher = PasswordHasher()
# Verified against when the account does not exist, so that case costs the same time.
_DUMMY_HASH = _hasher.hash("not a real password, only for equal timing")


@dataclass(frozen=True)
class Account:
    id: str
    username: str
    display_name: str
    role: str
    active: bool
    created_at: datetime
    two_factor: bool = False

    def actor(self, channel: str = "web") -> Actor:
        return Actor(self.id, self.username, self.role, channel)


def _view(p: Practitioner) -> Account:
    return Account(p.id, p.username, p.display_name, p.role, p.active, p.created_at,
                   two_factor=p.totp_secret is not None)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _by_name(session: Session, username: str) -> Practitioner | None:
    """The account of that name; a string that cannot be a name is not looked up (it could
    hold a NUL, which PostgreSQL refuses)."""
    name = username.strip().lower()
    if not USERNAME.match(name):
        return None
    return session.scalar(select(Practitioner).where(Practitioner.username == name))


class Accounts:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def count(self) -> int:
        with reading(self._sessions) as session:
            return int(session.scalar(select(func.count()).select_from(Practitioner)) or 0)

    def create(self, actor: Actor | None, username: str, password: str, *, display_name: str = "",
               role: str = "practitioner") -> Account:
        """Create an account. Only an admin may, except for the very first account, which
        anyone setting hipnav up creates and which is always an admin."""
        username = username.strip().lower()
        refused: list[BadInput] = []  # every field is checked, so a form can mark each one
        if not USERNAME.match(username):
            refused.append(BadInput("username", "must be 2-64 characters: lower-case letters, digits, "
                                                "'.', '_' or '-'"))
        if role not in ROLES:
            refused.append(BadInput("role", f"must be one of {', '.join(ROLES)}"))
        for check in (lambda: check_text(display_name, "display_name"),
                      lambda: check_new_password(password, (username, display_name))):
            try:
                check()
            except BadInput as exc:
                refused.append(exc)
        if refused:
            raise every(refused)
        first = actor is None and self.count() == 0
        if not first:
            self._require_admin(actor, "account.create")
        pw_hash = _hasher.hash(password)
        try:
            with self._sessions.begin() as session:
                if first and session.scalar(conflict_insert(session, ClinicSetup).values(
                        id=1, done_at=utcnow()).on_conflict_do_nothing().returning(ClinicSetup.id)) is None:
                    raise AccountError("hipnav is set up already: sign in, or ask an admin for an account")
                if session.scalar(select(Practitioner.id).where(Practitioner.username == username)):
                    raise AccountError(f"the name '{username}' is taken")
                p = Practitioner(username=username, display_name=display_name.strip() or username,
                                 role="admin" if first else role, password_hash=pw_hash, active=True)
                session.add(p)
                session.flush()
                audit.add(session, actor or Actor(p.id, p.username, p.role), "account.create",
                          target_id=p.id)
                return _view(p)
        except IntegrityError:  # the same name created at the same moment by another admin
            raise AccountError(f"the name '{username}' is taken") from None

    def authenticate(self, username: str, password: str) -> Account | None:
        """The account if the name and password match an active account, else None."""
        with reading(self._sessions) as session:
            p = _by_name(session, username)
            if not _verify(p.password_hash if p else _DUMMY_HASH, password):
                return None
            if p is None or not p.active:
                return None
            account, rehash = _view(p), _hasher.check_needs_rehash(p.password_hash)
        if rehash:  # the hashing parameters changed since this password was set
            with self._sessions.begin() as session:
                stored = session.get(Practitioner, account.id)
                if stored is not None:
                    stored.password_hash = _hasher.hash(password)
        return account

    def by_username(self, username: str) -> Account | None:
        """The account of that name, active or not (for the command line, whose user already
        holds the database credentials; everything it then reads is audited as "cli")."""
        with reading(self._sessions) as session:
            p = _by_name(session, username)
            return _view(p) if p else None

    def get(self, account_id: str) -> Account | None:
        with reading(self._sessions) as session:
            p = session.get(Practitioner, account_id)
            return _view(p) if p else None

    def list(self, actor: Actor) -> list[Account]:
        self._require_admin(actor, "account.list")
        with reading(self._sessions) as session:
            return [_view(p) for p in session.scalars(select(Practitioner).order_by(Practitioner.username))]

    def update(self, actor: Actor, account_id: str, *, role: str | None = None,
               active: bool | None = None, display_name: str | None = None) -> Account:
        """Change an account's role, active flag or name (admin only). The last active admin
        cannot be demoted or deactivated, so nobody is locked out of account management."""
        self._require_admin(actor, "account.update", account_id)
        if role is not None and role not in ROLES:
            raise BadInput("role", f"must be one of {', '.join(ROLES)}")
        with self._sessions.begin() as session:
            p = session.get(Practitioner, account_id)
            if p is None:
                raise NotFound("no such account")
            losing_admin = p.role == "admin" and p.active and (role == "practitioner" or active is False)
            if losing_admin:
                admins = session.scalar(select(func.count()).select_from(Practitioner).where(
                    Practitioner.role == "admin", Practitioner.active.is_(True)))
                if (admins or 0) <= 1:
                    raise AccountError("the last active admin cannot be demoted or deactivated")
            if role is not None:
                p.role = role
            if active is not None:
                p.active = active
            if display_name is not None and check_text(display_name, "display_name").strip():
                p.display_name = display_name.strip()
            audit.add(session, actor, "account.update", target_id=p.id)
            return _view(p)

    def set_password(self, actor: Actor, account_id: str, password: str,
                     current_password: str | None = None) -> None:
        """An admin resets another account's password; everyone, admins included, changes
        their own only with the current one (OWASP ASVS 4.0.3 2.1.6: a stolen session alone
        must not be enough to take the account over)."""
        own = actor.id == account_id
        if not own:
            self._require_admin(actor, "account.password", account_id)
        with reading(self._sessions) as session:
            p = session.get(Practitioner, account_id)
            if p is None:
                raise NotFound("no such account")
            stored, names = p.password_hash, (p.username, p.display_name)
        refused: list[BadInput] = []  # both fields checked, so a form can mark each one
        if own and not _verify(stored, current_password or ""):
            audit.AuditLog(self._sessions).write(actor, "account.password", audit.FAILED,
                                                 target_id=account_id)
            refused.append(BadInput("current_password", "is not right"))
        try:
            check_new_password(password, names)
        except BadInput as exc:
            refused.append(exc)
        if refused:
            raise every(refused)
        new_hash = _hasher.hash(password)
        with self._sessions.begin() as session:
            p = session.get(Practitioner, account_id)
            if p is None:
                raise NotFound("no such account")
            p.password_hash = new_hash
            audit.add(session, actor, "account.password", target_id=p.id)

    def _require_admin(self, actor: Actor | None, action: str, target_id: str | None = None) -> None:
        if actor is None or not actor.is_admin:
            audit.AuditLog(self._sessions).write(actor, action, audit.DENIED, target_id=target_id)
            raise Forbidden("only an admin manages accounts")
