"""The result in the pages' words: percentages and odds, the urgency banner, the questions
that would settle things, and the summary a person takes to their provider.

What is shown comes from the library: the result (:func:`hipnav.result.describe`) and the
questions (:mod:`hipnav.engine`); this module chooses the words and the order, nothing
clinical.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from hipnav.assessment import Assessment
from hipnav.describe import clinical_name
from hipnav.engine import Case, information_gain
from hipnav.engine.next_question import screening_questions
from hipnav.flow import STOP_GAIN_BITS
from hipnav.knowledge.asked_when import question_text
from hipnav.knowledge.model import KnowledgeBase
from hipnav.result import Cause, RedFlag, Result, Source
from hipnav.web.body_map import BodyMap


def percent(p: float) -> str:
    """A probability as a person reads it: whole percent, and never a false 0 %."""
    if p >= 0.995:
        return "over 99%"
    if p < 0.01:
        return "under 1%"
    return f"{round(p * 100)}%"


def ratio(lr: float) -> str:
    """A likelihood ratio for a clinician, to two significant figures: "5.2", "0.53", "14"."""
    return f"{lr:.2g}" if lr < 10 else f"{lr:.0f}"


def in_100(p: float) -> str:
    """A probability as a natural frequency, "about 12 in 100" (Gigerenzer and Hoffrage 1995:
    counts are understood where percentages and odds are not)."""
    if p < 0.01:
        return "fewer than 1 in 100"
    if p >= 0.995:
        return "nearly all"
    return f"about {round(p * 100)} in 100"


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
    red_flags: list[RedFlag]
    because: tuple[str, ...]  # possible causes that set the level, when no red flag did
    unchecked: tuple[str, ...] = ()  # safety questions that could not be checked

    @property
    def alarming(self) -> bool:
        return self.level in ("emergency", "urgent")


#: The banner's words while safety questions are open and nothing else calls for care: never
#: "safe" before the warning signs have been asked about (issue 13).
UNCHECKED_TITLE = "Not checked yet: some warning signs were not asked about"
UNCHECKED_MEANS = ("We cannot say it is safe to look after it yourself until these are answered. If any of "
                   "them applies to you, or you are not sure, see a doctor or a physiotherapist")


def urgency_view(result: Result, kb: KnowledgeBase, unchecked: Sequence[str] = ()) -> UrgencyView:
    """The banner of a result described with every cause (``describe(assessment, None)``);
    ``unchecked`` names the safety questions that could not be checked."""
    level = result.urgency
    because: tuple[str, ...] = ()
    if not result.red_flags and level != kb.urgency_levels[-1].id:
        rank = kb.urgency_rank(level)
        because = tuple(f"{c.plain_name} ({percent(c.p)})" for c in result.explanations or ()
                        if kb.urgency_rank(c.typical_urgency) >= rank and c.p >= 0.01)[:3]
    title = LEVEL_TITLES.get(level, level.replace("_", " ").capitalize())
    if unchecked and level == kb.urgency_levels[-1].id:
        return UrgencyView(level, UNCHECKED_TITLE, UNCHECKED_MEANS, result.red_flags, because,
                           tuple(unchecked))
    return UrgencyView(level, title, result.urgency_means, result.red_flags, because, tuple(unchecked))


#: "What you can do now" is shown for the most likely cause and for any other of the first
#: few at least half as likely: the causes a person would reasonably act on.
ADVICE_CAUSES = 3


def leading(causes: Sequence[Cause]) -> tuple[Cause, ...]:
    """The causes whose guides' advice the result page shows."""
    if not causes:
        return ()
    top = causes[0].p
    return tuple(c for c in causes[:ADVICE_CAUSES] if c.p >= top / 2)


@dataclass(frozen=True)
class RuleOutView:
    condition: str
    plain_name: str
    probability: str  # in the pages' words (:func:`percent`)
    why: str


