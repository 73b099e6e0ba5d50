"""Guides: what the research says about each condition, for people in pain and their therapists.

One Markdown file per condition in ``data/guides/<id>.md``: YAML front matter, then seven
sections with fixed headings, in a fixed order (:data:`SECTIONS`). Cite with ``[@refid]`` or
``[@a; @b]``; every id must be a reference of the knowledge base. Two markers are filled in at
render time, so nothing is written twice:

- ``{{evidence}}`` in section 2: what makes the condition more or less likely, generated from the
  knowledge base's strongest likelihood ratios for it, each with its grade and source;
- ``{{references}}`` in section 7: the full citation of every reference the guide cites.

The Markdown is a small, safe subset (paragraphs, ``- `` lists, ``### `` sub-headings,
``**bold**``, ``*italic*``, ``[text](https://...)`` links); everything else is text and is
escaped. Rendered to HTML and to terminal text by :mod:`hipnav.knowledge.guide_render`.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from hipnav.knowledge.model import KnowledgeBase

GUIDES_DIR = Path(__file__).parent / "data" / "guides"
DRAWINGS_DIR = GUIDES_DIR / "drawings"

#: The seven sections: (key, heading), in the order every guide must have them.
SECTIONS: tuple[tuple[str, str], ...] = (
    ("what", "What it is"),
    ("who", "Who gets it and how it feels"),
    ("beliefs", "Popular beliefs and the evidence"),
    ("helps", "What helps"),
    ("when", "When to see whom"),
    ("ask", "What to tell or ask your provider"),
    ("references", "References"),
)
HEADINGS = {key: heading for key, heading in SECTIONS}
#: Sections a person in pain reads first: they must score >= 60 on Flesch reading ease.
PLAIN_SECTIONS = ("what", "who", "ask")
#: Sections whose every factual paragraph and list item must cite a reference.
CITED_SECTIONS = ("what", "who", "beliefs", "helps", "when")

#: Where the pain is felt (the body map's regions), in display order.
REGIONS: tuple[str, ...] = ("groin/front", "outer hip", "buttock/back", "thigh/knee", "whole hip", "abdomen")
REGION_SLUGS = {r: re.sub(r"[^a-z]+", "-", r).strip("-") for r in REGIONS}

#: The sub-heading that opens section 4 ("What helps"): what a person can do themselves, with
#: the strength of its evidence in brackets ("First-line care (strong evidence)"). A result
#: page shows it, with section 5, as "what you can do now" (:func:`advice`).
FIRST_LINE = "First-line care"

EVIDENCE_MARKER = "{{evidence}}"
REFERENCES_MARKER = "{{references}}"
MAX_DRAWING_BYTES = 15_000

CITE = re.compile(r"\[(@[a-z0-9_]+(?:\s*;\s*@[a-z0-9_]+)*)\]")
CITE_ID = re.compile(r"@([a-z0-9_]+)")


class GuideError(ValueError):
    """A guide is invalid; ``problems`` lists every problem found."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in the guides:\n  " + "\n  ".join(problems))


@dataclass(frozen=True)
class Block:
    """A paragraph (``p``), a list (``ul``, one string per item), a sub-heading (``h3``) or a
    marker filled in at render time (``evidence``, ``references``)."""

    kind: str
    items: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        return " ".join(self.items)


@dataclass(frozen=True)
class Section:
    key: str
    heading: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Guide:
    id: str
    title: str
    region: str
    drawing: str
    reviewed: dt.date
    sections: tuple[Section, ...]
    path: Path

    @property
    def citations(self) -> tuple[str, ...]:
        """Every reference id the guide cites, in order of first citation."""
        seen: dict[str, None] = {}
        for section in self.sections:
            for block in section.blocks:
                for item in block.items:
                    for ref in cited_ids(item):
                        seen.setdefault(ref, None)
        return tuple(seen)

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)

    @property
    def drawing_path(self) -> Path:
        return DRAWINGS_DIR / self.drawing

    @property
    def summary(self) -> str:
        """The first paragraph of section 1, without citations: a one-line description."""
        first = next((b for b in self.section("what").blocks if b.kind == "p"), None)
        return strip_citations(first.text) if first else ""


@dataclass(frozen=True)
class Advice:
    """What a person can do now, taken from a guide: the first-line care of section 4 (each
    item Markdown with its citations), the strength of its evidence as the guide words it
    ("strong evidence"; None when the guide gives none), and section 5, when to see whom."""

    evidence: str | None
    self_care: tuple[str, ...]
    when: tuple[str, ...]


