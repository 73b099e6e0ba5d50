"""JSON from outside (a request body, a line of a case file), decoded within bounds.

Every JSON document hipnav reads from a person or a program goes through
:func:`decode_json`, so that every input path refuses the same things in the same words,
with a :class:`~hipnav.bad_input.BadInput` naming what is wrong, and none of them can make
hipnav fail or spend without limit:

- a document over ``max_bytes`` (:data:`MAX_BYTES` unless the caller says otherwise);
- anything that is not JSON (``NaN`` and ``Infinity`` are not), or not UTF-8;
- nesting deeper than :data:`MAX_DEPTH` (a case is three levels deep; a few thousand levels
  would exhaust the decoder's stack);
- an integer of more than :data:`MAX_INT_DIGITS` digits, and a number too large for a float
  (``1e400``): no measure or answer needs one, and a 400-digit integer cannot even be
  turned into a float;
- a control character in any string or key (NUL, escape sequences, C1 controls; tab and
  line breaks are text): no person types one, and some stores cannot hold NUL at all.

A refusal of the document as a whole names ``field`` (``body`` unless the caller says
otherwise) with code :data:`~hipnav.bad_input.INVALID_JSON` or
:data:`~hipnav.bad_input.TOO_LARGE`; a refused value names its place in the document, as
:func:`hipnav.engine.parse_case` names fields (``findings.pain_severity``,
``psfs[0].activity``), with code ``invalid_number`` or ``invalid_text``.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

import msgspec

from hipnav.bad_input import INVALID_JSON, TOO_LARGE, BadInput

#: Largest document read, in bytes (characters for a ``str``): the web app's body limit.
MAX_BYTES = 64 * 1024
#: Deepest nesting of objects and arrays accepted.
MAX_DEPTH = 32
#: Most digits an integer may have. Every integer up to 15 digits is exactly a float (they
#: are below 2**53), which is what the engine and the outcome scores compute with.
MAX_INT_DIGITS = 15
_INT_LIMIT = 10**MAX_INT_DIGITS
#: Control characters other than tab, line feed and carriage return.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

_decode = msgspec.json.decode


def control_character(text: str) -> int | None:
    """The position of the first control character in ``text`` (see :data:`CONTROL`), or None."""
    match = CONTROL.search(text)
    return match.start() if match else None


def check_text(text: str, field: str) -> str:
    """``text`` itself, or a :class:`BadInput` naming ``field`` when it holds a control character."""
    at = control_character(text)
    if at is not None:
        raise BadInput(field, f"contains a control character (U+{ord(text[at]):04X} at position {at}); "
                       "send plain text", "invalid_text")
    return text


def decode_json(data: bytes | str, *, field: str = "body", max_bytes: int = MAX_BYTES) -> Any:
    """The JSON value in ``data``, or a :class:`BadInput` saying why it is refused (see the
    module's docstring for what is)."""
    if len(data) > max_bytes:
        raise BadInput(field, f"is larger than {max_bytes // 1024} KB", TOO_LARGE)
    if not data.strip():
        raise BadInput(field, "is empty: send a JSON object", INVALID_JSON)
    try:
        value = _decode(data)
    except msgspec.ValidationError:  # a number beyond a float's range: found and named below
        value = _with_named_numbers(data, field)
    except msgspec.DecodeError as exc:
        raise BadInput(field, f"is not valid JSON ({exc})", INVALID_JSON) from None
    except UnicodeDecodeError:  # (msgspec checks the UTF-8 of strings with the codec's own error)
        raise BadInput(field, "is not valid JSON (it is not UTF-8)", INVALID_JSON) from None
    except RecursionError:
        raise BadInput(field, f"is nested deeper than {MAX_DEPTH} levels", INVALID_JSON) from None
    # Strings need looking at only when a control character could be in one: escaped (a
    # backslash), or raw DEL or C1 (0x7f, and 0xc2 0x80-0x9f in UTF-8); raw C0 characters
    # are not JSON. Numbers and nesting are looked at always.
    texts = ("\\" in data or CONTROL.search(data) is not None) if isinstance(data, str) else \
        (b"\\" in data or b"\x7f" in data or b"\xc2" in data)
    if type(value) is dict or type(value) is list:
        _check(value, "", 1, texts, field)
    else:
        _check_value(value, field)
    return value


def _check(container: dict[str, Any] | list[Any], path: str, depth: int, texts: bool, field: str) -> None:
    """Refuse what the module's docstring lists in ``container`` (at ``path``, ``depth``
    levels deep) and below it; ``texts``: whether strings need looking at."""
    if depth > MAX_DEPTH:
        raise BadInput(field, f"is nested deeper than {MAX_DEPTH} levels", INVALID_JSON)
    is_dict = type(container) is dict
    if texts and is_dict:
        for key in container:
            check_text(key, path or field)
    for key, item in container.items() if is_dict else enumerate(container):  # type: ignore[union-attr]
        kind = type(item)
        if kind is bool or item is None:  # (most of a case's answers)
            continue
        if kind is dict or kind is list:
            _check(item, _place(path, key), depth + 1, texts, field)
        elif (kind is int and not -_INT_LIMIT < item < _INT_LIMIT) or \
                (kind is float and not math.isfinite(item)) or (kind is str and texts):
            _check_value(item, _place(path, key) or field)


def _check_value(value: Any, field: str) -> None:
    if type(value) is int and not -_INT_LIMIT < value < _INT_LIMIT:
        raise BadInput(field, f"is a number of more than {MAX_INT_DIGITS} digits", "invalid_number")
    if type(value) is float and not math.isfinite(value):  # (only from _with_named_numbers)
        raise BadInput(field, "is a number too large to use", "invalid_number")
    if type(value) is str:
        check_text(value, field)


def _place(path: str, key: str | int) -> str:
    """Where a value is: ``findings.fever``, ``psfs[0]``."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def _with_named_numbers(data: bytes | str, field: str) -> Any:
    """A document with a number beyond a float's range, read again by the standard library
    (which gives it as infinity) so that :func:`_check` can name where it is."""
    try:
        return json.loads(data)
    except (ValueError, RecursionError):
        raise BadInput(field, "is not valid JSON (a number is out of range)", INVALID_JSON) from None
