"""Score extraction against findings encoded by hand: micro precision and recall.

Why here and not only in the tests: the same figures are wanted from the command line
(``python -m hipnav.intake.evaluate FILE.jsonl ...``) when the lexicon is edited.

An extracted finding is a true positive when the encoded findings hold the same id with
the same value (true/false must match; numbers within 10 %, or 0.15 for small values).
Precision = true positives / extracted; recall = true positives / encoded.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

Findings = dict[str, Any]


def same(expected: Any, got: Any) -> bool:
    """True when an extracted value matches the encoded one."""
    if isinstance(expected, bool) or isinstance(got, bool):
        return expected is got
    try:
        e, g = float(expected), float(got)
    except (TypeError, ValueError):
        return False
    return abs(e - g) <= max(0.15, 0.1 * abs(e))


@dataclass
class Score:
    """Micro counts over many texts, with the misses kept for reading."""

    tp: int = 0
    extracted: int = 0
    expected: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / self.extracted if self.extracted else 1.0

    @property
    def recall(self) -> float:
        return self.tp / self.expected if self.expected else 1.0

    def add(self, name: str, expected: Findings, got: Findings) -> None:
        self.expected += len(expected)
        self.extracted += len(got)
        for fid, value in got.items():
            if fid in expected and same(expected[fid], value):
                self.tp += 1
            elif fid in expected:
                self.errors.append(f"{name}: {fid} = {value!r}, encoded {expected[fid]!r}")
            else:
                self.errors.append(f"{name}: {fid} = {value!r} not encoded")
        for fid, value in expected.items():
            if fid not in got:
                self.errors.append(f"{name}: missed {fid} = {value!r}")


def examples(path: Path) -> Iterable[tuple[str, str, Findings]]:
    """(id, text, encoded findings) from a vignette file or a lay description file."""
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        if "case" in row:
            case = row["case"]
            yield str(case.get("id")), str(case.get("narrative") or ""), dict(case["findings"])
        else:
            yield str(row.get("id")), str(row.get("text") or ""), dict(row["findings"])


def score(rows: Iterable[tuple[str, str, Findings]],
          extractor: Callable[[str], Findings]) -> Score:
    """Micro precision and recall of ``extractor`` over ``rows``."""
    s = Score()
    for name, text, expected in rows:
        s.add(name, expected, extractor(text))
    return s


def main(argv: Sequence[str] | None = None) -> int:
    """Print precision and recall for each file given; ``-v`` lists every error."""
    from hipnav.intake.extractor import extract

    args = list(sys.argv[1:] if argv is None else argv)
    verbose = "-v" in args
    for name in [a for a in args if a != "-v"]:
        s = score(examples(Path(name)), lambda text: extract(text).findings)
        print(f"{name}: precision {s.precision:.3f} ({s.tp}/{s.extracted}), "
              f"recall {s.recall:.3f} ({s.tp}/{s.expected})")
        if verbose:
            print("\n".join(f"  {e}" for e in s.errors))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