def _first_line(section: Section) -> tuple[str | None, tuple[str, ...]] | None:
    """(evidence, items) of the first-line sub-heading that opens ``section``, if it does."""
    blocks = section.blocks
    if len(blocks) < 2 or blocks[0].kind != "h3" or blocks[1].kind != "ul":
        return None
    m = re.fullmatch(re.escape(FIRST_LINE) + r"(?:\s*\(([^)]+)\))?", blocks[0].text.strip())
    return (m.group(1), blocks[1].items) if m else None


def advice(guide: Guide) -> Advice:
    """The guide's "what you can do now" (its format is checked when the guides load)."""
    first = _first_line(guide.section("helps"))
    evidence, items = first if first is not None else (None, ())
    when = tuple(item for b in guide.section("when").blocks if b.kind in ("p", "ul") for item in b.items)
    return Advice(evidence, items, when)


def cited_ids(text: str) -> list[str]:
    return [ref for group in CITE.findall(text) for ref in CITE_ID.findall(group)]


def strip_citations(text: str) -> str:
    return re.sub(r"\s+([.,;:])", r"\1", CITE.sub("", text)).strip()


# --- parsing ---------------------------------------------------------------------------------

def _split_front_matter(text: str, where: str, problems: list[str]) -> tuple[dict[str, Any], str]:
    if not text.startswith("---\n"):
        problems.append(f"{where}: must start with YAML front matter between '---' lines")
        return {}, text
    end = text.find("\n---\n", 4)
    if end < 0:
        problems.append(f"{where}: front matter is not closed by a '---' line")
        return {}, text
    try:
        meta = yaml.safe_load(text[4:end]) or {}
    except yaml.YAMLError as exc:
        problems.append(f"{where}: front matter is not valid YAML: {exc}")
        return {}, text[end + 5:]
    if not isinstance(meta, dict):
        problems.append(f"{where}: front matter must be a mapping")
        return {}, text[end + 5:]
    return meta, text[end + 5:]


def _blocks(lines: list[str]) -> tuple[Block, ...]:
    blocks: list[Block] = []
    para: list[str] = []
    items: list[str] = []

    def flush() -> None:
        if para:
            blocks.append(Block("p", (" ".join(para),)))
            para.clear()
        if items:
            blocks.append(Block("ul", tuple(items)))
            items.clear()

    for raw in lines:
        line = raw.rstrip()
        stripped = line.strip()
        if not stripped:
            flush()
        elif stripped in (EVIDENCE_MARKER, REFERENCES_MARKER):
            flush()
            blocks.append(Block(stripped.strip("{}")))
        elif stripped.startswith("### "):
            flush()
            blocks.append(Block("h3", (stripped[4:].strip(),)))
        elif stripped.startswith("- "):
            if para:
                flush()
            items.append(stripped[2:].strip())
        elif items and line.startswith("  "):  # a list item continued on the next line
            items[-1] += " " + stripped
        else:
            if items:
                flush()
            para.append(stripped)
    flush()
    return tuple(blocks)


