"""The condition code table (``knowledge/data/codes.yaml``) for the FHIR export."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import yaml

from hipnav.knowledge import DATA_DIR

CODES_FILE = DATA_DIR / "codes.yaml"


@dataclass(frozen=True)
class Code:
    system: str  # the FHIR system URI
    code: str
    display: str
    source: str  # where the code can be checked


@dataclass(frozen=True)
class CodeTable:
    systems: dict[str, str]  # short name -> FHIR system URI
    by_condition: dict[str, tuple[Code, ...]]
    why_none: dict[str, str]

    def codes(self, condition: str) -> tuple[Code, ...]:
        return self.by_condition.get(condition, ())


def load_codes(path: Path = CODES_FILE) -> CodeTable:
    """Read and check the table: every code names a known system and a source."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    systems = {name: str(s["uri"]) for name, s in raw["systems"].items()}
    by_condition: dict[str, tuple[Code, ...]] = {}
    why_none: dict[str, str] = {}
    for cid, entry in raw["conditions"].items():
        codes = []
        for c in entry.get("codes") or []:
            if c["system"] not in systems or not c.get("source") or not c.get("code"):
                raise ValueError(f"codes.yaml: {cid}: each code needs a known system, a code and a source")
            codes.append(Code(systems[c["system"]], str(c["code"]), str(c["display"]), str(c["source"])))
        if not codes:
            if not entry.get("why_none"):
                raise ValueError(f"codes.yaml: {cid}: a condition without codes needs 'why_none'")
            why_none[cid] = str(entry["why_none"])
        by_condition[cid] = tuple(codes)
    return CodeTable(systems, by_condition, why_none)


@functools.lru_cache(maxsize=1)
def default_codes() -> CodeTable:
    return load_codes()
