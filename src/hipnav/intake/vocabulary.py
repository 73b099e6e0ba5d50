"""The findings vocabulary that intake may emit, read from the knowledge base's data.

Intake must only produce ids the engine knows, with the right value type and inside the
declared range, so it reads ``knowledge/data/findings/*.yaml`` directly (plain YAML, no
knowledge-base validation), which keeps it independent of conditions being edited.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import yaml

FINDINGS_DIR = Path(__file__).resolve().parent.parent / "knowledge" / "data" / "findings"


@dataclass(frozen=True)
class FindingSpec:
    """Type and range of one finding id."""

    id: str
    type: str
    min: float | None = None
    max: float | None = None
    group: str = ""   # location, aggravating, course, exam, ... (for reports)

    def accepts(self, value: bool | float) -> bool:
        """True when ``value`` has this finding's type and lies inside its range."""
        if self.type == "bool":
            return isinstance(value, bool)
        if self.type != "number" or isinstance(value, bool):
            return False
        if not isinstance(value, int | float) or value != value:  # NaN
            return False
        if self.min is not None and value < self.min:
            return False
        return not (self.max is not None and value > self.max)


@functools.lru_cache(maxsize=1)
def vocabulary(directory: Path = FINDINGS_DIR) -> dict[str, FindingSpec]:
    """Every finding id of the knowledge base with its type and range (read once)."""
    specs: dict[str, FindingSpec] = {}
    for path in sorted(directory.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for raw in data.get("findings", []) or []:
            if not isinstance(raw, dict) or "id" not in raw:
                continue
            specs[str(raw["id"])] = FindingSpec(
                id=str(raw["id"]),
                type=str(raw.get("type", "bool")),
                min=float(raw["min"]) if "min" in raw else None,
                max=float(raw["max"]) if "max" in raw else None,
                group=str(raw.get("group", "")),
            )
    return specs



def groups() -> dict[str, str]:
    """Each finding id's group (location, aggravating, course, exam, ...), for reports."""
    return {fid: spec.group for fid, spec in vocabulary().items()}