def parse(text: str, path: Path, problems: list[str]) -> Guide | None:
    """Parse one guide, adding every problem found to ``problems``; the guide is returned
    whenever its front matter and sections can be read, even if it has problems."""
    where = f"guides/{path.name}"
    before = len(problems)
    meta, body = _split_front_matter(text, where, problems)
    for key in ("id", "title", "region", "drawing", "reviewed"):
        if key not in meta:
            problems.append(f"{where}: front matter needs '{key}'")
    if meta.get("id") is not None and meta.get("id") != path.stem:
        problems.append(f"{where}: id '{meta.get('id')}' does not match the file name")
    if "region" in meta and meta["region"] not in REGIONS:
        problems.append(f"{where}: region must be one of {list(REGIONS)}, got {meta['region']!r}")
    if "reviewed" in meta and not isinstance(meta["reviewed"], dt.date):
        problems.append(f"{where}: reviewed must be a date (YYYY-MM-DD)")

    chunks: list[tuple[str, list[str]]] = []
    for line in body.splitlines():
        if line.startswith("## "):
            chunks.append((line[3:].strip(), []))
        elif line.startswith("# "):
            problems.append(f"{where}: use '## ' for section headings (the title is in front matter)")
        elif chunks:
            chunks[-1][1].append(line)
        elif line.strip():
            problems.append(f"{where}: text before the first section: {line.strip()[:40]!r}")
    headings = [h for h, _ in chunks]
    expected = [h for _, h in SECTIONS]
    if headings != expected:
        problems.append(f"{where}: sections must be exactly, in order, {expected}; found {headings}")

    sections: list[Section] = []
    keys = {h: k for k, h in SECTIONS}
    for heading, lines in chunks:
        if heading not in keys:
            continue
        key = keys[heading]
        blocks = _blocks(lines)
        if not any(b.kind in ("p", "ul") for b in blocks) and key != "references":
            problems.append(f"{where}: section '{heading}' is empty")
        sections.append(Section(key, heading, blocks))

    by_key = {s.key: s for s in sections}
    if "who" in by_key and not any(b.kind == "evidence" for b in by_key["who"].blocks):
        problems.append(f"{where}: section '{HEADINGS['who']}' needs the {EVIDENCE_MARKER} marker")
    if "helps" in by_key and _first_line(by_key["helps"]) is None:
        problems.append(f"{where}: section '{HEADINGS['helps']}' must open with '### {FIRST_LINE}' "
                        "(the evidence in brackets) and a list")
    if "references" in by_key and not any(b.kind == "references" for b in by_key["references"].blocks):
        problems.append(f"{where}: section '{HEADINGS['references']}' needs the {REFERENCES_MARKER} marker")
    for s in sections:
        for b in s.blocks:
            if b.kind == "evidence" and s.key != "who" or b.kind == "references" and s.key != "references":
                problems.append(f"{where}: the {b.kind} marker is out of place (in '{s.heading}')")
            if s.key in CITED_SECTIONS and b.kind in ("p", "ul"):
                for item in b.items:
                    if _is_factual(item) and not cited_ids(item):
                        problems.append(f"{where}: in '{s.heading}', cite a reference for: {item[:60]!r}")
            if b.kind in ("p", "ul", "h3") and ("[@" in " ".join(b.items)) and not CITE.search(b.text):
                problems.append(f"{where}: malformed citation in {b.text[:60]!r} (write [@id] or [@a; @b])")
    if any(key not in meta for key in ("id", "title", "region", "drawing")) or not sections:
        return None
    if len(problems) > before:  # still returned, so that its citations and drawing are checked too
        meta.setdefault("reviewed", dt.date.min)
    if not isinstance(meta["reviewed"], dt.date):
        meta["reviewed"] = dt.date.min
    return Guide(id=str(meta["id"]), title=str(meta["title"]), region=str(meta["region"]),
                 drawing=str(meta["drawing"]), reviewed=meta["reviewed"], sections=tuple(sections), path=path)


def _is_factual(text: str) -> bool:
    """A lead-in ("Go to an emergency department now if:") or a very short line needs no citation."""
    plain = strip_citations(text)
    return not plain.endswith(":") and len(plain.split()) >= 6


def load(kb: KnowledgeBase, root: Path | str | None = None) -> dict[str, Guide]:
    """Read and validate every guide; raise :class:`GuideError` listing every problem."""
    guides, problems = _load(kb, Path(root) if root is not None else GUIDES_DIR)
    if problems:
        raise GuideError(problems)
    return guides


def check(kb: KnowledgeBase, root: Path | str | None = None) -> list[str]:
    """Every problem in the guides (an empty list when they are valid), for ``hipnav kb check``."""
    return _load(kb, Path(root) if root is not None else GUIDES_DIR)[1]


def check_data(kb: KnowledgeBase, data: Path | str | None = None) -> list[str]:
    """Problems in the guides of a knowledge-base folder (``hipnav kb check --data``); a folder
    without a ``guides/`` directory has no guides to check."""
    root = Path(data) / "guides" if data is not None else GUIDES_DIR
    return check(kb, root) if root.is_dir() else []


def _load(kb: KnowledgeBase, root: Path) -> tuple[dict[str, Guide], list[str]]:
    problems: list[str] = []
    guides: dict[str, Guide] = {}
    for path in sorted(root.glob("*.md")):
        guide = parse(path.read_text(encoding="utf-8"), path, problems)
        if guide is None:
            continue
        where = f"guides/{path.name}"
        for ref in guide.citations:
            if ref not in kb.references:
                problems.append(f"{where}: cites '{ref}', which is not a reference id of the knowledge base")
        drawing = root / "drawings" / guide.drawing
        if not drawing.is_file():
            problems.append(f"{where}: drawing '{guide.drawing}' is not in guides/drawings/")
        elif drawing.stat().st_size > MAX_DRAWING_BYTES:
            problems.append(f"{where}: drawing '{guide.drawing}' is over {MAX_DRAWING_BYTES // 1000} KB")
        else:
            svg = drawing.read_text(encoding="utf-8")
            if "<title" not in svg or "<desc" not in svg:
                problems.append(f"{where}: drawing '{guide.drawing}' needs a <title> and a <desc>")
        guides[guide.id] = guide
    for cid in kb.conditions:
        if cid not in guides and not (root / f"{cid}.md").exists():
            problems.append(f"guides/{cid}.md: condition '{cid}' has no guide")
    return guides, problems


@functools.lru_cache(maxsize=1)
def default() -> dict[str, Guide]:
    """The guides shipped with hipnav, validated against the shipped knowledge base."""
    from hipnav.knowledge import default as default_kb

    return load(default_kb())
