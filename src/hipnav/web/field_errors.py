"""Refused form fields in words: every field a person got wrong, each named as the form names
it, so that the page can show them all at once beside their fields
(``templates/_field_errors.html`` renders them; nothing else words a form's errors).

A refusal is one :class:`~hipnav.bad_input.BadInput`, which carries the others found with it
(``every``); its fields are the names the checks use (``age``, ``psfs[0].activity``), so each
form gives the input id and the words for the fields it has.
"""

from __future__ import annotations

from collections.abc import Mapping

from hipnav.bad_input import BadInput


def sentence(label: str, message: str) -> str:
    """"Age" and "must be between 0 and 120, got 200": "Age must be between 0 and 120, got 200."."""
    text = f"{label} {message}".strip()
    return text if text.endswith((".", "?", "!")) else text + "."


def worded(refusal: BadInput, fields: Mapping[str, tuple[str, str]]) -> dict[str, str]:
    """Input id -> sentence for every refused field. ``fields`` maps a check's field name to
    (the input's id, its name in words); a field a form does not have is left out (the caller
    decides what else to say), and the first message for a field is kept; they come in the
    order of ``fields`` (the form's own order)."""
    out: dict[str, str] = {}
    order = list(fields)
    for r in sorted(refusal.every, key=lambda r: order.index(r.field) if r.field in fields else 0):
        if r.field in fields:
            input_id, label = fields[r.field]
            out.setdefault(input_id, sentence(label, r.message))
    return out


def worded_document(refusal: BadInput, input_id: str, label: str, whole: str) -> dict[str, str]:
    """Every refused part of a document pasted into one box (a case in the clinic's import),
    in one sentence beside that box: each part named by its path in the document
    ("age must be between 0 and 120, got 200; findings.fever must be true or false"), the
    document as a whole (``whole``, the field a check names it by) as "it"."""
    parts = "; ".join(f"{'it' if r.field == whole else r.field} {r.message}" for r in refusal.every)
    return {input_id: sentence(label, parts)}
