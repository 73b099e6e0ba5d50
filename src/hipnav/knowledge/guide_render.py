"""Rendering guides: the generated evidence list of section 2, terminal text and HTML.

Parsing and validation live in :mod:`hipnav.knowledge.guide`; this module only turns a
validated :class:`~hipnav.knowledge.guide.Guide` into something a person reads.
"""

from __future__ import annotations

import html
import math
import re
import textwrap
from dataclasses import dataclass

from hipnav.knowledge.guide import CITE, CITE_ID, Guide, advice, strip_citations
from hipnav.knowledge.model import KnowledgeBase

_LINK = re.compile(r"\[([^\]]+)\]\((https?://[^)\s]+)\)")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_ITALIC = re.compile(r"(?<![*\w])\*(?!\s)(.+?)(?<!\s)\*(?![*\w])")

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
    name = f.text.rstrip("?")
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
    return f"{first} {ref.when}, grade {item.grade}"


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
        return "[" + ", ".join(str(numbers.get(r, "?")) for r in CITE_ID.findall(m.group(1))) + "]"

    text = CITE.sub(cite, text)
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
        for ref in CITE_ID.findall(m.group(1)):
            n = numbers.get(ref)
            links.append(f'<a href="{ref_href}#ref-{ref}">{n}</a>' if n else html.escape(ref))
        return keep('<sup class="cite">[' + ", ".join(links) + "]</sup>")

    text = CITE.sub(cite, text)
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
                    refs.append(f'<li id="ref-{ref}">{html.escape(r.authors)} ({r.when}). '
                                f"{html.escape(r.title)}. <em>{html.escape(r.journal)}</em>.{link}</li>")
                parts.append('<ol class="references">' + "".join(refs) + "</ol>")
        out.append((section.key, section.heading, "\n".join(parts)))
    return out


@dataclass(frozen=True)
class AdviceHtml:
    """A guide's "what you can do now" (:func:`hipnav.knowledge.guide.advice`) as HTML
    fragments, its citations numbered as on the guide's page and linked to its references."""

    evidence: str | None
    self_care: tuple[str, ...]
    when: tuple[str, ...]


def advice_html(guide: Guide, guide_href: str) -> AdviceHtml:
    numbers = _numbering(guide)
    a = advice(guide)
    return AdviceHtml(a.evidence, tuple(_inline_html(i, numbers, guide_href) for i in a.self_care),
                      tuple(_inline_html(i, numbers, guide_href) for i in a.when))


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
