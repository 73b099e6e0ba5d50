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
    findings: dict[str, FindingValue] = {}
    for fid, value in findings_raw.items():
        where = f"findings.{fid}"
        finding = kb.findings.get(fid)
        if finding is None or fid in DEMOGRAPHICS:
            hint = " (give it as the case's own field)" if fid in DEMOGRAPHICS else ""
            raise CaseError(where, f"unknown finding id{hint}")
        if value is None:  # explicitly unknown: the same as missing
            continue
        if finding.type == "bool":
            if not isinstance(value, bool):
                raise CaseError(where, f"must be true or false, got {value!r}")
            findings[fid] = value
        elif finding.type == "number":
            if not _is_number(value) or not math.isfinite(value):
                raise CaseError(where, f"must be a number ({finding.unit}), got {value!r}")
            lo, hi = finding.min, finding.max
            if (lo is not None and value < lo) or (hi is not None and value > hi):
                raise CaseError(where, f"must be between {lo:g} and {hi:g} {finding.unit or ''}, "
                                f"got {value}".rstrip())
            findings[fid] = float(value)
        else:
            raise CaseError(where, "is not a case finding")
    _apply_implications(findings, kb)
    extra = {k: v for k, v in raw.items()
             if k not in ("format", "id", "age", "sex", "setting", "narrative", "findings")}
    return Case(cid, findings, float(age) if age is not None else None, sex, setting, narrative,
                extra)


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
