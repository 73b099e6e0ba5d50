"""``hipnav eval --simulate-flow``: the conversation played through on vignettes (see
:mod:`hipnav.flow_simulation`): screens to a result and top-3 against asking everything,
as shipped and with the stopping threshold cross-validated."""

from __future__ import annotations

import argparse
import json
import sys

VARIANTS = (("patient", False), ("patient", True), ("clinician", False))


def run(args: argparse.Namespace) -> int:
    from hipnav.assessment import default_model
    from hipnav.bad_input import BadInput
    from hipnav.cli.caseio import iter_raw_cases, read_text
    from hipnav.engine.case import Case
    from hipnav.flow import STOP_GAIN_BITS
    from hipnav.flow_simulation import FOLDS, Rule, cross_validate, play_all, summary

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
    report: dict[str, dict[str, object]] = {}
    for question_set, go_on in VARIANTS:
        rule = Rule(stop_gain_bits=STOP_GAIN_BITS, go_on_after_stop=go_on)
        played = play_all(every, model, question_set, rule)
        part: dict[str, object] = {"all": summary(played)}
        start = 0
        for name, cases in files.items():
            part[name] = summary(played[start:start + len(cases)])
            start += len(cases)
        chosen, held_out = cross_validate(every, model, question_set, rule)
        part[f"cross-validated ({FOLDS} folds; thresholds {chosen})"] = summary(held_out)
        name = f"{question_set}{', going on after a stop' if go_on else ''}"
        report[f"{name} (stop below {STOP_GAIN_BITS} bits)"] = part
    if args.json:
        print(json.dumps(report))
        return 0
    for title, part in report.items():
        print(f"{title}:")
        for label, row in part.items():
            print(f"  {label}: " + " ".join(f"{k}={v}" for k, v in row.items()))  # type: ignore[attr-defined]
    return 0
