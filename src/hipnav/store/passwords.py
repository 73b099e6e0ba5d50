"""What a new password must be.

OWASP ASVS 4.0.3 chapter 2.1 and NIST SP 800-63B 5.1.1.2: at least 12 characters (ASVS
2.1.1), at most 128 (2.1.2), any characters including spaces and emoji, no composition rules
(2.1.9), and refused when it is a breached or common password (2.1.7; NIST: "passwords
obtained from previous breach corpuses", "repetitive or sequential characters",
"context-specific words, such as the name of the service, the username").

The check is zxcvbn's (Dropbox's estimator, the ``zxcvbn`` package, read offline): its
frequency list of the 30,000 most common passwords of a 10-million-password breach corpus
and English words and names, matched with their variations (l33t spelling, reversed,
repeated, dates, sequences, keyboard walks), plus the account's own names and "hipnav".
A password it expects to fall in fewer than 10^8 guesses (its score below 3, "safely
unguessable" for an online attack and a slowed offline one) is refused with zxcvbn's own
advice. Passphrases of a few unrelated words pass.
"""

from __future__ import annotations

from collections.abc import Iterable

from hipnav.bad_input import BadInput

MIN_LENGTH = 12
MAX_LENGTH = 128
#: zxcvbn refuses longer input (its matching grows with the square of the length): the first 72 decide.
ANALYSED = 72
MIN_SCORE = 3


def check_new_password(password: object, context: Iterable[str] = ()) -> str:
    """The password if it may be set, else :class:`BadInput` on ``password`` saying why.
    ``context``: the account's name and display name, refused as the password's substance."""
    if not isinstance(password, str):
        raise BadInput("password", "must be text")
    if len(password) < MIN_LENGTH:
        raise BadInput("password", f"must be at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise BadInput("password", f"must be at most {MAX_LENGTH} characters")
    from zxcvbn import zxcvbn  # the lists load on the first password set, not at import

    verdict = zxcvbn(password[:ANALYSED], user_inputs=[*(c for c in context if c), "hipnav", "clinic"])
    if verdict["score"] < MIN_SCORE:
        feedback = verdict["feedback"]
        why = feedback["warning"] or "It follows a pattern that is easy to guess."
        advice = " ".join(feedback["suggestions"][:1]) or "Add another word or two."
        raise BadInput("password", f"is too common or too easy to guess. {why} {advice}".strip())
    return password
