"""How well the knowledge base is backed by published evidence."""

from __future__ import annotations

from collections import Counter

from hipnav.knowledge.model import KnowledgeBase

#: A condition is "thin" when fewer than this many of its evidence entries are published.
THIN_PUBLISHED = 4


def coverage(kb: KnowledgeBase) -> dict[str, object]:
    per_condition = {}
    totals: Counter[str] = Counter()
    for cid, cond in sorted(kb.conditions.items()):
        grades = Counter(ev.provenance.grade for ev in cond.evidence)
        published = sum(n for g, n in grades.items() if g != "D")
        priors_published = sum(not p.provenance.is_estimate for p in cond.priors.values())
        per_condition[cid] = {
            "evidence": len(cond.evidence), "published": published,
            "estimates": grades.get("D", 0), "by_grade": dict(sorted(grades.items())),
            "priors_published": priors_published, "priors": len(cond.priors),
            "thin": published < THIN_PUBLISHED,
        }
        totals.update(grades)
    n = sum(totals.values())
    published = n - totals.get("D", 0)
    return {
        "version": kb.version,
        "findings": len(kb.findings), "conditions": len(kb.conditions),
        "references": len(kb.references), "clusters": len(kb.clusters),
        "red_flags": len(kb.red_flags), "families": len(kb.families),
        "likelihood_ratios": n, "published": published, "estimates": totals.get("D", 0),
        "by_grade": dict(sorted(totals.items())),
        "thin_conditions": [c for c, v in per_condition.items() if v["thin"]],
        "per_condition": per_condition,
    }


def render_coverage(report: dict[str, object]) -> str:
    n = int(report["likelihood_ratios"])  # type: ignore[call-overload]
    pub = int(report["published"])  # type: ignore[call-overload]
    lines = [
        f"knowledge base {report['version']}: OK",
        f"  {report['conditions']} conditions, {report['findings']} findings, "
        f"{report['references']} references, {report['clusters']} cluster rules, "
        f"{report['red_flags']} red-flag rules, {report['families']} families",
        f"  {n} likelihood-ratio entries: {pub} literature-backed "
        f"({pub / max(n, 1):.0%}), {report['estimates']} expert estimates; by grade {report['by_grade']}",
        "",
        f"  {'condition':<28} {'entries':>7} {'published':>9} {'estimates':>9} {'priors cited':>12}",
    ]
    per = report["per_condition"]
    assert isinstance(per, dict)
    for cid, v in per.items():
        flag = "  THIN" if v["thin"] else ""
        lines.append(f"  {cid:<28} {v['evidence']:>7} {v['published']:>9} {v['estimates']:>9} "
                     f"{v['priors_published']:>9}/{v['priors']}{flag}")
    thin = report["thin_conditions"]
    if thin:
        lines += ["", f"  thin evidence (< 4 published entries): {', '.join(thin)}"]  # type: ignore[arg-type]
    return "\n".join(lines)
