"""A case of the shared case format (``hipnav-case/1``), validated.

Bad input is refused with a :class:`~hipnav.bad_input.BadInput` naming the field (code
``invalid_case``), so that a batch can report the one bad case and go on with the others
(shared/case-format/README.md). Every interface validates a case here: the command line,
the JSON API, the web pages' forms and the clinic.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from hipnav.bad_input import BadInput, every
from hipnav.knowledge.model import Finding, KnowledgeBase

FORMAT = "hipnav-case/1"
FindingValue = bool | float
DEMOGRAPHICS = ("age", "sex")
#: ``code`` of a refused case.
INVALID_CASE = "invalid_case"


@dataclass(frozen=True)
class Case:
    id: str | None
    findings: dict[str, FindingValue]
    age: float | None = None
    sex: str | None = None
    setting: str | None = None
    narrative: str | None = None
    extra: dict[str, object] = field(default_factory=dict)

    def values(self) -> dict[str, FindingValue | str]:
        """Findings plus age and sex, under their finding ids, for the engine and rules."""
        out: dict[str, FindingValue | str] = dict(self.findings)
        if self.age is not None:
            out["age"] = self.age
        if self.sex is not None:
            out["sex"] = self.sex
        return out

    def with_findings(self, findings: Mapping[str, FindingValue]) -> Case:
        return Case(self.id, dict(findings), self.age, self.sex, self.setting, self.narrative,
                    self.extra)

    def to_json(self) -> dict[str, object]:
        out: dict[str, object] = {"format": FORMAT}
        if self.id is not None:
            out["id"] = self.id
        for key in ("age", "sex", "setting"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        out["findings"] = dict(self.findings)
        if self.narrative:
            out["narrative"] = self.narrative
        return out


def _number(value: object) -> float | None:
    """A JSON number as a finite float, or None when ``value`` is not one (a boolean is not a
    number; an integer too large for a float is not one either)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def _figure(number: float) -> str:
    """A number as it was most likely typed: 11, not 11.0."""
    return str(int(number)) if number.is_integer() and abs(number) < 1e15 else repr(number)


def _refuse(field: str, message: str) -> BadInput:
    return BadInput(field, message, INVALID_CASE)


def case_id_of(raw: object) -> str | None:
    """The id of a raw case or vignette line, for error lines, without validating anything."""
    if isinstance(raw, dict):
        inner: dict[str, object] = raw["case"] if isinstance(raw.get("case"), dict) else raw
        cid = inner.get("id")
        return cid if isinstance(cid, str) else (str(cid) if cid is not None else None)
    return None


_CASE_FIELDS = frozenset(("format", "id", "age", "sex", "setting", "narrative", "findings"))


def parse_case(raw: object, kb: KnowledgeBase) -> Case:
    """Validate a case (or a vignette whose ``case`` field holds one) against the vocabulary.

    Every field is checked, and one :class:`BadInput` carries every refusal (the first as
    before, the rest in ``also``), so that a form that takes a pasted case (the clinic's
    import) can say everything that is wrong with it at once."""
    if isinstance(raw, dict) and isinstance(raw.get("case"), dict) and "findings" not in raw:
        raw = raw["case"]
    if not isinstance(raw, dict):
        raise _refuse("case", f"must be a JSON object, got {type(raw).__name__}")
    refused: list[BadInput] = []
    fmt = raw.get("format", FORMAT)
    if fmt != FORMAT:
        refused.append(_refuse("format", f"must be '{FORMAT}', got {fmt!r}"))
    cid = raw.get("id")
    if cid is not None and not isinstance(cid, str):
        refused.append(_refuse("id", f"must be a string, got {type(cid).__name__}"))
    age = raw.get("age")
    if age is not None:
        years = _number(age)
        if years is None:
            refused.append(_refuse("age", f"must be a number of years, got {age!r}"))
        elif not 0 <= years <= 120:
            refused.append(_refuse("age", f"must be between 0 and 120, got {age}"))
        age = years
    sex = raw.get("sex")
    if sex is not None and (not isinstance(sex, str) or sex not in ("female", "male")):
        refused.append(_refuse("sex", f"must be 'female' or 'male', got {sex!r}"))
    setting = raw.get("setting")
    if setting is not None and (not isinstance(setting, str) or setting not in kb.settings):
        refused.append(_refuse("setting", f"must be one of {sorted(kb.settings)}, got {setting!r}"))
    narrative = raw.get("narrative")
    if narrative is not None and not isinstance(narrative, str):
        refused.append(_refuse("narrative", f"must be a string, got {type(narrative).__name__}"))
    findings_raw = raw.get("findings", {})
    if not isinstance(findings_raw, dict):
        refused.append(_refuse("findings", f"must be an object, got {type(findings_raw).__name__}"))
        findings_raw = {}
    findings: dict[str, FindingValue] = {}
    for fid, value in findings_raw.items():
        finding = kb.findings.get(fid)
        if finding is None or finding.id in DEMOGRAPHICS:
            hint = " (give it as the case's own field)" if fid in DEMOGRAPHICS else ""
            refused.append(_refuse(f"findings.{fid}", f"unknown finding id{hint}"))
        elif value is not None:  # null: explicitly unknown, the same as missing
            # keyed by the knowledge base's own string, so that every later look-up by
            # finding id (encoding, red flags, clusters) matches on identity
            try:
                findings[finding.id] = _finding_value(finding, value)
            except BadInput as exc:
                refused.append(exc)
    if refused:
        raise every(refused)
    if not findings.keys().isdisjoint(kb.implicated):
        _apply_implications(findings, kb)
    extra = {k: v for k, v in raw.items() if k not in _CASE_FIELDS}
    return Case(cid, findings, age, sex, setting, narrative, extra)


def _finding_value(finding: Finding, value: object) -> FindingValue:
    """One finding's value, validated."""
    if finding.type == "bool":
        if value is True or value is False:
            return value
        raise _refuse(f"findings.{finding.id}", f"must be true or false, got {value!r}")
    if finding.type == "number":
        number = _number(value)
        if number is None:
            raise _refuse(f"findings.{finding.id}", f"must be a number ({finding.unit}), got {value!r}")
        lo, hi = finding.min, finding.max
        if (lo is not None and number < lo) or (hi is not None and number > hi):
            # a unit word ("weeks", "cm") reads after the range; a scale ("0 to 10") would repeat it
            unit = f" {finding.unit}" if finding.unit and not finding.unit[0].isdigit() else ""
            allowed = (f"between {lo:g} and {hi:g}" if lo is not None and hi is not None
                       else f"at least {lo:g}" if lo is not None else f"at most {hi:g}")
            raise _refuse(f"findings.{finding.id}", f"must be {allowed}{unit}, got {_figure(number)}")
        return number
    raise _refuse(f"findings.{finding.id}", "is not a case finding")


def _apply_implications(findings: dict[str, FindingValue], kb: KnowledgeBase) -> None:
    """A painful snap is a snap: fill implied findings the case left unknown (and the
    contrapositive). Contradictions are left as reported; the person knows best."""
    implied_by = kb.implied_by
    for fid, value in list(findings.items()):
        if value is True:
            for implied in kb.findings[fid].implies:
                findings.setdefault(implied, True)
        elif value is False:
            for implier in implied_by.get(fid, ()):
                findings.setdefault(implier, False)
