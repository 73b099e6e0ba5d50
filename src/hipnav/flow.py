"""The conversation, in the order a person expects: where it hurts (and, if they wish, their
own words) first; then the safety questions together on one screen, stopping with advice
the moment an answer raises a red flag; then only the questions that apply, most
informative first, until more answers would not change the picture.

One implementation for the web pages, the terminal interview and the flow simulation
(:mod:`hipnav.flow_simulation`). Which questions apply to whom is data
(``knowledge/data/asked_when.yaml``, applied inside :mod:`hipnav.engine.next_question`);
the stopping rule is here and was chosen by measurement (docs/flow.md).

Safety first follows the red-flag screening of the IFOMPT international framework
(Finucane 2020): the serious causes are asked about before anything is ruled likely. The
safety questions still open are what could not be checked, and no result says the pain is
safe to look after oneself while any is.
"""

from __future__ import annotations

from dataclasses import dataclass

from hipnav.assessment import Assessment
from hipnav.engine import Question, information_gain
from hipnav.engine.next_question import screening_questions
from hipnav.knowledge.asked_when import question_text
from hipnav.knowledge.model import KnowledgeBase
from hipnav.triage import FiredRedFlag, fired_red_flags

#: Screens of questions after the safety screen, at most, and questions on one screen; stop
#: once no question is expected to gain ``STOP_GAIN_BITS`` (summed over the conditions). The
#: three are chosen together on the patient flow by 5-fold cross-validation over the two
#: development sets (``hipnav eval --simulate-flow``; every fold chose this rule; docs/flow.md).
MAX_SCREENS = 8
PER_SCREEN = 6
STOP_GAIN_BITS = 0.005
#: Urgency levels at which the safety screen stops the conversation with advice.
STOPPING_LEVELS = ("emergency", "urgent")


@dataclass(frozen=True)
class SafetyQuestion:
    """A question of the safety screen, and the warnings a "yes" to it alone would raise
    (shown the moment it is chosen)."""

    finding: str
    text: str
    alone: tuple[FiredRedFlag, ...]


def safety_screen(assessment: Assessment, question_set: str,
                  skip: frozenset[str] = frozenset()) -> tuple[SafetyQuestion, ...]:
    """The safety questions that apply and are still open (not answered, not "not sure"),
    in the knowledge base's order (most dangerous first): one screen."""
    kb, values = assessment.model.kb, assessment.case.values()
    before = {f.id for f in assessment.red_flags}
    out = []
    for fid in screening_questions(assessment.model, assessment.case, question_set, skip):
        raised = fired_red_flags(kb, {**values, fid: True})
        out.append(SafetyQuestion(fid, question_text(kb, fid, values),
                                  tuple(f for f in raised if f.id not in before)))
    return tuple(out)


def unchecked(assessment: Assessment, question_set: str) -> tuple[str, ...]:
    """Safety questions that apply and could not be checked: still open for the case, not
    answered yes or no (unanswered, or answered "not sure")."""
    return tuple(screening_questions(assessment.model, assessment.case, question_set))


def stops(assessment: Assessment) -> tuple[FiredRedFlag, ...]:
    """The red flags that end the conversation with advice (an emergency or urgent one)."""
    return tuple(f for f in assessment.red_flags if f.urgency in STOPPING_LEVELS)


def next_screen(assessment: Assessment, question_set: str, skip: frozenset[str],
                screens: int, max_screens: int = MAX_SCREENS, per_screen: int = PER_SCREEN,
                stop_gain_bits: float = STOP_GAIN_BITS) -> tuple[Question, ...]:
    """The next screen of questions after the safety screen, or () when the result is
    ready: ``screens`` have been answered since the safety screen (at most ``max_screens``),
    or no question that applies is expected to gain ``stop_gain_bits``.

    A screen holds the most informative question and up to ``per_screen - 1`` more of its
    kind (what brings the pain on, what it is like, how it started, your health), each
    also expected to gain ``stop_gain_bits``, most informative first: "Which of these bring
    on the pain?" is one look for a person, not six pages."""
    if screens >= max_screens:
        return ()
    model, case = assessment.model, assessment.case
    kb, values = model.kb, case.values()
    gains = information_gain(model, case, question_set, skip)
    ranked = sorted(((g, f) for f, g in gains.items() if g >= stop_gain_bits), reverse=True)
    if not ranked:
        return ()
    group = kb.findings[ranked[0][1]].group
    shown: list[tuple[float, str]] = []
    for g, f in ranked:
        if kb.findings[f].group == group and not _waits_for(kb, f, {s for _, s in shown}):
            shown.append((g, f))
    shown = shown[:per_screen]
    return tuple(Question(f, question_text(kb, f, values), "most informative", g) for g, f in shown)


def _waits_for(kb: KnowledgeBase, finding: str, on_screen: set[str]) -> bool:
    """Whether a question's ``asked_when`` names one already on the screen: it waits for that
    answer (a later screen), since the answer may settle it."""
    rule = kb.asked_when.get(finding)
    if rule is None:
        return False
    named = set().union(*(p.findings() for p in (rule.after, rule.unless) if p is not None))
    return bool(named & on_screen)
