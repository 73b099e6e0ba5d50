"""The checks every knowledge-base file shares: reading YAML, collecting entries by id,
provenance (a source or an estimate, with its grade), numbers in range.

Problems are collected, never raised one at a time, so that one run of ``hipnav kb check``
lists everything that needs fixing, each with the file and entry it is in.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeGuard

import yaml

from hipnav.knowledge.provenance import GRADES, Provenance

LR_RANGE = (0.01, 100.0)

try:  # the C loader is several times faster; start-up time matters for the CLI
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader


class KnowledgeError(ValueError):
    """The knowledge base is invalid; ``problems`` lists every problem found."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        shown = "\n  ".join(problems[:50])
        more = f"\n  ... and {len(problems) - 50} more" if len(problems) > 50 else ""
        super().__init__(f"{len(problems)} problem(s) in the knowledge base:\n  {shown}{more}")


@dataclass
class Problems:
    items: list[str] = field(default_factory=list)

    def add(self, where: str, message: str) -> None:
        self.items.append(f"{where}: {message}")


def read_yaml(path: Path, problems: Problems) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        problems.add(path.name, f"not valid YAML: {exc}")
        return None


def collection(root: Path, folder: str, key: str, problems: Problems) -> list[tuple[str, dict]]:
    """Every entry of every ``folder/*.yaml`` under ``key``, with a 'file: id' label."""
    out: list[tuple[str, dict]] = []
    seen: dict[str, str] = {}
    for path in sorted((root / folder).glob("*.yaml")):
        doc = read_yaml(path, problems)
        if doc is None:
            continue
        rel = f"{folder}/{path.name}"
        entries = [doc] if folder == "conditions" else (doc.get(key) if isinstance(doc, dict) else None)
        if not isinstance(entries, list):
            problems.add(rel, f"expected a top-level '{key}' list")
            continue
        for i, entry in enumerate(entries):
            if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
                problems.add(f"{rel}[{i}]", "each entry must be a mapping with a string 'id'")
                continue
            where = f"{rel}: {entry['id']}"
            if entry["id"] in seen:
                problems.add(where, f"duplicate id (also in {seen[entry['id']]})")
                continue
            seen[entry["id"]] = rel
            out.append((where, entry))
    return out


def provenance(raw: dict, where: str, problems: Problems, references: set[str]) -> Provenance:
    """A figure's provenance: exactly one of ``source`` (graded A-C; C at best when the figure
    was seen only on a page quoting the source, ``secondary: true``) or ``estimate`` (a reason;
    always grade D)."""
    source, estimate = raw.get("source"), raw.get("estimate")
    secondary = raw.get("secondary", False)
    if not isinstance(secondary, bool):
        problems.add(where, f"'secondary' is true or false, got {secondary!r}")
        secondary = False
    if (source is None) == (estimate is None):
        problems.add(where, "needs exactly one of 'source' (a reference id) or 'estimate' (a reason)")
        return Provenance(grade="D", estimate="(missing)")
    if source is not None:
        if source not in references:
            problems.add(where, f"source '{source}' is not a reference id")
        grade = raw.get("grade")
        if grade not in GRADES[:3]:
            problems.add(where, f"a published figure needs grade A, B or C, got {grade!r}")
            grade = "C"
        elif secondary and grade != "C":
            problems.add(where, f"a figure seen only on a secondary page is grade C, got {grade!r}")
        return Provenance(grade=grade, source=source, locator=raw.get("locator"), note=raw.get("note"),
                          secondary=secondary)
    if not isinstance(estimate, str) or len(estimate.strip()) < 10:
        problems.add(where, "an estimate needs a one-line reason")
    if raw.get("grade", "D") != "D":
        problems.add(where, "an expert estimate is always grade D")
    if secondary:
        problems.add(where, "'secondary' describes a published figure, not an estimate")
    return Provenance(grade="D", estimate=str(estimate), note=raw.get("note"))


def is_number(raw: Any) -> TypeGuard[float]:
    return isinstance(raw, int | float) and not isinstance(raw, bool) and math.isfinite(raw)


def likelihood_ratio(value: Any, where: str, problems: Problems) -> float:
    if not is_number(value) or not LR_RANGE[0] <= value <= LR_RANGE[1]:
        problems.add(where, f"likelihood ratio must be a number in {list(LR_RANGE)}, got {value!r}")
        return 1.0
    return float(value)
