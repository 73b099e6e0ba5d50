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
escaped. Rendered to HTML (:func:`render_html`) and to terminal text (:func:`render_text`).
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import math
import re
import textwrap
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

EVIDENCE_MARKER = "{{evidence}}"
REFERENCES_MARKER = "{{references}}"
MAX_DRAWING_BYTES = 15_000

_CITE = re.compile(r"\[(@[a-z0-9_]+(?:\s*;\s*@[a-z0-9_]+)*)\]")
_CITE_ID = re.compile(r"@([a-z0-9_]+)")
_LINK = re.compile(r"\[([^\]]+)\]\((https?://[^)\s]+)\)")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_ITALIC = re.compile(r"(?<![*\w])\*(?!\s)(.+?)(?<!\s)\*(?![*\w])")


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


def cited_ids(text: str) -> list[str]:
    return [ref for group in _CITE.findall(text) for ref in _CITE_ID.findall(group)]


def strip_citations(text: str) -> str:
    return re.sub(r"\s+([.,;:])", r"\1", _CITE.sub("", text)).strip()


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
            if b.kind in ("p", "ul", "h3") and ("[@" in " ".join(b.items)) and not _CITE.search(b.text):
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


# --- the generated evidence list (section 2) -------------------------------------------------

@dataclass(frozen=True)
class EvidenceItem:
    text: str  # the finding and its state, in plain words
    lr: float
    grade: str
    source: str | None  # a reference id, or None for an expert estimate
    locator: str | None = None

    @property
    def direction(self) -> str:
        return "more" if self.lr > 1 else "less"


def _state_text(kb: KnowledgeBase, finding_id: str, state: str) -> str:
    f = kb.findings[finding_id]
    if f.type == "bool":
        if f.label:
            return f.label if state == "yes" else f"{f.label}: no"
        if f.ask:
            return f"{f.ask.strip()} {'Yes' if state == 'yes' else 'No'}."
        base = (f.means or f.id).strip()
        return base if state == "yes" else f"Not found on examination: {base[0].lower()}{base[1:]}"
    name = (f.label or f.means or f.id.replace("_", " ").capitalize()).rstrip("?")
    if f.type == "number":
        band = next(b for b in f.bands if b.id == state)
        return f"{name}: {band.describe(f.unit or '')} ({state.replace('_', ' ')})"
    return f"{name}: {state.replace('_', ' ')}"


def evidence_items(kb: KnowledgeBase, condition: str,
                   n: int = 5) -> tuple[list[EvidenceItem], list[EvidenceItem]]:
    """The ``n`` findings that raise the odds of ``condition`` most and the ``n`` that lower them
    most, from its likelihood ratios and the clinical rules (clusters) that name it. Ties are
    broken in favour of published figures (better grade)."""
    cond = kb.conditions.get(condition)
    if cond is None:
        return [], []
    items: list[EvidenceItem] = []
    # A finding that a clinical rule (cluster) uses for this condition is shown through the rule.
    in_rules = {f for cl in kb.clusters.values() if condition in cl.conditions for f in cl.findings}
    for ev in cond.evidence:
        if ev.finding in ("age", "sex") or ev.finding in in_rules:
            continue  # age and sex act on the prior and are told in words
        for state, lr in ev.lr.items():
            if lr != 1.0:
                items.append(EvidenceItem(_state_text(kb, ev.finding, state), lr, ev.provenance.grade,
                                          ev.provenance.source, ev.provenance.locator))
    for cl in kb.clusters.values():
        if condition not in cl.conditions:
            continue
        total = len(cl.criteria)
        for count, lr in cl.lr_by_count.items():
            if lr != 1.0:
                state = ("yes" if count else "no") if total == 1 else f"{count} of {total} criteria met"
                items.append(EvidenceItem(f"{cl.name}: {state}", lr, cl.provenance.grade,
                                          cl.provenance.source, cl.provenance.locator))

    def key(item: EvidenceItem) -> tuple[float, str]:
        return (-abs(math.log(item.lr)), item.grade)

    more = sorted((i for i in items if i.lr > 1), key=key)[:n]
    less = sorted((i for i in items if i.lr < 1), key=key)[:n]
    return more, less


def _fmt_lr(lr: float) -> str:
    return f"{lr:.2g}" if lr < 10 else f"{lr:.0f}"


def _source_label(kb: KnowledgeBase, item: EvidenceItem) -> str:
    if item.source is None:
        return "expert estimate, grade D"
    ref = kb.references[item.source]
    first = ref.authors.split(",")[0].split(" ")[0]
    return f"{first} {ref.year}, grade {item.grade}"


