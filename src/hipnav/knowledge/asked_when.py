"""When a question applies to the person (``data/asked_when.yaml``), read and checked at load.

A question that cannot apply makes a person doubt the rest ("has your period stopped?" to a
65-year-old man), and a follow-up before its question, or a question an answer has already
settled ("do you limp?" after "I cannot put weight on it"), reads as not listening. Each
entry says, for one question, the sexes and age bands it is asked of, the answer it follows
(``after``: a predicate that must be true) and the answers that settle it (``unless``), with
its reason; a finding with no entry is asked of everyone. The web flow, the terminal
interview and the flow simulation all ask through :func:`applies`.

Sex and age that are not known yet never hide a question (it is asked rather than missed);
a parent question that is not answered yet (or answered "not sure") hides its follow-up.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hipnav.knowledge.model import Finding
from hipnav.knowledge.predicate import Predicate, PredicateError, Value, parse
from hipnav.knowledge.validation import Problems, read_yaml

if TYPE_CHECKING:
    from hipnav.knowledge.model import KnowledgeBase

FILE = "asked_when.yaml"
SCREENING_FILE = "screening.yaml"
_KEYS = {"finding", "sex", "age", "after", "unless", "ask_by_sex", "reason"}
_SCREENING_KEYS = {"finding", "unless", "reason"}


@dataclass(frozen=True)
class AskedWhen:
    finding: str
    reason: str
    sex: tuple[str, ...] = ()  # asked only of these sexes (empty: of every sex)
    age: tuple[str, ...] = ()  # asked only in these bands of the age finding (empty: any age)
    after: Predicate | None = None  # asked only once this is true (a follow-up's question)
    unless: Predicate | None = None  # not asked once this is true (settled by another answer)
    ask_by_sex: dict[str, str] = field(default_factory=dict)  # the question in other words

    def applies(self, values: Mapping[str, Value], age_band: str | None) -> bool:
        sex = values.get("sex")
        if self.sex and sex is not None and sex not in self.sex:
            return False
        if self.age and age_band is not None and age_band not in self.age:
            return False
        if self.after is not None and self.after.evaluate(values) is not True:
            return False
        return self.unless is None or self.unless.evaluate(values) is not True

    def wording(self, values: Mapping[str, Value]) -> str | None:
        """The question in the words for this person's sex, if the entry gives them."""
        return self.ask_by_sex.get(str(values.get("sex")))


def read_asked_when(root: Path, findings: dict[str, Finding], problems: Problems) -> dict[str, AskedWhen]:
    """Every entry of ``asked_when.yaml``, each problem named with the entry it is in."""
    path = root / FILE
    if not path.exists():
        return {}
    doc = read_yaml(path, problems)
    entries = doc.get("asked_when") if isinstance(doc, dict) else None
    if not isinstance(entries, list):
        problems.add(FILE, "needs an 'asked_when' list")
        return {}
    out: dict[str, AskedWhen] = {}
    for i, raw in enumerate(entries):
        entry = _entry(raw, f"{FILE}: asked_when[{i}]", findings, problems)
        if entry is not None:
            if entry.finding in out:
                problems.add(f"{FILE}: {entry.finding}", "is listed twice")
            out[entry.finding] = entry
    return out


def _entry(raw: Any, where: str, findings: dict[str, Finding], problems: Problems) -> AskedWhen | None:
    if not isinstance(raw, dict) or not isinstance(raw.get("finding"), str):
        problems.add(where, "each entry is a mapping with a 'finding'")
        return None
    fid = raw["finding"]
    where = f"{FILE}: {fid}"
    ok = True
    if fid not in findings or findings[fid].type != "bool":
        problems.add(where, f"unknown finding '{fid}' (a yes/no finding is needed)")
        ok = False
    if unknown := sorted(set(raw) - _KEYS):
        problems.add(where, f"unknown key(s) {unknown}; known: {sorted(_KEYS)}")
        ok = False
    reason = raw.get("reason")
    if not isinstance(reason, str) or len(reason) < 10:
        problems.add(where, "needs a 'reason': why the question is asked only then")
        ok = False
    sexes = findings["sex"].values if "sex" in findings else ()
    bands = findings["age"].states if "age" in findings else ()
    sex = _names(raw.get("sex"), sexes, f"{where} sex", "sex", problems)
    age = _names(raw.get("age"), bands, f"{where} age", "age band", problems)
    after = _predicate(raw.get("after"), f"{where} after", findings, problems)
    unless = _predicate(raw.get("unless"), f"{where} unless", findings, problems)
    wording = raw.get("ask_by_sex") or {}
    if not isinstance(wording, dict) or any(k not in sexes or not isinstance(v, str) or not v.strip()
                                            for k, v in wording.items()):
        problems.add(f"{where} ask_by_sex", f"maps a sex ({', '.join(sexes)}) to the question's words")
        ok = False
    if (not ok or not isinstance(reason, str) or sex is None or age is None
            or after is False or unless is False):
        return None
    return AskedWhen(fid, reason, sex, age, _or_none(after), _or_none(unless), dict(wording))


