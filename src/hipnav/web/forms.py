"""The anonymous question flow's state, carried in the page's URL and hidden form fields.

No server session is kept: every page's state is a short query string, so a person can go
back, reload or keep a link, and the server remembers nothing about them. Everything read
from a query string or a form is hostile until checked here: the parameters' syntax here,
and the case they make by :func:`hipnav.engine.parse_case`, as every case is. A bad value
raises :class:`~hipnav.bad_input.BadInput` naming the parameter (code
``invalid_parameter``), and the pages turn that into a plain message (never a stack trace).

Query parameters (all optional):

- ``mode``: ``patient`` (default) or ``clinician`` (adds the examination tests);
- ``where``: a ticked body-map choice, repeated (``where=loc_buttock&where=loc_sij``);
- ``age``, ``sex``, ``setting``: the case's own fields;
- ``<finding id>=<number>`` for a numeric finding (``duration_weeks=10``);
- ``a``: an answer, repeated, in the order given: ``<finding id>.<y|n|u>`` (``u``: don't know);
- ``n``: how many answers each screen of questions after the safety screen gave, repeated in
  order (so that "Back" undoes one screen, and the flow knows how many it has shown);
- ``client``: the id of the clinic client an assessment was started for (from the client's
  page), so that "Save to the client's record" saves it to them; the clinic checks the id
  belongs to the signed-in practitioner when saving.

A screen of questions submits ``q`` (each question shown, repeated) and ``r.<finding id>``
(``y``, ``n`` or ``u``; a question left blank is "not sure").
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from urllib.parse import urlencode

from hipnav.bad_input import BadInput, every
from hipnav.engine import parse_case
from hipnav.knowledge.model import KnowledgeBase
from hipnav.web.body_map import BodyMap, map_findings

MODES = ("patient", "clinician")
ANSWERS = {"y": True, "n": False, "u": None}
#: More answers than any interview asks, with room to spare; a longer list is not a person.
MAX_ANSWERS = 200
MAX_PARAMS = 400
MAX_VALUE_CHARS = 200
#: More questions than any one screen shows (the safety screen included).
MAX_PER_SCREEN = 40
#: A clinic record's id (the store's are 32 hex digits): anything else is no client.
CLIENT_ID = re.compile(r"[0-9a-f]{32}")


#: ``code`` of a refused query or form parameter.
INVALID_PARAMETER = "invalid_parameter"


def _refuse(field: str, message: str) -> BadInput:
    return BadInput(field, message, INVALID_PARAMETER)


@dataclass(frozen=True)
class FlowState:
    mode: str = "patient"
    where: tuple[str, ...] = ()
    answers: tuple[tuple[str, str], ...] = ()  # (finding id, "y" | "n" | "u"), oldest first
    age: float | None = None
    sex: str | None = None
    setting: str | None = None
    numbers: tuple[tuple[str, float], ...] = ()
    screens: tuple[int, ...] = ()  # answers given on each question screen after the safety one
    client: str | None = None

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

    def with_screen(self, answers: Sequence[tuple[str, str]], counted: bool = True) -> FlowState:
        """Record a screen's answers (``counted``: a screen of questions after the safety one)."""
        state = self
        for finding, answer in answers:
            state = state.with_answer(finding, answer)
        return replace(state, screens=(*self.screens, len(answers))) if counted and answers else state

    def back(self) -> FlowState:
        """The state before the last screen of questions (the "Back" button)."""
        if not self.screens:
            return replace(self, answers=self.answers[:-1])
        keep = len(self.answers) - self.screens[-1]
        return replace(self, answers=self.answers[:max(keep, 0)], screens=self.screens[:-1])

    def without(self, findings: frozenset[str]) -> FlowState:
        """The state with these questions unanswered (back to the safety screen)."""
        return replace(self, answers=tuple(p for p in self.answers if p[0] not in findings), screens=())

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
        out += [("n", str(k)) for k in self.screens]
        if self.client is not None:
            out.append(("client", self.client))
        return out

    def query(self) -> str:
        return urlencode(self.params())


def _number(field: str, text: str) -> float:
    """A number typed in a form (its range is the case's to check)."""
    try:
        value = float(text)
    except ValueError:
        raise _refuse(field, "must be a number") from None
    if not math.isfinite(value):
        raise _refuse(field, "must be a number")
    return value


