"""A case of the shared case format (``hipnav-case/1``), validated.

Bad input is refused with a :class:`CaseError` naming the field, so that a batch can report
the one bad case and go on with the others (shared/case-format/README.md).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from hipnav.knowledge.model import KnowledgeBase

FORMAT = "hipnav-case/1"
FindingValue = bool | float
DEMOGRAPHICS = ("age", "sex")


class CaseError(ValueError):
    """A case is refused; ``field`` names the offending field (dotted path)."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(f"{field}: {message}")


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


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def case_id_of(raw: object) -> str | None:
    """The id of a raw case or vignette line, for error lines, without validating anything."""
    if isinstance(raw, dict):
        inner: dict[str, object] = raw["case"] if isinstance(raw.get("case"), dict) else raw
        cid = inner.get("id")
        return cid if isinstance(cid, str) else (str(cid) if cid is not None else None)
    return None


@dataclass(frozen=True)
class _Checks:
    """What :func:`parse_case` asks of a knowledge base for every finding, looked up once:
    a web server parses thousands of cases a second against the same vocabulary."""

    # yes/no case findings -> their id as the knowledge base holds it; numeric ones -> (min,
    # max, id), open ends infinite. A case's findings are keyed by the knowledge base's own
    # strings, so that every later look-up by finding id (encoding, red flags, clusters)
    # matches on identity, without reading the id's characters again
    bools: dict[str, str]
    ranges: dict[str, tuple[float, float, str]]
    implying: frozenset[str]  # findings that imply another or are implied by one


_checks: dict[int, tuple[KnowledgeBase, _Checks]] = {}


def _checks_of(kb: KnowledgeBase) -> _Checks:
    held = _checks.get(id(kb))
    if held is None or held[0] is not kb:
        case_findings = [f for f in kb.findings.values() if f.id not in DEMOGRAPHICS]
        held = _checks[id(kb)] = (kb, _Checks(
            bools={f.id: f.id for f in case_findings if f.type == "bool"},
            ranges={f.id: (-math.inf if f.min is None else f.min, math.inf if f.max is None else f.max, f.id)
                    for f in case_findings if f.type == "number"},
            implying=frozenset(f.id for f in kb.findings.values() if f.implies) | frozenset(kb.implied_by),
        ))
    return held[1]


_PLAIN_NUMBERS = (int, float)
_CASE_FIELDS = frozenset(("format", "id", "age", "sex", "setting", "narrative", "findings"))


def parse_case(raw: object, kb: KnowledgeBase) -> Case:
    """Validate a case (or a vignette whose ``case`` field holds one) against the vocabulary."""
    if isinstance(raw, dict) and isinstance(raw.get("case"), dict) and "findings" not in raw:
        raw = raw["case"]
    if not isinstance(raw, dict):
        raise CaseError("case", f"must be a JSON object, got {type(raw).__name__}")
    fmt = raw.get("format", FORMAT)
    if fmt != FORMAT:
        raise CaseError("format", f"must be '{FORMAT}', got {fmt!r}")
    cid = raw.get("id")
    if cid is not None and not isinstance(cid, str):
        raise CaseError("id", f"must be a string, got {type(cid).__name__}")
    age = raw.get("age")
    if age is not None:
        if not _is_number(age) or not math.isfinite(age):
            raise CaseError("age", f"must be a number of years, got {age!r}")
        if not 0 <= age <= 120:
            raise CaseError("age", f"must be between 0 and 120, got {age}")
    sex = raw.get("sex")
    if sex is not None and (not isinstance(sex, str) or sex not in ("female", "male")):
        raise CaseError("sex", f"must be 'female' or 'male', got {sex!r}")
    setting = raw.get("setting")
    if setting is not None and (not isinstance(setting, str) or setting not in kb.settings):
        raise CaseError("setting", f"must be one of {sorted(kb.settings)}, got {setting!r}")
    narrative = raw.get("narrative")
    if narrative is not None and not isinstance(narrative, str):
        raise CaseError("narrative", f"must be a string, got {type(narrative).__name__}")
    findings_raw = raw.get("findings", {})
    if not isinstance(findings_raw, dict):
        raise CaseError("findings", f"must be an object, got {type(findings_raw).__name__}")
    checks = _checks_of(kb)
    bools, ranges, isfinite = checks.bools, checks.ranges, math.isfinite
    findings: dict[str, FindingValue] = {}
    for fid, value in findings_raw.items():
        # One look-up per finding in the usual case; anything else (unknown, null, a wrong
        # type or value) goes through _finding_value, which words the error.
        if value is True or value is False:
            if (known := bools.get(fid)) is not None:
                findings[known] = value
                continue
        elif value.__class__ in _PLAIN_NUMBERS and (bounds := ranges.get(fid)) is not None \
                and isfinite(value) and bounds[0] <= value <= bounds[1]:
            findings[bounds[2]] = float(value)
            continue
        checked = _finding_value(kb, fid, value)
        if checked is not None:
            findings[fid] = checked
    if not findings.keys().isdisjoint(checks.implying):  # (walks the smaller)
        _apply_implications(findings, kb)
    extra = ({} if raw.keys() <= _CASE_FIELDS else
             {k: v for k, v in raw.items() if k not in _CASE_FIELDS})
    return Case(cid, findings, float(age) if age is not None else None, sex, setting, narrative,
                extra)


def _finding_value(kb: KnowledgeBase, fid: str, value: object) -> FindingValue | None:
    """One finding's value, validated: None when it is explicitly unknown; a
    :class:`CaseError` naming ``findings.<id>`` when it is refused."""
    where = f"findings.{fid}"
    finding = kb.findings.get(fid)
    if finding is None or fid in DEMOGRAPHICS:
        hint = " (give it as the case's own field)" if fid in DEMOGRAPHICS else ""
        raise CaseError(where, f"unknown finding id{hint}")
    if value is None:  # explicitly unknown: the same as missing
        return None
    if finding.type == "bool":
        if not isinstance(value, bool):
            raise CaseError(where, f"must be true or false, got {value!r}")
        return value
    if finding.type == "number":
        if not _is_number(value) or not math.isfinite(value):  # type: ignore[arg-type]
            raise CaseError(where, f"must be a number ({finding.unit}), got {value!r}")
        lo, hi = finding.min, finding.max
        if (lo is not None and value < lo) or (hi is not None and value > hi):  # type: ignore[operator]
            raise CaseError(where, f"must be between {lo:g} and {hi:g} {finding.unit or ''}, "
                            f"got {value}".rstrip())
        return float(value)  # type: ignore[arg-type]
    raise CaseError(where, "is not a case finding")


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
