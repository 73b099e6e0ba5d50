"""``hipnav eval --simulate-flow``: the conversation played through on vignettes (see
:mod:`hipnav.flow_simulation`): screens to a result and top-3 against asking everything,
as shipped, with the rule (stopping threshold, screen size, cap) chosen on every case, and
with it chosen by cross-validation (each fold scored with the rule chosen without it)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hipnav.flow_simulation import Played, Rule

VARIANTS = (("patient", False), ("patient", True), ("clinician", False))


def run(args: argparse.Namespace) -> int:
    from hipnav.assessment import default_model
    from hipnav.bad_input import BadInput
    from hipnav.cli.caseio import iter_raw_cases, read_text
    from hipnav.engine.case import Case
    from hipnav.flow_simulation import FOLDS, Rule, choose, cross_validate, play_grid, summary

    model = default_model()
    files: dict[str, list[tuple[Case, str]]] = {}
    for path in args.files:
        try:
            text = read_text(path)
        except OSError as exc:
            print(f"hipnav eval: cannot read {path}: {exc}", file=sys.stderr)
            return 2
        cases = files.setdefault(path, [])
        for raw in iter_raw_cases(text):
            expected = raw.data.get("expected") if isinstance(raw.data, dict) else None
            if not isinstance(expected, dict) or not expected.get("diagnoses"):
                print(f"hipnav eval: {path} line {raw.line}: needs expected.diagnoses", file=sys.stderr)
                return 2
            try:
                cases.append((raw.case(model.kb), str(expected["diagnoses"][0])))
            except BadInput as exc:
                print(f"hipnav eval: {path} line {raw.line}: {exc}", file=sys.stderr)
                return 2
    every = [c for cases in files.values() for c in cases]

    def per_file(played: list[Played]) -> dict[str, object]:
        part: dict[str, object] = {"all": summary(played)}
        start = 0
        for name, cases in files.items():
            part[name] = summary(played[start:start + len(cases)])
            start += len(cases)
        return part

    report: dict[str, dict[str, object]] = {}
    for question_set, go_on in VARIANTS:
        rule = Rule(go_on_after_stop=go_on)
        by_rule = play_grid(every, model, question_set, rule)
        best = choose(by_rule)
        chosen, held_out = cross_validate(every, model, question_set, rule)
        name = f"{question_set}{', going on after a stop' if go_on else ''}"
        report[f"{name}, as shipped ({_rule(rule)})"] = per_file(by_rule[rule])
        report[f"{name}, chosen on every case ({_rule(best)})"] = per_file(by_rule[best])
        report[f"{name}, held out ({FOLDS} folds; chosen {', '.join(_rule(r) for r in chosen)})"] = \
            per_file(held_out)
    if args.json:
        print(json.dumps(report))
        return 0
    for title, part in report.items():
        print(f"{title}:")
        for label, row in part.items():
            print(f"  {label}: " + " ".join(f"{k}={v}" for k, v in row.items()))  # type: ignore[attr-defined]
    return 0


def _rule(rule: Rule) -> str:
    return f"{rule.per_screen} a screen, {rule.max_screens} screens, {rule.stop_gain_bits} bits"
