"""Numeric Pain Rating Scale (NPRS): pain intensity as a whole number from 0 to 10.

0 is "no pain" and 10 "worst pain imaginable" (Hawker GA, Mian S, Kendzerska T, French M.
Measures of adult pain. Arthritis Care Res 2011;63(S11):S240-S252, doi:10.1002/acr.20543).
The anchors are words, the answers whole numbers: a fractional answer is refused rather
than rounded, so what is stored is what the person said. Coded in FHIR with LOINC 72514-3,
"Pain severity - 0-10 verbal numeric rating [Score] - Reported".
"""

from __future__ import annotations

from hipnav.bad_input import BadInput

LOINC = "72514-3"
LOINC_DISPLAY = "Pain severity - 0-10 verbal numeric rating [Score] - Reported"
ANCHORS = {0: "no pain", 10: "worst pain imaginable"}


def validate_nprs(value: object, field: str = "nprs") -> int:
    """The rating as an int in 0..10; a whole-number float (from a form or JSON) is accepted."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise BadInput(field, f"must be a whole number from 0 to 10, got {value!r}")
    try:
        number = float(value)
    except (ValueError, OverflowError):  # not a number; an integer too large for a float
        raise BadInput(field, "must be a whole number from 0 to 10") from None
    if not number.is_integer() or not 0 <= number <= 10:
        raise BadInput(field, f"must be a whole number from 0 to 10, got {value!r}")
    return int(number)
