"""``hipnav interview``: the conversation of the web pages (:mod:`hipnav.flow`), in the terminal.

Where it hurts first (and, with ``--text``, what the person's own words say, confirmed one
by one), then the safety questions together, stopping with advice the moment an answer is
a warning sign that needs help quickly, then a few screens of the questions that apply.
Answers are y (yes), n (no) or ? (not sure); ``b`` goes back a screen, ``q`` finishes. It
ends with the full report and can save the case.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hipnav.assessment import Assessment
    from hipnav.engine import CompiledModel
    from hipnav.knowledge.model import KnowledgeBase

HELP = "Answer y (yes), n (no) or ? (not sure); b goes back a screen, q finishes now."
ANSWERS: dict[str, bool | None] = {"y": True, "yes": True, "n": False, "no": False, "?": None, "": None,
                                   "dk": None, "not sure": None, "don't know": None}
GROUP_TITLES = {"location": "Where exactly it hurts", "character": "What the pain is like",
                "aggravating": "What brings the pain on", "course": "How it started and how it is going",
                "health": "Your health", "exam": "Examination tests", "lab": "Tests"}
Read = Callable[[], "str | None"]


class Finished(Exception):
    """The person typed q (or the input ended)."""


class Back(Exception):
    """The person typed b."""


def register(sub: argparse._SubParsersAction) -> None:
    from hipnav.flow import MAX_SCREENS

    p = sub.add_parser("interview", help="answer questions one at a time and get a report")
    p.add_argument("--clinician", action="store_true", help="also ask clinical examination tests")
    p.add_argument("--save", metavar="FILE", help="save the case as JSON to FILE at the end")
    p.add_argument("--max-screens", type=int, default=MAX_SCREENS,
                   help=f"screens of questions after the safety questions, at most (default {MAX_SCREENS})")
    p.add_argument("--text", help="start from a description in your own words: what it says is "
                   "confirmed with you, and only the rest is asked")
    p.set_defaults(run=run)


@dataclass
class Session:
    """The answers so far; ``screens`` counts the answers of each screen after the safety one,
    so that "back" undoes a screen."""

    age: float | None = None
    sex: str | None = None
    numbers: dict[str, float] = field(default_factory=dict)
    answers: list[tuple[str, bool | None]] = field(default_factory=list)
    screens: list[int] = field(default_factory=list)

    def findings(self) -> dict[str, bool | float]:
        out: dict[str, bool | float] = dict(self.numbers)
        for fid, v in self.answers:
            if v is None:
                out.pop(fid, None)
            else:
                out[fid] = v
        return out

    def skipped(self) -> frozenset[str]:
        return frozenset(fid for fid, v in self.answers if v is None)

    def answer(self, fid: str, value: bool | None) -> None:
        self.answers = [(f, v) for f, v in self.answers if f != fid] + [(fid, value)]

    def back(self) -> bool:
        if not self.screens:
            return False
        n = self.screens.pop()
        del self.answers[len(self.answers) - n:]
        return True


def _ask(prompt: str, read: Read) -> str | None:
    print(prompt, end=" ", flush=True)
    line = read()
    if line is None:
        print()
        return None
    return line.strip().lower()


def _read_line() -> str | None:
    line = sys.stdin.readline()
    return line if line else None


def _number(prompt: str, lo: float, hi: float, read: Read, default: float | None = None) -> float | None:
    while True:
        answer = _ask(prompt, read)
        if answer is None or answer in ("?", "skip"):
            return None
        if answer == "":
            return default
        try:
            value = float(answer)
        except ValueError:
            value = float("nan")
        if lo <= value <= hi:
            return value
        print(f"  Please give a number from {lo:g} to {hi:g}, or press Enter to skip.")


def _yes_no(prompt: str, read: Read) -> bool | None:
    """One yes / no / not sure answer; raises Back or Finished for b and q."""
    while True:
        answer = _ask(f"{prompt} [y/n/?]", read)
        if answer is None or answer == "q":
            raise Finished
        if answer == "b":
            raise Back
        if answer in ANSWERS:
            return ANSWERS[answer]
        print("  " + HELP)


def _where(session: Session, kb: KnowledgeBase, read: Read, said: dict[str, bool]) -> None:
    """The body map's places as a numbered list; the person's own words pre-select some."""
    from hipnav.web.body_map import body_map, map_findings

    bmap = body_map(kb)
    print("\nWhere does it hurt? Type the numbers of every place that hurts (e.g. 1 4), "
          "or press Enter to skip.")
    for i, fid in enumerate(bmap.choices, start=1):
        mark = "  (from your words)" if said.get(fid) else ""
        print(f"  {i:>2}. {bmap.label(fid)}{mark}")
    chosen = [f for f in bmap.choices if said.get(f)]
    while True:
        answer = _ask("Places" + (" [Enter keeps the ones marked]" if chosen else "") + ":", read)
        if not answer:
            break
        picks = answer.replace(",", " ").split()
        if all(p.isdigit() and 1 <= int(p) <= len(bmap.choices) for p in picks):
            chosen = [bmap.choices[int(p) - 1] for p in picks]
            break
        print(f"  Please type numbers from 1 to {len(bmap.choices)}, separated by spaces.")
    for fid, value in map_findings(bmap, chosen).items():
        session.answer(fid, value)


def _about(session: Session, kb: KnowledgeBase, read: Read, profile: dict[str, object]) -> None:
    """Age, sex, how long and how bad: what the words said is offered, Enter keeps it."""
    def shown(key: str) -> str:
        value = profile.get(key)
        return f" [Enter: {value:g}]" if isinstance(value, float) else " [Enter to skip]"

    age = kb.findings["age"]
    session.age = _number(f"How old are you (years)?{shown('age')}", age.min or 0, age.max or 120, read,
                          profile.get("age"))  # type: ignore[arg-type]
    said_sex = profile.get("sex")
    sex = _ask(f"Sex: female or male?{f' [Enter: {said_sex}]' if said_sex else ' [Enter to skip]'}", read)
    sexes = {"f": "female", "female": "female", "m": "male", "male": "male"}
    session.sex = sexes.get(sex or "") or (str(said_sex) if said_sex and not sex else None)
    for fid in ("duration_weeks", "pain_severity"):
        f = kb.findings.get(fid)
        if f is None:
            continue
        value = _number(f"{f.question}{shown(fid)}", f.min or 0, f.max or 0, read, profile.get(fid))  # type: ignore[arg-type]
        if value is not None:
            session.numbers[fid] = value


def _confirm_from_text(text: str, session: Session, kb: KnowledgeBase,
                       read: Read) -> tuple[dict[str, bool], dict[str, object]]:
    """Read the person's words; confirm each finding that is not a place or a basic (issue 5:
    nothing extracted is used unconfirmed). Returns the places and the basics read, which
    the next questions offer for confirmation."""
    from hipnav.intake import read_profile

    profile = read_profile(text)
    extraction = profile.extraction
    for message in extraction.messages:
        print(f"  ({message})")
    basics = {k: v for k, v in profile.to_dict().items() if k != "places"}
    others = {fid: v for fid, v in extraction.findings.items()
              if fid not in profile.places and kb.findings[fid].type == "bool"
              and kb.findings[fid].group != "demographics"}
    if not others and not basics and not profile.places:
        print("\nNothing in the description matched a question; let's go through them.")
        return {}, {}
    print("\nFrom your description I understood the following. Please check each one.")
    for fid, value in others.items():
        said = "yes" if value else "no"
        answer = _ask(f"  {kb.findings[fid].question}  → {said}. Right? [y/n/?]", read)
        if answer in ("y", "yes", ""):
            session.answer(fid, bool(value))
        elif answer in ("n", "no"):
            session.answer(fid, not value)
        else:
            session.answer(fid, None)
    return {k: bool(v) for k, v in profile.places.items()}, basics


def _stop_advice(result: Assessment) -> None:
    from hipnav.flow import stops

    for flag in stops(result):
        print(f"\n  !! STOP: {flag.urgency.replace('_', ' ').upper()}: {flag.message}")


def run(args: argparse.Namespace) -> int:
    from hipnav.assessment import DISCLAIMER, assess, default_model
    from hipnav.cli.terminal_report import CAUSES, render
    from hipnav.engine import parse_case
    from hipnav.flow import next_screen, safety_screen, stops, unchecked
    from hipnav.knowledge.asked_when import not_asked
    from hipnav.result import describe

    model: CompiledModel = default_model()
    kb = model.kb
    question_set = "clinician" if args.clinician else "patient"
    read: Read = _read_line
    print("hipnav interview: a few questions about your hip pain.")
    print(DISCLAIMER)
    print(HELP)
    session = Session()
    places: dict[str, bool] = {}
    basics: dict[str, object] = {}
    if args.text:
        places, basics = _confirm_from_text(args.text, session, kb, read)
    _where(session, kb, read, places)
    _about(session, kb, read, basics)

    def current() -> Assessment:
        raw = {"id": "interview", "findings": session.findings(), "age": session.age, "sex": session.sex}
        return assess(parse_case({k: v for k, v in raw.items() if v is not None}, kb), model)

    result = current()
    go_on = True
    try:
        # the safety screen, and again while an answer on it brings another safety question
        # (a limp after an injury)
        stopped = False
        while not stopped and (screen := safety_screen(result, question_set, session.skipped())):
            print("\nSafety questions: do any of these apply to you? They can be signs of a problem "
                  "that needs help quickly.")
            for s in screen:
                if s.finding in not_asked(kb, result.case.values()):
                    continue  # settled by an answer on this screen ("cannot bear weight": no limp question)
                session.answer(s.finding, _yes_no(f"  {s.text}", read))
                result = current()
                if stops(result):
                    _stop_advice(result)
                    again = _ask("\nPlease act on this now. Answer more questions anyway? [y/N]", read)
                    go_on, stopped = again in ("y", "yes"), True
                    break
        while go_on:
            result = current()
            shown = next_screen(result, question_set, session.skipped(), len(session.screens),
                                args.max_screens)
            if not shown:
                break
            group = kb.findings[shown[0].finding].group
            leading = ", ".join(f"{d.plain_name} {d.probability:.0%}" for d in result.differential[:3])
            print(f"\n[{len(session.screens) + 1}] {GROUP_TITLES.get(group, 'A few questions')}"
                  f"   (leading so far: {leading})")
            given = 0
            try:
                for q in shown:
                    how = kb.findings[q.finding].how
                    if args.clinician and how:
                        print(f"    How: {how}")
                    session.answer(q.finding, _yes_no(f"Q: {q.text}", read))
                    given += 1
            except Back:
                del session.answers[len(session.answers) - given:]
                if not session.back():
                    print("  Nothing to go back to.")
                continue
            session.screens.append(given)
            for flag in current().red_flags:
                if flag.id not in {f.id for f in result.red_flags}:
                    print(f"\n  !! {flag.urgency.replace('_', ' ').upper()}: {flag.message}")
    except (Finished, Back):
        pass

    final = current()
    open_safety = [kb.findings[f].text for f in unchecked(final, question_set)]
    print("\n" + render(describe(final, CAUSES), kb, final.next_question(question_set),
                        unchecked=open_safety, lowest=kb.urgency_levels[-1].id, clinician=args.clinician))
    save_to = args.save
    if save_to is None and sys.stdin.isatty():
        save_to = _ask("\nSave this case as JSON? Type a file name, or press Enter to skip:", read) or None
    if save_to:
        Path(save_to).write_text(json.dumps(final.case.to_json(), indent=2) + "\n", encoding="utf-8")
        print(f"Saved to {save_to}. Show it to your clinician, or run: hipnav assess {save_to}")
    return 0
