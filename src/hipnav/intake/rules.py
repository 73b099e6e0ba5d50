"""Load intake's lexicon, cues, test results and ConText modifiers from the data files.

The words people use live in YAML (``data/*.yaml``) so that a clinician can extend them
without reading code. This module turns them into compiled regular expressions, one per
rule, and checks every finding id against the knowledge base's vocabulary, so a typo in a
data file is caught by the tests rather than emitted as an id the engine does not know.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from hipnav.intake.vocabulary import vocabulary

DATA_DIR = Path(__file__).resolve().parent / "data"

#: Kinds of lexicon rule (see data/lexicon.yaml for what each one needs).
KINDS = frozenset({"direct", "location", "activity", "treatment", "test", "tender", "paresthesia"})
#: Cue categories every pipeline needs (data/cues.yaml).
CUES = ("PAIN", "AGG", "AGG_AHEAD", "RELIEF", "RELIEF_PRED", "FAIL", "TENDER", "LATERAL_THIGH",
        "LEG_PART", "SIDE_LEFT", "SIDE_RIGHT", "SIDE_BOTH", "SIDE_ONE", "IGNORE")

_MACRO = re.compile(r"\{([A-Z_]+)\}")


class RulesError(ValueError):
    """A data file of intake is malformed or names an unknown finding."""


@dataclass(frozen=True)
class LexRule:
    """One lexicon rule: the findings it states, how they are confirmed, its patterns."""

    index: int
    ids: tuple[str, ...]
    kind: str
    value: bool
    history: bool
    default: bool | None
    regex: str
    patterns: tuple[str, ...] = ()
    tender: str | None = None   # location: the exam finding when a TENDER cue is near
    denial_only: bool = False   # states something only when negated ("no injury")

    @property
    def label(self) -> str:
        """Span label used in the spaCy document."""
        return f"R{self.index}"


@dataclass(frozen=True)
class Modifier:
    """One group of ConText modifier patterns with the same category, direction and scope."""

    category: str
    direction: str
    max_scope: int | None
    regex: str
    patterns: tuple[str, ...] = ()
    raw: bool = False


@dataclass(frozen=True)
class Rules:
    """Everything intake reads from its data files, compiled and checked."""

    lexicon: tuple[LexRule, ...]
    cues: dict[str, str]
    cue_patterns: dict[str, tuple[str, ...]]
    modifiers: tuple[Modifier, ...]
    negative_results: re.Pattern[str]
    positive_results: re.Pattern[str]
    result_stops: re.Pattern[str]
    clause_breaks: frozenset[str]
    number_words: dict[str, float]
    unit_weeks: dict[str, float]
    onset_words: frozenset[str]


def _read(name: str) -> Any:
    with (DATA_DIR / name).open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def _expand(pattern: str, macros: dict[str, str], where: str) -> str:
    """Substitute {MACRO}s (repeatedly, macros may use macros) and make spaces flexible."""
    for _ in range(5):
        new = _MACRO.sub(lambda m: macros.get(m.group(1), m.group(0)), pattern)
        if new == pattern:
            break
        pattern = new
    if _MACRO.search(pattern):
        raise RulesError(f"{where}: unknown macro in {pattern!r}")
    return pattern.replace(" ", r"\s+")


def bodies(patterns: list[str], where: str, macros: dict[str, str] | None = None
           ) -> tuple[str, ...]:
    """The patterns with macros expanded, each checked to compile."""
    out = []
    for p in patterns:
        body = _expand(str(p), macros or {}, where)
        try:
            re.compile(body)
        except re.error as exc:
            raise RulesError(f"{where}: bad pattern {p!r}: {exc}") from exc
        out.append(body)
    return tuple(out)


def word(body: str) -> str:
    """``body`` as a whole-word pattern (not inside a word, nor right after a '/')."""
    return rf"(?<![\w/])(?:{body})(?![\w])"


def union(patterns: list[str], where: str, macros: dict[str, str] | None = None,
          raw: bool = False) -> str:
    """One regular expression matching any of ``patterns`` (as whole words unless raw).

    Longer alternatives go first so that, at one position, the most specific phrase wins.
    """
    found = sorted(bodies(patterns, where, macros), key=len, reverse=True)
    return "|".join(b if raw else word(b) for b in found)


def _lexicon(known: set[str]) -> tuple[LexRule, ...]:
    data = _read("lexicon.yaml")
    macros = {str(k): str(v) for k, v in (data.get("macros") or {}).items()}
    rules = []
    for i, raw in enumerate(data["rules"]):
        ids = tuple(raw.get("ids") or [raw.get("id")])
        where = f"lexicon.yaml rule {i} ({'+'.join(map(str, ids))})"
        unknown = [x for x in ids if x not in known]
        if unknown:
            raise RulesError(f"{where}: finding id(s) not in the vocabulary: {unknown}")
        kind = str(raw.get("kind", "direct"))
        if kind not in KINDS:
            raise RulesError(f"{where}: unknown kind {kind!r}")
        default = raw.get("default")
        tender = raw.get("tender")
        if tender is not None and tender not in known:
            raise RulesError(f"{where}: tender finding {tender!r} not in the vocabulary")
        rules.append(LexRule(
            index=i, ids=ids, kind=kind, value=bool(raw.get("value", True)),
            history=bool(raw.get("history", False)),
            default=None if default is None else bool(default),
            regex=union(list(raw["patterns"]), where, macros),
            patterns=bodies(list(raw["patterns"]), where, macros),
            tender=None if tender is None else str(tender),
            denial_only=bool(raw.get("denial_only", False)),
        ))
    return tuple(rules)


def _modifiers() -> tuple[Modifier, ...]:
    data = _read("context.yaml")
    out = []
    for i, raw in enumerate(data["modifiers"]):
        scope = raw.get("max_scope")
        where = f"context.yaml modifier {i}"
        out.append(Modifier(
            category=str(raw["category"]), direction=str(raw["direction"]).upper(),
            max_scope=int(scope) if scope is not None else None,
            regex=union(list(raw["patterns"]), where, raw=bool(raw.get("raw", False))),
            patterns=bodies(list(raw["patterns"]), where),
            raw=bool(raw.get("raw", False)),
        ))
    return tuple(out)


def _ordered(patterns: list[str], where: str) -> re.Pattern[str]:
    """Alternation that keeps the file's order (results: the first listed wins a tie)."""
    for p in patterns:
        try:
            re.compile(p)
        except re.error as exc:
            raise RulesError(f"{where}: bad pattern {p!r}: {exc}") from exc
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


