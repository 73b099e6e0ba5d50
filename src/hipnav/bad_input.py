"""Input that hipnav refuses: one exception for every interface and layer.

A case field out of range, a query parameter that is not a number, a body that is not JSON,
a client's birth year in the future, an NPRS of 11: each raises :class:`BadInput` naming the
field and saying what is wrong, so that the command line can report the one bad case and go
on with the others, a form can mark the one field and keep the rest, and the JSON API can
answer ``{"error": code, "field": field, "message": ...}`` (``hipnav.web.errors`` turns it
into a response, JSON or HTML, in one place).
"""

from __future__ import annotations

from collections.abc import Sequence

#: ``code`` of a body that is not JSON, or is nested too deep to be a request (HTTP 400).
INVALID_JSON = "invalid_json"
#: ``code`` of a body over the size limit (HTTP 413).
TOO_LARGE = "too_large"
#: ``code`` of a body not declared as JSON where only JSON is read (HTTP 415).
UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"


class BadInput(ValueError):
    """Input is refused.

    - ``field``: what is wrong, as the caller named it: a dotted path into a JSON document
      (``findings.fever``, ``psfs[0].score``), a form or query parameter (``age``), or
      ``body`` for a request body as a whole;
    - ``message``: what is wrong with it, worded to follow the field's name
      ("must be between 0 and 120, got 300"); ``str(exc)`` is ``"<field>: <message>"``;
    - ``code``: the kind of refusal, for a JSON answer's ``error`` (``invalid_case``,
      ``invalid_parameter``, ``invalid_text``, :data:`INVALID_JSON`, :data:`TOO_LARGE`, ...);
    - ``also``: the other fields refused with it, when a form was checked whole (:func:`every`),
      so that a person sees every mistake at once; the JSON answer names the first.
    """

    def __init__(self, field: str, message: str, code: str = "invalid_input",
                 also: tuple[BadInput, ...] = ()) -> None:
        self.field = field
        self.message = message
        self.code = code
        self.also = also
        super().__init__(f"{field}: {message}")

    @property
    def every(self) -> tuple[BadInput, ...]:
        """This refusal and those made with it, in the order they were found."""
        return (self, *self.also)

    def within(self, prefix: str, code: str | None = None) -> BadInput:
        """The same refusal for a document nested at ``prefix`` (``case.`` + ``findings.x``)."""
        return BadInput(prefix + self.field, self.message, code or self.code)


def every(refusals: Sequence[BadInput]) -> BadInput:
    """One refusal carrying several (the first, with the rest in ``also``)."""
    first, *rest = [r for refusal in refusals for r in refusal.every]
    return BadInput(first.field, first.message, first.code, tuple(rest))
