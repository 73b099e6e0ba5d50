"""Synthetic cases for benchmarks: random but valid, drawn from the shipped vocabulary."""

from __future__ import annotations

import random

from hipnav.knowledge.model import KnowledgeBase


def random_cases(kb: KnowledgeBase, n: int, seed: int = 20261125,
                 min_findings: int = 5, max_findings: int = 25) -> list[dict[str, object]]:
    rnd = random.Random(seed)
    ids = sorted(f.id for f in kb.findings.values() if f.group != "demographics")
    settings = sorted(kb.settings)
    out = []
    for k in range(n):
        findings: dict[str, object] = {}
        for fid in rnd.sample(ids, rnd.randint(min_findings, max_findings)):
            f = kb.findings[fid]
            if f.type == "bool":
                findings[fid] = rnd.random() < 0.4
            else:
                lo, hi = float(f.min or 0), float(f.max or 1)
                hi = min(hi, lo + 60)  # keep numbers in a clinically plausible span
                findings[fid] = round(rnd.uniform(lo, hi), 1)
        case: dict[str, object] = {"format": "hipnav-case/1", "id": f"bench-{k}", "findings": findings,
                                   "setting": rnd.choice(settings)}
        if rnd.random() < 0.9:
            case["age"] = rnd.randint(3, 95)
        if rnd.random() < 0.9:
            case["sex"] = rnd.choice(["female", "male"])
        out.append(case)
    return out