def parse_state(params: Sequence[tuple[str, str]], kb: KnowledgeBase, bmap: BodyMap) -> FlowState:
    """Read a flow state from query or form parameters, refusing anything malformed.

    Unknown parameter names are ignored (browsers and links add their own); known ones must
    be valid. An empty value means "not given", as an empty form field does.
    """
    if len(params) > MAX_PARAMS:
        raise _refuse("query", "has too many parameters")
    mode = "patient"
    where: list[str] = []
    answers: list[tuple[str, str]] = []
    numbers: dict[str, float] = {}
    age: float | None = None
    sex: str | None = None
    setting: str | None = None
    screens: list[int] = []
    client: str | None = None
    choices = set(bmap.choices)
    refused: list[BadInput] = []
    for key, value in params:
        if len(value) > MAX_VALUE_CHARS:
            refused.append(_refuse(key[:40], "is too long"))
            continue
        value = value.strip()
        if not value:
            continue
        try:
            if key == "mode":
                if value not in MODES:
                    raise _refuse("mode", f"must be one of {', '.join(MODES)}")
                mode = value
            elif key == "where":
                if value not in choices:
                    raise _refuse("where", "is not a place on the body map")
                if value not in where:
                    where.append(value)
            elif key == "a":
                fid, _, answer = value.rpartition(".")
                finding = kb.findings.get(fid)
                if finding is None or finding.type != "bool" or answer not in ANSWERS:
                    raise _refuse("a", "must be a yes/no finding id, a dot and y, n or u")
                if any(fid == f for f, _ in answers):
                    raise _refuse("a", f"answers {fid} twice")
                answers.append((fid, answer))
            elif key == "n":
                if not value.isdigit() or not 0 < int(value) <= MAX_PER_SCREEN:
                    raise _refuse("n", f"must be a whole number from 1 to {MAX_PER_SCREEN}")
                screens.append(int(value))
            elif key == "age":
                age = _number("age", value)
            elif key == "sex":
                sex = value
            elif key == "setting":
                setting = value
            elif key == "client":
                if not CLIENT_ID.fullmatch(value):
                    raise _refuse("client", "is not a client's record")
                client = value
            elif key in kb.findings and kb.findings[key].type == "number" and key != "age":
                numbers[key] = _number(key, value)
        except BadInput as exc:
            refused.append(exc)
    if len(answers) > MAX_ANSWERS:
        refused.append(_refuse("a", "has too many answers"))
    if sum(screens) > len(answers):
        refused.append(_refuse("n", "counts more answers than there are"))
    state = FlowState(mode, tuple(where), tuple(answers), age, sex, setting, tuple(numbers.items()),
                      tuple(screens), client)
    refused += _values_refused(state, kb, bmap)
    if refused:
        raise every(refused)
    return state


def _values_refused(state: FlowState, kb: KnowledgeBase, bmap: BodyMap) -> list[BadInput]:
    """The values themselves (age, sex, setting, each number's range), checked as every case's
    are, each refusal named by its parameter (``findings.duration_weeks`` is
    ``duration_weeks``): the case is checked again without each refused value until it passes,
    so that every wrong value is found, not only the first."""
    raw = state.raw_case(bmap)
    refused: list[BadInput] = []
    while True:
        try:
            parse_case(raw, kb)
            return refused
        except BadInput as exc:
            field = exc.field.removeprefix("findings.")
            refused.append(_refuse(field, exc.message))
            holder = raw if field in raw else raw["findings"]
            if not isinstance(holder, dict) or holder.pop(field, None) is None:
                return refused  # not a value of the form (cannot happen for a parsed state)


def read_screen(params: Sequence[tuple[str, str]], kb: KnowledgeBase) -> list[tuple[str, str]]:
    """The answers a screen of questions just submitted: each question shown (``q``, repeated)
    with its ``r.<id>`` choice, "not sure" (``u``) when none was chosen. A single question
    may also come as ``q`` with ``answer``."""
    shown = [v.strip() for k, v in params if k == "q" and v.strip()]
    chosen = {k[2:]: v.strip() for k, v in params if k.startswith("r.")}
    single = next((v.strip() for k, v in params if k == "answer"), None)
    if len(shown) > MAX_PER_SCREEN:
        raise _refuse("q", "names too many questions")
    if single is not None and len(shown) == 1:
        chosen = {shown[0]: single}
    out: list[tuple[str, str]] = []
    for fid in shown:
        finding = kb.findings.get(fid)
        if finding is None or finding.type != "bool":
            raise _refuse("q", "is not a yes/no question")
        answer = chosen.get(fid) or "u"
        if answer not in ANSWERS:
            raise _refuse("answer" if single is not None else f"r.{fid}", "must be y, n or u")
        if all(fid != f for f, _ in out):
            out.append((fid, answer))
    return out
