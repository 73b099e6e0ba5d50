"""``hipnav eval``: accuracy and triage agreement on vignettes with expected answers."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hipnav.assessment import Assessment
    from hipnav.engine import CompiledModel
    from hipnav.evaluation import Vignette


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("eval", help="score hipnav on vignettes with expected answers (JSON Lines)")
    p.add_argument("files", nargs="+", metavar="file",
                   help="vignettes: one {case, expected} object a line (several files are one set)")
    p.add_argument("--simulate-flow", action="store_true",
                   help="play the question flow through on each case: screens to a result, top-3 against "
                   "asking everything, the stopping threshold cross-validated (each file also scored alone)")
    p.add_argument("--json", action="store_true", help="print the scorecard as JSON")
    p.add_argument("--show-misses", action="store_true", help="list every case not ranked or triaged right")
    p.add_argument("--cv", type=int, metavar="K", help="fit the urgency thresholds (and measure evidence "
                   "tempering) by K-fold cross-validation; print whole-set and held-out figures")
    p.add_argument("--seed", type=int, default=0, help="the folds' seed (with --cv; default 0)")
    p.add_argument("--reliability", metavar="FILE", help="draw the reliability diagram (SVG) to FILE")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.simulate_flow:
        from hipnav.cli.eval_flow import run as simulate

        return simulate(args)
    from hipnav.assessment import assess, default_model
    from hipnav.bad_input import BadInput
    from hipnav.cli.caseio import iter_raw_cases, read_text
    from hipnav.engine.case import case_id_of
    from hipnav.evaluation import Scorecard, Vignette

    model = default_model()
    kb = model.kb
    card = Scorecard(levels=tuple(sorted(kb.urgency_ids, key=kb.urgency_rank)))
    if args.cv is not None and args.cv < 2:
        print("hipnav eval: --cv needs at least 2 folds", file=sys.stderr)
        return 2
    texts = []
    for name in args.files:
        try:
            texts.append(read_text(name))
        except OSError as exc:
            print(f"hipnav eval: cannot read {name}: {exc}", file=sys.stderr)
            return 2
    assessed: list[tuple[Vignette, Assessment]] = []  # (for --cv)
    for raw in (r for text in texts for r in iter_raw_cases(text)):
        cid = case_id_of(raw.data)
        data = raw.data
        expected = data.get("expected") if isinstance(data, dict) else None
        try:
            case = raw.case(kb)
        except BadInput as exc:
            card.add_refused(cid, str(exc))
            continue
        urgencies = _expected_urgencies(expected)
        if not isinstance(expected, dict) or not expected.get("diagnoses") \
                or not urgencies or not set(urgencies) <= set(kb.urgency_ids):
            card.add_refused(cid, f"line {raw.line}: needs expected.diagnoses and an urgency "
                                  "(expected.urgency, or a list in expected.acceptable_urgency), "
                                  f"each one of {', '.join(kb.urgency_ids)}")
            continue
        vignette = Vignette(cid, tuple(expected["diagnoses"]), urgencies)
        assessed.append((vignette, assess(case, model)))
        card.add(*assessed[-1])
    summary = card.summary()
    if args.reliability:
        from hipnav.evaluation import reliability
        from hipnav.reports.reliability import reliability_svg

        title = f"hipnav {kb.version}: {card.cases - card.refused} cases x {len(kb.conditions)} conditions"
        Path(args.reliability).write_text(reliability_svg(reliability(card.forecasts), title,
                                                          card.brier_sum / max(card.brier_terms, 1)))
    if args.cv is not None:
        summary["cv"] = _cross_validate(model, assessed, args.cv, args.seed)
    if args.json:
        print(json.dumps({**summary, "per_condition": card.per_condition(), "misses": card.misses}))
        return 0
    print(" ".join(f"{k}={v}" for k, v in summary.items() if k != "cv"))
    if "cv" in summary:
        print("\n" + json.dumps(summary["cv"], indent=1))
    print("\nper condition (primary diagnosis: ranked first / cases; confused with)")
    for cond, row in card.per_condition().items():
        confused = ", ".join(f"{k}×{v}" for k, v in row["confused_with"].items())  # type: ignore[attr-defined]
        print(f"  {cond:<28} {row['ranked_first']}/{row['cases']}  {confused}")
    if args.show_misses:
        print("\nmisses")
        for m in card.misses:
            print("  " + json.dumps(m))
    return 0


def _expected_urgencies(expected: object) -> tuple[str, ...]:
    """The urgency levels a vignette accepts: ``urgency``, or ``acceptable_urgency`` (a list)."""
    if not isinstance(expected, dict):
        return ()
    if "urgency" in expected:
        return (expected["urgency"],) if isinstance(expected["urgency"], str) else ()
    levels = expected.get("acceptable_urgency")
    if isinstance(levels, list) and all(isinstance(u, str) for u in levels):
        return tuple(levels)
    return ()


def _cross_validate(model: CompiledModel, assessed: list[tuple[Vignette, Assessment]], k: int,
                    seed: int) -> dict[str, object]:
    from hipnav.cross_validation import case_table, cross_validate, uninformed_risk

    kb = model.kb
    ranged = [v.case_id for v, _ in assessed if len(v.urgencies) != 1]
    if ranged:
        raise SystemExit(f"hipnav eval --cv: fitting urgency thresholds needs one expected urgency a case; "
                         f"{len(ranged)} accept several (first: {ranged[0]})")
    table = case_table(model, [a for _, a in assessed], [(v.diagnoses, v.urgencies[0]) for v, _ in assessed])
    current = [kb.triage.thresholds[lv] for lv in kb.levels_ascending[1:]]
    above = uninformed_risk(model)
    cv = cross_validate(table, current, k, seed, above)
    return {"k": cv.k, "seed": cv.seed, "fitted_thresholds": cv.thresholds, "per_fold": cv.per_fold,
            "thresholds_above": dict(zip(kb.levels_ascending[1:], (round(a, 4) for a in above), strict=True)),
            "triage_with_current_thresholds": asdict(cv.current),
            "triage_whole_set_fit": asdict(cv.whole_set), "triage_held_out": asdict(cv.held_out),
            "tempering": {"evidence_weight": cv.weight, "prior_shift": cv.shift,
                          "brier_current": round(cv.brier_current, 4),
                          "brier_whole_set_fit": round(cv.brier_whole_set, 4),
                          "brier_held_out": round(cv.brier_held_out, 4)}}