def read_screening(root: Path, findings: dict[str, Finding],
                   problems: Problems) -> tuple[tuple[str, ...], dict[str, Predicate]]:
    """The safety questions (``screening.yaml``), most dangerous first, and for some the
    answers that leave them off the safety screen (``unless``, as in ``asked_when.yaml``).

    A question belongs on the safety screen only where a "yes" to it can be a warning sign
    for this person: a limp is one in a child (the red flags child_limp and child_fever_limp,
    after the paediatric limp guidelines they cite) or after an injury, not in an adult who
    was not hurt, who is asked about a limp, if it helps, among the questions of what brings
    the pain on. Each entry is a finding, or
    a mapping with its ``finding``, an ``unless`` predicate and the ``reason``; each problem
    is named with its entry."""
    path = root / SCREENING_FILE
    doc = read_yaml(path, problems) if path.exists() else {}
    questions: list[str] = []
    unless: dict[str, Predicate] = {}
    for raw in (doc or {}).get("screening_questions") or ():
        fid = raw.get("finding") if isinstance(raw, dict) else raw
        if not isinstance(fid, str) or fid not in findings or findings[fid].type != "bool":
            problems.add(SCREENING_FILE, f"'{fid}' is not a yes/no finding")
            continue
        questions.append(fid)
        if not isinstance(raw, dict):
            continue
        where = f"{SCREENING_FILE}: {fid}"
        if extra := sorted(set(raw) - _SCREENING_KEYS):
            problems.add(where, f"unknown key(s) {extra}; known: {sorted(_SCREENING_KEYS)}")
        if not isinstance(raw.get("reason"), str) or len(raw["reason"]) < 10:
            problems.add(where, "needs a 'reason': why it is left off the safety screen then")
        rule = _predicate(raw.get("unless"), f"{where} unless", findings, problems)
        if rule is None:
            problems.add(where, "a mapping entry needs an 'unless' predicate")
        elif isinstance(rule, Predicate):
            unless[fid] = rule
    if len(set(questions)) != len(questions):
        problems.add(SCREENING_FILE, "a question is listed twice")
    return tuple(questions), unless


def _or_none(p: Predicate | bool | None) -> Predicate | None:
    return p if isinstance(p, Predicate) else None


def _names(raw: Any, allowed: tuple[str, ...], where: str, what: str,
           problems: Problems) -> tuple[str, ...] | None:
    if raw is None:
        return ()
    items = [raw] if isinstance(raw, str) else raw
    if not isinstance(items, list) or not items:
        problems.add(where, f"a {what} or a list of them")
        return None
    bad = [x for x in items if x not in allowed]
    if bad:
        problems.add(where, f"unknown {what} {bad!r}; one of {list(allowed)}")
        return None
    return tuple(items)


def _predicate(raw: Any, where: str, findings: dict[str, Finding],
               problems: Problems) -> Predicate | None | bool:
    """The predicate, None when absent, False when it is wrong (its problems noted)."""
    if raw is None:
        return None
    try:
        pred = parse(raw, where)
    except PredicateError as exc:
        problems.add(where, str(exc))
        return False
    unknown = sorted(f for f in pred.findings() if f not in findings)
    for fid in unknown:
        problems.add(where, f"unknown finding '{fid}'")
    return False if unknown else pred


def not_asked(kb: KnowledgeBase, values: Mapping[str, Value]) -> frozenset[str]:
    """The questions that do not apply to a case with these values (findings, age, sex)."""
    if not kb.asked_when:
        return frozenset()
    age, age_finding = values.get("age"), kb.findings.get("age")
    band = age_finding.state_of(age) if age is not None and age_finding is not None else None
    return frozenset(fid for fid, rule in kb.asked_when.items() if not rule.applies(values, band))


def question_text(kb: KnowledgeBase, finding: str, values: Mapping[str, Value]) -> str:
    """How to put a finding's question to this person (in their sex's words where given)."""
    rule = kb.asked_when.get(finding)
    return (rule.wording(values) if rule else None) or kb.findings[finding].question