def rule_out_view(result: Result, kb: KnowledgeBase) -> tuple[RuleOutView, ...]:
    """The serious conditions to exclude now (``must_rule_out``), most serious first."""
    return tuple(RuleOutView(r.condition, kb.conditions[r.condition].plain_name, percent(r.p), r.why)
                 for r in result.must_rule_out)


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
        best = sorted((g, f) for f, g in gains.items() if g >= STOP_GAIN_BITS and f not in dict(ids))
        ids += [(f, False) for _, f in reversed(best[-(n - len(ids)):])]
    values = case.values()

    def word(f: str) -> str:
        return clinical_name(kb.findings[f]) if question_set == "clinician" else question_text(kb, f, values)

    return tuple(QuestionView(f, word(f), kb.findings[f].how, s) for f, s in ids)


@dataclass(frozen=True)
class SummaryLine:
    label: str
    items: tuple[str, ...]


def _named(kb: KnowledgeBase, fid: str) -> str:
    return kb.findings[fid].text.rstrip("?")


def provider_summary(result: Result, case: Case, kb: KnowledgeBase, bmap: BodyMap,
                     skipped: frozenset[str], clinician: bool = False) -> tuple[SummaryLine, ...]:
    """What to tell a healthcare provider (for a clinician: the findings as recorded, tests
    positive or negative): the facts given, then hipnav's suggestions (from a result whose
    most likely causes are explained)."""
    lines: list[SummaryLine] = []
    about = []
    if case.age is not None:
        about.append(f"Age {case.age:g}")
    if case.sex is not None:
        about.append(case.sex.capitalize())
    if about:
        lines.append(SummaryLine("Patient" if clinician else "About me", tuple(about)))
    drawn = set(bmap.choices)
    where = tuple(bmap.label(f) for f in bmap.choices if case.findings.get(f) is True)
    if where:
        lines.append(SummaryLine("Site of pain" if clinician else "Where it hurts", where))
    numbers = tuple(f"{_named(kb, fid)}: {v:g}" for fid, v in case.findings.items()
                    if kb.findings[fid].type == "number")
    if numbers:
        lines.append(SummaryLine("Measures" if clinician else "Numbers", numbers))
    answered = [(f, v) for f, v in case.findings.items() if isinstance(v, bool) and f not in drawn]
    history = [(f, v) for f, v in answered if not kb.findings[f].is_exam]
    tests = [(f, v) for f, v in answered if kb.findings[f].is_exam]
    for label, kept in (("Present" if clinician else "Yes", [f for f, v in history if v]),
                        ("Absent" if clinician else "No", [f for f, v in history if not v]),
                        ("Positive tests", [f for f, v in tests if v]),
                        ("Negative tests", [f for f, v in tests if not v])):
        if kept:
            lines.append(SummaryLine(label, tuple(_named(kb, f) for f in kept)))
    if skipped:
        lines.append(SummaryLine("Not known" if clinician else "Not sure",
                                 tuple(_named(kb, f) for f in sorted(skipped))))
    if result.red_flags:
        lines.append(SummaryLine("Red flags" if clinician else "Warning signs",
                                 tuple(f.message for f in result.red_flags)))
    top = tuple(f"{c.plain_name}: {percent(c.p)}" for c in (result.explanations or ())[:3])
    lines.append(SummaryLine("hipnav's suggestions (not a diagnosis)", top))
    if result.must_rule_out:
        lines.append(SummaryLine("Serious causes to rule out now", tuple(
            f"{v.plain_name} ({v.probability}): {v.why}" for v in rule_out_view(result, kb))))
    return tuple(lines)


def references(causes: Sequence[Cause]) -> tuple[Source, ...]:
    """Each publication behind the numbers shown, once, in order of first appearance."""
    seen: dict[str, Source] = {}
    for cause in causes:
        for s in (cause.prior_source, *(r.source for r in cause.reasons if r.source)):
            if s.reference and s.reference not in seen:
                seen[s.reference] = s
    return tuple(seen.values())
