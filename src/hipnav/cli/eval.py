"""``hipnav eval``: accuracy and triage agreement on vignettes with expected answers."""

from __future__ import annotations

import argparse
import json
import sys


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("eval", help="score hipnav on vignettes with expected answers (JSON Lines)")
    p.add_argument("file", help="vignettes: one {case, expected} object a line")
    p.add_argument("--json", action="store_true", help="print the scorecard as JSON")
    p.add_argument("--show-misses", action="store_true", help="list every case not ranked or triaged right")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from hipnav.assessment import assess, default_model
    from hipnav.bad_input import BadInput
    from hipnav.cli.caseio import iter_raw_cases, read_text
    from hipnav.engine.case import case_id_of
    from hipnav.evaluation import Scorecard, Vignette

    model = default_model()
    kb = model.kb
    card = Scorecard(levels=tuple(sorted(kb.urgency_ids, key=kb.urgency_rank)))
    try:
        text = read_text(args.file)
    except OSError as exc:
        print(f"hipnav eval: cannot read {args.file}: {exc}", file=sys.stderr)
        return 2
    for raw in iter_raw_cases(text):
        cid = case_id_of(raw.data)
        data = raw.data
        expected = data.get("expected") if isinstance(data, dict) else None
        try:
            case = raw.case(kb)
        except BadInput as exc:
            card.add_refused(cid, str(exc))
            continue
        if not isinstance(expected, dict) or not expected.get("diagnoses") \
                or expected.get("urgency") not in kb.urgency_ids:
            card.add_refused(cid, f"line {raw.line}: needs expected.diagnoses and urgency")
            continue
        vignette = Vignette(cid, tuple(expected["diagnoses"]), expected["urgency"])
        card.add(vignette, assess(case, model))
    summary = card.summary()
    if args.json:
        print(json.dumps({**summary, "per_condition": card.per_condition(), "misses": card.misses}))
        return 0
    print(" ".join(f"{k}={v}" for k, v in summary.items()))
    print("\nper condition (primary diagnosis: ranked first / cases; confused with)")
    for cond, row in card.per_condition().items():
        confused = ", ".join(f"{k}×{v}" for k, v in row["confused_with"].items())  # type: ignore[attr-defined]
        print(f"  {cond:<28} {row['ranked_first']}/{row['cases']}  {confused}")
    if args.show_misses:
        print("\nmisses")
        for m in card.misses:
            print("  " + json.dumps(m))
    return 0