@functools.lru_cache(maxsize=1)
def load_rules() -> Rules:
    """Read and check every intake data file once."""
    known = set(vocabulary())
    cues_data = _read("cues.yaml")
    lex_macros = {str(k): str(v) for k, v in (_read("lexicon.yaml").get("macros") or {}).items()}
    cues = {}
    cue_patterns = {}
    for name in CUES:
        pats = cues_data["cues"].get(name)
        if not pats:
            raise RulesError(f"cues.yaml: cue {name} is missing")
        cues[name] = union(list(pats), f"cues.yaml {name}", lex_macros)
        cue_patterns[name] = bodies(list(pats), f"cues.yaml {name}", lex_macros)
    results = _read("results.yaml")
    quantities = _read("quantities.yaml")
    return Rules(
        lexicon=_lexicon(known),
        cues=cues,
        cue_patterns=cue_patterns,
        modifiers=_modifiers(),
        negative_results=_ordered(results["negative"], "results.yaml negative"),
        positive_results=_ordered(results["positive"], "results.yaml positive"),
        result_stops=_ordered(results["stops"], "results.yaml stops"),
        clause_breaks=frozenset(str(w).lower() for w in cues_data["clause_breaks"]),
        number_words={str(k).lower(): float(v) for k, v in quantities["numbers"].items()},
        unit_weeks={str(k).lower(): float(v) for k, v in quantities["units_in_weeks"].items()},
        onset_words=frozenset(str(w).lower() for w in quantities["onset_words"]),
    )