EVIDENCE_INTRO = ("The lists below come from hipnav's own figures. Each number shows how much a "
                  "finding changes the odds: × 4 means four times the odds, × 0.25 means a quarter. "
                  "Grade A is the best evidence, grade D is an expert's best guess.")
NO_EVIDENCE = "hipnav's knowledge base has no figures for this condition yet."
DISCLAIMER = "This guide informs care; it does not replace a clinician who can examine you."


# --- rendering: terminal text ----------------------------------------------------------------

def _numbering(guide: Guide) -> dict[str, int]:
    return {ref: i for i, ref in enumerate(guide.citations, start=1)}


def _inline_text(text: str, numbers: dict[str, int]) -> str:
    def cite(m: re.Match[str]) -> str:
        return "[" + ", ".join(str(numbers.get(r, "?")) for r in _CITE_ID.findall(m.group(1))) + "]"

    text = _CITE.sub(cite, text)
    text = _LINK.sub(lambda m: f"{m.group(1)} <{m.group(2)}>", text)
    text = _BOLD.sub(r"\1", text)
    return _ITALIC.sub(r"\1", text)


def _evidence_lines(kb: KnowledgeBase, guide: Guide) -> list[tuple[str, list[str]]]:
    """(lead-in, items) pairs for the generated list, as plain text."""
    more, less = evidence_items(kb, guide.id)
    if not more and not less:
        return [(NO_EVIDENCE, [])]
    out: list[tuple[str, list[str]]] = [(EVIDENCE_INTRO, [])]
    if more:
        out.append(("What makes it more likely:",
                    [f"{i.text} (odds × {_fmt_lr(i.lr)}; {_source_label(kb, i)})" for i in more]))
    if less:
        out.append(("What makes it less likely:",
                    [f"{i.text} (odds × {_fmt_lr(i.lr)}; {_source_label(kb, i)})" for i in less]))
    return out


def section_text(guide: Guide, kb: KnowledgeBase, key: str, citations: bool = False) -> str:
    """A section as plain prose (the generated list included), for reading-ease scores."""
    numbers = _numbering(guide)
    parts: list[str] = []
    for block in guide.section(key).blocks:
        if block.kind == "evidence":
            for lead, items in _evidence_lines(kb, guide):
                parts.append(lead)
                parts += [i if i.endswith(".") else i + "." for i in items]
            continue
        if block.kind == "references":
            continue
        for item in block.items:
            text = _inline_text(item if citations else strip_citations(item), numbers)
            parts.append(text if text.endswith((".", "?", "!", ":")) else text + ".")
    return "\n".join(parts)


def drawing_description(guide: Guide) -> str:
    svg = guide.drawing_path.read_text(encoding="utf-8")
    m = re.search(r"<desc[^>]*>(.*?)</desc>", svg, re.S)
    return html.unescape(re.sub(r"\s+", " ", m.group(1)).strip()) if m else ""


def render_text(guide: Guide, kb: KnowledgeBase, width: int = 88) -> str:
    numbers = _numbering(guide)
    out: list[str] = [guide.title, "=" * len(guide.title), ""]
    out.append(f"Where it is felt: {guide.region}. Reviewed {guide.reviewed.isoformat()}.")
    for n, section in enumerate(guide.sections, start=1):
        heading = f"{n}. {section.heading}"
        out += ["", heading, "-" * len(heading)]
        if section.key == "what":
            out += textwrap.wrap(f"[Drawing: {drawing_description(guide)}]", width)
            out.append("")
        for block in section.blocks:
            if block.kind == "p":
                out += textwrap.wrap(_inline_text(block.items[0], numbers), width) + [""]
            elif block.kind == "ul":
                for item in block.items:
                    out += textwrap.wrap(_inline_text(item, numbers), width, initial_indent="  - ",
                                         subsequent_indent="    ")
                out.append("")
            elif block.kind == "h3":
                out += [block.items[0], ""]
            elif block.kind == "evidence":
                for lead, items in _evidence_lines(kb, guide):
                    out += textwrap.wrap(lead, width)
                    for item in items:
                        out += textwrap.wrap(item, width, initial_indent="  + " if "more" in lead else "  - ",
                                             subsequent_indent="    ")
                    out.append("")
            elif block.kind == "references":
                for ref in guide.citations:
                    out += textwrap.wrap(f"[{numbers[ref]}] {kb.references[ref].citation()}", width,
                                         initial_indent="  ", subsequent_indent="      ")
        while out and out[-1] == "":
            out.pop()
    out += ["", *textwrap.wrap(DISCLAIMER, width)]
    return "\n".join(out) + "\n"


