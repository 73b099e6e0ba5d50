"""``hipnav kb check``: validate the knowledge base and report its evidence coverage."""

from __future__ import annotations

import argparse
import json
import sys


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("kb", help="check the knowledge base and report its evidence coverage")
    kb_sub = p.add_subparsers(dest="kb_command", metavar="ACTION", required=True)
    check = kb_sub.add_parser("check", help="validate every data file; report coverage")
    check.add_argument("--data", help="a knowledge-base folder (default: the one shipped)")
    check.add_argument("--json", action="store_true", help="coverage as JSON")
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
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(render_coverage(report))
    return 0
