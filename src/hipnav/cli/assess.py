"""``hipnav assess``: assess cases from a file, standard input, or a free-text description."""

from __future__ import annotations

import argparse
import json
import sys


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("assess", help="rank the likely causes of a case and say how urgent it is",
                       description="Assess one case (JSON) or many (JSON Lines). "
                       "It informs care; it does not replace a clinician.")
    p.add_argument("file", nargs="?", help="case file (JSON or JSON Lines); '-' reads standard input")
    p.add_argument("--json", action="store_true",
                   help="write one JSON result a line (the case-format contract)")
    p.add_argument("--text", help="describe the pain in your own words instead of a case file")
    p.add_argument("--text-file", help="read that description (or a clinical note) from a file")
    p.add_argument("--age", type=float, help="age in years (with --text)")
    p.add_argument("--sex", choices=("female", "male"), help="sex (with --text)")
    p.add_argument("--setting", choices=("primary_care", "sports_medicine", "manual_therapy"),
                   help="where the person is seen (sets the priors)")
    p.add_argument("--top", type=int, default=6, help="causes shown in the readable report")
    p.add_argument("--clinician", action="store_true",
                   help="the readable report for a clinician: likelihood ratios, evidence grades, "
                   "the next question from the examination tests too")
    p.set_defaults(run=run)


def _cases_from_text(args: argparse.Namespace) -> str:
    from hipnav.cli.caseio import read_text
    from hipnav.intake import extract

    text = args.text if args.text is not None else read_text(args.text_file)
    extraction = extract(text)
    case: dict[str, object] = {"format": "hipnav-case/1", "id": "text", "findings": extraction.findings,
                               "narrative": text}
    # Age and sex stated in the text count unless given on the command line.
    if extraction.age is not None:
        case["age"] = extraction.age
    if extraction.sex is not None:
        case["sex"] = extraction.sex
    for key in ("age", "sex", "setting"):
        if getattr(args, key) is not None:
            case[key] = getattr(args, key)
    return json.dumps(case)


def run(args: argparse.Namespace) -> int:
    from hipnav.assessment import assess, default_model
    from hipnav.bad_input import BadInput
    from hipnav.cli.caseio import iter_raw_cases, read_text
    from hipnav.engine.case import case_id_of
    from hipnav.result import contract, describe, encode

    if args.text is not None or args.text_file:
        text = _cases_from_text(args)
    elif args.file:
        try:
            text = read_text(args.file)
        except (OSError, UnicodeDecodeError) as exc:
            print(f"hipnav assess: cannot read {args.file}: {exc}", file=sys.stderr)
            return 2
    else:
        print("hipnav assess: give a case FILE, '-' for standard input, or --text", file=sys.stderr)
        return 2

    model = default_model()
    failed = 0
    out = sys.stdout
    for raw in iter_raw_cases(text):
        try:
            case = raw.case(model.kb)
        except BadInput as exc:
            failed += 1
            cid = case_id_of(raw.data)
            if args.json:
                out.write(json.dumps({"id": cid, "error": str(exc)}) + "\n")
            else:
                print(f"hipnav assess: case {cid or f'on line {raw.line}'} refused: {exc}", file=sys.stderr)
            continue
        assessment = assess(case, model)
        if args.json:
            out.write(encode(contract(assessment)).decode() + "\n")
        else:
            from hipnav.cli.terminal_report import render

            question_set = "clinician" if args.clinician else "patient"
            out.write(render(describe(assessment, args.top), model.kb, assessment.next_question(question_set),
                             clinician=args.clinician) + "\n")
    out.flush()
    return 1 if failed else 0
