"""The anonymous question flow's state, carried in the page's URL and hidden form fields.

No server session is kept: every page's state is a short query string, so a person can go
back, reload or keep a link, and the server remembers nothing about them. Everything read
from a query string or a JSON body is hostile until checked here; a bad value raises
:class:`FormError` naming the field, and the pages and the API turn that into a plain
message (never a stack trace).

Query parameters (all optional):

- ``mode``: ``patient`` (default) or ``clinician`` (adds the examination tests);
- ``where``: a ticked body-map choice, repeated (``where=loc_buttock&where=loc_sij``);
- ``age``, ``sex``, ``setting``: the case's own fields;
- ``<finding id>=<number>`` for a numeric finding (``duration_weeks=10``);
- ``a``: an answer, repeated, in the order given: ``<finding id>.<y|n|u>`` (``u``: don't know).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from urllib.parse import urlencode

from hipnav.engine import CaseError
from hipnav.knowledge.model import KnowledgeBase
from hipnav.web.body_map import BodyMap, map_findings

MODES = ("patient", "clinician")
ANSWERS = {"y": True, "n": False, "u": None}
#: More answers than any interview asks, with room to spare; a longer list is not a person.
MAX_ANSWERS = 200
MAX_PARAMS = 400
MAX_VALUE_CHARS = 200


class FormError(ValueError):
    """A query or form value is refused; ``field`` names it."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


@dataclass(frozen=True)
class FlowState:
    mode: str = "patient"
    where: tuple[str, ...] = ()
    answers: tuple[tuple[str, str], ...] = ()  # (finding id, "y" | "n" | "u"), oldest first
    age: float | None = None
    sex: str | None = None
    setting: str | None = None
    numbers: tuple[tuple[str, float], ...] = ()

    @property
    def question_set(self) -> str:
        return "clinician" if self.mode == "clinician" else "patient"

    def skipped(self) -> frozenset[str]:
        """Questions answered "don't know": not asked again."""
        return frozenset(fid for fid, a in self.answers if a == "u")

    def answer_of(self, finding: str) -> str | None:
        return next((a for fid, a in self.answers if fid == finding), None)

    def with_answer(self, finding: str, answer: str) -> FlowState:
        """Record an answer; answering the same question again replaces the old answer."""
        kept = tuple(pair for pair in self.answers if pair[0] != finding)
        return replace(self, answers=(*kept, (finding, answer)))

    def back(self) -> FlowState:
        """The state before the last answer (the "Back" button)."""
        return replace(self, answers=self.answers[:-1])

    def raw_case(self, bmap: BodyMap) -> dict[str, object]:
        """A case in the shared format, for :func:`hipnav.engine.parse_case`."""
        findings: dict[str, object] = dict(map_findings(bmap, self.where))
        findings.update(self.numbers)
        for fid, a in self.answers:
            if ANSWERS[a] is None:
                findings.pop(fid, None)
            else:
                findings[fid] = ANSWERS[a]
        raw: dict[str, object] = {"format": "hipnav-case/1", "findings": findings}
        for key in ("age", "sex", "setting"):
            value = getattr(self, key)
            if value is not None:
                raw[key] = int(value) if key == "age" and float(value).is_integer() else value
        return raw

    def params(self) -> list[tuple[str, str]]:
        """The state as query parameters, in a stable order (the inverse of :func:`parse_state`)."""
        out: list[tuple[str, str]] = [("mode", self.mode)]
        out += [("where", w) for w in self.where]
        if self.age is not None:
            out.append(("age", f"{self.age:g}"))
        if self.sex is not None:
            out.append(("sex", self.sex))
        if self.setting is not None:
            out.append(("setting", self.setting))
        out += [(fid, f"{v:g}") for fid, v in self.numbers]
        out += [("a", f"{fid}.{a}") for fid, a in self.answers]
        return out

    def query(self) -> str:
        return urlencode(self.params())


def _number(field: str, text: str, lo: float | None, hi: float | None, unit: str = "") -> float:
    try:
        value = float(text)
    except ValueError:
        raise FormError(field, "must be a number") from None
    if not math.isfinite(value):
        raise FormError(field, "must be a number")
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        raise FormError(field, f"must be between {lo:g} and {hi:g}{' ' + unit if unit else ''}")
    return value


def parse_state(params: Sequence[tuple[str, str]], kb: KnowledgeBase, bmap: BodyMap) -> FlowState:
    """Read a flow state from query or form parameters, refusing anything malformed.

    Unknown parameter names are ignored (browsers and links add their own); known ones must
    be valid. An empty value means "not given", as an empty form field does.
    """
    if len(params) > MAX_PARAMS:
        raise FormError("query", "has too many parameters")
    mode = "patient"
    where: list[str] = []
    answers: list[tuple[str, str]] = []
    numbers: dict[str, float] = {}
    age: float | None = None
    sex: str | None = None
    setting: str | None = None
    choices = set(bmap.choices)
    for key, value in params:
        if len(value) > MAX_VALUE_CHARS:
            raise FormError(key[:40], "is too long")
        value = value.strip()
        if not value:
            continue
        if key == "mode":
            if value not in MODES:
                raise FormError("mode", f"must be one of {', '.join(MODES)}")
            mode = value
        elif key == "where":
            if value not in choices:
                raise FormError("where", "is not a place on the body map")
            if value not in where:
                where.append(value)
        elif key == "a":
            fid, _, answer = value.rpartition(".")
            finding = kb.findings.get(fid)
            if finding is None or finding.type != "bool" or answer not in ANSWERS:
                raise FormError("a", "must be a yes/no finding id, a dot and y, n or u")
            if any(fid == f for f, _ in answers):
                raise FormError("a", f"answers {fid} twice")
            answers.append((fid, answer))
        elif key == "age":
            age = _number("age", value, 0, 120, "years")
        elif key == "sex":
            if value not in ("female", "male"):
                raise FormError("sex", "must be female or male")
            sex = value
        elif key == "setting":
            if value not in kb.settings:
                raise FormError("setting", f"must be one of {', '.join(kb.settings)}")
            setting = value
        elif key in kb.findings and kb.findings[key].type == "number" and key != "age":
            f = kb.findings[key]
            numbers[key] = _number(key, value, f.min, f.max, f.unit or "")
    if len(answers) > MAX_ANSWERS:
        raise FormError("a", "has too many answers")
    return FlowState(mode, tuple(where), tuple(answers), age, sex, setting, tuple(numbers.items()))


def read_answer(params: Mapping[str, str], kb: KnowledgeBase) -> tuple[str, str] | None:
    """The answer a question page just submitted (``q`` and ``answer``), if any."""
    q, answer = params.get("q", "").strip(), params.get("answer", "").strip()
    if not q and not answer:
        return None
    finding = kb.findings.get(q)
    if finding is None or finding.type != "bool":
        raise FormError("q", "is not a yes/no question")
    if answer not in ANSWERS:
        raise FormError("answer", "must be y, n or u")
    return q, answer


def check_case_shape(raw: object) -> None:
    """Refuse JSON shapes that :func:`hipnav.engine.parse_case` does not expect, naming the
    field: a ``setting`` that is not a string cannot be looked up (it is unhashable)."""
    inner = raw
    if isinstance(raw, dict) and isinstance(raw.get("case"), dict) and "findings" not in raw:
        inner = raw["case"]
    if isinstance(inner, dict):
        setting = inner.get("setting")
        if setting is not None and not isinstance(setting, str):
            raise CaseError("setting", f"must be a string, got {type(setting).__name__}")