# --- rendering: HTML -------------------------------------------------------------------------

def _inline_html(text: str, numbers: dict[str, int], ref_href: str) -> str:
    """Escape ``text`` and turn the Markdown subset into HTML."""
    tokens: list[str] = []

    def keep(fragment: str) -> str:
        tokens.append(fragment)
        return f"\x00{len(tokens) - 1}\x00"

    def cite(m: re.Match[str]) -> str:
        links = []
        for ref in _CITE_ID.findall(m.group(1)):
            n = numbers.get(ref)
            links.append(f'<a href="{ref_href}#ref-{ref}">{n}</a>' if n else html.escape(ref))
        return keep('<sup class="cite">[' + ", ".join(links) + "]</sup>")

    text = _CITE.sub(cite, text)
    text = _LINK.sub(lambda m: keep(f'<a href="{html.escape(m.group(2))}" rel="noopener">'
                                    f"{html.escape(m.group(1))}</a>"), text)
    text = html.escape(text, quote=False)
    text = _BOLD.sub(r"<strong>\1</strong>", text)
    text = _ITALIC.sub(r"<em>\1</em>", text)
    return re.sub(r"\x00(\d+)\x00", lambda m: tokens[int(m.group(1))], text)


def drawing_svg(guide: Guide) -> str:
    """The drawing as inline SVG (our own files, validated at load), for the web page."""
    svg = guide.drawing_path.read_text(encoding="utf-8")
    return svg[svg.find("<svg"):]


def render_sections_html(guide: Guide, kb: KnowledgeBase, ref_href: str = "") -> list[tuple[str, str, str]]:
    """(key, heading, HTML body) for each section; the drawing goes in the template."""
    numbers = _numbering(guide)
    out: list[tuple[str, str, str]] = []
    for section in guide.sections:
        parts: list[str] = []
        for block in section.blocks:
            if block.kind == "p":
                parts.append(f"<p>{_inline_html(block.items[0], numbers, ref_href)}</p>")
            elif block.kind == "ul":
                lis = "".join(f"<li>{_inline_html(i, numbers, ref_href)}</li>" for i in block.items)
                parts.append(f"<ul>{lis}</ul>")
            elif block.kind == "h3":
                parts.append(f"<h3>{_inline_html(block.items[0], numbers, ref_href)}</h3>")
            elif block.kind == "evidence":
                parts.append(_evidence_html(kb, guide))
            elif block.kind == "references":
                refs: list[str] = []
                for ref in guide.citations:
                    r = kb.references[ref]
                    link = (f' <a href="{html.escape(r.link)}" rel="noopener">{html.escape(r.link)}</a>'
                            if r.link else "")
                    refs.append(f'<li id="ref-{ref}">{html.escape(r.authors)} ({r.year}). '
                                f"{html.escape(r.title)}. <em>{html.escape(r.journal)}</em>.{link}</li>")
                parts.append('<ol class="references">' + "".join(refs) + "</ol>")
        out.append((section.key, section.heading, "\n".join(parts)))
    return out


def _evidence_html(kb: KnowledgeBase, guide: Guide) -> str:
    more, less = evidence_items(kb, guide.id)
    if not more and not less:
        return f'<p class="evidence-none">{html.escape(NO_EVIDENCE)}</p>'
    parts = [f'<div class="evidence"><p>{html.escape(EVIDENCE_INTRO)}</p>']
    for label, items, cls in (("What makes it more likely", more, "more"),
                              ("What makes it less likely", less, "less")):
        if not items:
            continue
        lis = "".join(
            f"<li>{html.escape(i.text)} <span class=\"lr\">odds × {_fmt_lr(i.lr)}</span> "
            f"<span class=\"grade grade-{i.grade}\">{html.escape(_source_label(kb, i))}</span></li>"
            for i in items)
        parts.append(f'<h3>{label}</h3><ul class="evidence-{cls}">{lis}</ul>')
    parts.append("</div>")
    return "".join(parts)


def render_html(guide: Guide, kb: KnowledgeBase) -> str:
    """The whole guide as an HTML fragment (an ``<article>``), drawing included."""
    parts = [f'<article class="guide" id="guide-{guide.id}"><h1>{html.escape(guide.title)}</h1>']
    for n, (key, heading, body) in enumerate(render_sections_html(guide, kb), start=1):
        figure = (f'<figure class="drawing">{drawing_svg(guide)}</figure>' if key == "what" else "")
        parts.append(f'<section id="{key}"><h2>{n}. {html.escape(heading)}</h2>{figure}{body}</section>')
    parts.append("</article>")
    return "\n".join(parts)
