"""What the data layer refuses, as exceptions the web and command line map to answers.
A value out of range or malformed is a :class:`hipnav.bad_input.BadInput` naming the field,
as everywhere else.

A record that belongs to someone else raises :class:`NotFound`, exactly as a record that
does not exist: telling the two apart would let one practitioner learn which client ids
another practitioner holds (OWASP "insecure direct object reference" guidance).
"""

from __future__ import annotations


class StoreError(Exception):
    """Base class of the data layer's refusals."""


class NotFound(StoreError):
    """No such record for this practitioner (it may exist and belong to someone else)."""


class Forbidden(StoreError):
    """The actor's role does not allow the action (e.g. a practitioner managing accounts)."""


class AccountError(StoreError):
    """An account cannot be created or changed (name taken, last admin, ...)."""
