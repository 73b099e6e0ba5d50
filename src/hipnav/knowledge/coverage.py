"""How well the knowledge base is backed by published evidence."""

from __future__ import annotations

from collections import Counter

from hipnav.knowledge.derivation import disagreements
from hipnav.knowledge.model import KnowledgeBase

#: A condition is "thin" when fewer than this many of its stated figures are published.
THIN_PUBLISHED = 4


def coverage(kb: KnowledgeBase) -> dict[str, object]:
    """Counts of what each condition states (frequencies, published test accuracy) by grade,
    the LRs derived for findings it does not list, and where a published consulters' rate
    disagrees with the mixture of the conditions' own frequencies."""
    per_condition = {}
    totals: Counter[str] = Counter()
    stated_totals: Counter[str] = Counter()
    for cid, cond in sorted(kb.conditions.items()):
        accuracy = [ev for ev in cond.evidence if ev.derivation is None]
        background = sum(1 for ev in cond.evidence if ev.derivation is not None and not ev.derivation.listed)
        stated = [ev.provenance for ev in accuracy] + [f.provenance for f in cond.frequencies]
        grades = Counter(p.grade for p in stated)
        published = sum(n for g, n in grades.items() if g != "D")
        priors_published = sum(not p.provenance.is_estimate for p in cond.priors.values())
        per_condition[cid] = {
            "evidence": len(stated), "published": published, "estimates": grades.get("D", 0),
            "frequencies": len(cond.frequencies), "accuracy": len(accuracy), "coexistence": background,
            "secondary": sum(p.secondary for p in stated), "by_grade": dict(sorted(grades.items())),
            "priors_published": priors_published, "priors": len(cond.priors),
            "thin": published < THIN_PUBLISHED,
        }
        stated_totals.update(grades)
        totals.update(ev.provenance.grade for ev in cond.evidence)
    n = sum(totals.values())
    return {
        "version": kb.version,
        "findings": len(kb.findings), "conditions": len(kb.conditions),
        "references": len(kb.references), "clusters": len(kb.clusters),
        "red_flags": len(kb.red_flags), "families": len(kb.families),
        "likelihood_ratios": n, "published": n - totals.get("D", 0), "estimates": totals.get("D", 0),
        "stated": sum(stated_totals.values()), "stated_published": sum(stated_totals.values())
        - stated_totals.get("D", 0),
        "by_grade": dict(sorted(stated_totals.items())),
        "consulter_rates": len(kb.consulters),
        "base_rate_disagreements": {s: disagreements(r) for s, r in kb.base_rates.items()},
        "thin_conditions": [c for c, v in per_condition.items() if v["thin"]],
        "per_condition": per_condition,
    }


def render_coverage(report: dict[str, object]) -> str:
    n = int(report["likelihood_ratios"])  # type: ignore[call-overload]
    pub = int(report["published"])  # type: ignore[call-overload]
    stated = int(report["stated"])  # type: ignore[call-overload]
    stated_pub = int(report["stated_published"])  # type: ignore[call-overload]
    lines = [
        f"knowledge base {report['version']}: OK",
        f"  {report['conditions']} conditions, {report['findings']} findings, "
        f"{report['references']} references, {report['clusters']} cluster rules, "
        f"{report['red_flags']} red-flag rules, {report['families']} families, "
        f"{report['consulter_rates']} published consulters' rates",
        f"  {stated} stated figures (frequencies and test accuracy): {stated_pub} literature-backed "
        f"({stated_pub / max(stated, 1):.0%}), {stated - stated_pub} expert estimates; "
        f"by grade {report['by_grade']}",
        f"  {n} likelihood-ratio entries in use: {pub} literature-backed ({pub / max(n, 1):.0%}), "
        f"{report['estimates']} expert estimates (incl. findings a condition does not list)",
        "",
        f"  {'condition':<28} {'stated':>6} {'published':>9} {'estimates':>9} {'frequencies':>11} "
        f"{'not listed':>10} {'priors cited':>12}",
    ]
    per = report["per_condition"]
    assert isinstance(per, dict)
    for cid, v in per.items():
        flag = "  THIN" if v["thin"] else ""
        lines.append(f"  {cid:<28} {v['evidence']:>6} {v['published']:>9} {v['estimates']:>9} "
                     f"{v['frequencies']:>11} {v['coexistence']:>10} "
                     f"{v['priors_published']:>9}/{v['priors']}{flag}")
    thin = report["thin_conditions"]
    if thin:
        lines += ["", f"  thin evidence (< {THIN_PUBLISHED} published figures): {', '.join(thin)}"]  # type: ignore[arg-type]
    disagree = report["base_rate_disagreements"]
    assert isinstance(disagree, dict)
    for setting, items in disagree.items():
        if items:
            lines += ["", f"  published consulters' rate vs the conditions' mixture ({setting}), "
                          "differing by more than a quarter:"]
            lines += [f"    {item}" for item in items]
    return "\n".join(lines)
