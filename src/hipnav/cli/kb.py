"""``hipnav kb check``: validate the knowledge base and report its evidence coverage."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hipnav.evidence_weight import WeightShare
    from hipnav.knowledge.model import KnowledgeBase


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("kb", help="check the knowledge base and report its evidence coverage")
    kb_sub = p.add_subparsers(dest="kb_command", metavar="ACTION", required=True)
    check = kb_sub.add_parser("check", help="validate every data file; report coverage")
    check.add_argument("--data", help="a knowledge-base folder (default: the one shipped)")
    check.add_argument("--json", action="store_true", help="coverage as JSON")
    check.add_argument("--cases", nargs="+", metavar="FILE",
                       help="cases or vignettes (JSON Lines): report how much of the evidence "
                            "weight used on them rests on published figures")
    check.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from hipnav.knowledge import KnowledgeError, load
    from hipnav.knowledge.coverage import coverage, render_coverage

    try:
        kb = load(args.data)
    except KnowledgeError as exc:
        print(f"hipnav kb check: {exc}", file=sys.stderr)
        return 1
    from hipnav.knowledge.guide import check_data
    if problems := check_data(kb, args.data):
        print(f"hipnav kb check: {len(problems)} problem(s) in the guides:\n  " + "\n  ".join(problems),
              file=sys.stderr)
        return 1
    report = coverage(kb)
    weight = None
    if args.cases:
        weight = _weight(kb, args.cases)
        if weight is None:
            return 2
    if args.json:
        print(json.dumps({**report, "evidence_weight": weight.to_json() if weight else None}, indent=2))
        return 0
    print(render_coverage(report))
    if weight is not None:
        from hipnav.evidence_weight import render_weight
        print("\n" + render_weight(weight))
    return 0


def _weight(kb: KnowledgeBase, files: list[str]) -> WeightShare | None:
    """The evidence weight used on the cases in ``files``, or None (said why) when one is bad."""
    from hipnav.bad_input import BadInput
    from hipnav.cli.caseio import iter_raw_cases, read_text
    from hipnav.engine import compile_model
    from hipnav.evidence_weight import evidence_weight

    cases = []
    for path in files:
        try:
            text = read_text(path)
        except OSError as exc:
            print(f"hipnav kb check: cannot read {path}: {exc}", file=sys.stderr)
            return None
        for raw in iter_raw_cases(text):
            try:
                cases.append(raw.case(kb))
            except BadInput as exc:
                print(f"hipnav kb check: {path} line {raw.line}: {exc}", file=sys.stderr)
                return None
    return evidence_weight(compile_model(kb), cases)
