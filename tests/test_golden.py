"""Every recorded case gives today exactly what the golden record says (``tests/golden.py``):
probabilities to 6 decimals, ranking, urgency, red flags, explanations, next questions, the
readable report, the result document and the result page.

A change that is meant to keep results (a refactor, a speed-up) must pass this unchanged. A
change of evidence or of what an interface shows is meant to change it: then regenerate the
record with ``scripts/golden`` and review the diff before committing it.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.golden import REGENERATE, Tables, golden_names, iter_differences, read_golden, read_tables, record

NAMES = golden_names()


def _resolve(value: Any, tables: dict[str, dict[str, Any]]) -> Any:
    """A key of the record's tables, as what it stands for (for a readable message)."""
    if isinstance(value, str) and "#" in value:
        for table in tables.values():
            if value in table:
                return table[value]
    return value


def test_the_record_covers_every_source_and_its_tables_hold_every_key() -> None:
    assert {"dev", "dev-2", "lay-dev", "lay-dev-2", "textbook"} <= set(NAMES)
    tables = read_tables().tables
    used: dict[str, set[str]] = {}
    for name in NAMES:
        for row in read_golden(name):
            for cause in row["api"]["explanations"]:
                used.setdefault("sources", set()).add(cause["prior_source"])
                used.setdefault("reasons", set()).update(cause["reasons"])
            for prior, *reasons in row["explained"].values():
                used["sources"].add(prior)
                used["reasons"].update(reasons)
            doc = row["document"]
            used.setdefault("document_reasons", set()).update(r for c in doc["causes"] for r in c["reasons"])
            used.setdefault("document_findings", set()).update(doc["findings"])
            used.setdefault("document_sources", set()).update(doc["sources"])
    used["sources"] |= {r["source"] for r in tables["reasons"].values() if r["source"]}
    assert {kind: set(t) for kind, t in tables.items()} == used  # every key there, none stale


@pytest.mark.parametrize("name", NAMES)
def test_results_are_the_golden_record(name: str) -> None:
    expected_rows = read_golden(name)
    stored = read_tables().tables
    fresh = Tables()
    got_rows = record([row["case"] for row in expected_rows], fresh)
    problems: list[str] = []
    for expected, got in zip(expected_rows, got_rows, strict=True):
        for line in iter_differences(expected, got):
            problems.append(f"{name} case {expected['id']}{line}")
        if len(problems) > 20:
            break
    for kind, table in fresh.tables.items():  # same keys, same contents (the key is a hash of it)
        for key, value in table.items():
            if stored.get(kind, {}).get(key) != value:
                problems.append(f"{name}: {kind} {key} is {json.dumps(value)[:300]}, recorded as "
                                f"{json.dumps(_resolve(key, stored))[:300]}")
                break
    assert not problems, (
        f"{len(problems)} differences from the golden record (first ones below). If this change of "
        f"results is intended (new evidence, a changed interface), regenerate the record with "
        f"`{REGENERATE}` and review `git diff tests/data/golden` before committing it.\n"
        + "\n".join(problems[:20]))
