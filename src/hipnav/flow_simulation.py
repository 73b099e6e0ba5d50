"""The conversation (:mod:`hipnav.flow`) played through on cases with known answers
(``hipnav eval --simulate-flow``): how many screens it takes to a result, and whether the
right cause is still among the first three, against asking everything.

The simulated person answers every question from the case: yes or no where the case states
it, "not sure" where it does not. Screens are counted as a person meets them: the body map
with age, sex, how long and how bad (one), the safety screen (one, when there is one, and
one more when an answer on it brings another safety question), then each screen of
questions. The free-text step is not simulated (it is optional).

"Asking everything" is the same body map with every question of the question set answered
from the case: the most that the conversation could learn from this person.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from hipnav.assessment import Assessment, assess
from hipnav.engine import CompiledModel, parse_case
from hipnav.engine.case import Case
from hipnav.engine.next_question import askable
from hipnav.flow import MAX_SCREENS, PER_SCREEN, STOP_GAIN_BITS, next_screen, safety_screen, stops
from hipnav.web.body_map import body_map, map_findings


@dataclass(frozen=True)
class Step:
    """Where a case stands after one more screen of questions."""

    screens: int
    questions: int  # asked after the safety screen so far
    top3: bool


@dataclass(frozen=True)
class Played:
    """One case played through."""

    case_id: str | None
    screens: int
    questions: int  # asked after the safety screen
    safety_questions: int  # on the safety screens
    stopped: bool  # the safety screen stopped it with advice
    top3: bool  # the primary diagnosis among the first three at the end
    top3_everything: bool  # ... when every question is asked
    steps: tuple[Step, ...] = ()  # after each screen of questions

    def capped(self, max_screens: int) -> Played:
        """The same case had the conversation ended after ``max_screens`` (at least one)
        screens of questions: exactly what that lower cap plays, since a cap changes nothing
        before it is reached."""
        if len(self.steps) <= max_screens:
            return self
        at = self.steps[max_screens - 1]
        return replace(self, screens=at.screens, questions=at.questions, top3=at.top3,
                       steps=self.steps[:max_screens])


@dataclass(frozen=True)
class Rule:
    """A stopping rule: at most ``max_screens`` after the safety screen, of at most
    ``per_screen`` questions, and none expected to gain less than ``stop_gain_bits``."""

    max_screens: int = MAX_SCREENS
    per_screen: int = PER_SCREEN
    stop_gain_bits: float = STOP_GAIN_BITS
    #: After a red flag stops the conversation, the person goes on answering (the stop
    #: page offers it); else the result is the one at the stop.
    go_on_after_stop: bool = False


def _first_screen(case: Case, model: CompiledModel, question_set: str) -> dict[str, object]:
    """What the body-map screen learns: ticked places (the others then "no"), the numbers a
    person can give (an examiner's too, in the clinician's set), age and sex."""
    kb = model.kb
    bmap = body_map(kb)
    ticked = [f for f in bmap.choices if case.findings.get(f) is True]
    findings: dict[str, object] = dict(map_findings(bmap, ticked))
    for fid, value in case.findings.items():
        f = kb.findings[fid]
        if f.type == "number" and (question_set == "clinician" or not f.is_exam):
            findings[fid] = value
    raw: dict[str, object] = {"format": "hipnav-case/1", "id": case.id, "findings": findings}
    for key in ("age", "sex", "setting"):
        if getattr(case, key) is not None:
            raw[key] = getattr(case, key)
    return raw


def _with(raw: dict[str, object], answers: dict[str, bool], model: CompiledModel) -> Assessment:
    findings = {**raw["findings"], **answers}  # type: ignore[dict-item]
    return assess(parse_case({**raw, "findings": findings}, model.kb), model)


def play(case: Case, primary: str, model: CompiledModel, question_set: str = "patient",
         rule: Rule = Rule()) -> Played:
    """One case through the conversation, and through asking everything."""
    raw = _first_screen(case, model, question_set)
    answers: dict[str, bool] = {}
    skip: set[str] = set()

    def answer(fid: str) -> None:
        value = case.findings.get(fid)
        if isinstance(value, bool):
            answers[fid] = value
        else:
            skip.add(fid)

    screens, on_safety = 1, 0
    result = _with(raw, answers, model)
    # the safety screen, and again while an answer on it brings another safety question
    # (a limp after an injury), as the web flow and the interview do
    while not stops(result) and (screen := safety_screen(result, question_set, frozenset(skip))):
        screens += 1
        on_safety += len(screen)
        for s in screen:
            answer(s.finding)
        result = _with(raw, answers, model)
    stopped = bool(stops(result))
    first, asked = screens, 0
    steps: list[Step] = []
    while not stopped or rule.go_on_after_stop:
        shown = next_screen(result, question_set, frozenset(skip), screens - first, rule.max_screens,
                            rule.per_screen, rule.stop_gain_bits)
        if not shown:
            break
        for q in shown:
            answer(q.finding)
        asked += len(shown)
        screens += 1
        result = _with(raw, answers, model)
        steps.append(Step(screens, asked, _top3(result, primary)))
    everything = {f: v for f in askable(model, question_set)
                  if isinstance(v := case.findings.get(f), bool)}
    full = _with(raw, everything, model)
    return Played(case.id, screens, asked, on_safety, stopped, _top3(result, primary), _top3(full, primary),
                  tuple(steps))


def _top3(result: Assessment, primary: str) -> bool:
    return primary in [d.condition for d in result.top(3)]


def summary(played: Sequence[Played]) -> dict[str, float | int]:
    """Median and 90th percentile of screens, top-3 of the conversation and of asking everything."""
    n = len(played)
    going = [p for p in played if not p.stopped]
    screens = sorted(p.screens for p in played)
    return {
        "cases": n,
        "screens_median": statistics.median(screens),
        "screens_p90": round(_percentile(screens, 0.9), 1),
        "screens_max": screens[-1],
        "questions_median": statistics.median(p.questions + p.safety_questions for p in played),
        "questions_after_safety_median": statistics.median(p.questions for p in played),
        "questions_after_safety_p90": round(_percentile(sorted(p.questions for p in played), 0.9), 1),
        "stopped_by_safety": sum(p.stopped for p in played),
        "top3": round(sum(p.top3 for p in played) / n, 3),
        "top3_everything": round(sum(p.top3_everything for p in played) / n, 3),
        # the cases a warning sign stopped keep the result at the stop: these are the others
        "top3_not_stopped": round(sum(p.top3 for p in going) / max(len(going), 1), 3),
        "top3_everything_not_stopped": round(sum(p.top3_everything for p in going) / max(len(going), 1), 3),
    }


def _percentile(sorted_values: Sequence[int], q: float) -> float:
    """The q-th quantile, linear between order statistics (numpy's default)."""
    pos = (len(sorted_values) - 1) * q
    lo = int(pos)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (pos - lo)


def play_all(cases: Iterable[tuple[Case, str]], model: CompiledModel, question_set: str,
             rule: Rule) -> list[Played]:
    return [play(case, primary, model, question_set, rule) for case, primary in cases]


#: The rules tried: stopping thresholds (bits), questions on a screen, and screens of
#: questions at most (with the body map and the safety screen, at most 12 screens); and how
#: far below asking everything top-3 may fall.
GAINS = (0.005, 0.01, 0.02, 0.05, 0.1)
PER_SCREENS = (3, 4, 5, 6)
CAPS = (6, 8, 10)
TOLERANCE = 0.03
FOLDS = 5


def play_grid(cases: list[tuple[Case, str]], model: CompiledModel, question_set: str,
              rule: Rule) -> dict[Rule, list[Played]]:
    """Every case under every rule tried (:data:`PER_SCREENS` x :data:`GAINS` x
    :data:`CAPS`, going on after a stop as ``rule`` does): played once per screen size and
    threshold at the largest cap, the lower caps read off each case's steps."""
    out: dict[Rule, list[Played]] = {}
    for per in PER_SCREENS:
        for gain in GAINS:
            played = play_all(cases, model, question_set, Rule(max(CAPS), per, gain, rule.go_on_after_stop))
            for cap in CAPS:
                out[Rule(cap, per, gain, rule.go_on_after_stop)] = [p.capped(cap) for p in played]
    return out


def choose(scored: dict[Rule, list[Played]], tolerance: float = TOLERANCE) -> Rule:
    """Of the rules whose top-3 is within ``tolerance`` of asking everything, the one with
    the best top-3, then the fewest screens, then the fewest questions (accuracy first, then
    the person's time); if none is, the one with the best top-3."""
    def key(r: Rule) -> tuple[float, float, float]:
        played = scored[r]
        return (sum(p.top3 for p in played), -sum(p.screens for p in played),
                -sum(p.questions for p in played))

    ok = [r for r, played in scored.items()
          if sum(p.top3 for p in played) >= sum(p.top3_everything for p in played) - tolerance * len(played)]
    return max(ok or scored, key=key)


def cross_validate(cases: list[tuple[Case, str]], model: CompiledModel, question_set: str,
                   rule: Rule, folds: int = FOLDS) -> tuple[list[Rule], list[Played]]:
    """The rule (stopping threshold, screen size and cap) chosen (:func:`choose`) on all
    folds but one and applied, untouched, to that one; folds by position (case i in fold
    i mod ``folds``), every case held out once. Returns each fold's rule and every case as
    played when held out, in the cases' order."""
    by_rule = play_grid(cases, model, question_set, rule)
    chosen: list[Rule] = []
    held_out: list[Played | None] = [None] * len(cases)
    for k in range(folds):
        tuning = {r: [p for i, p in enumerate(played) if i % folds != k] for r, played in by_rule.items()}
        r = choose(tuning)
        chosen.append(r)
        for i, p in enumerate(by_rule[r]):
            if i % folds == k:
                held_out[i] = p
    return chosen, [p for p in held_out if p is not None]
