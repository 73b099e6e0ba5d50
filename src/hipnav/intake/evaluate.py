"""Score extraction against findings encoded by hand: micro precision and recall.

Why here and not only in the tests: the same figures are wanted from the command line
(``python -m hipnav.intake.evaluate FILE.jsonl ...``) when the lexicon is edited.

An extracted finding is a true positive when the encoded findings hold the same id with
the same value (true/false must match; numbers within 10 %, or 0.15 for small values).
Precision = true positives / extracted; recall = true positives / encoded.

Held-out discipline (issue 14): ``lay-dev-2.jsonl`` is split by a fixed rule written down
before any tuning: a description whose id ends in an even number ("ly2-04") belongs to the
**development** half, one ending in an odd number ("ly1-03") to the **held-out** half. The
held-out half is measured, never read for errors, while the rules are developed
(``--half held-out`` prints its figures only; ``-v`` is refused for it unless ``--final``).

Figures are given per finding type too (:func:`finding_type`): locations, activities,
time, red flags, exam results, and the others; and the most frequent errors, counted by
finding and kind of error (missed, not stated, wrong value).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

Findings = dict[str, Any]

HALVES = ("development", "held-out")
#: The red-flag findings issue 14 names (saddle numbness, bladder or bowel change, fever,
#: weight loss, night pain, trauma, inability to bear weight).
RED_FLAGS = frozenset({"saddle_anesthesia", "bladder_bowel_dysfunction", "fever",
                       "weight_loss_unexplained", "night_pain", "onset_trauma",
                       "unable_to_bear_weight"})
TYPES = ("locations", "activities", "time", "red flags", "exam results", "other")
_GROUP_TYPE = {"location": "locations", "aggravating": "activities", "course": "time",
               "exam": "exam results", "lab": "exam results"}
_TRAILING_NUMBER = re.compile(r"(\d+)\s*$")


def half(example_id: str) -> str:
    """The half of a split set an id belongs to: trailing number even -> development,
    odd -> held-out (ids without a trailing number are development)."""
    m = _TRAILING_NUMBER.search(example_id)
    return "held-out" if m and int(m.group(1)) % 2 else "development"


def finding_type(fid: str) -> str:
    """The finding type a finding id is reported under (red flags first, then its group)."""
    if fid in RED_FLAGS:
        return "red flags"
    from hipnav.intake.vocabulary import groups

    return _GROUP_TYPE.get(groups().get(fid, ""), "other")


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
    #: (finding id, kind of error) for each error: "missed", "not stated", "wrong value"
    kinds: list[tuple[str, str]] = field(default_factory=list)
    #: per finding id: [true positives, extracted, encoded]
    by_finding: dict[str, list[int]] = field(default_factory=dict)

    @property
    def precision(self) -> float:
        return self.tp / self.extracted if self.extracted else 1.0

    @property
    def recall(self) -> float:
        return self.tp / self.expected if self.expected else 1.0

    def add(self, name: str, expected: Findings, got: Findings) -> None:
        self.expected += len(expected)
        self.extracted += len(got)
        for fid in expected:
            self._count(fid)[2] += 1
        for fid, value in got.items():
            self._count(fid)[1] += 1
            if fid in expected and same(expected[fid], value):
                self.tp += 1
                self._count(fid)[0] += 1
            elif fid in expected:
                self.errors.append(f"{name}: {fid} = {value!r}, encoded {expected[fid]!r}")
                self.kinds.append((fid, "wrong value"))
            else:
                self.errors.append(f"{name}: {fid} = {value!r} not encoded")
                self.kinds.append((fid, "not stated"))
        for fid, value in expected.items():
            if fid not in got:
                self.errors.append(f"{name}: missed {fid} = {value!r}")
                self.kinds.append((fid, "missed"))

    def _count(self, fid: str) -> list[int]:
        return self.by_finding.setdefault(fid, [0, 0, 0])

    def by_type(self) -> dict[str, tuple[int, int, int]]:
        """(true positives, extracted, encoded) per finding type."""
        out = {t: [0, 0, 0] for t in TYPES}
        for fid, counts in self.by_finding.items():
            row = out[finding_type(fid)]
            for i in range(3):
                row[i] += counts[i]
        return {t: (r[0], r[1], r[2]) for t, r in out.items()}

    def frequent_errors(self, n: int = 10) -> list[tuple[str, str, int]]:
        """The ``n`` most frequent errors as (finding id, kind, count)."""
        return [(fid, kind, c) for (fid, kind), c in Counter(self.kinds).most_common(n)]


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


def _ratio(a: int, b: int) -> str:
    return f"{a / b:.3f}" if b else "  -  "


def report(s: Score, title: str, errors: bool, top: int) -> str:
    """Overall and per-type figures; with ``errors``, the most frequent errors too."""
    lines = [f"{title}: precision {s.precision:.3f} ({s.tp}/{s.extracted}), "
             f"recall {s.recall:.3f} ({s.tp}/{s.expected})"]
    for t, (tp, got, want) in s.by_type().items():
        if got or want:
            lines.append(f"  {t:<13} precision {_ratio(tp, got)} ({tp}/{got}), "
                         f"recall {_ratio(tp, want)} ({tp}/{want})")
    if errors and top:
        lines.append(f"  {top} most frequent errors:")
        lines += [f"    {c:>2} x {kind}: {fid}" for fid, kind, c in s.frequent_errors(top)]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Print precision and recall (overall, per finding type) for each file given."""
    parser = argparse.ArgumentParser(prog="python -m hipnav.intake.evaluate",
                                     description="Score hipnav intake against encoded findings.")
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--half", choices=HALVES,
                        help="only the descriptions of this half (id parity: even development, "
                        "odd held-out)")
    parser.add_argument("--top", type=int, default=10, help="most frequent errors shown")
    parser.add_argument("--pool", action="store_true",
                        help="score all files together (one set of figures)")
    parser.add_argument("-v", action="store_true", help="list every error")
    parser.add_argument("--final", action="store_true",
                        help="allow errors of the held-out half to be shown (final report only)")
    args = parser.parse_args(argv)
    show_errors = args.half != "held-out" or args.final
    if args.v and not show_errors:
        parser.error("-v on the held-out half needs --final: its errors are not read while tuning")
    from hipnav.intake.extractor import extract

    groups = [args.files] if args.pool else [[path] for path in args.files]
    for paths in groups:
        rows = [r for path in paths for r in examples(path) if r[1].strip()
                and (args.half is None or half(r[0]) == args.half)]
        s = score(rows, lambda text: extract(text).findings)
        title = " + ".join(str(p) for p in paths)
        title += f" ({args.half} half, {len(rows)} texts)" if args.half else f" ({len(rows)} texts)"
        print(report(s, title, show_errors, args.top))
        if args.v:
            print("\n".join(f"  {e}" for e in s.errors))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
