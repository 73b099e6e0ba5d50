"""Random valid cases for property tests of the engine."""

from __future__ import annotations

import random
from typing import Any

from hipnav.engine.case import DEMOGRAPHICS
from hipnav.knowledge.model import KnowledgeBase


def random_raw_case(kb: KnowledgeBase, rng: random.Random) -> dict[str, Any]:
    """A valid case with up to 60 findings in random order, some given as null."""
    ids = [f for f in kb.findings if f not in DEMOGRAPHICS]
    findings: dict[str, Any] = {}
    for fid in rng.sample(ids, rng.randint(0, min(60, len(ids)))):
        f = kb.findings[fid]
        if f.type == "bool":
            findings[fid] = rng.random() < 0.4
        elif f.type == "number":
            lo = f.min if f.min is not None else 0.0
            hi = f.max if f.max is not None else 100.0
            findings[fid] = rng.choice([lo, hi, int(rng.uniform(lo, hi)), round(rng.uniform(lo, hi), 1)])
        if rng.random() < 0.03:
            findings[fid] = None
    raw: dict[str, Any] = {"findings": findings}
    if rng.random() < 0.8:
        raw["age"] = rng.randint(0, 120)
    if rng.random() < 0.8:
        raw["sex"] = rng.choice(["female", "male"])
    if rng.random() < 0.8:
        raw["setting"] = rng.choice(list(kb.settings))
    return raw
