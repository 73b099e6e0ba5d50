"""A second sign-in factor: TOTP codes from an authenticator app, and one-time recovery codes.

* TOTP (RFC 6238, pyotp): 6 digits, 30-second steps, SHA-1 as every authenticator app
  implements it; the code of the step before or after is accepted too (a phone's clock may
  be off by some seconds). Each step's code is used once: the account keeps the last step it
  accepted, and an update that only succeeds for a later step makes a replay fail even from
  two workers at the same moment (OWASP ASVS 4.0.3 2.8.4).
* Recovery codes: ten, shown once when the second factor is turned on, each of 12 characters
  from 31 letters and digits (59 bits), stored as a SHA-256 with a random 64-bit salt of its
  own (ASVS 2.6.2: under 112 bits, so salted and hashed) and used once.
* Required for admins (the web layer sends an admin without one to set it up before
  anything else), offered to every practitioner. An admin cannot turn their own off, and
  turns off another account's (a lost phone) so that its owner sets it up again.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, sessionmaker

from hipnav.bad_input import BadInput
from hipnav.store import audit
from hipnav.store.actor import Actor
from hipnav.store.database import reading
from hipnav.store.errors import AccountError, Forbidden, NotFound
from hipnav.store.schema import Practitioner, RecoveryCode, utcnow

ISSUER = "hipnav"
RECOVERY_CODES = 10
#: Letters and digits without look-alikes (0/o, 1/l/i): 31 symbols.
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def new_secret() -> str:
    """A new TOTP secret: 32 base32 characters (160 bits, RFC 4226's recommendation)."""
    import pyotp

    return pyotp.random_base32()


def provisioning_uri(secret: str, username: str) -> str:
    """The ``otpauth://`` address an authenticator app reads from the QR code."""
    import pyotp

    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)


def totp_step(secret: str, code: str, now: float | None = None) -> int | None:
    """The time step whose code ``code`` is (this step, the one before or the one after)."""
    import pyotp

    code = code.strip().replace(" ", "")
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    current = int((now if now is not None else time.time()) // totp.interval)
    for step in (current - 1, current, current + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def recovery_code() -> str:
    """``xxxx-xxxx-xxxx`` from :data:`RECOVERY_ALPHABET`."""
    return "-".join("".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(4)) for _ in range(3))


def _normalised(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch.isalnum())


def _hash_code(code: str, salt: str | None = None) -> str:
    salt = salt or secrets.token_hex(8)
    return f"{salt}${hashlib.sha256((salt + _normalised(code)).encode()).hexdigest()}"


def _code_matches(stored: str, code: str) -> bool:
    salt, _, _digest = stored.partition("$")
    return hmac.compare_digest(stored, _hash_code(code, salt))


class SecondFactor:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions
        self._log = audit.AuditLog(sessions)

    def enabled(self, account_id: str) -> bool:
        with reading(self._sessions) as session:
            return bool(session.scalar(select(Practitioner.totp_secret).where(Practitioner.id == account_id)))

    def enable(self, actor: Actor, secret: str, code: str) -> list[str]:
        """Turn the second factor on for the actor's own account, once the app shows a right
        code for ``secret``; the recovery codes, to be shown once."""
        step = totp_step(secret, code)
        if step is None:
            self._log.write(actor, "account.second_factor.enable", audit.FAILED, target_id=actor.id)
            raise BadInput("code", "is not the code the app shows now (check the phone's clock)")
        codes = [recovery_code() for _ in range(RECOVERY_CODES)]
        with self._sessions.begin() as session:
            p = session.get(Practitioner, actor.id)
            if p is None:
                raise NotFound("no such account")
            p.totp_secret, p.totp_last_step = secret, step
            session.execute(delete(RecoveryCode).where(RecoveryCode.practitioner_id == p.id))
            session.add_all(RecoveryCode(practitioner_id=p.id, code_hash=_hash_code(c)) for c in codes)
            audit.add(session, actor, "account.second_factor.enable", target_id=p.id)
        return codes

    def verify(self, account_id: str, code: str, now: float | None = None) -> bool:
        """Whether ``code`` is the account's TOTP code (each time step once) or one of its
        unused recovery codes (used up by this)."""
        with reading(self._sessions) as session:
            secret = session.scalar(select(Practitioner.totp_secret).where(Practitioner.id == account_id))
            stored = [] if secret is None else list(session.execute(
                select(RecoveryCode.id, RecoveryCode.code_hash).where(
                    RecoveryCode.practitioner_id == account_id, RecoveryCode.used_at.is_(None))))
        if secret is None:
            return False
        step = totp_step(secret, code, now)
        with self._sessions.begin() as session:
            if step is not None:
                used = session.execute(update(Practitioner).where(
                    Practitioner.id == account_id, Practitioner.totp_secret == secret,
                    (Practitioner.totp_last_step.is_(None)) | (Practitioner.totp_last_step < step))
                    .values(totp_last_step=step))
                return bool(used.rowcount)  # type: ignore[attr-defined]
            for code_id, code_hash in stored:
                if _code_matches(code_hash, code):
                    used = session.execute(update(RecoveryCode).where(
                        RecoveryCode.id == code_id, RecoveryCode.used_at.is_(None)).values(used_at=utcnow()))
                    return bool(used.rowcount)  # type: ignore[attr-defined]
        return False

    def recovery_codes_left(self, account_id: str) -> int:
        with reading(self._sessions) as session:
            return len(session.scalars(select(RecoveryCode.id).where(
                RecoveryCode.practitioner_id == account_id, RecoveryCode.used_at.is_(None))).all())

    def disable(self, actor: Actor, account_id: str) -> None:
        """Turn the second factor off: one's own (not an admin's: they must keep it), or, by an
        admin, another account's (its owner sets it up again). The caller has checked the
        actor's password for their own."""
        own = actor.id == account_id
        if own and actor.is_admin:
            raise AccountError("an admin keeps the second factor; another admin can reset it")
        if not own and not actor.is_admin:
            self._log.write(actor, "account.second_factor.reset", audit.DENIED, target_id=account_id)
            raise Forbidden("only an admin resets another account's second factor")
        with self._sessions.begin() as session:
            p = session.get(Practitioner, account_id)
            if p is None:
                raise NotFound("no such account")
            p.totp_secret, p.totp_last_step = None, None
            session.execute(delete(RecoveryCode).where(RecoveryCode.practitioner_id == p.id))
            action = "account.second_factor.disable" if own else "account.second_factor.reset"
            audit.add(session, actor, action, target_id=p.id)
