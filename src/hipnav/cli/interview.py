"""``hipnav interview``: an adaptive question-and-answer session in the terminal.

One question at a time in plain language; answers yes / no / don't know; ``b`` goes back;
``q`` finishes early. Red-flag screening comes first, then the most informative question.
The leading causes are shown as it goes; it ends with the full report and can save the case.
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
    from hipnav.knowledge.model import KnowledgeBase

MAX_QUESTIONS = 30
HELP = "Answer y (yes), n (no) or ? (don't know); b goes back, q finishes now."


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("interview", help="answer questions one at a time and get a report")
    p.add_argument("--clinician", action="store_true", help="also ask clinical examination tests")
    p.add_argument("--save", metavar="FILE", help="save the case as JSON to FILE at the end")
    p.add_argument("--max-questions", type=int, default=MAX_QUESTIONS)
    p.add_argument("--text", help="start from a description in your own words: what it says is "
                   "confirmed with you, and only the rest is asked")
    p.set_defaults(run=run)


@dataclass
class Session:
    """The answers so far, as a stack so that 'back' can undo the last one."""

    age: float | None = None
    sex: str | None = None
    answers: list[tuple[str, bool | None]] = field(default_factory=list)

    def findings(self) -> dict[str, bool | float]:
        return {fid: v for fid, v in self.answers if v is not None}

    def skipped(self) -> frozenset[str]:
        return frozenset(fid for fid, v in self.answers if v is None)


def _ask(prompt: str, read: Callable[[], str | None]) -> str | None:
    print(prompt, end=" ", flush=True)
    line = read()
    if line is None:
        print()
        return None
    return line.strip().lower()


def _read_line() -> str | None:
    line = sys.stdin.readline()
    return line if line else None


def _number(prompt: str, lo: float, hi: float, read: Callable[[], str | None]) -> float | None:
    while True:
        answer = _ask(prompt, read)
        if answer is None or answer in ("", "?", "skip"):
            return None
        try:
            value = float(answer)
        except ValueError:
            print(f"  Please give a number from {lo:g} to {hi:g}, or press Enter to skip.")
            continue
        if lo <= value <= hi:
            return value
        print(f"  Please give a number from {lo:g} to {hi:g}, or press Enter to skip.")


def _confirm_from_text(text: str, session: Session, kb: KnowledgeBase,
                       read: Callable[[], str | None]) -> None:
    """Read findings from the person's words, then let them confirm or correct each one
    (issue 5: nothing extracted is used unconfirmed)."""
    from hipnav.intake import extract

    extraction = extract(text)
    for message in extraction.messages:
        print(f"  ({message})")
    if not extraction.findings:
        print("\nNothing in the description matched a question; let's go through them.")
        return
    print("\nFrom your description I understood the following. Please check each one.")
    for fid, value in extraction.findings.items():
        finding = kb.findings[fid]
        if finding.type != "bool" or finding.group == "demographics":
            continue
        said = "yes" if value else "no"
        answer = _ask(f"  {finding.question}  → {said}. Right? [y/n/?]", read)
        if answer in ("y", "yes", ""):
            session.answers.append((fid, bool(value)))
        elif answer in ("n", "no"):
            session.answers.append((fid, not value))
        else:
            session.answers.append((fid, None))


def run(args: argparse.Namespace) -> int:
    from hipnav.assessment import DISCLAIMER, assess, default_model
    from hipnav.cli.terminal_report import CAUSES, render
    from hipnav.engine import Case, next_question, parse_case
    from hipnav.result import describe

    model = default_model()
    question_set = "clinician" if args.clinician else "patient"
    read = _read_line
    print("hipnav interview: a few questions about your hip pain.")
    print(DISCLAIMER)
    print(HELP)
    session = Session()
    session.age = _number("\nHow old are you (years)? [Enter to skip]", 0, 120, read)
    sex = _ask("Sex: female or male? [Enter to skip]", read)
    session.sex = {"f": "female", "female": "female", "m": "male", "male": "male"}.get(sex or "")

    if args.text:
        _confirm_from_text(args.text, session, model.kb, read)

    def current() -> Case:
        raw = {"id": "interview", "findings": session.findings(), "age": session.age, "sex": session.sex}
        return parse_case({k: v for k, v in raw.items() if v is not None}, model.kb)

    shown_flags: set[str] = set()
    asked = 0
    while asked < args.max_questions:
        case = current()
        result = assess(case, model)
        for flag in result.red_flags:
            if flag.id not in shown_flags:
                shown_flags.add(flag.id)
                print(f"\n  !! {flag.urgency.replace('_', ' ').upper()}: {flag.message}\n")
        question = next_question(model, case, question_set, session.skipped())
        if question is None:
            break
        q_obj = model.kb.findings[question.finding]
        leading = ", ".join(f"{d.plain_name} {d.probability:.0%}" for d in result.differential[:3])
        print(f"\n[{asked + 1}] Leading so far: {leading}")
        tag = " (red-flag check)" if question.reason == "red-flag screening" else ""
        if args.clinician and q_obj.how:
            print(f"    How: {q_obj.how}")
        answer = _ask(f"Q: {question.text}{tag} [y/n/?/b/q]", read)
        if answer is None or answer == "q":
            break
        if answer == "b":
            if session.answers:
                session.answers.pop()
                asked -= 1
            else:
                print("  Nothing to go back to.")
            continue
        value = {"y": True, "yes": True, "n": False, "no": False, "?": None, "": None,
                 "dk": None, "don't know": None}.get(answer, "invalid")
        if value == "invalid":
            print("  " + HELP)
            continue
        session.answers.append((question.finding, value))  # type: ignore[arg-type]
        asked += 1

    final = assess(current(), model)
    print("\n" + render(describe(final, CAUSES), final.next_question()))
    save_to = args.save
    if save_to is None and sys.stdin.isatty():
        save_to = _ask("\nSave this case as JSON? Type a file name, or press Enter to skip:", read) or None
    if save_to:
        Path(save_to).write_text(json.dumps(final.case.to_json(), indent=2) + "\n", encoding="utf-8")
        print(f"Saved to {save_to}. Show it to your clinician, or run: hipnav assess {save_to}")
    return 0
