"""The parts of the result page around the causes: the urgency banner in plain words, the
questions that would settle things, and the summary a person takes to their provider.

The urgency and the questions come from the library (:mod:`hipnav.assessment`,
:mod:`hipnav.engine`); this module chooses the words and the order, nothing clinical.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from hipnav.assessment import Assessment
from hipnav.engine import information_gain
from hipnav.engine.next_question import MIN_GAIN_BITS, screening_questions
from hipnav.knowledge.model import KnowledgeBase
from hipnav.triage import FiredRedFlag
from hipnav.web.body_map import BodyMap
from hipnav.web.report import Cause, Source, percent

#: A heading for each urgency level, in the words a person in pain would use.
LEVEL_TITLES = {
    "emergency": "Emergency: get help now",
    "urgent": "Urgent: see a doctor soon",
    "routine_medical": "Book a check-up",
    "self_care": "Safe to look after it yourself for now",
}


@dataclass(frozen=True)
class UrgencyView:
    level: str
    title: str
    means: str  # what to do and how soon (the knowledge base's own words)
    red_flags: tuple[FiredRedFlag, ...]
    because: tuple[str, ...]  # possible causes that set the level, when no red flag did

    @property
    def alarming(self) -> bool:
        return self.level in ("emergency", "urgent")


def urgency_view(result: Assessment) -> UrgencyView:
    kb = result.model.kb
    u = result.urgency
    because: tuple[str, ...] = ()
    if not result.red_flags and u.level != kb.urgency_levels[-1].id:
        rank = kb.urgency_rank(u.level)
        because = tuple(f"{d.plain_name} ({percent(d.probability)})" for d in result.differential
                        if kb.urgency_rank(d.typical_urgency) >= rank and d.probability >= 0.01)[:3]
    title = LEVEL_TITLES.get(u.level, u.level.replace("_", " ").capitalize())
    return UrgencyView(u.level, title, u.means, result.red_flags, because)


@dataclass(frozen=True)
class QuestionView:
    finding: str
    text: str
    how: str | None
    safety: bool  # a red-flag screening question


def helpful_questions(result: Assessment, question_set: str, skip: frozenset[str],
                      n: int = 3) -> tuple[QuestionView, ...]:
    """Unanswered safety questions first, then those expected to settle the most."""
    model, case = result.model, result.case
    kb = model.kb
    ids = [(f, True) for f in screening_questions(model, case, question_set, skip)[:n]]
    if len(ids) < n:
        gains = information_gain(model, case, question_set, skip)
        best = sorted((g, f) for f, g in gains.items() if g >= MIN_GAIN_BITS and f not in dict(ids))
        ids += [(f, False) for _, f in reversed(best[-(n - len(ids)):])]
    return tuple(QuestionView(f, kb.findings[f].ask or kb.findings[f].means or f, kb.findings[f].how, s)
                 for f, s in ids)


@dataclass(frozen=True)
class SummaryLine:
    label: str
    items: tuple[str, ...]


def _question(kb: KnowledgeBase, fid: str) -> str:
    f = kb.findings[fid]
    return (f.label or f.ask or f.means or fid).rstrip("?")


def provider_summary(result: Assessment, bmap: BodyMap, skipped: frozenset[str]) -> tuple[SummaryLine, ...]:
    """What to tell a healthcare provider: the facts given, then hipnav's suggestions."""
    kb = result.model.kb
    case = result.case
    lines: list[SummaryLine] = []
    about = []
    if case.age is not None:
        about.append(f"Age {case.age:g}")
    if case.sex is not None:
        about.append(case.sex.capitalize())
    if about:
        lines.append(SummaryLine("About me", tuple(about)))
    drawn = set(bmap.choices)
    where = tuple(bmap.label(f) for f in bmap.choices if case.findings.get(f) is True)
    if where:
        lines.append(SummaryLine("Where it hurts", where))
    numbers = tuple(f"{_question(kb, fid)}: {v:g}" for fid, v in case.findings.items()
                    if kb.findings[fid].type == "number")
    if numbers:
        lines.append(SummaryLine("Numbers", numbers))
    yes = tuple(_question(kb, f) for f, v in case.findings.items() if v is True and f not in drawn)
    no = tuple(_question(kb, f) for f, v in case.findings.items() if v is False and f not in drawn)
    if yes:
        lines.append(SummaryLine("Yes", yes))
    if no:
        lines.append(SummaryLine("No", no))
    if skipped:
        lines.append(SummaryLine("Not sure", tuple(_question(kb, f) for f in sorted(skipped))))
    if result.red_flags:
        lines.append(SummaryLine("Warning signs", tuple(f.message for f in result.red_flags)))
    top = tuple(f"{d.plain_name}: {percent(d.probability)}" for d in result.differential[:3])
    lines.append(SummaryLine("hipnav's suggestions (not a diagnosis)", top))
    return tuple(lines)


def references(causes: Sequence[Cause]) -> tuple[Source, ...]:
    """Each publication behind the numbers shown, once, in order of first appearance."""
    seen: dict[str, Source] = {}
    for cause in causes:
        for s in (cause.prior_source, *(r.source for r in cause.reasons if r.source)):
            if s.ref_id and s.ref_id not in seen:
                seen[s.ref_id] = s
    return tuple(seen.values())
